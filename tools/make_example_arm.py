"""Write the teaching arm's bone meshes (meshes/examples/arm/): simple, recognisable shapes.

    python tools/make_example_arm.py

The shapes are made here with trimesh so the example needs no downloaded anatomy. Three
files in three formats (STL, OBJ, PLY) so the example also exercises the mesh readers.
Units: millimetres (arm.yaml says `units: mm`), as scanners and CAD tools usually write.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh

OUT = Path(__file__).resolve().parents[1] / "meshes" / "examples" / "arm"


def shaft(length: float, radius: float, head: float, foot: float) -> trimesh.Trimesh:
    """A long bone hanging down from its top joint: a shaft with a knob at each end (mm)."""
    body = trimesh.creation.capsule(height=length - head - foot, radius=radius, count=[24, 24])
    body.apply_translation([0, 0, -length / 2])
    top = trimesh.creation.icosphere(subdivisions=3, radius=head)
    top.apply_translation([0, 0, -head * 0.6])
    bottom = trimesh.creation.icosphere(subdivisions=3, radius=foot)
    bottom.apply_scale([1.6, 1.0, 0.8])  # condyles are wider side to side
    bottom.apply_translation([0, 0, -length + foot * 0.6])
    return trimesh.util.concatenate([body, top, bottom])


def forearm() -> trimesh.Trimesh:
    """Ulna and radius side by side, the ulna with an olecranon behind the elbow."""
    ulna = shaft(250, 7, 11, 6)
    ulna.apply_translation([-9, 0, 0])
    olecranon = trimesh.creation.icosphere(subdivisions=3, radius=10)
    olecranon.apply_translation([-9, 14, 10])
    radius = shaft(240, 6, 9, 10)
    radius.apply_translation([10, -2, -5])
    return trimesh.util.concatenate([ulna, olecranon, radius])


def hand() -> trimesh.Trimesh:
    palm = trimesh.creation.box(extents=[80, 25, 90])
    palm.apply_translation([0, 0, -45])
    fingers = [trimesh.creation.capsule(height=70, radius=8, count=[12, 12]) for _ in range(4)]
    for k, f in enumerate(fingers):
        f.apply_translation([-30 + 20 * k, 0, -125])
    return trimesh.util.concatenate([palm] + fingers)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    shaft(300, 11, 24, 14).export(OUT / "humerus.stl")
    forearm().export(OUT / "forearm.obj")
    hand().export(OUT / "hand.ply")
    for name in ("humerus.stl", "forearm.obj", "hand.ply"):
        mesh = trimesh.load(OUT / name, force="mesh")
        print(f"{name}: {len(mesh.faces)} triangles, {np.ptp(mesh.bounds, axis=0).round(0)} mm")


if __name__ == "__main__":
    main()
