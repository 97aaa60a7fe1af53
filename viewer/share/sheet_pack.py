"""The flat muscles' smooth sheets for the take-home page, packed small.

The window draws each flat muscle (abdominal wall, glutes, pectoralis, latissimus, deltoid) as
one surface through its fascicles (core/shape/sheets.SheetSurface); the page gets the same
surfaces, worked out here by the same code for every stored frame. Per sheet and frame: each
ring's middle (16-bit in the body's box) and every loop point as an 8-bit offset from its
ring's middle (on the sheet's own scale), and per point which fascicle lends it its colour.
A sheet that does not move is stored once; moving ones at a rate that keeps them within
SHEET_BUDGET. The browser works out the normals and draws the quads as the window does.
"""
from __future__ import annotations

import numpy as np

from viewer.core.shape.sheets import AROUND, SheetSurface

SHEET_BUDGET = 1.5e6  # bytes of page text for the moving sheets
STILL_SHEET = 4e-4  # metres: a sheet whose points never move further than this is stored once


class SheetFrames:
    """Every frame's sheet surfaces of the page's strands, gathered while the frames are solved."""

    def __init__(self, strands, frames: int):
        self.strands = strands  # core/shape/strands.StrandShapes of the page
        self.surface = SheetSurface(strands.sheet_of, strands.first_centre) if strands.shaped else None
        count = len(self.surface.sheets) if self.surface is not None else 0
        rings = strands.rings.count if strands.shaped else 0
        self.grid = np.zeros((frames, count, rings, AROUND, 3), np.float32)
        self.owner = np.zeros((frames, count, rings * AROUND), np.uint8)  # place among the sheet's members

    @property
    def count(self) -> int:
        return self.grid.shape[1]

    @property
    def in_sheet(self) -> np.ndarray:
        """bool per strand: drawn as part of a sheet (its own tube is not drawn)."""
        out = np.zeros(self.strands.count, bool)
        if self.count:
            out[self.surface.strands] = True
        return out

    def take(self, f: int) -> None:
        """The sheets of the frame the strands were just solved for."""
        if not self.count:
            return
        s = self.strands
        sheet = self.surface
        sheet.surface(s.centre, s.radius, s.volume * s.factor ** 2)
        self.grid[f] = sheet.points
        owner = sheet.owner.reshape(self.count, -1)
        self.owner[f] = np.argmax(owner[:, :, None] == sheet.members[:, None, :], axis=2)

    def pack(self, lo: np.ndarray, hi: np.ndarray, times: np.ndarray, b64) -> dict:
        """The page's `sheets` entry (lo, hi: the strands' box, which holds the sheets too; times:
        the scenario time of each frame taken)."""
        F, W = self.grid.shape[:2]
        if not W:
            return {"count": 0}
        middle = self.grid.mean(axis=3)  # (F, W, R, 3)
        offset = self.grid - middle[:, :, :, None]
        scale = np.maximum(np.abs(offset).max(axis=(0, 2, 3, 4)), 1e-6) / 127.0  # per sheet, metres per step
        moving = np.abs(self.grid - self.grid[:1]).max(axis=(0, 2, 3, 4)) >= STILL_SHEET
        per_frame = moving.sum() * self.grid.shape[2] * (AROUND * 4 + 6) * 4 / 3
        keep = F if not per_frame else int(np.clip(SHEET_BUDGET / per_frame, 2, F))
        picks = np.unique(np.round(np.linspace(0, F - 1, keep)).astype(int))  # stored frames, first and last kept
        span = np.maximum(hi - lo, 1e-9)

        def middles(m):
            return np.round((m - lo) / span * 65535).clip(0, 65535).astype(np.uint16)

        def offsets(o, w):
            return np.round(o / scale[w][:, None, None, None]).clip(-127, 127).astype(np.int8)

        still = np.flatnonzero(~moving)
        move = np.flatnonzero(moving)
        return {
            "count": W, "rings": int(self.grid.shape[2]), "around": AROUND,
            "members": [self.surface.members[w, self.surface.real[w]].tolist() for w in range(W)],
            "scale": scale.tolist(),
            "still": still.tolist(), "moving": move.tolist(),
            "times": [float(times[f]) for f in picks],
            "stillMiddle": b64(middles(middle[0, still])),
            "stillOffset": b64(offsets(offset[0, still], still)),
            "stillOwner": b64(self.owner[0, still]),
            "movingMiddle": b64(middles(middle[picks][:, move])),
            "movingOffset": b64(np.stack([offsets(offset[f, move], move) for f in picks]) if move.size
                                else np.zeros(0, np.int8)),
            "movingOwner": b64(self.owner[picks][:, move]),
        }
