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


def open_editor(qtbot, tmp_path, monkeypatch, text: str, name: str = "exercise.yaml"):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from viewer.app.window import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    path = tmp_path / name
    path.write_text(text)
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.restore(str(path))
    win.edit_action.trigger()
    assert win.editor.active
    return win, path


def test_both_sides_slider_says_both_values_and_moves_one_side_unless_told(qtbot, tmp_path, monkeypatch):
    win, _ = open_editor(qtbot, tmp_path, monkeypatch, RIGHT_HIP)
    try:
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
    finally:
        win.timer.stop()
