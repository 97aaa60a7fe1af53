"""Headless export from the command line: real files, their frame counts, and clean failures."""
import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import pytest

pytest.importorskip("pyvista")

from tests.conftest import SCENARIOS  # noqa: E402
from viewer.core.session.feed import FrameFeed  # noqa: E402
from viewer.cli import main  # noqa: E402
from viewer.core.analysis.colour import Colouring  # noqa: E402
from viewer.core.base.errors import ViewerError  # noqa: E402
from viewer.render.export import ExportCancelled, ExportOptions, export_video, parse_size, playback  # noqa: E402

LEG_RAISE = str(SCENARIOS / "leg_raise.yaml")  # 5.5 s


def test_playback_times_cover_loops_at_the_requested_speed():
    times, direction = playback(5.5, ExportOptions(fps=10), "pingpong")
    assert times.size == 55 and times[0] == 0 and np.allclose(np.diff(times), 0.1)
    times, direction = playback(5.5, ExportOptions(fps=10, loops=2), "pingpong")
    assert times.size == 110
    assert (direction[:55] == 1).all() and (direction[55:] == -1).all()  # the second loop plays back
    assert times[56] == pytest.approx(5.5 - 0.1)
    times, direction = playback(5.5, ExportOptions(fps=10, loops=2), "repeat")
    assert (direction == 1).all() and times[55] == pytest.approx(0.0)
    times, _ = playback(5.5, ExportOptions(fps=10, speed=2), "none")
    assert times.size == 28 and times[1] == pytest.approx(0.2)


@pytest.mark.parametrize("text", ["1280x", "axb", "10x10", "1280x720x3", "-5x100"])
def test_bad_sizes_are_one_line_errors(text):
    with pytest.raises(ViewerError) as info:
        parse_size(text)
    assert "\n" not in str(info.value)
    assert parse_size("320x240") == (320, 240) and parse_size("640X480") == (640, 480)


def _one_line_failure(capsys, argv, folder):
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert list(folder.iterdir()) == []  # no file, no leftover temporary
    return err


def test_bad_size_format_and_folder_fail_in_one_line_and_write_nothing(tmp_path, capsys):
    out = str(tmp_path / "x.mp4")
    assert "bad size" in _one_line_failure(capsys, ["export", LEG_RAISE, "-o", out, "--size", "big"], tmp_path)
    assert "even" in _one_line_failure(capsys, ["export", LEG_RAISE, "-o", out, "--size", "321x240"], tmp_path)
    assert ".avi" in _one_line_failure(capsys, ["export", LEG_RAISE, "-o", str(tmp_path / "x.avi")], tmp_path)
    missing = str(tmp_path / "nowhere" / "x.mp4")
    assert "does not exist" in _one_line_failure(capsys, ["export", LEG_RAISE, "-o", missing], tmp_path)
    still = str(tmp_path / "x.jpg")
    assert ".jpg" in _one_line_failure(capsys, ["snapshot", LEG_RAISE, "-o", still], tmp_path)
    late = str(tmp_path / "x.png")
    assert "outside" in _one_line_failure(capsys, ["snapshot", LEG_RAISE, "--time", "9", "-o", late], tmp_path)


@pytest.mark.slow
def test_mp4_has_the_scenario_length_at_the_requested_fps(tmp_path, capsys):
    out = tmp_path / "leg_raise.mp4"
    assert main(["export", LEG_RAISE, "-o", str(out), "--size", "320x240", "--fps", "6", "--quiet"]) == 0
    assert "wrote" in capsys.readouterr().err
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 33  # 5.5 s × 6 fps
    assert seconds == pytest.approx(5.5, abs=1 / 6)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert meta["size"] == (320, 240) and meta["codec"] == "h264"
    images = [np.frombuffer(f, np.uint8).reshape(240, 320, 3) for f in reader]
    assert len(images) == 33
    changes = [np.abs(a.astype(int) - b).mean() for a, b in zip(images, images[1:])]
    assert min(changes) > 0  # the picture moves every frame (body, colours or the clock)
    assert images[0].mean() < 120  # the dark backdrop, right side up: the title band is on top
    assert [p.name for p in tmp_path.iterdir()] == ["leg_raise.mp4"]


@pytest.mark.slow
def test_gif_loops_the_exercise(tmp_path, capsys):
    out = tmp_path / "leg_raise.gif"
    argv = ["export", LEG_RAISE, "-o", str(out), "--size", "160x120", "--fps", "4", "--speed", "2", "--quiet"]
    assert main(argv) == 0
    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 11 and frames.shape[1:3] == (120, 160)  # 5.5 s / 2 × 4 fps


def test_snapshot_writes_a_png_of_the_requested_size(tmp_path, capsys):
    out = tmp_path / "still.png"
    argv = ["snapshot", LEG_RAISE, "--time", "1.25", "-o", str(out), "--size", "200x150", "--transparent"]
    assert main(argv) == 0
    image = iio.imread(out)
    assert image.shape == (150, 200, 4) and image[0, 0, 3] == 0


@pytest.fixture(scope="module")
def leg_raise(founding):
    scenario, model, kin, _ = founding["leg_raise"]
    return kin, Colouring(kin)


def test_cancel_stops_the_export_and_leaves_no_file(tmp_path, leg_raise):
    kin, colouring = leg_raise
    seen = []
    with pytest.raises(ExportCancelled):
        export_video(FrameFeed(kin, colouring), tmp_path / "x.mp4", ExportOptions(size=(96, 64), fps=4, anti_aliasing="none"),
                     progress=lambda done, total: seen.append(done), cancel=lambda: len(seen) >= 3)
    assert seen == [1, 2, 3]
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_export_leaves_no_file(tmp_path, leg_raise):
    kin, colouring = leg_raise

    def interrupt(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_video(FrameFeed(kin, colouring), tmp_path / "x.gif", ExportOptions(size=(96, 64), fps=4, anti_aliasing="none"),
                     progress=interrupt)
    assert list(tmp_path.iterdir()) == []
