"""The command line as a user runs it: CSV numbers, summaries, validation messages."""
import csv
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import FIXTURES, ROOT, SCENARIOS
from viewer.cli import main


def run(*argv):
    return subprocess.run([sys.executable, "-m", "viewer", *map(str, argv)], capture_output=True, text=True,
                          cwd=ROOT, env={"PATH": "/usr/bin:/bin", "MUJOCO_GL": "disable", "HOME": str(ROOT / ".."),
                                         "MUSCLE_VIEWER_CACHE": str(ROOT / ".pytest_cache" / "models")})


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, values = rows[0], np.array(rows[1:], float)
    return header, values


def change(header, values, muscle, rows=slice(None)):
    column = values[rows, header.index(muscle)]
    return (column.min() / column[0] - 1) * 100


def test_leg_raise_lengths_agree_with_opensim(tmp_path):
    out = tmp_path / "out.csv"
    assert main(["lengths", str(SCENARIOS / "leg_raise.yaml"), "-o", str(out)]) == 0
    header, values = read_csv(out)
    assert header[0] == "time_s" and len(header) == 417 and "psoas_r" in header
    assert values.shape[0] == 331  # 5.5 s at 60 fps, both ends included
    raise_phase = values[:, 0] <= 2.5
    # OpenSim 4.6, Rajagopal 2016: psoas −20.7 %, iliacus −30.2 %, rectus femoris −14.1 % (DESIGN §2)
    assert change(header, values, "psoas_r", raise_phase) == pytest.approx(-20.7, abs=1.0)
    assert change(header, values, "iliacus_r", raise_phase) == pytest.approx(-30.2, abs=1.0)
    assert change(header, values, "recfem_r", raise_phase) == pytest.approx(-14.1, abs=1.0)
    rect = values[:, header.index("rect_abd_r")]
    assert np.abs(rect / rect[0] - 1).max() * 100 < 0.5


@pytest.mark.parametrize("name", ["crunch", "reverse_crunch"])
def test_abs_shorten_only_when_pelvis_or_ribs_curl(tmp_path, name):
    out = tmp_path / "out.csv"
    assert main(["lengths", str(SCENARIOS / f"{name}.yaml"), "-o", str(out), "--fps", "20"]) == 0
    header, values = read_csv(out)
    assert change(header, values, "rect_abd_r") < -15
    assert change(header, values, "rect_abd_l") < -15


def test_summary_puts_hip_flexors_first_and_rectus_abdominis_unchanged(capsys):
    assert main(["summary", str(SCENARIOS / "leg_raise.yaml")]) == 0
    text = capsys.readouterr().out
    raise_block = text.split("Raise to 90°")[1].split("Hold at vertical")[0]
    shortening = raise_block.split("Shortening most:")[1].split("Lengthening most:")[0].strip().splitlines()
    assert "hip flexors" in shortening[0] and "Iliacus" in shortening[0]
    assert "hip flexors" in shortening[1] and "Psoas major" in shortening[1]
    unchanged = [line for line in raise_block.splitlines() if line.strip().startswith("Unchanged")][0]
    assert "Rectus abdominis" in unchanged
    assert "Ribs to pubis: 38.2 cm → 38.2 cm (+0.0 cm)" in raise_block


def test_summary_of_the_crunch_ranks_rectus_abdominis_among_the_shorteners(capsys):
    assert main(["summary", str(SCENARIOS / "crunch.yaml"), "--top", "6"]) == 0
    curl = capsys.readouterr().out.split("Curl up")[1].split("Lengthening most")[0]
    assert "Rectus abdominis (right and left)" in curl
    movers = [line for line in curl.splitlines() if "%" in line]
    assert all("abdominals" in line for line in movers) and len(movers) == 6


