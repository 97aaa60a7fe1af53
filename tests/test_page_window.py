"""The take-home page draws what the window draws (issues 23 and 24): the same frames (through the
feed, never its own kinematics calls), the same sheets and labels, and in Chromium the same warm
and cool body regions as a still of the same moment."""
import ast
import base64
import inspect
import time
from pathlib import Path

import numpy as np
import pytest

from tests.chromium import CHROMIUM, page_url
from tests.conftest import ROOT, SCENARIOS
from tests.test_share import _feed_view, _page_shapes
from viewer.cli import main

T = 1.2345  # off any frame grid: neither the page's 30 fps nor the window's old 60


def _array(text, dtype):
    return np.frombuffer(base64.b64decode(text), dtype)


@pytest.fixture(scope="module")
def leg_raise(founding):
    return founding["leg_raise"][2]


@pytest.fixture(scope="module")
def leg_raise_data(leg_raise):
    from viewer.share.page import page_data

    return page_data(*_feed_view(leg_raise))


# --- the same frames ----------------------------------------------------------------------------
def test_the_page_and_render_never_sample_kinematics_themselves():
    """Neither calls `sample` nor imports core's kinematics module: they draw the feed's batches."""
    for path in sorted([*(ROOT / "viewer" / "share").glob("*.py"), *(ROOT / "viewer" / "render").glob("*.py")]):
        tree = ast.parse(path.read_text())
        calls = [n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
        imports = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imports += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert "sample" not in calls, path
        assert not any(m.endswith("kinematics") for m in imports), path


def test_every_frame_the_page_stores_comes_through_the_feed(leg_raise, monkeypatch):
    """Whoever samples while the page is built, it is core (the feed, its movers and captions),
    never viewer/share or viewer/render."""
    from viewer.share.page import page_data

    callers = []
    real = type(leg_raise).sample

    def spy(self, times):
        callers.append(Path(inspect.stack()[1].filename).resolve())
        return real(self, times)

    feed, view = _feed_view(leg_raise)
    monkeypatch.setattr(type(leg_raise), "sample", spy)
    data = page_data(feed, view)
    assert data["count"] > 100 and callers
    assert all(ROOT / "viewer" / "core" in c.parents for c in callers), sorted(set(callers))
    assert any(c.name == "feed.py" for c in callers)


# --- the same sheets and labels -----------------------------------------------------------------
def test_the_page_carries_the_windows_smooth_sheets(leg_raise, leg_raise_data):
    """Each flat muscle is the window's one surface (core/shape/sheets.py) to a millimetre, and its
    fascicles are not drawn again as tubes."""
    from viewer.core.shape.sheets import SheetSurface

    data = leg_raise_data
    sh, st = data["sheets"], data["strands"]
    assert sh["count"] >= 10 and sh["moving"]  # abdominal wall, glutes, pectoralis, latissimus, deltoid…
    in_sheet = _array(st["inSheet"], np.uint8).astype(bool)
    members = np.concatenate([np.array(m) for m in sh["members"]])
    assert in_sheet[members].all() and in_sheet.sum() == members.size
    R, A, W = sh["rings"], sh["around"], len(sh["moving"])
    times = np.array(sh["times"])
    p = int(np.argmin(np.abs(times - 1.25)))
    lo, hi = np.array(st["lo"]), np.array(st["hi"])
    middle = lo + _array(sh["movingMiddle"], np.uint16).reshape(-1, W, R, 3)[p] / 65535.0 * (hi - lo)
    offset = _array(sh["movingOffset"], np.int8).reshape(-1, W, R, A, 3)[p].astype(float)
    unpacked = middle[:, :, None] + offset * np.array(sh["scale"])[sh["moving"]][:, None, None, None]

    frames = leg_raise.sample([times[p]])
    shapes = _page_shapes(leg_raise, frames)
    shapes.update(frames, 0)
    surface = SheetSurface(shapes.sheet_of, shapes.first_centre)
    surface.surface(shapes.centre, shapes.radius, shapes.volume * shapes.factor ** 2)
    assert np.abs(unpacked - surface.points[sh["moving"]]).max() < 1e-3


def test_the_page_labels_are_the_windows_words(leg_raise, leg_raise_data):
    """At a frame of the raise, the labels the window's movers give (core/view/movers.py), each pointing
    at one of its muscles."""
    from viewer.core.view.movers import mover_text

    data = leg_raise_data
    lab = data["labels"]
    slots = _array(lab["slots"], np.uint16).reshape(data["count"], lab["count"], 2)
    f = round(1.25 * data["fps"])
    t = f / data["fps"]
    feed, _ = _feed_view(leg_raise)
    movers = feed.phase_movers(3)
    frames = leg_raise.sample([t])
    want = [mover_text(u, c, held, movers.side_name(u)) for u, c, held in movers.at(t, frames.lengths[0])]
    shown = [lab["texts"][text] for text, _ in slots[f] if text != 0xFFFF]
    assert shown == want and len(shown) == 3
    assert "Iliacus — shortening" in " ".join(shown)
    names = data["muscles"]["names"]
    for text, muscle in slots[f]:
        if text != 0xFFFF:
            assert names[muscle].split("_")[0].lower()[:4] in lab["texts"][text].lower().replace(" ", "")


# --- in Chromium, beside a still of the same moment -----------------------------------------------
def _warm(p):
    p = p.astype(int)
    return (p[..., 0] - p[..., 2] > 60) & (p[..., 0] - p[..., 1] > 70)  # red, not the measuring line's yellow


def _cool(p):
    p = p.astype(int)
    return (p[..., 2] - p[..., 0] > 70) & (p[..., 2] - p[..., 1] > 30)  # blue, not the blue-grey mat


def _bone(p):
    """Ivory bone pixels (white text and grey panels are not: bone is warmer than it is blue)."""
    p = p.astype(int)
    r, g, b = p[..., 0], p[..., 1], p[..., 2]
    return (b > 120) & (r - b > 8) & (r - b < 60) & (r >= g) & (g >= b)


def _body_box(image):
    ys, xs = np.nonzero(_bone(image))
    return np.percentile(xs, 0.5), np.percentile(ys, 0.5), np.percentile(xs, 99.5), np.percentile(ys, 99.5)


def regions(image, cols=6, rows=4) -> np.ndarray:
    """The body's box in a coarse grid, each cell 'W' (warm), 'C' (cool) or '.' (neither)."""
    x0, y0, x1, y1 = _body_box(image)
    out = np.full((rows, cols), ".")
    for r in range(rows):
        for c in range(cols):
            cell = image[int(y0 + (y1 - y0) * r / rows):int(y0 + (y1 - y0) * (r + 1) / rows),
                         int(x0 + (x1 - x0) * c / cols):int(x0 + (x1 - x0) * (c + 1) / cols)]
            warm, cool, least = _warm(cell).sum(), _cool(cell).sum(), 0.01 * cell.shape[0] * cell.shape[1]
            out[r, c] = "W" if warm > max(2 * cool, least) else "C" if cool > max(2 * warm, least) else "."
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (scripts/setup.sh installs it)")
def test_the_page_at_an_exact_time_shows_the_stills_warm_and_cool_regions(tmp_path):
    """#t=1.2345 opens the page paused at that moment (the address keeps it); its warm and cool
    body regions are a still's of the same moment (`snapshot`), cell by cell on a 6×4 grid."""
    from PIL import Image

    from tests.chromium import Browser

    page, still = tmp_path / "leg_raise.html", tmp_path / "still.png"
    assert main(["share", str(SCENARIOS / "leg_raise.yaml"), "-o", str(page), "--quiet"]) == 0
    assert main(["snapshot", str(SCENARIOS / "leg_raise.yaml"), "--time", str(T), "--size", "1280x800",
                 "-o", str(still)]) == 0
    browser = Browser()
    try:
        browser.open(page_url(page, f"#t={T}"), 1280, 800)
        browser.wait_for("document.body.dataset.ready === '1' && musclePage.frames > 3")
        assert browser.evaluate("musclePage.playing") is False and browser.evaluate("musclePage.time") == T
        assert browser.evaluate("location.hash") == f"#t={T}"
        assert browser.evaluate("document.getElementById('clock').textContent") == "1.23 s"
        browser.evaluate("document.getElementById('top').style.visibility = 'hidden'")  # the legend's swatches
        time.sleep(0.3)
        shot = browser.screenshot()
        browser.drain()
        assert browser.errors() == []
    finally:
        browser.close()
    mine, theirs = regions(shot), regions(np.asarray(Image.open(still).convert("RGB")))
    print("page\n", mine, "\nstill\n", theirs)
    assert (mine == theirs).mean() >= 0.8
    warm = (mine == "W") & (theirs == "W")
    assert warm.sum() >= 2  # the hip flexors: warm in both, in the same cells
    assert not ((mine == "W") & (theirs == "C")).any() and not ((mine == "C") & (theirs == "W")).any()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (scripts/setup.sh installs it)")
@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_the_labels_are_on_the_page_readable_and_the_body_in_view(tmp_path_factory, size):
    from tests.chromium import Browser

    page = tmp_path_factory.getbasetemp() / "labels_leg_raise.html"
    if not page.exists():
        assert main(["share", str(SCENARIOS / "leg_raise.yaml"), "-o", str(page), "--quiet"]) == 0
    width, height = size
    browser = Browser()
    try:
        browser.open(page_url(page, f"#t={T}"), width, height, mobile=width < 700)
        browser.wait_for("document.body.dataset.ready === '1' && musclePage.frames > 3")
        labels = browser.evaluate("musclePage.labels()")
        box = browser.evaluate("musclePage.bodyBox()")
        print(labels, box)
        texts = [label["text"] for label in labels]
        assert len(texts) == 3 and any(t.startswith("Iliacus — shortening") for t in texts)
        for label in labels:  # whole on screen, in the free band, and large enough to read on a phone
            assert 0 <= label["left"] and label["right"] <= width
            assert box["freeTop"] - 1 <= label["top"] and label["bottom"] <= box["freeBottom"] + 1
            assert label["fontSize"] >= 13
        for k, a in enumerate(labels):  # never one over another
            for b in labels[k + 1:]:
                assert (a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"]
                        or b["bottom"] <= a["top"]), (a, b)
        assert 0 <= box["left"] and box["right"] <= width  # the whole body in view
        if width >= 700:  # the legend at the side: neither the body nor a label under it
            legend = browser.evaluate("(() => { const r = document.getElementById('legend').getBoundingClientRect();"
                                      " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })()")
            for thing in [box, *labels]:
                assert (thing["right"] <= legend["left"] or thing["top"] >= legend["bottom"]), (thing, legend)
        assert box["freeTop"] - 4 <= box["top"] and box["bottom"] <= box["freeBottom"] + 4
        browser.drain()
        assert browser.errors() == []
    finally:
        browser.close()


# --- the rules the window and the page share (core/view/drawing.py) ---------------------------------------
def test_one_focus_split_for_the_window_and_the_page(leg_raise, leg_raise_data):
    from viewer.core.view.drawing import focus_split

    model = leg_raise.model
    every = np.arange(len(model.muscles))
    focus, faded = focus_split(model, every, ["hip flexors"])
    assert {model.muscles[m].group for m in focus} == {"hip flexors"} and focus.size + faded.size == every.size
    assert focus_split(model, every, [])[1].size == 0  # no focus: every muscle is focus
    hip = [m for m in every if model.muscles[m].group == "hip flexors"]
    mine, calm = focus_split(model, np.setdiff1d(every, hip), ["hip flexors"])  # the focus hidden
    assert mine.size == 0 and calm.size == every.size - len(hip)
    # the page's muscles: the calm layer first, then the scenario's focus, flagged as such
    want, _ = focus_split(model, every, leg_raise.scenario.focus)
    flagged = [n for n, f in zip(leg_raise_data["muscles"]["names"], leg_raise_data["muscles"]["focus"]) if f]
    assert flagged == [model.muscles[m].name for m in want]


def test_one_floor_rule_for_the_window_and_the_page(leg_raise, leg_raise_data):
    from viewer.core.view.drawing import floor_plan

    extent = np.array([[0.0, -1.0, 0.0], [0.4, 1.0, 0.3]])
    mat = floor_plan("supine", True, 0, 0.0, extent)
    assert mat.shape == "mat" and np.allclose(mat.size, (0.7, 2.6)) and np.allclose(mat.centre, (0.2, 0.0))
    disc = floor_plan("standing", True, 2, -0.4, extent)
    assert disc.shape == "disc" and disc.level == pytest.approx(-0.402)  # under the lowest still prop
    assert floor_plan("hanging", True, 1, 0.0, extent) is None  # hanging from a frame standing on the floor
    assert floor_plan("supine", False, 0, 0.0, extent) is None  # a fixed-base model
    floor = leg_raise_data["floor"]  # the leg raise lies on a mat
    assert floor["shape"] == "mat" and floor["size"][1] > 1.8 and floor["level"] == pytest.approx(-0.002)
