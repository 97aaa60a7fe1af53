"""What you see is what you export (issue 11): the window's live view state — colours, hidden
muscles, bones, the camera the user turned, unsaved edits — reaches the PNG, the MP4, the
comparison video and a CLI export of the saved view, pixel for pixel.

Needs a display: `scripts/test.sh` runs the suite under xvfb-run. Anti-aliasing is off in the
view (Xvfb has no multisampling), so a still equals the window's own grab.
"""
import os
import shutil
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from tests.conftest import ROOT, SCENARIOS

pytestmark = [pytest.mark.gui, pytest.mark.slow,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]

MAX_MEAN_DIFF = 3 / 255  # mean absolute difference over the frame, colour channels in 0…1
T = 1.2345  # off the window's old 60 fps grid: the window shows the exact time, as exports do
FPS, FRAME = 10, 12  # a 10 fps video played at SPEED has its frame 12 at exactly T
SPEED = T * FPS / FRAME


def mean_diff(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape[:2] == b.shape[:2], (a.shape, b.shape)
    return float(np.abs(a[..., :3].astype(float) - b[..., :3].astype(float)).mean() / 255)


def video_frame(path, index: int) -> np.ndarray:
    return iio.imread(path, index=index, plugin="pyav") if _has_pyav() else _ffmpeg_frame(path, index)


def _has_pyav() -> bool:
    try:
        import av  # noqa: F401
        return True
    except ImportError:
        return False


def _ffmpeg_frame(path, index: int) -> np.ndarray:
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    meta = reader.__next__()
    w, h = meta["size"]
    for k, raw in enumerate(reader):
        if k == index:
            reader.close()
            return np.frombuffer(raw, np.uint8).reshape(h, w, 3)
    raise AssertionError(f"{path} has no frame {index}")


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    # The test leaves an edit unsaved on purpose: closing must not wait for an answer.
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Discard))

    from viewer.app.window import MainWindow

    scenario = tmp_path / "leg_raise.yaml"
    shutil.copy(SCENARIOS / "leg_raise.yaml", scenario)
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.restore(str(scenario))
    win.view.set_anti_aliasing("none")
    yield win
    win.timer.stop()


def prepare_a_view(win, qtbot):
    """What a clinician does before exporting: group colours, hip flexors hidden, bones at 30 %,
    the model turned 40°, a keyframe changed and not saved."""
    model = win.session.model
    panel = win.muscles
    panel.source.setCurrentIndex(panel.source.findData("group"))
    panel.set_visible(np.array([m.group != "hip flexors" for m in model.muscles]))
    panel.bones.setValue(30)
    camera = win.view.plotter.renderer.GetActiveCamera()
    camera.Azimuth(40)
    win.view.mouse.camera_left()  # what a mouse drag ends with
    qtbot.waitUntil(lambda: win.state.camera.exact, timeout=3000)
    win.set_editing(True)
    pose = dict(win.editor.edit.scenario.keyframes[1].pose, hip_flexion=60)
    win.editor.run(lambda edit: edit.update_keyframe(1, pose), now=True)
    qtbot.waitUntil(lambda: win.session.scenario.keyframes[1].pose["hip_flexion"] == 60, timeout=10_000)
    assert win.isWindowModified()  # not saved
    # An MP4 needs even sides, so a view with an odd side exports one pixel smaller, at a scale a
    # hair apart (a known limit, not what this test is about): compare at an even-sided view.
    w, h = win.view.size
    if w % 2 or h % 2:
        win.resize(win.width() + w % 2, win.height() + h % 2)
    qtbot.waitUntil(lambda: all(side % 2 == 0 for side in win.view.size)
                    and (win.view.overlays.width, win.view.overlays.height) == win.view.size, timeout=5000)
    assert win.state.colour_source == "group" and win.state.bone_opacity == pytest.approx(0.3)
    assert "psoas_r" in win.state.hidden


def grab_at(win, t: float) -> np.ndarray:
    win.seek(t)
    assert win.view.shown[2] == t  # the window shows the exact time, not a frame of a grid near it
    return win.view.pixels()


