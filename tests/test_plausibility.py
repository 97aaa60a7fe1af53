"""Stance and equipment a trainer would check (issue 22), over every shipped scenario.

Each shipped scenario is sampled at the validator's rate (at least 20 frames) and measured the
way core/motion/stance.py measures it; the numbers are printed (pytest -s shows the table) and no
scenario may have a finding. Files in tests/fixtures/implausible each carry one fault that
`validate --strict` must name in one line with its time.
"""
import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import FIXTURES, SCENARIOS
from viewer.core.model.binding import load_checked
from viewer.core.analysis.plausibility import FPS
from viewer.core.motion.stance import BAR_GAP, FOOT_LIFT, GRIP, PLATE_CLEAR, SEAT_GAP, THROUGH_SKIN, measure_stance

HAS_OPENSIM = importlib.util.find_spec("opensim") is not None
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.yaml") if HAS_OPENSIM or not p.stem.startswith("opensim"))


@lru_cache(maxsize=None)  # each scenario measured once per session, shared by the tests below
def _measured(name: str):
    scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
    kin = model.kinematics(scenario)
    frames = kin.sample(kin.times(FPS))
    return kin, frames, measure_stance(kin, frames)


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_stands_and_holds_its_equipment_as_a_trainer_would_want(name):
    kin, frames, report = _measured(name)
    assert len(frames) >= 20
    print(f"\n{name}: " + "; ".join(f"{k} {v}" for k, v in report.row().items()))
    assert report.findings == [], [f"t = {f.time:.2f} s: {f.message}" for f in report.findings]
    if report.foot_lift is not None:
        assert report.foot_lift <= FOOT_LIFT
    if report.bar_to_sternum is not None:
        assert 0 < report.bar_to_sternum <= BAR_GAP
        assert GRIP[0] <= report.grip_ratio[0] <= report.grip_ratio[1] <= GRIP[1]
        assert report.plate_clearance >= PLATE_CLEAR
    if report.seat_gap is not None:
        assert abs(report.seat_gap) <= SEAT_GAP
    if report.muscle_depth is not None:
        assert report.muscle_depth[0] <= THROUGH_SKIN


def test_the_measured_scenarios_are_the_ones_with_each_thing_to_check():
    """The checks run where they should: a foot check on the standing ones, the bar on the press."""
    reports = {n: _measured(n)[2] for n in ("bicep_curl", "bench_press", "seated_knee_extension")}
    assert reports["bicep_curl"].foot_lift is not None and reports["bicep_curl"].handle_to_hand is not None
    assert reports["bicep_curl"].dumbbell_clearance > 0.005  # the heads clear the thighs and forearms
    press = reports["bench_press"]
    assert press.bar_to_sternum is not None and press.bar_past_notch < 0  # the bar never passes the notch
    assert reports["seated_knee_extension"].seat_gap is not None


@pytest.mark.parametrize("fixture, words", [
    ("tiptoe_stance", ["tiptoe: right heel", "cm off the floor"]),
    ("bar_over_the_face", ["the bar is over the neck or face", "cm past the top of the sternum"]),
    ("floating_seat", ["the seated pelvis floats", "cm above its seat"]),
])
def test_validate_strict_names_each_fault_in_one_line_with_its_time(capsys, fixture, words):
    from viewer.cli import main

    bad = FIXTURES / "implausible" / f"{fixture}.yaml"
    assert main(["validate", "--strict", str(bad)]) == 1
    lines = capsys.readouterr().err.splitlines()
    hits = [line for line in lines if all(w in line for w in words)]
    assert hits, lines
    shown = bad.relative_to(Path.cwd()) if bad.is_relative_to(Path.cwd()) else bad
    assert all(line.startswith(f"{shown}:") and ": t = " in line and " s: " in line for line in hits)
    assert len(hits[0]) < 200  # one line, no traceback, no echo of the file


def test_a_scenario_that_lifts_a_foot_on_purpose_is_not_asked_to_keep_it_flat():
    """The hip flexor stretch stands on the back foot's toes: only its front foot must be flat."""
    kin, frames, report = _measured("hip_flexor_stretch")
    model = kin.model
    heel_l = model.body_id("calcn_l")
    heel = np.concatenate([frames.geom_pos[:, g][:, None] for g, geom in enumerate(model.bone_geoms)
                           if model.bone_body(geom) == heel_l], axis=1)
    assert heel[..., 2].max() > FOOT_LIFT  # the back heel is up…
    assert report.foot_lift <= FOOT_LIFT  # …and no finding says so


def test_a_standing_body_with_no_leg_keys_stands_flat_on_straight_legs(tmp_path, capsys):
    """Legs the file leaves free are posed by the contact solver: they lean to straight, heels down
    (seeded with a bent knee, the one-point floor contact was met on tiptoe, knees 33° bent)."""
    from viewer.cli import main

    path = tmp_path / "stand.yaml"
    path.write_text("format: 1\ntitle: Stand\nmodel: full-body\nposture: standing\nkeyframes:\n"
                    "  - {time: 0, pose: {elbow_flexion: 5}}\n  - {time: 2, pose: {elbow_flexion: 90}}\n")
    assert main(["validate", "--strict", str(path)]) == 0, capsys.readouterr().err
    scenario, model = load_checked(path)
    kin = model.kinematics(scenario)
    frames = kin.sample(kin.times(FPS))
    report = measure_stance(kin, frames)
    assert report.findings == [] and report.foot_lift <= FOOT_LIFT
    knees = np.degrees(frames.qpos[:, [model.joints[f"knee_angle_{s}"].qposadr for s in "rl"]])
    assert knees.max() < 5.0, knees.max()
