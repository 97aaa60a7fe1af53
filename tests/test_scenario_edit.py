"""The editor's document without a window: undo/redo, keyframe rules, poses, saving with comments."""
import numpy as np
import pytest

from tests.conftest import SCENARIOS
from viewer.core.base.errors import ScenarioError
from viewer.core.motion.kinematics import Kinematics
from viewer.core.motion.pose_edit import by_region, keyframe_pose, pose_keys
from viewer.core.model.binding import load_checked
from viewer.core.scenario.read import load_scenario, scenario_from_text
from viewer.core.session.scenario_edit import EditError, ScenarioEdit
from viewer.core.scenario.template import template_text

ONE_KEY = """\
# yaml-language-server: $schema=scenario.schema.json
# My own exercise: written by hand.

format: 1
title: Knee lift
posture: supine       # on the back
keyframes:
  # the start
  - time: 0
    pose: {hip_flexion: 0, knee_flexion: 0}
  - time: 2           # top of the lift
    pose: {hip_flexion: 60, knee_flexion: 90}
phases:
  - {name: Lift, from: 0, to: 2, caption: "Hips and knees bend."}
# end of file
"""


@pytest.fixture
def edit(tmp_path, full_body):
    path = tmp_path / "lift.yaml"
    path.write_text(ONE_KEY)
    scenario, _ = load_checked(path)
    return ScenarioEdit(scenario, full_body, ONE_KEY)


def test_undo_and_redo_walk_through_every_state(edit):
    first = edit.scenario
    edit.add_keyframe(3, {"hip_flexion": 0, "knee_flexion": 0})
    second = edit.scenario
    edit.set_ease(2, "min_jerk")
    assert edit.dirty and edit.undo_label == "ease of keyframe 3"
    assert edit.undo() and edit.scenario == second
    assert edit.undo() and edit.scenario == first and not edit.dirty
    assert not edit.undo()
    assert edit.redo() and edit.scenario == second
    assert edit.redo() and edit.scenario.keyframes[2].ease == "min_jerk"
    assert not edit.redo()
    edit.undo()
    edit.set_fields("change title", title="Other")  # a new edit drops the redo branch
    assert not edit.can_redo and edit.scenario.title == "Other"


def test_one_drag_is_one_undo_step(edit):
    for t in (2.2, 2.4, 2.6):
        edit.move_keyframe(1, t, merge=True)
    edit.end_merge()
    assert edit.scenario.keyframes[1].time == 2.6
    assert edit.scenario.phases[0].end == 2.6  # the phase that ended on the keyframe moved along
    edit.undo()
    assert edit.scenario.keyframes[1].time == 2 and edit.scenario.phases[0].end == 2


def test_keyframe_rules_say_what_is_wrong(edit):
    with pytest.raises(EditError, match="already a keyframe at 2 s"):
        edit.add_keyframe(2.0, {"hip_flexion": 10})
    assert edit.move_keyframe(0, 3) == 1  # passing a neighbour reorders
    assert [k.time for k in edit.scenario.keyframes] == [2, 3]
    edit.duplicate_keyframe(0, 1)
    assert edit.scenario.keyframes[0].pose == edit.scenario.keyframes[1].pose
    edit.delete_keyframe(0)
    edit.delete_keyframe(0)
    with pytest.raises(EditError, match="at least one keyframe"):
        edit.delete_keyframe(0)


def test_poses_use_the_authors_names_and_split_sides_only_when_needed(edit):
    values = edit.joint_values(1.0)  # halfway: smooth ease gives half the angles
    assert values["hip_flexion_r"] == pytest.approx(30) and values["knee_angle_l"] == pytest.approx(45)
    assert edit.pose_for(values, [], None) == {"hip_flexion": 30, "knee_flexion": 45}
    edit.keys["hip_flexion_r"].write(values, 80)
    pose = edit.pose_for(values, ["hip_flexion_r"], None)
    assert pose == {"hip_flexion_r": 80, "knee_flexion": 45, "hip_flexion_l": 30}
    edit.keys["knee_flexion"].write(values, 500)  # ranges are enforced, never exceeded
    assert values["knee_angle_r"] == edit.keys["knee_flexion"].upper == pytest.approx(120, abs=1e-3)


def test_opposite_movements_share_one_slider(full_body):
    names = {k.name for keys in by_region(pose_keys(full_body)).values() for k in keys}
    assert {"hip_flexion", "knee_flexion", "hip_flexion_r"} <= names
    assert "hip_extension" not in names and "trunk_extension" not in names


