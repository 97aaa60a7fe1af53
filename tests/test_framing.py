"""The body framed large at 1280×720, clear of the title, caption, clock and legend."""
import numpy as np
import pytest

pytest.importorskip("pyvista")

from tests.conftest import SCENARIOS  # noqa: E402

SIZE = (1280, 720)


@pytest.fixture(scope="module", params=["bodyweight_squat", "seated_knee_extension", "hanging_leg_raise", "glute_bridge"])
def stage(request):
    from viewer.commands.common import view_output
    from viewer.render.export import open_stage

    feed, options = view_output(str(SCENARIOS / f"{request.param}.yaml"), None, size=SIZE)
    stage = open_stage(feed, options)
    yield request.param, stage
    stage.close()


def test_the_body_fills_at_least_seventy_percent_of_the_picture(stage):
    """The bones over the whole exercise, as the scenario's camera sees them, span at least 70 %
    of the picture's height (a standing or sitting body) or of its width (a lying one); before
    the bands were opened beside the words a standing body filled 60 % of the height."""
    from viewer.render.camera import screen_extent

    name, stage = stage
    lo, hi = screen_extent(stage.rig.shot(), stage.rig.points, SIZE[0] / SIZE[1])
    height, width = (hi[1] - lo[1]) / 2, (hi[0] - lo[0]) / 2
    assert max(height, width) >= 0.70, f"{name}: the body fills {height:.0%} of the height and {width:.0%} of the width"
    assert lo.min() >= -1.0 and hi.max() <= 1.0, f"{name}: the body runs out of the picture"


def test_no_bone_lands_on_a_word(stage):
    """Every bone point over the exercise is off the boxes of the title, phase, clock, caption
    and legend, and those boxes hold the words as drawn."""
    from viewer.render.camera import screen_points

    name, stage = stage
    area = stage.rig.area
    assert len(area.words) == 4
    xy = screen_points(stage.rig.shot(), stage.rig.points[::7], SIZE[0] / SIZE[1])
    for x0, y0, x1, y1 in area.words:
        inside = (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
        assert not inside.any(), f"{name}: {inside.sum()} bone points on the words at {(x0, y0, x1, y1)}"
    title = area.words[0]  # top left: as wide as the title drawn, at least
    assert (title[2] + 1) / 2 * SIZE[0] >= stage.overlays.title.size_px[0]
    caption = area.words[2]  # bottom left: as tall as the caption drawn, at least
    stage.overlays.update(stage.feed.overview, 0, 0.0)
    assert (caption[3] + 1) / 2 * SIZE[1] >= stage.overlays.caption.size_px[1]