EXPECTED_ERRORS = {
    "bad_yaml": (8, "not valid YAML"),
    "unknown_joint": (9, "unknown joint 'hip_flexon' (did you mean hip_flexion?)"),
    "out_of_range": (9, "is out of range: knee_angle_r and knee_angle_l go from 0 to 120°"),
    "backwards": (10, "goes backwards"),
    "nan": (7, "must be a finite number, not nan"),
    "empty": (1, "the file is empty"),
    "wrong_type": (6, "'keyframes[0].time' must be a number, not text 'two'"),
    "unknown_model": (3, "unknown model 'full-bodyy' (did you mean full-body?)"),
    "unknown_group": (8, "unknown muscle group 'hip flexor' (did you mean hip flexors?)"),
    "unknown_landmark": (9, "unknown landmark 'lower_rib' (did you mean lower_ribs?)"),
    "unknown_anchor": (5, "unknown anchor body 'pelvic' (did you mean pelvis?)"),
    "unknown_ease": (10, "not 'smoth' (did you mean smooth?)"),
    "unknown_key": (2, "unknown key 'titel' in the scenario (did you mean title?)"),
    "coupled_joint": (7, "follows flex_extension"),
    "missing_model_file": (3, "model file not found"),
    "duplicate_key": (7, "appears twice"),
    "future_format": (1, "format 2 is not supported"),
    "no_keyframes": (5, "'keyframes' is empty"),
    "corrupt": (2, "not a text file"),
    "phase_past_end": (9, "after the last keyframe"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_validate_names_file_line_and_problem(capsys, name):
    path = FIXTURES / "bad" / f"{name}.yaml"
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    line, message = EXPECTED_ERRORS[name]
    assert err[0].startswith(f"{path}:{line}: ") or err[0].startswith(f"{path.relative_to(ROOT)}:{line}: ")
    assert message in err[0]
    assert not any("Traceback" in e for e in err)


def test_validate_real_process_exit_codes_and_no_traceback():
    shipped = sorted(SCENARIOS.glob("*.yaml"))
    good = run("validate", *shipped)
    assert good.returncode == 0, good.stderr
    # an exercise whose optional extra is not installed is skipped, not failed
    assert good.stdout.count(": ok (") + good.stdout.count(": skipped (") == len(shipped) >= 4
    bad = run("validate", SCENARIOS / "leg_raise.yaml", *sorted((FIXTURES / "bad").glob("*.yaml")))
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == len(EXPECTED_ERRORS) + 1  # unknown_key has two problems
    assert all(":" in line and line.startswith("tests/fixtures/bad/") for line in bad.stderr.strip().splitlines())


@pytest.mark.parametrize("name", ["unknown_joint", "bad_yaml", "out_of_range"])
def test_lengths_refuses_broken_files_and_writes_nothing(tmp_path, capsys, name):
    out = tmp_path / "out.csv"
    assert main(["lengths", str(FIXTURES / "bad" / f"{name}.yaml"), "-o", str(out)]) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert capsys.readouterr().err.count("\n") >= 1


def test_lengths_rejects_bad_output_paths_before_working(tmp_path, capsys):
    assert main(["lengths", str(SCENARIOS / "leg_raise.yaml"), "-o", str(tmp_path / "nope" / "x.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["lengths", str(SCENARIOS / "leg_raise.yaml"), "-o", str(tmp_path / "x.txt")]) == 1
    assert "unsupported output type" in capsys.readouterr().err


def test_muscles_and_joints_list_names_ranges_and_aliases(capsys):
    assert main(["muscles", "--group", "hip flexors"]) == 0
    out = capsys.readouterr().out
    assert "psoas_r" in out and "Psoas major, right" in out and "hamstrings" not in out
    assert main(["joints"]) == 0
    out = capsys.readouterr().out
    assert "hip_flexion" in out and "→ hip_flexion_r, hip_flexion_l" in out
    assert "trunk_flexion" in out and "-flex_extension" in out
    assert "knee_angle_r" in out and "0 … 120°" in out
    assert main(["muscles", "--group", "abs"]) == 1


def test_help_is_there_for_a_newcomer():
    result = run("--help")
    assert result.returncode == 0
    for verb in ("lengths", "summary", "validate", "muscles", "joints"):
        assert verb in result.stdout
    lengths_help = run("lengths", "--help").stdout
    assert "example:" in lengths_help and "metres" in lengths_help
