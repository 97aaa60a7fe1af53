"""OpenSim models whose meshes sit in a shared Geometry/ folder, or are missing: drawn, with one
warning line per mesh not found, never a crash; their posture honoured."""
import importlib.util
import re
import shutil

import numpy as np
import pytest

from tests.conftest import ROOT, SCENARIOS

pytestmark = pytest.mark.skipif(importlib.util.find_spec("opensim") is None,
                                reason="optional extra not installed: pip install -e '.[opensim]'")

ARM = ROOT / "meshes" / "examples" / "opensim_arm"


def lab_layout(root, meshes=("humerus.obj", "forearm.obj"), posture="standing"):
    """opensim-models' layout: Models/Arm/arm.osim, meshes in one top-level Geometry/."""
    models = root / "opensim-models" / "Models" / "Arm"
    models.mkdir(parents=True)
    shutil.copy(ARM / "arm.osim", models / "arm.osim")
    shared = root / "opensim-models" / "Geometry"
    shared.mkdir()
    for name in meshes:
        shutil.copy(ARM / "Geometry" / name, shared / name)
    text = (SCENARIOS / "opensim_arm_curl.yaml").read_text(encoding="utf-8")
    lines = [("model: opensim-models/Models/Arm/arm.osim" if line.startswith("model:") else line)
             for line in text.splitlines()]
    lines.insert(1, f"posture: {posture}")
    scenario = root / "curl.yaml"
    scenario.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return scenario


def test_meshes_in_a_shared_geometry_folder_are_found(tmp_path):
    from viewer.core.model.binding import load_model

    lab_layout(tmp_path)
    model = load_model(tmp_path / "opensim-models" / "Models" / "Arm" / "arm.osim")
    assert [model.bone_geom_name(g) for g in model.bone_geoms] == ["humerus/humerus.obj", "forearm/forearm.obj"]
    assert model.notes == []


def test_a_missing_mesh_is_one_warning_line_and_the_rest_still_draws(tmp_path):
    from tests.test_safety import cli

    scenario = lab_layout(tmp_path, meshes=("humerus.obj",))
    result = cli("snapshot", scenario, "--time", "1", "-o", tmp_path / "arm.png", "--size", "320x240")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "mesh 'forearm.obj' of body forearm not found; looked in" in warnings[0]
    assert "opensim-models/Geometry" in warnings[0] and "MUSCLE_VIEWER_GEOMETRY" in warnings[0]
    assert (tmp_path / "arm.png").stat().st_size > 1000


def test_with_no_mesh_at_all_the_muscles_are_drawn(tmp_path):
    import imageio.v3 as iio

    from tests.test_safety import cli

    scenario = lab_layout(tmp_path, meshes=())
    result = cli("snapshot", scenario, "--time", "1", "-o", tmp_path / "arm.png", "--size", "320x240")
    assert result.returncode == 0, result.stderr
    assert sum("warning" in line for line in result.stderr.splitlines()) == 2  # humerus and forearm
    image = iio.imread(tmp_path / "arm.png")[..., :3].astype(int)
    red = (image[..., 0] > image[..., 2] + 60) & (image[..., 0] > 120)  # shortening biceps: warm
    assert red.sum() > 100


def test_a_user_set_geometry_folder_is_searched(tmp_path, monkeypatch):
    from viewer.core.model.binding import load_model

    lab_layout(tmp_path, meshes=())
    elsewhere = tmp_path / "my meshes"
    elsewhere.mkdir()
    shutil.copy(ARM / "Geometry" / "forearm.obj", elsewhere / "forearm.obj")
    monkeypatch.setenv("MUSCLE_VIEWER_GEOMETRY", str(elsewhere))
    model = load_model(tmp_path / "opensim-models" / "Models" / "Arm" / "arm.osim")
    assert [model.bone_geom_name(g) for g in model.bone_geoms] == ["forearm/forearm.obj"]
    assert len(model.notes) == 1 and "humerus.obj" in str(model.notes[0])


