"""The overlay values arrive with the frames (DESIGN §3): the clock's read-out, each measuring
line's distance and the top movers' words are made in core, and render draws exactly those."""
import numpy as np
import pytest

from tests.conftest import SCENARIOS
from viewer.core.model.binding import bind, load_checked
from viewer.core.analysis.colour import Colouring
from viewer.core.session.feed import FrameFeed
from viewer.core.view.movers import PhaseMovers, mover_text


@pytest.fixture(scope="module")
def arm():
    scenario, model = load_checked(SCENARIOS / "teaching_arm_curl.yaml")
    kin = bind(model, scenario)
    return kin, FrameFeed(kin, Colouring(kin))


def test_a_batch_carries_the_clock_the_distances_and_the_movers(arm):
    kin, feed = arm
    batch = feed.batch([0.0, 1.0, 2.25])
    values = batch.values
    # the elbow is the angle that moves (0° → 120° over the curl); at 2.25 s the hold shows 120°
    assert values.clock(0) == "0.00 s\nElbow flexion 0°"
    assert values.clock(2) == "2.25 s\nElbow flexion 120°"
    # the shoulder-to-wrist line: its ends are the landmarks' world points, its words the distance in cm
    names = kin.landmark_names
    for i in range(3):
        (d,) = values.distances(i)
        shoulder, wrist = batch.frames.landmarks[i, names.index("shoulder")], batch.frames.landmarks[i, names.index("wrist")]
        assert np.allclose(d.start, shoulder) and np.allclose(d.end, wrist)
        assert d.text == f"Shoulder to wrist {np.linalg.norm(wrist - shoulder) * 100:.1f} cm"
    # bending the elbow brings the wrist towards the shoulder
    assert values.distances(2)[0].metres < values.distances(0)[0].metres - 0.05
    # the movers' words are the labels' words, computed from that frame's lengths
    movers = PhaseMovers(kin, 3)
    expected = [mover_text(u, c, held, movers.side_name(u)) for u, c, held in movers.at(1.0, batch.frames.lengths[1])]
    assert [text for _, text in values.movers(1)] == expected and expected
    assert any(text.startswith("Biceps") and "shortening" in text for text in expected)


def test_the_clock_follows_the_time_it_is_shown_at_and_a_lab_motions_own_clock(arm):
    kin, feed = arm
    values = feed.values(kin.sample([1.0]))
    assert values.clock(0, 1.0).startswith("1.00 s\n")
    assert values.clock(0, 3.5).startswith("3.50 s\n")  # an export's clock time: the pingpong's way back


def test_render_draws_the_values_from_core_without_measuring(arm):
    pytest.importorskip("pyvista")
    from viewer.render.export import ExportOptions, open_stage

    kin, feed = arm
    stage = open_stage(feed, ExportOptions(size=(640, 360), anti_aliasing="none"))
    try:
        batch = feed.batch([1.0])
        stage.show(batch.frames, 0, stage.scene.paint(batch.rgb, batch.strength)[0])
        assert stage.overlays.clock.GetInput() == batch.values.clock(0)
        shown = [a.GetInput() for a in stage.overlays.labels.texts if a.GetVisibility()]
        assert batch.values.distances(0)[0].text in shown
        assert [text for _, text in batch.values.movers(0)] == shown[:len(shown) - 1]
    finally:
        stage.close()
