"""The live view state (core, no Qt) and the scenario keys that hold it: hide, bones, camera.

What the command line draws of a file's saved view: no hip flexors when they are hidden, no
bones at `bones: 0`, and a misspelt name answered with FILE:LINE and a suggestion.
"""
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from tests.conftest import ROOT, SCENARIOS
from viewer.core.analysis.colour import SOURCES
from viewer.core.view.playback import LOOP_MODES
from viewer.core.scenario.format import COLOUR_SOURCES, LOOPS
from viewer.core.scenario.read import scenario_from_text
from viewer.core.view.viewstate import VIEWS, CameraState, ViewState, compact_hidden, hidden_names

LEG_RAISE = (SCENARIOS / "leg_raise.yaml").read_text()


def cli(*args):
    return subprocess.run([sys.executable, "-m", "viewer", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def with_view(text: str, lines: str) -> str:
    return text.replace("camera: {view: left}", lines)


def test_one_list_each_of_views_colour_sources_and_loop_modes():
    from viewer.render.camera import VIEWS as CAMERA_DIRECTIONS

    assert COLOUR_SOURCES == tuple(SOURCES)
    assert LOOPS is LOOP_MODES
    assert set(CAMERA_DIRECTIONS) == set(VIEWS)
    for verb in ("export", "snapshot", "compare"):  # the commands take core's lists, not copies
        source = (ROOT / "viewer" / "commands" / f"{verb}.py").read_text()
        assert '"top", "three-quarter"' not in source and '"group", "plain"' not in source


def test_events_fire_once_per_real_change():
    scenario = scenario_from_text(LEG_RAISE, "leg_raise.yaml")
    state = ViewState.from_scenario(scenario)
    seen = []
    for event in state.events:
        event.connect(lambda value, name=event.name: seen.append(name))
    state.set_colour_source("group")
    state.set_colour_source("group")  # no change, no event
    state.set_hidden({"psoas_r"})
    state.set_bone_opacity(0.3)
    state.set_camera(CameraState(view="front"))
    state.set_speed(0.5)
    state.set_loop("repeat")
    state.seek(1.25)
    assert seen == ["colour", "hidden", "bones", "camera", "speed", "loop", "time"]
    assert state.time == 1.25 and state.playhead.speed == 0.5


def test_a_batch_of_changes_emits_each_event_once_with_its_last_value():
    scenario = scenario_from_text(LEG_RAISE, "leg_raise.yaml")
    state = ViewState.from_scenario(scenario)
    seen = []
    for event in state.events:
        event.connect(lambda value, name=event.name: seen.append((name, value)))
    with state.events.blocker():
        state.seek(1.0)
        state.set_bone_opacity(0.3)
        with state.events.blocker():  # nested: still held until the outer batch ends
            state.seek(2.0)
        assert seen == []  # nothing reaches a panel half-way through the batch
    assert seen == [("bones", 0.3), ("time", 2.0)]  # once each, in the events' order
    state.seek(2.5)
    assert seen[-1] == ("time", 2.5)  # after the batch, events flow again


def test_the_playhead_moves_through_the_state():
    scenario = scenario_from_text(LEG_RAISE, "leg_raise.yaml")
    state = ViewState.from_scenario(scenario)
    times = []
    state.events.time.connect(times.append)
    state.toggle_play()
    state.advance(1.0)
    state.advance(5.0)  # pingpong: 6 s into a 5.5 s scenario is 0.5 s back from the end
    assert times[-1] == pytest.approx(5.0) and state.direction == -1


def test_scenario_file_holds_the_view(full_body):
    text = with_view(LEG_RAISE, "hide: [hip flexors, rect_abd_r]\nbones: 0.3\n"
                                "camera: {view: left, position: [2, 0, 1], focal_point: [0, 0, 0.4], up: [0, 0, 1]}")
    scenario = scenario_from_text(text, "leg_raise.yaml")
    state = ViewState.from_scenario(scenario, full_body)
    assert state.bone_opacity == 0.3 and state.camera.exact and state.camera.position == (2.0, 0.0, 1.0)
    hidden = set(hidden_names(scenario, full_body))
    assert {"psoas_r", "iliacus_l", "rect_abd_r"} <= hidden and "rect_abd_l" not in hidden
    assert compact_hidden(hidden, full_body)[0] == "hip flexors"  # written back as the group it was


def test_view_flag_replaces_the_files_azimuth():
    camera = CameraState.from_settings({"view": "left", "azimuth": -35, "zoom": 1.2}, view="front")
    assert camera == CameraState(view="front")


@pytest.mark.parametrize("lines, message", [
    ("hide: [hip flexers]", "unknown muscle or group 'hip flexers' (did you mean hip flexors?)"),
    ("bones: 3", "'bones' is the bone opacity from 0 (hidden) to 1 (solid), not 3"),
    ("camera: {view: left, position: [1, 2, 3]}", "an exact camera needs position, focal_point and up together (missing: focal_point, up)"),
])
def test_bad_view_keys_name_file_and_line(tmp_path, lines, message):
    path = tmp_path / "leg_raise.yaml"
    text = LEG_RAISE.replace("camera: {view: left}\n", f"{lines}\n" if lines.startswith("camera") else
                             f"camera: {{view: left}}\n{lines}\n")
    path.write_text(text)
    result = cli("validate", path)
    assert result.returncode == 1
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(lines.split(":")[0] + ":"))
    assert f"{path.name}:{line}:" in result.stdout + result.stderr
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# --- what the command line draws of a saved view ------------------------------------------------------
def _warm(image: np.ndarray) -> np.ndarray:
    rgb = image[..., :3].astype(float) / 255
    return (rgb[..., 0] > rgb[..., 2] + 0.25) & (rgb[..., 0] > rgb[..., 1] + 0.15)


def _ivory(image: np.ndarray) -> np.ndarray:
    """Bone pixels: pale, warm-white, unlike muscles (rosier), text (white) and the slate backdrop."""
    r, g, b = (image[..., k].astype(float) / 255 for k in range(3))
    return (r > 0.5) & (g > 0.45) & (r - g < 0.12) & (g - b > 0.04) & (g - b < 0.2)


@pytest.fixture(scope="module")
def hip_flexor_mask(founding):
    """Where the hip flexors are drawn at mid-raise, rendered alone with the file's camera and text
    (the text bands shape the camera's fit), less the warm legend swatch."""
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.export import ExportOptions, render_still

    scenario, model, kin, _ = founding["leg_raise"]
    names = [m.name for m in model.muscles if m.group == "hip flexors"]
    feed = FrameFeed(kin, Colouring(kin))
    alone = ExportOptions(size=(480, 270), anti_aliasing="msaa", bones=False, floor=False,
                          muscles=tuple(model.muscle_index[n] for n in names))
    text_only = ExportOptions(size=(480, 270), anti_aliasing="msaa", bones=False, floor=False, muscles=())
    return _warm(render_still(feed, 1.25, alone)) & ~_warm(render_still(feed, 1.25, text_only))


def _snapshot(tmp_path, name: str, text: str) -> np.ndarray:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    out = tmp_path / f"{name}.png"
    result = cli("snapshot", path, "--time", 1.25, "-o", out, "--size", "480x270")
    assert result.returncode == 0, result.stderr
    return iio.imread(out)


def test_snapshot_with_hidden_hip_flexors_has_no_warm_hip_flexor_pixels(tmp_path, hip_flexor_mask):
    assert hip_flexor_mask.sum() > 120  # at 480×270 the labels' leader lines cross part of the hip
    shown = _snapshot(tmp_path, "shown", LEG_RAISE)
    hidden = _snapshot(tmp_path, "hidden", LEG_RAISE.replace("focus: [hip flexors, abdominals, hamstrings]",
                                                             "focus: [hip flexors, abdominals, hamstrings]\nhide: [hip flexors]"))
    warm_shown = (_warm(shown) & hip_flexor_mask).sum()
    warm_hidden = (_warm(hidden) & hip_flexor_mask).sum()
    # (the iliacus and psoas lie deep: the pelvis and the calm muscle layer cover part of them)
    assert warm_shown > 0.4 * hip_flexor_mask.sum()
    # What is left there is the faded rectus femoris behind them (a quadriceps, also shortening).
    assert warm_hidden < 0.25 * warm_shown


def test_snapshot_with_bones_0_has_no_bone_pixels(tmp_path):
    solid = _snapshot(tmp_path, "solid", LEG_RAISE)
    none = _snapshot(tmp_path, "none", LEG_RAISE.replace("focus: [hip flexors, abdominals, hamstrings]",
                                                         "focus: [hip flexors, abdominals, hamstrings]\nbones: 0"))
    assert _ivory(solid).sum() > 800  # (the calm, solid muscle layer covers part of the skeleton)
    # bones: 0 looks as the picture drawn with no bones at all: the few 'ivory' pixels left are
    # pale grey muscles in the light, which this colour test cannot tell from bone at this size
    from dataclasses import replace

    from viewer.commands.common import view_output
    from viewer.render.export import render_still

    feed, options = view_output(str(tmp_path / "none.yaml"), size=(480, 270))
    without = render_still(feed, 1.25, replace(options, bones=False))
    assert _ivory(none).sum() <= _ivory(without).sum() + 5
    assert _ivory(none).sum() < 0.05 * _ivory(solid).sum()