def test_keyframe_pose_never_sets_a_joint_twice(edit):
    values = {"hip_flexion_r": 10.0, "hip_flexion_l": 10.0}
    pose = keyframe_pose(values, {"hip_flexion_r", "hip_flexion_l"}, ["hip_flexion_r"], edit.keys)
    assert pose == {"hip_flexion_r": 10, "hip_flexion_l": 10}
    pose = keyframe_pose(values, {"hip_flexion_r", "hip_flexion_l"}, [], edit.keys)
    assert pose == {"hip_flexion": 10}


def test_save_keeps_comments_and_reads_back_the_same(edit, tmp_path):
    edit.add_keyframe(1, {"hip_flexion": 20, "knee_flexion": 30})  # inserted before the commented key
    edit.update_phase(0, caption="Hips and knees bend, slowly.")
    target = edit.save()
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# My own exercise: written by hand." in text
    assert "posture: supine       # on the back" in text
    assert "  # the start\n  - time: 0" in text
    assert "  - time: 2           # top of the lift" in text  # stayed with its keyframe, not its position
    assert text.rstrip().endswith("# end of file")
    assert not edit.dirty
    again = load_scenario(target)
    assert again == edit.scenario
    assert again.phases[0].caption == "Hips and knees bend, slowly."  # ', ' inside a flow mapping is quoted


def test_save_refuses_a_file_validate_would_reject(edit, tmp_path):
    edit.delete_keyframe(1)  # the phase now ends after the last keyframe
    problems = edit.problems()
    assert len(problems) == 1 and "after the last keyframe" in problems[0].message
    raw = tmp_path / "lift.yaml"
    before = raw.read_text()
    with pytest.raises(ScenarioError):
        edit.save()
    assert raw.read_text() == before and edit.dirty
    # The editor's messages are what `validate` prints for the file it would write.
    raw.write_text(edit.text())
    with pytest.raises(ScenarioError) as exc:
        load_checked(raw)
    assert [str(p) for p in exc.value.problems] == [str(p) for p in problems]


@pytest.mark.parametrize("name", ["leg_raise", "crunch", "reverse_crunch"])
def test_shipped_scenarios_survive_an_editor_save(name, tmp_path, full_body):
    source = SCENARIOS / f"{name}.yaml"
    scenario, model = load_checked(source)
    edit = ScenarioEdit(scenario, model, source.read_text())
    target = edit.save(tmp_path / f"{name}.yaml")
    assert load_scenario(target) == scenario
    assert edit.problems() == []


def test_template_comments_survive_edits(full_body, tmp_path):
    target = tmp_path / "new.yaml"
    text = template_text(full_body, target=target)
    scenario = scenario_from_text(text, str(target), target)
    edit = ScenarioEdit(scenario, full_body, text)
    edit.set_ease(1, "min_jerk")
    saved = edit.save(target).read_text()
    assert "# Keyframes: joint angles over time." in saved
    assert "format: 1                 # version of the file format; always 1" in saved
    assert "ease: min_jerk" in saved and load_scenario(target).keyframes[1].ease == "min_jerk"


def test_edited_scenario_samples_like_its_saved_file(edit):
    edit.add_keyframe(3, {"hip_flexion": 10, "knee_flexion": 10}, "linear")
    target = edit.save()
    reloaded, model = load_checked(target)
    times = np.linspace(0, 3, 31)
    a = edit.model.kinematics(edit.scenario).sample(times).qpos
    b = model.kinematics(reloaded).sample(times).qpos
    np.testing.assert_allclose(a, b, atol=1e-12)


def test_path_of_a_new_file_is_required(full_body):
    text = template_text(full_body)
    edit = ScenarioEdit(scenario_from_text(text), full_body, text)
    with pytest.raises(EditError, match="Save As"):
        edit.save()


def test_both_sides_keys_know_their_sides(full_body):
    from viewer.core.motion.pose_edit import moving_side, side_keys, side_values, sides_differ

    keys = pose_keys(full_body)
    hip = keys["hip_flexion"]
    assert {side: k.name for side, k in side_keys(hip, keys).items()} == {"right": "hip_flexion_r",
                                                                          "left": "hip_flexion_l"}
    values = {"hip_flexion_r": 60.0, "hip_flexion_l": 0.0}
    assert side_values(hip, keys, values) == {"right": 60.0, "left": 0.0}
    assert sides_differ(hip, keys, values) and moving_side(hip, keys, values) == "right"
    assert not sides_differ(hip, keys, {"hip_flexion_r": 20.0, "hip_flexion_l": 20.0})
    assert side_keys(keys["trunk_flexion"], keys) == {} and side_keys(keys["hip_flexion_r"], keys) == {}
