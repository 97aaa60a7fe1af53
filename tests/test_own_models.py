"""Bring your own model: the native YAML model format, bare MuJoCo files, clear errors."""
import csv
import importlib.util
import os

import mujoco
import numpy as np
import pytest

from tests.conftest import FIXTURES, ROOT, SCENARIOS
from viewer.cli import main
from viewer.core.model.binding import bind
from viewer.core.model.binding import load_model
from viewer.core.model.binding import load_checked

ARM = ROOT / "meshes" / "examples" / "arm" / "arm.yaml"
BROKEN = FIXTURES / "models" / "broken"


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array(rows[1:], float)


def test_native_arm_compiles_bones_joints_and_muscles():
    model = load_model(ARM)
    assert [m.name for m in model.muscles] == ["biceps", "brachialis", "triceps_long", "triceps_lateral"]
    biceps = model.muscles[0]
    assert (biceps.label, biceps.group, biceps.max_force) == ("Biceps brachii, right", "arm flexors", 620)
    assert len(model.bone_geoms) == 3  # STL, OBJ and PLY files, read by trimesh
    assert model.joints["elbow"].upper == pytest.approx(145)
    assert "elbow_flexion" in model.aliases and {"shoulder", "elbow", "wrist"} <= set(model.landmarks)
    verts, _ = model.bone_mesh(model.bone_geoms[0])
    assert np.ptp(verts[:, 2]) == pytest.approx(0.312, abs=0.002)  # 312 mm humerus, units: mm


def test_teaching_arm_curl_shortens_the_biceps_and_stretches_the_triceps(tmp_path):
    out = tmp_path / "curl.csv"
    assert main(["lengths", str(SCENARIOS / "teaching_arm_curl.yaml"), "-o", str(out), "--fps", "20"]) == 0
    header, values = read_csv(out)
    assert header == ["time_s", "biceps", "brachialis", "triceps_long", "triceps_lateral"]
    top = np.argmin(np.abs(values[:, 0] - 2.0))  # elbow at 120°
    change = values[top, 1:] / values[0, 1:] - 1
    assert change[0] < -0.15 and change[1] < -0.15  # biceps, brachialis shorten
    assert change[2] > 0.10 and change[3] > 0.10  # triceps stretched


def test_teaching_arm_exports_a_curl_video(tmp_path, capsys):
    import imageio_ffmpeg

    out = tmp_path / "curl.mp4"
    assert main(["export", str(SCENARIOS / "teaching_arm_curl.yaml"), "-o", str(out), "--size", "320x240",
                 "--fps", "4", "--quiet"]) == 0
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 18 and seconds == pytest.approx(4.5, abs=0.3)


def test_bare_mujoco_file_by_relative_path_gives_mujocos_own_lengths(tmp_path):
    (tmp_path / "models").mkdir()
    xml = tmp_path / "models" / "arm.xml"
    xml.write_text((FIXTURES / "models" / "two_muscles.xml").read_text())
    scenario = tmp_path / "curl.yaml"
    scenario.write_text("format: 1\ntitle: bare curl\nmodel: models/arm.xml\nkeyframes:\n"
                        "  - time: 0\n    pose: {elbow: 0}\n  - time: 2\n    pose: {elbow: 120}\n    ease: linear\n")
    out = tmp_path / "lengths.csv"
    assert main(["lengths", str(scenario), "-o", str(out), "--fps", "10"]) == 0
    header, values = read_csv(out)
    assert header == ["time_s", "flexor", "extensor"]
    mj = mujoco.MjModel.from_xml_path(str(xml))
    data = mujoco.MjData(mj)
    for t, *lengths in values:
        data.qpos[0] = np.radians(60 * t)  # linear 0 → 120° over 2 s
        mujoco.mj_kinematics(mj, data)
        mujoco.mj_tendon(mj, data)
        np.testing.assert_allclose(lengths, data.ten_length, atol=2e-6)  # the CSV keeps micrometres
    assert values[-1, 1] < values[0, 1] and values[-1, 2] > values[0, 2]


