"""Kinematics: MuJoCo's own lengths, coupled joints, the anchored root, exact rates, paths."""
import mujoco
import numpy as np
import pytest

from tests.conftest import FIXTURES
from viewer.core.motion.kinematics import Kinematics
from viewer.core.model.binding import load_model
from viewer.core.scenario.read import scenario_from_text


def test_lengths_equal_mujoco_ten_length_for_the_same_joint_values(founding):
    scenario, model, kin, frames = founding["reverse_crunch"]
    d = mujoco.MjData(model.mj)
    for i in (0, 150, 260, 400):
        d.qpos[:] = frames.qpos[i]
        mujoco.mj_kinematics(model.mj, d)
        mujoco.mj_tendon(model.mj, d)
        np.testing.assert_allclose(frames.lengths[i], d.ten_length[model.tendon_ids], rtol=0, atol=1e-12)


def test_coupled_joints_follow_the_equality_polynomials(founding):
    scenario, model, kin, frames = founding["reverse_crunch"]
    mj = model.mj
    q = frames.qpos[120]  # knees bending
    knee = q[model.joints["knee_angle_r"].qposadr]
    assert knee > 0.5
    for e in range(mj.neq):
        dep, ind = mj.jnt_qposadr[mj.eq_obj1id[e]], mj.eq_obj2id[e]
        c = mj.eq_data[e, :5]
        if ind < 0:
            expected = mj.qpos0[dep] + c[0]
        else:
            x = q[mj.jnt_qposadr[ind]] - mj.qpos0[mj.jnt_qposadr[ind]]
            expected = mj.qpos0[dep] + sum(c[k] * x**k for k in range(5))
        assert q[dep] == pytest.approx(expected, abs=1e-12)


def test_world_geoms_match_mujoco_with_the_solved_root(founding):
    scenario, model, kin, frames = founding["crunch"]
    i = 90
    d = mujoco.MjData(model.mj)
    d.qpos[:] = frames.qpos[i]
    root = frames.root[i]
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, root[:3, :3].ravel())
    adr = model.mj.jnt_qposadr[model.mj.body_jntadr[model.root_body]]
    d.qpos[adr:adr + 7] = np.concatenate([root[:3, 3], quat])
    mujoco.mj_kinematics(model.mj, d)
    np.testing.assert_allclose(frames.geom_pos[i], d.geom_xpos[model.bone_geoms], atol=1e-9)
    np.testing.assert_allclose(frames.geom_mat[i].reshape(-1, 9), d.geom_xmat[model.bone_geoms], atol=1e-9)
    frame = frames.frame(i)
    np.testing.assert_allclose(frame.geom_pos, frames.geom_pos[i])
    np.testing.assert_allclose(frame.landmarks, frames.landmarks[i])


@pytest.mark.parametrize("name, still, moving", [
    ("reverse_crunch", "lower_ribs", "pubic_symphysis"),
    ("crunch", "pubic_symphysis", "lower_ribs"),
])
def test_the_anchor_holds_one_end_still_while_the_other_curls(founding, name, still, moving):
    scenario, model, kin, frames = founding[name]
    lm = frames.landmarks
    assert np.ptp(lm[:, kin.landmark_names.index(still)], axis=0).max() < 1e-6
    assert np.ptp(lm[:, kin.landmark_names.index(moving)], axis=0).max() > 0.08
    anchor_pos = frames.body_pos[:, kin.anchor]
    assert np.ptp(anchor_pos, axis=0).max() < 1e-9


def test_lying_body_rests_on_the_floor_and_faces_up(founding):
    scenario, model, kin, frames = founding["leg_raise"]
    frame = frames.frame(0)
    lowest = min((model.bone_mesh(g)[0] @ frame.geom_mat[k].T + frame.geom_pos[k])[:, 2].min()
                 for k, g in enumerate(model.bone_geoms))
    assert 0.005 < lowest < 0.025  # on its skin: the bones a little above the floor
    head = frame.body_pos[model.body_id("head")]
    pelvis = frame.body_pos[model.body_id("pelvis")]
    assert abs(head[2] - pelvis[2]) < 0.15  # lying: head and pelvis at about the same height
    toes_up = frames.frame(len(frames) // 2).body_pos[model.body_id("toes_r")][2]
    assert toes_up > 0.8  # legs vertical at mid-scenario


def test_rates_are_the_exact_derivative_of_the_smooth_motion(founding):
    scenario, model, kin, frames = founding["leg_raise"]
    psoas = model.muscle_index["psoas_r"]
    t = np.array([0.7, 1.25, 1.9, 4.0])
    h = 1e-5
    plus, minus, mid = kin.sample(t + h), kin.sample(t - h), kin.sample(t)
    numeric = (plus.lengths - minus.lengths) / (2 * h)
    np.testing.assert_allclose(mid.velocities, numeric, atol=1e-6)
    assert mid.velocities[1, psoas] < -0.01  # shortening fast mid-raise
    assert mid.velocities[3, psoas] > 0.01  # lengthening while lowering


def test_batch_and_single_time_sampling_agree(founding):
    scenario, model, kin, frames = founding["reverse_crunch"]
    one = kin.at(frames.times[200])
    np.testing.assert_allclose(one.lengths, frames.lengths[200], atol=1e-12)
    np.testing.assert_allclose(one.velocities, frames.velocities[200], atol=1e-12)
    np.testing.assert_allclose(one.geom_pos, frames.geom_pos[200], atol=1e-6)


def test_muscle_paths_are_polylines_in_world_space(founding):
    scenario, model, kin, frames = founding["leg_raise"]
    frame = frames.frame(100)
    paths = frame.paths()
    assert len(paths) == 416 and all(len(p) >= 1 for p in paths)
    rect = paths[model.muscle_index["rect_abd_r"]][0]
    length = np.linalg.norm(np.diff(rect, axis=0), axis=1).sum()
    assert length == pytest.approx(frame.lengths[model.muscle_index["rect_abd_r"]], rel=1e-6)


def test_pulley_branches_are_kept_apart():
    scenario = scenario_from_text("format: 1\ntitle: pulley\nmodel: pulley.xml\nkeyframes:\n"
                                  "  - time: 0\n    pose: {lift: 0.1}\n", path=FIXTURES / "models" / "p.yaml")
    model = load_model(scenario.model, scenario.base_dir)
    branches = model.kinematics(scenario).at(0).path(0)
    assert len(branches) == 3 and all(b.shape == (2, 3) for b in branches)
    left_end = branches[1][1]
    assert left_end[0] == pytest.approx(-0.25)


def test_whole_scenario_sampled_in_one_call(founding):
    scenario, model, kin, frames = founding["leg_raise"]
    assert len(frames) == int(round(scenario.duration * 60)) + 1
    assert frames.lengths.shape == (len(frames), 416)
    assert frames.geom_pos.shape == (len(frames), len(model.bone_geoms), 3)
