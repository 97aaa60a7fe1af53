"""Bone surfaces ready to draw: full meshes and decimated ones (fast quality), with vertex normals.

Playing or rotating draws the decimated bones; a still frame or an export draws the full ones.
Both, with their normals, are computed once per model and kept on disk next to the compiled
model cache, so a start reads one file instead of simplifying and computing normals again.
The cache key is the meshes' own content, so any model (catalogue, own, bare MuJoCo) gets one.
"""
from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

import numpy as np

from ..base.files import atomic_write
from ..base.paths import cache_dir

FAST_KEEP = 0.2  # share of a bone's triangles drawn in fast quality
MIN_FACES = 500  # no bone drops below this many triangles: a vertebra keeps its processes
CACHE_FORMAT = 1  # bump when the stored arrays change meaning


@dataclass(frozen=True)
class Surface:
    """One triangle mesh in its own frame: float32 vertices and normals (N, 3), int32 faces (F, 3)."""

    verts: np.ndarray
    faces: np.ndarray
    normals: np.ndarray


def decimate(verts: np.ndarray, faces: np.ndarray, keep: float) -> tuple[np.ndarray, np.ndarray]:
    """Quadric-error simplification to about `keep` of the triangles, never below MIN_FACES
    (fast-simplification); a mesh that small already is returned whole."""
    faces = np.asarray(faces)
    target = max(int(round(keep * len(faces))), MIN_FACES)
    if not 0.0 < keep < 1.0 or target >= len(faces):
        return np.asarray(verts, float), faces.astype(np.int64)
    import fast_simplification  # imported on first use: a start with a warm cache never needs it

    v, f = fast_simplification.simplify(np.asarray(verts, np.float64), faces.astype(np.int32),
                                        target_count=target)
    return np.asarray(v, float), np.asarray(f, np.int64)


def vertex_normals(verts: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Unit normals per vertex: the area-weighted mean of the faces around it (float32)."""
    v = np.asarray(verts, np.float64)
    f = np.asarray(faces, np.int64)
    face_normal = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])  # length = 2 × area
    normals = np.zeros_like(v)
    for k in range(3):
        np.add.at(normals, f[:, k], face_normal)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return np.divide(normals, length, out=np.zeros_like(normals), where=length > 0).astype(np.float32)


def surface(verts: np.ndarray, faces: np.ndarray) -> Surface:
    return Surface(np.asarray(verts, np.float32), np.asarray(faces, np.int32), vertex_normals(verts, faces))


_memory: dict[str, tuple[list[Surface], list[Surface]]] = {}  # one process opens a model many times


def bone_surfaces(model, keep: float = FAST_KEEP) -> tuple[list[Surface], list[Surface]]:
    """(full, fast) surfaces of `model.bone_geoms`, in that order, from the cache when it has them."""
    meshes = [model.bone_mesh(g) for g in model.bone_geoms]
    if not meshes:  # a model drawn without bones (an OpenSim model whose meshes were not found)
        return [], []
    key = _key(meshes, keep)
    if key in _memory:
        return _memory[key]
    path = cache_dir() / f"bones-{key}.npz"
    found = _read(path, len(meshes))
    if found is None:
        full = [surface(v, f) for v, f in meshes]
        fast = [surface(*decimate(v, f, keep)) for v, f in meshes]
        found = full, fast
        with contextlib.suppress(OSError):  # a read-only home only costs start time
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, lambda tmp: _write(tmp, full + fast))
    _memory[key] = found
    return found


def _key(meshes: list[tuple[np.ndarray, np.ndarray]], keep: float) -> str:
    digest = hashlib.sha1(f"{CACHE_FORMAT}|{keep:.4f}|{_library_version()}".encode())
    for v, f in meshes:
        digest.update(np.ascontiguousarray(v, np.float64).tobytes())
        digest.update(np.ascontiguousarray(f, np.int64).tobytes())
    return digest.hexdigest()[:20]


def _library_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fast-simplification")
    except PackageNotFoundError:
        return "none"


def _write(tmp: str, surfaces: list[Surface]) -> None:
    """All surfaces as three concatenated arrays and their row counts: one small file, fast to read."""
    counts = np.array([[len(s.verts), len(s.faces)] for s in surfaces], np.int64)
    with open(tmp, "wb") as out:
        np.savez(out, counts=counts, verts=np.concatenate([s.verts for s in surfaces]),
                 normals=np.concatenate([s.normals for s in surfaces]),
                 faces=np.concatenate([s.faces for s in surfaces]))


def _read(path, bones: int) -> tuple[list[Surface], list[Surface]] | None:
    """The cached surfaces, or None when the file is missing, foreign or damaged (then rebuilt)."""
    try:
        with np.load(path) as data:
            counts, verts, normals, faces = (data[k] for k in ("counts", "verts", "normals", "faces"))
    except (OSError, ValueError, KeyError, EOFError):
        return None
    if counts.shape != (2 * bones, 2) or counts[:, 0].sum() != len(verts) or counts[:, 1].sum() != len(faces) \
            or len(normals) != len(verts):
        return None
    v_end, f_end = np.cumsum(counts[:, 0]), np.cumsum(counts[:, 1])
    surfaces = [Surface(verts[v1 - nv:v1], faces[f1 - nf:f1], normals[v1 - nv:v1])
                for (nv, nf), v1, f1 in zip(counts, v_end, f_end)]
    return surfaces[:bones], surfaces[bones:]
