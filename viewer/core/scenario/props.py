"""Exercise props (mat, bench, bars, dumbbell): which mesh, and where it is in every frame.

A scenario's `props:` entries say how each prop is placed:
  ride: BODY          moves with the body (the dumbbell in the hand); offset/rotate in the body's frame
  ride: [BODY, BODY]  moves between two bodies (a barbell in both hands): centred between them,
                      its x axis along the line from the first to the second, its z as upright as possible
  at: BODY or pair    placed where the body (pair) is at the start, then stays still; world axes
  neither             stays still in the world: offset from the origin (floor at z = 0, under the body)
The renderer only reads the meshes and the 4×4 transforms computed here; nothing is drawn here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from ..base.errors import Problem, ScenarioError, suggest
from ..base.files import note_read
from ..base.paths import MESHES_DIR

PROPS_DIR = MESHES_DIR / "props"
MESH_SUFFIXES = (".obj", ".stl", ".ply", ".glb")
DEFAULT_COLOUR = "#9a9ea6"


@dataclass(frozen=True)
class PropSpec:
    """One `props:` entry of a scenario file, as written (names not yet checked)."""

    mesh: str  # a name in meshes/props/props.yaml or a mesh file path (relative to the scenario)
    ride: tuple[str, ...] = ()  # one or two bodies it moves with
    at: tuple[str, ...] = ()  # one or two bodies it is placed by at t = 0
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)  # metres
    rotate: tuple[float, float, float] = (0.0, 0.0, 0.0)  # degrees about x, then y, then z
    colour: str | None = None  # "#rrggbb"; None: the prop's own

    def as_dict(self) -> dict:
        """The entry as it is written in a file (defaults left out)."""
        out: dict = {"mesh": self.mesh}
        for key in ("ride", "at"):
            bodies = getattr(self, key)
            if bodies:
                out[key] = bodies[0] if len(bodies) == 1 else list(bodies)
        for key in ("offset", "rotate"):
            value = getattr(self, key)
            if any(value):
                out[key] = [int(v) if float(v).is_integer() else v for v in value]
        if self.colour:
            out["colour"] = self.colour
        return out


@lru_cache(maxsize=1)
def prop_catalogue() -> dict[str, dict]:
    """Built-in props: name → {file, colour, about}."""
    raw = yaml.safe_load((PROPS_DIR / "props.yaml").read_text(encoding="utf-8")) or {}
    return {name: dict(entry) for name, entry in raw.items()}


def mesh_path(name: str, base_dir: Path) -> Path | None:
    """The mesh file of a built-in prop name or a path; None when neither exists."""
    known = prop_catalogue()
    if name in known:
        return PROPS_DIR / known[name]["file"]
    path = Path(name)
    path = path if path.is_absolute() else base_dir / path
    return path if path.suffix.lower() in MESH_SUFFIXES and path.is_file() else None


def check_props(scenario, model) -> list[Problem]:
    """Problems with the scenario's props against its model: unknown prop meshes and bodies."""
    problems = []
    bodies = model.body_names
    for i, spec in enumerate(scenario.props):
        if mesh_path(spec.mesh, scenario.base_dir) is None:
            names = list(prop_catalogue())
            problems.append(scenario.problem(
                ("props", i, "mesh"), f"unknown prop '{spec.mesh}'{suggest(spec.mesh, names)}; built-in props: "
                f"{', '.join(names)} (or a path to an {'/'.join(s[1:].upper() for s in MESH_SUFFIXES)} file)"))
        for key in ("ride", "at"):
            for k, body in enumerate(getattr(spec, key)):
                if model.body_id(body) < 0:
                    where = ("props", i, key, k) if len(getattr(spec, key)) > 1 else ("props", i, key)
                    problems.append(scenario.problem(where, f"unknown body '{body}'{suggest(body, bodies)}"))
    return problems


@dataclass(frozen=True)
class PropMesh:
    name: str
    vertices: np.ndarray  # (n, 3) in the prop's frame, metres
    faces: np.ndarray  # (m, 3)
    colour: tuple[float, float, float]  # the whole prop's (or its main) colour
    face_colours: np.ndarray | None = None  # (m, 3) per face where its parts differ (steel, rubber)


def _part_faces(path: str) -> list[tuple[str, int]]:
    """(part name, face count) of each `o` object of an OBJ file, in file order."""
    out: list[tuple[str, int]] = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("o "):
                out.append((line[2:].strip(), 0))
            elif line.startswith("f ") and out:
                out[-1] = (out[-1][0], out[-1][1] + len(line.split()) - 3)  # a polygon of n corners: n − 2 triangles
    return out


def part_colours(path: str, parts: dict[str, str], faces: int) -> np.ndarray | None:
    """Per-face colours of a built-in prop from its parts' colours; None where they do not apply."""
    if not parts or not path.lower().endswith(".obj"):
        return None
    counts = _part_faces(path)
    if sum(n for _, n in counts) != faces or any(name not in parts for name, _ in counts):
        return None
    return np.concatenate([np.tile(_rgb(parts[name]), (n, 1)) for name, n in counts])


@lru_cache(maxsize=32)
def _read_mesh(path: str) -> tuple[np.ndarray, np.ndarray]:
    import trimesh

    from ..base import limits
    from ..base.files import check_input

    check_input(path, limits.MESH_BYTES, ScenarioError)  # a FIFO would block trimesh forever
    try:
        mesh = trimesh.load(path, force="mesh", process=False)
    except Exception as exc:  # a corrupt file: one line naming it, never a traceback
        raise ScenarioError([Problem(path, None, f"cannot read this mesh: {exc}")]) from None
    return np.asarray(mesh.vertices, float), np.asarray(mesh.faces, int)


