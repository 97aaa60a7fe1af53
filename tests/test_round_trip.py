"""Saving keeps the author's file: load → save is byte-identical, an edit rewrites only its own lines."""
import difflib

import pytest

from tests.conftest import SCENARIOS
from viewer.core.model.binding import load_checked
from viewer.core.scenario.format import POSTURES
from viewer.core.scenario.read import load_scenario, scenario_from_text
from viewer.core.session.scenario_edit import ScenarioEdit
from viewer.core.scenario.text import scenario_text
from viewer.core.scenario.template import template_text


def _changed_lines(a: str, b: str) -> list[str]:
    """The diff, less the `$schema` line (it points from wherever the file is saved)."""
    return [line for line in difflib.ndiff(a.splitlines(), b.splitlines())
            if line[:2] in ("- ", "+ ") and "$schema=" not in line]


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_saves_byte_for_byte(path):
    text = path.read_text()
    scenario = load_scenario(path)
    assert scenario_text(scenario, path, text) == text


@pytest.mark.parametrize("posture", POSTURES)
def test_the_new_template_saves_byte_for_byte(posture, full_body, tmp_path):
    target = tmp_path / "new.yaml"
    text = template_text(full_body, posture=posture, target=target)
    edit = ScenarioEdit(scenario_from_text(text, str(target), target), full_body, text)
    assert edit.save(target).read_text() == text


def test_an_edit_of_one_keyframe_changes_only_its_lines(tmp_path):
    source = SCENARIOS / "leg_raise.yaml"
    text = source.read_text()
    scenario, model = load_checked(source)
    edit = ScenarioEdit(scenario, model, text)
    edit.update_keyframe(1, {"hip_flexion": 75, "knee_flexion": 0})
    saved = edit.save(tmp_path / "leg_raise.yaml").read_text()
    assert _changed_lines(text, saved) == ["-     pose: {hip_flexion: 90, knee_flexion: 0}",
                                           "+     pose: {hip_flexion: 75, knee_flexion: 0}"]


def test_template_keeps_ease_lines_comments_and_block_phases(full_body, tmp_path):
    target = tmp_path / "new.yaml"
    text = template_text(full_body, posture="standing", target=target)
    edit = ScenarioEdit(scenario_from_text(text, str(target), target), full_body, text)
    edit.update_phase(0, caption="The right hip bends.")
    edit.set_ease(2, "min_jerk")
    saved = edit.save(target).read_text()
    changed = _changed_lines(text, saved)
    assert len(changed) == 4, changed  # the caption line and the one ease line, old and new
    assert "    ease: min_jerk" in saved and saved.count("    ease: smooth") == 2
    assert "    ease: smooth          # shape of the move INTO this key" in saved
    assert '    caption: "The right hip bends."' in saved  # block entry, the author's quotes


def test_an_added_keyframe_takes_the_style_of_its_neighbours(tmp_path):
    source = SCENARIOS / "leg_raise.yaml"
    text = source.read_text()
    scenario, model = load_checked(source)
    edit = ScenarioEdit(scenario, model, text)
    edit.add_keyframe(6.5, {"hip_flexion": 20, "knee_flexion": 0}, "linear")
    edit.add_phase("Again", 5.5, 6.5, "A little lift.")
    edit.set_fields("title", title="Lying leg raise, twice")
    saved = edit.save(tmp_path / "leg_raise.yaml").read_text()
    assert sorted(_changed_lines(text, saved)) == sorted([
        "- title: Lying leg raise", "+ title: Lying leg raise, twice",
        "+   - time: 6.5", "+     pose: {hip_flexion: 20, knee_flexion: 0}", "+     ease: linear",
        "+   - {name: Again, from: 5.5, to: 6.5, caption: A little lift.}"])
    assert load_scenario(tmp_path / "leg_raise.yaml") == edit.scenario


def test_comments_stay_with_the_keys_they_describe(edit_one_key):
    edit, text = edit_one_key
    edit.update_keyframe(1, {"hip_flexion": 45, "knee_flexion": 90})
    edit.set_fields("posture", posture="standing")
    saved = edit.save().read_text()
    assert "posture: standing     # on the back" in saved
    assert "  # the start\n  - time: 0" in saved and "  - time: 2           # top of the lift" in saved
    assert saved.startswith("# yaml-language-server: $schema=") and saved.endswith("# end of file\n")


def test_a_long_new_summary_is_folded(edit_one_key):
    edit, _ = edit_one_key
    words = "The hips and knees bend while lying on the back, and the hip flexors shorten as they do. " * 2
    edit.set_fields("summary", summary=words.strip())
    saved = edit.save().read_text()
    assert "summary: >-\n  The hips" in saved and max(len(line) for line in saved.splitlines()) <= 96
    assert load_scenario(edit.path).summary == words.strip()


@pytest.fixture
def edit_one_key(tmp_path, full_body):
    from tests.test_scenario_edit import ONE_KEY

    path = tmp_path / "lift.yaml"
    path.write_text(ONE_KEY)
    scenario, _ = load_checked(path)
    return ScenarioEdit(scenario, full_body, ONE_KEY), ONE_KEY
