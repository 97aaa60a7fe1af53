"""The 3D view: a render Stage on a QtInteractor, following a ViewState.

All drawing is the Stage's, the same one every export uses: this class only wires it to Qt
(size, mouse picks, explicit renders) and to the playback store. A still shows the exact time
the state holds, as an export at that time does; playback shows frames on the store's grid.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from pyvistaqt import QtInteractor

from viewer.core.files import atomic_write
from viewer.core.playback import grid_frame
from viewer.core.viewstate import CameraState, Output
from viewer.render.export import BACKGROUND
from viewer.render.layers import screen_text
from viewer.render.overlays import text_unit
from viewer.render.stage import Dressing, Stage

from .playback_store import PlaybackStore
from .redraw import Redraw

PRESENT_LABEL_SCALE = 1.6  # presenter mode: labels this much larger than the window's, read from a chair
# key → (view name, menu text); number keys pick the named views
VIEW_KEYS = {"1": ("left", "&Left side"), "2": ("right", "&Right side"), "3": ("front", "F&ront"),
             "4": ("back", "&Back"), "5": ("top", "&Top (from the head)"), "6": ("three-quarter", "Three-&quarter")}
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
        self.session = self.state = self.stage = None
        self.small_text = True  # overlay text and legend drawn (presenter mode hides them)
        self.presenting: tuple[float, float] | None = None  # presenter mode's (bottom, top) band pixels
        self.highlighted: int | None = None
        self.shown = (0, 1, 0.0)  # frame index, direction, time
        self.playing = self.closed = False
        self.fresh = True  # the last time shown reached a new frame (playing faster than the grid may not)
        self._painted: dict[int, np.ndarray] = {}
        self._press = None
        self.store = PlaybackStore(self)
        self.redraw.drawn.connect(self._drawn)
        self._settle = QTimer(self, singleShot=True, interval=RESIZE_SETTLE_MS)
        self._settle.timeout.connect(lambda: self._dress(aim=False))
        self.set_anti_aliasing("fxaa")
        self.widget.installEventFilter(self)
        iren = self.plotter.iren
        iren.add_observer("LeftButtonPressEvent", self._on_press)
        iren.add_observer("LeftButtonReleaseEvent", self._on_release)
        for event in ("RightButtonPressEvent", "MiddleButtonPressEvent", "StartInteractionEvent"):
            iren.add_observer(event, lambda *_: self.go_live())
        # The camera turns or zooms: labels and their leader lines follow the body (once per paint).
        self._relayout_due = False
        for event in ("InteractionEvent", "MouseWheelForwardEvent", "MouseWheelBackwardEvent"):
            iren.add_observer(event, lambda *_: setattr(self, "_relayout_due", True))
        self.redraw.before_render = self._relayout
        # The camera the user leaves is the view state's (what an export of this window uses).
        for event in ("RightButtonReleaseEvent", "MiddleButtonReleaseEvent", "MouseWheelForwardEvent",
                      "MouseWheelBackwardEvent"):
            iren.add_observer(event, self._on_camera_moved)

    # --- what it shows ---------------------------------------------------------------------------
    scene = property(lambda self: self.stage.scene if self.stage else None)
    overlays = property(lambda self: self.stage.overlays if self.stage else None)
    camera = property(lambda self: self.state.camera if self.state else CameraState())
    current_view = property(lambda self: self.camera.view)
    size = property(lambda self: tuple(max(int(x), 64) for x in self.plotter.window_size))
    unit = property(lambda self: text_unit(self.size[1], window=True))  # an export scales the same text

    def show_session(self, session, state, aim: bool = True) -> None:
        """Build the stage of a session as the view state says; aim=False keeps the camera where
        the user left it (the editor rebuilding after an edit)."""
        same_model = self.scene if self.scene is not None and self.scene.model is session.model else None
        if self.stage is not None:
            self.stage.remove()
        if same_model is not None:  # a reload, an edit: keep the bone actors, their meshes are on the GPU
            same_model.clear(keep_bones=True)
        else:
            self.plotter.clear()
            self.plotter.enable_lightkit()  # clear() removed the lights; the export uses the same kit
        self.session, self.state, self.highlighted = session, state, None
        self._painted.clear()
        self.store.hide()
        view = state.snapshot()
        self.stage = Stage(self.plotter, session.feed, view, Output(self.size, anti_aliasing=self.anti_aliasing),
                           self._dressing(), frames=session.frames, bones_from=same_model)
        self.shown = (session.index_at(state.time), state.direction, state.time)
        self._dress(aim=aim)

    def bind(self, state) -> None:
        """Follow the state's time, hidden muscles, bones and camera (the window binds once per state)."""
        e = state.events
        e.time.connect(lambda t: self.state is state and self.show_state())
        e.hidden.connect(lambda names: self.state is state and self._view_changed(legend=True))
        e.bones.connect(lambda opacity: self.state is state and self._view_changed())
        e.camera.connect(lambda camera: self.state is state and self.set_camera(camera))

    def show_state(self) -> None:
        p = self.state.playhead
        self.fresh = self.show_at(p.time, p.direction, p.speed if p.playing else None)

    def _dressing(self) -> Dressing:
        labels_at = None if self.presenting is None else (PRESENT_LABEL_SCALE, self.presenting)
        return Dressing(window=True, labels_at=labels_at)

    def _dress(self, aim: bool = True) -> None:
        """Lay the words out for the window's size (a resize, presenter mode, a new legend)."""
        if self.stage is None:
            return
        self.stage.dress(self.size, self._dressing(), aim=aim)
        if not self.small_text:
            self._hide_small_text()
        self.show_at(self.shown[2], self.shown[1])

    def _view_changed(self, legend: bool = False) -> None:
        self.stage.set_view(self.state.snapshot())
        if legend and self.session.colouring.key == "group":
            self._dress(aim=False)  # the legend lists the groups still drawn
        else:
            self.go_live(redraw=True)

    def set_camera(self, camera: CameraState) -> None:
        """Show a camera (a named view is fitted to this window); the one the user just turned is shown."""
        if self.stage is None or (camera.exact and camera == self.exact_camera()):
            return
        self.stage.view = replace(self.stage.view, camera=camera)
        self.stage.rig = self.stage.rig_for(self.size, camera)
        self.stage.aim()
        self.go_live(redraw=True)

    def exact_camera(self) -> CameraState:
        """The camera on screen now, exactly (what an export from this window uses)."""
        cam = self.plotter.renderer.GetActiveCamera()
        return replace(self.camera, position=tuple(cam.GetPosition()), focal_point=tuple(cam.GetFocalPoint()),
                       up=tuple(cam.GetViewUp()), view_angle=float(cam.GetViewAngle()))

    def recolour(self) -> None:
        """The session's colouring changed: new colours and a new legend, same camera."""
        self._painted.clear()
        if self.stage is not None:
            self.stage.feed = self.session.feed
            self._dress(aim=False)

    def show_small_text(self, visible: bool) -> None:
        """Show or hide the overlay text and legend; the choice holds for overlays rebuilt later."""
        self.small_text = visible
        self._dress(aim=False) if visible else self._hide_small_text()
        self.render()

    def present(self, bands: tuple[float, float] | None) -> None:
        """Presenter mode on (bands: the (bottom, top) pixels its text bands cover) or off (None):
        the small overlay words hide, the muscle labels and the measure's text stay, larger."""
        if bands == self.presenting and (bands is None) == self.small_text:
            return
        self.presenting, self.small_text = bands, bands is None
        self._dress(aim=False)
        self.render()

    def _hide_small_text(self) -> None:
        keep = set(map(id, self.overlays.label_props())) if self.overlays is not None else set()
        for prop in screen_text(self.plotter):
            if prop.GetVisibility() and id(prop) not in keep:
                prop.SetVisibility(False)

    # --- per frame ------------------------------------------------------------------------------
    def painted(self, direction: int) -> np.ndarray:
        """(F, M, 4) uint8 colours of the session's frames, played forward or backward."""
        if direction not in self._painted:
            s = self.session
            signs = np.full(len(s.frames), float(direction))
            self._painted[direction] = self.scene.paint(*s.colouring.paint(s.frames, signs))
        return self._painted[direction]

    def show_at(self, t: float, direction: int = 1, playing_at: float | None = None) -> bool:
        """Show the scenario at time t; playing_at: the playback speed while playing (None: a still).

        A still is the exact time, drawn as an export draws it, in full quality once settled.
        While playing, frames on the store's grid are shown from the store when they are in it,
        and otherwise drawn and stored. False when playing reaches no new frame."""
        if self.session is None:
            return False
        direction = 1 if direction >= 0 else -1
        was_playing, self.playing = self.playing, playing_at is not None
        self.store.cancel()  # play or seek: what was stored stays, the still picture goes below
        if playing_at is None:
            self.store.hide()
            self.shown = (self.session.index_at(t), direction, float(t))
            self.stage.show_time(t, direction)
            self._after_words()
            self.redraw.request(moving=False)
            if was_playing:
                self.redraw.finish()  # playback just stopped: the still is drawn in full quality at once
            return True
        look = self.store.look(self.store.stride(playing_at))
        i = grid_frame(self.session.index_at(t), look.stride, len(self.session.frames) - 1)
        if was_playing and self.shown[:2] == (i, direction):
            self.redraw.hold()  # this frame is on screen, or drawn in the next paint
            return False
        self.shown = (i, direction, float(self.session.frames.times[i]))
        if self.store.cache.enabled and self.store.show(look, (i, direction)):
            self.redraw.hold()  # still "moving": no settle into a full-quality render meanwhile
            return True
        self.store.hide()
        self.draw_grid_frame(i, direction, look if self.store.cache.enabled else None)
        return True

    def draw_grid_frame(self, i: int, direction: int, look=None) -> None:
        """Pose the scene at session frame i, moving; look: store the picture once drawn."""
        frames = self.session.frames
        self.stage.show(frames, i, self.painted(direction)[i], scenario_time=float(frames.times[i]))
        self._after_words()
        self.store.recording = ((i, direction), look) if look is not None else None
        self.redraw.request(moving=True)

    def show_pose(self, frames, t: float) -> None:
        """Frame 0 of a one-off batch (the editor's sliders), coloured like the frame shown before."""
        if self.session is None:
            return
        self.store.hide()
        i, direction, _ = self.shown
        self.stage.show(frames, 0, self.painted(direction)[i], scenario_time=t)
        self._after_words()
        self.redraw.request()

    def _after_words(self) -> None:
        self._relayout_due = False
        if not self.small_text:
            self._hide_small_text()  # labels that change with the phase are new text props

    def _relayout(self) -> None:
        """Lay the words out again for the camera the paint draws with (paused, nothing else would)."""
        if self._relayout_due and self.stage is not None:
            self.stage.relayout()
            self._after_words()

    def _drawn(self) -> None:
        if self.scene is None or self.store.drawn(self.scene.quality):
            return
        if not self.store.picture.isVisible():
            self.frame_shown.emit()
            if not self.playing:
                self.store.still()  # untouched from now on: store the loop in the background

    def go_live(self, redraw: bool = False) -> None:
        """The user reaches into the view (turn, zoom, click) or the look changed: show the scene
        itself, posed as on screen."""
        self.store.cancel()
        if (redraw or self.store.picture.isVisible()) and self.session is not None:
            self.store.hide()
            self.show_at(self.shown[2], self.shown[1])

    def render(self) -> None:
        """Draw what outside code changed (the scene or the camera)."""
        if not self.closed:
            self.store.hide()
            self.redraw.request()

    def set_anti_aliasing(self, mode: str) -> None:
        """'fxaa' (smooth edges) or 'none' (exact pixels); exports from this window use the same."""
        self.plotter.enable_anti_aliasing("fxaa") if mode == "fxaa" else self.plotter.disable_anti_aliasing()
        self.anti_aliasing = mode

    # --- controls -----------------------------------------------------------------------------------
    def visible_muscles(self) -> np.ndarray:
        return np.flatnonzero(~self.stage.hidden) if self.stage is not None else np.zeros(0, int)

    def highlight(self, muscle: int | None) -> None:
        if self.scene is not None:
            self.highlighted = muscle
            self.scene.set_highlight(muscle)
            self.go_live(redraw=True)

    def _on_press(self, interactor, event) -> None:
        self.go_live()  # a pick must see the scene posed as on screen
        self._press = self.plotter.iren.get_event_position()

    def _on_release(self, interactor, event) -> None:
        if self._press is None or self.scene is None:
            return
        x, y = self.plotter.iren.get_event_position()
        moved = abs(x - self._press[0]) + abs(y - self._press[1])
        self._press = None
        self.picked.emit(self.muscle_at(x, y)) if moved <= CLICK_TOLERANCE_PX else self._on_camera_moved()

    def _on_camera_moved(self, *args) -> None:
        if self.session is not None:
            QTimer.singleShot(0, lambda: self.session is not None and self.camera_moved.emit(self.exact_camera()))

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

    def pixels(self) -> np.ndarray:
        """The 3D view as RGB rows, top first, in full quality."""
        self.go_live()
        self.redraw.finish()
        self.plotter.render()
        return np.asarray(self.plotter.screenshot(return_img=True))[..., :3]

    def save_screenshot(self, path: str) -> None:
        import imageio.v3 as iio

        image = self.pixels()
        atomic_write(path, lambda tmp: iio.imwrite(tmp, image, extension=".png"))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.widget and event.type() == QEvent.Resize and self.session is not None:
            self.go_live()  # a picture of the old size must not stay on top
            self._settle.start()  # overlays are laid out in pixels: rebuild once the size settles
        return False

    def close(self) -> None:
        self.closed = True
        self._settle.stop()
        self.redraw._settle.stop()  # no late full-quality redraw of a closed view
        self.store.close()
        self.session = self.stage = None  # queued slots (a resize, a camera note) find nothing to do
        self.plotter.close()
