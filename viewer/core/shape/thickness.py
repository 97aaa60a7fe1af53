"""How thick a muscle's line of action is drawn: one rule for the window, exports and the page."""
from __future__ import annotations

import numpy as np

RADIUS_PER_SQRT_NEWTON = 2.7e-4  # metres: a 1000 N muscle gets a 8.5 mm line of action
RADIUS_RANGE = (0.003, 0.009)  # thinnest and thickest line, metres: readable, never bulky


def tube_radius(max_force: np.ndarray) -> np.ndarray:
    """Line-of-action radius in metres ∝ √(max force): thickness reads as strength without swamping the view."""
    return np.clip(RADIUS_PER_SQRT_NEWTON * np.sqrt(np.asarray(max_force, float)), *RADIUS_RANGE)
