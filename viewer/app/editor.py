"""Editor mode: change the open scenario with sliders, a keyframe timeline and forms, see it live.

The rules of editing live in viewer.core.session.scenario_edit (undo, keyframes, saving); this module
only lays out widgets and keeps the window showing the edited scenario:
- while a slider moves, the view shows that one pose at once (one MuJoCo pass, no rebuild);
- after an edit settles, the window's Session is rebuilt from the edited scenario, keeping the
  time, the camera and the muscle visibility;
- the sliders follow the view state (`bind`): a new time or a rebuilt scenario shows its pose.
"""
from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFileDialog, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QScrollArea, QSizePolicy, QTabWidget, QVBoxLayout, QWidget)

from viewer.core.base.easing import EASES
from viewer.core.base.errors import ViewerError, plain_words
from viewer.core.session.pose_preview import PosePreview
from viewer.core.session.scenario_edit import EditError, ScenarioEdit
from viewer.core.session.session import Session

from .bindings import Bindings
from .editor_fields import PhasesPage, SetupPage
from .editor_pose import PoseSliders
from .editor_timeline import KeyframeTimeline
from .latest import LatestOnly

REBUILD_MS = 250  # after the last edit, rebuild the scene (≈0.7 s of work) once
EASE_TEXT = {"smooth": "Smooth", "min_jerk": "Natural (minimum jerk)", "linear": "Constant speed",
             "step": "Jump at the key"}
OK_STYLE = "color: #2d6a3e;"
PROBLEM_STYLE = "color: #8a1c12;"
STALE_STYLE = "color: #9a5b00;"
EDITOR_WIDTH = 340  # pixels the editor dock asks for: label, a usable slider, the value box


