"""Build the take-home page: a scenario's frames packed into one self-contained HTML file.

The page draws what the window draws: it takes the scenario's FrameFeed and a frozen View
(core/view/viewstate.py) and gets its frames and colours only through `feed.batches`, as the window
and every export do; the focus split, the floor and the tendons' colour are core/view/drawing.py's
rules, the camera the View's. What travels in the page, so the browser only plays it back:
- bones and props: decimated meshes (quantised to 16 bits in their own box) and, per frame,
  a position and a quaternion each;
- muscles: per frame, each strand's centre line and ring radii as the window solves them
  (core/shape/strands.py: the same bellies where anatomy puts them, holding their volume, and thin
  tendons; RINGS points quantised to 16 bits in the body's box, radii to 8 bits on a square-root
  scale; strands that do not move are stored once), and per frame one RGBA colour per muscle
  from the feed's colouring: the same paint as the window;
- the flat muscles as the window's smooth sheets (share/sheet_pack.py), the labels beside the
  body frame by frame (share/page_labels.py);
- captions per phase, the legend in plain words, the camera view, the clinician's note.
The browser side (assets/player.js) builds a fixed-topology tube mesh once and rewrites its
points per frame; three.js comes inlined from assets/three.bundle.min.js (tools/three/).
"""
from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from viewer.core.base import limits
from viewer.core.model.decimate import decimate
from viewer.core.view.drawing import FLOOR_COLOUR, MAT_THICKNESS, TENDON_MIX, TENDON_WHITE, floor_plan, focus_split
from viewer.core.base.errors import ViewerError
from viewer.core.base.files import atomic_write
from viewer.core.shape.strands import StrandShapes
from viewer.core.shape.tubes import StrandLayout, resample
from viewer.core.view.viewstate import View, degenerate_view
from viewer.render.camera import VIEW_ANGLE, body_points, view_direction  # numpy only, no VTK
from viewer.render.look import BONE_COLOUR, FADED_ALPHA, paint  # numpy only, no VTK

from .page_labels import PageLabels
from .sheet_pack import SHEET_BUDGET, SheetFrames

ASSETS = Path(__file__).resolve().parent / "assets"
PAGE_FPS = 30.0  # frames stored per second of scenario time (at most); the browser interpolates between them
MIN_FPS = 10.0  # never fewer: linear interpolation between frames still reads as smooth motion
MOVING_BUDGET = 6.5e6  # bytes of page text for the moving muscles (centre lines and radii): any page stays under 12 MB
RINGS = 16  # rings per muscle strand: the window's (SceneStyle.tube_rings)
PAGE_SIDES = 6  # the page draws each ring as a hexagon (assets/player.js SIDES): bellies hold their volume in it
BYTES_PER_RING = 7  # a moving ring per frame: three 16-bit coordinates and an 8-bit radius
BONE_FRACTION = 0.2  # share of each bone's triangles kept
STILL_TOLERANCE = 4e-4  # metres: a strand that never moves further than this is stored once
# three.js, the player, the decimated bones (MyoFullBody: about 2 MB) and the sheets
PAGE_FIXED_BYTES = 3 * 2**20 + int(SHEET_BUDGET)


@dataclass(frozen=True)
class PageOutput:
    """How the page is written, apart from what it shows (that is the View): its note and rate."""

    note: str = ""
    fps: float = PAGE_FPS  # frames stored per second (at most)


Progress = Callable[[int, int], None]


def write_page(path: str | Path, feed, view: View, output: PageOutput | None = None,
               progress: Progress | None = None) -> int:
    """Write the page of `view` (a frozen View; its colour source is the feed's colouring)
    atomically (nothing appears on failure); returns its size in bytes."""
    text = page_html(feed, view, output or PageOutput(), progress)
    data = text.encode("utf-8")
    if len(data) > limits.PAGE_BYTES:  # the estimate before sampling missed: still never a larger page
        raise ViewerError(f"the page would be {len(data) / 2**20:.1f} MB, more than the "
                          f"{limits.PAGE_BYTES / 2**20:g} MB a page holds; share a shorter scenario")

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(data)

    atomic_write(path, write)
    return len(data)


