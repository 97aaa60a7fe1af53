"""The 3D scene, headless: tube geometry, body-relative views, and the pixels a person sees."""
import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from viewer.core.session.feed import FrameFeed  # noqa: E402
from viewer.core.analysis.colour import PLAIN, Colouring  # noqa: E402
from viewer.core.base.errors import ViewerError  # noqa: E402
from viewer.render.camera import ScreenArea, fit, view_direction  # noqa: E402
from viewer.render.export import ExportOptions, open_stage, render_still  # noqa: E402
from viewer.core.shape.tubes import PULLEY, StrandLayout, TubeMesh, resample, ring_frames  # noqa: E402

SUPINE = np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]])  # kinematics.POSTURE_ROTATION["supine"]


# --- tube geometry --------------------------------------------------------------------------
def _reference(points, n):
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    arc = np.r_[0, np.cumsum(seg)]
    t = np.linspace(0, arc[-1], n)
    return np.stack([np.interp(t, arc, points[:, k]) for k in range(3)], axis=1)


def test_resample_matches_arc_length_interpolation_with_padding_and_degenerate_strands():
    rng = np.random.default_rng(0)
    points = np.cumsum(rng.random((30, 9, 3)), axis=1)
    points[4, 5:] = points[4, 4]  # a short strand, padded with its last point
    points[7] = points[7, 0]  # a strand of zero length
    out = resample(points, 16)
    for s in (0, 4, 29):
        assert np.allclose(out[s], _reference(points[s], 16))
    assert np.allclose(out[7], points[7, 0]) and np.isfinite(out).all()


def test_strands_split_at_pulleys_and_survive_changing_point_counts():
    # muscle 0: 3 sites; muscle 1: 2 sites, pulley, 2 sites (two strands)
    xpos = np.arange(8 * 3, dtype=float).reshape(8, 3)
    obj = np.array([-1, -1, -1, -1, -1, PULLEY, -1, -1])
    adr, num = np.array([0, 3]), np.array([3, 5])
    layout = StrandLayout(np.array([0, 1]), obj, adr, num)
    assert layout.count == 3 and list(layout.strand_muscle) == [0, 1, 1]
    padded = layout.padded(xpos, obj, adr, num)
    assert np.allclose(padded[0], xpos[[0, 1, 2]])
    assert np.allclose(padded[1], xpos[[3, 4, 4]]) and np.allclose(padded[2], xpos[[6, 7, 7]])
    # a wrap geom adds a tangent point to muscle 0: same strands, new rows
    xpos2 = np.arange(9 * 3, dtype=float).reshape(9, 3)
    obj2 = np.array([-1, 0, -1, -1, -1, -1, PULLEY, -1, -1])
    padded2 = layout.padded(xpos2, obj2, np.array([0, 4]), np.array([4, 5]))
    assert padded2.shape[0] == 3 and np.allclose(padded2[0], xpos2[[0, 1, 2, 3]])


def test_tube_points_sit_at_the_radius_around_the_centre_line():
    centre = np.stack([np.linspace(0, 1, 16), np.sin(np.linspace(0, 2, 16)) * 0.2, np.zeros(16)], axis=1)[None]
    mesh = TubeMesh(np.array([0.01]), rings=16, sides=8)
    points, normals = np.zeros((mesh.size, 3), np.float32), np.zeros((mesh.size, 3), np.float32)
    mesh.place(ring_frames(centre, mesh.radius), centre, points, normals)
    ring = points.reshape(8, 1, 16, 3)[:, 0, 8]  # the middle ring
    assert np.allclose(np.linalg.norm(ring - centre[0, 8], axis=1), mesh.radius[0, 8], atol=1e-6)
    assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-5)
    assert np.allclose(points.reshape(8, 1, 16, 3)[:, 0, 0], centre[0, 0], atol=1e-6)  # closed, pointed ends
    assert mesh.faces.reshape(-1, 5)[:, 1:].max() < mesh.size


