"""Write the exercise props (meshes/props/*.obj): floor mat, pull-up bar, bench, barbell, dumbbell.

    python tools/make_props.py

Simple shapes made with trimesh primitives, so the props need no downloaded models. Units are
metres. Each prop is written as named parts (OBJ `o` lines: bar, plate, collar, pad, frame…);
meshes/props/props.yaml gives each part its colour (steel, rubber, padding), so equipment reads
as equipment. Each prop has its own frame, described in meshes/props/props.yaml (where a scenario
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


def pullup_bar() -> dict[str, list[trimesh.Trimesh]]:
    """A free-standing frame: the bar (at the origin, along x) on two posts down to z = −2.55 m."""
    height, half_width = 2.55, 0.62
    parts = {"bar": [rod(2 * half_width + 0.08, 0.016)], "frame": []}
    for side in (-1, 1):
        x = side * half_width
        parts["frame"].append(box((0.06, 0.06, height), (x, 0, -height / 2)))
        parts["frame"].append(box((0.08, 0.9, 0.05), (x, 0, -height + 0.025)))  # foot, so it stands
    return parts


def bench() -> dict[str, list[trimesh.Trimesh]]:
    """A flat bench: a padded top 1.15 m × 0.28 m (top face at z = 0) on two legs 0.43 m high."""
    height = 0.43
    parts = {"pad": [box((0.28, 1.15, 0.07), (0, 0, -0.035))],
             "frame": [box((0.08, 1.0, 0.05), (0, 0, -0.095))]}  # rail under the pad
    for y in (-0.42, 0.42):
        parts["frame"].append(box((0.06, 0.06, height - 0.12), (0, y, -(height + 0.12) / 2)))
        parts["frame"].append(box((0.42, 0.07, 0.04), (0, y, -height + 0.02)))  # crossbar foot
    return parts


def barbell() -> dict[str, list[trimesh.Trimesh]]:
    """A 1.6 m bar (along x, centred) with a 34 cm plate and a collar on each side."""
    parts = {"bar": [rod(1.6, 0.014)], "plate": [], "collar": []}
    for side in (-1, 1):
        parts["plate"].append(rod(0.045, 0.17, (side * 0.58, 0, 0), sections=40))  # a small bumper: the chest stays in view
        parts["collar"].append(rod(0.03, 0.03, (side * 0.54, 0, 0)))
        parts["collar"].append(rod(0.04, 0.03, (side * 0.625, 0, 0)))  # outer collar
    return parts


def dumbbell() -> dict[str, list[trimesh.Trimesh]]:
    """A hand dumbbell: a 13 cm steel handle (along x, centred) between two rubber-coated heads."""
    return {"handle": [rod(0.13, 0.016)],
            "head": [rod(0.05, 0.055, (side * 0.09, 0, 0), sections=32) for side in (-1, 1)]}


PROPS = {"floor_mat": floor_mat, "pullup_bar": pullup_bar, "bench": bench, "barbell": barbell,
         "dumbbell": dumbbell}


def write_parts(path: Path, parts: dict[str, list[trimesh.Trimesh]]) -> tuple[int, int]:
    """An OBJ with one `o NAME` object per part, in order (vertices, faces); fixed decimals keep
    the files small and the output identical from run to run."""
    lines, offset, faces = ["# made by tools/make_props.py; parts are coloured in props.yaml"], 0, 0
    for name, pieces in parts.items():
        mesh = trimesh.util.concatenate(pieces)
        mesh.merge_vertices()
        lines.append(f"o {name}")
        lines += [f"v {x:.4f} {y:.4f} {z:.4f}" for x, y, z in mesh.vertices]
        lines += [f"f {a + offset + 1} {b + offset + 1} {c + offset + 1}" for a, b, c in mesh.faces]
        offset += len(mesh.vertices)
        faces += len(mesh.faces)
    path.write_text("\n".join(lines) + "\n")
    return offset, faces


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in PROPS.items():
        made = make()
        parts = made if isinstance(made, dict) else {name: [made]}
        path = OUT / f"{name}.obj"
        vertices, faces = write_parts(path, parts)
        print(f"wrote {path.relative_to(OUT.parents[1])}: {vertices} vertices, {faces} faces, "
              f"parts {', '.join(parts)}")


if __name__ == "__main__":
    main()
