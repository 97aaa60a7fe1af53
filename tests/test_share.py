"""The take-home page (issue 15): what is packed into it, the command, and the page in a real browser."""
import base64
import subprocess
import sys
import time
from html.parser import HTMLParser

import numpy as np
import pytest

from tests.chromium import CHROMIUM, page_url
from tests.conftest import FIXTURES, ROOT, SCENARIOS
from viewer.cli import main

MAX_BYTES = 12_000_000


@pytest.fixture(scope="module")
def leg_raise(founding):
    return founding["leg_raise"][2]


@pytest.fixture(scope="module")
def leg_raise_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "leg_raise.html"
    assert main(["share", str(SCENARIOS / "leg_raise.yaml"), "-o", str(out), "--note", "Ten slow raises <b>daily</b>",
                 "--quiet"]) == 0
    return out


def _array(text, dtype):
    return np.frombuffer(base64.b64decode(text), dtype)


def _feed_view(kin, **changes):
    """The scenario's FrameFeed and its saved view (as `share` builds them), with `changes` to the View."""
    from dataclasses import replace

    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.core.view.viewstate import ViewState

    view = replace(ViewState.from_scenario(kin.scenario, kin.model).snapshot(), **changes)
    return FrameFeed(kin, Colouring(kin, source=view.colour_source)), view


def _page_shapes(kin, frames):
    """The window's strands of every muscle, in the page's order (calm layer first, then the focus)."""
    from viewer.core.view.drawing import focus_split
    from viewer.core.shape.strands import StrandShapes
    from viewer.share.page import PAGE_SIDES, RINGS

    model = kin.model
    focus, faded = focus_split(model, np.arange(len(model.muscles)), kin.scenario.focus)
    return StrandShapes(model, [faded, focus], frames, "shapes", RINGS, sides=[PAGE_SIDES] * 2, thicker=[1.0] * 2)


# --- what the page carries ---------------------------------------------------------------------
def test_the_windows_bellies_and_tendons_survive_packing(leg_raise):
    """The page carries the centre lines and ring radii the window solves (core/shape/strands.py),
    to a tenth of a millimetre and a few per cent."""
    from viewer.share.page import page_data

    data = page_data(*_feed_view(leg_raise))
    st = data["strands"]
    R, lo, hi = st["rings"], np.array(st["lo"]), np.array(st["hi"])
    moving, still = _array(st["moving"], np.uint16), _array(st["still"], np.uint16)
    F = data["count"]
    assert F == round(5.5 * 30) + 1
    assert moving.size > 50 and still.size > 50  # the legs move, the arms stay: stored once
    pts = _array(st["movingPoints"], np.uint16).reshape(F, moving.size, R, 3)
    rad = _array(st["movingRadius"], np.uint8).reshape(F, moving.size, R)
    f = round(1.25 * data["fps"])
    unpacked = lo + pts[f] / 65535.0 * (hi - lo)
    radius = st["radiusMax"] * (rad[f] / 255.0) ** 2
    frames = leg_raise.sample([f / data["fps"]])
    shapes = _page_shapes(leg_raise, frames)
    shapes.update(frames, 0)
    assert np.abs(unpacked - shapes.centre[moving]).max() < 1e-4
    belly = shapes.radius[moving] > 0.004
    assert np.abs(radius[belly] / shapes.radius[moving][belly] - 1).max() < 0.05
    # a belly and its tendons: the rings are thick in the middle and thin at the ends
    biceps = int(np.flatnonzero(shapes.muscles[shapes.layout.strand_muscle] ==
                                leg_raise.model.muscle_index["BIClong"])[0])
    assert shapes.radius[biceps, R // 2] > 4 * shapes.radius[biceps, 1]


def test_long_whole_body_motions_store_fewer_frames_not_a_bigger_page():
    from viewer.share.page import BYTES_PER_RING, MIN_FPS, MOVING_BUDGET, PAGE_FPS, RINGS, page_fps

    assert page_fps(PAGE_FPS, 5.5, 80) == PAGE_FPS  # the leg raise: few muscles move
    fps = page_fps(PAGE_FPS, 8.5, 450)
    assert MIN_FPS <= fps < PAGE_FPS and (fps * 8.5) == round(fps * 8.5)
    assert 450 * RINGS * BYTES_PER_RING * 4 / 3 * 8.5 * fps <= MOVING_BUDGET * 1.02
    assert page_fps(PAGE_FPS, 600.0, 600) == MIN_FPS  # ten minutes: the floor holds


def test_bone_quaternions_give_back_the_bone_rotations(leg_raise):
    from viewer.share.page import _quaternions

    mats = leg_raise.sample([1.25]).geom_mat[0]
    x, y, z, w = _quaternions(mats).T
    back = np.stack([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]]).transpose(2, 0, 1)
    assert np.abs(back - mats).max() < 1e-5


