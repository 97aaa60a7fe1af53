"""Equipment drawn as equipment (issue 22): steel and rubber tones, a light rim on the dark
backdrop from every named view, and a prop fades only when it hides a focus muscle."""
import numpy as np
import pytest

from tests.conftest import SCENARIOS
from viewer.core.model.binding import load_checked
from viewer.core.session.feed import FrameFeed
from viewer.core.view.viewstate import VIEWS

pytest.importorskip("pyvista")


def _stage(name: str, **options):
    from viewer.core.analysis.colour import Colouring
    from viewer.render.export import ExportOptions, open_stage

    scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
    kin = model.kinematics(scenario)
    base = dict(size=(640, 400), anti_aliasing="none", text=False)  # the gallery's size
    return kin, open_stage(FrameFeed(kin, Colouring(kin, "plain")), ExportOptions(**{**base, **options}))


def _near(image: np.ndarray, rgb, tol: int = 30) -> np.ndarray:
    return np.abs(image - np.asarray(rgb, float) * 255).max(axis=2) < tol


@pytest.mark.parametrize("view", VIEWS)
def test_dumbbells_show_rubber_heads_with_a_light_rim_from_every_view(view):
    from viewer.render.props import OUTLINE_COLOUR

    kin, stage = _stage("bicep_curl", view=view, bones=False, floor=False, muscles=())
    try:
        frames = kin.sample([2.0])
        stage.show(frames, 0, stage.scene.paint(*stage.feed.colouring.paint(frames))[0])
        image = stage.pixels()[..., :3].astype(int)
    finally:
        stage.close()
    rubber = stage.scene.props.meshes[0].face_colours.min(axis=0)  # the darkest part: the heads
    rim = _near(image, OUTLINE_COLOUR, 25).sum()
    heads = _near(image, rubber, 40).sum()
    assert rim >= 15, f"{view}: {rim} rim pixels"  # the outline reads on the dark backdrop
    assert heads >= 15, f"{view}: {heads} pixels of the rubber heads"


def test_the_barbell_is_steel_and_rubber_and_solid_where_it_hides_nothing():
    from viewer.render.props import FADED_PROP

    kin, stage = _stage("bench_press", view="left")
    try:
        frames = kin.sample([0.0])  # arms straight up: the plates are above the body, in front of nothing
        stage.show(frames, 0, stage.scene.paint(*stage.feed.colouring.paint(frames))[0])
        opacity = [a.GetProperty().GetOpacity() for a in stage.scene.prop_actors.actors]
    finally:
        stage.close()
    bar = stage.scene.props.meshes[1]
    assert bar.name == "barbell" and len({tuple(c) for c in bar.face_colours}) == 3  # bar, plates, collars
    assert opacity == [1.0, 1.0] and FADED_PROP < 1.0


@pytest.mark.parametrize("view", [None, "front"])
def test_the_bench_press_bar_stays_solid_through_the_press_even_across_the_chest(view):
    """At the bottom of the press the bar lies across the chest (a focus muscle): it stays a solid bar."""
    kin, stage = _stage("bench_press", view=view)
    try:
        frames = kin.sample(np.linspace(0.0, 2.5, 11))  # down to the chest and the hold there
        opacity = []
        for i in range(len(frames)):
            stage.show(frames, i, stage.scene.paint(*stage.feed.colouring.paint(frames))[i])
            opacity.append(stage.scene.prop_actors.actors[1].GetProperty().GetOpacity())
    finally:
        stage.close()
    assert stage.scene.props.meshes[1].name == "barbell" and opacity == [1.0] * len(frames), opacity


def test_the_gallery_command_writes_each_moment_in_two_views_and_an_index(tmp_path):
    import importlib.util

    from PIL import Image

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("make_gallery", ROOT / "tools" / "make_gallery.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    scenario = SCENARIOS / "opensim_arm_curl.yaml"
    lines = tool.render_scenario(scenario, tmp_path, (320, 200))
    pictures = sorted(tmp_path.glob("*.png"))
    # start and the end of its one phase (the top), each in its own view and one other
    assert len(pictures) == 4 and all(Image.open(p).size == (320, 200) for p in pictures)
    assert all(p.name in "\n".join(lines) for p in pictures)
    assert any("paused at the top" in line for line in lines)
    start, top = (np.asarray(Image.open(p).convert("RGB"), int) for p in pictures[:3:2])
    assert np.abs(start - top).sum(axis=2).astype(bool).sum() > 500  # the arm moved between them


def test_a_dumbbell_fades_only_while_it_passes_in_front_of_the_biceps():
    """One stage played through the curl (as an export plays it): the fading follows the dumbbell."""
    from viewer.render.props import FADED_PROP

    kin, stage = _stage("bicep_curl", size=(320, 200))  # its own three-quarter view
    try:
        seen = []
        frames = kin.sample(np.linspace(0.0, 2.0, 21))
        for i in range(len(frames)):
            stage.show(frames, i, stage.scene.paint(*stage.feed.colouring.paint(frames))[i])
            seen.append([a.GetProperty().GetOpacity() for a in stage.scene.prop_actors.actors])
    finally:
        stage.close()
    assert seen[0] == [1.0, 1.0]  # arms down: nothing in front of the arm muscles
    assert FADED_PROP in seen[-1]  # curled: a dumbbell in front of the biceps
