"""Main window: 3D view, exercise library, muscle panel, plot and playback bar.

The window holds one ViewState (what it shows) and a Session (the open scenario's frames). Each
panel binds itself to the state and follows its events (napari's `QtDims` and `dims.events`);
the window only writes into the state. Until View3D binds itself, `_bind_view` is the one place
where the 3D view follows the state. Menus and dialogs: menus.py; File → Open and lab motion
files: lab_files.py; the saved layout and recent files: window_settings.py.
"""
from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QRect, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from viewer.core.base.errors import ViewerError, plain_words
from viewer.core.session.lab import LabInput, is_motion
from viewer.core.view.playback import Playhead
from viewer.core.session.preview import is_model_file, preview_scenario
from viewer.core.session.session import Session
from viewer.core.view.viewstate import CameraState, ViewState

from . import lab_files, menus, window_settings
from .banner import ErrorBanner
from .bindings import Bindings
from .clock import PlaybackClock
from .editing import EditingMixin
from .library import Library
from .muscles import MusclePanel
from .playbar import PlayBar
from .plot import PlotPanel
from .view3d import View3D
from .window_settings import initial_size  # noqa: F401 (the window's size rule, tested from here)

MIN_PANEL_WIDTH = 160  # px: the exercise list and the muscle panel stay readable whatever layout is restored
MIN_PANEL_HEIGHT = 90  # px: the plot keeps its axes


