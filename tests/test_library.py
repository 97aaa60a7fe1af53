"""The exercise library (issue 6): each new scenario teaches what its lengths show.

Every assertion here reads muscle-tendon lengths (through `summarize`, the numbers behind
`muscle-viewer summary`) or bone positions, never caption text.
"""
import numpy as np
import pytest

from tests.conftest import SCENARIOS
from viewer.core.analysis.lengths import summarize
from viewer.core.scenario.contact_rules import clearance
from viewer.core.motion.kinematics import Kinematics
from viewer.core.model.binding import load_checked

LIBRARY = ("hanging_leg_raise", "leg_raise_pelvic_tilt", "bicep_curl", "bench_press", "glute_bridge")
WITH_CONTACTS = ("dead_bug", "plank", "bodyweight_squat", "hip_flexor_stretch", "seated_knee_extension")


@pytest.fixture(scope="module")
def library():
    out = {}
    for name in LIBRARY + WITH_CONTACTS + ("leg_raise",):
        scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
        out[name] = model.kinematics(scenario)
    return out


def movers(kin, phase: int, direction: str, top: int = 8) -> list[str]:
    """Labels of the top movers of one phase ('Iliacus (right and left)', ...)."""
    summary = summarize(kin, top=top)[phase]
    return [m.label for m in (summary.shortening if direction == "shorter" else summary.lengthening)]


def change(kin, muscle: str, start: float, end: float) -> float:
    ends = kin.sample([start, end]).lengths[:, kin.model.muscle_index[muscle]]
    return (ends[1] / ends[0] - 1) * 100


@pytest.mark.parametrize("name", LIBRARY)
def test_every_new_scenario_has_captioned_phases_focus_and_a_camera(library, name):
    scenario = library[name].scenario
    assert scenario.summary and scenario.camera and scenario.focus
    assert len(scenario.phases) >= 3 and all(p.caption for p in scenario.phases)
    assert scenario.props, "each exercise shows its equipment"


def _has(labels, *names):
    return all(any(label.startswith(n) for label in labels) for n in names)


def test_hanging_leg_raise_lifts_with_the_hip_flexors_and_curls_with_the_abdominals(library):
    kin = library["hanging_leg_raise"]
    assert movers(kin, 0, "shorter", 2) == ["Iliacus (right and left)", "Psoas major (right and left)"]
    assert abs(change(kin, "rect_abd_r", 0, 2.5)) < 0.5  # legs up: the rectus abdominis keeps its length
    curl = movers(kin, 1, "shorter", 6)
    assert _has(curl, "Rectus abdominis") and all("oblique" in m or "Rectus" in m for m in curl)
    assert change(kin, "rect_abd_r", 2.5, 4) < -15
    # arms overhead: the hands are above the head all along
    frames = kin.sample(kin.times(4))
    model = kin.model
    hands, head = frames.body_pos[:, model.body_id("capitate_r"), 2], frames.body_pos[:, model.body_id("head"), 2]
    assert (hands > head + 0.3).all()


def test_pelvic_tilt_moves_the_rectus_abdominis_clearly_more_than_the_rigid_leg_raise(library):
    tilt, rigid = library["leg_raise_pelvic_tilt"], library["leg_raise"]
    tilted, still = change(tilt, "rect_abd_r", 0, 2.5), change(rigid, "rect_abd_r", 0, 2.5)
    assert tilted < -10 and abs(still) < 0.5
    assert _has(movers(tilt, 0, "shorter", 12), "Iliacus", "Rectus abdominis", "Psoas major")
    # the pelvis tilts by a quarter to a third of the hip flexion, and the legs still end vertical
    top = tilt.scenario.keyframes[1].pose
    assert 0.25 <= top["trunk_flexion"] / top["hip_flexion"] <= 0.34
    assert top["trunk_flexion"] + top["hip_flexion"] == pytest.approx(90, abs=1)
    # part of the rise comes from the pelvis, so the hip flexors shorten less than in the rigid raise
    assert change(rigid, "iliacus_r", 0, 2.5) < change(tilt, "iliacus_r", 0, 2.5) < -15


