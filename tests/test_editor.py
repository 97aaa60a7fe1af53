"""Editor mode, driven as an author would: sliders, keyframe buttons, ease, save, undo, checks.

Needs a display: `scripts/test.sh` runs the suite under xvfb-run.
"""
import os

import numpy as np
import pytest

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]

START = """\
# yaml-language-server: $schema=scenario.schema.json
# A knee lift, built in the editor.
format: 1
title: Knee lift
posture: supine
anchor: pelvis
keyframes:
  - time: 0               # lying flat
    pose: {hip_flexion: 0, knee_flexion: 0}
"""


@pytest.fixture
def start_file(tmp_path):
    path = tmp_path / "knee_lift.yaml"
    path.write_text(START)
    return path


@pytest.fixture
def window(open_window, start_file, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    # A modal question would wait forever for a click: answer "Discard" unless a test says otherwise.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    win = open_window(start_file)
    win.edit_action.trigger()
    assert win.editor.active and win.editor.dock.isVisible()
    return win


def set_slider(editor, key: str, degrees: float) -> None:
    editor.panel.pose.rows[key].slider.setValue(round(degrees * 10))


def author_two_keyframes(window, qtbot):
    """Keyframe 1 exists at 0 s; duplicate it to 1 s, bend hips and knees there, ease it."""
    from PySide6.QtCore import Qt

    strip = window.editor.strip
    qtbot.mouseClick(strip.duplicate_button, Qt.LeftButton)
    assert [k.time for k in window.editor.edit.scenario.keyframes] == [0, 1]
    assert window.playhead.time == pytest.approx(1.0) and "Keyframe 2 of 2" in strip.where.text()
    set_slider(window.editor, "hip_flexion", 80)
    set_slider(window.editor, "knee_flexion", 30)
    assert "Update keyframe to keep it" in strip.where.text()
    qtbot.mouseClick(strip.update_button, Qt.LeftButton)
    strip.ease.setCurrentIndex(strip.ease.findData("min_jerk"))
    keys = window.editor.edit.scenario.keyframes
    assert keys[1].pose == {"hip_flexion": 80, "knee_flexion": 30} and keys[1].ease == "min_jerk"


def test_author_save_reload_gives_the_same_poses(window, qtbot, start_file):
    from PySide6.QtCore import Qt

    from viewer.core.motion.kinematics import Kinematics
    from viewer.core.model.binding import load_checked

    author_two_keyframes(window, qtbot)
    assert window.isWindowModified()
    qtbot.waitUntil(lambda: window.session.scenario == window.editor.edit.scenario, timeout=3000)
    qtbot.keyClick(window, Qt.Key_S, Qt.ControlModifier)  # Save
    assert not window.isWindowModified()
    text = start_file.read_text()
    assert "# A knee lift, built in the editor." in text and "# lying flat" in text
    assert "ease: min_jerk" in text

    reloaded, model = load_checked(start_file)
    times = np.linspace(0, 1, 61)
    in_editor = window.session.kin.sample(times).qpos  # what the window plays: built from the edit
    from_file = model.kinematics(reloaded).sample(times).qpos
    np.testing.assert_allclose(from_file, in_editor, atol=1e-12)
    hip = model.joints["hip_flexion_r"].qposadr
    assert from_file[-1, hip] == pytest.approx(np.radians(80))
    assert 0 < from_file[30, hip] < np.radians(80)  # moving in between: interpolated, not stepped


def test_undo_and_redo_restore_earlier_states(window, qtbot):
    from PySide6.QtCore import Qt

    edit = window.editor.edit
    start = edit.scenario
    author_two_keyframes(window, qtbot)
    states = [start]
    # duplicate, update, ease: three steps; walk back through them with Ctrl+Z
    for _ in range(3):
        before = edit.scenario
        qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
        assert edit.scenario != before
        states.append(edit.scenario)
    assert edit.scenario == start and not window.isWindowModified()
    qtbot.waitUntil(lambda: window.session.scenario == start, timeout=3000)  # the view follows
    assert window.session.duration == 0.0
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert edit.scenario.keyframes[1].ease == "min_jerk" and window.isWindowModified()
    qtbot.waitUntil(lambda: window.session.duration == 1.0, timeout=3000)


def test_sliders_preview_the_pose_without_changing_the_scenario(window, qtbot):
    from PySide6.QtCore import Qt

    qtbot.mouseClick(window.editor.strip.duplicate_button, Qt.LeftButton)
    window.seek(0.5)  # between the two keyframes
    strip = window.editor.strip
    assert strip.add_button.isEnabled() and not strip.update_button.isEnabled()
    before = window.view.pixels()
    scenario = window.editor.edit.scenario
    set_slider(window.editor, "hip_flexion", 90)

    def changed() -> float:
        after = window.view.pixels()
        return np.abs(after.astype(int) - before.astype(int)).sum(axis=2).astype(bool).mean()

    qtbot.waitUntil(lambda: changed() > 0.005, timeout=3000)  # drawn on the next turn of the event loop
    after = window.view.pixels()
    assert after.shape == before.shape  # the strip's text keeps its two lines: the view never jumps
    assert window.editor.edit.scenario == scenario
    qtbot.mouseClick(strip.add_button, Qt.LeftButton)
    assert [k.time for k in window.editor.edit.scenario.keyframes] == [0, 0.5, 1]


def test_editor_checks_say_what_validate_says(window, qtbot, start_file):
    from viewer.core.base.errors import ScenarioError
    from viewer.core.model.binding import load_checked

    from PySide6.QtCore import Qt

    qtbot.mouseClick(window.editor.strip.duplicate_button, Qt.LeftButton)
    window.editor.add_phase()
    phases = window.editor.panel.phases.table
    phases.item(0, 2).setText("9")  # the author types an end after the last keyframe
    checks = window.editor.panel.checks.text()
    assert "after the last keyframe (1 s)" in checks
    start_file.write_text(window.editor.edit.text())
    with pytest.raises(ScenarioError) as exc:
        load_checked(start_file)
    assert all(str(p) in checks for p in exc.value.problems)
    window.hot_reload.remember()  # the write above was the test's, not an author's
    assert window.editor.save() is False  # refused, and says why
    assert "Not saved" in window.editor.panel.message.text()


def test_unsaved_changes_ask_before_closing(window, qtbot, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    qtbot.mouseClick(window.editor.strip.duplicate_button, Qt.LeftButton)
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.Cancel)
    assert window.close() is False and window.isVisible() and asked
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Discard)
    assert window.close() is True