def test_posture_supine_lays_an_opensim_model_down(tmp_path):
    from viewer.core.motion.kinematics import Kinematics
    from viewer.core.model.binding import load_checked
    from viewer.render.camera import body_points

    def spans(posture):
        folder = tmp_path / posture
        folder.mkdir()
        scenario, model = load_checked(lab_layout(folder, posture=posture))
        kin = model.kinematics(scenario)
        points = body_points(kin.sample([0.0]), model)
        return np.ptp(points, axis=0)

    standing, supine = spans("standing"), spans("supine")
    assert standing[2] > 2 * max(standing[0], standing[1])  # the arm hangs: long in z (up)
    assert supine[2] < 0.5 * max(supine[0], supine[1])  # lying: long across the floor


# --- the vendored opensim-models: Arm26 and Leg6Dof9Musc, meshes in one shared Geometry/ --------------------
VENDORED = ROOT / "meshes" / "opensim-models"
ARM26 = VENDORED / "Models" / "Arm26" / "arm26.osim"
LEG = VENDORED / "Models" / "Leg6Dof9Musc" / "leg6dof9musc.osim"
GAIT = VENDORED / "Models" / "Gait2392_Simbody" / "subject01_simbody.osim"


def colours(png):
    """Counts of warm (shortening) and cool (stretched) muscle pixels in a still, above the legend
    (whose warm and cool swatches sit in the bottom right corner)."""
    import imageio.v3 as iio

    image = iio.imread(png)[..., :3].astype(int)
    image = image[:int(0.65 * image.shape[0])]
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    warm = (r > 150) & (r > g + 60) & (r > b + 60)
    cool = (b > 120) & (b > r + 50) & (b > g + 10)
    return int(warm.sum()), int(cool.sum())


@pytest.mark.parametrize("path, bodies, meshes", [
    (ARM26, {"base": 6, "r_humerus": 1, "r_ulna_radius_hand": 29}, 36),
    (LEG, {"pelvis": 3, "femur_r": 1, "tibia_r": 2, "patella_r": 1, "talus_r": 1, "calcn_r": 1, "toes_r": 1}, 10),
])
def test_vendored_models_find_every_mesh_in_the_shared_geometry_folder(path, bodies, meshes):
    from collections import Counter

    from viewer.core.model.binding import load_model

    model = load_model(path)
    assert model.notes == []
    assert len(model.bone_geoms) == meshes
    assert Counter(model.bone_geom_name(g).split("/")[0] for g in model.bone_geoms) == bodies
    for g in model.bone_geoms:  # real surfaces, read from the .vtp files: not empty, not a point
        verts, faces = model.bone_mesh(g)
        assert len(faces) >= 20 and np.ptp(verts, axis=0).max() > 0.005, model.bone_geom_name(g)


def test_vendored_files_are_upstreams_bytes():
    """Unchanged from opensim-models at the commit LICENCE.md names (git blob hashes)."""
    import hashlib

    def blob(path):
        data = path.read_bytes()
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()

    assert blob(ARM26) == "2ff458149668bb2f0de24572f80658f8dd9db1d9"
    assert blob(LEG) == "7fff08aa90058cd05e6cb5c1873ad3ac7c16b054"
    assert blob(GAIT) == "a5d532a5f94b1615e66052c3503be809c72617f7"
    lab = ROOT / "tests" / "fixtures" / "lab"  # the trials (tests/test_lab.py), same commit
    assert {p.name: blob(p) for p in lab.iterdir() if p.suffix != ".md"} == {
        "subject01_walk1_ik.mot": "e0a5740045d6dd60b95e61095215b266dfa9daa0",
        "subject01_walk1_grf.mot": "88884a13973c0beb307328fa31493b387770d9de",
        "subject01_walk1.trc": "c6deafacc79767f59a6427bac1e15e1ce76df56f",
        "arm26_InverseKinematics.mot": "abd46f165b08eed690d9fad8fc6f74bc39b3fb79"}
    assert "20a888b9655e73fb84963d6e03eee3752cf6074b" in (lab / "LICENCE.md").read_text()
    opencap = ROOT / "tests" / "fixtures" / "opencap" / "LaiArnoldModified2017_contacts.osim"
    assert blob(opencap) == "e700304684b1ec1647e633de4a68101b1e915903"  # opencap-processing, unchanged
    named = set()
    for model in (ARM26, LEG, GAIT, opencap):  # the OpenCap model's meshes are opensim-models' too
        named |= set(re.findall(r"<mesh_file>([^<]+)</mesh_file>", model.read_text()))
    assert {p.name for p in (VENDORED / "Geometry").iterdir()} == named  # only the meshes they use
    assert "20a888b9655e73fb84963d6e03eee3752cf6074b" in (VENDORED / "LICENCE.md").read_text()


