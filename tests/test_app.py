"""The desktop app, driven as a user would: play, scrub, speed, isolate, pick, export, errors.

Needs a display: `scripts/test.sh` runs the suite under xvfb-run.
"""
import os
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from tests.conftest import FIXTURES, ROOT, SCENARIOS

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


def test_opens_on_the_scenario_with_model_legend_and_panels(window):
    assert window.session.scenario.title == "Lying leg raise"
    assert window.windowTitle().startswith("Lying leg raise")
    assert window.playbar.time_label.text() == "0.00 / 5.50 s"
    assert window.library.count() >= 3
    assert window.muscles.tree.topLevelItemCount() == len(window.session.model.groups)
    assert len(window.view.scene.bone_actors) == len(window.session.model.bone_geoms)
    texts = [a.GetInput() for a in window.view.overlays._actors2d if hasattr(a, "GetInput")]
    assert "Warm: shortening (contracting)" in texts
    assert any("not effort" in t for t in texts)


def test_the_plot_comes_after_the_first_frame(qtbot, settings):
    """The start draws the 3D scene first; the plot panel (pyqtgraph) is built right after it."""
    from viewer.app.window import MainWindow

    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    win.restore(str(SCENARIOS / "leg_raise.yaml"))
    assert not win.plot.built
    drawn = []
    win.view.redraw.drawn.connect(lambda: drawn.append(win.plot.built))
    qtbot.waitUntil(lambda: win.plot.built, timeout=5000)
    assert drawn[0] is False and "iliacus_r" in win.plot.curves  # the scene was on screen before the plot
    assert win.plot.playhead.value() == pytest.approx(win.playhead.time)


def test_every_panel_follows_the_view_state_and_writes_into_it(window, qtbot):
    """Nobody pushes the panels: a change made on the state shows in each of them, and a change
    made in a panel goes through the state's setter (its event reaches the 3D view)."""
    state, panel, model = window.state, window.muscles, window.session.model
    assert not hasattr(window, "show_time")
    state.seek(2.0)
    assert window.playbar.time_label.text() == "2.00 / 5.50 s" and window.playbar.slider.value() == 200
    qtbot.waitUntil(lambda: window.plot.playhead.value() == pytest.approx(2.0), timeout=3000)
    state.set_bone_opacity(0.3)
    assert panel.bones.value() == 30
    state.set_colour_source("group")
    assert panel.source.currentData() == "group" and window.session.colouring.key == "group"
    state.set_hidden(m.name for m in model.muscles_in("hip flexors"))
    from PySide6.QtCore import Qt

    ticks = {item.toolTip(0): item.checkState(0) for item in panel._muscle_items()}
    assert ticks["iliacus_r"] == Qt.Unchecked and ticks["rect_abd_r"] == Qt.Checked
    assert window.view.stage.hidden[model.muscle_index["iliacus_r"]]
    state.set_speed(2.0)
    state.set_loop("repeat")
    assert window.playbar.speed.currentData() == 2.0 and window.playbar.loop.currentData() == "repeat"
    bones = []
    state.events.bones.connect(bones.append)
    panel.bones.setValue(55)  # the slider writes through the setter: its event goes out once
    assert bones == [0.55] and state.bone_opacity == 0.55
    assert window.view.scene.bone_actors[0].GetProperty().GetOpacity() == pytest.approx(0.55)  # and the view


def test_a_new_scenario_lets_go_of_the_old_state(window):
    old = window.state
    assert window.open_path(str(SCENARIOS / "crunch.yaml"))
    assert window.state is not old and all(not event._callbacks for event in old.events)
    old.seek(1.0)  # the old state moves nothing any more
    assert window.playbar.time_label.text().startswith("0.00 /")
    window.seek(1.0)
    assert window.playbar.time_label.text().startswith("1.00 /")


def test_space_plays_and_pauses(window, qtbot):
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key_Space)
    assert window.playhead.playing
    qtbot.waitUntil(lambda: window.playhead.time > 0.3, timeout=5000)
    qtbot.keyClick(window, Qt.Key_Space)
    assert not window.playhead.playing
    shown = window.playbar.time_label.text()
    assert shown != "0.00 / 5.50 s" and shown.endswith("/ 5.50 s")


