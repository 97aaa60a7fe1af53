"""A lab's recordings drawn with the body: ground-reaction arrows and marker spheres.

The frame brings them already placed (core's `LabFrame`: arrow start and tip, marker centres,
in world metres); here each is a fixed-topology mesh whose points move in place.
"""
from __future__ import annotations

import numpy as np
import pyvista as pv

ARROW_COLOUR = "#f5d000"  # yellow: apart from the muscles' warm and cool, and from the bones
MARKER_COLOUR = "#e055c8"  # magenta, as motion-capture software draws markers
SHAFT_RADIUS = 0.015  # m
HEAD_RADIUS = 0.035
HEAD_LENGTH = 0.07
MARKER_RADIUS = 0.012
SIDES = 16


def legend_entries(recordings) -> list[tuple[tuple[float, float, float], str]]:
    """(rgb, words) for the legend: the words (and the arrows' scale) come from core's Recordings."""
    if recordings is None:
        return []
    colours = {"arrows": ARROW_COLOUR, "markers": MARKER_COLOUR}
    return [(_rgb(colours[what]), words) for what, words in recordings.legend()]


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[k:k + 2], 16) / 255.0 for k in (1, 3, 5))


def _arrow_template() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-free arrow along +z: (points (N, 3) with the head's z measured from the tip,
    a mask of head points, faces). The shaft's top ring and the head sit at the tip's distance."""
    a = np.linspace(0, 2 * np.pi, SIDES, endpoint=False)
    ring = np.c_[np.cos(a), np.sin(a), np.zeros(SIDES)]
    shaft_bottom = ring * SHAFT_RADIUS
    shaft_top = ring * SHAFT_RADIUS + [0, 0, -HEAD_LENGTH]  # measured from the tip
    head_base = ring * HEAD_RADIUS + [0, 0, -HEAD_LENGTH]
    tip = np.array([[0.0, 0.0, 0.0]])
    points = np.vstack([shaft_bottom, shaft_top, head_base, tip])
    from_tip = np.r_[np.zeros(SIDES, bool), np.ones(2 * SIDES + 1, bool)]
    faces = []
    for k in range(SIDES):
        n = (k + 1) % SIDES
        faces += [[4, k, n, SIDES + n, SIDES + k], [3, 2 * SIDES + k, 2 * SIDES + n, 3 * SIDES]]
        faces += [[4, SIDES + k, SIDES + n, 2 * SIDES + n, 2 * SIDES + k]]  # the head's underside
    return points, from_tip, np.hstack(faces)


def _sphere_template() -> tuple[np.ndarray, np.ndarray]:
    sphere = pv.Sphere(radius=MARKER_RADIUS, theta_resolution=10, phi_resolution=8)
    return np.asarray(sphere.points, float), np.asarray(sphere.faces)


class LabMarks:
    """The arrows (one per force plate) and spheres (one per marker) of a lab's recordings."""

    def __init__(self, plotter: pv.Plotter, lab):
        self.plates, self.count = lab.arrows.shape[1], lab.markers.shape[1]
        self.actors = []
        self._arrow, self._from_tip, arrow_faces = _arrow_template()
        if self.plates:
            faces = np.hstack([_offset_faces(arrow_faces, p * len(self._arrow)) for p in range(self.plates)])
            self.arrows = pv.PolyData(np.zeros((self.plates * len(self._arrow), 3)), faces=faces)
            self.actors.append(plotter.add_mesh(self.arrows, color=ARROW_COLOUR, smooth_shading=True, ambient=0.35,
                                                reset_camera=False, render=False, show_scalar_bar=False))
        self._sphere, sphere_faces = _sphere_template()
        if self.count:
            faces = np.hstack([_offset_faces(sphere_faces, k * len(self._sphere)) for k in range(self.count)])
            self.spheres = pv.PolyData(np.zeros((self.count * len(self._sphere), 3)), faces=faces)
            self.actors.append(plotter.add_mesh(self.spheres, color=MARKER_COLOUR, smooth_shading=True, ambient=0.3,
                                                reset_camera=False, render=False, show_scalar_bar=False))

    def update(self, lab, i: int) -> None:
        if self.plates:
            self.arrows.points = np.concatenate([self._place_arrow(*lab.arrows[i, p]) for p in range(self.plates)])
        if self.count:
            centres = lab.markers[i]
            seen = ~np.isnan(centres).any(axis=1)
            # A marker not seen in this frame collapses to a point (no area: nothing drawn).
            radius = np.where(seen, 1.0, 0.0)[:, None, None]
            anchor = np.where(seen[:, None], centres, np.nanmean(centres, axis=0) if seen.any() else 0.0)
            self.spheres.points = (self._sphere[None] * radius + anchor[:, None, :]).reshape(-1, 3)

    def _place_arrow(self, start: np.ndarray, tip: np.ndarray) -> np.ndarray:
        if np.isnan(start).any() or np.isnan(tip).any():
            return np.zeros_like(self._arrow)  # no force on this plate: collapsed to a point
        axis = tip - start
        length = np.linalg.norm(axis)
        z = axis / length
        x = np.cross(z, [1.0, 0.0, 0.0] if abs(z[0]) < 0.9 else [0.0, 1.0, 0.0])
        x /= np.linalg.norm(x)
        y = np.cross(z, x)
        local = self._arrow.copy()
        short = min(1.0, length / (1.5 * HEAD_LENGTH))  # a small force keeps a small head
        local[self._from_tip] *= [short, short, short]
        local[self._from_tip, 2] += length
        return start + local @ np.array([x, y, z])

    def remove(self, plotter) -> None:
        for actor in self.actors:
            plotter.remove_actor(actor, render=False)


def _offset_faces(faces: np.ndarray, offset: int) -> np.ndarray:
    """A VTK face array ([n, i0, i1, …]*) with every index moved by `offset`."""
    out = faces.copy()
    k = 0
    while k < len(out):
        n = out[k]
        out[k + 1:k + 1 + n] += offset
        k += n + 1
    return out
