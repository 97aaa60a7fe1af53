"""The drawn muscle shapes, measured on the tube surfaces the scene hands to VTK."""
import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from tests.conftest import SCENARIOS  # noqa: E402
from viewer.core.analysis.colour import Colouring  # noqa: E402
from viewer.core.session.feed import FrameFeed  # noqa: E402
from viewer.render.scene import Scene, SceneStyle  # noqa: E402


def _scene(name, fps=8.0, style="shapes"):
    from viewer.core.motion.kinematics import Kinematics
    from viewer.core.model.binding import load_checked

    scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
    kin = model.kinematics(scenario)
    frames = kin.sample(kin.times(fps))
    plotter = pv.Plotter(off_screen=True, window_size=(64, 64))
    scene = Scene(plotter, FrameFeed(kin, Colouring(kin)), frames, SceneStyle(bones=False, floor=False, muscle_style=style), focus_groups=[])
    return model, frames, scene, plotter


@pytest.fixture(scope="module")
def curl():
    model, frames, scene, plotter = _scene("bicep_curl")
    yield model, frames, scene
    plotter.close()


def _grid(tubes):
    """Drawn points as (sides, strands, rings, 3)."""
    return tubes.points.reshape(tubes.mesh.sides, tubes.layout.count, tubes.mesh.rings, 3).astype(float)


def _closed_volume(rings):
    """Volume of the solid bounded by consecutive rings (sides, S, n, 3), capped at both ends."""
    a, b = rings, np.roll(rings, -1, axis=0)  # a side and the next one around
    tri = [(a[:, :, :-1], b[:, :, :-1], b[:, :, 1:]), (a[:, :, :-1], b[:, :, 1:], a[:, :, 1:])]
    for end in (0, -1):  # fan caps from each end ring's centre
        c = rings[:, :, end].mean(axis=0, keepdims=True)
        tri.append((np.broadcast_to(c, a[:, :, end].shape), b[:, :, end], a[:, :, end]) if end == 0
                   else (np.broadcast_to(c, a[:, :, end].shape), a[:, :, end], b[:, :, end]))
    total = 0.0
    for p, q, r in tri:  # divergence theorem: Σ p · (q × r) / 6 over outward triangles
        s = np.einsum("...k,...k->...", p, np.cross(q, r)) / 6.0
        total = total + s.reshape(s.shape[0], s.shape[1], -1).sum(axis=(0, 2))
    return np.abs(total)


def _sheet_muscles(tubes):
    """Per drawn muscle: whether it is a fascicle of a sheet (drawn as one surface, measured there)."""
    return np.bincount(tubes.layout.strand_muscle, weights=tubes._in_sheet, minlength=tubes.muscles.size) > 0


def _per_muscle(tubes, values):
    return np.bincount(tubes.layout.strand_muscle, weights=values, minlength=tubes.muscles.size)


def test_drawn_belly_volume_stays_within_two_percent_over_the_curl(curl):
    model, frames, scene = curl
    (tubes,) = scene.tubes
    shapes = model.shapes
    target = shapes.drawn_volume[tubes.muscles]
    assert np.allclose(target[~shapes.capped[tubes.muscles]], shapes.volume[tubes.muscles][~shapes.capped[tubes.muscles]])
    colours = scene.paint(np.full((len(frames), len(model.muscles), 3), 0.5))
    worst = 0.0
    for i in range(len(frames)):
        scene.update(frames, i, colours[i])
        belly = _grid(tubes)[:, :, tubes.rings.belly_rings]
        drawn = _per_muscle(tubes, _closed_volume(belly))
        worst = max(worst, float(np.max(np.abs(drawn / target - 1)[~_sheet_muscles(tubes)])))
    assert worst < 0.02, f"a belly's drawn volume is {100 * worst:.1f} % off its volume"


def _belly_width(tubes, muscle):
    """Widest ring of a muscle's belly: twice the largest distance of a ring point from its centre."""
    grid = _grid(tubes)[:, tubes.muscles[tubes.layout.strand_muscle] == muscle]
    centre = grid.mean(axis=0, keepdims=True)
    return 2 * np.linalg.norm(grid - centre, axis=-1).max()


def test_biceps_belly_is_wider_at_the_top_of_the_curl(curl):
    model, frames, scene = curl
    (tubes,) = scene.tubes
    colours = scene.paint(np.full((len(frames), len(model.muscles), 3), 0.5))
    biceps = model.muscle_index["BIClong"]
    top = int(np.argmin(frames.lengths[:, biceps]))
    scene.update(frames, 0, colours[0])  # arm straight
    straight = _belly_width(tubes, biceps)
    scene.update(frames, top, colours[top])
    assert frames.times[top] == pytest.approx(2.0, abs=0.5)
    assert _belly_width(tubes, biceps) >= 1.12 * straight