def page_html(feed, view: View, output: PageOutput, progress: Progress | None = None) -> str:
    data = page_data(feed, view, output, progress)
    template = (ASSETS / "page.html").read_text(encoding="utf-8")
    parts = {
        "TITLE": html.escape(data["title"]),
        "STYLE": (ASSETS / "player.css").read_text(encoding="utf-8"),
        "THREE": _script_safe((ASSETS / "three.bundle.min.js").read_text(encoding="utf-8")),
        "PLAYER": _script_safe((ASSETS / "player.js").read_text(encoding="utf-8")),
        "DATA": json_for_script(data),
    }
    # One pass over the template only: text inserted for one marker is never searched again.
    return re.sub(r"/\*(TITLE|STYLE|THREE|PLAYER|DATA)\*/", lambda m: parts[m.group(1)], template)


# Inside <script> the HTML parser, not JSON, decides where the element ends: "</script>" closes
# it and "<!--<script>" makes it swallow everything after. Escaped, no text in the data (a title,
# a caption, a note, a muscle name) can do either; U+2028/U+2029 are escaped for older JS parsers.
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                 "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_for_script(data) -> str:
    """JSON text safe inside a <script> element: < > & U+2028 U+2029 as \\u escapes (still JSON)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def _script_safe(text: str) -> str:
    """Text that cannot close the <script> element it sits in."""
    return text.replace("</", "<\\/")


def page_data(feed, view: View, output: PageOutput = PageOutput(), progress: Progress | None = None) -> dict:
    """Everything the page plays, as JSON-ready values (typed arrays as base64 strings)."""
    _check(view, output)
    model, scenario = feed.model, feed.scenario
    drawn = refuse_too_long(model, view)
    pieces_count = len(model.bone_geoms) + len(scenario.props)
    colouring = feed.colouring
    if view.colour_source is not None and colouring.key != view.colour_source:  # a caller's slip, not the user's
        raise ValueError(f"the feed is coloured by {colouring.key!r} but the view asks for {view.colour_source!r}")
    overview = feed.overview
    # The window's split and order: the calm layer first, then the focus (render/scene.py).
    focus, faded = focus_split(model, drawn, scenario.focus)
    shapes = StrandShapes(model, [faded, focus], overview, "shapes", RINGS, sides=[PAGE_SIDES] * 2, thicker=[1.0] * 2)
    order, layout = shapes.muscles, shapes.layout  # layout.strand_muscle: place in `order`
    in_focus = np.arange(order.size) >= faded.size
    sheets_shown = SheetFrames(shapes, 1).in_sheet
    moving = int((~_still(layout, overview) & ~sheets_shown).sum())
    fps = page_fps(output.fps, scenario.duration, moving)
    check_size(scenario, fps, drawn.size, pieces_count, moving)
    times = page_times(scenario.duration, fps)
    F = len(times)
    props = feed.props
    direction, up = _camera(feed, view)
    total = len(model.bone_geoms) + len(props) + F
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    pieces = []
    for geom in model.bone_geoms:
        pieces.append(_piece(*model.bone_mesh(geom), BONE_COLOUR, view.bone_opacity))
        tick()
    for mesh in props.meshes:
        pieces.append(_piece(mesh.vertices, mesh.faces, mesh.colour, 1.0))
        tick()

    extent = body_points(overview, model)
    if len(props):
        extent = np.vstack([extent, props.points(overview, max(1, len(overview) // 12))])

    centres = np.empty((F, layout.count, RINGS, 3), np.float32)
    radii = np.empty((F, layout.count, RINGS), np.float32)
    positions = np.empty((F, len(pieces), 3), np.float32)
    quats = np.empty((F, len(pieces), 4), np.float32)
    rgba = np.empty((F, order.size, 4), np.uint8)
    sheets = SheetFrames(shapes, F)
    labels = PageLabels(feed, order, F, direction)
    f = 0
    for batch in feed.batches(times):  # the window's frames and colours, never a kinematics call of our own
        frames = batch.frames
        rgba[f:f + len(batch)] = paint(batch.rgb[:, order], batch.strength[:, order], ~in_focus)
        for i in range(len(batch)):
            shapes.update(frames, i)
            centres[f], radii[f] = shapes.centre, shapes.radius
            sheets.take(f)
            labels.take(f, float(times[f]), frames, i)
            mats, pos = frames.geom_mat[i], frames.geom_pos[i]
            if len(props):
                moved = props.transforms(frames, i)
                mats, pos = np.concatenate([mats, moved[:, :3, :3]]), np.concatenate([pos, moved[:, :3, 3]])
            positions[f] = pos
            quats[f] = _quaternions(mats)
            f += 1
        tick(len(batch))
    _continuous(quats)

    lo = np.minimum(centres.reshape(-1, 3).min(axis=0), extent.min(axis=0)) - 0.01
    hi = np.maximum(centres.reshape(-1, 3).max(axis=0), extent.max(axis=0)) + 0.01
    if sheets.count:
        lo = np.minimum(lo, sheets.grid.reshape(-1, 3).min(axis=0) - 0.01)
        hi = np.maximum(hi, sheets.grid.reshape(-1, 3).max(axis=0) + 0.01)
    still = np.abs(centres - centres[:1]).max(axis=(0, 2, 3)) < STILL_TOLERANCE
    still &= np.abs(radii - radii[:1]).max(axis=(0, 2)) < STILL_TOLERANCE
    still |= sheets.in_sheet  # drawn as sheets: their own tubes are not drawn, stored once
    quantised = _quantise(centres, lo, hi)
    radius_max = max(float(radii.max()), 1e-4)
    radius_q = np.round(np.sqrt(np.clip(radii / radius_max, 0.0, 1.0)) * 255).astype(np.uint8)  # finer when thin
    muscles = model.muscles
    return {
        "format": 2,
        "title": scenario.title or "Exercise",
        "summary": scenario.summary or "",
        "note": output.note,
        "duration": float(scenario.duration),
        "fps": float(fps),
        "count": F,
        "phases": [{"name": p.name, "start": p.start, "end": p.end, "caption": feed.caption(p)}
                   for p in scenario.phases],
        "legend": {"title": colouring.source.title,
                   "entries": [{"colour": _hex(e.rgb), "text": e.text} for e in colouring.legend],
                   "note": colouring.note, "scale": colouring.scale_text},
        "camera": {"direction": direction.tolist(), "up": up.tolist(), "lo": extent.min(axis=0).tolist(),
                   "hi": extent.max(axis=0).tolist(), "fov": VIEW_ANGLE, "zoom": float(view.camera.zoom)},
        "floor": _floor(feed, extent),
        "pieces": pieces,
        "bones": len(model.bone_geoms),  # the first pieces; the rest are props
        "piecePos": _b64(positions),
        "pieceQuat": _b64(np.round(quats * 32767).astype(np.int16)),
        "muscles": {
            "names": [muscles[m].name for m in order],
            "labels": [muscles[m].label for m in order],
            "groups": [muscles[m].group for m in order],
            "focus": in_focus.astype(int).tolist(),
            "rgba": _b64(rgba),
        },
        "strands": {
            "count": layout.count,
            "rings": RINGS,
            "muscle": _b64(layout.strand_muscle.astype(np.uint16)),
            "radiusMax": radius_max,  # radius = radiusMax · (q / 255)²
            "stillRadius": _b64(radius_q[0, still]),
            "movingRadius": _b64(radius_q[:, ~still]),
            "fadedSeeThrough": bool(min(FADED_ALPHA) < 1.0),
            "lo": lo.tolist(), "hi": hi.tolist(),
            "still": _b64(np.flatnonzero(still).astype(np.uint16)),
            "moving": _b64(np.flatnonzero(~still).astype(np.uint16)),
            "stillPoints": _b64(quantised[0, still]),
            "movingPoints": _b64(quantised[:, ~still]),
            "inSheet": _b64(sheets.in_sheet.astype(np.uint8)),
            # tendon rings washed pale toward this white (core/view/drawing.tendon_colour, as the window)
            "tendonRings": shapes.rings.is_tendon.astype(int).tolist(),
            "tendonWhite": (TENDON_WHITE * 255.0).tolist(), "tendonMix": TENDON_MIX,
        },
        "sheets": sheets.pack(lo, hi, times, _b64),
        "labels": labels.pack(lo, hi, _b64),
    }


def refuse_too_long(model, view: View) -> np.ndarray:
    """The drawn muscles (model indices), once it is sure their page can hold the scenario at the
    least rate: call it before the feed's colouring, which samples the whole motion (a one-hour
    scenario is refused at once, not after minutes of sampling)."""
    drawn = np.flatnonzero(~view.hidden_mask(model))
    if drawn.size == 0:
        raise ViewerError("every muscle is hidden; show at least one before sharing")
    scenario = view.scenario
    check_size(scenario, MIN_FPS, drawn.size, len(model.bone_geoms) + len(scenario.props), 0)
    return drawn


def page_times(duration: float, fps: float) -> np.ndarray:
    """The stored frames' scenario times: from 0, `fps` a second, the last at the end."""
    return np.arange(int(round(duration * fps)) + 1) / fps


