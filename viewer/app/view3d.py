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
from viewer.core.playback import grid_frame, grid_stride, play_order
from viewer.core.viewstate import CameraState
from viewer.render.camera import CameraRig
from viewer.render.export import BACKGROUND
from viewer.render.layers import screen_text
from viewer.render.overlays import Overlays, text_unit
from viewer.render.scene import Scene, SceneStyle

PRESENT_LABEL_SCALE = 1.6  # presenter mode: labels this much larger than the window's, read from a chair

from .frame_cache import PACKED_SHARE, PLAY_RATE, FrameCache, FramePicture, to_qimage
from .redraw import Redraw

# key → (view name, menu text); number keys pick the named views
VIEW_KEYS = {"1": ("left", "&Left side"), "2": ("right", "&Right side"), "3": ("front", "F&ront"),
             "4": ("back", "&Back"), "5": ("top", "&Top (from the head)"), "6": ("three-quarter", "Three-&quarter")}
IDLE_FILL_MS = 1500  # a still view untouched this long stores the loop's frames beneath its picture
CLICK_TOLERANCE_PX = 4  # a press and release closer than this is a click, not a rotation
RESIZE_SETTLE_MS = 150


class View3D(QObject):
    picked = Signal(object)  # muscle index, or None for a click on empty space
    camera_moved = Signal(object)  # CameraState: the user turned or zoomed the camera
    frame_shown = Signal()  # a picture of the scene reached the screen (drawn live or from the store)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plotter = QtInteractor(parent, auto_update=False, lighting="light_kit")
        self.widget = self.plotter
        self.plotter.set_background(BACKGROUND[0], top=BACKGROUND[1])
        self.anti_aliasing = "none"
        self.redraw = Redraw(self.plotter, lambda: self.scene, self,  # one render per screen update
                             smooth_when_still=lambda: self.anti_aliasing == "fxaa")
        self.session = None
        self.scene: Scene | None = None
        self.overlays: Overlays | None = None
        self.rig: CameraRig | None = None
        self.camera = CameraState()
        self.hidden: np.ndarray | None = None
        self.small_text = True  # overlay text and legend drawn (presenter mode hides them)
        # presenter mode: (bottom, top) pixels its bands cover; the muscle labels and the measuring
        # line's text stay, at presenter size, between the bands
        self.presenting: tuple[float, float] | None = None
        self.highlighted: int | None = None
        self._painted: dict[int, np.ndarray] = {}
        self._shown = (0, 1, 0.0)  # frame index, direction, time
        self._press = None
        self._closed = False
        # Playback from memory (frame_cache): pictures of the loop for this look of the view.
        self.cache = FrameCache()
        self.picture = FramePicture(self.widget)
        self.picture.on_paint = self.frame_shown.emit
        self._playing = False  # the last frame shown was a playing one
        self._look = 0  # bumped by anything but time that changes what the view draws
        self._recording = None  # ((frame, direction), look key) the scene holds now, to store once drawn
        self.redraw.drawn.connect(self._drawn)
        self._idle = QTimer(self, singleShot=True, interval=IDLE_FILL_MS)
        self._idle.timeout.connect(self._start_idle_fill)
        self._filling = False  # storing frames while the view stands still
        self._capture_still = False  # the next paint is the still to show while filling
        self._settle = QTimer(self, singleShot=True, interval=RESIZE_SETTLE_MS)
        self._settle.timeout.connect(lambda: self._rebuild_overlays(aim=False))
        self.set_anti_aliasing("fxaa")
        self.widget.installEventFilter(self)
        self.plotter.iren.add_observer("LeftButtonPressEvent", self._on_press)
        self.plotter.iren.add_observer("LeftButtonReleaseEvent", self._on_release)
        for event in ("RightButtonPressEvent", "MiddleButtonPressEvent", "StartInteractionEvent"):
            self.plotter.iren.add_observer(event, lambda *_: self._go_live())
        # The camera turns or zooms: labels and their leader lines follow the body on screen (once per paint).
        self._relayout_due = False
        for event in ("InteractionEvent", "MouseWheelForwardEvent", "MouseWheelBackwardEvent"):
            self.plotter.iren.add_observer(event, self._camera_turning)
        self.redraw.before_render = self._relayout
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
        self._changed(repose=False)
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
        self._changed()
        self.overlays = Overlays(self.plotter, self.session.feed, self.session.colouring, self.size, unit=self.unit,
                                 legend=legend, hidden=self.hidden,
                                 labels_at=None if self.presenting is None else (PRESENT_LABEL_SCALE, self.presenting))
        self.rig = CameraRig(self.session.feed, self.scene.extent, self.size, area=self.overlays.free_area(),
                             camera=self.camera)
        if not self.small_text:
            self._hide_small_text()
        if aim:
            self._aim()
        self.show_frame(*self._shown)

    def show_small_text(self, visible: bool) -> None:
        """Show or hide the overlay text and legend (presenter mode says them larger, elsewhere);
        the choice holds for overlays rebuilt later (a resize, a new scenario)."""
        self.small_text = visible
        if visible:
            self._rebuild_overlays(aim=False)  # fresh text, each piece as visible as its content says
        else:
            self._hide_small_text()
        self.render()

    def present(self, bands: tuple[float, float] | None) -> None:
        """Presenter mode on (bands: the (bottom, top) pixels its text bands cover) or off (None):
        the small overlay words hide, the muscle labels and the measure's text stay, larger."""
        if bands == self.presenting and (bands is None) == self.small_text:
            return
        self.presenting = bands
        self.small_text = bands is None
        self._rebuild_overlays(aim=False)
        self.render()

    def _hide_small_text(self) -> None:
        keep = set(map(id, self.overlays.label_props())) if self.overlays is not None else set()
        for prop in screen_text(self.plotter):
            if prop.GetVisibility() and id(prop) not in keep:
                prop.SetVisibility(False)

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

    def _camera_turning(self, *args) -> None:
        self._relayout_due = True

    def _relayout(self) -> None:
        """Lay the words out again for the camera the paint draws with (paused, nothing else would)."""
        if not self._relayout_due or self.session is None or self.overlays is None:
            return
        i, _, t = self._shown
        self._lay_out_words(self.session.frames, i, t)

    def _lay_out_words(self, frames, i: int, t: float | None) -> None:
        """Words and labels for frame i, for the camera of now (a turn after this lays them out again)."""
        self.overlays.update(frames, i, t)
        self._relayout_due = False
        if not self.small_text:
            self._hide_small_text()  # labels that change with the phase are new text props

    def _on_camera_moved(self, *args) -> None:
        if self.session is not None:
            QTimer.singleShot(0, lambda: self.session is not None and self.camera_moved.emit(self.exact_camera()))

    def recolour(self) -> None:
        """The colour source changed: new colours and a new legend, same camera."""
        self._changed()
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

    def show_frame(self, i: int, direction: int = 1, t: float | None = None, playing_at: float | None = None) -> bool:
        """Show frame i of the session; playing_at: the playback speed while playing (None: a still).

        While playing, frames on the playback grid are shown from the store when they are in it,
        and otherwise drawn and stored; a still is always drawn, in full quality once settled.
        Returns False when playing reaches no new frame (the clock ticks faster than the grid):
        the window then leaves its other panels alone too."""
        if self.session is None:
            return False
        direction = 1 if direction >= 0 else -1
        frames = self.session.frames
        was_playing, self._playing = self._playing, playing_at is not None
        self._cancel_fill()  # play or seek: what was stored stays, the still picture goes below
        if playing_at is not None and self.cache.enabled:
            stride = self._stride(playing_at)
            i = self._on_grid(i, stride)
            t = float(frames.times[i])
            self.cache.use(self._look_key(stride))
            if was_playing and self._shown[:2] == (i, direction):
                self.redraw.hold()  # this frame is on screen, or drawn in the next paint
                return False
            image = self.cache.image((i, direction))
            if image is not None:
                self._shown = (i, direction, t)
                self.picture.show_image(image, (i, direction))
                self.redraw.hold()  # still "moving": no settle into a full-quality render meanwhile
                self._draw_next_missing(i, direction, stride)  # beneath the picture
                return True
        self._hide_picture()
        self._shown = (i, direction, t)
        stored = playing_at is not None and self.cache.enabled
        self._draw(i, direction, t, stride if stored else None, moving=playing_at is not None)
        if was_playing and playing_at is None:
            self.redraw.finish()  # playback just stopped: the still is drawn in full quality at once
        return True

    def _draw(self, i: int, direction: int, t: float | None, stride: int | None, moving: bool = True) -> None:
        """Pose the scene at frame i and ask for a paint; stride: store the picture (playing)."""
        frames = self.session.frames
        self.scene.update(frames, i, self.painted(direction)[i])
        self._lay_out_words(frames, i, t)
        self.plotter.renderer.ResetCameraClippingRange()
        self._recording = ((i, direction), self._look_key(stride)) if stride is not None else None
        self.redraw.request(moving=moving)

    # --- playback from memory ---------------------------------------------------------------------
    def _stride(self, speed: float) -> int:
        """Session frames between two stored ones: PLAY_RATE pictures per second of screen time,
        or fewer where the whole cycle would not fit in the store (a steady rate beats a stutter)."""
        stride = grid_stride(self.session.fps, speed, PLAY_RATE)
        w, h = self.plotter.ren_win.GetSize()
        per_frame = w * h * 3 * PACKED_SHARE
        while len(self._play_order(0, 1, stride)) * per_frame > self.cache.budget and stride < len(self.session.frames):
            stride += 1
        return stride

    def _on_grid(self, i: int, stride: int) -> int:
        return grid_frame(i, stride, len(self.session.frames) - 1)

    def _look_key(self, stride: int | None) -> tuple:
        cam = self.plotter.renderer.GetActiveCamera()
        return (self._look, stride, tuple(self.plotter.ren_win.GetSize()), cam.GetPosition(), cam.GetFocalPoint(),
                cam.GetViewUp(), cam.GetViewAngle(), cam.GetParallelProjection(), cam.GetParallelScale())

    def _changed(self, repose: bool = True) -> None:
        """Something other than time changed the picture: stored frames are of another look.

        repose=False: the caller rebuilds the scene and shows a frame itself (a new session)."""
        self._look += 1
        self._recording = None
        self.cache.clear()
        filling = self._filling
        self._cancel_fill()
        if not repose:
            self._hide_picture()
        elif filling:
            self._go_live()  # the picture on top is the old look's still

    def _draw_next_missing(self, i: int, direction: int, stride: int) -> bool:
        """Draw (beneath the picture on top) the first frame after i in play order that is not
        stored yet; False when the cycle is stored or the store is full."""
        if not self.cache.has_room(*self.plotter.ren_win.GetSize()):
            return False
        frame = next((f for f in self._play_order(i, direction, stride) if f not in self.cache), None)
        if frame is None:
            return False
        self._draw(frame[0], frame[1], float(self.session.frames.times[frame[0]]), stride)
        return True

    def _play_order(self, i: int, direction: int, stride: int) -> list[tuple[int, int]]:
        return play_order(i, direction, len(self.session.frames) - 1, stride, self.state.playhead.loop)

    def stored(self) -> tuple[int, int]:
        """(frames in the store, frames in one playback cycle) for the look being played."""
        if self.session is None or self.cache.key is None or self.cache.key[1] is None:
            return 0, 0
        return len(self.cache), len(self._play_order(0, 1, self.cache.key[1]))

    def _drawn(self) -> None:
        """A paint finished: store the picture if it is of a playback frame in this look."""
        if self._capture_still:  # the still, in full quality, covers the view while frames are stored
            self._capture_still = False
            if self._filling:
                self.picture.show_image(to_qimage(self._read_pixels()), None)
                QTimer.singleShot(0, self._fill_step)
                return
        recording, self._recording = self._recording, None
        if recording is not None and self.scene is not None and self.scene.quality == "fast":
            frame, key = recording
            if key == self._look_key(key[1]) and key == self.cache.key:
                self.cache.put(frame, self._read_pixels())
        if self._filling:
            QTimer.singleShot(0, self._fill_step)
        elif not self.picture.isVisible():
            self.frame_shown.emit()
            if not self._playing:
                self._idle.start()  # untouched from now on: store the loop in the background

    # --- storing the loop while the view stands still ---------------------------------------------
    def _start_idle_fill(self) -> None:
        """The view has stood still for IDLE_FILL_MS: store the loop's frames for the next play."""
        from PySide6.QtWidgets import QApplication

        if (self._closed or self.session is None or self._playing or self._filling or not self.cache.enabled
                or self.redraw.moving or self.scene.quality != "full" or not self.widget.isVisible()
                or QApplication.activeModalWidget() is not None):
            return
        stride = self._stride(self.state.playhead.speed)
        self.cache.use(self._look_key(stride))
        stored, cycle = self.stored()
        if stored >= cycle or not self.cache.has_room(*self.plotter.ren_win.GetSize()):
            return
        self._filling, self._fill_stride = True, stride
        self._capture_still = True
        self.redraw.request()  # one more full-quality paint, read back as the picture on top

    def _fill_step(self) -> None:
        if not self._filling or self.session is None:
            return
        i, direction, _ = self._shown
        if self.cache.key is None or self.cache.key != self._look_key(self._fill_stride):
            self._go_live()  # the look changed under the fill
        elif not self._draw_next_missing(i, direction, self._fill_stride):
            self._filling = False  # the whole cycle is stored: the picture of the still stays on top

    def _cancel_fill(self) -> None:
        """No storing while the view stands still (until it stands still again)."""
        self._idle.stop()
        self._filling = self._capture_still = False

    def _read_pixels(self) -> np.ndarray:
        """What the last render drew, RGB rows top first (read inside the paint, context current)."""
        from vtkmodules.vtkCommonCore import vtkUnsignedCharArray  # not `import vtk`: 0.9 s on first use

        w, h = self.plotter.ren_win.GetSize()
        data = vtkUnsignedCharArray()
        self.plotter.ren_win.GetPixelData(0, 0, w - 1, h - 1, 0, data, 0)
        return np.frombuffer(memoryview(data), np.uint8).reshape(h, w, 3)[::-1]

    def _hide_picture(self) -> None:
        if self.picture.isVisible():
            self.picture.hide()

    def _go_live(self) -> None:
        """The user reaches into the view (turn, zoom, click): show the scene itself, posed as on screen."""
        self._cancel_fill()
        if self.picture.isVisible() and self.session is not None:
            self.picture.hide()
            i, direction, t = self._shown
            self._draw(i, direction, t, None, moving=False)

    def show_pose(self, frames, t: float) -> None:
        """Frame 0 of a one-off batch (the editor's sliders), coloured like the frame shown before."""
        if self.session is None:
            return
        self._changed()  # the session's stored frames may be about to change with the edit
        self._hide_picture()
        i, direction, _ = self._shown
        self.scene.update(frames, 0, self.painted(direction)[i])
        self._lay_out_words(frames, 0, t)
        self.plotter.renderer.ResetCameraClippingRange()
        self.redraw.request()

    def render(self) -> None:
        """Draw what changed (outside code changed the scene or camera: stored frames are stale)."""
        if self._closed:  # a late timer of a closed window
            return
        self._changed()
        self._hide_picture()
        self.redraw.request()

    def set_anti_aliasing(self, mode: str) -> None:
        """'fxaa' (smooth edges) or 'none' (exact pixels); exports from this window use the same."""
        self._changed()
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
        self._changed()
        self.scene.set_hidden(self.hidden)
        if self.overlays is not None:
            self.overlays.set_hidden(self.hidden)
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
        self._changed()
        self.scene.set_highlight(muscle)
        self.show_frame(*self._shown)

    def set_bone_opacity(self, opacity: float) -> None:
        if self.scene is not None:
            self.scene.set_bone_opacity(opacity)
            self.render()

    # --- picking -----------------------------------------------------------------------------------
    def _on_press(self, interactor, event) -> None:
        self._go_live()  # a pick must see the scene posed as on screen
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
        self._go_live()
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
            self._go_live()  # a picture of the old size must not stay on top
            self._settle.start()  # overlays are laid out in pixels: rebuild once the size settles
        return False

    def close(self) -> None:
        self._closed = True
        self._cancel_fill()
        self._settle.stop()
        self.redraw._settle.stop()  # no late full-quality redraw of a closed view
        self.cache.close()
        self.session = self.scene = None  # queued slots (a resize, a camera note) find nothing to do
        self.plotter.close()

