"""Fewer triangles for a mesh (quadric decimation via `fast-simplification`), cached on disk.

Bones of MyoFullBody carry ~290 000 triangles; a take-home page or a fast window needs a
fraction of that. Decimating all of them takes a moment, so results are kept per mesh in the
user's cache (keyed by the mesh's bytes and the target), and reused by every later call.
"""
from __future__ import annotations

import hashlib

import numpy as np

from .paths import cache_dir

CACHE_VERSION = 1  # bump when the decimation settings below change what comes out
_memory: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def target_faces(count: int, fraction: float, min_faces: int) -> int:
    """How many triangles to keep: `fraction` of them, but never below `min_faces` (small bones stay whole)."""
    return int(min(count, max(min_faces, round(count * fraction))))


def decimated(vertices: np.ndarray, faces: np.ndarray, fraction: float,
              min_faces: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """(vertices (n, 3) float32, faces (m, 3) int32) with about `fraction` of the triangles kept."""
    vertices = np.ascontiguousarray(vertices, np.float32)
    faces = np.ascontiguousarray(faces, np.int32)
    keep = target_faces(len(faces), fraction, min_faces)
    if keep >= len(faces):
        return vertices, faces
    digest = hashlib.sha1(vertices.tobytes() + faces.tobytes()
                          + f"{keep}:{CACHE_VERSION}".encode()).hexdigest()
    if digest in _memory:
        return _memory[digest]
    path = cache_dir() / "decimated" / f"{digest}.npz"
    result = _read(path)
    if result is None:
        import fast_simplification

        v, f = fast_simplification.simplify(vertices, faces, target_reduction=1.0 - keep / len(faces))
        result = (np.asarray(v, np.float32), np.asarray(f, np.int32))
        _write(path, result)
    _memory[digest] = result
    return result


def _read(path) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        with np.load(path) as data:
            return data["vertices"], data["faces"]
    except (OSError, KeyError, ValueError):  # absent or damaged: decimate again
        return None


def _write(path, result) -> None:
    """Best effort: a read-only cache folder only costs the time to decimate again."""
    import os

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, vertices=result[0], faces=result[1])
        os.replace(tmp, path)
    except OSError:
        pass
