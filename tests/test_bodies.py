"""Bodies that move like people (issue 12): every shipped scenario, looked at as geometry.

Bone vertices are placed here from the sampled frames (not through the solver or validate),
so these tests check what a viewer would see: bones above the floor and mat, resting bodies
touching them, hands on the bar, the dumbbell clear of the legs, fingers closed on a grip.
"""
import importlib.util
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import FIXTURES, SCENARIOS
from viewer.core.scenario.contact_rules import CLEARANCE, HAND_CLEARANCE, clearance
from viewer.core.base.errors import ScenarioError
from viewer.core.motion.kinematics import Kinematics
from viewer.core.scenario.props import Props
from viewer.core.model.binding import load_checked
from viewer.core.scenario.check import check_against_model
from viewer.core.scenario.read import scenario_from_text

# Arms fixed in space (the teaching arm, OpenSim's arms) stand on no floor; OpenSim's whole-body
# models do, when the extra is installed.
HAS_OPENSIM = importlib.util.find_spec("opensim") is not None
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.yaml")
                 if not re.search(r"arm\d*_curl$", p.stem) and (HAS_OPENSIM or not p.stem.startswith("opensim")))
LEGS = ("femur_r", "femur_l", "tibia_r", "tibia_l", "patella_r", "patella_l", "pelvis")


@pytest.fixture(scope="module")
def sampled():
    out = {}
    for name in SHIPPED:
        scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
        kin = model.kinematics(scenario)
        frames = kin.sample(np.linspace(0, scenario.duration, 24))
        out[name] = (kin, frames, Props(kin))
    return out


def bones(kin, frames, names=None):
    """{body name: (F, n, 3) world bone vertices}."""
    model, out = kin.model, {}
    for g, geom in enumerate(model.bone_geoms):
        body = model.body_name(model.bone_body(geom))
        if names is None or body in names:
            v, _ = model.bone_mesh(geom)
            w = np.einsum("fij,nj->fni", frames.geom_mat[:, g], v[::3]) + frames.geom_pos[:, g][:, None]
            out[body] = np.concatenate([out[body], w], axis=1) if body in out else w
    return out


def hand(kin, side):
    """Bodies of the hand's bones beyond the wrist: metacarpals, fingers, thumb."""
    return [b for b in kin.model.body_names if b.endswith(f"_{side}") and
            any(k in b for k in ("ph", "thumb", "mc", "capitate", "hamate", "trapez"))]


def tissue(body):
    """Soft tissue under a bone where it rests (the model's data: heel pad, buttocks, back, palm)."""
    return HAND_CLEARANCE if body not in CLEARANCE and body[-2:] in ("_r", "_l") else clearance(body)


def surface_tops(props):
    """(name, top z, xy low, xy high) of each still mat or bench."""
    out = []
    for p, T in props._still.items():
        if props.specs[p].mesh in ("floor_mat", "bench"):
            v = props.world_vertices(p, T)
            out.append((props.specs[p].mesh, v[:, 2].max(), v[:, :2].min(0), v[:, :2].max(0)))
    return out


@pytest.mark.parametrize("name", SHIPPED)
def test_no_bone_goes_through_the_floor_or_a_mat(sampled, name):
    kin, frames, props = sampled[name]
    floor = props.floor_level()
    for body, v in bones(kin, frames).items():
        assert v[..., 2].min() > floor - 0.005, (body, v[..., 2].min() - floor)
        for mesh, top, lo, hi in surface_tops(props):
            over = np.all((v[..., :2] >= lo) & (v[..., :2] <= hi), axis=-1) & (v[..., 2] > top - 0.05)
            assert not (over & (v[..., 2] < top - 0.005)).any(), (body, mesh)


# Bodies that rest on a surface all through the exercise: (scenario, bodies, surface).
RESTING = [
    ("leg_raise", ["torso"], "floor"), ("leg_raise", ["hand_r"], "floor"),
    ("reverse_crunch", ["torso"], "floor"), ("crunch", ["pelvis"], "floor"),
    ("crunch", ["calcn_r", "toes_r"], "floor"), ("leg_raise_pelvic_tilt", ["torso"], "floor_mat"),
    ("glute_bridge", ["head"], "floor_mat"), ("glute_bridge", ["calcn_r", "toes_r"], "floor_mat"),
    ("glute_bridge", ["calcn_l", "toes_l"], "floor_mat"), ("glute_bridge", ["hand_l"], "floor_mat"),
    ("bench_press", ["torso"], "bench"), ("bench_press", ["calcn_r", "toes_r"], "floor"),
    ("bicep_curl", ["calcn_r", "toes_r"], "floor"), ("bicep_curl", ["calcn_l", "toes_l"], "floor"),
    ("bodyweight_squat", ["calcn_r", "toes_r"], "floor"), ("bodyweight_squat", ["calcn_l", "toes_l"], "floor"),
    ("hip_flexor_stretch", ["calcn_r", "toes_r"], "floor"), ("hip_flexor_stretch", ["toes_l"], "floor"),
    ("plank", ["toes_r"], "floor"), ("plank", ["ulna_r", "radius_r", "hand_r"], "floor"),
    ("seated_knee_extension", ["pelvis"], "bench"), ("dead_bug", ["torso"], "floor_mat"),
]


