"""Our own model file (YAML): bones as mesh files, hinge/slide joints, muscles as path points.

A teacher's scanned bones or a simplified teaching model become a MuJoCo model through
MjSpec, so kinematics, scenarios, colouring, the app and exports work unchanged. Every
problem names the file, the line and the key (docs/models.md describes the format).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mujoco
import numpy as np

from ..base.catalogue import AliasSpec, GroupInfo, LandmarkSpec, ModelEntry
from ..base.errors import ModelError, Problem, ScenarioError, ViewerError, suggest
from ..base.quiet import quiet_compile
from ..base.yamlsrc import ProblemCollector, read_yaml

FORMAT = 1
UNITS = {"m": 1.0, "cm": 0.01, "mm": 0.001}
MESH_SUFFIXES = (".obj", ".stl", ".ply", ".glb", ".gltf", ".off")
JOINT_TYPES = {"hinge": mujoco.mjtJoint.mjJNT_HINGE, "slide": mujoco.mjtJoint.mjJNT_SLIDE}
TOP_KEYS = ("format", "title", "units", "root", "bodies", "muscles", "groups", "aliases", "landmarks")
BODY_KEYS = ("name", "parent", "pos", "euler", "joint", "joints", "mesh", "meshes")
JOINT_KEYS = ("name", "type", "axis", "range", "pos")
MESH_KEYS = ("file", "scale", "pos", "euler")
MUSCLE_KEYS = ("name", "lay_name", "side", "group", "max_force", "optimal_fibre_length", "tendon_slack_length",
               "path")
FIBRE_RANGE = (0.75, 1.05)  # MuJoCo's default muscle range, in optimal fibre lengths
POINT_KEYS = ("body", "pos")
WORLD = "world"


@dataclass
class NativeModel:
    mj: mujoco.MjModel
    entry: ModelEntry  # lay names, groups, aliases, landmarks of this model
    title: str


class _Reader(ProblemCollector):
    """Typed reads of model values: vectors, numbers, lists."""

    def vector(self, value, path: tuple, n: int = 3, default=None) -> np.ndarray | None:
        if value is None:
            return None if default is None else np.array(default, float)
        ok = isinstance(value, list) and len(value) == n and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) for v in value)
        if not ok:
            self.add(path, f"'{path[-1]}' must be a list of {n} numbers, like {list(np.zeros(n, int))}")
            return None
        return np.array(value, float)

    def number(self, value, path: tuple, default: float, positive: bool = False) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) \
                or (positive and value <= 0):
            self.add(path, f"'{path[-1]}' must be a {'positive ' if positive else ''}number")
            return default
        return float(value)

    def listing(self, value, path: tuple) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"'{path[-1]}' must be a list")
            return []
        return value


def _euler_quat(euler: np.ndarray | None) -> np.ndarray:
    quat = np.array([1.0, 0, 0, 0])
    if euler is not None:
        mujoco.mju_euler2Quat(quat, np.radians(euler), "xyz")
    return quat


def _load_mesh(path: Path, scale: float):
    """Vertices and triangles of a mesh file through trimesh; None and a reason on failure."""
    import trimesh

    from ..base import limits
    from ..base.files import check_input

    try:
        check_input(path, limits.MESH_BYTES)  # a FIFO would block trimesh forever
        mesh = trimesh.load(str(path), force="mesh")
    except ViewerError as exc:
        return None, f"mesh file '{path.name}' {exc.problems[0].message}"
    except Exception as exc:  # trimesh raises many kinds for corrupt files
        return None, f"cannot read mesh file '{path.name}' ({type(exc).__name__})"
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        return None, f"mesh file '{path.name}' has no triangles"
    return (np.asarray(mesh.vertices, float) * scale, np.asarray(mesh.faces, int)), None


def read_native(path: str | Path) -> NativeModel:
    """Read and compile a native model file, or raise ModelError with every problem found."""
    path = Path(path)
    try:
        src = read_yaml(path)
    except ScenarioError as exc:  # the same YAML reader: its problems are model problems here
        raise ModelError(exc.problems) from None
    r = _Reader(src)
    data = src.data
    if not isinstance(data, dict):
        raise ModelError([Problem(src.file, 1, "a model file must be a mapping with 'bodies' and 'muscles'")])
    r.keys(data, TOP_KEYS, (), "the model")
    if data.get("format", FORMAT) != FORMAT:
        r.add(("format",), f"model format {data.get('format')} is not supported: this version reads format {FORMAT}")
    unit = data.get("units", "m")
    if unit not in UNITS:
        r.add(("units",), f"'units' must be one of {', '.join(UNITS)}, not '{unit}'")
        unit = "m"
    scale = UNITS[unit]

    spec = mujoco.MjSpec()
    spec.compiler.degree = False  # every angle handed to the spec below is in radians
    spec.modelname = str(data.get("title", path.stem))
    bodies = _read_bodies(r, data, path.parent, scale, spec)
    muscles = _read_muscles(r, data, bodies, scale, spec)
    entry_extras = _read_named_sections(r, data, bodies, scale)
    if r.problems:
        raise ModelError(r.problems)
    try:
        mj = quiet_compile(spec.compile)  # MuJoCo's own WARNING lines would precede our message
    except Exception as exc:
        raise ModelError([Problem(src.file, None, f"MuJoCo could not build this model: "
                                                  f"{' '.join(str(exc).split())}")]) from None
    groups, aliases, landmarks = entry_extras
    joints = {mujoco.mj_id2name(mj, mujoco.mjtObj.mjOBJ_JOINT, j) for j in range(mj.njnt)}
    bad = [Problem(src.file, src.line("aliases", name), f"alias '{name}' names unknown joint '{j}'"
                   f"{suggest(str(j), joints)}") for name, a in aliases.items() for j in a.joints if j not in joints]
    if bad:
        raise ModelError(bad)
    entry = ModelEntry(key=str(path), title=str(data.get("title", path.stem)), source={"file": str(path)},
                       root_body=bodies[0]["name"] if data.get("root") == "free" and bodies else None,
                       bone_groups=(0,), muscles=muscles, aliases=aliases, landmarks=landmarks, groups=groups)
    return NativeModel(mj, entry, entry.title)


def _read_bodies(r: _Reader, data: dict, folder: Path, scale: float, spec) -> list[dict]:
    raw = r.listing(data.get("bodies"), ("bodies",))
    if not raw:
        r.add(("bodies",), "a model needs at least one body under 'bodies'")
        return []
    from ..base import limits

    if len(raw) > limits.MODEL_BODIES:  # MuJoCo's compile grows faster than the bodies: refused before it
        r.add(("bodies",), f"{len(raw):,} bodies; models of at most {limits.MODEL_BODIES:,} are read "
                           f"(MyoFullBody has about 100)")
        return []
    entries = []
    for i, b in enumerate(raw):
        path = ("bodies", i)
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            r.add(path, f"body {i + 1} needs a 'name'")
            continue
        r.keys(b, BODY_KEYS, path, f"body '{b['name']}'")
        entries.append((i, b))
    seen = set()
    for i, b in entries:
        if b["name"] in seen or b["name"] == WORLD:
            r.add(("bodies", i, "name"), f"body name '{b['name']}' is used twice")
        seen.add(b["name"])
    parent_of = {b["name"]: b.get("parent", WORLD) for _, b in entries}
    for i, b in entries:
        parent = parent_of[b["name"]]
        if parent != WORLD and parent not in parent_of:
            r.add(("bodies", i, "parent"), f"body '{b['name']}' has unknown parent '{parent}'"
                                           f"{suggest(str(parent), list(parent_of) + [WORLD])}")
    order = _parents_first(r, entries, parent_of)
    built: dict[str, object] = {WORLD: spec.worldbody}
    out = []
    free = data.get("root") == "free"
    if data.get("root") not in (None, "free", "fixed"):
        r.add(("root",), "'root' must be 'free' (the body can be placed and anchored) or 'fixed'")
    for i, b in order:
        path = ("bodies", i)
        parent = built.get(parent_of[b["name"]])
        if parent is None:
            continue
        pos = r.vector(b.get("pos"), path + ("pos",), default=[0, 0, 0])
        body = parent.add_body(name=b["name"], pos=(pos if pos is not None else np.zeros(3)) * scale,
                               quat=_euler_quat(r.vector(b.get("euler"), path + ("euler",))))
        built[b["name"]] = body
        if free and not out:
            body.add_freejoint(name="root")
        joints = b.get("joints", [b["joint"]] if "joint" in b else [])
        for k, j in enumerate(r.listing(joints, path + ("joints",))):
            _add_joint(r, body, j, path + (("joints", k) if "joints" in b else ("joint",)), scale)
        meshes = b.get("meshes", [b["mesh"]] if "mesh" in b else [])
        for k, m in enumerate(r.listing(meshes, path + ("meshes",))):
            _add_mesh(r, spec, body, m, path + (("meshes", k) if "meshes" in b else ("mesh",)), folder, scale,
                      f"{b['name']}_mesh{k}")
        # A small inertia keeps MuJoCo's compiler happy for bodies without meshes.
        body.mass, body.inertia = 1.0, [1e-3, 1e-3, 1e-3]
        body.explicitinertial = True
        out.append({"name": b["name"], "body": body})
    return out


def _parents_first(r: _Reader, entries: list, parent_of: dict) -> list:
    """Bodies ordered so each parent comes before its children; a cycle is an error."""
    placed, order, pending = {WORLD}, [], list(entries)
    while pending:
        ready = [(i, b) for i, b in pending if parent_of[b["name"]] in placed or parent_of[b["name"]] not in parent_of]
        if not ready:
            i, b = pending[0]
            chain, name = [b["name"]], parent_of[b["name"]]
            while name not in chain and name in parent_of:
                chain.append(name)
                name = parent_of[name]
            r.add(("bodies", i, "parent"), f"bodies form a cycle: {' → '.join(chain + [name])}; "
                                           f"one of them must hang from 'world' or another body")
            return order
        for item in ready:
            placed.add(item[1]["name"])
            order.append(item)
            pending.remove(item)
    return order


def _add_joint(r: _Reader, body, j, path: tuple, scale: float) -> None:
    if not isinstance(j, dict) or not isinstance(j.get("name"), str):
        r.add(path, "a joint needs a 'name'")
        return
    r.keys(j, JOINT_KEYS, path, f"joint '{j['name']}'")
    kind = j.get("type", "hinge")
    if kind not in JOINT_TYPES:
        r.add(path + ("type",), f"joint type must be hinge or slide, not '{kind}'{suggest(str(kind), JOINT_TYPES)}")
        return
    axis = r.vector(j.get("axis"), path + ("axis",), default=[0, 1, 0])
    if axis is None or not np.linalg.norm(axis):
        r.add(path + ("axis",), "a joint axis must not be zero")
        return
    pos = r.vector(j.get("pos"), path + ("pos",), default=[0, 0, 0])
    joint = body.add_joint(name=j["name"], type=JOINT_TYPES[kind], axis=axis,
                           pos=(pos if pos is not None else np.zeros(3)) * scale)
    if "range" in j:
        rng = r.vector(j["range"], path + ("range",), n=2)
        if rng is not None and rng[0] >= rng[1]:
            r.add(path + ("range",), f"joint range must go from low to high, not {list(rng)}")
        elif rng is not None:
            joint.range = np.radians(rng) if kind == "hinge" else rng * scale
            joint.limited = mujoco.mjtLimited.mjLIMITED_TRUE


def _add_mesh(r: _Reader, spec, body, m, path: tuple, folder: Path, scale: float, name: str) -> None:
    if isinstance(m, str):
        m = {"file": m}
    if not isinstance(m, dict) or not isinstance(m.get("file"), str):
        r.add(path, "a mesh needs a 'file' (OBJ, STL, PLY or GLB, relative to the model file)")
        return
    r.keys(m, MESH_KEYS, path, "mesh")
    file = folder / m["file"]
    if file.suffix.lower() not in MESH_SUFFIXES:
        r.add(path + ("file",), f"mesh file '{m['file']}' is not OBJ, STL, PLY or GLB")
        return
    if not file.exists():
        r.add(path + ("file",), f"mesh file '{m['file']}' not found (looked in {folder})")
        return
    if file.is_file() and file.stat().st_size == 0:  # a FIFO has no size either: _load_mesh refuses it
        r.add(path + ("file",), f"mesh file '{m['file']}' is empty")
        return
    loaded, why = _load_mesh(file, scale * r.number(m.get("scale"), path + ("scale",), 1.0, positive=True))
    if loaded is None:
        r.add(path + ("file",), why)
        return
    verts, faces = loaded
    spec.add_mesh(name=name, uservert=verts.ravel().tolist(), userface=faces.ravel().tolist())
    pos = r.vector(m.get("pos"), path + ("pos",), default=[0, 0, 0])
    body.add_geom(type=mujoco.mjtGeom.mjGEOM_MESH, meshname=name, group=0,
                  pos=(pos if pos is not None else np.zeros(3)) * scale,
                  quat=_euler_quat(r.vector(m.get("euler"), path + ("euler",))), contype=0, conaffinity=0)


def _read_muscles(r: _Reader, data: dict, bodies: list, scale: float, spec) -> dict:
    """Muscles as sites along a spatial tendon, with an actuator carrying the max force."""
    by_name = {b["name"]: b["body"] for b in bodies}
    out = {}
    for i, m in enumerate(r.listing(data.get("muscles"), ("muscles",))):
        path = ("muscles", i)
        if not isinstance(m, dict) or not isinstance(m.get("name"), str):
            r.add(path, f"muscle {i + 1} needs a 'name'")
            continue
        name = m["name"]
        r.keys(m, MUSCLE_KEYS, path, f"muscle '{name}'")
        if name in out:
            r.add(path + ("name",), f"muscle name '{name}' is used twice")
            continue
        points = r.listing(m.get("path"), path + ("path",))
        if len(points) < 2:
            r.add(path + ("path",), f"muscle '{name}' needs a path of at least two points (origin and insertion)")
            continue
        tendon = spec.add_tendon(name=f"{name}_tendon")
        for k, p in enumerate(points):
            ppath = path + ("path", k)
            if not isinstance(p, dict):
                r.add(ppath, "a path point is {body: NAME, pos: [x, y, z]}")
                continue
            r.keys(p, POINT_KEYS, ppath, "path point")
            body = by_name.get(p.get("body"))
            if body is None:
                r.add(ppath + ("body",), f"muscle '{name}' point {k + 1} is on unknown body '{p.get('body')}'"
                                         f"{suggest(str(p.get('body')), by_name)}")
                continue
            pos = r.vector(p.get("pos"), ppath + ("pos",), default=[0, 0, 0])
            site = f"{name}_p{k}"
            body.add_site(name=site, pos=(pos if pos is not None else np.zeros(3)) * scale, group=4)
            tendon.wrap_site(site)
        actuator = spec.add_actuator(name=name, trntype=mujoco.mjtTrn.mjTRN_TENDON, target=f"{name}_tendon")
        force = r.number(m.get("max_force"), path + ("max_force",), 300.0, positive=True)
        actuator.gainprm = [1.0, 0, force] + [0] * 7  # gainprm[2] is where muscle-viewer reads strength
        fibre = r.number(m.get("optimal_fibre_length"), path + ("optimal_fibre_length",), 0.0, positive=True) * scale
        slack = r.number(m.get("tendon_slack_length"), path + ("tendon_slack_length",), 0.0) * scale
        if slack < 0:
            r.add(path + ("tendon_slack_length",), "'tendon_slack_length' must be 0 or more")
        if fibre > 0:  # stored as MuJoCo stores a muscle's: lengthrange = LT + range · L0 (core/shape/muscle_shape)
            actuator.gainprm = [*FIBRE_RANGE, force] + [0] * 7
            actuator.lengthrange = [slack + FIBRE_RANGE[0] * fibre, slack + FIBRE_RANGE[1] * fibre]
        side = m.get("side", "")
        out[name] = {"name": m.get("lay_name", name), "side": side if side in ("right", "left") else "",
                     "group": m.get("group", "other")}
    return out


def _read_named_sections(r: _Reader, data: dict, bodies: list, scale: float):
    """groups, aliases and landmarks of this model, in the catalogue's own shapes."""
    body_names = [b["name"] for b in bodies]
    groups = {}
    for name, g in (data.get("groups") or {}).items():
        g = g if isinstance(g, dict) else {}
        groups[name] = GroupInfo(name, str(g.get("colour", "#999999")), str(g.get("about", "")))
    aliases = {}
    for name, a in (data.get("aliases") or {}).items():
        if not isinstance(a, dict) or not isinstance(a.get("joints"), dict):
            r.add(("aliases", name), f"alias '{name}' needs 'joints: {{joint: 1}}' (1 or -1: the sign)")
            continue
        aliases[name] = AliasSpec(name, dict(a["joints"]), dict(a.get("with", {})), str(a.get("about", "")))
    landmarks = {}
    for name, lm in (data.get("landmarks") or {}).items():
        if not isinstance(lm, dict) or lm.get("body") not in body_names:
            body = lm.get("body") if isinstance(lm, dict) else None
            r.add(("landmarks", name), f"landmark '{name}' is on unknown body '{body}'{suggest(str(body), body_names)}")
            continue
        pos = r.vector(lm.get("pos"), ("landmarks", name, "pos"), default=[0, 0, 0])
        landmarks[name] = LandmarkSpec(name, lm["body"], tuple((pos if pos is not None else np.zeros(3)) * scale),
                                       str(lm.get("about", "")))
    return groups, aliases, landmarks