# --- camera ---------------------------------------------------------------------------------
def test_named_views_are_relative_to_the_body():
    left, up = view_direction("left", SUPINE)
    assert np.allclose(left, [1, 0, 0]) and np.allclose(up, [0, 0, 1])  # lying: still the patient's left
    front, up = view_direction("front", SUPINE)
    assert np.allclose(front, [0, 0, 1])  # lying face up: the front looks at the ceiling
    assert np.allclose(up, [0, 1, 0])  # head up the screen
    assert np.allclose(view_direction("front", np.eye(3))[0], [0, -1, 0])  # standing: the front is −y
    three_quarter, _ = view_direction("three-quarter", np.eye(3))
    assert three_quarter[0] > 0.5 and three_quarter[1] < -0.3 and three_quarter[2] > 0.2
    turned, _ = view_direction("left", np.eye(3), azimuth=90)
    assert np.allclose(turned, [0, 1, 0], atol=1e-9)
    with pytest.raises(ViewerError, match="unknown view 'lefft'.*did you mean left"):
        view_direction("lefft", np.eye(3))


def test_fit_keeps_every_point_inside_the_screen_area():
    rng = np.random.default_rng(1)
    points = rng.random((500, 3)) * [0.4, 1.8, 0.6]
    area = ScreenArea(bottom=-0.5, top=0.7)
    d, up = view_direction("three-quarter", np.eye(3))
    shot = fit(points, d, up, aspect=16 / 9, area=area)
    forward = shot.focal_point - shot.position
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, shot.up)
    rel = points - shot.position
    depth = rel @ forward
    t = np.tan(np.radians(shot.view_angle) / 2)
    ndc_x, ndc_y = (rel @ right) / (depth * t * 16 / 9), (rel @ shot.up) / (depth * t)
    assert ndc_x.min() >= area.left - 1e-3 and ndc_x.max() <= area.right + 1e-3
    assert ndc_y.min() >= area.bottom - 1e-3 and ndc_y.max() <= area.top + 1e-3
    assert ndc_y.max() - ndc_y.min() > 0.9 * (area.top - area.bottom) or ndc_x.max() - ndc_x.min() > 1.7


# --- pixels ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def leg_raise(founding):
    scenario, model, kin, _ = founding["leg_raise"]
    return kin, model, Colouring(kin)


def _muscle_pixels(kin, colouring, names, focus, t=1.25, size=(240, 180)):
    """Render only these muscles (no bones, floor or text) and return the pixels they cover."""
    model = kin.model
    options = ExportOptions(size=size, text=False, anti_aliasing="none", bones=False, floor=False,
                            muscles=tuple(model.muscle_index[n] for n in names), focus=focus)
    image = render_still(FrameFeed(kin, colouring), t, options)[..., :3].astype(float) / 255
    background = image[:, :1]  # the backdrop is a vertical gradient: each row's left pixel
    covered = np.abs(image - background).sum(axis=2) > 0.12
    assert covered.sum() > 30, "the muscles should cover some pixels"
    return image[covered]


def test_mid_raise_hip_flexors_render_warm(leg_raise):
    kin, _, colouring = leg_raise
    r, g, b = _muscle_pixels(kin, colouring, ["psoas_r", "iliacus_r", "psoas_l", "iliacus_l"],
                             ("hip flexors",)).mean(axis=0)
    assert r > b + 0.25 and r > g + 0.15


def test_mid_raise_hamstrings_and_glutes_render_cool(leg_raise):
    kin, _, colouring = leg_raise
    names = ["bflh_r", "semimem_r", "semiten_r", "glmax1_r", "glmax2_r", "glmax3_r"]
    r, g, b = _muscle_pixels(kin, colouring, names, ("hamstrings", "glutes")).mean(axis=0)
    assert b > r + 0.1


def test_mid_raise_rectus_abdominis_renders_plain(leg_raise):
    kin, _, colouring = leg_raise
    pixels = _muscle_pixels(kin, colouring, ["rect_abd_r", "rect_abd_l"], ("abdominals",))
    hue = pixels.mean(axis=0) / pixels.mean(axis=0).max()
    plain = np.array(PLAIN) / max(PLAIN)
    assert np.abs(hue - plain).max() < 0.12  # the calm muscle colour, shaded: neither warm nor cool


