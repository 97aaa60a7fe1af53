"""OpenSim motion files (.mot/.sto): read, write, and convert to and from scenarios.

The format: a free-text name line, `key=value` header lines (version, nRows, nColumns,
inDegrees), `endheader`, a row of column names starting with `time`, then one row of numbers
per time. Values are degrees (or radians with inDegrees=no) for rotations, metres for slides.

What goes across: the model's poseable hinge and slide joints. Coupled joints are left out
(OpenSim computes them from their driver, as we do) and so is the free root joint, whose
per-frame pose here comes from the scenario's anchor, not from the file.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..base import interrupt, limits
from ..base.errors import Problem, ViewerError, display_path, quote, shorten, suggest
from ..base.files import read_user_text

# OpenSim models carry the pelvis as six coordinates; here the root is a free joint placed by
# the scenario's anchor, so these columns have nowhere to go and are skipped with a note.
ROOT_COLUMN = re.compile(r"^(pelvis|ground_pelvis|root)_(tilt|list|rotation|tx|ty|tz)$", re.IGNORECASE)

MOTION_SUFFIXES = (".mot", ".sto")
DEGREES_DIGITS = 8  # enough that a value written and read back stays inside its joint's range
THIN_TOLERANCE_DEG = 0.01  # rows a straight line reproduces this well are dropped (0.01° ≈ µm of muscle)
THIN_TOLERANCE_M = 1e-5


@dataclass
class MotionTable:
    """The numbers of a .mot file, with the line each row came from for error messages."""

    file: str
    name: str
    columns: list[str]  # without `time`
    times: np.ndarray  # (F,)
    values: np.ndarray  # (F, C) as written in the file
    in_degrees: bool
    row_lines: list[int]
    column_line: int
    notes: list[Problem] = field(default_factory=list)  # warnings for stderr


# --- reading -------------------------------------------------------------------------------------
def read_mot(path: str | Path) -> MotionTable:
    return parse_mot(read_user_text(path, limits.MOTION_BYTES), display_path(path))


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}.get(value.strip().lower())


def parse_mot(text: str, file: str) -> MotionTable:
    """Parse .mot text; every problem names its line. Blank lines and CRLF are fine."""
    lines = text.splitlines()
    header: dict[str, tuple[str, int]] = {}
    name = ""
    end = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.lower() == "endheader":
            end = number
            break
        if not stripped:
            continue
        if "=" in stripped:  # unknown keys (DataType, OpenSimVersion, ...) are kept but unused
            key, _, value = stripped.partition("=")
            header[key.strip().lower()] = (value.strip(), number)
        elif not name and not header:
            name = stripped
    if end is None:
        raise ViewerError([Problem(file, 1, "no 'endheader' line: this is not an OpenSim motion file "
                                            "(expected a name line, version=1, nRows=, nColumns=, "
                                            "inDegrees=yes, endheader)")])
    notes: list[Problem] = []
    if "indegrees" in header:
        value, number = header["indegrees"]
        in_degrees = _yes_no(value)
        if in_degrees is None:
            raise ViewerError([Problem(file, number, f"inDegrees must be yes or no, not '{quote(value)}'")])
    else:  # what OpenSim itself assumes for a file without the flag
        in_degrees = False
        notes.append(Problem(file, end, "warning: no inDegrees line; reading angles as radians, as OpenSim does"))

    body = [(n, line) for n, line in enumerate(lines[end:], start=end + 1) if line.strip()]
    if not body:
        raise ViewerError([Problem(file, end, "no column names after 'endheader'")])
    column_line, columns = body[0][0], body[0][1].split()
    if len(body) - 1 > limits.MOTION_ROWS:
        raise ViewerError([Problem(file, column_line, f"{len(body) - 1:,} data rows; at most "
                                                      f"{limits.MOTION_ROWS:,} are read")])
    if len(columns) - 1 > limits.MOTION_COLUMNS:
        raise ViewerError([Problem(file, column_line, f"{len(columns) - 1:,} columns; at most "
                                                      f"{limits.MOTION_COLUMNS:,} are read")])
    if columns[0].lower() != "time":
        raise ViewerError([Problem(file, column_line, f"the first column must be 'time', not '{quote(columns[0])}'")])
    columns = columns[1:]
    seen = set()
    for column in columns:
        if column in seen:
            raise ViewerError([Problem(file, column_line, f"column '{quote(column)}' appears twice")])
        seen.add(column)
    rows, row_lines, problems = [], [], []
    for number, line in body[1:]:
        fields = line.split()
        if len(fields) != len(columns) + 1:
            problems.append(Problem(file, number, f"this row has {len(fields)} values; the column row "
                                                  f"(line {column_line}) names {len(columns) + 1}"))
        elif (row := _row(fields, ["time"] + columns, file, number, problems)) is not None:
            rows.append(row)
            row_lines.append(number)
        if len(problems) >= 10:  # a wrong file would otherwise print one line per row
            break
    if problems:
        raise ViewerError(problems)
    if not rows:
        raise ViewerError([Problem(file, column_line, "no data rows after the column names")])
    data = np.array(rows, float)
    times = data[:, 0]
    for i in np.flatnonzero(np.diff(times) <= 0):
        word = "repeats" if times[i + 1] == times[i] else "goes back from"
        raise ViewerError([Problem(file, row_lines[i + 1], f"time {times[i + 1]:g} s {word} {times[i]:g} s "
                                                            f"on line {row_lines[i]}; times must increase")])
    for key, shown, expected in (("nrows", "nRows", len(rows)), ("ncolumns", "nColumns", len(columns) + 1)):
        if key in header and header[key][0] != str(expected):
            notes.append(Problem(file, header[key][1], f"warning: the header says {shown}={header[key][0]} "
                                                        f"but the file has {expected}; using the file"))
    return MotionTable(file, name, columns, times, data[:, 1:], in_degrees, row_lines, column_line, notes)


def _row(fields: list[str], columns: list[str], file: str, number: int, problems: list) -> np.ndarray | None:
    """One row's numbers, or None with its problem: not a number, not finite, or so large (1e308)
    that converting or interpolating it would overflow to infinity."""
    try:
        row = np.array(fields, float)
        if np.all(np.abs(row) <= limits.NUMBER):
            return row
    except ValueError:
        pass
    for column, field_ in zip(columns, fields):
        if cell_number(field_, f"column {quote(column)}", file, number, problems) is None:
            return None
    return None


def cell_number(cell: str, where: str, file: str, number: int, problems: list, hint: str = "") -> float | None:
    """A table cell (.mot, .trc) as a finite number within ±limits.NUMBER, or None with its problem
    added; `where` names the cell in the message ("column hip_flexion_r", "marker 2 Y")."""
    try:
        value = float(cell)
    except ValueError:
        problems.append(Problem(file, number, f"'{quote(cell, 30)}' in {where} is not a number"))
        return None
    if not math.isfinite(value):
        problems.append(Problem(file, number, f"{where} is {quote(cell, 30)}: values must be finite numbers{hint}"))
        return None
    if abs(value) > limits.NUMBER:
        problems.append(Problem(file, number, f"{where} is {quote(cell, 30)}: numbers beyond ±{limits.NUMBER:g} "
                                              f"are not used"))
        return None
    return value


# --- writing -------------------------------------------------------------------------------------
def format_mot(name: str, columns: list[str], times: np.ndarray, values: np.ndarray) -> str:
    """OpenSim motion text, angles in degrees; `values` is (F, C) in user units."""
    out = [name or "motion", "version=1", f"nRows={len(times)}", f"nColumns={len(columns) + 1}",
           "inDegrees=yes", "endheader", "\t".join(["time"] + list(columns))]
    for t, row in zip(times, values):
        out.append("\t".join([f"{t:.8f}"] + [f"{v:.{DEGREES_DIGITS}f}" for v in row]))
    return "\n".join(out) + "\n"


def scenario_to_mot(kin, fps: float, name: str) -> str:
    """Sample a scenario (its Kinematics) at `fps` and write every poseable joint."""
    model = kin.model
    joints = list(model.poseable.values())
    times = kin.times(fps)
    columns = [j.qposadr for j in joints]  # sampled in batches: only these columns are kept
    qpos = np.concatenate([kin.sample(times[i:i + 1000]).qpos[:, columns] for i in range(0, times.size, 1000)])
    values = np.column_stack([j.to_user(qpos[:, i]) for i, j in enumerate(joints)]) if joints else qpos
    return format_mot(name, [j.name for j in joints], times + kin.scenario.lab_start, values)  # the lab's clock


# --- .mot → scenario -------------------------------------------------------------------------------
def _match_columns(table: MotionTable, model, skip_unknown: bool) -> tuple[list[int], list]:
    """Column indices and the model joints they set; unknown names are errors (or notes)."""
    used, joints, problems = [], [], []
    for i, column in enumerate(table.columns):
        if column in model.poseable:
            used.append(i)
            joints.append(model.poseable[column])
        elif column in model.joints:
            table.notes.append(Problem(table.file, table.column_line, f"note: skipped column {column}: here it "
                                                                      f"follows {model.joints[column].driver}"))
        elif ROOT_COLUMN.match(column):
            table.notes.append(Problem(table.file, table.column_line, f"note: skipped column {column}: the root "
                                                                      f"is placed by the scenario's anchor"))
        elif skip_unknown:
            table.notes.append(Problem(table.file, table.column_line, f"warning: skipped unknown column {column}"
                                                                      f"{suggest(column, model.poseable)}"))
        else:
            problems.append(Problem(table.file, table.column_line, f"column '{quote(shorten(column))}' is not a "
                                    f"joint of model {model.name}{suggest(column, model.poseable)} "
                                    f"(see `muscle-viewer joints`; --skip-unknown drops such columns)"))
    if problems:
        raise ViewerError(problems)
    if not joints:
        raise ViewerError([Problem(table.file, table.column_line, f"none of the columns is a joint of model "
                                                                  f"{model.name} (see `muscle-viewer joints`)")])
    return used, joints


def _thin(values: np.ndarray, times: np.ndarray, tolerance: np.ndarray) -> list[int]:
    """Rows to keep so that straight lines between kept rows stay within `tolerance` of every row.

    Linear in the rows: the line from the last kept row passes within tolerance of an inner row
    exactly when its slope lies in that row's slope interval, so the intersection of the inner
    rows' intervals is kept instead of checking every inner row again (100,000 rows of a held
    pose were quadratic)."""
    keep, start = [0], 0
    lo, hi = np.full(values.shape[1], -np.inf), np.full(values.shape[1], np.inf)
    for end in range(2, len(times)):
        if end % 4096 == 0:
            interrupt.check()
        inner, dt = values[end - 1] - values[start], times[end - 1] - times[start]
        lo, hi = np.maximum(lo, (inner - tolerance) / dt), np.minimum(hi, (inner + tolerance) / dt)
        slope = (values[end] - values[start]) / (times[end] - times[start])
        if np.any(slope < lo) or np.any(slope > hi):
            keep.append(end - 1)
            start = end - 1
            lo, hi = np.full_like(lo, -np.inf), np.full_like(hi, np.inf)
    if len(times) > 1:
        keep.append(len(times) - 1)
    return keep


def mot_to_scenario(table: MotionTable, model, model_ref: str, title: str, posture: str = "standing",
                    thin: bool = True, skip_unknown: bool = False, clamp: bool = False):
    """A Scenario with one linear keyframe per (kept) row; only joints that leave neutral.

    Linear keys through the sampled rows reproduce the motion exactly at those times; `thin`
    drops rows that the straight line between their neighbours already gives (holds, ramps).
    """
    from ..scenario.format import Keyframe, Scenario

    used, joints = _match_columns(table, model, skip_unknown)
    values = table.values[:, used].copy()
    for c, joint in enumerate(joints):
        if joint.kind == "hinge" and not table.in_degrees:
            values[:, c] = np.degrees(values[:, c])
    _check_ranges(table, joints, values, clamp)
    neutral = np.array([joint.to_user(joint.neutral) for joint in joints])
    tolerance = np.array([THIN_TOLERANCE_DEG if j.kind == "hinge" else THIN_TOLERANCE_M for j in joints])
    moving = np.any(np.abs(values - neutral) > tolerance * 1e-3, axis=0)
    if not moving.any():  # a file that never leaves neutral still needs one named joint
        moving[0] = True
    # A column held at neutral is still a value the file gives: where leaving it out would hand the
    # joint to the contact solver (a standing body's unkeyed legs bend to meet the floor), keep it.
    moving |= _solved_if_unkeyed(model, joints, moving, posture)
    joints = [j for j, m in zip(joints, moving) if m]
    values, tolerance = values[:, moving], tolerance[moving]
    times = table.times - table.times[0]  # the scenario runs from 0; lab_start keeps the lab's clock
    rows = _thin(values, times, tolerance) if thin else range(len(times))
    names = _flexion_names(model)
    keyframes = [Keyframe(round(float(times[r]), 8), _pose(joints, values[r], names), "linear") for r in rows]
    named = f", named {table.name}" if table.name and table.name != Path(table.file).stem else ""
    summary = (f"Converted from the OpenSim motion file {Path(table.file).name}{named} "
               f"({len(table.times)} rows, {len(joints)} moving joint{'s' if len(joints) > 1 else ''}).")
    return Scenario(title=title, keyframes=keyframes, summary=summary, model=model_ref, posture=posture,
                    lab_start=float(table.times[0]))


def _solved_if_unkeyed(model, joints, moving: np.ndarray, posture: str) -> np.ndarray:
    """Per joint: whether the contact solver would pose it in a scenario keying only the moving ones."""
    from ..scenario.format import Keyframe, Scenario

    if model.root_body is None:
        return np.zeros(len(joints), bool)
    names = _flexion_names(model)
    kept = [j for j, m in zip(joints, moving) if m]
    probe = Scenario(title="probe", keyframes=[Keyframe(0.0, _pose(kept, [0.0] * len(kept), names))],
                     posture=posture)
    contacts = model.kinematics(probe).contacts
    solved = {j.name for j in contacts.free} if contacts is not None else set()
    return np.array([j.name in solved for j in joints], bool)


def _check_ranges(table: MotionTable, joints, values: np.ndarray, clamp: bool) -> None:
    """Values outside a joint's range are errors (first row of each joint, with its line), or with
    `clamp` are set to the nearest limit and counted per joint, as OpenSim's clamped coordinates do."""
    problems = []
    for c, joint in enumerate(joints):
        if not joint.limited:
            continue
        bad = np.flatnonzero((values[:, c] < joint.lower - 1e-6) | (values[:, c] > joint.upper + 1e-6))
        if not bad.size:
            continue
        r = bad[0]
        rows = f"{bad.size} row{'s' if bad.size > 1 else ''}"
        if clamp:
            worst = float(np.max(np.maximum(joint.lower - values[bad, c], values[bad, c] - joint.upper)))
            values[:, c] = np.clip(values[:, c], joint.lower, joint.upper)
            table.notes.append(Problem(table.file, table.row_lines[r], f"note: --clamp: {joint.name} clamped to "
                                       f"{joint.lower:g} to {joint.upper:g}{joint.unit} in {rows} "
                                       f"(at most {worst:.3g}{joint.unit} outside)"))
            continue
        more = f" (and {bad.size - 1} more row{'s' if bad.size > 2 else ''})" if bad.size > 1 else ""
        problems.append(Problem(table.file, table.row_lines[r], f"{joint.name} = {values[r, c]:g}{joint.unit} "
                                f"is out of range: {joint.lower:g} to {joint.upper:g}{joint.unit}{more}; "
                                f"--clamp sets such values to the limit"))
    if problems:
        raise ViewerError(problems)