def page_fps(most: float, duration: float, moving_strands: int) -> float:
    """Frames per second to store: `most`, or fewer when the moving muscles would pass MOVING_BUDGET."""
    per_second = moving_strands * RINGS * BYTES_PER_RING * 4 / 3  # as base64 text
    if duration <= 0 or per_second <= 0:
        return float(most)
    fps = min(most, max(MIN_FPS, MOVING_BUDGET / (duration * per_second)))
    return float(most) if fps == most else np.ceil(fps * duration) / duration  # whole frames: the last one at the end


def frame_bytes(muscles: int, pieces: int, moving_strands: int) -> float:
    """Page text per stored frame: colours, bone and prop poses, moving centre lines and radii (base64)."""
    return (muscles * 4 + pieces * (3 * 4 + 4 * 2) + moving_strands * RINGS * BYTES_PER_RING) * 4 / 3


def check_size(scenario, fps: float, muscles: int, pieces: int, moving_strands: int) -> None:
    """Refuse, before the frames are sampled, a page that would pass limits.PAGE_BYTES (the
    fixed part, three.js and the bones, takes about PAGE_FIXED_BYTES)."""
    per_second = fps * frame_bytes(muscles, pieces, moving_strands)
    budget = limits.PAGE_BYTES - PAGE_FIXED_BYTES
    if scenario.duration * per_second > budget:
        longest = f" (about {budget / per_second:.0f} s of this exercise)" if moving_strands else ""
        raise ViewerError(f"{scenario.name}: {scenario.duration:g} s is too long for one page: at "
                          f"{fps:g} frames per second it would be about "
                          f"{(scenario.duration * per_second + PAGE_FIXED_BYTES) / 2**20:,.0f} MB, and a page holds "
                          f"at most {limits.PAGE_BYTES / 2**20:g} MB{longest}; share one repetition instead")


