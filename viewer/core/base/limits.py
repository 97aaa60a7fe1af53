"""Limits checked before any work, so a hostile or mistaken input is refused with one line
instead of filling memory or running for hours. README's "Limits" table lists these; one copy
of each number lives here.
"""
from __future__ import annotations

import math

from .errors import PROBLEMS, ViewerError

SCENARIO_BYTES = 2**20  # a scenario file (YAML): the shipped ones are about 3 KB; 1 MB parses in ~2 s
MOTION_BYTES = 64 * 2**20  # a .mot/.sto motion file (10 minutes of 100 Hz capture, 100 columns ≈ 60 MB)
YAML_NODES = 200_000  # values in a YAML file after aliases are expanded (an alias bomb expands to billions)
YAML_DEPTH = 40  # nesting of lists and mappings (a scenario needs 4)
MODEL_BYTES = 64 * 2**20  # a MuJoCo XML model file (meshes are separate files)
OSIM_BYTES = 32 * 2**20  # an OpenSim .osim model (Rajagopal's full body is about 1 MB)
MESH_BYTES = 64 * 2**20  # one mesh file of a model or prop (a bone mesh is well under 1 MB)
MODEL_BODIES = 1000  # bodies in a MuJoCo model (MyoFullBody has 104; MuJoCo takes minutes on thousands)
KEYFRAMES = 10_000  # keyframes in a scenario
NAMES = 1000  # entries of `hide:` or `focus:` (MyoFullBody has 416 muscles in about 20 groups)
PHASES = 1000  # phases in a scenario
TEXT_CHARS = 2000  # one text of a scenario: title, summary, caption, name (shipped: under 400; 225 kB took 50 s)
MEASURES = 50  # `measure:` lines (each is a landmark distance drawn and computed every frame)
CONTACTS = 16  # `contacts:` (hands and feet on a floor, a bench, a bar: 2-4; each is solved every frame)
PROPS = 16  # `props:` (a bench and a bar)
# PROBLEMS: lines of one error report, the rest counted ("and 881 more"), never worked out; it lives in
# errors.py, which applies it and which this module sits above
MOTION_ROWS = 200_000  # rows of a motion file
MOTION_COLUMNS = 2000  # columns of a motion file (a full-body .mot has about 100, with forces 150)
DURATION_S = 3600.0  # the last keyframe time
NUMBER = 1e9  # any number in a scenario (times, angles, camera) beyond ±this is refused
FPS = 240.0  # frames per second of a video, and samples per second of `lengths`/`convert`
LOOPS = 1000  # repeats of the exercise in one video
VIDEO_FRAMES = 216_000  # frames in one video (2 hours at 30 fps)
SAMPLES = 100_000  # rows of `lengths`/`convert` output (a lengths CSV row is about 4 KB)
MIN_SIDE, MAX_SIDE = 64, 7680  # pixels per side of an image or video frame
MAX_PIXELS = 3840 * 2160  # pixels per frame (4K UHD)
PAGE_BYTES = 12 * 2**20  # a take-home page (`share`): phones load it whole
BYTES_PER_PIXEL = 100  # rough peak memory per pixel while rendering (8× MSAA colour + depth, read-back, PNG)

TABLE = [  # (what, limit) for the README
    ("scenario file size", f"{SCENARIO_BYTES // 2**20} MB"),
    ("motion file (.mot/.sto) size", f"{MOTION_BYTES // 2**20} MB"),
    ("only regular files are read", "a FIFO, device or folder is refused before opening"),
    ("MuJoCo model file (.xml) size", f"{MODEL_BYTES // 2**20} MB"),
    ("OpenSim model file (.osim) size", f"{OSIM_BYTES // 2**20} MB"),
    ("one mesh file (model bone, prop)", f"{MESH_BYTES // 2**20} MB"),
    ("bodies per model (MuJoCo or our own YAML)", f"{MODEL_BODIES:,}"),
    ("YAML values after alias expansion", f"{YAML_NODES:,}"),
    ("YAML nesting depth", f"{YAML_DEPTH}"),
    ("keyframes per scenario", f"{KEYFRAMES:,}"),
    ("hide: or focus: entries", f"{NAMES:,}"),
    ("phases per scenario", f"{PHASES:,}"),
    ("characters of one text (a title, summary, caption, name)", f"{TEXT_CHARS:,}"),
    ("measure: lines", f"{MEASURES}"),
    ("contacts: entries", f"{CONTACTS}"),
    ("props: entries", f"{PROPS}"),
    ("problems listed in one error", f"{PROBLEMS}, then \"and N more\" (no close-name search for the rest)"),
    ("rows per motion file", f"{MOTION_ROWS:,}"),
    ("columns per motion file", f"{MOTION_COLUMNS:,}"),
    ("scenario duration (last keyframe)", f"{DURATION_S:g} s"),
    ("any number in a scenario", f"±{NUMBER:g}"),
    ("frames per second (export, lengths, convert)", f"{FPS:g}"),
    ("--loops", f"{LOOPS}"),
    ("frames per video (fps × duration × loops ÷ speed)", f"{VIDEO_FRAMES:,}"),
    ("rows of lengths/convert output (fps × duration)", f"{SAMPLES:,}"),
    ("take-home page (share)", f"{PAGE_BYTES // 2**20} MB: a longer scenario is refused before sampling"),
    ("image or video size", f"{MIN_SIDE}…{MAX_SIDE} px a side, at most {MAX_PIXELS / 1e6:.1f} megapixels "
                            f"(≈ {MAX_PIXELS * BYTES_PER_PIXEL / 2**30:.1f} GB while rendering)"),
]


def frame_rate(fps: float, what: str = "fps") -> float:
    """A usable frames-per-second value, or a one-line error (inf, nan, 0, 1e9)."""
    if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
        raise ViewerError(f"{what} must be a positive number, not {fps}")
    if fps > FPS:
        raise ViewerError(f"{what} {fps:g} is too high: at most {FPS:g}")
    return float(fps)


def frame_count(count: float, what: str, limit: int) -> float:
    """Refuse a job of more than `limit` frames or rows before any of them is made."""
    if not math.isfinite(count) or count > limit:
        raise ViewerError(f"{what} would make {count:,.0f} frames; at most {limit:,} "
                          f"(lower fps, loops or duration)")
    return count


def image_size(w: int, h: int, text: str | None = None) -> tuple[int, int]:
    shown = text or f"{w}x{h}"
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise ViewerError(f"bad size '{shown}': width and height must be {MIN_SIDE}…{MAX_SIDE} pixels")
    if w * h > MAX_PIXELS:
        raise ViewerError(f"bad size '{shown}': {w * h / 1e6:.1f} megapixels is more than the "
                          f"{MAX_PIXELS / 1e6:.1f} allowed (3840x2160)")
    return w, h
