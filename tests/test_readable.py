"""What the plot and the 3D labels pick to show: the movers that matter, no squashed curves."""
import os

import numpy as np
import pytest

from tests.conftest import SCENARIOS
from viewer.core.session.feed import FrameFeed
from viewer.core.view.movers import plot_muscles, top_changes


@pytest.fixture(scope="module")
def sessions():
    from viewer.core.session.session import Session

    return {n: Session.open(SCENARIOS / f"{n}.yaml") for n in ("bicep_curl", "bench_press", "leg_raise")}


def _names(model, indices):
    return [model.muscles[i].name for i in indices]


@pytest.mark.parametrize("name", ["bicep_curl", "bench_press"])
def test_the_anconeus_outlier_is_offered_but_not_plotted_by_default(sessions, name):
    s = sessions[name]
    shown, outliers = plot_muscles(s.model, s.scenario.focus, s.percent_change)
    assert _names(s.model, outliers) == ["ANC"]
    spread = np.ptp(s.percent_change, axis=0)
    assert spread[outliers[0]] > 80 and 3 <= len(shown) <= 6
    assert max(spread[shown]) < 0.5 * spread[outliers[0]]  # the shown curves use the plot's height


def test_leg_raise_plots_the_hip_flexors_and_no_outlier(sessions):
    s = sessions["leg_raise"]
    shown, outliers = plot_muscles(s.model, s.scenario.focus, s.percent_change)
    names = _names(s.model, shown)
    assert outliers == [] and names[0] == "iliacus_r" and "psoas_r" in names
    assert any(n.startswith(("bflh", "semimem", "semiten")) for n in names)  # the focus's stretched hamstrings


def test_without_focus_the_plot_shows_the_top_movers(sessions):
    s = sessions["leg_raise"]
    shown, _ = plot_muscles(s.model, [], s.percent_change)
    spread = np.ptp(s.percent_change, axis=0)
    assert len(shown) == 6 and all(s.model.muscles[i].side != "left" for i in shown)
    assert min(spread[shown]) >= np.sort(spread)[-40]  # among the biggest movers of the body


def test_top_changes_name_the_iliacus_first_in_the_raise(sessions):
    s = sessions["leg_raise"]
    end = int(np.searchsorted(s.frames.times, 2.5))
    top = top_changes(s.model, s.frames.lengths[0], s.frames.lengths[end],
                      [m.index for g in s.scenario.focus for m in s.model.muscles_in(g)])
    assert s.model.muscles[top[0][0]].name == "iliacus_r" and top[0][1] == pytest.approx(-30, abs=1.5)
    assert len(top) == 3 and sum(change < 0 for _, change in top) >= 1  # (the stretched hamstrings are in the focus)


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")
def test_plot_legend_sits_beside_the_curves_and_outliers_are_one_click_away(qtbot, sessions):
    from viewer.app.plot import PlotPanel

    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 260)
    panel.show()
    panel.show_session(sessions["bicep_curl"])
    qtbot.waitExposed(panel)
    assert "ANC" not in panel.curves and "BRD" in panel.curves and len(panel.curves) == 6
    assert "Brachioradialis" in panel.legend.text() and panel.legend.text().count("<br>") == 5
    plot_box, legend_box = panel.plot.geometry(), panel.legend.geometry()
    assert legend_box.left() >= plot_box.right()  # beside the curves, not on them
    assert panel.outliers.isVisible() and "Anconeus" in panel.outliers.text()
    panel.outliers.setChecked(True)
    assert "ANC" in panel.curves and "Anconeus" in panel.legend.text()
    panel.show_session(sessions["leg_raise"])
    assert not panel.outliers.isVisible() and "iliacus_r" in panel.curves


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("name, t, first", [("leg_raise", 1.25, "Iliacus — shortening"),
                                            ("crunch", 1.0, "Rectus abdominis — shortening")])
def test_labels_name_the_top_movers_beside_the_body_never_on_it_or_each_other(founding, name, t, first):
    from viewer.core.analysis.colour import Colouring
    from viewer.render.export import ExportOptions, open_stage

    _, model, kin, _ = founding[name]
    colouring = Colouring(kin)
    stage = open_stage(FrameFeed(kin, colouring), ExportOptions(size=(1280, 720), anti_aliasing="none"))
    try:
        frames = kin.sample([t])
        stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])
        labels = stage.overlays.labels
        texts = [a.GetInput() for a in labels.texts if a.GetVisibility()]
        assert any(t.startswith(first) for t in texts) and any(" cm" in x for x in texts)  # the measure joins them
        assert 3 <= len(labels.boxes) == len(texts)
        project = labels._projector()
        bones = project(frames.geom_pos[0])
        for k, box in enumerate(labels.boxes):
            assert 0 <= box[0] and box[2] <= 1280 and 0 <= box[1] and box[3] <= 720
            assert not any(_overlap(box, other) for other in labels.boxes[k + 1:]), texts
            inside = (bones[:, 0] > box[0]) & (bones[:, 0] < box[2]) & (bones[:, 1] > box[1]) & (bones[:, 1] < box[3])
            assert not inside.any(), f"'{texts[k]}' covers the body"
        for m, box in zip(labels.shown, labels.boxes):  # nor the muscle it names
            a, n = int(frames.wrap_adr[0, m]), int(frames.wrap_num[0, m])
            path = project(frames.wrap_xpos[0, a:a + n])
            assert not ((path[:, 0] > box[0]) & (path[:, 0] < box[2]) & (path[:, 1] > box[1])
                        & (path[:, 1] < box[3])).any()
    finally:
        stage.close()
