"""Authoring from the command line: `new` templates and `convert` to and from OpenSim .mot files."""
import json

import numpy as np
import pytest

from tests.conftest import SCENARIOS
from viewer.cli import main

POSTURES = ["standing", "supine", "prone", "seated", "hanging"]


def mot_header(path):
    lines = path.read_text().splitlines()
    end = lines.index("endheader")
    header = dict(line.split("=", 1) for line in lines[1:end])
    return lines[0], header, lines[end + 1].split("\t"), [line.split("\t") for line in lines[end + 2:]]


def test_command_posture_choices_match_the_format():
    from viewer.commands import new
    from viewer.core.scenario.format import POSTURES as FORMAT_POSTURES

    assert new.POSTURES == FORMAT_POSTURES == tuple(POSTURES)


# --- new -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("posture", POSTURES)
def test_new_writes_a_template_that_validates(tmp_path, posture, capsys):
    from viewer.core.model.binding import load_checked

    target = tmp_path / "exercise.yaml"
    assert main(["new", str(target), "--posture", posture]) == 0
    assert main(["validate", str(target)]) == 0
    scenario, model = load_checked(target)
    assert scenario.posture == posture and model.key == "full-body"
    assert len(scenario.keyframes) >= 3 and scenario.phases and all(p.caption for p in scenario.phases)
    text = target.read_text()
    for key in ("format", "title", "summary", "model", "posture", "anchor", "loop", "keyframes", "time", "pose",
                "ease", "phases", "caption", "focus", "camera", "measure", "colour"):
        assert f"{key}:" in text, key
    assert "_flexion" in text  # flexion-positive names, no sign convention to learn


