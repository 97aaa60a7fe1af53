"""Batch plan files: the schema, the one-line errors, and the jobs a plan expands to (no rendering)."""
from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT, SCENARIOS, as_yaml12
from viewer.batch.jobs import expand
from viewer.batch.plan import load_plan
from viewer.core.base.errors import ScenarioError

PLANS = SCENARIOS / "plans"
SCHEMA = json.loads((PLANS / "plan.schema.json").read_text())
EXAMPLE = PLANS / "example.yaml"


def plan_file(tmp_path, text: str):
    path = tmp_path / "plan.yaml"
    path.write_text(f"format: 1\nscenarios: [{SCENARIOS}/leg_raise.yaml]\n" + text)
    return path


def problems(path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        expand(load_plan(path))
    return [str(p) for p in caught.value.problems]


def test_example_plan_is_twelve_readable_outputs():
    names = [job.name for job in expand(load_plan(EXAMPLE))]
    assert len(names) == 12
    assert names[:4] == ["leg_raise/left-slide.mp4", "leg_raise/left-slide-phase-1-end.png",
                         "leg_raise/three-quarter-slide.mp4", "leg_raise/three-quarter-slide-phase-1-end.png"]
    assert {n.split("/")[0] for n in names} == {"leg_raise", "reverse_crunch", "crunch"}


def test_example_still_is_at_the_end_of_the_first_phase():
    jobs = {job.name: job for job in expand(load_plan(EXAMPLE))}
    assert jobs["leg_raise/left-slide-phase-1-end.png"].time == 2.5  # legs vertical
    assert jobs["reverse_crunch/left-slide-phase-1-end.png"].time == 2.0
    assert jobs["crunch/left-slide.mp4"].size == "640x360" and jobs["crunch/left-slide.mp4"].fps == 15


def test_schema_accepts_the_example_and_a_full_plan(tmp_path):
    jsonschema.validate(as_yaml12(yaml.safe_load(EXAMPLE.read_text())), SCHEMA)
    full = plan_file(tmp_path, "views: [scenario, front]\nsizes: {phone: 720x1280, hd: 1920x1080}\n"
                               "colours: [scenario, group]\noutputs: [mp4, gif, html, {png: [0, middle, phase-ends]}]\n"
                               "video: {fps: 24, speed: 0.5, loops: 2, orbit: 90, muscles: lines}\n"
                               "still: {transparent: true}\npage: {note: Ten a day.}\n")
    jsonschema.validate(as_yaml12(yaml.safe_load(full.read_text())), SCHEMA)
    jobs = expand(load_plan(full))
    # 2 views × 2 colours × (2 sizes × (2 videos + 1 + 1 + 3 phase ends stills) + 1 page)
    assert len(jobs) == 2 * 2 * (2 * (2 + 5) + 1)
    names = {job.name for job in jobs}
    assert "leg_raise/scenario-view-phone-group-phase-3-end.png" in names
    assert "leg_raise/front-hd-at-0s.png" in names
    assert "leg_raise/front-group.html" in names


@pytest.mark.parametrize("broken", [
    {"format": 1, "scenarios": ["a.yaml"]},
    {"format": 2, "scenarios": ["a.yaml"], "outputs": ["mp4"]},
    {"format": 1, "scenarios": ["a.yaml"], "outputs": ["mov"]},
    {"format": 1, "scenarios": ["a.yaml"], "outputs": ["mp4"], "views": ["sideways"]},
    {"format": 1, "scenarios": ["a.yaml"], "outputs": ["mp4"], "sizes": {"hd": "big"}},
    {"format": 1, "scenarios": ["a.yaml"], "outputs": [{"png": ["noon"]}]},
    {"format": 1, "scenarios": ["a.yaml"], "outputs": ["mp4"], "video": {"fps": 0}},
    {"format": 1, "scenarios": ["a.yaml"], "outputs": ["mp4"], "colour": ["rate"]},
])
def test_schema_and_the_reader_refuse_broken_plans(tmp_path, broken):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
    (tmp_path / "a.yaml").write_text((SCENARIOS / "leg_raise.yaml").read_text())
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(broken))
    assert problems(path)  # the batch's own reader agrees