def test_frames_update_in_place_without_new_actors(leg_raise):
    kin, model, colouring = leg_raise
    stage = open_stage(FrameFeed(kin, colouring), ExportOptions(size=(160, 120), anti_aliasing="none"))
    try:
        frames = kin.sample([0.5, 1.5, 2.5])
        colours = stage.scene.paint(*colouring.paint(frames))
        renderer = stage.plotter.renderer
        before = renderer.GetActors().GetNumberOfItems()
        images = []
        for i in range(3):
            stage.show(frames, i, colours[i])
            images.append(stage.pixels().copy())
        assert renderer.GetActors().GetNumberOfItems() == before
        assert len(stage.scene.bone_actors) == len(model.bone_geoms)
        assert all(np.abs(a.astype(int) - b).sum() > 1000 for a, b in zip(images, images[1:]))
    finally:
        stage.close()


def test_transparent_still_has_a_clear_background(leg_raise):
    kin, _, colouring = leg_raise
    image = render_still(FrameFeed(kin, colouring), 1.0, ExportOptions(size=(160, 120), anti_aliasing="none",
                                                            transparent=True, text=False))
    assert image.shape == (120, 160, 4)
    assert image[0, 0, 3] == 0 and image[-1, -1, 3] == 0
    assert (image[..., 3] == 255).sum() > 500  # the body is opaque


def test_still_outside_the_scenario_is_an_error(leg_raise):
    kin, _, colouring = leg_raise
    with pytest.raises(ViewerError, match="outside the scenario"):
        render_still(FrameFeed(kin, colouring), 60.0)


def test_fast_quality_draws_decimated_bones_and_full_quality_comes_back_exactly(leg_raise):
    kin, model, colouring = leg_raise
    stage = open_stage(FrameFeed(kin, colouring), ExportOptions(size=(320, 240), anti_aliasing="none", text=False))
    try:
        frames = kin.sample([1.25])
        colours = stage.scene.paint(*colouring.paint(frames))
        stage.show(frames, 0, colours[0])
        full = stage.pixels().copy()
        stage.scene.set_quality("fast")
        drawn = sum(a.GetMapper().GetInput().GetNumberOfCells() for a in stage.scene.bone_actors)
        fast = stage.pixels().copy()
        stage.scene.set_quality("full")
        again = stage.pixels().copy()
        total = sum(len(model.bone_mesh(g)[1]) for g in model.bone_geoms)
        assert drawn < 0.3 * total
        changed = np.abs(fast.astype(int) - full).max(axis=-1) > 40
        assert 0 < changed.mean() < 0.02  # the same skeleton, a few edge pixels differ
        assert np.array_equal(again, full)
        with pytest.raises(ValueError, match="fast"):
            stage.scene.set_quality("draft")
    finally:
        stage.close()


def test_a_scene_of_the_same_model_takes_over_the_bones_and_draws_the_same(leg_raise):
    from viewer.render.scene import Scene

    kin, model, colouring = leg_raise
    stage = open_stage(FrameFeed(kin, colouring), ExportOptions(size=(240, 180), anti_aliasing="none", text=False))
    try:
        frames = kin.sample([1.25])
        colours = stage.scene.paint(*colouring.paint(frames))
        stage.show(frames, 0, colours[0])
        before = stage.pixels().copy()
        old = stage.scene
        actors = stage.plotter.renderer.GetActors().GetNumberOfItems()
        old.clear(keep_bones=True)
        assert stage.plotter.renderer.GetActors().GetNumberOfItems() == len(old.bone_actors)
        stage.scene = Scene(stage.plotter, FrameFeed(kin, colouring), kin.sample(kin.times(6)), bones_from=old,
                            extent=old.body_extent)
        assert stage.scene.bone_actors is old.bone_actors
        assert stage.plotter.renderer.GetActors().GetNumberOfItems() == actors
        stage.show(frames, 0, colours[0])
        assert np.array_equal(stage.pixels(), before)
    finally:
        stage.close()
