"""The main window's part in editing and hot reload, kept out of window.py to keep that file small.

MainWindow mixes this in: the Edit menu (editor mode, undo, redo), Save and Save As, the
unsaved-changes marker and prompt, and reloading the open file when a text editor changes it.
"""
from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtGui import QKeySequence

from viewer.core.base.errors import ViewerError, plain_words
from viewer.core.view.viewstate import CameraState
from viewer.core.session.session import Session

from .hot_reload import HotReload


class EditingMixin:
    editor = None  # the Editor, made on first use (its pose sliders take a moment to build)

    def _init_editing(self, column) -> None:
        """column: the central layout; the keyframe strip goes between the view and the playbar."""
        self._strip_column = column
        self.hot_reload = HotReload(self)
        self.hot_reload.changed.connect(self._file_changed)

    def _editing_menus(self, bar, file) -> None:
        self.save_action = self._action(file, "&Save scenario", lambda: self.editor.save(), QKeySequence.Save)
        self.save_as_action = self._action(file, "Save scenario &as…", lambda: self.editor.save_as(), "Ctrl+Alt+S")
        edit = bar.addMenu("&Edit")
        self.edit_action = self._action(edit, "&Edit scenario", self.set_editing, "Ctrl+Shift+E",
                                        "Sliders, keyframes, phases and captions for the open scenario")
        self.edit_action.setCheckable(True)
        edit.addSeparator()
        self.undo_action = self._action(edit, "&Undo", lambda: self.editor.undo(), QKeySequence.Undo)
        self.redo_action = self._action(edit, "&Redo", lambda: self.editor.redo(), "Ctrl+Shift+Z")
        self.update_edit_actions()

    def update_edit_actions(self) -> None:
        editing = self.editor is not None and self.editor.active
        edit = self.editor.edit if editing else None
        self.save_action.setEnabled(editing)
        self.save_as_action.setEnabled(editing)
        self.undo_action.setEnabled(bool(edit and edit.can_undo))
        self.redo_action.setEnabled(bool(edit and edit.can_redo))
        self.undo_action.setText(f"&Undo {edit.undo_label}" if edit and edit.can_undo else "&Undo")
        self.redo_action.setText(f"&Redo {edit.redo_label}" if edit and edit.can_redo else "&Redo")
        self.edit_action.setChecked(editing)

    def set_editing(self, on: bool) -> bool:
        """Turn editor mode on or off; off with unsaved changes asks first. True if it changed."""
        if self.session is None:
            return False
        if on and self.editor is None:
            from .editor import Editor

            self.editor = Editor(self)
            self.editor.bind(self.state)  # its sliders follow the time, like every panel
            self._strip_column.insertWidget(self._strip_column.indexOf(self.playbar), self.editor.strip)
        if self.editor is None:
            return not on
        if on:
            self.editor.start()
        elif self.editor.active:
            if not self.editor.maybe_save("leave the editor"):
                self.update_edit_actions()
                return False
            dirty = self.editor.edit.dirty
            self.editor.stop()
            if dirty:  # discarded: show the file as it is on disk again
                self.reload_current()
        self.update_edit_actions()
        return True

    def _editing_may_leave(self, doing: str) -> bool:
        return self.editor is None or self.editor.maybe_save(doing)

    def _editing_session_changed(self, session) -> None:
        self.setWindowTitle(f"{session.scenario.title}[*] — muscle-viewer")
        self.setWindowModified(False)
        self.hot_reload.watch(session.path if Path(session.path).exists() else None)
        if self.editor is not None and self.editor.active:
            self.editor.start()  # edit what is now open

    # --- the editor's results ---------------------------------------------------------------------
    def show_edited(self, session, aim: bool = False, refocus: bool = False) -> None:
        """Show a session rebuilt from the editor, keeping the view state: time, camera, muscles, bones."""
        self.session = session
        state = self.state
        with state.events.blocker():  # one redraw for the whole change, when every part is in place
            state.set_scenario(session.scenario)  # time, speed, loop, hidden muscles and bones carry over
            if aim:
                state.set_camera(CameraState.from_settings(session.scenario.camera))
            self.view.show_session(session, state, aim=aim)
            self.muscles.show_session(session, refill=refocus)
            self.plot.show_session(session)
        self.picked_changed.emit(self.picked)  # the rebuilt scene and plot mark it again
        self.setWindowTitle(f"{session.scenario.title}[*] — muscle-viewer")

    def saved(self, path: Path) -> None:
        """The editor wrote `path`: follow it, list it, and do not reload our own write."""
        self.session.path = Path(path)
        self.session.lab = None  # a motion saved as a scenario: the scenario names its model
        self.hot_reload.watch(path)
        self._remember(str(path))

    # --- hot reload -------------------------------------------------------------------------------------
    def _file_changed(self, path: str) -> None:
        if self.editor is not None and self.editor.active and self.editor.edit.dirty:
            self.banner.show_error(f"{Path(path).name} was changed by another program. Your unsaved edits "
                                   f"are kept here; Save writes them over that change.")
            return
        self.reload_current()

    def reload_current(self) -> bool:
        """Read the open file again; on a problem show it and keep what is shown."""
        if self.session is None:
            return False
        path, old = self.session.path, self.session
        try:
            session = Session.open(path, colour_source=self.state.colour_source, lab=old.lab)
        except ViewerError as exc:
            self.banner.show_error("\n".join(str(p) for p in exc.problems) + self._kept_note())
            return False
        except Exception as exc:  # a half-written file must not take the window down
            traceback.print_exc()
            self.banner.show_error(f"{path}: could not reload ({plain_words(exc)})" + self._kept_note())
            return False
        self.banner.hide()
        # The same file again: keep time, playback, camera and muscle choices; rebuild only the scene.
        self.show_edited(session, aim=session.scenario.camera != old.scenario.camera,
                         refocus=session.scenario.focus != old.scenario.focus)
        self.state.set_loop(session.scenario.loop)
        if session.scenario.title != old.scenario.title:
            self._remember(str(path))  # the library lists it by its title
        if self.editor is not None and self.editor.active:
            self.editor.start()  # edit what the file now says
        self.statusBar().showMessage(f"Reloaded {Path(path).name}", 3000)
        return True
