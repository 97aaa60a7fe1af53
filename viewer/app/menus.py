"""The main window's menus, their shortcuts, and the dialogs they open (imported when first used:
the start shows the scene sooner)."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox

from viewer import __version__
from viewer.core.base.errors import ViewerError

from .view3d import VIEW_KEYS


def add_action(window, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.WindowShortcut)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    menu.addAction(action)
    window.addAction(action)  # shortcuts work even with the menu bar hidden
    return action


def build_menus(w) -> None:
    """File, Edit (the editing mixin's), Playback, View and Help on MainWindow `w`."""
    bar = w.menuBar()
    file = bar.addMenu("&File")
    w.new_action = add_action(w, file, "&New exercise…", lambda: new_exercise(w), QKeySequence.New,
                              "A working scenario from a few choices, opened in the editor")
    add_action(w, file, "&Open scenario…", w.open_dialog, QKeySequence.Open)
    w.recent_menu = file.addMenu("Open &recent")
    w._editing_menus(bar, file)  # Save, Save as, and the Edit menu
    file.addSeparator()
    add_action(w, file, "&Export video or image…", lambda: export_dialog(w), "Ctrl+E")
    add_action(w, file, "Save &screenshot of the 3D view…", w.screenshot_dialog, "Ctrl+Shift+S")
    add_action(w, file, "&Compare with…", lambda: compare_dialog(w),
               tip="Play another scenario side by side with this one")
    add_action(w, file, "S&hare…", lambda: share_dialog(w), tip="Write one offline web page for the patient to take home")
    file.addSeparator()
    add_action(w, file, "&Quit", w.close, QKeySequence.Quit)
    play = bar.addMenu("&Playback")
    add_action(w, play, "Play / pause", w.toggle_play, Qt.Key_Space)
    add_action(w, play, "Step back", lambda: w.step(-1), Qt.Key_Left)
    add_action(w, play, "Step forward", lambda: w.step(1), Qt.Key_Right)
    add_action(w, play, "Go to start", lambda: w.seek(0.0), Qt.Key_Home)
    add_action(w, play, "Go to end", lambda: w.seek(w.playhead.duration), Qt.Key_End)
    view = bar.addMenu("&View")
    for key, (name, label) in VIEW_KEYS.items():
        add_action(w, view, label, lambda checked=False, n=name: w.set_view(n), key)
    add_action(w, view, "&Fit the body", lambda: w.set_view(w.view.current_view), Qt.Key_F)
    present = add_action(w, view, "&Present", lambda: toggle_presenter(w), Qt.Key_F11,
                         tip="The 3D view full screen with large words, beside the patient (Esc leaves)")
    present.setShortcuts([QKeySequence(Qt.Key_F11), QKeySequence(Qt.Key_P)])
    view.addSeparator()
    add_action(w, view, "Save view to &scenario", w.save_view,
               tip="Write this camera, colours, hidden muscles and bone opacity into the scenario file")
    view.addSeparator()
    for dock in w.findChildren(QDockWidget):
        view.addAction(dock.toggleViewAction())
    help_menu = bar.addMenu("&Help")
    add_action(w, help_menu, "What the colours mean", lambda: explain_colours(w))
    add_action(w, help_menu, "About muscle-viewer", lambda: about(w))


def new_exercise(w) -> None:
    from .new_exercise import open_new_exercise

    open_new_exercise(w)


def compare_dialog(w) -> None:
    from .compare_window import open_comparison

    open_comparison(w)


def export_dialog(w) -> None:
    if w.session is None:
        return
    from .export_dialog import ExportDialog

    ExportDialog(w.session, w.state, w.view, w).exec()


def toggle_presenter(w) -> None:
    from .presenter import Presenter

    if w.presenter is None:
        w.presenter = Presenter(w)
    w.presenter.toggle()


def share_dialog(w) -> None:
    from .share_dialog import share_dialog as ask

    ask(w)


def screenshot_dialog(w) -> None:
    path, _ = QFileDialog.getSaveFileName(w, "Save screenshot of the 3D view", "view.png", "PNG image (*.png)")
    if path:
        try:
            if w.session is not None:
                w.session.refuse_output(path)
            w.view.save_screenshot(path)
            w.statusBar().showMessage(f"Saved {path}", 5000)
        except ViewerError as exc:
            w.banner.show_error(str(exc))
        except (OSError, ValueError) as exc:
            w.banner.show_error(f"{path}: could not save the screenshot ({exc})")


def explain_colours(w) -> None:
    c = w.session.colouring if w.session else None
    lines = [e.text for e in c.legend] if c else []
    text = "<br>".join(lines) + (f"<br><br>{c.scale_text}<br><br><b>{c.note}</b>" if c and c.note else "")
    QMessageBox.information(w, "What the colours mean", text)


def about(w) -> None:
    QMessageBox.about(w, "About muscle-viewer",
                      f"muscle-viewer {__version__}<br>Anatomy: MyoFullBody (MyoSuite, Apache-2.0) · "
                      f"kinematics: MuJoCo · rendering: VTK/PyVista.")
