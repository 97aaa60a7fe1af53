"""Colour sources (DESIGN §6): warm shortens, cool lengthens, plain holds; legend in plain words."""
import numpy as np
import pytest

from viewer.core.analysis.colour import (COOL_RAMP, EFFORT_NOTE, PLAIN, SOURCES, WARM_RAMP, Colouring, diverging,
                                         symmetric_limit)
from viewer.core.base.errors import ViewerError
from viewer.core.scenario.format import COLOUR_SOURCES


def is_warm(rgb):
    return rgb[0] > rgb[2] + 0.2


def is_cool(rgb):
    return rgb[2] > rgb[0] + 0.1


def test_diverging_map_is_warm_for_shortening_cool_for_lengthening_plain_inside_the_band():
    rgb = diverging(np.array([-30.0, -3.0, -1.0, 0.0, 1.9, 3.0, 30.0]), neutral=2.0, limit=20.0)
    assert is_warm(rgb[0]) and is_warm(rgb[1])
    assert np.allclose(rgb[2:5], PLAIN)
    assert is_cool(rgb[5]) and is_cool(rgb[6])
    assert np.allclose(rgb[0], WARM_RAMP[-1]) and np.allclose(rgb[6], COOL_RAMP[-1])  # clipped at the limit
    # deeper with speed: the darker end of each ramp
    assert rgb[0].sum() < rgb[1].sum() and rgb[6].sum() < rgb[5].sum()


def test_plain_colour_is_a_clear_neutral_not_a_warm_tone():
    r, g, b = PLAIN
    assert max(PLAIN) - min(PLAIN) < 0.03  # grey: a rose tone read as warm once shaded
    assert np.abs(np.array(PLAIN) - WARM_RAMP[0]).max() > 0.15
    assert all(c[2] > c[0] for c in COOL_RAMP)


@pytest.mark.parametrize("deficiency", ["deuteranomaly", "protanomaly"])
def test_the_three_legend_colours_stay_apart_under_colour_vision_deficiency(deficiency):
    """ΔE (CAM02-UCS, colorspacious) ≥ 20 between each pair of warm, grey and cool swatches,
    as a person with full deuteranopia or protanopia sees them."""
    colorspacious = pytest.importorskip("colorspacious")
    from viewer.core.analysis.colour import legend_colours

    seen = [np.clip(colorspacious.cspace_convert(np.array(rgb), {"name": "sRGB1+CVD", "cvd_type": deficiency,
                                                                   "severity": 100}, "sRGB1"), 0, 1)
            for rgb in legend_colours()]
    assert len(seen) == 3
    for a, b in ((0, 1), (1, 2), (0, 2)):
        assert colorspacious.deltaE(seen[a], seen[b], input_space="sRGB1") >= 20, (a, b)


def test_symmetric_limit_is_95th_percentile_of_values_outside_the_band():
    values = np.concatenate([np.zeros(1000), np.linspace(-100, 100, 2001)])
    moving = np.abs(values[np.abs(values) >= 2.0])
    assert symmetric_limit(values, 2.0) == pytest.approx(np.percentile(moving, 95))
    assert symmetric_limit(np.zeros(10), 2.0) > 2.0  # nothing moves: still a usable scale


def test_sources_are_a_table_matching_the_scenario_format():
    assert set(SOURCES) == set(COLOUR_SOURCES)
    assert SOURCES["rate"].neutral == 2.0 and SOURCES["rate"].unit == "%/s"
    assert SOURCES["change"].neutral == 1.0


@pytest.fixture(scope="module")
def leg_raise(founding):
    scenario, model, kin, frames = founding["leg_raise"]
    return kin, model


def _index(model, name):
    return model.muscle_index[name]


def test_leg_raise_mid_raise_hip_flexors_warm_hamstrings_cool_rectus_plain(leg_raise):
    kin, model = leg_raise
    colouring = Colouring(kin)
    rgb = colouring.colours(kin.sample([1.25]))[0]
    for name in ("psoas_r", "iliacus_r", "psoas_l", "iliacus_l"):
        assert is_warm(rgb[_index(model, name)]), name
    # the biceps femoris short head crosses only the knee: it rightly holds its length here
    hamstrings = [m.index for m in model.muscles_in("hamstrings") if not m.name.startswith("bfsh")]
    glute_max = [m.index for m in model.muscles if m.lay_name.startswith("Gluteus maximus")]
    assert hamstrings and glute_max
    assert all(is_cool(rgb[i]) for i in hamstrings)
    assert all(is_cool(rgb[i]) for i in glute_max)
    assert all(np.allclose(rgb[m.index], PLAIN) for m in model.muscles_in("hamstrings") if m.name.startswith("bfsh"))
    for name in ("rect_abd_r", "rect_abd_l"):
        assert np.allclose(rgb[_index(model, name)], PLAIN), name


def test_limit_comes_from_the_scenario_unless_given(leg_raise):
    kin, _ = leg_raise
    auto = Colouring(kin)
    values = auto.values(kin.sample(kin.times(20)))
    assert auto.limit == pytest.approx(symmetric_limit(values, 2.0))
    assert 5.0 < auto.limit < 200.0
    assert Colouring(kin, limit=7.5).limit == 7.5
    assert Colouring(kin, neutral=4.0).neutral == 4.0


def test_reversed_playback_swaps_warm_and_cool(leg_raise):
    kin, model = leg_raise
    colouring = Colouring(kin)
    frames = kin.sample([1.25])
    psoas = _index(model, "psoas_r")
    assert is_warm(colouring.colours(frames)[0, psoas])
    assert is_cool(colouring.colours(frames, direction=np.array([-1.0]))[0, psoas])


