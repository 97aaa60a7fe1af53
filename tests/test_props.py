"""Props: the file format and its errors, placement per frame, the meshes, and what is drawn."""
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.conftest import ROOT, SCENARIOS, as_yaml12
from viewer.core.session.feed import FrameFeed
from viewer.core.base.errors import ScenarioError
from viewer.core.motion.kinematics import Kinematics
from viewer.core.scenario.props import PROPS_DIR, Props, between, prop_catalogue, rotation
from viewer.core.model.binding import load_checked
from viewer.core.scenario.check import check_against_model
from viewer.core.scenario.write import dump_scenario
from viewer.core.scenario.read import scenario_from_text

HEAD = """\
format: 1
title: Props
posture: supine
keyframes:
  - time: 0
    pose: {elbow_flexion: 0}
  - time: 1
    pose: {elbow_flexion: 90}
props:
"""


def problems(props_yaml: str, model) -> list[str]:
    """Every message for a scenario with these props lines, structure and model checks alike."""
    text = HEAD + textwrap.indent(textwrap.dedent(props_yaml), "  ")
    try:
        check_against_model(scenario_from_text(text, "p.yaml", Path("p.yaml")), model)
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]
    return []


# --- the format ------------------------------------------------------------------------------
def test_props_round_trip_through_save_and_load():
    text = HEAD + textwrap.indent(textwrap.dedent("""\
        - {mesh: dumbbell, ride: capitate_r, offset: [0, -0.065, 0.03]}
        - {mesh: barbell, ride: [capitate_r, capitate_l], rotate: [0, 0, 5], colour: "#aabbcc"}
        - {mesh: bench, at: torso, offset: [0, 0.2, -0.1]}
        - {mesh: floor_mat}
        """), "  ")
    scenario = scenario_from_text(text)
    assert [p.mesh for p in scenario.props] == ["dumbbell", "barbell", "bench", "floor_mat"]
    assert scenario.props[1].ride == ("capitate_r", "capitate_l") and scenario.props[2].at == ("torso",)
    again = scenario_from_text(dump_scenario(scenario))
    assert again.props == scenario.props