def test_page_colours_are_the_windows_paint(leg_raise):
    from viewer.core.analysis.colour import Colouring
    from viewer.share.page import page_data

    data = page_data(*_feed_view(leg_raise))
    names = data["muscles"]["names"]
    rgba = _array(data["muscles"]["rgba"], np.uint8).reshape(data["count"], len(names), 4)
    f = round(1.25 * data["fps"])
    rgb, _ = Colouring(leg_raise).paint(leg_raise.sample([f / data["fps"]]))
    iliacus = names.index("iliacus_r")  # the page's order: the calm layer first, then the focus
    assert np.abs(rgba[f, iliacus, :3] / 255.0 - rgb[0, leg_raise.model.muscle_index["iliacus_r"]]).max() \
        < 1 / 255 + 1e-9  # in focus: exact
    assert rgba[f, iliacus, 0] > rgba[f, iliacus, 2] + 80  # warm: shortening
    assert "Colour shows length change, not effort" in data["legend"]["note"]
    assert data["legend"]["note"].startswith("Paused or held, a muscle keeps the colour")


def test_view_state_values_shape_the_page(leg_raise):
    from viewer.core.view.viewstate import CameraState
    from viewer.share.page import page_data

    model = leg_raise.model
    hidden = frozenset(m.name for m in model.muscles if m.group == "hamstrings")
    data = page_data(*_feed_view(leg_raise, colour_source="group", hidden=hidden, bone_opacity=0.4,
                                 camera=CameraState(view="front")))
    assert not set(data["muscles"]["groups"]) & {"hamstrings"}
    assert len(data["muscles"]["names"]) == len(model.muscles) - len(hidden)
    assert data["legend"]["title"] == "Muscle groups"
    assert {p["opacity"] for p in data["pieces"][:len(model.bone_geoms)]} == {0.4}
    # supine body seen from the front: from above
    assert data["camera"]["direction"][2] > 0.99


def test_the_windows_exact_camera_direction_wins_over_the_named_view(leg_raise):
    from viewer.core.base.errors import ViewerError
    from viewer.core.view.viewstate import CameraState
    from viewer.share.page import _camera

    turned = CameraState(view="left", position=(3.0, 1.0, 2.0), focal_point=(1.0, 1.0, 0.0), up=(0.0, 0.0, 1.0))
    d, up = _camera(*_feed_view(leg_raise, camera=turned))
    assert np.allclose(d, [2 ** -0.5, 0, 2 ** -0.5]) and abs(np.dot(d, up)) < 1e-9 and up[2] > 0
    along = CameraState(position=(0.0, 0.0, 1.0), focal_point=(0.0, 0.0, 0.0), up=(0.0, 0.0, 2.0))
    with pytest.raises(ViewerError, match="camera direction"):
        _camera(*_feed_view(leg_raise, camera=along))


def test_the_three_bundle_exports_every_name_the_player_uses():
    import re

    used = set(re.findall(r"THREE\.([A-Za-z0-9]+)", (ROOT / "viewer/share/assets/player.js").read_text()))
    entry = (ROOT / "tools/three/entry.js").read_text()
    imported = set(re.findall(r"[A-Za-z0-9]+", entry.split("import {", 1)[1].split("}", 1)[0]))
    assert used and used <= imported, used - imported