def _arc(points):
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


# The gastrocnemius ends halfway down the calf in the Achilles tendon; the soleus, flat and
# broad, reaches lower (its belly is made as long as the aspect limit asks), its tendon shorter.
@pytest.mark.parametrize("name, tendon_share", [("gasmed_r", 1.0), ("gaslat_r", 1.0), ("soleus_r", 0.6)])
def test_the_calf_has_a_long_tendon(curl, name, tendon_share):
    model, frames, scene = curl
    (tubes,) = scene.tubes
    scene.update(frames, 0, scene.paint(np.full((len(model.muscles), 3), 0.5)))
    strand = int(np.flatnonzero(tubes.muscles[tubes.layout.strand_muscle] == model.muscle_index[name])[0])
    centre = _grid(tubes)[:, strand].mean(axis=0)  # (rings, 3) ring centres along the path
    T, B = tubes.rings.tendon, tubes.rings.belly
    belly = _arc(centre[T:T + B])
    tendons = _arc(centre[:T + 1]) + _arc(centre[T + B - 1:])
    assert tendons >= tendon_share * belly and belly > 0.02
    # tendons are drawn thin and pale: their rings are a fraction of the belly's width
    radius = np.linalg.norm(_grid(tubes)[:, strand] - centre[None], axis=-1).max(axis=0)
    assert radius[1:T].max() < 0.25 * radius[T:T + B].max()
    pale = tubes.rgb.reshape(tubes.mesh.sides, tubes.layout.count, tubes.mesh.rings, -1)[0, strand, :, :3].astype(int)
    assert pale[1].sum() > pale[T + B // 2].sum() + 150


def test_lines_of_action_stay_available_as_thin_constant_tubes():
    model, frames, scene, plotter = _scene("bicep_curl", fps=2.0, style="lines")
    try:
        (tubes,) = scene.tubes
        colours = scene.paint(np.full((len(model.muscles), 3), 0.5))
        biceps = model.muscle_index["BIClong"]
        widths = []
        for i in range(len(frames)):
            scene.update(frames, i, colours)
            widths.append(_belly_width(tubes, biceps))
        assert max(widths) < 0.02 and np.ptp(widths) < 1e-4  # ≤ 2 cm and the same at every pose
        assert len(tubes.actors) == 1
    finally:
        plotter.close()


def _regions(mask):
    """Sizes of the 4-connected regions of a boolean image, largest first."""
    label = np.where(mask, np.arange(mask.size).reshape(mask.shape), -1)
    big = mask.size + 1
    while True:  # every pixel takes the smallest label among itself and its neighbours
        padded = np.pad(np.where(mask, label, big), 1, constant_values=big)
        low = np.minimum.reduce([padded[1:-1, 1:-1], padded[:-2, 1:-1], padded[2:, 1:-1],
                                 padded[1:-1, :-2], padded[1:-1, 2:]])
        low = np.where(mask, low, -1)
        if np.array_equal(low, label):
            break
        label = low
    return np.sort(np.bincount(label[mask]))[::-1]


@pytest.mark.parametrize("side", ["right", "left"])
def test_the_abdominal_wall_at_the_crunch_is_one_connected_sheet_per_side(founding, side):
    from viewer.core.analysis.colour import Colouring
    from viewer.render.export import ExportOptions, render_still

    _, model, kin, _ = founding["crunch"]
    colouring = Colouring(kin, source="group")
    wall = tuple(m.index for m in model.muscles_in("abdominals") if m.side == side)

    def regions(style):
        options = ExportOptions(size=(360, 270), text=False, anti_aliasing="none", bones=False, floor=False,
                                muscles=wall, view="front", focus=("abdominals",), muscle_style=style)
        image = render_still(FrameFeed(kin, colouring), 1.0, options)[..., :3].astype(float) / 255
        covered = np.abs(image - image[:, :1]).sum(axis=2) > 0.12
        return _regions(covered)

    sheet = regions("shapes")
    assert sheet.sum() > 400
    assert sheet[0] >= 0.98 * sheet.sum(), f"the wall falls apart into {len(sheet)} regions: {sheet[:5]}"
    lines = regions("lines")  # the same fascicles as thin lines of action: separate strands
    assert lines[0] < 0.9 * lines.sum()


def test_snapshot_draws_shapes_by_default_and_lines_when_asked(tmp_path, founding):
    import imageio.v3 as iio

    from viewer.cli import main
    from viewer.core.analysis.colour import Colouring
    from viewer.core.motion.kinematics import Kinematics
    from viewer.core.model.binding import load_checked
    from viewer.render.export import ExportOptions, render_still

    images = {}
    for style in ("shapes", "lines"):
        out = tmp_path / f"{style}.png"
        assert main(["snapshot", str(SCENARIOS / "bicep_curl.yaml"), "--time", "1.5", "--size", "320x180",
                     "--muscles", style, "-o", str(out)]) == 0
        images[style] = iio.imread(out)
    assert np.abs(images["shapes"].astype(int) - images["lines"]).sum() > 1000
    # the elbow flexors alone: thick bellies and thin tendons cover more than the thin lines
    scenario, model = load_checked(SCENARIOS / "bicep_curl.yaml")
    kin = model.kinematics(scenario)
    flexors = tuple(m.index for m in model.muscles_in("arm flexors"))
    covered = {}
    for style in ("shapes", "lines"):
        options = ExportOptions(size=(320, 180), text=False, anti_aliasing="none", bones=False, floor=False,
                                muscles=flexors, view="left", muscle_style=style)
        image = render_still(FrameFeed(kin, Colouring(kin)), 1.5, options)[..., :3].astype(float) / 255
        covered[style] = int((np.abs(image - image[:, :1]).sum(axis=2) > 0.12).sum())
    assert covered["shapes"] > 1.15 * covered["lines"] > 0, covered


def _drawn(scene):
    return [(t.points.copy(), t.normals.copy(), t.rgb.copy()) for t in scene.tubes]


@pytest.mark.parametrize("name, style", [("leg_raise", "shapes"), ("leg_raise", "lines"), ("bodyweight_squat", "shapes")])
def test_stepping_through_a_scenario_draws_what_a_fresh_scene_draws_at_each_frame(name, style):
    """A frame solves only the strands that moved, and places those that only moved rigidly (most
    of the squat) without solving them: what it draws must not depend on the frames before."""
    model, frames, stepped, plotter = _scene(name, fps=4.0, style=style)
    fresh_plotter = None
    try:
        colours = stepped.paint(np.full((len(frames), len(model.muscles), 3), 0.5))
        partial = []
        for i in range(len(frames)):
            stepped.update(frames, i, colours[i])
            partial.append(int((~stepped.strands.moved).sum()))
            if i in (1, len(frames) // 2, len(frames) - 1):
                fresh_model, _, fresh, fresh_plotter = _scene(name, fps=4.0, style=style)
                fresh.update(frames, i, colours[i])
                for (p, n, c), (q, m, d) in zip(_drawn(stepped), _drawn(fresh)):
                    assert np.allclose(p, q, atol=1e-6) and np.allclose(n, m, atol=1e-5) and np.array_equal(c, d)
                fresh_plotter.close()
                fresh_plotter = None
        if name == "leg_raise":  # the lying upper body holds still: most strands kept
            assert max(partial) > 0.5 * stepped.strands.count
    finally:
        plotter.close()
        if fresh_plotter is not None:
            fresh_plotter.close()


def test_a_highlighted_or_hidden_muscle_is_redrawn_even_when_nothing_moves(curl):
    model, frames, scene = curl
    (tubes,) = scene.tubes
    colours = scene.paint(np.full((len(model.muscles), 3), 0.5))
    biceps = model.muscle_index["BIClong"]
    scene.update(frames, 3, colours)
    plain = _belly_width(tubes, biceps)
    scene.set_highlight(biceps, 1.8)
    scene.update(frames, 3, colours)  # the same pose again: only the restyled muscle is solved
    assert _belly_width(tubes, biceps) == pytest.approx(1.8 * plain, rel=0.02)
    scene.set_highlight(None)
    hidden = np.zeros(len(model.muscles), bool)
    hidden[biceps] = True
    scene.set_hidden(hidden)
    scene.update(frames, 3, colours)
    assert _belly_width(tubes, biceps) < 1e-6  # collapsed to a point
    scene.set_hidden(np.zeros(len(model.muscles), bool))
    scene.update(frames, 3, colours)
    assert _belly_width(tubes, biceps) == pytest.approx(plain, rel=1e-4)


def test_the_solved_normals_shade_the_muscles():
    """VTK's flat shading ignores point normals: a change to them must change the picture."""
    model, frames, scene, plotter = _scene("bicep_curl", fps=2.0)
    try:
        (tubes,) = scene.tubes
        scene.update(frames, 2, scene.paint(np.full((len(model.muscles), 3), 0.6)))
        plotter.reset_camera()
        shaded = np.asarray(plotter.screenshot(return_img=True)).astype(int)
        tubes.normals[:] = (0.0, 0.0, 1.0)
        tubes._vtk_normals.Modified()
        for poly in tubes.polys:
            poly.Modified()
        plotter.render()
        flat = np.asarray(plotter.screenshot(return_img=True)).astype(int)
        assert (np.abs(shaded - flat).max(axis=2) > 10).mean() > 0.01
    finally:
        plotter.close()


@pytest.fixture(scope="module")
def squat():
    model, frames, scene, plotter = _scene("bodyweight_squat")
    yield model, frames, scene
    plotter.close()


def _belly_rings(tubes, strand):
    """(belly rings, 3) centres and (belly rings,) areas of one drawn strand's belly."""
    grid = _grid(tubes)[:, strand, tubes.rings.belly_rings]
    centre = grid.mean(axis=0)
    spread = np.linalg.norm(grid - centre[None], axis=-1)
    return centre, np.pi * (spread ** 2).mean(axis=0)


@pytest.mark.parametrize("name", ["vaslat_r", "vasmed_r", "vasint_r", "vaslat_l", "vasmed_l", "vasint_l"])
def test_the_vasti_bellies_lie_along_the_upper_femur_in_the_deepest_squat(squat, name):
    model, frames, scene = squat
    (tubes,) = scene.tubes
    k = model.muscle_index[name]
    deepest = int(np.argmax(frames.lengths[:, k]))  # knee bent most: the vasti longest
    scene.update(frames, deepest, scene.paint(np.full((len(model.muscles), 3), 0.5)))
    strand = int(np.flatnonzero(tubes.muscles[tubes.layout.strand_muscle] == k)[0])
    centre, area = _belly_rings(tubes, strand)
    middle = (centre * area[:, None]).sum(axis=0) / area.sum()  # where the belly's volume is
    side = name[-1]
    hip, knee = frames.body_pos[deepest, model.body_id(f"femur_{side}")], frames.body_pos[deepest, model.body_id(f"tibia_{side}")]
    along = np.dot(middle - hip, knee - hip) / np.dot(knee - hip, knee - hip)
    assert 0.0 < along <= 2 / 3, f"{name}'s belly centre is {100 * along:.0f} % of the way from hip to knee"


def test_every_belly_is_within_the_aspect_limit_and_keeps_its_volume(squat):
    """No balloons: a belly's thickness (its smallest radius; the largest of a round one) is at
    most BELLY_ASPECT of its length, over the whole squat, and each holds its volume."""
    from viewer.core.shape.muscle_shape import BELLY_ASPECT

    model, frames, scene = squat
    (tubes,) = scene.tubes
    target = model.shapes.drawn_volume[tubes.muscles]
    colours = scene.paint(np.full((len(model.muscles), 3), 0.5))
    worst_aspect, worst_volume = 0.0, 0.0
    B = tubes.rings.belly
    for i in range(len(frames)):
        scene.update(frames, i, colours)
        grid = _grid(tubes)[:, :, tubes.rings.belly_rings]  # (sides, S, B, 3)
        centre = grid.mean(axis=0)
        length = np.linalg.norm(np.diff(centre, axis=1), axis=-1).sum(axis=1)
        spread = np.linalg.norm(grid - centre[None], axis=-1)  # (sides, S, B)
        thickness = spread.min(axis=0).max(axis=1)  # the thin way across, at the fullest ring
        tube = ~tubes._in_sheet  # a sheet's fascicles are drawn as its surface
        worst_aspect = max(worst_aspect, float(np.max(thickness[tube] / length[tube])))
        drawn = _per_muscle(tubes, _closed_volume(grid))
        worst_volume = max(worst_volume, float(np.max(np.abs(drawn / target - 1)[~_sheet_muscles(tubes)])))
    assert B >= 8
    assert worst_aspect <= BELLY_ASPECT * 1.02, f"a belly is {worst_aspect:.2f} times as thick as it is long"
    assert worst_volume < 0.02, f"a belly's drawn volume is {100 * worst_volume:.1f} % off its volume"


@pytest.mark.parametrize("name", ["crunch", "glute_bridge", "dead_bug", "hanging_leg_raise"])
def test_each_flat_muscle_is_one_smooth_surface_holding_its_volume(name):
    """The abdominal wall, internal oblique, pectoralis, latissimus, deltoid and glutes: one
    closed surface per sheet, no slats: neighbouring faces never meet at more than
    SMOOTH_LIMIT_DEG, its normals point out of it, and it holds its fascicles' volume. The dead
    bug and the hanging leg raise hold the arms overhead, where the latissimus and pectoralis
    turn hardest (72° and 81° creases before the sheets were rounded along and around; every
    shipped exercise: `python tools/sheet_smoothness.py`)."""
    from viewer.core.shape.sheets import SMOOTH_LIMIT_DEG

    model, frames, scene, plotter = _scene(name, fps=4.0)
    (tubes,) = scene.tubes
    sheet = tubes.sheet
    assert len(sheet.sheets) == 14  # 7 flat muscles (catalogue `sheets`), both sides
    colours = scene.paint(np.full((len(model.muscles), 3), 0.5))
    worst, worst_volume, outward = 0.0, 0.0, 1.0
    for i in range(0, len(frames), 2):
        scene.update(frames, i, colours)
        points, normals = tubes.sheet_points.astype(float), tubes.sheet_normals.astype(float)
        for w, (members, _) in enumerate(sheet.sheets):
            K, start = sheet.loops[w], sheet.offsets[w]
            whole = points[start:start + sheet.rings * K].reshape(sheet.rings, K, 3)
            grid = whole[2:-2]  # the bellies: the tendon ends close the sheet
            a, b = grid[:-1], grid[1:]  # face (j, k): corners a[k], a[k+1], b[k+1], b[k]
            n = np.cross(np.roll(b, -1, axis=1) - a, b - np.roll(a, -1, axis=1))
            n /= np.linalg.norm(n, axis=-1, keepdims=True)
            around = np.degrees(np.arccos(np.clip(np.sum(n * np.roll(n, -1, axis=1), -1), -1, 1)))
            along = np.degrees(np.arccos(np.clip(np.sum(n[1:] * n[:-1], -1), -1, 1)))
            worst = max(worst, float(around.max()), float(along.max()))
            drawn = _closed_volume(whole.transpose(1, 0, 2)[:, None])[0]
            want = (tubes.strands.volume[tubes.rows.start + members]).sum()
            worst_volume = max(worst_volume, abs(drawn / want - 1))
            # the shading normals agree with the way VTK winds each face (else it lights its back)
            vn = normals[start:start + sheet.rings * K].reshape(sheet.rings, K, 3)[2:-2]
            corners = vn[:-1] + vn[1:] + np.roll(vn[:-1], -1, axis=1) + np.roll(vn[1:], -1, axis=1)
            outward = min(outward, float(np.mean(np.sum(-n * corners, axis=-1) > 0)))
    plotter.close()
    assert worst < SMOOTH_LIMIT_DEG, f"two neighbouring faces of a sheet meet at {worst:.0f}°"
    assert worst_volume < 0.02, f"a sheet holds {100 * worst_volume:.1f} % more or less than its fascicles"
    assert outward > 0.99
    # the fascicles' own tubes are not drawn: they would stick out of the sheet as slats
    grid = _grid(tubes)[:, sheet.strands]
    assert np.ptp(grid, axis=(0, 2)).max() < 1e-6


def _winding(grid, q):
    """Winding numbers of points q (n, 3) in the closed surface of loops grid (R, K, 3), its end
    loops capped by fans from their middles (1 inside, 0 outside): solid angles of its triangles."""
    a, b = grid[:-1], grid[1:]
    a2, b2 = np.roll(a, -1, axis=1), np.roll(b, -1, axis=1)
    tris = [np.stack([a, b, b2], -2).reshape(-1, 3, 3), np.stack([a, b2, a2], -2).reshape(-1, 3, 3)]
    for loop, forward in ((grid[0], False), (grid[-1], True)):
        middle = np.broadcast_to(loop.mean(axis=0), loop.shape)
        nxt = np.roll(loop, -1, axis=0)
        tris.append(np.stack([middle, loop, nxt] if forward else [middle, nxt, loop], -2))
    tris = np.concatenate(tris)
    total = np.zeros(len(q))
    for s in range(0, len(q), 256):
        v = tris[None] - q[s:s + 256, None, None, :]
        n = np.linalg.norm(v, axis=-1)
        x, y, z = v[..., 0, :], v[..., 1, :], v[..., 2, :]
        det = np.einsum("...k,...k->...", x, np.cross(y, z))
        den = (n[..., 0] * n[..., 1] * n[..., 2] + np.einsum("...k,...k->...", x, y) * n[..., 2]
               + np.einsum("...k,...k->...", y, z) * n[..., 0] + np.einsum("...k,...k->...", z, x) * n[..., 1])
        total[s:s + 256] = 2 * np.arctan2(det, den).sum(axis=-1)
    return np.abs(total) / (4 * np.pi)


REST_GAP = 0.025  # metres: a sheet over bone comes this close to it at every belly ring
OVER_BONE = ("PECM1", "LAT1", "DELT1", "glmax1", "glmed1")  # the abdominal wall lies over the belly, not bone
SUNK = 0.03  # share of the rib cage's, spine's or pelvis's points near a sheet that may lie inside it


@pytest.fixture(scope="module")
def standing_sheets(squat):
    """Standing at the squat's start: per sheet, its name and belly loops (R, K, 3); the bone
    points (n, 3) and which are the trunk's (rib cage, spine, pelvis)."""
    model, frames, scene = squat
    (tubes,) = scene.tubes
    scene.update(frames, 0, scene.paint(np.full((len(model.muscles), 3), 0.5)))
    sheet = tubes.sheet
    points = tubes.sheet_points.astype(float)
    bones, owner = [], []
    for g, geom in enumerate(model.bone_geoms):
        v, _ = model.bone_mesh(geom)
        bones.append(v[::2] @ frames.geom_mat[0, g].T + frames.geom_pos[0, g])
        owner += [model.bone_geom_name(geom)] * len(bones[-1])
    trunk = np.array([n.startswith(("torso", "pelvis", "sacrum")) for n in owner])
    sheets = []
    for w, (members, _) in enumerate(sheet.sheets):
        name = model.muscles[tubes.muscles[tubes.layout.strand_muscle[members[0]]]].name
        K, start = sheet.loops[w], sheet.offsets[w]
        sheets.append((name, points[start:start + sheet.rings * K].reshape(sheet.rings, K, 3)[2:-2]))
    return sheets, np.concatenate(bones), trunk


def test_sheets_over_bone_rest_on_it_at_every_ring(standing_sheets):
    """The pectoralis, latissimus, deltoid and glutes, standing: every belly ring comes within
    REST_GAP of a bone (measured: 1.2 cm at most, and 2.2 cm halfway along the thick gluteus
    maximus); none floats off the ribs, shoulder or pelvis."""
    sheets, bones, _ = standing_sheets
    checked = []
    for name, grid in sheets:
        if name.removesuffix("_l").removesuffix("_r") not in OVER_BONE:
            continue
        flat = grid.reshape(-1, 3)
        near = np.concatenate([np.sqrt(((flat[s:s + 128, None] - bones[None]) ** 2).sum(-1)).min(axis=1)
                               for s in range(0, len(flat), 128)]).reshape(grid.shape[:2])
        gap = near.min(axis=1).max()
        assert gap < REST_GAP, f"{name} floats {100 * gap:.1f} cm off the bone at one ring"
        checked.append(name)
    assert len(checked) == 2 * len(OVER_BONE)


@pytest.mark.xfail(strict=True, reason="measured standing: the gluteus maximus encloses 30-43 % of the pelvis and "
                   "sacrum points near it (its origin), the latissimus 8-10 % of the ribs and spine, the gluteus "
                   "medius 8 %; pectoralis and deltoid 0 %, abdominal wall 1 %: the sheets are not yet pushed out of bone")
def test_no_sheet_sinks_into_the_rib_cage_or_pelvis(standing_sheets):
    """Of the rib cage, spine and pelvis points within a sheet's reach, at most SUNK lie inside
    the sheet's closed surface (winding number > ½)."""
    sheets, bones, trunk = standing_sheets
    sunk = {}
    for name, grid in sheets:
        lo, hi = grid.reshape(-1, 3).min(axis=0) - 0.01, grid.reshape(-1, 3).max(axis=0) + 0.01
        reach = trunk & np.all((bones > lo) & (bones < hi), axis=1)
        if reach.sum() >= 20:
            sunk[name] = float(np.mean(_winding(grid, bones[reach]) > 0.5))
    assert len(sunk) >= 6
    worst = max(sunk, key=sunk.get)
    assert sunk[worst] <= SUNK, f"{worst} holds {sunk[worst]:.1%} of the trunk's bone near it: {sunk}"