def _rgb(text: str) -> tuple[float, float, float]:
    text = text.lstrip("#")
    return tuple(int(text[k:k + 2], 16) / 255.0 for k in (0, 2, 4))


def rotation(degrees) -> np.ndarray:
    """Turn about x, then y, then z (axes of the frame the prop is placed in)."""
    out = np.eye(3)
    for axis, angle in enumerate(degrees):
        a = np.radians(angle)
        c, s = np.cos(a), np.sin(a)
        i, j = [k for k in range(3) if k != axis]
        turn = np.eye(3)
        turn[i, i], turn[i, j], turn[j, i], turn[j, j] = c, -s, s, c
        out = turn @ out
    return out


def _local(spec: PropSpec) -> np.ndarray:
    T = np.eye(4)
    T[:3, :3] = rotation(spec.rotate)
    T[:3, 3] = spec.offset
    return T


def between(a: np.ndarray, b: np.ndarray, fallback_up: np.ndarray) -> np.ndarray:
    """Frames (..., 4, 4) centred between points a and b, x along a→b, z as close to world up as possible."""
    x = b - a
    x = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)
    up = np.broadcast_to(np.array([0.0, 0.0, 1.0]), x.shape).copy()
    steep = np.abs(np.sum(x * up, axis=-1)) > 0.99  # a vertical pair: borrow the first body's up
    up[steep] = np.broadcast_to(fallback_up, x.shape)[steep]
    z = up - np.sum(up * x, axis=-1, keepdims=True) * x
    z /= np.linalg.norm(z, axis=-1, keepdims=True)
    y = np.cross(z, x)
    out = np.zeros(x.shape[:-1] + (4, 4))
    out[..., :3, 0], out[..., :3, 1], out[..., :3, 2] = x, y, z
    out[..., :3, 3] = (a + b) / 2
    out[..., 3, 3] = 1.0
    return out


class Props:
    """The scenario's props bound to its kinematics: meshes, and a 4×4 transform per prop per frame."""

    def __init__(self, kin):
        scenario, model = kin.scenario, kin.model
        self.specs: list[PropSpec] = list(getattr(scenario, "props", []) or [])
        problems = check_props(scenario, model) if self.specs else []
        if problems:
            raise ScenarioError(problems)
        known = prop_catalogue()
        self.meshes = []
        for spec in self.specs:
            file = mesh_path(spec.mesh, scenario.base_dir)
            note_read(file)  # read once per process (cached), an input of every run that draws it
            path = str(file)
            vertices, faces = _read_mesh(path)
            entry = known.get(spec.mesh, {}) if spec.mesh in known else {}
            colour = spec.colour or entry.get("colour", DEFAULT_COLOUR)
            parts = None if spec.colour else part_colours(path, entry.get("parts") or {}, len(faces))
            self.meshes.append(PropMesh(spec.mesh, vertices, faces, _rgb(colour), parts))
        self._riding = [tuple(model.body_id(b) for b in s.ride) for s in self.specs]
        self._local = [_local(s) for s in self.specs]
        self._still = {}  # prop index → its world transform, for props that do not ride
        first = kin.sample([0.0]) if self.specs else None
        for p, spec in enumerate(self.specs):
            if spec.ride:
                continue
            base = np.eye(4)
            if spec.at:
                ids = [model.body_id(b) for b in spec.at]
                pos = first.body_pos[0, ids]
                if len(ids) == 2:
                    base = between(pos[0], pos[1], first.body_mat[0, ids[0]][:, 2])
                else:  # world axes at the body's starting place: 'below' stays below
                    base[:3, 3] = pos[0]
            self._still[p] = base @ self._local[p]

    def __len__(self) -> int:
        return len(self.specs)

    def transforms(self, frames, i: int) -> np.ndarray:
        """(P, 4, 4) world transform of every prop in frame i of a sampled batch."""
        out = np.empty((len(self.specs), 4, 4))
        for p, bodies in enumerate(self._riding):
            if p in self._still:
                out[p] = self._still[p]
                continue
            pos, mat = frames.body_pos[i, list(bodies)], frames.body_mat[i, list(bodies)]
            if len(bodies) == 2:
                base = between(pos[0], pos[1], mat[0][:, 2])
            else:
                base = np.eye(4)
                base[:3, :3], base[:3, 3] = mat[0], pos[0]
            out[p] = base @ self._local[p]
        return out

    def world_vertices(self, p: int, transform: np.ndarray) -> np.ndarray:
        return self.meshes[p].vertices @ transform[:3, :3].T + transform[:3, 3]

    def floor_level(self) -> float:
        """Height of the floor: 0, or lower when a still prop (bench legs, a bar's frame) reaches below."""
        lows = [self.world_vertices(p, T)[:, 2].min() for p, T in self._still.items()]
        return float(min([0.0] + lows))

    def points(self, frames, every: int = 1) -> np.ndarray:
        """Prop vertices in the world over a batch (subsampled): what the camera should keep in view."""
        out = [np.zeros((0, 3))]
        for i in range(0, len(frames), every):
            for p, T in enumerate(self.transforms(frames, i)):
                if p in self._still and i > 0:
                    continue  # a still prop is the same in every frame
                out.append(self.world_vertices(p, T))
        return np.concatenate(out)
