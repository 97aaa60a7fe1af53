"""The rules of what a picture holds, one copy for the window (render/scene.py) and the
take-home page (share/page.py), so the page cannot drift from the window.

- the focus split: which drawn muscles are the scenario's focus and which the calm layer;
- the floor: a mat under a lying body, a disc under a standing one or under the props, none
  under a fixed-base model or a body hanging from a frame;
- the tendons' colour: the muscle's colour washed toward a pearly white.
Numpy only (no Qt, no VTK): render and share both import it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLOOR_COLOUR = (0.36, 0.45, 0.52)  # a muted blue-grey exercise mat
LYING = ("supine", "prone")
MAT_THICKNESS = 0.03  # metres
# Tendons: the muscle's colour washed out toward a pearly white (a shade cooler than bone ivory).
TENDON_WHITE = np.array([0.94, 0.93, 0.93])
TENDON_MIX = 0.72


def focus_split(model, drawn, focus_groups, show_faded: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(focus, faded) model muscle indices among `drawn`. No focus, or a focus that takes in
    every drawn muscle: all are focus. A focus whose muscles are all hidden leaves every drawn
    muscle in the calm layer (nothing pretends to be the focus)."""
    drawn = np.asarray(drawn, int)
    groups = list(focus_groups or [])
    in_focus = np.array([model.muscles[m].group in groups for m in drawn], bool)
    if not groups or in_focus.all():
        return drawn, np.zeros(0, int)
    return drawn[in_focus], (drawn[~in_focus] if show_faded else np.zeros(0, int))


@dataclass(frozen=True)
class Floor:
    """Where the floor lies: a disc (`radius`) or a mat (`size` x, y; MAT_THICKNESS deep, its top
    just under z = 0), centred at `centre` (x, y), its top at `level`."""

    shape: str  # "disc" | "mat"
    centre: tuple[float, float]
    level: float
    radius: float = 0.0
    size: tuple[float, float] = (0.0, 0.0)


def floor_plan(posture: str, free_root: bool, props_count: int, level: float, extent: np.ndarray) -> Floor | None:
    """The floor under a body whose bones cover `extent` (N, 3) over the exercise; `level`: the
    props' floor height (core/scenario/props.Props.floor_level). With props the floor is a plain disc
    under the lowest still prop (the scenario brings its own mat); a body hanging from a frame
    gets one below the frame, a fixed-base model (an arm on a stand) none."""
    if not free_root:
        return None
    if posture == "hanging" and level >= 0:
        return None
    lo, hi = extent[:, :2].min(axis=0), extent[:, :2].max(axis=0)
    centre = tuple(float(c) for c in (lo + hi) / 2)
    if props_count:
        return Floor("disc", centre, level - 0.002, radius=0.5 * float(np.linalg.norm(hi - lo)) + 0.35)
    if posture in LYING:
        # Longer than wide: a body cut at the pelvis (a leg model) still lies on the mat, not at its edge.
        size = (hi - lo) + np.array([0.30, 0.60])
        return Floor("mat", centre, -0.002, size=(float(size[0]), float(size[1])))
    return Floor("disc", centre, -0.002, radius=0.5 * float(np.linalg.norm(hi - lo)) + 0.25)


def tendon_colour(rgb: np.ndarray) -> np.ndarray:
    """Tendon colours (..., 3) uint8 for muscle colours (..., 3) uint8 (the page's player.js mixes
    with the same TENDON_WHITE and TENDON_MIX, sent in its data)."""
    pale = np.asarray(rgb, float) * (1.0 - TENDON_MIX) + TENDON_WHITE * 255.0 * TENDON_MIX
    return pale.astype(np.uint8)