def test_all_shipped_scenarios_match_the_schema_with_props():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCENARIOS / "scenario.schema.json").read_text())
    for path in SCENARIOS.glob("*.yaml"):
        jsonschema.validate(as_yaml12(yaml.safe_load(path.read_text())), schema)
    bad = {"format": 1, "title": "x", "keyframes": [{"time": 0}], "props": [{"mesh": "bench", "offset": [0, 1]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_unknown_prop_and_body_name_the_line_and_suggest(full_body):
    found = problems("""\
        - {mesh: dumbell, ride: capitate_r}
        - {mesh: barbell, ride: [capitate_r, capitat_l]}
        - {mesh: bench, at: torsoo}
        """, full_body)
    assert found[0].startswith("p.yaml:10: unknown prop 'dumbell' (did you mean dumbbell?)")
    assert found[1] == "p.yaml:11: unknown body 'capitat_l' (did you mean capitate_l?)"
    assert found[2] == "p.yaml:12: unknown body 'torsoo' (did you mean torso?)"


@pytest.mark.parametrize("entry, message", [
    ("{mesh: bench, offset: [0, 1]}", "'props[0].offset' must be a list of three numbers [x, y, z], not a list"),
    ("{mesh: bench, offset: [0, .nan, 0]}", "'props[0].offset[1]' must be a finite number, not nan"),
    ("{mesh: bench, rotate: [0, x, 0]}", "'props[0].rotate[1]' must be a number, not text 'x'"),
    ("{mesh: bench, ride: [a, b, c]}", "'props[0].ride' must be a body name or a list of two body names"),
    ("{mesh: bench, ride: [torso, torso]}", "'props[0].ride' names torso twice: give two different bodies"),
    ("{mesh: bench, ride: torso, at: torso}", "has both 'ride' (moves with a body) and 'at'"),
    ("{mesh: bench, on: torso}", "'on' is not a prop key; write 'ride: BODY'"),
    ("{mesh: bench, colour: red}", "must be a colour like \"#8a9099\", not 'red'"),
    ("{mesh: bench, offest: [0, 0, 0]}", "unknown key 'offest' in prop 1 (did you mean offset?)"),
    ("{ride: torso}", "'mesh' is required"),
])
def test_bad_prop_entries_are_one_line_errors(full_body, entry, message):
    found = problems(f"- {entry}\n", full_body)
    assert len(found) == 1 and found[0].startswith("p.yaml:10: ") and message in found[0], found


def test_a_mesh_file_next_to_the_scenario_is_a_prop(tmp_path, full_body):
    import trimesh

    trimesh.creation.box(extents=(0.1, 0.2, 0.3)).export(tmp_path / "block.stl")
    text = HEAD + "  - {mesh: block.stl}\n  - {mesh: missing.stl}\n"
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_checked(tmp_path / "s.yaml")
    assert len(info.value.problems) == 1 and "unknown prop 'missing.stl'" in str(info.value)
    (tmp_path / "s.yaml").write_text(HEAD + "  - {mesh: block.stl, offset: [0, 0, 1]}\n")
    scenario, model = load_checked(tmp_path / "s.yaml")
    props = Props(model.kinematics(scenario))
    assert props.meshes[0].faces.shape == (12, 3) and props.floor_level() == 0.0


# --- the meshes ------------------------------------------------------------------------------------
EXTENTS = {"floor_mat": (0.65, 1.8, 0.012), "pullup_bar": (1.32, 0.9, 2.566), "bench": (0.42, 1.15, 0.43),
           "barbell": (1.6, 0.34, 0.34), "dumbbell": (0.23, 0.11, 0.11)}


@pytest.mark.parametrize("name", sorted(EXTENTS))
def test_built_in_props_are_small_real_meshes_of_the_documented_size(name):
    import trimesh

    entry = prop_catalogue()[name]
    path = PROPS_DIR / entry["file"]
    assert path.stat().st_size < 64_000
    mesh = trimesh.load(path, force="mesh")
    assert np.allclose(mesh.extents, EXTENTS[name], atol=0.005)
    assert mesh.is_watertight or name == "pullup_bar"  # the frame's parts overlap; each is closed


# --- placement ---------------------------------------------------------------------------------------
def test_rotation_turns_about_x_then_y_then_z():
    assert np.allclose(rotation([0, 0, 90]) @ [1, 0, 0], [0, 1, 0])
    assert np.allclose(rotation([90, 0, 90]) @ [0, 1, 0], rotation([0, 0, 90]) @ [0, 0, 1])


def test_between_two_points_centres_on_them_and_stays_upright():
    frame = between(np.array([0.0, 0, 0]), np.array([0.0, 1, 0.2]), np.array([0.0, 0, 1]))
    assert np.allclose(frame[:3, 3], [0, 0.5, 0.1])
    assert np.allclose(frame[:3, 0], np.array([0, 1, 0.2]) / np.linalg.norm([0, 1, 0.2]))
    assert frame[2, 2] > 0.97 and np.allclose(frame[:3, :3].T @ frame[:3, :3], np.eye(3))


@pytest.fixture(scope="module")
def curl():
    scenario, model = load_checked(SCENARIOS / "bicep_curl.yaml")
    kin = model.kinematics(scenario)
    return kin, Props(kin), kin.sample(kin.times(4))


def test_a_riding_dumbbell_moves_with_the_hand(curl):
    kin, props, frames = curl
    hand = kin.model.body_id("capitate_r")
    path, local = [], []
    for i in range(len(frames)):
        T = props.transforms(frames, i)[0]
        path.append(T[:3, 3])
        R, p = frames.body_mat[i, hand], frames.body_pos[i, hand]
        local.append(R.T @ (T[:3, 3] - p))
    path, local = np.array(path), np.array(local)
    assert np.ptp(path[:, 2]) > 0.3  # it rises with the curl ...
    assert np.allclose(local, props.specs[0].offset, atol=1e-9)  # ... staying in the hand


def test_a_bar_in_both_hands_spans_them_and_still_props_do_not_move():
    scenario, model = load_checked(SCENARIOS / "bench_press.yaml")
    kin = model.kinematics(scenario)
    props, frames = Props(kin), kin.sample([0.0, 1.0, 2.0])
    right, left = model.body_id("capitate_r"), model.body_id("capitate_l")
    for i in range(3):
        bench, bar = props.transforms(frames, i)
        hands = frames.body_pos[i, [right, left]]
        assert np.allclose(bar[:3, 3], hands.mean(axis=0) + bar[:3, 2] * 0.05)
        assert abs(np.dot(bar[:3, 0], hands[1] - hands[0])) == pytest.approx(np.linalg.norm(hands[1] - hands[0]))
        assert np.allclose(bench, props.transforms(frames, 0)[0])
    assert props.transforms(frames, 2)[1][2, 3] < props.transforms(frames, 0)[1][2, 3] - 0.2  # the bar comes down


# --- drawn ---------------------------------------------------------------------------------------------
def test_props_are_drawn_and_move_in_place():
    pytest.importorskip("pyvista")
    from viewer.core.analysis.colour import Colouring
    from viewer.render.export import ExportOptions, open_stage

    scenario, model = load_checked(SCENARIOS / "bench_press.yaml")
    kin = model.kinematics(scenario)
    options = ExportOptions(size=(200, 150), anti_aliasing="none", text=False, bones=False, floor=False, muscles=())
    stage = open_stage(FrameFeed(kin, Colouring(kin, "plain")), options)
    try:
        assert len(stage.scene.prop_actors.actors) == 2
        actors = stage.plotter.renderer.GetActors().GetNumberOfItems()
        images = []
        for t in (0.0, 2.0):
            frames = kin.sample([t])
            stage.show(frames, 0, stage.scene.paint(*stage.feed.colouring.paint(frames))[0])
            images.append(stage.pixels().astype(int))
        assert stage.plotter.renderer.GetActors().GetNumberOfItems() == actors
        background = images[0][:, :1]
        assert (np.abs(images[0] - background).sum(axis=2) > 30).sum() > 500  # bench and bar cover pixels
        assert np.abs(images[0] - images[1]).sum(axis=2).astype(bool).sum() > 200  # the bar moved
    finally:
        stage.close()


def test_make_props_writes_the_committed_files(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_props", ROOT / "tools" / "make_props.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(tool, "OUT", tmp_path / "meshes" / "props")
    tool.main()
    for name in EXTENTS:
        assert (tmp_path / "meshes" / "props" / f"{name}.obj").read_text() == (PROPS_DIR / f"{name}.obj").read_text()