def test_arm26_curl_draws_a_warm_biceps_and_a_cool_triceps(tmp_path):
    from tests.test_safety import cli

    out = tmp_path / "arm26.png"
    result = cli("snapshot", SCENARIOS / "opensim_arm26_curl.yaml", "--time", "1.25", "-o", out, "--size", "400x300")
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    warm, cool = colours(out)
    assert warm > 50 and cool > 50, (warm, cool)


def test_leg6dof9musc_leg_raise_draws_lying_with_coloured_muscles(tmp_path):
    import imageio.v3 as iio

    from tests.test_safety import cli

    out = tmp_path / "leg.png"
    result = cli("snapshot", SCENARIOS / "opensim_leg6dof9musc_leg_raise.yaml", "--time", "1.25", "-o", out,
                 "--size", "400x300", "--view", "left")
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    warm, cool = colours(out)  # psoas and rectus femoris shorten; gluteus and hamstrings are stretched
    assert warm > 60 and cool > 60, (warm, cool)
    # at t = 0 the leg lies flat: bones (warm-tinted) and grey muscles (light), unlike the dark
    # bluish background and mat, are much wider than tall on the screen, in the lower half, on the mat
    flat = tmp_path / "flat.png"
    assert cli("snapshot", SCENARIOS / "opensim_leg6dof9musc_leg_raise.yaml", "--time", "0", "-o", flat,
               "--size", "400x300", "--view", "left").returncode == 0
    image = iio.imread(flat)[..., :3].astype(int)
    body = ((image[..., 0] > 90) & (image[..., 0] > image[..., 2] + 25)) | (image.min(axis=-1) > 120)
    body[:40] = body[205:] = False  # leave out the title, and the legend and caption below the mat
    rows, cols = np.nonzero(body)
    assert cols.size > 1000 and np.ptp(cols) > 4 * np.ptp(rows), (cols.size, np.ptp(cols), np.ptp(rows))
    assert rows.min() > 120, rows.min()  # lying low, not standing up through the picture


@pytest.mark.parametrize("name", ["opensim_leg6dof9musc_leg_raise", "opensim_leg6dof9musc_heel_slide"])
def test_supine_leg6dof9musc_lies_on_the_floor_and_stays_above_it(name):
    from viewer.core.model.binding import load_checked
    from viewer.core.scenario.contact_rules import clearance

    scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
    kin = model.kinematics(scenario)
    assert kin.free_root  # a pelvis on a planar joint: a whole body, placed on the floor
    frames = kin.sample(np.linspace(0, scenario.duration, 13))
    low: dict[str, np.ndarray] = {}
    every = []
    for g in model.bone_geoms:
        verts, _ = model.bone_mesh(g)
        world = np.einsum("fij,nj->fni", frames.geom_mat[:, g], verts) + frames.geom_pos[:, g][:, None]
        body = model.body_name(model.bone_body(g))
        low[body] = np.minimum(low.get(body, np.inf), world[..., 2].min(axis=1))
        every.append(world[0])
    start = np.concatenate(every)
    extent = np.ptp(start, axis=0)
    assert extent[2] < 0.3 * extent[1]  # lying: long along the floor, low over it
    assert extent[1] > 0.8  # pelvis to toes
    for body, z in low.items():
        assert z.min() > -0.005, (body, z.min())  # no bone through the floor, all through the motion
    # resting on its back (buttocks) and heel at the start, on the skin
    assert low["pelvis"][0] == pytest.approx(clearance("pelvis") - 0.004, abs=0.01)
    assert low["calcn_r"][0] == pytest.approx(clearance("calcn_r"), abs=0.01)