def test_bare_mujoco_primitives_are_drawn_as_bones():
    model = load_model(FIXTURES / "models" / "two_muscles.xml")
    names = [model.bone_geom_name(g) for g in model.bone_geoms]
    assert names == ["humerus", "ulna"]  # the wrap cylinder is not a bone
    verts, faces = model.bone_mesh(model.bone_geoms[0])
    assert np.ptp(verts[:, 2]) == pytest.approx(0.3 + 2 * 0.03, abs=1e-6)  # capsule: length + two caps
    scenario, model = load_checked(FIXTURES / "models" / "two_muscles_curl.yaml")
    frame = bind(model, scenario).at(1.0)
    assert frame.geom_pos.shape == (2, 3)


@pytest.mark.parametrize("name, line, message", [
    ("missing_mesh", 4, "mesh file 'humerus.stl' not found"),
    ("empty_mesh", 4, "mesh file 'empty.stl' is empty"),
    ("corrupt_mesh", 4, "mesh file 'corrupt.stl' has no triangles"),
    ("unknown_body", 12, "muscle 'biceps' point 2 is on unknown body 'forarm' (did you mean forearm?)"),
    ("cycle", 4, "bodies form a cycle: a → b → a"),
    ("unreadable", 3, "not valid YAML"),
    ("bad_site", None, "cannot load this MuJoCo model"),
])
def test_broken_models_give_one_clear_line(capsys, name, line, message):
    assert main(["validate", str(BROKEN / f"use_{name}.yaml")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert err[0].split(": ", 1)[0].endswith(f"use_{name}.yaml:3")  # the scenario's model: line
    where = f"{name}.yaml:{line}: " if line else f"{name}.xml: "
    assert where in err[0] and message in err[0]


def test_an_edited_model_file_is_read_again(tmp_path):
    model_file = tmp_path / "arm.yaml"
    text = ARM.read_text().replace("file: humerus.stl", f"file: {ARM.parent / 'humerus.stl'}") \
        .replace("file: forearm.obj", f"file: {ARM.parent / 'forearm.obj'}") \
        .replace("file: hand.ply", f"file: {ARM.parent / 'hand.ply'}")
    model_file.write_text(text)
    first = load_model(model_file)
    model_file.write_text(text.replace("max_force: 620\n    path:\n      - {body: upper_arm, pos: [0, -22, -10]}",
                                       "max_force: 700\n    path:\n      - {body: upper_arm, pos: [0, -22, -10]}"))
    os.utime(model_file, (first.mj.nbody + 1e9, first.mj.nbody + 1e9))
    again = load_model(model_file)
    assert again.muscles[0].max_force == 700



needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")


@pytest.fixture
def window(open_window, tmp_path, monkeypatch):
    monkeypatch.setenv("MUSCLE_VIEWER_CACHE", str(tmp_path / "cache"))
    return open_window(None, activate=False)


@needs_display
@pytest.mark.gui
def test_app_plays_the_teaching_arm_curl(window):
    assert window.open_path(str(SCENARIOS / "teaching_arm_curl.yaml"))
    biceps = window.session.model.muscle_index["biceps"]
    start = window.view.pixels()
    window.seek(1.0)
    assert np.abs(window.view.pixels().astype(int) - start.astype(int)).sum(axis=2).astype(bool).mean() > 0.005
    i = window.session.index_at(1.0)
    assert window.session.rates[i, biceps] < -2  # shortening: drawn warm
    assert window.view.store.colours(1)[i, biceps, 0] > window.view.store.colours(1)[i, biceps, 2]


@needs_display
@pytest.mark.gui
@pytest.mark.parametrize("model", [ARM, FIXTURES / "models" / "two_muscles.xml"], ids=["native", "mujoco"])
def test_app_opens_a_model_file_on_its_own(window, model):
    assert window.open_path(str(model)), window.banner.label.text()
    assert window.session.scenario.title == "New exercise"
    assert window.session.model.muscles[0].name in ("biceps", "flexor")
    assert len(window.view.scene.bone_actors) == len(window.session.model.bone_geoms) > 0


@needs_display
@pytest.mark.gui
def test_app_shows_a_broken_model_as_an_error(window):
    assert window.open_path(str(SCENARIOS / "leg_raise.yaml"))
    assert not window.open_path(str(BROKEN / "unknown_body.yaml"))
    assert "is on unknown body 'forarm' (did you mean forearm?)" in window.banner.label.text()
    assert window.session.scenario.title == "Lying leg raise"


OSIM = ROOT / "meshes" / "examples" / "opensim_arm" / "arm.osim"
needs_opensim = pytest.mark.skipif(importlib.util.find_spec("opensim") is None,
                                   reason="optional extra not installed: pip install -e '.[opensim]'")


@needs_opensim
def test_opensim_lengths_match_opensims_own_over_a_motion(tmp_path):
    import opensim as osim

    out = tmp_path / "lengths.csv"
    assert main(["lengths", str(SCENARIOS / "opensim_arm_curl.yaml"), "-o", str(out), "--fps", "10"]) == 0
    header, values = read_csv(out)
    assert header == ["time_s", "BIClong", "BRA", "TRIlong"]
    model = osim.Model(str(OSIM))  # OpenSim on its own, as a lab would run it
    state = model.initSystem()
    elbow = model.getCoordinateSet().get("elbow_flexion")
    muscles = [model.getMuscles().get(name) for name in header[1:]]
    for t, *lengths in values:
        elbow.setValue(state, np.radians(60 * t))  # the scenario: linear 0 → 120° over 2 s
        model.realizePosition(state)
        expected = [m.getLength(state) for m in muscles]
        np.testing.assert_allclose(lengths, expected, atol=1e-4)  # within 0.1 mm
    assert values[-1, 1] < 0.9 * values[0, 1] and values[-1, 3] > 1.1 * values[0, 3]


@needs_opensim
def test_opensim_model_has_bones_from_its_geometry_folder_and_plays_a_mot(tmp_path, capsys):
    model = load_model(OSIM)
    assert [model.bone_geom_name(g) for g in model.bone_geoms] == ["humerus/humerus.obj", "forearm/forearm.obj"]
    assert model.muscles[0].label == "Biceps brachii, long head, right"  # catalogue name of MoBL's BIClong
    mot = tmp_path / "curl.mot"
    assert main(["convert", str(SCENARIOS / "opensim_arm_curl.yaml"), str(mot), "--fps", "10"]) == 0
    back = tmp_path / "curl.yaml"
    assert main(["convert", str(mot), str(back), "--model", str(OSIM)]) == 0
    scenario, model = load_checked(back)
    frames = bind(model, scenario).sample([0.5, 1.5])
    original = bind(*reversed(load_checked(SCENARIOS / "opensim_arm_curl.yaml"))).sample([0.5, 1.5])
    np.testing.assert_allclose(frames.lengths, original.lengths, atol=5e-4)
    insertion = [frames.frame(i).path(0)[0][-1] for i in range(2)]  # biceps on the forearm
    assert insertion[1][2] > insertion[0][2] + 0.03  # the forearm rises: world z is up


def test_opensim_without_the_extra_is_skipped_with_one_clear_line(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "opensim", None)  # what a default install looks like: import fails
    from viewer.core.model import binding as model_module

    monkeypatch.setattr(model_module, "_loaded", {})
    hint = "OpenSim models need the optional extra: pip install -e \".[opensim]\""
    # validate skips it (exit 0) with the hint; the other shipped scenarios are still checked
    assert main(["validate", *map(str, sorted(SCENARIOS.glob("*.yaml")))]) == 0
    out = capsys.readouterr().out.splitlines()
    skipped = [line for line in out if "skipped" in line]
    on_opensim = sorted(SCENARIOS.glob("opensim_*.yaml"))
    assert len(on_opensim) >= 3  # the teaching arm, Arm26 and Leg6Dof9Musc
    assert skipped == [f"{path}: skipped ({hint})" for path in on_opensim]
    assert sum(": ok (" in line for line in out) == len(list(SCENARIOS.glob("*.yaml"))) - len(on_opensim)
    # a command that needs the model says the same in one line
    assert main(["summary", str(SCENARIOS / "opensim_arm_curl.yaml")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith(hint) and len(err.splitlines()) == 1