def test_bicep_curl_shortens_the_elbow_flexors_and_stretches_the_triceps(library):
    kin = library["bicep_curl"]
    up = movers(kin, 0, "shorter", 6)
    assert _has(up, "Brachialis", "Biceps brachii, short head", "Biceps brachii, long head")
    assert _has(movers(kin, 0, "longer", 4), "Triceps, medial head", "Triceps, lateral head", "Triceps, long head")
    assert _has(movers(kin, 2, "longer", 6), "Brachialis", "Biceps brachii, short head")
    assert change(kin, "BIClong", 0, 2) < -8 and change(kin, "TRIlong", 0, 2) > 8


def test_bench_press_stretches_the_pectorals_lowering_and_shortens_them_pressing(library):
    kin = library["bench_press"]
    pectorals = ("Pectoralis major, clavicular part", "Pectoralis major, sternal part",
                 "Pectoralis major, lower (costal) part")
    assert _has(movers(kin, 0, "longer", 10), *pectorals)
    assert _has(movers(kin, 2, "shorter", 10), *pectorals)
    for muscle in ("PECM1", "PECM2", "PECM3", "PECM1_l", "PECM2_l", "PECM3_l"):
        assert change(kin, muscle, 0, 2) > 5 and change(kin, muscle, 2.5, 4.5) < -5


def test_glute_bridge_shortens_gluteus_maximus_and_stretches_the_hip_flexors(library):
    kin = library["glute_bridge"]
    assert all(m.startswith("Gluteus maximus") for m in movers(kin, 0, "shorter", 3))
    assert _has(movers(kin, 0, "longer", 12), "Iliacus", "Psoas major") and change(kin, "psoas_r", 0, 2) > 5
    assert all(m.startswith("Gluteus maximus") for m in movers(kin, 2, "longer", 3))


def _lowest(kin, frames, bodies) -> np.ndarray:
    """Lowest bone point of the given bodies in every frame (metres above the floor)."""
    model = kin.model
    ids = {model.body_id(b) for b in bodies}
    low = np.full(len(frames), np.inf)
    for g, geom in enumerate(model.bone_geoms):
        if int(model.mj.geom_bodyid[geom]) in ids:
            verts, _ = model.bone_mesh(geom)
            z = np.einsum("fj,nj->fn", frames.geom_mat[:, g, 2], verts[::4]) + frames.geom_pos[:, g, 2][:, None]
            low = np.minimum(low, z.min(axis=1))
    return low


def test_glute_bridge_keeps_the_feet_head_and_hands_on_the_mat(library):
    kin = library["glute_bridge"]
    frames = kin.sample(kin.times(10))
    back = _lowest(kin, frames, ["torso", "scapula_r", "scapula_l"])
    feet = _lowest(kin, frames, ["calcn_r", "toes_r", "calcn_l", "toes_l"])
    head = _lowest(kin, frames, ["head"])
    hands = _lowest(kin, frames, [kin.model.body_name(b) for b in range(kin.model.mj.nbody)
                                  if kin.model.body_name(b).endswith("_r") and "ph" in kin.model.body_name(b)])
    pelvis = _lowest(kin, frames, ["pelvis", "sacrum"])
    # on the skin: bones a few millimetres (heel pad, scalp, palm) to a few centimetres (back) above the mat
    assert 0.005 < feet.min() and feet.max() < 0.025 and 0.0 < head.min() and head.max() < 0.02
    assert 0.0 < hands.min() and hands.max() < 0.03
    assert back.min() > 0.005 and back.max() < 0.06  # no neck joint: the head on the mat lifts the shoulders
    assert pelvis.max() - pelvis[0] > 0.10  # the hips rise


