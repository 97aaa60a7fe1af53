"""The 3D view: a render Stage on a QtInteractor, following a ViewState.

All drawing is the Stage's, the same one every export uses: this class only wires it to Qt
(size, mouse picks, explicit renders) and to the playback store. A still shows the exact time
the state holds, as an export at that time does; playback shows frames on the store's grid.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from pyvistaqt import QtInteractor

from viewer.core.base.files import atomic_write
from viewer.core.view.playback import grid_frame
from viewer.core.view.viewstate import CameraState, Output
from viewer.render.export import BACKGROUND
from viewer.render.overlays import text_unit
from viewer.render.stage import Dressing, Stage

from .playback_store import PlaybackStore
from .redraw import Redraw
from .view_mouse import ViewMouse

PRESENT_LABEL_SCALE = 1.6  # presenter mode: labels this much larger than the window's, read from a chair
# key → (view name, menu text); number keys pick the named views
VIEW_KEYS = {"1": ("left", "&Left side"), "2": ("right", "&Right side"), "3": ("front", "F&ront"),
             "4": ("back", "&Back"), "5": ("top", "&Top (from the head)"), "6": ("three-quarter", "Three-&quarter")}
RESIZE_SETTLE_MS = 150
# not for Stage.set_view: own handlers (time, camera), a new session (scenario, colour), no pixel
FOLLOWED_ELSEWHERE = ("time", "camera", "scenario", "colour", "speed", "loop")


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
        self.presenting: tuple[float, float] | None = None  # presenter mode's (bottom, top) band pixels
        self.highlighted: int | None = None
        self.shown = (0, 1, 0.0)  # frame index, direction, time
        self.playing = self.closed = False
        self.fresh = True  # the last time shown reached a new frame (playing faster than the grid may not)
        self.store = PlaybackStore(self)
        self.redraw.drawn.connect(self._drawn)
        self._settle = QTimer(self, singleShot=True, interval=RESIZE_SETTLE_MS)
        self._settle.timeout.connect(lambda: self._dress(aim=False))
        self.set_anti_aliasing("fxaa")
        self.relayout_due = False  # the camera turned: lay the words out again in the next paint
        self.redraw.before_render = self._relayout
        self.mouse = ViewMouse(self)

    # --- what it shows ---------------------------------------------------------------------------
    scene = property(lambda self: self.stage.scene if self.stage else None)
    overlays = property(lambda self: self.stage.overlays if self.stage else None)
    camera = property(lambda self: self.state.camera if self.state else CameraState())
    current_view = property(lambda self: self.camera.view)
    size = property(lambda self: tuple(max(int(x), 64) for x in self.plotter.window_size))
    unit = property(lambda self: text_unit(self.size[1], window=True))  # an export scales the same text

    def show_session(self, session, state, aim: bool = True) -> None:
        """Build the stage of a session as the view state says (aim=False: the editor keeps the camera)."""
        same_model = self.scene if self.scene is not None and self.scene.model is session.model else None
        if self.stage is not None:
            self.stage.remove()
        if same_model is not None:  # a reload, an edit: keep the bone actors, their meshes are on the GPU
            same_model.clear(keep_bones=True)
        else:
            self.plotter.clear()
            self.plotter.enable_lightkit()  # clear() removed the lights; the export uses the same kit
        self.session, self.state, self.highlighted = session, state, None
        self.store.painted.clear()
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
        e.camera.connect(lambda camera: self.state is state and self.set_camera(camera))
        for event in e:  # the rest redraw through Stage.set_view: a new field needs no line here
            if event.name not in FOLLOWED_ELSEWHERE:
                event.connect(lambda _, name=event.name: self.state is state and self._view_changed(name == "hidden"))

    def show_state(self) -> None:
        p = self.state.playhead
        self.fresh = self.show_at(p.time, p.direction, p.speed if p.playing else None)

    def _dressing(self) -> Dressing:
        labels_at = None if self.presenting is None else (PRESENT_LABEL_SCALE, self.presenting)
        return Dressing(window=True, labels_at=labels_at, small_text=self.presenting is None)

    def _dress(self, aim: bool = True) -> None:
        """Lay the words out for the window's size (a resize, presenter mode, a new legend)."""
        if self.stage is not None:
            self.stage.dress(self.size, self._dressing(), aim=aim)
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
        self.stage.set_camera(camera)
        self.go_live(redraw=True)

    def exact_camera(self) -> CameraState:
        """The camera on screen now, exactly (what an export from this window uses)."""
        cam = self.plotter.renderer.GetActiveCamera()
        return replace(self.camera, position=tuple(cam.GetPosition()), focal_point=tuple(cam.GetFocalPoint()),
                       up=tuple(cam.GetViewUp()), view_angle=float(cam.GetViewAngle()))

    def recolour(self) -> None:
        """The session's colouring changed: new colours and a new legend, same camera."""
        self.store.painted.clear()
        if self.stage is not None:
            self.stage.feed = self.session.feed
            self._dress(aim=False)

    def present(self, bands: tuple[float, float] | None) -> None:
        """Presenter mode on (bands: the (bottom, top) pixels its text bands cover) or off (None):
        the small overlay words hide, the muscle labels and the measure's text stay, larger."""
        if bands != self.presenting:
            self.presenting = bands
            self._dress(aim=False)
            self.render()

    def show_at(self, t: float, direction: int = 1, playing_at: float | None = None) -> bool:
        """A still (playing_at None) shows exactly time t, as an export does; playing at a speed shows
        the store's grid frame, stored or drawn and stored. False: playing reached no new frame."""
        if self.session is None:
            return False
        direction = 1 if direction >= 0 else -1
        was_playing, self.playing = self.playing, playing_at is not None
        self.store.cancel()  # play or seek: what was stored stays, the still picture goes below
        if playing_at is None:
            self.store.hide()
            self.shown = (self.session.index_at(t), direction, float(t))
            self.stage.show_time(t, direction)
            self.relayout_due = False
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
        self.stage.show(frames, i, self.store.colours(direction)[i], scenario_time=float(frames.times[i]))
        self.relayout_due = False
        self.store.recording = ((i, direction), look) if look is not None else None
        self.redraw.request(moving=True)

    def show_pose(self, frames, t: float) -> None:
        """Frame 0 of a one-off batch (the editor's sliders), coloured like the frame shown before."""
        if self.session is None:
            return
        i, direction, _ = self.shown
        self.store.hide()
        self.stage.show(frames, 0, self.store.colours(direction)[i], scenario_time=t)
        self.relayout_due = False
        self.redraw.request()

    def _relayout(self) -> None:
        """Lay the words out again for the camera the paint draws with (paused, nothing else would)."""
        if self.relayout_due and self.stage is not None:
            self.stage.relayout()
            self.relayout_due = False

    def _drawn(self) -> None:
        if self.scene is not None and not self.store.drawn(self.scene.quality) and not self.store.picture.isVisible():
            self.frame_shown.emit()
            if not self.playing:
                self.store.still()  # untouched from now on: store the loop in the background

    def go_live(self, redraw: bool = False) -> None:
        """The user reaches into the view or the look changed: show the live scene, posed as on screen."""
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

    def highlight(self, muscle: int | None) -> None:
        if self.scene is not None:
            self.highlighted = muscle
            self.scene.set_highlight(muscle)
            self.go_live(redraw=True)

    def pixels(self) -> np.ndarray:
        """The 3D view as RGB rows, top first, in full quality."""
        self.go_live()
        self.redraw.finish()
        self.plotter.render()
        return np.asarray(self.plotter.screenshot(return_img=True))[..., :3]

    def save_screenshot(self, path: str) -> None:
        import imageio.v3 as iio

        atomic_write(path, lambda tmp, image=self.pixels(): iio.imwrite(tmp, image, extension=".png"))

    def close(self) -> None:
        self.closed = True
        self._settle.stop()
        self.redraw._settle.stop()  # no late full-quality redraw of a closed view
        self.store.close()
        self.session = self.stage = None  # queued slots (a resize, a camera note) find nothing to do
        self.plotter.close()