def test_a_fast_drag_draws_only_the_newest_pose(window, qtbot, monkeypatch):
    """Moves that come faster than frames render collapse into one preview of the last value."""
    from PySide6.QtCore import Qt

    qtbot.mouseClick(window.editor.strip.duplicate_button, Qt.LeftButton)
    window.seek(0.5)
    shown = []
    show_pose = window.view.show_pose
    monkeypatch.setattr(window.view, "show_pose", lambda frames, t: (shown.append(frames), show_pose(frames, t)))
    editor, slider = window.editor, window.editor.panel.pose.rows["hip_flexion"].slider
    slider.setSliderDown(True)
    for degrees in range(10, 71, 5):  # 13 moves within one turn of the event loop
        set_slider(editor, "hip_flexion", degrees)
    qtbot.waitUntil(lambda: len(shown) >= 1 and not editor._preview.pending, timeout=3000)
    set_slider(editor, "hip_flexion", 80)  # while that frame is drawn or awaited: wait for it
    set_slider(editor, "hip_flexion", 85)
    qtbot.waitUntil(lambda: len(shown) >= 2 and not editor._preview.pending, timeout=3000)
    qtbot.wait(50)
    slider.setSliderDown(False)
    hip = editor.edit.model.joints["hip_flexion_r"]
    assert len(shown) == 2  # one preview per drawn frame, never one per move
    assert shown[0].qpos[0, hip.qposadr] == pytest.approx(hip.to_model(70))
    assert shown[-1].qpos[0, hip.qposadr] == pytest.approx(hip.to_model(85))
    assert editor.pose_preview.builds == 1  # the start pose did not change: nothing rebuilt