def test_new_template_matches_the_json_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    target = tmp_path / "exercise.yaml"
    assert main(["new", str(target)]) == 0
    schema = json.loads((SCENARIOS / "scenario.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(target.read_text()), schema)


def test_new_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "mine.yaml"
    target.write_text("my own work\n")
    assert main(["new", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "my own work\n"
    assert main(["new", str(target), "--force"]) == 0
    assert target.read_text().startswith("# yaml-language-server: $schema=")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]  # no temporary file left


def test_new_schema_line_points_at_the_schema_from_where_the_file_lives(tmp_path):
    from viewer.core.scenario.template import SCHEMA_PREFIX, schema_line

    assert schema_line(SCENARIOS / "new.yaml") == SCHEMA_PREFIX + "scenario.schema.json"
    target = tmp_path / "deeper" / "x.yaml"
    target.parent.mkdir()
    assert main(["new", str(target)]) == 0
    first = target.read_text().splitlines()[0]
    reference = first.removeprefix(SCHEMA_PREFIX)
    assert (target.parent / reference).resolve() == (SCENARIOS / "scenario.schema.json").resolve()


def test_new_fits_a_model_without_trunk_or_arms(tmp_path):
    from viewer.core.model.binding import load_checked

    target = tmp_path / "legs.yaml"
    assert main(["new", str(target), "--model", "lower-body", "--posture", "hanging"]) == 0
    scenario, model = load_checked(target)
    assert model.key == "lower-body"


# --- convert: scenario → .mot → scenario ---------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_round_trip_through_mot_keeps_muscle_lengths(tmp_path, path):
    from viewer.core.motion.kinematics import Kinematics
    from viewer.core.model.binding import load_checked

    if "opensim" in path.stem:
        pytest.importorskip("opensim")
    mot, back = tmp_path / f"{path.stem}.mot", tmp_path / f"{path.stem}.yaml"
    original, model = load_checked(path)
    # a .mot names no model: a scenario on its own model file needs --model to come back
    own_model = [] if model.key == model.name else ["--model", model.key]
    assert main(["convert", str(path), str(mot), "--fps", "30"]) == 0
    assert main(["convert", str(mot), str(back), *own_model]) == 0
    assert main(["validate", str(back)]) == 0

    again, _ = load_checked(back)
    assert len(again.keyframes) > 1 and again.duration == pytest.approx(original.duration)
    kin_a, kin_b = model.kinematics(original), model.kinematics(again)
    times = kin_a.times(30)
    difference = np.abs(kin_a.sample(times).lengths - kin_b.sample(times).lengths)
    assert difference.max() < 0.5e-3  # metres
    # the motion really moved muscles, so the comparison above can fail
    assert np.ptp(kin_a.sample(times).lengths, axis=0).max() > 0.02


def test_mot_header_and_columns(tmp_path):
    from viewer.core.model.binding import load_model

    mot = tmp_path / "leg_raise.mot"
    assert main(["convert", str(SCENARIOS / "leg_raise.yaml"), str(mot), "--fps", "20"]) == 0
    name, header, columns, rows = mot_header(mot)
    assert header["version"] == "1" and header["inDegrees"] == "yes"
    assert columns[0] == "time"
    assert int(header["nColumns"]) == len(columns) and all(len(r) == len(columns) for r in rows)
    assert int(header["nRows"]) == len(rows) == 111  # 5.5 s at 20 fps, both ends
    model = load_model("full-body")
    assert columns[1:] == list(model.poseable)  # no coupled joints, no free root
    assert not set(columns) & {j.name for j in model.joints.values() if j.driver}
    values = np.array(rows, float)
    hip = values[:, columns.index("hip_flexion_r")]
    assert hip.max() == pytest.approx(90.0)  # degrees, not radians
    assert values[:, 0][-1] == pytest.approx(5.5)


def test_mot_in_radians_with_pelvis_columns_and_crlf_reads(tmp_path, capsys):
    from viewer.core.model.binding import load_checked

    mot = tmp_path / "from_opensim.mot"
    mot.write_bytes(b"Coordinates\r\nversion=1\r\nnRows=3\r\nnColumns=4\r\nDataType=double\r\n\r\n"
                    b"inDegrees=no\r\nendheader\r\ntime\tpelvis_tilt\thip_flexion_r\tknee_angle_r\r\n"
                    b"1.0\t0.1\t0\t0\r\n\r\n1.5\t0.1\t0.7853981634\t0\r\n2.0\t0.1\t1.5707963268\t0\r\n")
    out = tmp_path / "from_opensim.yaml"
    assert main(["convert", str(mot), str(out), "--posture", "supine"]) == 0
    err = capsys.readouterr().err
    assert "pelvis_tilt" in err
    scenario, _ = load_checked(out)
    assert scenario.posture == "supine" and scenario.title == "From opensim"
    assert scenario.lab_start == 1.0  # the lab's clock is kept: the first row was at 1.0 s
    assert [k.time for k in scenario.keyframes] == [0, 1]  # the straight middle row is thinned away
    assert scenario.keyframes[-1].pose == {"hip_flexion_r": pytest.approx(90.0)}


# --- convert: bad input ----------------------------------------------------------------------------
HEAD = "motion\nversion=1\ninDegrees=yes\nendheader\n"  # lines 1-4; the column row is line 5
BAD = {
    "letters": (HEAD + "time\thip_flexion_r\n0\t0\n1\tten\n", 7, "'ten' in column hip_flexion_r is not a number"),
    "short_row": (HEAD + "time\thip_flexion_r\tknee_angle_r\n0\t0\t0\n1\t10\n", 7, "this row has 2 values"),
    "typo": (HEAD + "time\thip_flexon_r\n0\t0\n", 5, "did you mean hip_flexion_r?"),
    "out_of_range": (HEAD + "time\tknee_angle_r\n0\t0\n1\t-20\n", 7, "knee_angle_r = -20° is out of range"),
    "backwards": (HEAD + "time\tknee_angle_r\n0\t0\n1\t10\n0.5\t20\n", 8, "times must increase"),
    "no_endheader": ("motion\nversion=1\ntime\tknee_angle_r\n0\t0\n", 1, "no 'endheader' line"),
    "not_time": (HEAD + "t\tknee_angle_r\n0\t0\n", 5, "the first column must be 'time'"),
    "nan": (HEAD + "time\tknee_angle_r\n0\tnan\n", 6, "finite"),
    "no_rows": (HEAD + "time\tknee_angle_r\n\n", 5, "no data rows"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_malformed_mot_gives_file_line_error_and_writes_nothing(tmp_path, case, capsys, monkeypatch):
    text, line, message = BAD[case]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.mot").write_text(text)
    assert main(["convert", "bad.mot", "out.yaml"]) == 1
    err = capsys.readouterr().err
    assert f"bad.mot:{line}: " in err and message in err, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.mot"]


def test_convert_refuses_mismatched_types(tmp_path, capsys):
    assert main(["convert", str(SCENARIOS / "crunch.yaml"), str(tmp_path / "x.yaml")]) == 1
    assert main(["convert", str(SCENARIOS / "crunch.yaml"), str(tmp_path / "x.mot"), "--model", "lower-body"]) == 1
    assert main(["convert", str(tmp_path / "x.csv"), str(tmp_path / "x.yaml")]) == 1
    assert list(tmp_path.iterdir()) == []


def test_new_with_a_model_file_moves_one_of_its_joints_and_finds_the_model_from_the_new_file(tmp_path, monkeypatch):
    from viewer.core.model.binding import load_checked

    (tmp_path / "arm.xml").write_text(  # one muscle: a model without any is refused (nothing to show)
        '<mujoco><worldbody><body name="upper"><geom type="capsule" size="0.05" fromto="0 0 0 0 0 -0.3"/>'
        '<site name="origin" pos="0 0.04 -0.05"/>'
        '<body name="fore" pos="0 0 -0.3"><joint name="elbow" type="hinge" axis="1 0 0" range="0 120" limited="true"/>'
        '<geom type="capsule" size="0.04" fromto="0 0 0 0 0 -0.3"/><site name="insertion" pos="0 0.04 -0.05"/>'
        '</body></body></worldbody><tendon><spatial name="flexor"><site site="origin"/><site site="insertion"/>'
        '</spatial></tendon><actuator><muscle name="flexor" tendon="flexor"/></actuator></mujoco>')
    (tmp_path / "mine").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["new", "mine/arm_curl.yaml", "--model", "arm.xml", "--posture", "standing"]) == 0
    scenario, model = load_checked(tmp_path / "mine" / "arm_curl.yaml")
    assert scenario.model == "../arm.xml"
    assert {k for key in scenario.keyframes for k in key.pose} == {"elbow"}
    assert max(key.pose["elbow"] for key in scenario.keyframes) == pytest.approx(60.0)
