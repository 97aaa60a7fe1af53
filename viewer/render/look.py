"""How bones and muscles look, one copy for the window, the exports and the take-home page.

Numpy only, no VTK: the page (viewer/share) builds its scene for three.js from these.
"""
from __future__ import annotations

import numpy as np

BONE_COLOUR = (0.91, 0.87, 0.78)  # ivory
FOCUS_THICKER = 1.4  # focus muscles are drawn this much thicker than their strength alone gives
# Muscles outside the focus: a calm, light, solid layer that makes the figure read as a
# body (see-through grey read as smoke). Their colour is washed toward a pale flesh tone,
# less so while they change length strongly, so the focus muscles stand out by colour and a
# strongly moving muscle outside the focus still shows its direction.
FADED_ALPHA = (0.30, 0.85)  # opacity at strength 0 and 1: light enough that deep focus muscles (psoas, iliacus) show through
FADED_MIX = (0.80, 0.30)  # share of the calm tone in the colour at strength 0 and 1
FADE_GREY = np.array([0.80, 0.70, 0.70])  # the calm layer's rosy grey: muscle, not bone (ivory), not plain


def paint(colours: np.ndarray, strength: np.ndarray | None, faded: np.ndarray) -> np.ndarray:
    """Per-muscle RGB in [0, 1] (..., M, 3) and strength (..., M) → the uint8 RGBA drawn;
    faded (indices or bool per muscle): the muscles outside the focus."""
    rgba = np.ones(np.shape(colours)[:-1] + (4,), np.float32)
    rgba[..., :3] = colours
    faded = np.flatnonzero(faded) if np.asarray(faded).dtype == bool else np.asarray(faded, int)
    if faded.size:
        s = np.zeros(rgba.shape[:-1])[..., faded] if strength is None else np.asarray(strength)[..., faded]
        grey = (FADED_MIX[0] + (FADED_MIX[1] - FADED_MIX[0]) * s)[..., None]
        rgba[..., faded, :3] = rgba[..., faded, :3] * (1.0 - grey) + FADE_GREY * grey
        rgba[..., faded, 3] = FADED_ALPHA[0] + (FADED_ALPHA[1] - FADED_ALPHA[0]) * s
    return (np.clip(rgba, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