@pytest.mark.parametrize("name, bodies, surface", RESTING, ids=lambda x: x if isinstance(x, str) else "-".join(x))
def test_resting_bodies_touch_their_surface(sampled, name, bodies, surface):
    kin, frames, props = sampled[name]
    if surface == "floor":
        top = props.floor_level()
        if any(s == "floor_mat" for s, *_ in surface_tops(props)):
            top = max(t for s, t, *_ in surface_tops(props) if s == "floor_mat")
    else:
        top = max(t for s, t, *_ in surface_tops(props) if s == surface)
    bodies = [b for name in bodies for b in (hand(kin, name[-1]) if name.startswith("hand") else [name])]
    found = bones(kin, frames, bodies)
    low = np.min([v[..., 2].min(axis=1) for v in found.values()], axis=0)
    skin = np.min([v[..., 2].min(axis=1) - tissue(b) for b, v in found.items()], axis=0)
    assert (low - top).min() > -0.005 and (skin - top).max() < 0.025, (low - top, skin - top)


@pytest.mark.parametrize("name", ["leg_raise", "reverse_crunch", "leg_raise_pelvic_tilt"])
def test_lying_straight_legs_rest_on_their_heels_not_above_them(sampled, name):
    kin, frames, props = sampled[name]
    tops = [t for s, t, *_ in surface_tops(props) if s == "floor_mat"]
    top = max(tops) if tops else props.floor_level()
    for heel in ("calcn_r", "calcn_l"):
        low = bones(kin, frames, [heel])[heel][0, :, 2].min()  # at the start, legs flat
        assert 0.0 < low - top < tissue(heel) + 0.01, (heel, low - top)


def test_hands_hold_the_bar_in_the_hanging_leg_raise(sampled):
    kin, frames, props = sampled["hanging_leg_raise"]
    bar = props.transforms(frames, 0)[0]
    mesh = props.meshes[0].vertices
    off_axis = np.sqrt(mesh[:, 1] ** 2 + mesh[:, 2] ** 2)
    radius = off_axis[off_axis < 0.03].max()  # the bar itself, along x through the origin
    for side in ("r", "l"):
        v = np.concatenate(list(bones(kin, frames, hand(kin, side)).values()), axis=1)
        local = (v - bar[:3, 3]) @ bar[:3, :3]
        gap = np.sqrt(local[..., 1] ** 2 + local[..., 2] ** 2) - radius
        assert gap.min(axis=1).max() < 0.02, side  # touching the bar in every frame
        assert gap.min() > -0.01  # around it, not through it


def test_the_dumbbells_clear_the_legs(sampled):
    kin, frames, props = sampled["bicep_curl"]
    legs = np.concatenate(list(bones(kin, frames, LEGS).values()), axis=1)
    for p, mesh in enumerate(props.meshes):
        lo, hi = mesh.vertices.min(0), mesh.vertices.max(0)
        for i in range(len(frames)):
            T = props.transforms(frames, i)[p]
            local = (legs[i] - T[:3, 3]) @ T[:3, :3]
            assert not np.all((local > lo) & (local < hi), axis=1).any(), (p, frames.times[i])


@pytest.mark.parametrize("name", ["bicep_curl", "hanging_leg_raise"])
def test_gripping_fingers_are_flexed(sampled, name):
    kin, frames, _ = sampled[name]
    joints = kin.model.joints
    for side in ("r", "l"):
        for n in (2, 3, 4, 5):
            mcp = np.degrees(frames.qpos[:, joints[f"mcp{n}_flexion_{side}"].qposadr])
            pip = [j for j in (f"pm{n}_flexion_{side}", f"pm{n}_flexion") if j in joints][0]
            assert (mcp >= 60).all() and (np.degrees(frames.qpos[:, joints[pip].qposadr]) >= 60).all()


