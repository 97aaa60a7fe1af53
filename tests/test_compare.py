"""Side by side: one clock for two scenarios, one colour scale, two labelled panels and a shared legend."""
import os

import imageio_ffmpeg
import numpy as np
import pytest

pytest.importorskip("pyvista")

from tests.conftest import SCENARIOS  # noqa: E402
from viewer.cli import main  # noqa: E402
from viewer.core.analysis.colour import Colouring  # noqa: E402
from viewer.core.analysis.colour import share_scale  # noqa: E402
from viewer.core.view.playback import panel_time, sync_times  # noqa: E402
from viewer.render.compare import panel_sizes  # noqa: E402
from viewer.render.export import ExportOptions  # noqa: E402

LEG_RAISE, REVERSE_CRUNCH = str(SCENARIOS / "leg_raise.yaml"), str(SCENARIOS / "reverse_crunch.yaml")  # 5.5 s, 8.5 s


def test_hold_plays_each_at_its_own_speed_and_holds_the_shorter_at_its_end():
    clock, ((a, da), (b, db)) = sync_times([5.5, 8.5], 10, sync="hold")
    assert clock.size == 85 and np.allclose(b, clock)
    assert np.allclose(a[:56], clock[:56]) and (a[56:] == 5.5).all()
    assert (da[:56] == 1).all() and (da[56:] == 0).all()  # holding: no rate colour
    assert (db == 1).all()


def test_stretch_ends_both_together():
    clock, ((a, _), (b, _)) = sync_times([5.5, 8.5], 10, sync="stretch")
    assert np.allclose(a, clock * 5.5 / 8.5) and np.allclose(b, clock)
    assert float(panel_time(8.5, 5.5, 8.5, "stretch")[0]) == pytest.approx(5.5)


def test_panels_share_one_colour_scale(founding):
    kins = [founding["leg_raise"][2], founding["reverse_crunch"][2]]
    own = [Colouring(k) for k in kins]
    shared = share_scale(own)
    assert shared[0].limit == shared[1].limit == max(c.limit for c in own)
    assert panel_sizes((960, 400)) == ((480, 369), (480, 369), 31)


def _halves(image, band):
    panels = image[: image.shape[0] - band]
    w = image.shape[1] // 2
    return panels[:, : w - 2].astype(int), panels[:, w + 2:].astype(int)


@pytest.mark.slow
def test_side_by_side_video_of_leg_raise_and_reverse_crunch(tmp_path, capsys):
    out = tmp_path / "compare.mp4"
    w, h, fps = 640, 300, 4
    assert main(["compare", LEG_RAISE, REVERSE_CRUNCH, "-o", str(out), "--size", f"{w}x{h}", "--fps", str(fps),
                 "--quiet"]) == 0
    assert "Lying leg raise | Reverse crunch" in capsys.readouterr().err
    count, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert count == 34 and seconds == pytest.approx(8.5, abs=0.3)  # the longer one: 8.5 s × 4 fps
    reader = imageio_ffmpeg.read_frames(str(out))
    next(reader)
    images = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]
    band = panel_sizes((w, h))[2]
    left = [_halves(im, band)[0] for im in images]
    right = [_halves(im, band)[1] for im in images]
    moving = lambda seq, a, b: np.abs(seq[a] - seq[b]).mean()  # noqa: E731
    # both panels move while both play ...
    assert moving(left, 4, 8) > 0.5 and moving(right, 4, 8) > 0.5
    # ... and after 5.5 s the leg raise holds still while the reverse crunch goes on
    assert moving(left, 26, 30) < 0.3 and moving(right, 26, 30) > 0.5
    # labels: bright title text in the top-left corner of each panel
    for half in _halves(images[0], band):
        assert (half[:22, :120].min(axis=2) > 200).sum() > 20
    # one shared legend under the panels: warm, cool and plain swatches in the band
    legend = images[0][h - band:].reshape(-1, 3).astype(int)
    assert ((legend[:, 0] > 150) & (legend[:, 2] < 90)).sum() > 20  # warm
    assert ((legend[:, 2] > 120) & (legend[:, 0] < 110)).sum() > 20  # cool
    assert [p.name for p in tmp_path.iterdir()] == ["compare.mp4"]


def test_compare_bad_output_is_a_one_line_error(tmp_path, capsys):
    assert main(["compare", LEG_RAISE, REVERSE_CRUNCH, "-o", str(tmp_path / "x.avi")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and ".avi" in err
    assert main(["compare", LEG_RAISE, str(SCENARIOS / "nope.yaml"), "-o", str(tmp_path / "x.mp4")]) == 1
    assert "file not found" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- in the app -----------------------------------------------------------------------------------------
gui = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")


@gui
@pytest.mark.gui
def test_compare_window_drives_both_panels_from_one_playhead(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from viewer.app.compare_window import open_comparison
    from viewer.app.window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.restore(LEG_RAISE)
    assert any(a.text() == "&Compare with…" for a in window.findChildren(type(window.actions()[0])))
    compare = open_comparison(window, REVERSE_CRUNCH)
    qtbot.addWidget(compare)
    qtbot.waitExposed(compare)
    assert [v.session.scenario.title for v in compare.views] == ["Lying leg raise", "Reverse crunch"]
    assert compare.playhead.duration == pytest.approx(8.5)
    limits = {v.session.colouring.limit for v in compare.views}
    assert len(limits) == 1  # one colour scale
    assert "Warm: shortening" in compare.legend.text()
    texts = [a.GetInput() for v in compare.views for a in v.overlays._actors2d if hasattr(a, "GetInput")]
    assert not any("Warm:" in t for t in texts)  # the panels carry no legend of their own
    compare.seek(2.0)
    first = [v.pixels().copy() for v in compare.views]
    compare.seek(7.0)  # the leg raise holds its end, the reverse crunch is in its last phase
    assert [v.shown[2] for v in compare.views] == [pytest.approx(5.5), pytest.approx(7.0)]
    second = [v.pixels() for v in compare.views]
    assert all(np.abs(a.astype(int) - b).mean() > 0.5 for a, b in zip(first, second))
    compare.close()
