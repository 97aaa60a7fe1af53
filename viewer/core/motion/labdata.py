"""A trial's other recordings, in OpenSim's conventions: ground reaction forces (`*_grf.mot`,
OpenSim's external-loads columns) and markers (`.trc`). Read with FILE:LINE errors.

Both are in the lab's frame, which after inverse kinematics is OpenSim's ground: x forward,
y up, metres. Times are the lab's clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..base import limits
from ..base.errors import Problem, ViewerError, display_path, quote
from ..base.files import read_user_text
from .motfile import cell_number, parse_mot

MAX_PROBLEMS = 10  # a wrong file would otherwise print one line per row
ARROW_PER_BODY_WEIGHT = 0.5  # metres of ground-reaction arrow for a force of one body weight


@dataclass
class Plate:
    """One force plate (or one foot's force): OpenSim's force, point and torque columns."""

    name: str  # the force identifier, e.g. ground_force_v or 1_ground_force_v
    force: np.ndarray  # (T, 3) N
    point: np.ndarray  # (T, 3) m, centre of pressure


@dataclass
class GroundForces:
    file: str
    times: np.ndarray  # (T,) lab seconds
    plates: list[Plate]

    def at(self, lab_times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(force, point), each (F, P, 3), interpolated at lab times; zero force outside the recording."""
        t = np.asarray(lab_times, float)
        inside = (t >= self.times[0]) & (t <= self.times[-1])
        force = np.zeros((t.size, len(self.plates), 3))
        point = np.zeros_like(force)
        for p, plate in enumerate(self.plates):
            for k in range(3):
                force[:, p, k] = np.interp(t, self.times, plate.force[:, k]) * inside
                point[:, p, k] = np.interp(t, self.times, plate.point[:, k])
        return force, point


def read_grf(path: str | Path) -> GroundForces:
    """OpenSim external loads: for each `<id>vx/vy/vz` force, the `<id'>px/py/pz` point beside it
    (`ground_force_vx` → `ground_force_px`; Rajagopal's `ground_force_r_vx` → `ground_force_r_px`)."""
    table = parse_mot(read_user_text(path, limits.MOTION_BYTES), display_path(path))
    plates, problems = [], []
    index = {name: i for i, name in enumerate(table.columns)}
    for name in table.columns:
        if not name.endswith("vx"):
            continue
        stem = name[:-1]  # ground_force_v, 1_ground_force_v
        point_stem = stem[:-1] + "p"  # ground_force_p
        wanted = [stem + a for a in "xyz"] + [point_stem + a for a in "xyz"]
        missing = [w for w in wanted if w not in index]
        if missing:
            problems.append(Problem(table.file, table.column_line, f"force {quote(stem, 40)}: no column "
                                    f"{quote(missing[0], 40)}; a plate needs {stem}x/y/z and {point_stem}x/y/z"))
            continue
        columns = [index[w] for w in wanted]
        plates.append(Plate(stem, table.values[:, columns[:3]], table.values[:, columns[3:]]))
    if problems:
        raise ViewerError(problems)
    if not plates:
        raise ViewerError([Problem(table.file, table.column_line, "no ground reaction force columns: expected "
                                   "OpenSim's external loads, e.g. ground_force_vx/vy/vz with ground_force_px/py/pz")])
    return GroundForces(table.file, table.times, plates)


@dataclass
class Markers:
    file: str
    names: list[str]
    times: np.ndarray  # (T,) lab seconds
    points: np.ndarray  # (T, K, 3) metres, NaN where a marker was not seen

    def at(self, lab_times: np.ndarray) -> np.ndarray:
        """(F, K, 3) at the nearest recorded frame; NaN outside the recording or where unseen."""
        t = np.asarray(lab_times, float)
        i = np.clip(np.searchsorted(self.times, t), 1, len(self.times) - 1) if len(self.times) > 1 else np.zeros(t.size, int)
        if len(self.times) > 1:
            i = np.where(np.abs(self.times[i - 1] - t) <= np.abs(self.times[i] - t), i - 1, i)
        out = self.points[i].copy()
        step = np.median(np.diff(self.times)) if len(self.times) > 1 else 0.0
        out[(t < self.times[0] - step) | (t > self.times[-1] + step)] = np.nan
        return out


UNITS = {"mm": 0.001, "cm": 0.01, "m": 1.0}


def read_trc(path: str | Path) -> Markers:
    """A .trc marker file: a PathFileType line, a header of DataRate … Units, its values, the marker
    names (each over three columns), X1 Y1 Z1 …, then Frame#, Time and x y z per marker."""
    file = display_path(path)
    lines = read_user_text(path, limits.MOTION_BYTES).splitlines()

    def fail(line: int | None, message: str):
        raise ViewerError([Problem(file, line, message)])

    if not lines or not lines[0].startswith("PathFileType"):
        fail(1, "not a .trc marker file: the first line should start with PathFileType")
    if len(lines) < 5:
        fail(len(lines), "the file ends inside its header (expected 5 header lines, then the rows)")
    keys, values = lines[1].split("\t"), lines[2].split("\t")
    header = {k.strip(): v.strip() for k, v in zip(keys, values)}
    unit = header.get("Units", "")
    if unit not in UNITS:
        fail(3, f"Units is '{quote(unit, 20)}': use mm, cm or m")
    names = [n.strip() for n in lines[3].split("\t")[2::3]]
    names = [n for n in names if n]
    if lines[3].split("\t")[:2] != ["Frame#", "Time"] or not names:
        fail(4, "line 4 should name the columns: Frame#, Time, then each marker's name")
    count = len(names)
    times, rows, problems = [], [], []
    for number, line in enumerate(lines[5:], start=6):
        if not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) < 2:
            problems.append(Problem(file, number, f"this row has {len(fields)} values; a row starts with Frame# "
                                                  f"and Time"))
        else:
            row = _trc_row(fields, count, file, number, problems)
            if row is not None:
                times.append(row[0])
                rows.append(row[1])
        if len(problems) >= MAX_PROBLEMS:
            break
        if len(rows) > limits.MOTION_ROWS:
            fail(number, f"more than {limits.MOTION_ROWS:,} rows; at most that many are read")
    if problems:
        raise ViewerError(problems)
    if not rows:
        fail(5, "no marker rows after the header")
    times = np.array(times)
    back = np.flatnonzero(np.diff(times) <= 0)
    if back.size:
        fail(None, f"time {times[back[0] + 1]:g} s does not come after {times[back[0]]:g} s; times must increase")
    return Markers(file, names, times, np.array(rows) * UNITS[unit])


def _trc_row(fields: list[str], count: int, file: str, number: int, problems: list):
    """(time, (K, 3) points with NaN for blanks) or None with a problem added."""
    time = cell_number(fields[1], "column Time", file, number, problems)
    if time is None:
        return None
    cells = fields[2:2 + 3 * count] + [""] * max(0, 3 * count - len(fields[2:]))
    out = np.full(3 * count, np.nan)
    for k, cell in enumerate(cells):
        if not cell.strip():
            continue  # a marker hidden from the cameras in this frame
        value = cell_number(cell, f"marker {k // 3 + 1} {'XYZ'[k % 3]}", file, number, problems,
                            " (leave a hidden marker blank)")
        if value is None:
            return None
        out[k] = value
    return time, out.reshape(count, 3)