def test_leg6dof9musc_standing_stands_on_its_foot_and_the_patella_follows_the_knee(tmp_path):
    from viewer.core.model.binding import load_checked

    text = (SCENARIOS / "opensim_leg6dof9musc_leg_raise.yaml").read_text()
    text = text.replace("posture: supine", "posture: standing").replace(
        "model: ../meshes", f"model: {VENDORED.parent}").replace("{hip_flexion_r: 80}", "{knee_flexion_r: 60}")
    path = tmp_path / "stand.yaml"
    path.write_text(text)
    scenario, model = load_checked(path)
    kin = model.kinematics(scenario)
    frames = kin.sample([0.0, 2.5])
    knee, patella = model.joints["knee_angle_r"].qposadr, model.joints["knee_angle_pat_r"].qposadr
    # knee_flexion_r bends gait2354's knee, whose angle is negative in flexion; the patella follows
    assert np.degrees(frames.qpos[:, knee]) == pytest.approx([0.0, -60.0], abs=1e-6)
    assert frames.qpos[:, patella] == pytest.approx(frames.qpos[:, knee])
    points = np.concatenate([np.einsum("ij,nj->ni", frames.geom_mat[0, g], model.bone_mesh(g)[0])
                             + frames.geom_pos[0, g] for g in model.bone_geoms])
    extent = np.ptp(points, axis=0)
    assert extent[2] > 2 * max(extent[0], extent[1])  # upright
    assert points[:, 2].min() == pytest.approx(0.0, abs=0.02)  # on the floor, not floating or sunk


def test_vendored_model_with_meshes_removed_warns_once_per_mesh_and_still_draws(tmp_path):
    from tests.test_safety import cli

    copy = tmp_path / "opensim-models"
    shutil.copytree(VENDORED, copy, ignore=shutil.ignore_patterns("arm_r_*", "ground_*"))
    missing = ["femur_r.vtp", "pat.vtp", "bofoot.vtp"]
    for name in missing:
        (copy / "Geometry" / name).unlink()
    text = (SCENARIOS / "opensim_leg6dof9musc_leg_raise.yaml").read_text()
    scenario = tmp_path / "leg.yaml"
    scenario.write_text(text.replace("model: ../meshes/opensim-models", "model: opensim-models"))
    out = tmp_path / "leg.png"
    result = cli("snapshot", scenario, "--time", "1.25", "-o", out, "--size", "320x240")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("wrote ")]
    assert len(lines) == len(missing), result.stderr
    for name, body in zip(missing, ["femur_r", "patella_r", "toes_r"]):
        assert sum(f"mesh '{name}' of body {body} not found; looked in" in line for line in lines) == 1, lines
    assert all("opensim-models/Geometry" in line and "warning" in line for line in lines)
    warm, cool = colours(out)
    assert warm > 20 and cool > 20, (warm, cool)  # the muscles are drawn without the femur
    # validate says the same, once per mesh, and passes
    checked = cli("validate", "--strict", scenario)
    assert checked.returncode == 0, checked.stderr
    assert sum("not found; looked in" in line for line in (checked.stdout + checked.stderr).splitlines()) == 3
