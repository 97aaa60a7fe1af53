"""Main window: 3D view, exercise library, muscle panel, plot and playback bar."""
from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMessageBox,
                               QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from viewer import __version__
from viewer.core.errors import ViewerError, plain_words
from viewer.core.lab import LabInput, is_motion
from viewer.core.paths import DEFAULT_SCENARIO, SCENARIOS_DIR
from viewer.core.playback import Playhead
from viewer.core.preview import is_model_file, preview_scenario
from viewer.core.session import Session
from viewer.core.viewstate import CameraState, ViewState

from .clock import PlaybackClock
from .editing import EditingMixin
from .library import Library
from .muscles import MusclePanel
from .playbar import PlayBar
from .plot import PlotPanel
from .view3d import VIEW_KEYS, View3D

MAX_RECENT = 8


class ErrorBanner(QWidget):
    """A calm red strip above the view: what went wrong, while the last good scenario stays."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel(objectName="error_text")
        self.label.setWordWrap(True)
        # Any text (a long path, a file's words) wraps inside the window: the banner never widens it.
        self.label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.label.setMinimumWidth(0)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        close = QToolButton(text="✕", toolTip="Dismiss")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(close)
        self.setStyleSheet("ErrorBanner, QLabel { background: #fde8e6; color: #8a1c12; }")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.hide()

    def show_error(self, text: str) -> None:
        self.label.setText(text)
        self.show()
        window = self.window()
        if isinstance(window, QMainWindow):  # the status bar must not say "Reloaded" meanwhile
            window.statusBar().showMessage("See the message above the view.")


PREFERRED_SIZE = QSize(1500, 900)
SCREEN_SHARE = (0.96, 0.92)  # of the available screen: room for the window frame and title


def initial_size(available: QRect) -> QSize:
    """The first window size: the preferred one where the screen has room, else what fits."""
    return QSize(min(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE[0])),
                 min(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE[1])))


MIN_PANEL_WIDTH = 160  # px: the exercise list and the muscle panel stay readable whatever layout is restored
MIN_PANEL_HEIGHT = 90  # px: the plot keeps its axes


class MainWindow(PlaybackClock, EditingMixin, QMainWindow):
    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings("muscle-viewer", "muscle-viewer")
        self.setWindowTitle("muscle-viewer")
        self.session: Session | None = None
        self.state: ViewState | None = None  # what the window shows; every export draws from it
        self.picked: int | None = None

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
        self._menus()
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

    def fit_to_screen(self) -> None:
        """A layout saved on a bigger screen is shrunk onto this one, and brought into view."""
        available, frame = self._available(), self.frameGeometry()
        if frame.width() > available.width() or frame.height() > available.height():
            self.resize(initial_size(available))
            frame = self.frameGeometry()
        if not available.contains(frame):
            x = min(max(frame.x(), available.x()), available.right() - frame.width() + 1)
            y = min(max(frame.y(), available.y()), available.bottom() - frame.height() + 1)
            self.move(x, y)

    def _dock(self, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self, objectName=f"dock_{title}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.WindowShortcut)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.new_action = self._action(file, "&New exercise…", self.new_exercise, QKeySequence.New,
                                       "A working scenario from a few choices, opened in the editor")
        self._action(file, "&Open scenario…", self.open_dialog, QKeySequence.Open)
        self.recent_menu = file.addMenu("Open &recent")
        self._editing_menus(bar, file)  # Save, Save as, and the Edit menu
        file.addSeparator()
        self._action(file, "&Export video or image…", self.export_dialog, "Ctrl+E")
        self._action(file, "Save &screenshot of the 3D view…", self.screenshot_dialog, "Ctrl+Shift+S")
        self._action(file, "&Compare with…", self.compare_dialog,
                     tip="Play another scenario side by side with this one")
        self._action(file, "S&hare…", self.share_dialog,
                     tip="Write one offline web page for the patient to take home")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.Quit)
        play = bar.addMenu("&Playback")
        self._action(play, "Play / pause", self.toggle_play, Qt.Key_Space)
        self._action(play, "Step back", lambda: self.step(-1), Qt.Key_Left)
        self._action(play, "Step forward", lambda: self.step(1), Qt.Key_Right)
        self._action(play, "Go to start", lambda: self.seek(0.0), Qt.Key_Home)
        self._action(play, "Go to end", lambda: self.seek(self.playhead.duration), Qt.Key_End)
        view = bar.addMenu("&View")
        for key, (name, label) in VIEW_KEYS.items():
            self._action(view, label, lambda checked=False, n=name: self.set_view(n), key)
        self._action(view, "&Fit the body", lambda: self.set_view(self.view.current_view), Qt.Key_F)
        present = self._action(view, "&Present", self.toggle_presenter, Qt.Key_F11,
                               tip="The 3D view full screen with large words, beside the patient (Esc leaves)")
        present.setShortcuts([QKeySequence(Qt.Key_F11), QKeySequence(Qt.Key_P)])
        view.addSeparator()
        self._action(view, "Save view to &scenario", self.save_view,
                     tip="Write this camera, colours, hidden muscles and bone opacity into the scenario file")
        view.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "What the colours mean", self.explain_colours)
        self._action(help_menu, "About muscle-viewer", self.about)

    def _connect(self) -> None:
        self.library.chosen.connect(self.open_path)
        pb = self.playbar
        pb.play_toggled.connect(self.toggle_play)
        pb.step.connect(self.step)
        pb.seek.connect(self.seek)
        pb.speed_changed.connect(self.set_speed)
        pb.loop_changed.connect(self.set_loop)
        m = self.muscles  # panels change the view state; its events redraw (see _bind_state)
        m.visibility_changed.connect(self._visibility)
        m.colour_source_changed.connect(self.set_colour_source)
        m.bone_opacity_changed.connect(lambda opacity: self.state and self.state.set_bone_opacity(opacity))
        m.muscle_chosen.connect(self.pick)
        self.plot.seek.connect(self.seek)
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

    def _bind_state(self, state: ViewState) -> None:
        """Make `state` the window's: each panel follows its events."""
        if self.state is not None:
            self.state.events.clear()  # the old scenario's view no longer drives anything
        self.state = state
        e = state.events
        self.view.bind(state)  # first: the panels below follow the frame the view shows
        e.time.connect(lambda t: self.show_time())
        e.hidden.connect(lambda names: self._hidden_changed())
        e.bones.connect(self._bones_changed)
        e.colour.connect(self._colour_changed)
        e.speed.connect(lambda speed: (self.playbar.set_speed(speed), self.settings.setValue("speed", speed)))
        e.loop.connect(self.playbar.set_loop)

    # --- opening scenarios ------------------------------------------------------------------------
    def open_dialog(self) -> None:
        start = str(Path(self.session.path).parent if self.session else SCENARIOS_DIR)
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario, model or lab motion", start,
                                              "Scenarios, models and motions (*.yaml *.yml *.xml *.mjb *.osim *.mot "
                                              "*.sto);;All files (*)")
        if not path:
            return
        lab = None
        if is_motion(path):  # the model its coordinates belong to: asked once, then remembered
            lab = self.lab_model_for(path) or self.pick_lab_model(path)
            if lab is None:
                return
        self.open_path(path, lab)

    def pick_lab_model(self, path: str) -> LabInput | None:
        model, _ = QFileDialog.getOpenFileName(self, f"Which model is {Path(path).name} for?", str(Path(path).parent),
                                               "OpenSim models (*.osim);;Models (*.osim *.xml *.yaml);;All files (*)")
        # The app clamps values a hair outside a range, as OpenSim plays them; the status bar counts them.
        return LabInput(model=model, clamp=True) if model else None

    def lab_model_for(self, path: str) -> LabInput | None:
        """The model this motion file was last opened with (File → Open remembers the pairing)."""
        pair = self._lab_pairs().get(str(Path(path).resolve()))
        return LabInput(model=pair["model"], clamp=bool(pair.get("clamp"))) if pair else None

    def _lab_pairs(self) -> dict:
        import json

        try:
            pairs = json.loads(self.settings.value("lab_models", "{}") or "{}")
        except (TypeError, ValueError):
            return {}
        return pairs if isinstance(pairs, dict) else {}

    def _remember_lab(self, session: Session) -> None:
        import json

        if session.lab is not None and session.lab.model:
            pairs = self._lab_pairs()
            model = session.lab.model if Path(session.lab.model).suffix == "" else str(Path(session.lab.model).resolve())
            pairs[str(Path(session.path).resolve())] = {"model": model, "clamp": session.lab.clamp}
            self.settings.setValue("lab_models", json.dumps(pairs))

    def open_path(self, path: str, lab: LabInput | None = None) -> bool:
        """Load a scenario (or a lab's motion file with its model); on any problem show it and keep
        the current one."""
        if self.session is not None and Path(path).resolve() == self.session.path.resolve() and lab is None:
            return True
        if not self._editing_may_leave("open another scenario"):
            return False
        if is_motion(path) and (lab is None or lab.model is None):
            lab = self.lab_model_for(path) or lab
        try:
            if is_model_file(path):  # a model on its own: open a starter scenario that moves it
                path = str(preview_scenario(path))
            session = Session.open(path, colour_source=self.settings.value("colour_source", None), lab=lab)
        except ViewerError as exc:
            self.banner.show_error("\n".join(str(p) for p in exc.problems)
                                   + self._kept_note())
            return False
        except Exception as exc:  # an unexpected failure must not take the window down
            self.banner.show_error(f"{path}: could not open ({plain_words(exc)})" + self._kept_note())
            traceback.print_exc()
            return False
        self.banner.hide()
        self._remember_lab(session)
        self.set_session(session)
        if session.notes:  # e.g. the rows --clamp set to a joint's limit
            self.statusBar().showMessage(" · ".join(n.split(": ", 1)[-1] for n in session.notes), 15000)
        return True

    def _kept_note(self) -> str:
        return f"\nStill showing: {self.session.scenario.title}." if self.session else ""

    def set_session(self, session: Session, aim: bool = True) -> None:
        """Show a newly opened scenario as its file's view says (camera, colours, hide, bones)."""
        self.session = session
        self.picked = None
        scenario = session.scenario
        self.setWindowTitle(f"{scenario.title} — muscle-viewer")
        speed = self.state.playhead.speed if self.state else float(self.settings.value("speed", 1.0))
        state = ViewState.from_scenario(scenario, session.model, colour_source=session.colouring.key, speed=speed)
        if scenario.bones is None:  # the file says nothing: keep the user's bone opacity
            state.bone_opacity = self.muscles.bones.value() / 100.0
        self._bind_state(state)
        self.playbar.set_duration(session.duration, session.scenario.lab_start)
        self.playbar.set_loop(scenario.loop)
        self.view.show_session(session, state, aim=aim)
        self.muscles.show_model(session.model, scenario.focus, session.colouring.key)
        self._show_state_in_panels()
        self.muscles.show_info(None)
        self.plot.show_session(session)
        self._remember(str(session.path))
        self.library.mark_current(str(session.path))
        self._editing_session_changed(session)  # title marker, hot reload, editor follows
        self.show_time()

    def _show_state_in_panels(self) -> None:
        """The muscle panel's ticks and slider say what the view state holds (without echoing back)."""
        m, state = self.muscles, self.state
        m.bones.blockSignals(True)
        m.bones.setValue(int(round(state.bone_opacity * 100)))
        m.bones.blockSignals(False)
        hidden = state.hidden_mask(self.session.model)
        if hidden.any():
            m.blockSignals(True)
            m.set_visible(~hidden)
            m.blockSignals(False)

    def _remember(self, path: str) -> None:
        recent = [p for p in self.settings.value("recent", [], type=list) if p != path]
        recent = ([path] + recent)[:MAX_RECENT]
        self.settings.setValue("recent", recent)
        self.settings.setValue("last_scenario", path)
        self.library.fill(recent)
        self.recent_menu.clear()
        for p in recent:
            self.recent_menu.addAction(Path(p).name, lambda checked=False, p=p: self.open_path(p))

    # --- playback ---------------------------------------------------------------------------------
    def frame_rate(self) -> float:
        return self.session.fps if self.session else 60.0

    def set_speed(self, speed: float) -> None:
        if self.state is not None:
            self.state.set_speed(float(speed))

    def set_loop(self, mode: str) -> None:
        if self.state is not None:
            self.state.set_loop(mode)

    def set_view(self, name: str) -> None:
        """A named view, fitted to the window (also when it is the one already chosen: F fits)."""
        if self.state is None:
            return
        camera = CameraState(view=name)
        if camera == self.state.camera:
            self.view.set_camera(camera)
        self.state.set_camera(camera)

    def show_time(self) -> None:
        s = self.session
        t = self.playhead.time
        if s is None:
            self.playbar.show_time(t, self.playhead.playing)
            return
        i = s.index_at(t)
        if not self.view.fresh:
            return  # no new frame this tick: each widget update would recompose the whole window
        self.playbar.show_time(t, self.playhead.playing)
        self.plot.show_time(t)
        if self.picked is not None:
            m = self.picked
            self.muscles.show_info(m, s.frames.lengths[i, m], s.percent_change[i, m],
                                   s.rates[i, m] * self.playhead.direction)
        self._editing_time(t)

    # --- muscles --------------------------------------------------------------------------------------
    def pick(self, muscle) -> None:
        self.picked = None if muscle is None or muscle < 0 else int(muscle)
        self.view.highlight(self.picked)
        self.plot.set_picked(self.picked)
        if self.picked is None:
            self.muscles.show_info(None)
            self.statusBar().clearMessage()
        else:
            m = self.session.model.muscles[self.picked]
            self.statusBar().showMessage(f"{m.label} — {m.group}")
        self.show_time()

    def _visibility(self, mask) -> None:
        if self.state is not None:
            model = self.session.model
            self.state.set_hidden(m.name for m, shown in zip(model.muscles, mask) if not shown)

    def _hidden_changed(self) -> None:
        self.show_time()

    def set_colour_source(self, source: str) -> None:
        if self.state is not None:
            self.state.set_colour_source(source)

    def _colour_changed(self, source: str) -> None:
        self.session.recolour(source)
        self.settings.setValue("colour_source", source)
        self.view.recolour()
        self.show_time()

    def _bones_changed(self, opacity: float) -> None:
        self.settings.setValue("bone_opacity", opacity)

    def save_view(self) -> None:
        """Write the view state into the scenario file, keeping the author's comments."""
        if self.session is None:
            return
        from viewer.core.view_file import save_view

        try:
            path = save_view(self.session.path, self.state, self.session.model, self.view.exact_camera())
            self.hot_reload.remember()  # our own write: nothing to reload
        except ViewerError as exc:
            self.banner.show_error("\n".join(str(p) for p in exc.problems))
            return
        self.statusBar().showMessage(f"Saved this view into {Path(path).name}", 5000)

    # --- dialogs (imported when first used: the start shows the scene sooner) ----------------------------
    def new_exercise(self) -> None:
        from .new_exercise import open_new_exercise

        open_new_exercise(self)

    def compare_dialog(self) -> None:
        from .compare_window import open_comparison

        open_comparison(self)

    def export_dialog(self) -> None:
        if self.session is None:
            return
        from .export_dialog import ExportDialog

        ExportDialog(self.session, self.state, self.view, self).exec()

    def toggle_presenter(self) -> None:
        from .presenter import Presenter

        if getattr(self, "presenter", None) is None:
            self.presenter = Presenter(self)
        self.presenter.toggle()

    def share_dialog(self) -> None:
        from .share_dialog import share_dialog

        share_dialog(self)

    def screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot of the 3D view", "view.png", "PNG image (*.png)")
        if path:
            try:
                if self.session is not None:
                    self.session.refuse_output(path)
                self.view.save_screenshot(path)
                self.statusBar().showMessage(f"Saved {path}", 5000)
            except ViewerError as exc:
                self.banner.show_error(str(exc))
            except (OSError, ValueError) as exc:
                self.banner.show_error(f"{path}: could not save the screenshot ({exc})")

    def explain_colours(self) -> None:
        c = self.session.colouring if self.session else None
        lines = [e.text for e in c.legend] if c else []
        text = "<br>".join(lines) + (f"<br><br>{c.scale_text}<br><br><b>{c.note}</b>" if c and c.note else "")
        QMessageBox.information(self, "What the colours mean", text)

    def about(self) -> None:
        QMessageBox.about(self, "About muscle-viewer",
                          f"muscle-viewer {__version__}<br>Anatomy: MyoFullBody (MyoSuite, Apache-2.0) · "
                          f"kinematics: MuJoCo · rendering: VTK/PyVista.")

    # --- settings ---------------------------------------------------------------------------------------
    def restore(self, first_path: str | None, lab: LabInput | None = None) -> None:
        """Window layout and preferences from last time, then the first scenario to show."""
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window_state")
        if state is not None:
            self.restoreState(state)
        self.fit_to_screen()
        self.playbar.set_speed(float(self.settings.value("speed", 1.0)))
        self.muscles.bones.setValue(int(round(float(self.settings.value("bone_opacity", 1.0)) * 100)))
        last = self.settings.value("last_scenario")
        self.library.fill(self.settings.value("recent", [], type=list))
        candidates = [first_path] if first_path else []
        candidates += [last] if last and not first_path else []
        for path in candidates:
            if self.open_path(path, lab if path == first_path else None):
                return
        # The named file was broken (its error shows in the banner): fall back to the default.
        message = self.banner.label.text() if self.banner.isVisible() else ""
        if self.session is None:
            self.open_path(str(DEFAULT_SCENARIO))
        if message:
            self.banner.show_error(message + f"\nShowing the default scenario instead: {DEFAULT_SCENARIO.name}.")

    def closeEvent(self, event) -> None:
        if not self._editing_may_leave("close"):
            event.ignore()
            return
        self.timer.stop()
        if self.state is not None:
            self.state.events.clear()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.hot_reload.watch(None)  # a change on disk after closing has no window to show it
        self.view.close()
        super().closeEvent(event)