def test_contacts_only_move_free_joints_and_the_leg_raise_keeps_its_numbers(sampled):
    kin, frames, _ = sampled["leg_raise"]
    model = kin.model
    free = {j.name for j in kin.contacts.free}
    assert free and not free & {"hip_flexion_r", "knee_angle_r", "flex_extension"}
    lengths = kin.sample([0.0, 2.5]).lengths
    change = {m: (lengths[1, model.muscle_index[m]] / lengths[0, model.muscle_index[m]] - 1) * 100
              for m in ("psoas_r", "iliacus_r", "recfem_r", "rect_abd_r")}
    assert round(change["psoas_r"], 1) == -20.3 and round(change["iliacus_r"], 1) == -30.0
    assert round(change["recfem_r"], 1) == -14.1 and abs(change["rect_abd_r"]) < 0.05


HEAD = """\
format: 1
title: Contacts
posture: supine
keyframes:
  - time: 0
    pose: {hip_flexion: 0}
props:
  - {mesh: floor_mat}
contacts:
"""


@pytest.mark.parametrize("entry, message", [
    ("{body: hnd_r, on: floor}", "unknown body 'hnd_r' (did you mean hand_r?)"),
    ("{body: hand_r, on: matt}", "nothing called 'matt' to rest on or hold (did you mean mat?)"),
    ("{body: hand_r, on: floor, slide: maybe}", "'contacts[0].slide' must be true or false"),
    ("{body: hand_r, on: floor, slid: false}", "unknown key 'slid' in contact 1 (did you mean slide?)"),
    ("{on: floor}", "'body' is required"),
])
def test_bad_contacts_are_one_line_errors_with_the_line(full_body, entry, message):
    text = HEAD + f"  - {entry}\n"
    try:
        check_against_model(scenario_from_text(text, "c.yaml", Path("c.yaml")), full_body)
        found = []
    except ScenarioError as exc:
        found = [str(p) for p in exc.problems]
    assert len(found) == 1 and found[0].startswith("c.yaml:10: ") and message in found[0], found


def test_validate_strict_passes_the_library_and_flags_heels_in_the_floor(capsys):
    from viewer.cli import main

    assert main(["validate", "--strict"] + [str(p) for p in sorted(SCENARIOS.glob("*.yaml"))]) == 0
    bad = FIXTURES / "implausible" / "heels_in_floor.yaml"
    assert main(["validate", str(bad)]) == 0  # a warning, not an error
    warned = capsys.readouterr().err.splitlines()
    # the bones go through the floor, and the calf and shin muscles with them
    assert warned and all("warning: t = " in line and ("through the floor" in line or "cm into the floor" in line)
                          for line in warned)
    assert any("calcn_r goes 1" in line and "cm through the floor" in line for line in warned)
    assert main(["validate", "--strict", str(bad)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"{bad.relative_to(Path.cwd()) if bad.is_relative_to(Path.cwd()) else bad}:9: t = ")


def test_validate_warns_of_a_lost_contact_and_a_joint_parked_at_its_limit(tmp_path, capsys):
    from viewer.cli import main

    path = tmp_path / "crunch_head_down.yaml"
    path.write_text(textwrap.dedent("""\
        format: 1
        title: Crunch that asks the head to stay down
        posture: supine
        anchor: pelvis
        keyframes:
          - time: 0
            pose: {trunk_flexion: 0, hip_abduction: 50}
          - time: 2
            pose: {trunk_flexion: 30, hip_abduction: 50}
        contacts:
          - {body: skull, on: floor}
        """))
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 3 and all(": warning: t = " in line for line in lines), lines
    assert any("contact skull on floor is lost by" in line for line in lines)  # the crunch lifts it
    assert any(":6: warning: t = 0.00 s: joint hip_adduction_r sits at the end of its range (-50" in line
               and "for 2.0 s" in line for line in lines)
    assert main(["validate", "--strict", str(path)]) == 1


@pytest.mark.parametrize("name", ["glute_bridge", "bodyweight_squat"])
def test_a_solved_pose_does_not_depend_on_how_it_is_sampled_and_rates_follow_it(sampled, name):
    kin = sampled[name][0]
    times = np.arange(0.5, 1.5, 0.01)
    batch = kin.sample(times)
    kin.sample([kin.scenario.duration])  # warm start from somewhere else
    alone = kin.sample([times[50]])
    assert np.abs(alone.qpos[0] - batch.qpos[50]).max() < np.radians(3)  # within a few degrees: a hand may settle on another point
    numeric = np.gradient(batch.lengths, times, axis=0)[5:-5]
    assert np.abs(batch.velocities[5:-5] - numeric).max() < 0.2 * np.abs(numeric).max()
