"""Named views show the point (issue 12): focus muscles are not hidden by props, no view from below.

Each shipped scenario is drawn small, focus muscles only, in every named view: once with its
props hidden (where the focus muscles are on screen) and once with them (fading where they
would hide the focus). At least 80 % of those pixels must still show the muscles.
"""
import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from tests.conftest import SCENARIOS  # noqa: E402
from viewer.core.session.feed import FrameFeed  # noqa: E402
from viewer.core.analysis.colour import Colouring  # noqa: E402
from viewer.core.motion.kinematics import POSTURE_ROTATION, Kinematics  # noqa: E402
from viewer.core.model.binding import load_checked  # noqa: E402
from viewer.core.view.viewstate import VIEWS  # noqa: E402
from viewer.render.camera import view_direction  # noqa: E402
from viewer.render.export import ExportOptions, open_stage  # noqa: E402

WITH_PROPS = sorted(p.stem for p in SCENARIOS.glob("*.yaml") if "props:" in p.read_text())


def _focus_pixels(stage, frames, props_shown: bool) -> np.ndarray:
    for actor in stage.scene.prop_actors.actors:
        actor.SetVisibility(props_shown)
    stage.scene.prop_actors._seen_from = None  # work the fading out again for this camera
    stage.show(frames, 0, stage.scene.paint(*stage.feed.colouring.paint(frames))[0])
    return stage.pixels()[..., :3].astype(int)


@pytest.mark.slow
@pytest.mark.parametrize("name", WITH_PROPS)
def test_props_never_hide_the_focus_muscles_in_any_named_view(name):
    scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
    kin = model.kinematics(scenario)
    focus = [m.index for m in model.muscles if m.group in scenario.focus]
    options = ExportOptions(size=(200, 130), text=False, legend=False, anti_aliasing="none", bones=False,
                            floor=False, muscles=tuple(focus), focus=tuple(scenario.focus))
    stage = open_stage(FrameFeed(kin, Colouring(kin)), options)
    try:
        for t in (scenario.phases[0].end,):
            frames = kin.sample([t])
            for view in VIEWS:
                stage.rig.view = view
                stage.aim(0.0)
                bare = _focus_pixels(stage, frames, False)
                background = bare[:, :1]
                muscle = np.abs(bare - background).sum(axis=2) > 30
                assert muscle.sum() > 20, (view, t)
                shown = _focus_pixels(stage, frames, True)
                kept = (np.abs(shown - bare).sum(axis=2) < 90) & muscle
                assert kept.sum() / muscle.sum() >= 0.8, (view, t, kept.sum() / muscle.sum())
    finally:
        stage.close()


@pytest.mark.parametrize("posture", ["supine", "prone", "standing", "hanging"])
@pytest.mark.parametrize("view", VIEWS)
def test_no_named_view_looks_from_below_the_floor(posture, view):
    d, up = view_direction(view, POSTURE_ROTATION[posture])
    assert d[2] >= -1e-9 and up[2] >= -1e-9


def test_three_quarter_on_a_lying_body_looks_from_the_side_and_30_degrees_up():
    d, _ = view_direction("three-quarter", POSTURE_ROTATION["supine"])
    assert np.degrees(np.arcsin(d[2])) == pytest.approx(30, abs=1)
    assert abs(d[0]) > abs(d[1])  # more from the side than along the body


def test_a_view_named_on_the_command_line_replaces_the_files_turn(tmp_path):
    from viewer.render.camera import CameraRig

    scenario, model = load_checked(SCENARIOS / "bench_press.yaml")
    kin = model.kinematics(scenario)
    points = np.random.default_rng(0).random((50, 3))
    own = CameraRig(kin, points, (320, 200))  # the file's own: left, turned −35°, raised 25°
    named = CameraRig(kin, points, (320, 200), view="left")
    left, _ = view_direction("left", kin.posture_rotation)
    d = named.shot().position - named.shot().focal_point
    assert np.allclose(d / np.linalg.norm(d), left, atol=1e-6)
    d = own.shot().position - own.shot().focal_point
    assert np.degrees(np.arccos(np.dot(d / np.linalg.norm(d), left))) > 30


def test_a_prop_between_the_camera_and_the_focus_fades(tmp_path):
    import trimesh

    trimesh.creation.box(extents=(0.05, 0.8, 0.6)).export(tmp_path / "screen.stl")
    (tmp_path / "s.yaml").write_text(
        "format: 1\ntitle: Screen\nposture: supine\nanchor: pelvis\nkeyframes:\n"
        "  - time: 0\n    pose: {hip_flexion: 30}\nfocus: [hip flexors]\ncamera: {view: left}\n"
        "props:\n  - {mesh: screen.stl, at: pelvis, offset: [0.45, 0, 0.1]}\n")
    scenario, model = load_checked(tmp_path / "s.yaml")
    kin = model.kinematics(scenario)
    focus = [m.index for m in model.muscles if m.group == "hip flexors"]
    options = ExportOptions(size=(200, 130), text=False, legend=False, anti_aliasing="none", bones=False,
                            floor=False, muscles=tuple(focus), focus=("hip flexors",))
    stage = open_stage(FrameFeed(kin, Colouring(kin)), options)
    try:
        frames = kin.sample([0.0])
        bare = _focus_pixels(stage, frames, False)
        muscle = np.abs(bare - bare[:, :1]).sum(axis=2) > 30
        shown = _focus_pixels(stage, frames, True)
        assert stage.scene.prop_actors.actors[0].GetProperty().GetOpacity() < 0.5  # the screen fades ...
        kept = (np.abs(shown - bare).sum(axis=2) < 90) & muscle
        assert kept.sum() / muscle.sum() >= 0.8  # ... and the hip flexors show through it
        stage.rig.view = "right"  # seen from the other side the screen is behind the body: solid
        stage.aim(0.0)
        _focus_pixels(stage, frames, True)
        assert stage.scene.prop_actors.actors[0].GetProperty().GetOpacity() == 1.0
    finally:
        stage.close()