def test_png_and_mp4_from_the_dialog_equal_the_window(window, qtbot, tmp_path):
    from viewer.app.export_dialog import ExportDialog

    prepare_a_view(window, qtbot)
    window.state.set_speed(SPEED)
    shown = grab_at(window, T)
    dialog = ExportDialog(window.session, window.state, window.view, window)
    qtbot.addWidget(dialog)
    assert dialog.size.currentText().startswith("Same as the 3D view")
    png = tmp_path / "view.png"
    dialog.format.setCurrentText("PNG still (current time)")
    dialog.path.setText(str(png))
    dialog.start_button.click()
    assert png.exists(), dialog.status.text()
    still = iio.imread(png)
    w, h = dialog.size.currentData()
    assert mean_diff(still, shown[:h, :w]) < MAX_MEAN_DIFF

    mp4 = tmp_path / "view.mp4"
    dialog.format.setCurrentText("MP4 video")
    dialog.fps.setValue(FPS)
    dialog.path.setText(str(mp4))
    dialog.start_button.click()
    assert mp4.exists(), dialog.status.text()
    frame = video_frame(mp4, FRAME)
    assert mean_diff(frame, shown[:h, :w]) < MAX_MEAN_DIFF
    # and the window really differs from the file on disk: the unsaved keyframe is in the video
    window.seek(2.5)
    assert window.session.frames.qpos[window.session.index_at(2.5)].any()


def test_group_legend_lists_the_visible_groups(window, qtbot):
    panel = window.muscles
    panel.source.setCurrentIndex(panel.source.findData("group"))
    model = window.session.model
    panel.set_visible(np.array([m.group != "hip flexors" for m in model.muscles]))
    texts = [a.GetInput() for a in window.view.overlays._actors2d if hasattr(a, "GetInput")]
    assert "Hip flexors" not in texts and "Abdominals" in texts
    assert "Hamstrings" in texts  # shown and coloured, so listed (not only the focus groups)


def test_saved_view_exports_the_windows_picture_from_the_command_line(window, qtbot, tmp_path):
    model = window.session.model
    panel = window.muscles
    panel.source.setCurrentIndex(panel.source.findData("group"))
    panel.set_visible(np.array([m.group != "hip flexors" for m in model.muscles]))
    panel.bones.setValue(30)
    window.view.plotter.renderer.GetActiveCamera().Azimuth(40)
    window.view.mouse.camera_left()
    qtbot.waitUntil(lambda: window.state.camera.exact, timeout=3000)
    window.save_view()
    text = window.session.path.read_text()
    assert "hide: [hip flexors]" in text and "bones: 0.3" in text and "position:" in text
    assert "# yaml-language-server" in text  # the author's comment line stays
    shown = grab_at(window, T)
    w, h = window.view.size
    out = tmp_path / "cli.png"
    result = subprocess.run([sys.executable, "-m", "viewer", "snapshot", str(window.session.path), "--time", str(T),
                             "-o", str(out), "--size", f"{w}x{h}"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    # The command line smooths edges (multisampling); the window under Xvfb does not: allow for edges.
    assert mean_diff(iio.imread(out), shown) < 2 * MAX_MEAN_DIFF


def test_compare_window_exports_what_its_panels_show(window, qtbot, tmp_path):
    from viewer.app.compare_window import open_comparison
    from viewer.render.compare import panel_sizes

    compare = open_comparison(window, str(SCENARIOS / "reverse_crunch.yaml"))
    qtbot.addWidget(compare)
    qtbot.waitExposed(compare)
    # Panel sizes an even video divides into exactly (H.264 needs even sides).
    height = next(h for h in range(300, 340) if any(
        panel_sizes((800, H))[0] == (400, h) for H in range(h, 2 * h, 2)))
    for view in compare.views:
        view.widget.setFixedSize(400, height)
        view.set_anti_aliasing("none")
    qtbot.waitUntil(lambda: all(v.size == (400, height) and (v.overlays.width, v.overlays.height) == v.size
                                for v in compare.views), timeout=5000)  # the overlays are laid out anew
    compare.views[1].plotter.renderer.GetActiveCamera().Azimuth(-30)
    compare.views[1].mouse.camera_left()
    qtbot.waitUntil(lambda: compare.panel_states[1].camera.exact, timeout=3000)
    size = compare.export_size()
    assert panel_sizes(size)[0] == (400, height)
    compare.state.set_speed(SPEED)
    compare.seek(T)
    shown = [v.pixels() for v in compare.views]
    assert [v.shown[2] for v in compare.views] == [T, T]  # the exact time, not a frame near it
    out = tmp_path / "compare.mp4"
    message = compare.export(out, size=size, fps=FPS)
    assert message.startswith("Saved"), message
    frame = video_frame(out, FRAME)
    assert mean_diff(frame[:height, :400], shown[0]) < MAX_MEAN_DIFF
    assert mean_diff(frame[:height, 400:800], shown[1]) < MAX_MEAN_DIFF
    compare.close()
