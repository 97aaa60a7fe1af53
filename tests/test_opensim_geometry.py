"""OpenSim models whose meshes sit in a shared Geometry/ folder, or are missing: drawn, with one
warning line per mesh not found, never a crash; their posture honoured."""
import importlib.util
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
    from viewer.core.binding import load_model

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
    from viewer.core.binding import load_model

    lab_layout(tmp_path, meshes=())
    elsewhere = tmp_path / "my meshes"
    elsewhere.mkdir()
    shutil.copy(ARM / "Geometry" / "forearm.obj", elsewhere / "forearm.obj")
    monkeypatch.setenv("MUSCLE_VIEWER_GEOMETRY", str(elsewhere))
    model = load_model(tmp_path / "opensim-models" / "Models" / "Arm" / "arm.osim")
    assert [model.bone_geom_name(g) for g in model.bone_geoms] == ["forearm/forearm.obj"]
    assert len(model.notes) == 1 and "humerus.obj" in str(model.notes[0])


def test_posture_supine_lays_an_opensim_model_down(tmp_path):
    from viewer.core.kinematics import Kinematics
    from viewer.core.binding import load_checked
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
