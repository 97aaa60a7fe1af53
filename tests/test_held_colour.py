"""Paused or held, the colours still speak (issue 22, DESIGN §6): at the top of the lying leg
raise the hip flexors read warm (shortened) and the hamstrings cool (stretched) in the window,
paused and playing, in a still and a video export, and in the take-home page.

Where a group shows in a picture is found by drawing the same frame at the same camera twice, with
and without that group: the pixels that change are the group's own drawn surface (less what bones and
other muscles cover), and the real picture is read there."""
from dataclasses import replace

import numpy as np
import pytest

from tests.conftest import SCENARIOS
from tests.muscle_pixels import cool, warm

TOP = 2.75  # the hold at vertical (2.5–3 s): every rate is zero
GROUPS = ("hip flexors", "hamstrings")


def _speaks(counts_hip, counts_hams):
    hip_warm, hip_cool = counts_hip
    hams_warm, hams_cool = counts_hams
    assert hip_warm > 30 and hip_warm > 3 * hip_cool, counts_hip
    assert hams_cool > 30 and hams_cool > 3 * hams_warm, counts_hams


@pytest.fixture(scope="module")
def feed(founding):
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed

    _, _, kin, _ = founding["leg_raise"]
    return FrameFeed(kin, Colouring(kin))


def _draw(feed, t: float, options, camera=None) -> np.ndarray:
    """The frame at t as an export draws it (RGB, top row first); camera: a VTK camera to copy."""
    from viewer.render.export import open_stage

    stage = open_stage(feed, options)
    try:
        if camera is not None:
            stage.plotter.renderer.GetActiveCamera().DeepCopy(camera)
        batch = feed.batch([t])
        stage.show(batch.frames, 0, stage.scene.paint(batch.rgb, batch.strength)[0], scenario_time=t)
        return np.asarray(stage.image())[..., :3]
    finally:
        stage.close()


def _surfaces(feed, t: float, options, camera=None) -> dict[str, np.ndarray]:
    """Per group, where its drawn surface shows: the pixels that change when only it is hidden."""
    model = feed.model
    whole = _draw(feed, t, options, camera).astype(int)
    out = {}
    for group in GROUPS:
        hidden = np.zeros(len(model.muscles), bool)
        hidden[[m.index for m in model.muscles_in(group)]] = True
        without = _draw(feed, t, replace(options, hidden=tuple(hidden)), camera).astype(int)
        out[group] = np.abs(whole - without).sum(axis=2) > 24
        assert out[group].sum() > 100, f"the {group} hardly show: {out[group].sum()} pixels"
    return out


def _reads(image: np.ndarray, surface: np.ndarray) -> tuple[int, int]:
    """(warm, cool) pixel counts of the picture where a group's surface shows."""
    pixels = np.asarray(image)[..., :3][surface]
    return int(warm(pixels).sum()), int(cool(pixels).sum())


def _speaks_on(image, surfaces):
    _speaks(_reads(image, surfaces["hip flexors"]), _reads(image, surfaces["hamstrings"]))


def test_a_still_export_at_the_top_is_warm_at_the_hip_flexors_and_cool_at_the_hamstrings(feed):
    pytest.importorskip("pyvista")
    from viewer.render.export import ExportOptions, render_still

    options = ExportOptions(size=(640, 360), anti_aliasing="none")
    image = render_still(feed, TOP, options)
    _speaks_on(image, _surfaces(feed, TOP, options))


@pytest.mark.slow
def test_a_video_export_through_the_hold_keeps_the_colours(feed, tmp_path):
    """The frames of an MP4 across the hold, decoded: the same warm and cool as the still."""
    pytest.importorskip("pyvista")
    import imageio.v3 as iio

    from viewer.render.export import ExportOptions, export_video

    options = ExportOptions(size=(640, 360), fps=4, anti_aliasing="none", loop="none")
    out = tmp_path / "raise.mp4"
    export_video(feed, str(out), options)
    video = iio.imread(out)
    frame = int(round(TOP * options.fps))  # played once at 4 fps: frame 11 is at 2.75 s
    _speaks_on(video[frame], _surfaces(feed, TOP, options))


def test_the_window_paused_and_playing_at_the_top(window, qtbot, feed):
    from viewer.render.export import ExportOptions

    s = window.session
    window.seek(TOP)
    assert not window.playhead.playing
    image = window.view.pixels()
    camera = window.view.plotter.renderer.GetActiveCamera()
    options = ExportOptions(size=image.shape[1::-1], anti_aliasing="none")
    _speaks_on(image, _surfaces(feed, float(s.frames.times[s.index_at(TOP)]), options, camera))
    # playing slowly through the hold: a frame drawn while playing says the same
    window.set_speed(0.25)
    window.seek(2.55)
    window.toggle_play()
    qtbot.waitUntil(lambda: window.playhead.time > 2.65, timeout=10000)
    assert window.playhead.playing
    t = float(window.view.shown[2])  # (frame index, direction, time) of the picture on screen
    image = window.view.pixels()
    window.toggle_play()
    assert 2.5 <= t < 3.0
    _speaks_on(image, _surfaces(feed, t, options, camera))


@pytest.mark.slow
@pytest.mark.skipif(__import__("tests.chromium", fromlist=["CHROMIUM"]).CHROMIUM is None,
                    reason="Debian chromium not installed (scripts/setup.sh installs it)")
def test_the_take_home_page_opened_at_the_top_keeps_the_colours(tmp_path):
    from tests.chromium import Browser, page_url
    from tests.muscle_pixels import near
    from viewer.cli import main

    page = tmp_path / "leg_raise.html"
    assert main(["share", str(SCENARIOS / "leg_raise.yaml"), "-o", str(page), "--quiet"]) == 0
    browser = Browser()
    try:
        browser.open(page_url(page, f"#t={TOP}"), 1280, 800)
        browser.wait_for("document.body.dataset.ready === '1' && musclePage.frames > 3")
        assert browser.evaluate("musclePage.playing") is False
        assert browser.evaluate("musclePage.time") == pytest.approx(TOP)
        still = browser.screenshot()
        hip = near(still, np.array(browser.evaluate("musclePage.project('hip flexors')")))
        hams = near(still, np.array(browser.evaluate("musclePage.project('hamstrings')")))
        _speaks((warm(hip).sum(), cool(hip).sum()), (warm(hams).sum(), cool(hams).sum()))
        assert "Paused or held" in browser.evaluate("document.getElementById('legend-note').textContent")
        assert browser.errors() == []
    finally:
        browser.close()
