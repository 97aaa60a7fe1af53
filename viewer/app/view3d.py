"""The 3D view: a QtInteractor showing the render Scene, overlays and camera of a Session.

All drawing is the render package's: this class only wires it to Qt (size, mouse picks,
explicit renders). Actors are built when a scenario opens, the colour source changes or the
window is resized; playback only updates them in place.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from pyvistaqt import QtInteractor

from viewer.core.files import atomic_write
from viewer.core.viewstate import CameraState
from viewer.render.camera import CameraRig
from viewer.render.export import BACKGROUND
from viewer.render.overlays import Overlays, text_unit
from viewer.render.scene import Scene, SceneStyle

from .redraw import Redraw

# key → (view name, menu text); number keys pick the named views
VIEW_KEYS = {"1": ("left", "&Left side"), "2": ("right", "&Right side"), "3": ("front", "F&ront"),
             "4": ("back", "&Back"), "5": ("top", "&Top (from the head)"), "6": ("three-quarter", "Three-&quarter")}
CLICK_TOLERANCE_PX = 4  # a press and release closer than this is a click, not a rotation
RESIZE_SETTLE_MS = 150


class View3D(QObject):
    picked = Signal(object)  # muscle index, or None for a click on empty space
    camera_moved = Signal(object)  # CameraState: the user turned or zoomed the camera

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plotter = QtInteractor(parent, auto_update=False, lighting="light_kit")
        self.widget = self.plotter
        self.plotter.set_background(BACKGROUND[0], top=BACKGROUND[1])
        self.anti_aliasing = "none"
        self.redraw = Redraw(self.plotter, lambda: self.scene, self,  # one render per screen update
                             smooth_when_still=lambda: self.anti_aliasing == "fxaa")
        self.set_anti_aliasing("fxaa")
        self.session = None
        self.scene: Scene | None = None
        self.overlays: Overlays | None = None
        self.rig: CameraRig | None = None
        self.camera = CameraState()
        self.hidden: np.ndarray | None = None
        self.highlighted: int | None = None
        self._painted: dict[int, np.ndarray] = {}
        self._shown = (0, 1, 0.0)  # frame index, direction, time
        self._press = None
        self._settle = QTimer(self, singleShot=True, interval=RESIZE_SETTLE_MS)
        self._settle.timeout.connect(lambda: self._rebuild_overlays(aim=False))
        self.widget.installEventFilter(self)
        self.plotter.iren.add_observer("LeftButtonPressEvent", self._on_press)
        self.plotter.iren.add_observer("LeftButtonReleaseEvent", self._on_release)
        # The camera the user leaves is the view state's (what an export of this window uses).
        for event in ("RightButtonReleaseEvent", "MiddleButtonReleaseEvent", "MouseWheelForwardEvent",
                      "MouseWheelBackwardEvent"):
            self.plotter.iren.add_observer(event, self._on_camera_moved)

    # --- building -----------------------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        w, h = self.plotter.window_size
        return max(int(w), 64), max(int(h), 64)

    def show_session(self, session, state, aim: bool = True) -> None:
        """Build the scene of a session as the view state says (hidden muscles, bones, camera).

        aim=False keeps the camera where the user left it (the editor rebuilding after an edit)."""
        self.session = session
        self.state = state
        self._painted.clear()
        if self.overlays is not None:
            self.overlays.remove()
        # The same model again (a reload, an edit): keep its bone actors, whose meshes are on the GPU.
        same_model = self.scene if self.scene is not None and self.scene.model is session.model else None
        if same_model is not None:
            same_model.clear(keep_bones=True)
        else:
            self.plotter.clear()
            self.plotter.enable_lightkit()  # clear() removed the lights; the export uses the same kit
        self.scene = Scene(self.plotter, session.feed, session.frames, SceneStyle(bone_opacity=state.bone_opacity),
                           bones_from=same_model)
        self.hidden = state.hidden_mask(session.model)
        self.scene.set_hidden(self.hidden)
        self.highlighted = None
        if aim:
            self.camera = state.camera
        i, direction, t = self._shown
        self._shown = (min(i, len(session.frames) - 1), direction, t)  # the new scenario may be shorter
        self._rebuild_overlays(aim=aim)

    @property
    def current_view(self) -> str:
        return self.camera.view

    @property
    def unit(self) -> float:
        """Overlay text scale of this window (an export from it scales the same text to its size)."""
        return text_unit(self.size[1], window=True)

    def _rebuild_overlays(self, aim: bool = True, legend: bool = True) -> None:
        if self.session is None:
            return
        if self.overlays is not None:
            self.overlays.remove()
        self.overlays = Overlays(self.plotter, self.session.feed, self.session.colouring, self.size, unit=self.unit,
                                 legend=legend, hidden=self.hidden)
        self.rig = CameraRig(self.session.feed, self.scene.extent, self.size, area=self.overlays.free_area(),
                             camera=self.camera)
        if aim:
            self._aim()
        self.show_frame(*self._shown)

    def _aim(self) -> None:
        self.rig.shot().apply(self.plotter.renderer.GetActiveCamera())
        self.plotter.renderer.camera_set = True
        self.plotter.renderer.ResetCameraClippingRange()

    def set_camera(self, camera: CameraState) -> None:
        """Show the view state's camera (a named view is fitted to this window)."""
        if camera == self.camera and camera.exact:
            return  # the camera the user just turned: already shown
        self.camera = camera
        if self.rig is not None:
            self.rig = CameraRig(self.session.feed, self.scene.extent, self.size, area=self.overlays.free_area(),
                                 camera=camera)
            self._aim()
            self.render()

    def exact_camera(self) -> CameraState:
        """The camera on screen now, exactly (what an export from this window uses)."""
        cam = self.plotter.renderer.GetActiveCamera()
        return replace(self.camera, position=tuple(cam.GetPosition()), focal_point=tuple(cam.GetFocalPoint()),
                       up=tuple(cam.GetViewUp()), view_angle=float(cam.GetViewAngle()))

    def _on_camera_moved(self, *args) -> None:
        if self.session is not None:
            QTimer.singleShot(0, lambda: self.session is not None and self.camera_moved.emit(self.exact_camera()))

    def recolour(self) -> None:
        """The colour source changed: new colours and a new legend, same camera."""
        self._painted.clear()
        if self.session is not None:
            self._rebuild_overlays(aim=False)

    # --- per frame ------------------------------------------------------------------------------
    def painted(self, direction: int) -> np.ndarray:
        """(F, M, 4) uint8 colours of the whole scenario, played forward or backward."""
        if direction not in self._painted:
            s = self.session
            signs = np.full(len(s.frames), float(direction))
            self._painted[direction] = self.scene.paint(*s.colouring.paint(s.frames, signs))
        return self._painted[direction]

    def show_frame(self, i: int, direction: int = 1, t: float | None = None) -> None:
        if self.session is None:
            return
        direction = 1 if direction >= 0 else -1
        self._shown = (i, direction, t)
        frames = self.session.frames
        self.scene.update(frames, i, self.painted(direction)[i])
        self.overlays.update(frames, i, t)
        self.plotter.renderer.ResetCameraClippingRange()
        self.render()

    def show_pose(self, frames, t: float) -> None:
        """Frame 0 of a one-off batch (the editor's sliders), coloured like the frame shown before."""
        if self.session is None:
            return
        i, direction, _ = self._shown
        self.scene.update(frames, 0, self.painted(direction)[i])
        self.overlays.update(frames, 0, t)
        self.plotter.renderer.ResetCameraClippingRange()
        self.render()

    def render(self) -> None:
        self.redraw.request()

    def set_anti_aliasing(self, mode: str) -> None:
        """'fxaa' (smooth edges) or 'none' (exact pixels); exports from this window use the same."""
        if mode == "fxaa":
            self.plotter.enable_anti_aliasing("fxaa")
        else:
            self.plotter.disable_anti_aliasing()
        self.anti_aliasing = mode

    # --- controls -----------------------------------------------------------------------------------
    def set_visible(self, visible: np.ndarray) -> None:
        if self.scene is None:
            return
        self.hidden = ~np.asarray(visible, bool)
        self.scene.set_hidden(self.hidden)
        if self.session.colouring.key == "group":
            self._rebuild_overlays(aim=False)  # the legend lists the groups still drawn
        else:
            self.show_frame(*self._shown)

    def visible_muscles(self) -> np.ndarray:
        return np.flatnonzero(~self.hidden) if self.hidden is not None else np.zeros(0, int)

    def highlight(self, muscle: int | None) -> None:
        if self.scene is None:
            return
        self.highlighted = muscle
        self.scene.set_highlight(muscle)
        self.show_frame(*self._shown)

    def set_bone_opacity(self, opacity: float) -> None:
        if self.scene is not None:
            self.scene.set_bone_opacity(opacity)
            self.render()

    # --- picking -----------------------------------------------------------------------------------
    def _on_press(self, interactor, event) -> None:
        self._press = self.plotter.iren.get_event_position()

    def _on_release(self, interactor, event) -> None:
        if self._press is None or self.scene is None:
            return
        x, y = self.plotter.iren.get_event_position()
        moved = abs(x - self._press[0]) + abs(y - self._press[1])
        self._press = None
        if moved <= CLICK_TOLERANCE_PX:
            self.picked.emit(self.muscle_at(x, y))
        else:
            self._on_camera_moved()

    def muscle_at(self, x: int, y: int) -> int | None:
        """The visible muscle under display pixel (x, y), origin bottom-left, or None."""
        from viewer.render.picking import camera_ray  # a ray against the drawn centre lines: no render

        return self.scene.muscle_on_ray(camera_ray(self.plotter.renderer, x, y))

    def display_point(self, world: np.ndarray) -> tuple[int, int]:
        """Display pixel (origin bottom-left) of a world point, for tests and tooltips."""
        renderer = self.plotter.renderer
        renderer.SetWorldPoint(*world, 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        return int(round(x)), int(round(y))

    # --- images --------------------------------------------------------------------------------------
    def pixels(self) -> np.ndarray:
        """The 3D view as RGB rows, top first, in full quality."""
        self.redraw.finish()
        self.plotter.render()
        return np.asarray(self.plotter.screenshot(return_img=True))[..., :3]

    def save_screenshot(self, path: str) -> None:
        import imageio.v3 as iio

        image = self.pixels()
        atomic_write(path, lambda tmp: iio.imwrite(tmp, image, extension=".png"))

    # --- Qt -------------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if obj is self.widget and event.type() == QEvent.Resize and self.session is not None:
            self._settle.start()  # overlays are laid out in pixels: rebuild once the size settles
        return False

    def close(self) -> None:
        self._settle.stop()
        self.redraw._settle.stop()  # no late full-quality redraw of a closed view
        self.session = self.scene = None  # queued slots (a resize, a camera note) find nothing to do
        self.plotter.close()