def _still(layout: StrandLayout, frames) -> np.ndarray:
    """Per strand: whether its centre line stays within STILL_TOLERANCE over these frames."""
    centres = np.stack([resample(layout.padded(frames.wrap_xpos[i], frames.wrap_obj[i], frames.wrap_adr[i],
                                               frames.wrap_num[i]), RINGS) for i in range(len(frames))])
    return np.abs(centres - centres[:1]).max(axis=(0, 2, 3)) < STILL_TOLERANCE


def _check(view: View, output: PageOutput) -> None:
    if not 0.0 <= view.bone_opacity <= 1.0:
        raise ViewerError(f"bone opacity must be between 0 and 1, not {view.bone_opacity:g}")
    if not output.fps > 0:
        raise ViewerError(f"frames per second must be positive, not {output.fps:g}")


def _piece(vertices: np.ndarray, faces: np.ndarray, colour, opacity: float) -> dict:
    """One rigid mesh (a bone or a prop) in its own frame, decimated and quantised."""
    v, f = decimate(vertices, faces, BONE_FRACTION)
    lo, hi = v.min(axis=0), v.max(axis=0)
    index_type = np.uint16 if len(v) < 65536 else np.uint32
    return {"lo": lo.tolist(), "hi": hi.tolist(), "vertices": _b64(_quantise(v, lo, hi)),
            "faces": _b64(f.astype(index_type)), "wide": index_type is np.uint32,
            "colour": _hex(colour), "opacity": float(opacity)}