class KeyframeStrip(QWidget):
    """Below the view: the timeline, the keyframe buttons and the ease of the current keyframe."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.timeline = KeyframeTimeline(self)
        self.add_button = QPushButton("Add keyframe", objectName="add_keyframe",
                                      toolTip="Keep the sliders' pose as a new keyframe at the current time")
        self.update_button = QPushButton("Update keyframe", objectName="update_keyframe",
                                         toolTip="Write the sliders' pose into the keyframe at the current time")
        self.duplicate_button = QPushButton("Duplicate", objectName="duplicate_keyframe",
                                            toolTip="Copy this keyframe: 1 s after the last one, or halfway to the next")
        self.delete_button = QPushButton("Delete", objectName="delete_keyframe")
        self.ease = QComboBox(objectName="keyframe_ease", toolTip="How the movement into this keyframe runs")
        for name in EASES:
            self.ease.addItem(EASE_TEXT.get(name, name), name)
        self.where = QLabel(objectName="keyframe_where", wordWrap=True)
        # a long "where" text wraps instead of widening the window, within two lines always kept:
        # a second line appearing while a slider moves would shrink the 3D view under the hand
        self.where.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.where.setFixedHeight(2 * self.where.fontMetrics().lineSpacing() + 4)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.where, 1)
        row.addWidget(QLabel("Movement into it"))
        row.addWidget(self.ease)
        for b in (self.add_button, self.update_button, self.duplicate_button, self.delete_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 2)
        layout.setSpacing(2)
        layout.addWidget(self.timeline)
        layout.addLayout(row)


class EditorPanel(QWidget):
    """The dock: Pose, Phases and Scenario pages, and the checks `validate` would report."""

    def __init__(self, editor, parent=None):
        super().__init__(parent)
        self.pose = PoseSliders(self)
        self.phases = PhasesPage(editor, self)
        self.setup = SetupPage(editor, self)
        self.tabs = QTabWidget(objectName="editor_tabs")
        self.tabs.addTab(self.pose, "Pose")
        self.tabs.addTab(self.phases, "Phases")
        self.tabs.addTab(self.setup, "Scenario")
        self.checks = QLabel(objectName="editor_checks")
        self.checks.setWordWrap(True)
        self.checks.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message = QLabel(objectName="editor_message")
        self.message.setWordWrap(True)
        self.regenerate = QPushButton("Regenerate captions from the numbers", objectName="regenerate_captions")
        self.regenerate.setToolTip("Write every phase's caption again from what its keyframes and the lengths show")
        self.regenerate.clicked.connect(lambda: editor.run(lambda e: e.regenerate_captions(), now=True))
        self.regenerate.hide()  # shown while a caption may be stale
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.checks)
        layout.addWidget(self.regenerate)


class Editor(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.edit: ScenarioEdit | None = None
        self.values: dict[str, float] = {}  # the sliders' pose: joint → degrees (or metres)
        self.touched: list[str] = []  # pose keys moved since the sliders last showed the scenario
        self.panel = EditorPanel(self)
        self.dock = QDockWidget("Edit scenario", window, objectName="dock_Edit scenario")
        scroll = QScrollArea(objectName="editor_scroll", widgetResizable=True, frameShape=QScrollArea.NoFrame)
        scroll.setWidget(self.panel)  # a small screen scrolls the editor instead of growing the window
        self.dock.setWidget(scroll)
        self.dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        from .window import MIN_PANEL_WIDTH  # (window imports the editor lazily)

        self.dock.setMinimumWidth(MIN_PANEL_WIDTH)
        muscles = window.findChild(QDockWidget, "dock_Muscles")
        if muscles is not None:  # one tab beside the muscle panel: the view keeps its width
            window.tabifyDockWidget(muscles, self.dock)
        self.dock.hide()
        self.strip = KeyframeStrip(window)
        self.strip.hide()
        self._rebuild = QTimer(self, singleShot=True, interval=REBUILD_MS)
        self._rebuild.timeout.connect(self.apply)
        self.pose_preview: PosePreview | None = None
        # A drag reports moves faster than a frame renders: preview the newest pose once per draw.
        self._preview = LatestOnly(self._show_preview, window.view.redraw.drawn, self)
        self._bindings = Bindings()
        self._connect()

    def bind(self, state) -> None:
        """Follow `state` (None: let go): the sliders show the scenario's pose at its time, after
        a seek and after an edit, undo or reload rebuilt the scenario."""
        self._bindings.follow(state, time=self.on_time, scenario=lambda scenario: self.on_time(state.time))

    def _connect(self) -> None:
        s, pose = self.strip, self.panel.pose
        s.add_button.clicked.connect(self.add_keyframe)
        s.update_button.clicked.connect(self.update_keyframe)
        s.duplicate_button.clicked.connect(self.duplicate_keyframe)
        s.delete_button.clicked.connect(self.delete_keyframe)
        s.ease.currentIndexChanged.connect(self._ease_chosen)
        s.timeline.key_clicked.connect(lambda i: self.window.seek(self.edit.scenario.keyframes[i].time))
        s.timeline.key_dragged.connect(self._key_dragged)
        s.timeline.drag_finished.connect(self._drag_finished)
        s.timeline.seek.connect(self.window.seek)
        pose.key_changed.connect(self._slider_moved)

    @property
    def active(self) -> bool:
        return self.edit is not None

    # --- starting and stopping --------------------------------------------------------------
    def start(self) -> None:
        """Edit the window's current scenario (again from its file's state)."""
        session = self.window.session
        if session is None:
            return
        original = None
        if session.scenario.path is not None:
            try:
                original = Path(session.scenario.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass
        self.edit = ScenarioEdit(session.scenario, session.model, original)
        self.pose_preview = PosePreview(self.edit)
        self.panel.pose.set_keys(self.edit.keys)
        used = self.edit.exercise_keys()
        if used:
            self.panel.pose.open_region_of(used[0])
        self.panel.setup.set_model(session.model)
        self.dock.show()
        self.dock.raise_()
        if self.dock.width() < EDITOR_WIDTH and not self.dock.isFloating():
            # sliders need room; take it from the 3D view, never by growing the window
            self.window.resizeDocks([self.dock], [min(EDITOR_WIDTH, self.window.width() // 4)], Qt.Horizontal)
        self.strip.show()
        self.panel.message.clear()
        self.refresh()
        self.on_time(self.window.playhead.time)

    def stop(self) -> None:
        self._rebuild.stop()
        self._preview.cancel()
        self.edit = self.pose_preview = None
        self.dock.hide()
        self.strip.hide()
        self.window.setWindowModified(False)

    def maybe_save(self, doing: str = "close") -> bool:
        """Ask about unsaved edits. True: go on (saved or discarded); False: the user cancelled."""
        if not self.active or not self.edit.dirty:
            return True
        answer = QMessageBox.question(
            self.window, "Unsaved changes",
            f"“{self.edit.scenario.title}” has changes that are not saved. Save them before you {doing}?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    # --- edits --------------------------------------------------------------------------------------
    def run(self, action, now: bool = False):
        """Apply one edit; an edit that cannot be done says why and changes nothing."""
        try:
            result = action(self.edit)
        except EditError as exc:
            self.status(str(exc))
            return None
        self.status("")
        self.touched = []
        self.refresh()
        if now:
            self.apply()
        else:
            self._rebuild.start()
        return result

    def status(self, text: str) -> None:
        self.panel.message.setText(text)
        self.panel.message.setStyleSheet(PROBLEM_STYLE if text else "")

    def _t(self) -> float:
        return self.window.playhead.time

    def add_keyframe(self) -> None:
        t = self._t()
        pose = self.edit.pose_for(self.values, self.touched, None)
        self.run(lambda e: e.add_keyframe(t, pose), now=True)

    def update_keyframe(self) -> None:
        i = self.edit.index_at(self._t())
        if i is None:
            return
        pose = self.edit.pose_for(self.values, self.touched, self.edit.scenario.keyframes[i].pose)
        self.run(lambda e: e.update_keyframe(i, pose), now=True)

    def duplicate_keyframe(self) -> None:
        i = self.edit.index_at(self._t())
        if i is None:
            return
        keys = self.edit.scenario.keyframes
        t = keys[i].time + 1.0 if i == len(keys) - 1 else round((keys[i].time + keys[i + 1].time) / 2 / 0.05) * 0.05
        if self.run(lambda e: e.duplicate_keyframe(i, t), now=True) is not None:
            self.window.seek(t)

    def delete_keyframe(self) -> None:
        i = self.edit.index_at(self._t())
        if i is not None:
            self.run(lambda e: e.delete_keyframe(i), now=True)

    def _ease_chosen(self, index: int) -> None:
        i = self.edit.index_at(self._t())
        if i is not None:
            self.run(lambda e: e.set_ease(i, self.strip.ease.itemData(index)))

    def _key_dragged(self, i: int, t: float) -> None:
        new = self.run(lambda e: e.move_keyframe(i, t, merge=True))
        if new is not None:
            self.strip.timeline.follow(new)
            self.window.seek(min(t, self.edit.scenario.duration))

    def _drag_finished(self) -> None:
        self.edit.end_merge()
        self.apply()

    def add_phase(self) -> None:
        s = self.edit.scenario
        t = self._t()
        later = [k.time for k in s.keyframes if k.time > t + 1e-6]
        end = later[0] if later else s.duration
        start = t if end > t else max(0.0, end - 1.0)
        self.run(lambda e: e.add_phase(f"Phase {len(s.phases) + 1}", round(start, 3), round(end, 3)), now=True)

    def undo(self) -> None:
        if self.active and self.edit.undo():
            self._after_history()

    def redo(self) -> None:
        if self.active and self.edit.redo():
            self._after_history()

    def _after_history(self) -> None:
        self.touched = []
        self.refresh()
        self._rebuild.start()

    # --- sliders and live preview --------------------------------------------------------------
    def _slider_moved(self, name: str, value: float) -> None:
        self.edit.keys[name].write(self.values, value)
        if name in self.touched:
            self.touched.remove(name)
        self.touched.append(name)
        self._show_sliders()
        self._preview.request()

    def _show_preview(self) -> bool:
        """Draw the sliders' pose now; True if a draw was asked for."""
        if not self.active:
            return False
        t = self._t()
        try:
            frames = self.pose_preview.frames(self.values, self.touched, t)
        except ViewerError as exc:
            self.status(str(exc))
            return False
        self.window.view.show_pose(frames, t)
        return True

    def on_time(self, t: float) -> None:
        """The playhead moved: the sliders show the scenario's pose there (pending changes drop)."""
        if not self.active:
            return
        self._preview.cancel()
        self.touched = []
        self.values = self.edit.joint_values(t)
        self._show_sliders()

    def _show_sliders(self) -> None:
        used = set(self.edit.exercise_keys()) | set(self.touched)
        self.panel.pose.show_values(self.values, used)
        self._show_strip()

    def _show_strip(self) -> None:
        s, t = self.edit.scenario, self._t()
        i = self.edit.index_at(t)
        strip = self.strip
        strip.timeline.show_scenario(s, i, t)
        changed = bool(self.touched)
        strip.add_button.setEnabled(i is None)
        strip.update_button.setEnabled(i is not None and changed)
        strip.duplicate_button.setEnabled(i is not None)
        strip.delete_button.setEnabled(i is not None and len(s.keyframes) > 1)
        strip.ease.setEnabled(i is not None and i > 0)
        if i is not None:
            strip.ease.blockSignals(True)
            strip.ease.setCurrentIndex(strip.ease.findData(s.keyframes[i].ease))
            strip.ease.blockSignals(False)
        where = (f"Keyframe {i + 1} of {len(s.keyframes)} at {s.keyframes[i].time:g} s" if i is not None
                 else f"{t:.2f} s, between keyframes")
        if changed:
            where += (" · pose changed: Update keyframe to keep it" if i is not None
                      else " · pose changed: Add keyframe to keep it")
        strip.where.setText(where)
        self.panel.pose.hint.setText("Move a slider, then Update or Add the keyframe below the view. "
                                     "Bold: joints this exercise moves.")

    # --- showing the edited scenario -------------------------------------------------------------
    def refresh(self) -> None:
        """Show the edit's current state in every page, the checks and the title marker."""
        s = self.edit.scenario
        self.panel.phases.show(s)
        self.panel.setup.show(s)
        self._show_strip()
        problems = self.edit.problems()
        notes = [] if problems else self.edit.caption_notes()
        checks = self.panel.checks
        if problems:
            checks.setText("To fix before saving:\n" + "\n".join(f"• {p}" for p in problems))
            checks.setStyleSheet(PROBLEM_STYLE)
        elif notes:  # valid and saveable, but the words may no longer match the motion
            checks.setText("Valid, but a caption may be stale:\n" + "\n".join(f"• {p}" for p in notes))
            checks.setStyleSheet(STALE_STYLE)
        else:
            checks.setText("✓ No problems: this scenario is ready to save.")
            checks.setStyleSheet(OK_STYLE)
        self.panel.regenerate.setVisible(bool(notes))
        self.window.setWindowModified(self.edit.dirty)
        self.window.update_edit_actions()

    def apply(self) -> None:
        """Rebuild the window's Session from the edited scenario (if it is valid)."""
        self._rebuild.stop()
        if not self.active or self.edit.problems():
            return
        w = self.window
        old = w.session
        try:
            session = Session.from_scenario(self.edit.scenario, self.edit.model, fps=old.fps,
                                            colour_source=w.state.colour_source)
        except ViewerError as exc:
            self.status(str(exc))
            return
        except Exception as exc:  # never lose the user's work to an unexpected failure
            traceback.print_exc()
            self.status(f"could not show this state ({plain_words(exc)})")
            return
        w.show_edited(session, aim=session.scenario.camera != old.scenario.camera,
                      refocus=session.scenario.focus != old.scenario.focus)

    # --- saving -------------------------------------------------------------------------------------
    def save(self, path: str | None = None) -> bool:
        if path is None and self.edit.path is None:
            return self.save_as()
        try:
            if path is not None and self.window.session is not None:  # Save As onto the model or a mesh
                self.window.session.refuse_output(path, saving_scenario=True)
            target = self.edit.save(path)
        except (ViewerError, OSError) as exc:
            text = "\n".join(str(p) for p in exc.problems) if isinstance(exc, ViewerError) else str(exc)
            self.status(f"Not saved. {text}")
            return False
        self.window.saved(target)
        self.status("")
        self.panel.message.setText(f"Saved {target.name}")
        self.refresh()
        return True

    def save_as(self, path: str | None = None) -> bool:
        if path is None:
            start = str(self.edit.path or Path.cwd() / "my_exercise.yaml")
            path, _ = QFileDialog.getSaveFileName(self.window, "Save scenario as", start, "Scenarios (*.yaml *.yml)")
            if not path:
                return False
        return self.save(path)
