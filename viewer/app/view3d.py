"""The 3D view: a QtInteractor showing the render Scene, overlays and camera of a Session.

All drawing is the render package's: this class only wires it to Qt (size, mouse picks,
explicit renders). Actors are built when a scenario opens, the colour source changes or the
window is resized; playback only updates them in place.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from pyvistaqt import QtInteractor

from viewer.core.files import atomic_write
from viewer.render.camera import CameraRig
from viewer.render.export import BACKGROUND
from viewer.render.overlays import Overlays
from viewer.render.scene import Scene, SceneStyle

from .redraw import Redraw

# key → (view name, menu text); number keys pick the named views
VIEW_KEYS = {"1": ("left", "&Left side"), "2": ("right", "&Right side"), "3": ("front", "F&ront"),
             "4": ("back", "&Back"), "5": ("top", "&Top (from the head)"), "6": ("three-quarter", "Three-&quarter")}
CLICK_TOLERANCE_PX = 4  # a press and release closer than this is a click, not a rotation
RESIZE_SETTLE_MS = 150
TEXT_SCALE = (0.85, 1.1)  # overlay text scale limits in the window (1 = sizes of a 720p export)


class View3D(QObject):
    picked = Signal(object)  # muscle index, or None for a click on empty space

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plotter = QtInteractor(parent, auto_update=False, lighting="light_kit")
        self.widget = self.plotter
        self.plotter.set_background(BACKGROUND[0], top=BACKGROUND[1])
        self.plotter.enable_anti_aliasing("fxaa")
        self.redraw = Redraw(self.plotter, lambda: self.scene, self)  # one render per screen update
        self.session = None
        self.scene: Scene | None = None
        self.overlays: Overlays | None = None
        self.rig: CameraRig | None = None
        self.current_view = "left"
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

    # --- building -----------------------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        w, h = self.plotter.window_size
        return max(int(w), 64), max(int(h), 64)

    def show_session(self, session, bone_opacity: float = 1.0, aim: bool = True) -> None:
        """aim=False keeps the camera where the user left it (the editor rebuilding after an edit)."""
        self.session = session
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
        self.scene = Scene(self.plotter, session.kin, session.frames, SceneStyle(bone_opacity=bone_opacity),
                           bones_from=same_model)
        self.hidden = np.zeros(len(session.model.muscles), bool)
        self.highlighted = None
        if aim:
            self.current_view = session.scenario.camera.get("view", "left")
        i, direction, t = self._shown
        self._shown = (min(i, len(session.frames) - 1), direction, t)  # the new scenario may be shorter
        self._rebuild_overlays(aim=aim)

    def _rebuild_overlays(self, aim: bool = True) -> None:
        if self.session is None:
            return
        if self.overlays is not None:
            self.overlays.remove()
        unit = min(max(self.size[1] / 720.0, TEXT_SCALE[0]), TEXT_SCALE[1])  # readable in any window
        self.overlays = Overlays(self.plotter, self.session.kin, self.session.colouring, self.size, unit=unit)
        self.rig = CameraRig(self.session.kin, self.scene.extent, self.size, self.current_view,
                             self.overlays.free_area())
        if aim:
            self._aim()
        self.show_frame(*self._shown)

    def _aim(self) -> None:
        self.rig.shot().apply(self.plotter.renderer.GetActiveCamera())
        self.plotter.renderer.camera_set = True
        self.plotter.renderer.ResetCameraClippingRange()

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

    # --- controls -----------------------------------------------------------------------------------
    def set_view(self, name: str) -> None:
        self.current_view = name
        if self.rig is not None:
            self.rig.view = name
            self._aim()
            self.render()

    def fit(self) -> None:
        self.set_view(self.current_view)

    def set_visible(self, visible: np.ndarray) -> None:
        if self.scene is None:
            return
        self.hidden = ~np.asarray(visible, bool)
        self.scene.set_hidden(self.hidden)
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
        self.plotter.close()
