"""Scenario format v1: interpolation per channel, aliases, save round trip, JSON Schema."""
import json
import os

import jsonschema
import numpy as np
import pytest
import yaml

from tests.conftest import FIXTURES, SCENARIOS, as_yaml12
from viewer.core.base.errors import ScenarioError
from viewer.core.motion.kinematics import Motion
from viewer.core.scenario.check import check_against_model
from viewer.core.scenario.write import dump_scenario, save_scenario
from viewer.core.scenario.read import load_scenario, scenario_from_text
from viewer.core.scenario.template import schema_line

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
SCHEMA = json.loads((SCENARIOS / "scenario.schema.json").read_text())


def scenario(keyframes: str, extra: str = ""):
    return scenario_from_text(f"format: 1\ntitle: test\nposture: supine\n{extra}keyframes:\n{keyframes}")


def channel(motion, name):
    return [j.name for j in motion.joints].index(name)


@pytest.mark.parametrize("ease, expected_mid", [("linear", 45.0), ("smooth", 45.0), ("min_jerk", 45.0),
                                                ("step", 0.0)])
def test_eases_shape_the_segment_ending_at_their_key(full_body, ease, expected_mid):
    s = scenario(f"  - time: 0\n    pose: {{hip_flexion_r: 0}}\n  - time: 2\n    pose: {{hip_flexion_r: 90}}\n"
                 f"    ease: {ease}\n")
    motion = Motion(s, full_body)
    values, rates = motion.evaluate(np.array([0.5, 1.0, 2.0]))
    deg = np.degrees(values[:, 0])
    assert deg[1] == pytest.approx(expected_mid)
    assert deg[2] == pytest.approx(90.0)
    if ease == "linear":
        assert deg[0] == pytest.approx(22.5) and np.degrees(rates[0, 0]) == pytest.approx(45.0)
    if ease == "smooth":
        assert deg[0] == pytest.approx(90 * (3 * 0.25**2 - 2 * 0.25**3))
    if ease == "step":
        assert np.all(rates == 0)


def test_each_joint_is_its_own_channel_and_holds_outside_its_keys(full_body):
    s = scenario("  - time: 0\n    pose: {hip_flexion: 0}\n  - time: 1\n    pose: {knee_flexion: 40}\n"
                 "  - time: 2\n    pose: {hip_flexion: 60}\n    ease: linear\n")
    motion = Motion(s, full_body)
    values, _ = motion.evaluate(np.array([0.0, 0.5, 1.0, 3.0]))
    hip, knee = np.degrees(values[:, channel(motion, "hip_flexion_r")]), np.degrees(values[:, channel(motion, "knee_angle_r")])
    np.testing.assert_allclose(hip, [0, 15, 30, 60])  # linear 0→60 over 0..2 s, ignoring the knee key
    np.testing.assert_allclose(knee, [40, 40, 40, 40])  # one key: held everywhere
    assert "elbow_flexion_r" not in [j.name for j in motion.joints]  # never named: stays neutral


def test_aliases_hide_sign_conventions(full_body):
    s = scenario("  - time: 0\n    pose: {trunk_flexion: 30, ankle_plantarflexion_r: 20, shoulder_flexion_l: 90}\n")
    values, _ = Motion(s, full_body).evaluate(np.array([0.0]))
    motion = Motion(s, full_body)
    assert np.degrees(values[0, channel(motion, "flex_extension")]) == pytest.approx(-30)
    assert np.degrees(values[0, channel(motion, "ankle_angle_r")]) == pytest.approx(-20)
    assert np.degrees(values[0, channel(motion, "elv_angle_l")]) == pytest.approx(90)  # forward plane


def test_setting_a_joint_twice_in_one_keyframe_is_an_error(full_body):
    s = scenario("  - time: 0\n    pose: {hip_flexion: 10, hip_flexion_r: 20}\n")
    with pytest.raises(ScenarioError, match="hip_flexion_r.*already sets|already sets"):
        check_against_model(s, full_body)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_round_trip_through_save(tmp_path, path):
    original = load_scenario(path)
    out = tmp_path / path.name
    save_scenario(original, out)
    again = load_scenario(out)
    assert again == original
    assert dump_scenario(again, schema_line(out)) == out.read_text()
    assert out.read_text().startswith(f"# yaml-language-server: $schema={os.path.relpath(SCENARIOS, tmp_path)}/")


def test_model_path_is_relative_to_the_scenario_file(tmp_path):
    from viewer.core.model.binding import load_checked

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "arm.xml").write_text((FIXTURES / "models" / "two_muscles.xml").read_text())
    (tmp_path / "curl.yaml").write_text("format: 1\ntitle: curl\nmodel: models/arm.xml\nkeyframes:\n"
                                        "  - time: 0\n    pose: {elbow: 0}\n  - time: 1\n    pose: {elbow: 90}\n")
    scenario, model = load_checked(tmp_path / "curl.yaml")
    assert [m.name for m in model.muscles] == ["flexor", "extensor"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_schema_accepts_every_shipped_scenario(path):
    jsonschema.validate(as_yaml12(yaml.safe_load(path.read_text())), SCHEMA)


@pytest.mark.parametrize("broken", [
    {"format": 1, "title": "x", "keyframes": []},
    {"format": 2, "title": "x", "keyframes": [{"time": 0}]},
    {"format": 1, "title": "x", "keyframes": [{"time": "zero"}]},
    {"format": 1, "title": "x", "keyframes": [{"time": 0, "ease": "bouncy"}]},
    {"format": 1, "title": "x", "keyframes": [{"time": 0, "pose": {"hip_flexion": "ninety"}}]},
    {"format": 1, "title": "x", "keyframes": [{"time": 0}], "camera": {"view": "sideways"}},
    {"format": 1, "keyframes": [{"time": 0}]},
    {"format": 1, "title": "x", "keyframes": [{"time": 0}], "colour": {"limit": 0}},
])
def test_schema_rejects_structurally_broken_scenarios(broken):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
    text = yaml.safe_dump(broken)
    with pytest.raises(ScenarioError):  # and the app's own reader agrees
        scenario_from_text(text)