def test_building_the_page_loads_neither_qt_nor_vtk():
    code = ("import sys, viewer.share.page\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] in "
            "('PySide6', 'vtk', 'vtkmodules', 'pyvista', 'pyvistaqt')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


# --- the file ------------------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.urls += [v for k, v in attrs if k in ("src", "href", "srcset", "action", "poster") and v]


def test_page_is_one_file_with_no_external_url(leg_raise_page):
    text = leg_raise_page.read_text(encoding="utf-8")
    links = _Links()
    links.feed(text)
    assert links.scripts == 3  # data, three.js, player: all inline
    assert [u for u in links.urls if not u.startswith(("#", "data:"))] == []
    assert "default-src 'none'" in text  # the browser itself refuses any fetch
    assert leg_raise_page.stat().st_size <= MAX_BYTES
    assert "<b>daily</b>" not in text.split('id="mv-data"')[0]  # the note is data, shown as text, not markup


def test_share_shows_progress_and_prints_the_size(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MUSCLE_VIEWER_PROGRESS", "1")  # the bar draws only on a terminal otherwise
    out = tmp_path / "lr.html"
    assert main(["share", str(SCENARIOS / "leg_raise.yaml"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    steps = [line for line in err.split("\r") if "steps," in line]
    assert steps and "[" + "#" * 30 + "]" in steps[-1]
    assert f"wrote {out}: {out.stat().st_size / 1e6:.1f} MB" in err


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_share_works_on_every_shipped_scenario(tmp_path, capsys, scenario):
    out = tmp_path / "page.html"
    assert main(["share", str(SCENARIOS / scenario), "-o", str(out), "--quiet"]) == 0
    assert " MB, " in capsys.readouterr().err
    assert 500_000 < out.stat().st_size <= MAX_BYTES
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


@pytest.mark.parametrize("name", ["unknown_joint.yaml", "bad_yaml.yaml", "empty.yaml"])
def test_broken_scenarios_get_one_line_errors_and_no_file(tmp_path, capsys, name):
    out = tmp_path / "page.html"
    assert main(["share", str(FIXTURES / "bad" / name), "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(line.split(":")[0].endswith(f"bad/{name}") and "Traceback" not in line for line in err)
    assert list(tmp_path.iterdir()) == []


def test_bad_output_paths_are_refused_before_any_work(tmp_path, capsys):
    assert main(["share", str(SCENARIOS / "leg_raise.yaml"), "-o", str(tmp_path / "no" / "p.html")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["share", str(SCENARIOS / "leg_raise.yaml"), "-o", str(tmp_path / "p.pdf")]) == 1
    assert "unsupported output type '.pdf'" in capsys.readouterr().err


def test_an_interrupted_write_leaves_nothing(tmp_path, leg_raise):
    from viewer.share.page import write_page

    def stop(done, total):
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_page(tmp_path / "p.html", *_feed_view(leg_raise), progress=stop)
    assert list(tmp_path.iterdir()) == []


# --- in a real browser ---------------------------------------------------------------------------
def _warm(pixels):
    p = pixels.astype(int)
    return (p[..., 0] - p[..., 2] > 60) & (p[..., 0] - p[..., 1] > 25)


def _cool(pixels):
    p = pixels.astype(int)
    return p[..., 2] - p[..., 0] > 35


def _near(image, points, radius=2):
    """Pixels within `radius` of the given CSS-pixel points (device scale 1)."""
    h, w, _ = image.shape
    out = []
    for x, y in np.round(points).astype(int):
        if radius <= x < w - radius and radius <= y < h - radius:
            out.append(image[y - radius:y + radius + 1, x - radius:x + radius + 1].reshape(-1, 3))
    return np.concatenate(out) if out else np.zeros((0, 3), np.uint8)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (scripts/setup.sh installs it)")
def test_page_plays_offline_in_chromium(leg_raise_page):
    from tests.chromium import Browser

    browser = Browser()
    try:
        browser.open(page_url(leg_raise_page, "#t=1.25"), 1280, 800)
        browser.wait_for("document.body.dataset.ready === '1' && musclePage.frames > 3")
        assert browser.evaluate("musclePage.playing") is False
        assert browser.evaluate("musclePage.time") == pytest.approx(1.25)
        still = browser.screenshot()
        hip = _near(still, browser.evaluate("musclePage.project('hip flexors')"))
        hams = _near(still, browser.evaluate("musclePage.project('hamstrings')"))
        print("hip flexors warm/cool", _warm(hip).sum(), _cool(hip).sum(), "hamstrings", _cool(hams).sum(),
              _warm(hams).sum())
        assert _warm(hip).sum() > 40 and _warm(hip).sum() > 3 * _cool(hip).sum()
        # (their long tendons are pale, as the window draws them, and the red sartorius crosses in front)
        assert _cool(hams).sum() > 40 and _cool(hams).sum() > 2 * _warm(hams).sum()
        assert browser.evaluate("document.getElementById('note').textContent") == "Ten slow raises <b>daily</b>"
        assert "Raise to 90°" in browser.evaluate("document.getElementById('phase-name').textContent")

        box = browser.evaluate("(() => { const r = document.getElementById('play').getBoundingClientRect();"
                               " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        browser.click(*box)
        browser.wait_for("musclePage.playing && musclePage.time > 1.6", timeout=20)
        time.sleep(0.3)
        moving = browser.screenshot()
        changed = np.abs(moving.astype(int) - still.astype(int)).max(axis=2) > 30
        assert changed.sum() > 2000  # the legs moved
        browser.drain()
        assert browser.errors() == []
        assert browser.remote_requests() == []
    finally:
        browser.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (scripts/setup.sh installs it)")
def test_on_a_phone_a_finger_drag_turns_the_body(leg_raise_page):
    from tests.chromium import Browser

    browser = Browser()
    try:
        browser.open(page_url(leg_raise_page, "#t=2"), 390, 844, mobile=True)
        browser.wait_for("document.body.dataset.ready === '1' && musclePage.frames > 3")
        before = browser.screenshot()
        browser.drag((120, 420), (300, 400), touch=True)
        browser.wait_for("musclePage.frames > 10")
        time.sleep(0.5)  # the turn eases out
        after = browser.screenshot()
        assert browser.evaluate("musclePage.playing") is False and browser.evaluate("musclePage.time") == 2
        turned = np.abs(after.astype(int) - before.astype(int)).max(axis=2) > 30
        assert turned.sum() > 2000  # paused, so only the camera can have changed the picture
        browser.drain()
        assert browser.errors() == [] and browser.remote_requests() == []
    finally:
        browser.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (scripts/setup.sh installs it)")
def test_on_a_phone_the_whole_standing_body_fills_the_space_the_text_leaves(tmp_path):
    """390×844, the squat standing (its tallest moment): head to feet between the legend and
    the caption, across at most the screen's width, and filling most of that space."""
    from tests.chromium import Browser

    page = tmp_path / "squat.html"
    assert main(["share", str(SCENARIOS / "bodyweight_squat.yaml"), "-o", str(page), "--quiet"]) == 0
    browser = Browser()
    try:
        browser.open(page_url(page, "#t=0"), 390, 844, mobile=True)
        browser.wait_for("document.body.dataset.ready === '1' && musclePage.frames > 3")
        box = browser.evaluate("musclePage.bodyBox()")
        print(box)
        assert box["freeBottom"] - box["freeTop"] > 0.4 * box["height"]  # the text leaves room
        assert 0 <= box["left"] and box["right"] <= box["width"]
        assert box["freeTop"] - 4 <= box["top"] and box["bottom"] <= box["freeBottom"] + 4  # head and feet in view
        assert box["bottom"] - box["top"] >= 0.85 * (box["freeBottom"] - box["freeTop"])  # and it fills it
        assert browser.errors() == []
    finally:
        browser.close()