def _quantise(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    span = np.maximum(hi - lo, 1e-9)
    return np.round((points - lo) / span * 65535.0).clip(0, 65535).astype(np.uint16)


def _quaternions(mats: np.ndarray) -> np.ndarray:
    """Unit quaternions (x, y, z, w) of rotation matrices (n, 3, 3), three.js order."""
    m = mats
    t = np.stack([1 + m[:, 0, 0] - m[:, 1, 1] - m[:, 2, 2], 1 - m[:, 0, 0] + m[:, 1, 1] - m[:, 2, 2],
                  1 - m[:, 0, 0] - m[:, 1, 1] + m[:, 2, 2], 1 + m[:, 0, 0] + m[:, 1, 1] + m[:, 2, 2]], axis=1)
    q = 0.5 * np.sqrt(np.maximum(t, 0.0))
    q[:, 0] = np.copysign(q[:, 0], m[:, 2, 1] - m[:, 1, 2])
    q[:, 1] = np.copysign(q[:, 1], m[:, 0, 2] - m[:, 2, 0])
    q[:, 2] = np.copysign(q[:, 2], m[:, 1, 0] - m[:, 0, 1])
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def _continuous(quats: np.ndarray) -> None:
    """Flip q to −q where needed so neighbouring frames interpolate the short way round."""
    for f in range(1, len(quats)):
        flip = np.einsum("pk,pk->p", quats[f], quats[f - 1]) < 0
        quats[f, flip] *= -1


def _camera(feed, view: View) -> tuple[np.ndarray, np.ndarray]:
    """(direction from the body to the camera, screen up) of the View's camera (decided once, by
    CameraState.resolve): the window's turned camera exactly, else its named view."""
    camera = view.camera
    if camera.exact:
        d = np.subtract(camera.position, camera.focal_point)
        up = np.asarray(camera.up, float)
        if degenerate_view(d, up):
            raise ViewerError("camera direction must be a non-zero vector that is not along its up")
        d = d / np.linalg.norm(d)
        up = up - np.dot(up, d) * d
        return d, up / np.linalg.norm(up)
    return view_direction(camera.view, feed.posture_rotation, camera.azimuth, camera.elevation)


def _floor(feed, extent: np.ndarray) -> dict | None:
    """The window's floor (core/view/drawing.floor_plan): a disc or a mat, or none."""
    plan = floor_plan(feed.scenario.posture, feed.free_root, len(feed.props), feed.props.floor_level(), extent)
    if plan is None:
        return None
    return {"shape": plan.shape, "centre": list(plan.centre), "level": plan.level, "radius": plan.radius,
            "size": list(plan.size), "thickness": MAT_THICKNESS, "colour": _hex(FLOOR_COLOUR)}


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(float(c) * 255)):02x}" for c in rgb[:3])


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