def test_errors_name_file_line_and_key_with_suggestions(tmp_path):
    path = plan_file(tmp_path, "views: [left, thre-quarter]\n"
                               "outputs:\n  - mp4\n  - mpg\n  - {png: [middel]}\n"
                               "video: {fps: 30, sped: 2}\n")
    found = problems(path)
    assert any(f.endswith(":3: views[1] must be one of scenario, front, back, left, right, top, three-quarter, "
                          "not 'thre-quarter' (did you mean three-quarter?)") for f in found)
    assert any(f.endswith(":6: outputs[1] must be one of mp4, gif, html or {png: [times]}, not 'mpg' "
                          "(did you mean mp4?)") for f in found)
    assert any(":7: a still's time is seconds" in f and "(did you mean middle?)" in f for f in found)
    assert any(f.endswith(":8: unknown key 'sped' in 'video' (did you mean speed?)") for f in found)
    assert all(f.startswith(str(path)) or f.startswith("plan.yaml") for f in found)


def test_missing_scenario_and_still_after_the_end(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("format: 1\nscenarios:\n  - nowhere.yaml\n  - 'none*.yaml'\noutputs: [mp4]\n")
    found = problems(path)
    assert any(":3: scenario 'nowhere.yaml' not found (looked for " in f for f in found)
    assert any(":4: 'none*.yaml' matches no scenario file (.yaml)" in f for f in found)
    late = plan_file(tmp_path, "outputs:\n  - {png: [9.5]}\n")
    shown = "scenarios/leg_raise.yaml"  # as the user would type it from the project folder
    assert problems(late) == [f"{late}:4: a still at 9.5 s is after the end of {shown} (5.5 s)"]
    phases = plan_file(tmp_path, "outputs:\n  - {png: [phase-4-end]}\n")
    assert problems(phases) == [f"{phases}:4: phase-4-end: {shown} has 3 phases"]

def test_a_still_named_twice_is_made_once(tmp_path):
    path = plan_file(tmp_path, "outputs: [{png: [phase-ends, phase-1-end, 2.5]}]\n")
    names = [job.name for job in expand(load_plan(path))]
    assert names == ["leg_raise/scenario-view-720p-phase-1-end.png", "leg_raise/scenario-view-720p-phase-2-end.png",
                     "leg_raise/scenario-view-720p-phase-3-end.png", "leg_raise/scenario-view-720p-at-2.5s.png"]


def test_two_scenarios_with_one_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "leg_raise.yaml").write_text((SCENARIOS / "leg_raise.yaml").read_text())
    path = tmp_path / "plan.yaml"
    path.write_text(f"format: 1\nscenarios: [{SCENARIOS}/leg_raise.yaml, a/leg_raise.yaml]\noutputs: [mp4]\n")
    assert any("two scenarios are named 'leg_raise'" in f for f in problems(path))


def test_globs_expand_relative_to_the_plan(tmp_path):
    for name in ("crunch", "plank"):
        (tmp_path / f"{name}.yaml").write_text((SCENARIOS / f"{name}.yaml").read_text())
    path = tmp_path / "plan.yaml"
    path.write_text("format: 1\nscenarios: '*.yaml'\noutputs: [html]\n")
    # the plan itself is a .yaml beside them, but not a scenario: a glob takes files, the plan is skipped
    path.rename(tmp_path / "plan.yml")
    names = [job.name for job in expand(load_plan(tmp_path / "plan.yml"))]
    assert names == ["crunch/scenario-view.html", "plank/scenario-view.html"]


def test_cli_lists_the_outputs_and_refuses_a_bad_plan_in_one_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "viewer", "batch", str(EXAMPLE), "-o", str(tmp_path / "out"), "--list"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "leg_raise/left-slide.mp4" and len(run.stdout.splitlines()) == 12
    bad = plan_file(tmp_path, "outputs: [mp4]\nsizes: {hd: 99999x10}\n")
    run = subprocess.run([sys.executable, "-m", "viewer", "batch", str(bad), "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().endswith("plan.yaml:4: sizes.hd: bad size '99999x10': width and height must be "
                                       "64…7680 pixels")
    assert not (tmp_path / "out").exists()  # nothing made before the plan is right


def test_a_plan_asking_for_too_many_outputs_is_refused_before_any_work(tmp_path):
    seconds = ", ".join(str(k / 100) for k in range(550))  # 550 stills of each of 6 views × 40 sizes
    sizes = ", ".join(f"s{k}: {200 + 2 * k}x200" for k in range(40))
    path = plan_file(tmp_path, f"views: [front, back, left, right, top, three-quarter]\nsizes: {{{sizes}}}\n"
                               f"outputs: [{{png: [{seconds}]}}]\n")
    assert problems(path) == [f"{path}: makes more than 100,000 outputs; split it into several plans"]
