"""Write the exercise props (meshes/props/*.obj): floor mat, pull-up bar, bench, barbell, dumbbell.

    python tools/make_props.py

Simple shapes made with trimesh primitives, so the props need no downloaded models. Units are
metres. Each prop has its own frame, described in meshes/props/props.yaml (where a scenario
places it): long bars lie along x, the bench and the mat run along y (a lying body's length),
z is up, and the surface a body rests on is at z = 0.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh

OUT = Path(__file__).resolve().parents[1] / "meshes" / "props"
SECTIONS = 24  # facets around a cylinder: round at video size, small files


def box(size, centre) -> trimesh.Trimesh:
    mesh = trimesh.creation.box(extents=size)
    mesh.apply_translation(centre)
    return mesh


def rod(length: float, radius: float, centre=(0, 0, 0), axis: str = "x", sections: int = SECTIONS) -> trimesh.Trimesh:
    """A cylinder along a coordinate axis."""
    mesh = trimesh.creation.cylinder(radius=radius, height=length, sections=sections)  # along z
    turn = {"x": trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0]),
            "y": trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]),
            "z": np.eye(4)}[axis]
    mesh.apply_transform(turn)
    mesh.apply_translation(centre)
    return mesh


def floor_mat() -> trimesh.Trimesh:
    """An exercise mat 1.8 m × 0.65 m × 12 mm, top face at z = 0."""
    return box((0.65, 1.8, 0.012), (0, 0, -0.006))


def pullup_bar() -> trimesh.Trimesh:
    """A free-standing frame: the bar (at the origin, along x) on two posts down to z = −2.55 m."""
    height, half_width = 2.55, 0.62
    parts = [rod(2 * half_width + 0.08, 0.016)]
    for side in (-1, 1):
        x = side * half_width
        parts.append(box((0.06, 0.06, height), (x, 0, -height / 2)))
        parts.append(box((0.08, 0.9, 0.05), (x, 0, -height + 0.025)))  # foot, so it stands
    return trimesh.util.concatenate(parts)


def bench() -> trimesh.Trimesh:
    """A flat bench: a padded top 1.15 m × 0.28 m (top face at z = 0) on two legs 0.43 m high."""
    height = 0.43
    parts = [box((0.28, 1.15, 0.07), (0, 0, -0.035)),  # pad
             box((0.08, 1.0, 0.05), (0, 0, -0.095))]  # frame rail under the pad
    for y in (-0.42, 0.42):
        parts.append(box((0.06, 0.06, height - 0.12), (0, y, -(height + 0.12) / 2)))
        parts.append(box((0.42, 0.07, 0.04), (0, y, -height + 0.02)))  # crossbar foot
    return trimesh.util.concatenate(parts)


def barbell() -> trimesh.Trimesh:
    """A 1.6 m bar (along x, centred) with a 34 cm plate and a collar on each side."""
    parts = [rod(1.6, 0.014)]
    for side in (-1, 1):
        parts.append(rod(0.045, 0.17, (side * 0.58, 0, 0), sections=40))  # plate (a small bumper: the chest stays in view)
        parts.append(rod(0.03, 0.03, (side * 0.54, 0, 0)))  # collar
        parts.append(rod(0.04, 0.03, (side * 0.625, 0, 0)))  # outer collar
    return trimesh.util.concatenate(parts)


def dumbbell() -> trimesh.Trimesh:
    """A hand dumbbell: a 13 cm handle (along x, centred) between two round heads."""
    parts = [rod(0.13, 0.016)]
    for side in (-1, 1):
        parts.append(rod(0.05, 0.055, (side * 0.09, 0, 0), sections=32))
    return trimesh.util.concatenate(parts)


PROPS = {"floor_mat": floor_mat, "pullup_bar": pullup_bar, "bench": bench, "barbell": barbell,
         "dumbbell": dumbbell}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in PROPS.items():
        mesh = make()
        mesh.merge_vertices()
        path = OUT / f"{name}.obj"
        # Fixed decimals keep the files small and the output identical from run to run.
        path.write_text(trimesh.exchange.obj.export_obj(mesh, include_normals=False, digits=4))
        print(f"wrote {path.relative_to(OUT.parents[1])}: {len(mesh.vertices)} vertices, {len(mesh.faces)} faces")


if __name__ == "__main__":
    main()