def _flexion_names(model) -> dict[str, tuple[str, float]]:
    """joint → (one-joint alias, sign), preferring flexion-positive names: knee_angle_r is
    written knee_flexion_r and flex_extension −35 becomes trunk_flexion 35, as authors write."""
    best: dict[str, tuple[tuple, str, float]] = {}
    for name, alias in model.aliases.items():
        if len(alias.joints) != 1 or alias.with_:
            continue
        (joint, sign), = alias.joints.items()
        rank = (0 if "flexion" in name and "plantar" not in name else 1, 0 if sign > 0 else 1, name)
        if joint not in best or rank < best[joint][0]:
            best[joint] = (rank, name, float(sign))
    return {joint: (name, sign) for joint, (_, name, sign) in best.items()}


def _pose(joints, row, names: dict[str, tuple[str, float]]) -> dict[str, float]:
    """Rounded for a readable file, then clamped so rounding never leaves a joint's range."""
    pose = {}
    for joint, value in zip(joints, row):
        value = round(float(value), 4 if joint.kind == "hinge" else 6)
        if joint.limited:
            value = min(max(value, joint.lower), joint.upper)
        name, sign = names.get(joint.name, (joint.name, 1.0))
        pose[name] = sign * value + 0.0  # + 0.0 turns −0.0 into 0
    return pose


# Names OpenSim's tools write into a motion's first line: they say nothing about the trial.
GENERIC_NAMES = {"", "coordinates", "storage", "motion", "results", "states", "kinematics", "controls", "default"}
# Tool suffixes in lab file names (walk1_ik.mot): the trial's name is the rest.
TOOL_WORDS = {"ik", "mot", "sto", "q"}


def title_from_path(path: str | Path) -> str:
    """A readable title from a file name: subject01_walk1_ik → "Subject01 walk1",
    squats1_videoAndMocap → "Squats1 video and mocap"."""
    stem = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", Path(path).stem)  # camelCase → camel Case
    words = [w for w in re.split(r"[_\-.\s]+", stem) if w]
    kept = [w.lower() if i else w for i, w in enumerate(words) if w.lower() not in TOOL_WORDS] or words
    text = " ".join(kept)
    return (text[:1].upper() + text[1:]) if text else "Converted motion"


def motion_title(table: MotionTable) -> str:
    """The name line of the file when it names the trial, else a readable form of the file name."""
    name = " ".join(table.name.split())
    if name.lower() in GENERIC_NAMES or name == Path(table.file).stem or len(name) > 80:
        return title_from_path(table.file)
    return name