def test_legend_speaks_plain_words(leg_raise):
    kin, _ = leg_raise
    colouring = Colouring(kin)
    texts = [entry.text for entry in colouring.legend]
    assert "Warm: shortening (contracting)" in texts
    assert "Cool: lengthening (being stretched)" in texts
    assert "Grey: length holds" in texts
    assert colouring.note.endswith(EFFORT_NOTE)
    assert "Paused or held" in colouring.note and "change since the start" in colouring.note
    assert "not effort" in colouring.note
    assert "%/s" in colouring.scale_text


def test_group_and_plain_sources(leg_raise):
    kin, model = leg_raise
    frames = kin.sample([0.0, 1.0])
    groups = Colouring(kin, source="group")
    rgb = groups.colours(frames)
    psoas = _index(model, "psoas_r")
    hex_colour = model.groups["hip flexors"].colour.lstrip("#")
    assert np.allclose(rgb[0, psoas], [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    assert [e.text for e in groups.legend][:2] == ["Hip flexors", "Abdominals"]  # the scenario's focus
    plain = Colouring(kin, source="plain").colours(frames)
    assert np.allclose(plain, PLAIN)
    assert Colouring(kin, source="plain").note == ""


def test_change_source_is_relative_to_phase_start(leg_raise):
    kin, model = leg_raise
    colouring = Colouring(kin, source="change")
    values = colouring.values(kin.sample([0.0, 2.4]))
    assert np.allclose(values[0], 0.0)
    assert values[1, _index(model, "iliacus_r")] < -20  # DESIGN §2: iliacus −30 % over 0→90°
    assert is_warm(colouring.colours(kin.sample([2.4]))[0, _index(model, "iliacus_r")])


def test_unknown_source_is_a_one_line_error(leg_raise):
    kin, _ = leg_raise
    with pytest.raises(ViewerError, match="unknown colour source 'rat'.*did you mean rate"):
        Colouring(kin, source="rat")


def _colour_at(colouring, kin, model, t, names):
    rgb = colouring.colours(kin.sample([t]))[0]
    return [rgb[_index(model, n)] for n in names]


HIP_FLEXORS = ("iliacus_r", "psoas_r", "iliacus_l", "psoas_l")
HAMSTRINGS = ("bflh_r", "semimem_r", "semiten_r")


def test_paused_at_the_top_of_the_leg_raise_hip_flexors_stay_warm_hamstrings_cool(leg_raise):
    """The rate is zero at vertical (2.5 s) and through the hold (to 3 s): the colour is the
    change since the start, so the picture still says what the raise did."""
    kin, model = leg_raise
    colouring = Colouring(kin)
    for t in (2.5, 2.75, 3.0):
        assert np.abs(colouring.values(kin.sample([t]))[0, _index(model, "iliacus_r")]) < 0.5  # still
        assert all(is_warm(c) for c in _colour_at(colouring, kin, model, t, HIP_FLEXORS)), t
        assert all(is_cool(c) for c in _colour_at(colouring, kin, model, t, HAMSTRINGS)), t
        assert all(np.allclose(c, PLAIN, atol=0.02) for c in _colour_at(colouring, kin, model, t,
                                                                         ("rect_abd_r", "rect_abd_l"))), t
    # back at the start (5.5 s) nothing is longer or shorter than it was: grey again
    assert all(np.allclose(c, PLAIN) for c in _colour_at(colouring, kin, model, 5.5, HIP_FLEXORS + HAMSTRINGS))


def test_held_colour_is_the_change_since_the_start_and_rate_rules_while_moving(leg_raise):
    kin, model = leg_raise
    colouring = Colouring(kin)
    frames = kin.sample([0.0, 1.25, 2.75, 4.25])
    held = colouring.held_values(frames)
    iliacus = _index(model, "iliacus_r")
    assert held[0, iliacus] == pytest.approx(0.0)
    assert held[2, iliacus] == pytest.approx(-30.0, abs=1.5)  # DESIGN §2: iliacus −30 % at 90°
    rgb, strength = colouring.paint(frames)
    assert np.allclose(rgb[2, iliacus], diverging(held[2:3, iliacus], 1.0, colouring.held_limit)[0])
    assert strength[2, iliacus] > 0.9
    # lowering (4.25 s): the iliacus is still shorter than at the start, but it lengthens: cool
    assert is_cool(rgb[3, iliacus])
    # reversed playback changes the moving colours, never the held ones
    backwards = colouring.colours(frames, direction=-np.ones(4))
    assert np.allclose(backwards[2], rgb[2]) and is_warm(backwards[3, iliacus])


def test_colour_fades_smoothly_into_the_held_colour_inside_the_band():
    from viewer.core.analysis.colour import still_weight

    assert np.allclose(still_weight(np.array([0.0, 0.5, -1.0, 2.0, 5.0]), 2.0), [1.0, 0.75, 0.5, 0.0, 0.0])
    assert np.allclose(still_weight(np.array([0.0, 1.0]), 0.0), [1.0, 0.0])


def test_held_limit_is_measured_and_shared_in_a_comparison(leg_raise):
    from viewer.core.analysis.colour import share_scale

    kin, _ = leg_raise
    colouring = Colouring(kin)
    assert 15.0 < colouring.held_limit < 60.0
    assert "still: full at" in colouring.scale_text
    shared = share_scale([colouring, Colouring(kin, held_limit=80.0)])
    assert [c.held_limit for c in shared] == [80.0, 80.0]