def test_scrubbing_moves_the_model_and_the_time(window):
    before = window.view.pixels()
    window.playbar.slider.setValue(125)  # 1.25 s: legs half way up
    assert window.playbar.time_label.text() == "1.25 / 5.50 s"
    assert window.playhead.time == pytest.approx(1.25)
    after = window.view.pixels()
    assert np.abs(after.astype(int) - before.astype(int)).sum(axis=2).astype(bool).mean() > 0.01
    assert window.plot.playhead.value() == pytest.approx(1.25)


def test_arrow_keys_step_and_home_end_jump(window, qtbot):
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key_Right)
    assert window.playhead.time == pytest.approx(1 / 60)
    qtbot.keyClick(window, Qt.Key_End)
    assert window.playhead.time == pytest.approx(5.5)
    qtbot.keyClick(window, Qt.Key_Home)
    assert window.playhead.time == 0.0


def test_speed_and_loop_controls_drive_the_playhead(window):
    window.playbar.speed.setCurrentIndex(window.playbar.speed.findData(2.0))
    window.playbar.loop.setCurrentIndex(window.playbar.loop.findData("repeat"))
    assert window.playhead.speed == 2.0 and window.playhead.loop == "repeat"
    window.playhead.play()
    window.playhead.advance(3.0)  # 6 s of exercise at 2×: wrapped past the 5.5 s end
    assert window.playhead.time == pytest.approx(0.5)


def test_isolating_a_group_hides_the_other_muscles(window):
    from PySide6.QtCore import Qt

    model = window.session.model
    tree = window.muscles.tree  # as a user does: select the group in the list, click Isolate
    tree.findItems("hip flexors", Qt.MatchStartsWith)[0].setSelected(True)
    window.muscles.isolate_button.click()
    shown = set(np.flatnonzero(~window.view.stage.hidden))  # what the view draws
    assert shown == {m.index for m in model.muscles_in("hip flexors")}
    window.seek(1.25)
    hamstring = model.muscle_index["bflh_r"]
    tubes = next(t for t in window.view.scene.tubes if hamstring in t.muscles)  # the set that draws it
    grid = tubes.points.reshape(tubes.mesh.sides, tubes.layout.count, tubes.mesh.rings, 3)
    strand = int(np.flatnonzero(tubes.muscles[tubes.layout.strand_muscle] == hamstring)[0])
    assert np.ptp(grid[:, strand].reshape(-1, 3), axis=0).max() == 0.0  # collapsed: not drawn
    window.muscles.show_all_button.click()
    assert not window.view.stage.hidden.any()


def test_clicking_a_muscle_picks_it_and_shows_its_numbers(window, qtbot):
    from PySide6.QtCore import QPoint, Qt

    model = window.session.model
    iliacus = model.muscle_index["iliacus_r"]
    window.muscles.isolate([iliacus])
    window.muscles.bones.setValue(0)
    window.seek(1.25)
    scene = window.view.scene
    tubes = scene.focus
    grid = tubes.points.reshape(tubes.mesh.sides, tubes.layout.count, tubes.mesh.rings, 3)
    strand = int(np.flatnonzero(tubes.muscles[tubes.layout.strand_muscle] == iliacus)[0])
    before = float(tubes.mesh.radius[strand].max())
    x, y = window.view.stage.display_point(grid[:, strand, tubes.mesh.rings // 2].mean(axis=0))  # mid-muscle
    widget = window.view.widget
    ratio = widget.devicePixelRatioF()
    at = QPoint(int(x / ratio), int(widget.height() - y / ratio))
    qtbot.mouseClick(widget, Qt.LeftButton, pos=at)
    qtbot.waitUntil(lambda: window.picked == iliacus, timeout=3000)
    assert "Iliacus, right" in window.muscles.info.text()
    assert "shortening" in window.muscles.info.text()
    assert tubes.mesh.radius[strand].max() > 1.5 * before  # highlighted: thicker
    assert "iliacus_r" in window.plot.curves


def test_export_dialog_writes_a_video_of_the_right_length(window, qtbot, tmp_path):
    import imageio_ffmpeg

    from PySide6.QtCore import QTimer

    from viewer.app.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, window.state, window.view, window)
    qtbot.addWidget(dialog)
    dialog.size.setCurrentText("Small — 640×360")
    dialog.fps.setValue(6)
    out = tmp_path / "raise.mp4"
    dialog.path.setText(str(out))
    ticks = []
    window.statusBar().messageChanged.connect(ticks.append)
    QTimer.singleShot(200, lambda: window.statusBar().showMessage("still alive"))  # the window runs meanwhile
    dialog.start_button.click()  # returns when the export is done
    assert out.exists(), dialog.status.text()
    assert "still alive" in ticks
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 33 and seconds == pytest.approx(5.5, abs=0.2)
    assert dialog.progress.value() == 100


def test_cancelled_export_leaves_no_file(window, qtbot, tmp_path):
    from PySide6.QtCore import QTimer

    from viewer.app.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, window.state, window.view, window)
    qtbot.addWidget(dialog)
    out = tmp_path / "never.mp4"
    dialog.path.setText(str(out))
    QTimer.singleShot(300, dialog.cancel_button.click)  # heard between two frames
    dialog.start_button.click()
    assert "Cancelled" in dialog.status.text()
    assert dialog.progress.value() < 100  # stopped early
    assert not out.exists() and list(tmp_path.glob("*.part*")) == []