def test_bench_press_feet_reach_the_floor_under_the_bench(library):
    from viewer.core.scenario.props import Props

    kin = library["bench_press"]
    floor = Props(kin).floor_level()
    feet = _lowest(kin, kin.sample([0.0]), ["calcn_r", "toes_r"])[0]
    assert floor == pytest.approx(-0.44, abs=0.02)  # a 43 cm bench under the back
    assert feet == pytest.approx(floor, abs=0.025)


@pytest.mark.parametrize("name", LIBRARY)
def test_props_sit_where_the_body_needs_them(library, name):
    """Mats and benches carry the resting body at the start: their top is at the lowest trunk point."""
    from viewer.core.scenario.props import Props

    kin = library[name]
    props = Props(kin)
    frames = kin.sample([0.0])
    back = _lowest(kin, frames, ["torso", "scapula_r", "scapula_l"])[0] - clearance("torso")  # skin
    for p, spec in enumerate(props.specs):
        top = props.world_vertices(p, props.transforms(frames, 0)[p])[:, 2].max()
        if spec.mesh in ("floor_mat", "bench"):
            assert top == pytest.approx(back, abs=0.015), spec
        if spec.mesh == "floor_mat":
            assert props.floor_level() == pytest.approx(-0.012, abs=0.003)  # the mat lies on the floor


@pytest.mark.parametrize("name", WITH_CONTACTS)
def test_every_contact_scenario_has_captioned_phases_focus_and_a_camera(library, name):
    scenario = library[name].scenario
    assert scenario.summary and scenario.camera and scenario.focus
    assert len(scenario.phases) >= 3 and all(p.caption for p in scenario.phases)


def test_dead_bug_stretches_the_moving_hip_while_the_abdominals_hold(library):
    kin = library["dead_bug"]
    assert _has(movers(kin, 0, "longer", 3), "Iliacus, left") and change(kin, "iliacus_l", 0, 2) > 20
    assert abs(change(kin, "rect_abd_r", 0, 2)) < 0.5 and abs(change(kin, "iliacus_r", 0, 2)) < 0.5
    assert change(kin, "iliacus_r", 4, 6) > 20  # the other side's turn


def test_plank_bracing_shortens_the_abdominals_then_the_hold_keeps_them(library):
    kin = library["plank"]
    assert change(kin, "rect_abd_r", 0, 1.5) < -3 and abs(change(kin, "rect_abd_r", 1.5, 4.5)) < 0.5
    assert change(kin, "glmax3_r", 0, 1.5) < -5  # the hips open as the pelvis tucks


def test_squat_stretches_glutes_and_vasti_on_both_legs_with_the_feet_planted(library):
    kin = library["bodyweight_squat"]
    for side in ("_r", "_l"):
        assert change(kin, "glmax3" + side, 0, 2) > 30 and change(kin, "vasmed" + side, 0, 2) > 15
        assert change(kin, "vasmed" + side, 2.5, 4.5) < -10
    frames = kin.sample(kin.times(10))
    for heel in ("calcn_r", "calcn_l"):
        path = frames.body_pos[:, kin.model.body_id(heel)]
        assert np.ptp(path, axis=0).max() < 0.01  # planted, not sliding


def test_lunge_stretches_the_back_hip_and_flexes_the_front_one(library):
    kin = library["hip_flexor_stretch"]
    assert change(kin, "iliacus_l", 0, 2) > 3 and change(kin, "iliacus_r", 0, 2) < -8
    assert abs(change(kin, "iliacus_l", 2, 4)) < 0.5  # the held stretch


def test_seated_knee_extension_shortens_the_quadriceps_and_stretches_the_hamstrings(library):
    kin = library["seated_knee_extension"]
    assert _has(movers(kin, 0, "shorter", 4), "Vastus medialis", "Vastus intermedius", "Vastus lateralis",
                "Rectus femoris")
    assert change(kin, "semiten_r", 0, 2) > 10 and change(kin, "vasmed_r", 3, 5) > 10
