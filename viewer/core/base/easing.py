"""Shapes of a keyframe segment: s ∈ [0, 1] → progress f(s) and its slope f'(s).

Rates of muscle length change come from these exact slopes (DESIGN §6), so every ease has
an analytic derivative instead of a finite difference.
"""
from __future__ import annotations

import numpy as np

EASES = ("linear", "smooth", "min_jerk", "step")
DEFAULT_EASE = "smooth"


def ease(name: str, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = np.clip(s, 0.0, 1.0)
    if name == "linear":
        return s, np.ones_like(s)
    if name == "smooth":  # cubic smoothstep: zero speed at both keys
        return s * s * (3 - 2 * s), 6 * s * (1 - s)
    if name == "min_jerk":  # minimum-jerk profile of human reaching (Flash & Hogan 1985)
        return s**3 * (10 - 15 * s + 6 * s * s), 30 * s * s * (1 - s) ** 2
    if name == "step":  # hold the previous value until the key, then jump
        return (s >= 1.0).astype(float), np.zeros_like(s)
    raise ValueError(f"unknown ease {name!r}")
