"""Authoring in the app without a terminal: the library with optional extras, File → New, captions.

Needs a display: `scripts/test.sh` runs the suite under xvfb-run.
"""
import os
import sys

import pytest

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


def test_library_greys_an_exercise_whose_extra_is_missing(qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from viewer.app.library import Library

    monkeypatch.setitem(sys.modules, "opensim", None)  # a default install: no OpenSim extra
    library = Library()
    qtbot.addWidget(library)
    library.fill([])
    library.resize(360, 600)
    library.show()
    qtbot.waitExposed(library)
    items = {library.item(r).text().splitlines()[0]: library.item(r) for r in range(library.count())}
    curl = items["OpenSim arm curl"]
    assert curl.text().splitlines()[1].strip() == "OpenSim models need the optional extra: pip install -e \".[opensim]\""
    assert not curl.flags() & Qt.ItemIsEnabled  # drawn greyed, cannot be opened
    assert items["Lying leg raise"].flags() & Qt.ItemIsEnabled
    chosen = []
    library.chosen.connect(chosen.append)
    rect = library.visualItemRect(curl)
    qtbot.mouseClick(library.viewport(), Qt.LeftButton, pos=rect.center())
    assert chosen == []


RIGHT_HIP = """\
format: 1
title: Right hip flexion
posture: standing
anchor: pelvis
keyframes:
  - time: 0
    pose: {hip_flexion_r: 0}
  - time: 2
    pose: {hip_flexion_r: 60}
"""


@pytest.fixture
def open_editor(open_window, tmp_path, monkeypatch):
    """open_editor(text, name): a window showing `text` saved as tmp_path/name, in editor mode."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)

    def make(text: str, name: str = "exercise.yaml"):
        path = tmp_path / name
        path.write_text(text)
        win = open_window(path, activate=False)
        win.edit_action.trigger()
        assert win.editor.active
        return win, path

    return make


def test_both_sides_slider_says_both_values_and_moves_one_side_unless_told(open_editor, qtbot, tmp_path, monkeypatch):
    win, _ = open_editor(RIGHT_HIP)
    editor = win.editor
    win.seek(2.0)
    rows = editor.panel.pose.rows
    both = rows["hip_flexion"]
    assert both.side_text.isVisibleTo(win) and both.side_text.text() == "right 60.0°  ·  left 0.0°"
    assert both.mode.currentData() == "right" and both.spin.value() == 60  # not the average 30
    assert rows["hip_flexion_l"].label.isVisibleTo(win)  # the other side has its own slider now
    both.spin.setValue(45)  # typed into the both-sides box: the right hip only
    assert editor.values["hip_flexion_r"] == 45 and editor.values["hip_flexion_l"] == 0
    both.mode.setCurrentIndex(both.mode.findData("both"))
    both.spin.setValue(50)  # now both, to one value, as the box says
    assert editor.values["hip_flexion_r"] == 50 == editor.values["hip_flexion_l"]
    assert not both.side_text.isVisibleTo(win) and not both.mode.isVisibleTo(win)
    assert not rows["knee_flexion_l"].label.isVisibleTo(win)  # sides equal: one slider is enough
    qtbot.mouseClick(editor.strip.update_button, __import__("PySide6.QtCore").QtCore.Qt.LeftButton)
    assert editor.edit.scenario.keyframes[1].pose == {"hip_flexion": 50}


def test_file_new_makes_right_hip_flexion_in_a_few_steps(open_editor, qtbot, tmp_path, monkeypatch, capsys):
    """File → New: right hip flexion to 60°, saved; summary ranks iliacus and psoas as the captions say."""
    from PySide6.QtCore import Qt

    from viewer.app.new_exercise import NewExerciseDialog
    from viewer.cli import main
    from tests.conftest import SCENARIOS

    win, _ = open_editor((SCENARIOS / "leg_raise.yaml").read_text(), "start.yaml")
    win.set_editing(False)
    target = tmp_path / "right_hip.yaml"
    win.new_action.trigger()                                                  # 1 File → New exercise…
    dialog = win.findChild(NewExerciseDialog)
    qtbot.waitExposed(dialog)
    dialog.posture.setCurrentText("standing")                                 # 2 body position
    dialog.movement.setCurrentIndex(dialog.movement.findData("hip_flexion_r"))  # 3 movement (Hips is open)
    dialog.amount.setValue(60)                                                # 4 how far
    dialog.path.setText(str(target))                                          # 5 where
    dialog.path.setModified(True)
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)                                # 6 Create and edit
    assert win.editor.active and win.session.path == target
    assert win.editor.edit.scenario.title == "Right hip flexion to 60°"
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)  # the dialog has closed: keys go to the window
    qtbot.keyClick(win, Qt.Key_S, Qt.ControlModifier)                         # 7 Save
    assert not win.isWindowModified() and win.editor.panel.message.text() == "Saved right_hip.yaml"
    capsys.readouterr()
    assert main(["validate", str(target)]) == 0
    assert main(["summary", str(target), "--group", "hip flexors", "--top", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    raise_at = out.index("Raise to 60°  (0–2 s)")
    caption = out[raise_at + 1].strip()
    ranked = out[raise_at + 3:raise_at + 5]
    assert [line.split("%")[1].split("  ")[1] for line in ranked] == ["Iliacus, right", "Psoas major, right"]
    numbers = [line.split("%")[0].strip().lstrip("-") for line in ranked]  # '18.9', '12.5'
    assert caption.startswith("Right hip flexion to 60°: the right iliacus and psoas major shorten by "
                              f"{numbers[0]} % and {numbers[1]} %")
    # ranked without a group, the right iliacus still leads every muscle of the body
    assert main(["summary", str(target), "--top", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[out.index("  Shortening most:") + 1].endswith("Iliacus, right  hip flexors")


def test_editor_flags_a_stale_caption_and_one_click_regenerates_it(open_editor, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    from viewer.core.model.binding import load_model
    from viewer.core.session.wizard import ExerciseSpec, build_scenario, exercise_text

    target = tmp_path / "hip.yaml"
    text = exercise_text(build_scenario(ExerciseSpec(), load_model("full-body"), target), target)
    win, _ = open_editor(text, "hip.yaml")
    editor = win.editor
    checks = editor.panel.checks
    assert checks.text() == "✓ No problems: this scenario is ready to save."
    assert not editor.panel.regenerate.isVisibleTo(win)
    win.seek(2.0)
    editor.panel.pose.rows["hip_flexion_r"].spin.setValue(45)
    qtbot.mouseClick(editor.strip.update_button, Qt.LeftButton)
    assert checks.text().startswith("Valid, but a caption may be stale:")
    assert "says 60°" in checks.text() and editor.panel.regenerate.isVisibleTo(win)
    qtbot.mouseClick(editor.panel.regenerate, Qt.LeftButton)
    assert checks.text() == "✓ No problems: this scenario is ready to save."
    assert editor.edit.scenario.phases[0].caption.startswith("Right hip flexion to 45°: the right iliacus")


def test_window_fits_a_laptop_screen_and_the_editor_does_not_grow_it(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QRect, QSettings

    from viewer.app.window import MainWindow, initial_size
    from tests.conftest import SCENARIOS

    laptop = QRect(0, 0, 1366, 768)
    size = initial_size(laptop)
    assert size.width() <= 1366 and size.height() <= 768 - 40  # room for a title bar and a panel
    assert initial_size(QRect(0, 0, 2560, 1440)).width() == 1500  # a big screen keeps the preferred size
    # a layout saved on a big screen, restored on the laptop: it shrinks onto it
    big = QSettings(str(tmp_path / "big.ini"), QSettings.IniFormat)
    win = MainWindow(big)
    qtbot.addWidget(win)
    win.resize(1800, 1000)
    win.move(400, 300)
    win.show()
    qtbot.waitExposed(win)
    big.setValue("geometry", win.saveGeometry())
    big.setValue("window_state", win.saveState())
    win.close()
    monkeypatch.setattr(MainWindow, "_available", lambda self: laptop)
    win = MainWindow(big)
    qtbot.addWidget(win)
    win.show()
    win.restore(str(SCENARIOS / "leg_raise.yaml"))
    assert laptop.contains(win.frameGeometry()), win.frameGeometry()
    before = win.size()
    win.set_editing(True)
    qtbot.waitUntil(lambda: win.editor.dock.width() >= 300, timeout=3000)  # the editor has made room
    assert win.size() == before  # the editor takes room from the view, never from the screen
    assert win.library.width() >= 150 and win.editor.dock.width() >= 300
    rows = win.editor.panel.pose.rows
    assert rows["hip_flexion"].slider.width() >= 60  # a usable slider, not a squeezed one
    win.timer.stop()


def test_status_bar_never_says_reloaded_under_the_error_banner(open_editor, qtbot, tmp_path, monkeypatch):
    from tests.conftest import SCENARIOS

    win, path = open_editor((SCENARIOS / "leg_raise.yaml").read_text(), "lr.yaml")
    win.set_editing(False)
    assert win.reload_current() and win.statusBar().currentMessage() == "Reloaded lr.yaml"
    path.write_text(path.read_text().replace("hip_flexion: 90", "hip_flexon: 90"))
    assert not win.reload_current() and win.banner.isVisible()
    assert win.statusBar().currentMessage() == "See the message above the view."


def test_insert_number_puts_a_live_placeholder_into_a_caption(open_editor, qtbot, tmp_path, monkeypatch):
    win, _ = open_editor(RIGHT_HIP.replace(
        "    pose: {hip_flexion_r: 60}\n", "    pose: {hip_flexion_r: 60}\nphases:\n  - {name: Raise, from: 0, to: 2, caption: Up.}\n"))
    page = win.editor.panel.phases
    page.table.setCurrentCell(0, 3)
    page._fill_numbers()
    actions = page.numbers.menu().actions()
    assert actions[0].text() == "Iliacus, right: -18.9 %"
    actions[0].trigger()
    assert win.editor.edit.scenario.phases[0].caption == "Up. {iliacus_r.change}"
    qtbot.waitUntil(lambda: win.session.scenario == win.editor.edit.scenario, timeout=3000)
    win.seek(1.0)
    assert win.view.overlays.caption.GetInput() == "Up. -18.9 %"  # drawn with its value