def test_broken_scenario_shows_its_error_and_keeps_the_previous_one(window):
    bad = FIXTURES / "bad" / "unknown_joint.yaml"
    assert window.open_path(str(bad)) is False
    assert window.banner.isVisible()
    assert "unknown joint 'hip_flexon' (did you mean hip_flexion?)" in window.banner.label.text()
    assert window.session.scenario.title == "Lying leg raise"
    window.seek(1.0)  # still alive and drawing
    assert window.playbar.time_label.text() == "1.00 / 5.50 s"


def test_broken_file_on_the_command_line_opens_the_default_and_says_why(open_window):
    win = open_window(FIXTURES / "bad" / "bad_yaml.yaml")
    assert win.session.scenario.title == "Lying leg raise"
    text = win.banner.label.text()
    assert "bad_yaml.yaml:8: not valid YAML" in text and "default scenario" in text


def test_layout_last_scenario_and_preferences_persist(open_window, settings):
    first = open_window(SCENARIOS / "crunch.yaml", settings)
    first.playbar.speed.setCurrentIndex(first.playbar.speed.findData(0.5))
    first.muscles.source.setCurrentIndex(first.muscles.source.findData("group"))
    first.muscles.bones.setValue(40)
    first.close()
    second = open_window(None, settings)
    second.restore(None)
    assert second.session.scenario.title == "Crunch"
    assert second.playhead.speed == 0.5 and second.playbar.speed.currentData() == 0.5
    assert second.session.colouring.key == "group" == second.state.colour_source
    assert second.state.bone_opacity == 0.4 and second.muscles.bones.value() == 40
    assert str(SCENARIOS / "crunch.yaml") in (settings.value("recent") or [])


@pytest.mark.slow
def test_gui_screenshot_command_writes_the_whole_window(tmp_path):
    shot = tmp_path / "shot.png"
    env = dict(os.environ, HOME=str(tmp_path), MUJOCO_GL="disable")
    # Grab at once, as a slow machine's start would: the plot, built after the first frame, must be in it.
    code = ("import sys, viewer.app.main as m; m.SCREENSHOT_DELAY_MS = 0; from viewer.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, "gui", str(SCENARIOS / "leg_raise.yaml"),
                             "--time", "1.25", "--screenshot", str(shot)], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    image = iio.imread(shot)[..., :3].astype(int)
    assert image.shape[0] >= 600 and image.shape[1] >= 1000
    # the 3D view sits in the middle: dark backdrop with warm muscle pixels in it
    middle = image[image.shape[0] // 4: image.shape[0] // 2, image.shape[1] // 4: 3 * image.shape[1] // 4]
    warm = (middle[..., 0] > 150) & (middle[..., 2] < 110) & (middle[..., 1] < 120)
    assert warm.sum() > 30
    # the length plot below it (left of its legend) has coloured curves in it
    plot = image[int(0.78 * image.shape[0]): int(0.92 * image.shape[0]), : int(0.75 * image.shape[1])]
    coloured = plot.max(axis=2) - plot.min(axis=2) > 100
    assert coloured.sum() > 300, "the screenshot has no plot curves"
