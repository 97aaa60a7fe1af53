"""Captions that stay true, and the scenarios File → New writes (display-free)."""
import pytest

from tests.conftest import SCENARIOS
from viewer.core.analysis.lengths import summarize
from viewer.core.analysis.caption_check import generated_captions
from viewer.core.view.captions import caption_text, stale_captions, unknown_placeholders
from viewer.core.motion.kinematics import Kinematics
from viewer.core.model.binding import load_checked
from viewer.core.scenario.read import scenario_from_text
from viewer.core.session.scenario_edit import ScenarioEdit
from viewer.core.session.wizard import PATTERNS, ExerciseSpec, build_scenario, exercise_text


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_pattern_writes_a_scenario_that_validates(pattern, full_body, tmp_path):
    spec = ExerciseSpec(movement="elbow_flexion", amount=90, pattern=pattern, posture="seated")
    target = tmp_path / "new.yaml"
    scenario = build_scenario(spec, full_body, target)
    target.write_text(exercise_text(scenario, target))
    again, _ = load_checked(target)
    values = [k.pose["elbow_flexion"] for k in again.keyframes]
    expected = {"raise and lower": [0, 90, 90, 0], "curl": [0, 90, 90, 0], "press": [90, 0, 0, 90],
                "hold": [0, 90, 90]}[pattern]
    assert values == expected and len(again.phases) == len(expected) - 1
    assert all(p.caption for p in again.phases) and stale_captions(full_body.kinematics(again)) == []


def test_generated_captions_quote_the_summary_numbers(full_body):
    scenario = build_scenario(ExerciseSpec(), full_body)  # right hip flexion to 60°, standing
    kin = full_body.kinematics(scenario)
    first = summarize(kin, top=50)[0]
    iliacus = next(m for m in first.shortening if m.label == "Iliacus, right")
    psoas = next(m for m in first.shortening if m.label == "Psoas major, right")
    assert scenario.phases[0].caption.startswith(
        f"Right hip flexion to 60°: the right iliacus and psoas major shorten by {abs(iliacus.change):.1f} % "
        f"and {abs(psoas.change):.1f} %")
    assert scenario.focus == ["hip flexors", "glutes"]


def test_a_changed_keyframe_flags_the_caption_and_regenerating_fixes_it(full_body, tmp_path):
    scenario = build_scenario(ExerciseSpec(), full_body, tmp_path / "hip.yaml")
    text = exercise_text(scenario, tmp_path / "hip.yaml")
    edit = ScenarioEdit(scenario_from_text(text, "hip.yaml", tmp_path / "hip.yaml"), full_body, text)
    assert edit.stale_captions() == []
    edit.update_keyframe(1, {"hip_flexion_r": 45})
    edit.update_keyframe(2, {"hip_flexion_r": 45})
    stale = edit.stale_captions()
    assert [s.phase for s in stale] == [0, 2]  # the move up (60°, its %) and the move down (its %)
    assert "says 60°" in stale[0].message and "Regenerate from the numbers" in stale[0].message
    assert any("may be stale" in p.message for p in edit.caption_notes()) and edit.problems() == []
    edit.regenerate_captions()
    assert edit.stale_captions() == [] and edit.scenario.phases[0].caption.startswith("Right hip flexion to 45°")
    assert edit.caption_notes() == []
    edit.undo()  # one step: all captions come back together
    assert [s.phase for s in edit.stale_captions()] == [0, 2]


def test_shipped_captions_are_not_flagged():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        if "opensim" in path.stem:
            continue
        scenario, model = load_checked(path)
        assert stale_captions(model.kinematics(scenario)) == [], path.name


def test_placeholders_render_with_the_current_value(full_body):
    text = (SCENARIOS / "leg_raise.yaml").read_text().replace(
        'caption: "The hip flexors (iliacus, psoas) shorten',
        'caption: "Iliacus {iliacus_r.change}, hip {hip_flexion.change}, {no_such.change}. The hip flexors (iliacus, psoas) shorten')
    scenario = scenario_from_text(text)
    kin = full_body.kinematics(scenario)
    shown = caption_text(kin, scenario.phases[0])
    assert shown.startswith("Iliacus -30.0 %, hip +90.0°, {no_such.change}. The hip flexors")
    assert unknown_placeholders(scenario, full_body) == [(0, "no_such")]
    assert generated_captions(kin)[0].startswith("Hip flexion to 90°: the iliacus and psoas major")


def test_validate_warns_about_a_stale_caption_and_still_passes(tmp_path, capsys):
    from viewer.cli import main

    path = tmp_path / "leg_raise.yaml"
    path.write_text((SCENARIOS / "leg_raise.yaml").read_text().replace(
        "caption: \"Legs vertical.", "caption: \"Hips at 100°, iliacus 31 % shorter. Legs vertical."))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "Hips at 100°" in text)
    assert out[1] == (f"{path}:{line}: warning: caption of phase 'Hold at vertical' says 100°, but no joint is at "
                      f"that in this phase: it may be stale (the editor's Regenerate from the numbers rewrites it)")


def test_a_still_draws_the_placeholder_with_its_value(full_body):
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.export import ExportOptions, open_stage

    text = (SCENARIOS / "leg_raise.yaml").read_text().replace(
        'caption: "The hip flexors (iliacus, psoas) shorten', 'caption: "Iliacus {iliacus_r.change}. The hip flexors')
    kin = full_body.kinematics(scenario_from_text(text))
    feed = FrameFeed(kin, Colouring(kin))
    stage = open_stage(feed, ExportOptions(size=(320, 240), anti_aliasing="none"))
    try:
        batch = feed.batch([1.0])
        stage.show(batch.frames, 0, stage.scene.paint(batch.rgb, batch.strength)[0])
        assert stage.overlays.caption.GetInput().startswith("Iliacus -30.0 %. The hip flexors")
    finally:
        stage.close()


def test_the_templates_knee_lift_caption_is_flagged_when_the_lift_changes(full_body, tmp_path):
    from viewer.core.scenario.template import template_text

    target = tmp_path / "new.yaml"
    text = template_text(full_body, posture="standing", target=target)
    edit = ScenarioEdit(scenario_from_text(text, "new.yaml", target), full_body, text)
    assert edit.caption_notes() == []
    for i in (1, 2):
        edit.update_keyframe(i, {"hip_flexion_r": 60, "knee_flexion_r": 60})
    notes = edit.caption_notes()
    assert notes and "phase 'Lift' says 90°" in notes[0].message  # hip and knee are at 60° now
    for i in (1, 2):  # the hip at 90° again, but the knee stays straight
        edit.update_keyframe(i, {"hip_flexion_r": 90, "knee_flexion_r": 0})
    knee = edit.caption_notes()
    assert knee and knee[0].message.startswith("caption of phase 'Lift' says the knee moves, but it does not")
    assert notes[0].line == edit.text().splitlines().index(
        next(line for line in edit.text().splitlines() if "The right hip and knee bend to 90°" in line)) + 1


def test_a_tiny_move_does_not_claim_a_hold(full_body):
    scenario = build_scenario(ExerciseSpec(movement="hip_flexion_r", amount=0.5, hold=0), full_body)
    assert scenario.phases[0].caption == ("Right hip flexion to 0.5°: no muscle changes its length noticeably. "
                                          "That says nothing about how hard they work.")
