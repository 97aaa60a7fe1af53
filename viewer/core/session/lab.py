"""A lab's motion file opened wherever a scenario goes: `WALK.mot --model MODEL.osim`.

The motion becomes a scenario in memory (one linear keyframe per row, none dropped, so every
row is reproduced exactly), on the lab's clock (`lab_start`). Without a model, one line says
which models the file's columns fit and how to pass one.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model.binding import load_checked, load_model
from ..base.errors import ModelError, Problem, ViewerError, display_path
from ..motion.motfile import MOTION_SUFFIXES, ROOT_COLUMN, MotionTable, motion_title, mot_to_scenario, read_mot
from ..motion.labdata import ARROW_PER_BODY_WEIGHT
from ..base.paths import MESHES_DIR
from ..scenario.check import check_against_model

MESSAGE_CHARS = 199  # the one line without a model stays under 200 characters
RANGE_SLACK = 1.0  # degrees (or mm) a column may pass a model's range and still "fit"


@dataclass(frozen=True)
class LabInput:
    """What the command line (or the app's model picker) adds to a motion file."""

    model: str | None = None  # a catalogue name or a model file, as typed (relative to the cwd)
    clamp: bool = False  # values a hair outside a joint's range are set to the limit and counted
    grf: str | None = None  # the trial's ground reaction forces (*_grf.mot), drawn as arrows
    markers: str | None = None  # the trial's markers (.trc), drawn as small spheres


def is_motion(path: str | Path) -> bool:
    return Path(path).suffix.lower() in MOTION_SUFFIXES


def load_any(path: str | Path, lab: LabInput | None = None, notes=None):
    """(scenario, model) for a scenario file or a motion file; `notes` (a list) collects the
    motion's warnings, else they go to stderr."""
    lab = lab or LabInput()
    if not is_motion(path):
        if lab.model is not None or lab.clamp or lab.grf or lab.markers:
            raise ViewerError("--model, --clamp, --grf and --markers go with a motion file (.mot, .sto): "
                              "a scenario names its own model")
        return load_checked(path)
    table = read_mot(path)
    if lab.model is None:
        raise ViewerError([Problem(table.file, None, needs_model(table))])
    model = load_model(lab.model)
    try:
        scenario = mot_to_scenario(table, model, str(Path(lab.model).resolve()) if _is_file(lab.model) else lab.model,
                                   motion_title(table), thin=False, clamp=lab.clamp)
    finally:
        for note in table.notes:
            (notes.append(str(note)) if notes is not None else print(note, file=sys.stderr))
    scenario.path = Path(path)
    check_against_model(scenario, model)
    return scenario, model


def attach_recordings(kin, lab: LabInput | None) -> None:
    """Read the trial's GRF and markers (FILE:LINE errors) and hand them to the kinematics, which
    places them in the world with every frame it samples."""
    if lab is None or not (lab.grf or lab.markers):
        return
    if not getattr(kin, "lab_ground", False):
        raise ViewerError("--grf and --markers are in OpenSim's ground: they go with a motion that places "
                          "the pelvis (pelvis_tx/ty/tz) on its OpenSim model")
    from ..motion.labdata import read_grf, read_trc

    kin.recordings = Recordings(read_grf(lab.grf) if lab.grf else None, read_trc(lab.markers) if lab.markers else None,
                                body_weight(kin.model))


GRAVITY = 9.80665
LEAST_FORCE = 0.02  # of body weight: below this a plate carries no foot (noise): no arrow


def body_weight(model) -> float:
    """The model's weight in newtons: its bodies' masses (OpenSim) times g."""
    bodies = getattr(model, "osim_bodies", None)
    mass = sum(b.getMass() for b in bodies) if bodies else float(model.mj.body_mass.sum())
    return mass * GRAVITY


@dataclass
class LabFrame:
    """A lab's recordings at the times of a batch of frames, in world coordinates (render draws these)."""

    arrows: np.ndarray  # (F, P, 2, 3) start (centre of pressure) and tip of each plate's force; NaN: none
    markers: np.ndarray  # (F, K, 3); NaN where a marker was not seen


class Recordings:
    arrow_scale = ARROW_PER_BODY_WEIGHT  # metres of arrow per body weight, for the legend too

    def __init__(self, grf, markers, weight: float):
        self.grf, self.markers, self.weight = grf, markers, weight

    def frame(self, lab_times: np.ndarray, root: np.ndarray) -> LabFrame:
        """At the lab's times; `root` maps OpenSim's ground to the world (4×4)."""
        R, shift = root[:3, :3], root[:3, 3]
        F = len(lab_times)
        arrows = np.full((F, 0, 2, 3), np.nan)
        if self.grf is not None:
            force, point = self.grf.at(lab_times)
            tip = point + force / self.weight * self.arrow_scale
            arrows = np.stack([point, tip], axis=2) @ R.T + shift
            arrows[np.linalg.norm(force, axis=2) < LEAST_FORCE * self.weight] = np.nan
        markers = np.full((F, 0, 3), np.nan)
        if self.markers is not None:
            markers = self.markers.at(lab_times) @ R.T + shift
        return LabFrame(arrows, markers)

    def legend(self) -> list[tuple[str, str]]:
        """(what, words) for the legend: 'arrows' with the arrows' scale, 'markers'; render picks the colours."""
        out = []
        if self.grf is not None:
            out.append(("arrows", f"Ground reaction force: {self.arrow_scale * 100:.0f} cm per body weight"))
        if self.markers is not None:
            out.append(("markers", "The lab's markers"))
        return out


def _is_file(name: str) -> bool:
    return Path(name).suffix != "" or "/" in name or "\\" in name


# --- which models fit a motion's columns ------------------------------------------------------------
def needs_model(table: MotionTable) -> str:
    """What to do, for a line under 200 characters with the file's name before it: which models
    the columns fit, and how to pass one."""
    fits = fitting_models(table)
    room = MESSAGE_CHARS - len(table.file) - 2
    head = "add --model MODEL to open a motion file"
    if not fits:
        line = f"{head}, MODEL being the .osim its coordinates come from (no model found here fits its columns)"
    else:
        shown = [fits[0]]
        for name in fits[1:]:
            if len(f"{head}; its columns fit {', '.join(shown + [name])} (+99 more)") > room:
                break
            shown.append(name)
        more = len(fits) - len(shown)
        line = f"{head}; its columns fit {', '.join(shown)}{f' (+{more} more)' if more else ''}"
    return line if len(line) <= room else line[:max(room, 40) - 1] + "…"


def fitting_models(table: MotionTable) -> list[str]:
    """Models whose joints take every column (by name and, roughly, by range): .osim files beside
    the motion and one folder up, the shipped OpenSim models, then the built-in models."""
    if any(len(column) > 200 for column in table.columns):  # no joint is named that long: no model fits, and
        return []                                             # loading every model to say so is minutes of work
    here = Path(table.file).resolve().parent
    files = sorted({*here.glob("*.osim"), *here.parent.glob("*.osim"), *here.parent.glob("*/*.osim"),
                    *(MESHES_DIR / "opensim-models").glob("Models/*/*.osim")})
    out = []
    for file in files:
        ranges = osim_coordinates(file)
        if ranges and _fits(table, ranges, degrees=True):
            out.append(display_path(file))
    from ..base.catalogue import load_catalogue

    for name in load_catalogue().models:
        try:
            model = load_model(name)
        except (ModelError, OSError):
            continue
        ranges = {j.name: (j.lower, j.upper, j.kind == "hinge") for j in model.joints.values()}
        if _fits(table, ranges, degrees=True, root_free=True):
            out.append(name)
    return out


def _fits(table: MotionTable, ranges: dict, degrees: bool, root_free: bool = False) -> bool:
    import numpy as np

    for c, column in enumerate(table.columns):
        if column not in ranges:
            if root_free and ROOT_COLUMN.match(column):
                continue  # placed by the anchor in MuJoCo models
            return False
        lo, hi, hinge = ranges[column]
        values = table.values[:, c]
        if hinge and not table.in_degrees:
            values = np.degrees(values)
        slack = RANGE_SLACK if hinge else RANGE_SLACK / 1000
        if lo < hi and (values.min() < lo - slack or values.max() > hi + slack):
            return False
    return True


_COORDINATE = re.compile(r'<Coordinate\s+name="([^"]+)"(.*?)</Coordinate>', re.S)
_RANGE = re.compile(r"<range>\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*</range>")
_MOTION = re.compile(r"<motion_type>\s*(\w+)\s*</motion_type>")


def osim_coordinates(file: Path) -> dict[str, tuple[float, float, bool]]:
    """name → (lower, upper, hinge) read from the .osim XML, without OpenSim (a quick look)."""
    import math

    from ..base import limits
    from ..base.files import read_user_bytes

    try:  # a FIFO or a huge file among the .osim files searched would block or fill memory: skipped
        text = read_user_bytes(file, limits.OSIM_BYTES).decode("utf-8", errors="replace")
    except (ViewerError, OSError):
        return {}
    out = {}
    for name, body in _COORDINATE.findall(text):
        motion = _MOTION.search(body)
        hinge = not (motion and motion.group(1).lower() == "translational")
        found = _RANGE.search(body)
        lo, hi = (float(found.group(1)), float(found.group(2))) if found else (0.0, 0.0)
        scale = 180.0 / math.pi if hinge else 1.0
        out[name] = (lo * scale, hi * scale, hinge)
    return out