class MainWindow(PlaybackClock, EditingMixin, QMainWindow):
    picked_changed = Signal(object)  # the muscle picked in the view or the list (None: none)

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings("muscle-viewer", "muscle-viewer")
        self.setWindowTitle("muscle-viewer")
        self.session: Session | None = None
        self.state: ViewState | None = None  # what the window shows; every export draws from it
        self.picked: int | None = None
        self.presenter = None  # made on first use (menus.toggle_presenter)
        self._own_bindings, self._view_bindings = Bindings(), Bindings()

        self.view = View3D(self)
        self.banner = ErrorBanner(self)
        self.playbar = PlayBar(self)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.view.widget, 1)
        column.addWidget(self.playbar)
        self.setCentralWidget(central)
        self._init_editing(column)  # hot reload; the editor's keyframe strip joins this column

        self.library = Library(self)
        self.muscles = MusclePanel(self)
        self.plot = PlotPanel(self, later=True)  # built after the first frame (_first_frame)
        left = self._dock("Exercises", self.library, Qt.LeftDockWidgetArea)
        right = self._dock("Muscles", self.muscles, Qt.RightDockWidgetArea)
        bottom = self._dock("Length over time", self.plot, Qt.BottomDockWidgetArea)
        # A saved layout can never squeeze a panel to nothing (one had left the exercise list 55 px wide).
        for dock in (left, right):
            dock.setMinimumWidth(MIN_PANEL_WIDTH)
        bottom.setMinimumHeight(MIN_PANEL_HEIGHT)
        menus.build_menus(self)
        self._connect()
        self._init_clock()
        self.statusBar().showMessage("Space: play/pause · ←/→: step · 1–6: views · F: fit")
        size = initial_size(self._available())
        self.resize(size)
        # The model is the point: give it most of the window until the user moves things.
        self.resizeDocks([left, right], [min(200, size.width() // 7), min(300, size.width() // 5)], Qt.Horizontal)
        self.resizeDocks([bottom], [min(210, size.height() // 4)], Qt.Vertical)

    # --- construction ---------------------------------------------------------------------------
    def _available(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1500, 900)

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self, objectName=f"dock_{title}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = ""):
        return menus.add_action(self, menu, text, slot, shortcut, tip)

    def _connect(self) -> None:
        """Controls that are not the view state's: the clock's play and step, picks, files."""
        self.library.chosen.connect(self.open_path)
        self.playbar.play_toggled.connect(self.toggle_play)
        self.playbar.step.connect(self.step)
        self.muscles.muscle_chosen.connect(self.pick)
        self.picked_changed.connect(self.muscles.set_picked)
        self.picked_changed.connect(self.plot.set_picked)
        self.view.redraw.drawn.connect(self._first_frame)
        self.view.picked.connect(self.pick)
        self.view.camera_moved.connect(lambda camera: self.state and self.state.set_camera(camera))

    def _first_frame(self) -> None:
        """What the first frame does not need comes after it (the plot panel's pyqtgraph)."""
        if self.session is None:
            return  # the empty view painted on show(): the scene is still to come
        self.view.redraw.drawn.disconnect(self._first_frame)
        self.plot.build_soon()

    @property
    def playhead(self) -> Playhead:
        return self.state.playhead if self.state is not None else Playhead(0.0)

    # --- the view state: the window writes it, the view and the panels follow it -----------------------
    def _bind_state(self, state: ViewState | None) -> None:
        """Make `state` the window's (None: let go): the window's own handlers first (the session's
        colours, the saved preferences), then the 3D view, then each panel binds itself."""
        if self.state is not None and self.state is not state:
            self.state.events.clear()  # View3D.bind has no unbind yet: drop what it left on the old state
        self.state = state
        self._own_bindings.clear()
        if state is not None:
            e, connect = state.events, self._own_bindings.connect
            connect(e.colour, self._colour_changed)
            connect(e.speed, lambda speed: self.settings.setValue("speed", speed))
            connect(e.bones, lambda opacity: self.settings.setValue("bone_opacity", opacity))
        self._bind_view(state)
        for panel in (self.playbar, self.muscles, self.plot, self.editor, self.presenter):
            if panel is not None:
                panel.bind(state)

    def _colour_changed(self, source: str) -> None:
        self.session.recolour(source)  # the session's paint follows the state's colour source
        self.settings.setValue("colour_source", source)

    def _bind_view(self, state: ViewState | None) -> None:
        """The 3D view follows the state itself (View3D.bind: time, camera, hidden, bones); what it
        does not follow yet is wired here, in one place: colours (after the session's recolour),
        an edit's rebuilt scene, and the picked muscle."""
        self._view_bindings.clear()
        if state is None:
            return
        view, e, connect = self.view, state.events, self._view_bindings.connect
        view.bind(state)  # first: the panels below follow the frame the view shows
        connect(e.scenario, lambda scenario: view.show_state())  # the same time, new frames
        connect(e.colour, lambda source: (view.recolour(), view.show_state()))
        connect(self.picked_changed, view.highlight)
        view.show_state()

    def set_speed(self, speed: float) -> None:
        if self.state is not None:
            self.state.set_speed(float(speed))

    def set_view(self, name: str) -> None:
        """A named view, fitted to the window (also when it is the one already chosen: F fits)."""
        if self.state is None:
            return
        camera = CameraState(view=name)
        if camera == self.state.camera:
            self.state.events.camera.emit(camera)  # the same camera, shown again: fitted anew
        self.state.set_camera(camera)

    def frame_rate(self) -> float:
        return self.session.fps if self.session else 60.0

    def pick(self, muscle) -> None:
        self.picked = None if muscle is None or muscle < 0 else int(muscle)
        if self.picked is None:
            self.statusBar().clearMessage()
        else:
            m = self.session.model.muscles[self.picked]
            self.statusBar().showMessage(f"{m.label} — {m.group}")
        self.picked_changed.emit(self.picked)

    # --- opening scenarios ------------------------------------------------------------------------
    def open_dialog(self) -> None:
        lab_files.open_dialog(self)

    def open_path(self, path: str, lab: LabInput | None = None) -> bool:
        """Load a scenario (or a lab's motion file with its model); on any problem show it and keep
        the current one."""
        if self.session is not None and Path(path).resolve() == self.session.path.resolve() and lab is None:
            return True
        if not self._editing_may_leave("open another scenario"):
            return False
        if is_motion(path) and (lab is None or lab.model is None):
            lab = lab_files.lab_model_for(self.settings, path) or lab
        colour = self.state.colour_source if self.state else self.settings.value("colour_source", None)
        try:
            if is_model_file(path):  # a model on its own: open a starter scenario that moves it
                path = str(preview_scenario(path))
            session = Session.open(path, colour_source=colour, lab=lab)
        except ViewerError as exc:
            self.banner.show_error("\n".join(str(p) for p in exc.problems) + self._kept_note())
            return False
        except Exception as exc:  # an unexpected failure must not take the window down
            self.banner.show_error(f"{path}: could not open ({plain_words(exc)})" + self._kept_note())
            traceback.print_exc()
            return False
        self.banner.hide()
        lab_files.remember_lab(self.settings, session)
        self.set_session(session)
        if session.notes:  # e.g. the rows --clamp set to a joint's limit
            self.statusBar().showMessage(" · ".join(n.split(": ", 1)[-1] for n in session.notes), 15000)
        return True

    def _kept_note(self) -> str:
        return f"\nStill showing: {self.session.scenario.title}." if self.session else ""

    def set_session(self, session: Session, aim: bool = True) -> None:
        """Show a newly opened scenario as its file's view says (camera, colours, hide, bones)."""
        old, scenario = self.state, session.scenario
        self.session = session
        speed = old.playhead.speed if old else float(self.settings.value("speed", 1.0))
        state = ViewState.from_scenario(scenario, session.model, colour_source=session.colouring.key, speed=speed)
        if scenario.bones is None:  # the file says nothing: keep the user's bone opacity
            state.bone_opacity = old.bone_opacity if old else float(self.settings.value("bone_opacity", 1.0))
        self.view.show_session(session, state, aim=aim)
        self.muscles.show_session(session)
        self.plot.show_session(session)
        self._bind_state(state)
        self.pick(None)
        self._remember(str(session.path))
        self._editing_session_changed(session)  # title, hot reload, editor follows

    def _remember(self, path: str) -> None:
        window_settings.remember_recent(self, path)
        self.library.mark_current(path)

    def save_view(self) -> None:
        """Write the view state into the scenario file, keeping the author's comments."""
        if self.session is None:
            return
        from viewer.core.session.view_file import save_view

        try:
            path = save_view(self.session.path, self.state, self.session.model, self.view.exact_camera())
            self.hot_reload.remember()  # our own write: nothing to reload
        except ViewerError as exc:
            self.banner.show_error("\n".join(str(p) for p in exc.problems))
            return
        self.statusBar().showMessage(f"Saved this view into {Path(path).name}", 5000)

    def screenshot_dialog(self) -> None:
        menus.screenshot_dialog(self)

    # --- settings ---------------------------------------------------------------------------------------
    def restore(self, first_path: str | None, lab: LabInput | None = None) -> None:
        """Window layout from last time, then the first scenario to show."""
        window_settings.restore(self, first_path, lab)

    def closeEvent(self, event) -> None:
        if not self._editing_may_leave("close"):
            event.ignore()
            return
        self.timer.stop()
        state = self.state
        self._bind_state(None)  # nothing follows the state once the window is gone
        self.state = state  # (an export still running may read it)
        window_settings.save_layout(self)
        self.hot_reload.watch(None)  # a change on disk after closing has no window to show it
        self.view.close()
        super().closeEvent(event)
