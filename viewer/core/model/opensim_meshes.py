"""An OpenSim model's mesh files: where they may be, and reading them safely.

OpenSim opens every mesh a model names while it reads the model, so a mesh that would hang it
(a FIFO, a device) refuses the model first; our own reader turns .obj/.stl/.ply/.vtp files into
vertices and triangles, with a one-line error naming a file it cannot read.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

import numpy as np

from ..base.errors import ModelError, Problem, display_path

MESH_SUFFIXES = (".obj", ".stl", ".ply", ".vtp")


def refuse_unreadable_meshes(raw: bytes, path: Path, shown: str) -> None:
    """OpenSim opens every mesh file while it reads the model, and would wait forever on a FIFO
    or read a device without end: such a mesh refuses the model, naming both."""
    import xml.etree.ElementTree as ET

    from ..base import limits
    from ..base.files import check_input

    try:
        root = ET.fromstring(raw)
    except ET.ParseError:  # OpenSim's own reader says where
        return
    folders = geometry_folders(path)
    for element in root.iter("mesh_file"):
        name = (element.text or "").strip()
        file = find_mesh(folders, name) if name else None
        if file is None:
            continue
        try:
            check_input(file, limits.MESH_BYTES, ModelError)
        except ModelError as exc:
            raise ModelError([Problem(shown, None, f"its mesh {exc.problems[0]}; OpenSim would wait on it or read "
                                                   f"it whole, so the model is not read")]) from None


def refuse_entities(raw: bytes, shown: str, error=ModelError) -> None:
    """A model or mesh never declares XML entities: an 'entity bomb' expands a few lines to
    gigabytes and an external entity reads another file, so a DOCTYPE is refused before parsing."""
    found = [at for at in (raw.find(b"<!DOCTYPE"), raw.find(b"<!ENTITY")) if at >= 0]
    if found:
        line = raw[:min(found)].count(b"\n") + 1
        raise error([Problem(shown, line, "declares XML entities (<!DOCTYPE or <!ENTITY); model and mesh "
                                          "files never need them, so the file is not read")])


GEOMETRY_ENV = "MUSCLE_VIEWER_GEOMETRY"  # folders (os.pathsep between) to look in for meshes


def geometry_folders(model_path: Path) -> list[Path]:
    """Where an .osim's mesh files may be, in order: the model's folder, its Geometry/, a shared
    Geometry/ up to three folders above (opensim-models keeps Models/Arm26/arm26.osim beside one
    top-level Geometry/), the folders in MUSCLE_VIEWER_GEOMETRY, an OpenSim install's Geometry/;
    where none of these is found, the meshes shipped in meshes/opensim-models/Geometry."""
    here = model_path.resolve().parent
    candidates = [here, here / "Geometry"] + [up / "Geometry" for up in list(here.parents)[:3]]
    candidates += [Path(p).expanduser() for p in os.environ.get(GEOMETRY_ENV, "").split(os.pathsep) if p]
    if os.environ.get("OPENSIM_HOME"):
        candidates.append(Path(os.environ["OPENSIM_HOME"]) / "Geometry")
    for pattern in ("/opt/opensim*/Geometry", "~/opensim*/Geometry", "~/OpenSim*/Geometry",
                    "~/Documents/OpenSim/*/Geometry"):
        candidates += [Path(p) for p in sorted(glob.glob(os.path.expanduser(pattern)))]
    out: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder not in out:
            out.append(folder)
    if not any(folder.name == "Geometry" for folder in out):
        # No Geometry folder anywhere: the bones this project ships from opensim-models, as an
        # OpenSim install would (an OpenCap session's scaled model comes without one and names these).
        from ..base.paths import MESHES_DIR

        out.append(MESHES_DIR / "opensim-models" / "Geometry")
    return out


def find_mesh(folders: list[Path], name: str) -> Path | None:
    for folder in folders:
        try:
            if (folder / name).exists() and not (folder / name).is_dir():  # a FIFO is found, then refused
                return folder / name
        except (OSError, ValueError):  # a 5,000-letter name, a NUL byte: not a file there
            continue
    return None


def read_mesh(file: Path) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and triangles of a mesh file, or a one-line ModelError naming it."""
    from ..base import limits
    from ..base.files import read_user_bytes

    shown = display_path(file)
    raw = read_user_bytes(file, limits.MESH_BYTES, ModelError, shown)  # a FIFO, /proc/self/mem: one line
    if file.suffix.lower() == ".vtp":
        return read_vtp(raw, shown)
    import io

    import trimesh

    try:
        mesh = trimesh.load(io.BytesIO(raw), file_type=file.suffix.lower().lstrip("."), force="mesh")
        verts, faces = np.asarray(mesh.vertices, float), np.asarray(mesh.faces, int)
    except Exception as exc:  # trimesh raises many kinds for corrupt files
        raise ModelError([Problem(shown, None, f"cannot read this mesh ({type(exc).__name__})")]) from None
    return verts, faces.reshape(-1, 3)


def read_vtp(raw: bytes, shown: str) -> tuple[np.ndarray, np.ndarray]:
    """ASCII VTK XML PolyData, as in OpenSim's Geometry folders: points and (triangulated) polys."""
    import xml.etree.ElementTree as ET

    def fail(message: str):
        return ModelError([Problem(shown, None, message)])

    refuse_entities(raw, shown)
    try:
        piece = ET.fromstring(raw).find(".//Piece")
        arrays = {}
        for section in ("Points", "Polys"):
            for data in piece.find(section).iter("DataArray"):
                if data.get("format", "ascii") != "ascii":
                    raise fail("only ASCII .vtp geometry is supported; save the mesh as OBJ or STL")
                arrays[(section, data.get("Name", "Points"))] = np.array((data.text or "").split(), float)
        points = arrays[("Points", "Points")] if ("Points", "Points") in arrays \
            else next(v for (s, _), v in arrays.items() if s == "Points")
        connectivity = arrays[("Polys", "connectivity")]
        offsets = arrays[("Polys", "offsets")]
    except ET.ParseError as exc:
        raise fail(f"not valid XML: {exc}") from None
    except (AttributeError, KeyError, StopIteration, ValueError):
        raise fail("not VTK PolyData with Points and Polys (connectivity, offsets)") from None
    if points.size % 3 or not np.isfinite(points).all():
        raise fail("its points are not finite x y z triples")
    points = points.reshape(-1, 3)
    if connectivity.size and (connectivity.min() < 0 or connectivity.max() >= len(points)
                              or (connectivity % 1).any()):
        raise fail(f"a polygon names a point that does not exist (there are {len(points):,} points)")
    if offsets.size and ((np.diff(offsets, prepend=0) < 0).any() or offsets[-1] > connectivity.size
                         or (offsets % 1).any()):
        raise fail("its polygon offsets run backwards or past the connectivity list")
    connectivity, offsets = connectivity.astype(int), offsets.astype(int)
    faces, start = [], 0
    for end in offsets:  # fan-triangulate each polygon
        poly = connectivity[start:end]
        faces += [[poly[0], poly[k], poly[k + 1]] for k in range(1, len(poly) - 1)]
        start = end
    return points, np.array(faces, int).reshape(-1, 3)
