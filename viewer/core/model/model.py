"""Load a model (catalogue name or MuJoCo file) and describe it in the app's terms.

A Model wraps the compiled MjModel with what a user sees: muscles with lay names and
groups, poseable joints with ranges in degrees, flexion-positive aliases, landmarks on the
bones, and the coupled joints that follow others (DESIGN §4).
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import mujoco
import numpy as np

from ..base.catalogue import AliasSpec, GroupInfo, ModelEntry, load_catalogue
from ..base.files import atomic_write
from ..base.errors import ModelError, Problem, ViewerError, display_path, suggest
from .native import read_native
from ..base.quiet import quiet_compile as _quiet_compile
from ..base.paths import cache_dir

OBJ = mujoco.mjtObj
HINGE, SLIDE = int(mujoco.mjtJoint.mjJNT_HINGE), int(mujoco.mjtJoint.mjJNT_SLIDE)
OTHER_GROUP = "other"


@dataclass(frozen=True)
class Muscle:
    index: int  # position in Model.muscles, the column order of every per-muscle array
    name: str  # the model's own name (CSV column)
    lay_name: str  # "Psoas major"
    side: str  # "right" | "left" | ""
    group: str
    tendon: int
    max_force: float  # newtons, for tube thickness
    origin_tendon: float = 0.5  # share of the tendon drawn at the path's origin end (catalogue)
    belly_reach: float = 0.0  # share of the belly drawn back past the path's origin point (catalogue)

    @property
    def label(self) -> str:
        return f"{self.lay_name}, {self.side}" if self.side else self.lay_name


@dataclass(frozen=True)
class Joint:
    name: str
    kind: str  # "hinge" (degrees) | "slide" (metres)
    qposadr: int
    dofadr: int
    lower: float  # in user units
    upper: float
    limited: bool
    driver: str | None  # joint this one follows through an equality constraint
    neutral: float = 0.0  # value in the model's neutral pose, model units

    @property
    def unit(self) -> str:
        return "°" if self.kind == "hinge" else " m"

    def to_model(self, value: float) -> float:
        return float(np.radians(value)) if self.kind == "hinge" else float(value)

    def to_user(self, value):
        return np.degrees(value) if self.kind == "hinge" else value


@dataclass(frozen=True)
class Landmark:
    name: str
    body: int
    pos: np.ndarray
    about: str


@dataclass(frozen=True)
class Coupling:
    """q[dep] = q0[dep] + Σ c_k (q[ind] − q0[ind])^k; ind = -1 holds dep at q0[dep] + c_0."""

    dep: int  # qpos address
    ind: int
    coef: np.ndarray  # 5 coefficients
    dep_dof: int
    ind_dof: int


class Model:
    backend = "mujoco"
    inputs: dict = {}  # (device, inode) → name of each file read to build it (binding fills it in)

    def __init__(self, mj: mujoco.MjModel, key: str, title: str, entry: ModelEntry | None, name: str | None = None):
        self.mj = mj
        self.key = key
        self.name = name or key  # what messages call it: the catalogue name or the path as typed
        self.title = title
        catalogue = load_catalogue()
        self.joints = self._read_joints()
        self.couplings = self._read_couplings()
        for c in self.couplings:  # mark followers
            name = self._joint_at_qpos[c.dep]
            driver = self._joint_at_qpos.get(c.ind) if c.ind >= 0 else None
            j = self.joints[name]
            self.joints[name] = Joint(j.name, j.kind, j.qposadr, j.dofadr, j.lower, j.upper, j.limited,
                                      driver or "(held fixed)", j.neutral)
        self.muscles = self._read_muscles(entry)
        own = entry if entry is not None else ModelEntry("", "", {}, None, ())
        self.groups = self._read_groups({**catalogue.groups, **own.groups})
        known = set(self.joints)
        self.aliases: dict[str, AliasSpec] = {
            name: a for name, a in {**catalogue.aliases, **own.aliases}.items()
            if set(a.joints) | set(a.with_) <= known
        }
        self.landmarks = {}
        for name, spec in {**catalogue.landmarks, **own.landmarks}.items():
            body = mujoco.mj_name2id(mj, OBJ.mjOBJ_BODY, spec.body)
            if body >= 0:
                self.landmarks[name] = Landmark(name, body, np.array(spec.pos, float), spec.about)
        root = entry.root_body if entry else None
        self.root_body = self._find_root(root)
        trunk = entry.trunk if entry else ()
        self.trunk_bodies = {b for b in (self.body_id(n) for n in trunk) if b >= 0}
        self.bone_geoms = self._find_bones(entry)

    # --- reading the MjModel -------------------------------------------------------------
    def _read_joints(self) -> dict[str, Joint]:
        mj = self.mj
        joints = {}
        self._joint_at_qpos = {}
        for j in range(mj.njnt):
            kind = int(mj.jnt_type[j])
            if kind not in (HINGE, SLIDE):
                continue
            name = mujoco.mj_id2name(mj, OBJ.mjOBJ_JOINT, j) or f"joint{j}"
            lo, hi = mj.jnt_range[j]
            limited = bool(mj.jnt_limited[j]) if hasattr(mj, "jnt_limited") else bool(lo < hi)
            if kind == HINGE:
                lo, hi = np.degrees(lo), np.degrees(hi)
            joints[name] = Joint(name, "hinge" if kind == HINGE else "slide", int(mj.jnt_qposadr[j]),
                                 int(mj.jnt_dofadr[j]), float(lo), float(hi), limited and lo < hi, None,
                                 float(mj.qpos0[mj.jnt_qposadr[j]]))
            self._joint_at_qpos[int(mj.jnt_qposadr[j])] = name
        return joints

    def _read_couplings(self) -> list[Coupling]:
        mj = self.mj
        out = []
        for e in range(mj.neq):
            if int(mj.eq_type[e]) != int(mujoco.mjtEq.mjEQ_JOINT):
                continue
            if hasattr(mj, "eq_active0") and not mj.eq_active0[e]:
                continue
            j1, j2 = int(mj.eq_obj1id[e]), int(mj.eq_obj2id[e])
            ind = int(mj.jnt_qposadr[j2]) if j2 >= 0 else -1
            out.append(Coupling(int(mj.jnt_qposadr[j1]), ind, np.array(mj.eq_data[e, :5], float),
                                int(mj.jnt_dofadr[j1]), int(mj.jnt_dofadr[j2]) if j2 >= 0 else -1))
        # A follower of a follower must be computed after its driver.
        order = {c.dep: i for i, c in enumerate(out)}
        def depth(c, seen=()):
            return 0 if c.ind not in order or c.ind in seen else 1 + depth(out[order[c.ind]], seen + (c.dep,))
        return sorted(out, key=depth)

    def _read_muscles(self, entry: ModelEntry | None) -> list[Muscle]:
        mj = self.mj
        info = entry.muscles if entry else {}
        pairs = []  # (name, tendon, max_force)
        tendon_trn = int(mujoco.mjtTrn.mjTRN_TENDON)
        for a in range(mj.nu):
            if int(mj.actuator_trntype[a]) == tendon_trn:
                name = mujoco.mj_id2name(mj, OBJ.mjOBJ_ACTUATOR, a) or f"muscle{a}"
                force = float(mj.actuator_gainprm[a, 2])
                pairs.append((name, int(mj.actuator_trnid[a, 0]), force if force > 0 else 100.0))
        if not pairs:  # a model with tendons but no actuators: its spatial tendons are the muscles
            spatial = int(mujoco.mjtWrap.mjWRAP_SITE)
            for t in range(mj.ntendon):
                if mj.tendon_num[t] and int(mj.wrap_type[mj.tendon_adr[t]]) == spatial:
                    pairs.append((mujoco.mj_id2name(mj, OBJ.mjOBJ_TENDON, t) or f"tendon{t}", t, 100.0))
        muscles = []
        for i, (name, tendon, force) in enumerate(pairs):
            d = info.get(name, {})
            muscles.append(Muscle(i, name, d.get("name", name), d.get("side", ""), d.get("group", OTHER_GROUP),
                                  tendon, force, float(d.get("origin_tendon", 0.5)),
                                  float(d.get("belly_reach", 0.0))))
        return muscles

    def _read_groups(self, known: dict[str, GroupInfo]) -> dict[str, GroupInfo]:
        present = {m.group for m in self.muscles}
        groups = {name: g for name, g in known.items() if name in present}
        for name in sorted(present - set(groups)):  # a group only a model file names
            about = "Muscles without a group in the catalogue" if name == OTHER_GROUP else ""
            groups[name] = GroupInfo(name, "#999999", about)
        return groups

    def _find_root(self, name: str | None) -> int | None:
        mj = self.mj
        if name:
            body = mujoco.mj_name2id(mj, OBJ.mjOBJ_BODY, name)
            if body >= 0:
                return body
        free = int(mujoco.mjtJoint.mjJNT_FREE)
        for j in range(mj.njnt):
            if int(mj.jnt_type[j]) == free and mj.body_parentid[mj.jnt_bodyid[j]] == 0:
                return int(mj.jnt_bodyid[j])
        return None

    def _find_bones(self, entry: ModelEntry | None) -> np.ndarray:
        """Visual geoms to draw as bones. Catalogue and native models: their mesh geoms. A bare
        MuJoCo file: every visible mesh or solid primitive that no tendon wraps around."""
        mj = self.mj
        visible = np.isin(mj.geom_group, entry.bone_groups if entry else (0, 1, 2))
        if entry is not None:
            return np.flatnonzero(visible & (mj.geom_type == int(mujoco.mjtGeom.mjGEOM_MESH)))
        wrapped = set(mj.wrap_objid[np.isin(mj.wrap_type, [int(mujoco.mjtWrap.mjWRAP_SPHERE),
                                                           int(mujoco.mjtWrap.mjWRAP_CYLINDER)])].tolist())
        drawable = np.isin(mj.geom_type, [int(t) for t in _PRIMITIVES] + [int(mujoco.mjtGeom.mjGEOM_MESH)])
        return np.array([g for g in np.flatnonzero(visible & drawable) if g not in wrapped], dtype=int)

    # --- lookups ----------------------------------------------------------------------------
    @cached_property
    def muscle_index(self) -> dict[str, int]:
        return {m.name: m.index for m in self.muscles}

    @cached_property
    def shapes(self):
        """Fibre, tendon and force parameters of every muscle (core/shape/muscle_shape.MuscleShapes)."""
        from .muscle_params import muscle_shapes

        return muscle_shapes(self)

    @cached_property
    def tendon_ids(self) -> np.ndarray:
        return np.array([m.tendon for m in self.muscles], dtype=int)

    @cached_property
    def poseable(self) -> dict[str, Joint]:
        """Joints a scenario may set: hinge and slide joints that follow no other joint."""
        return {n: j for n, j in self.joints.items() if j.driver is None}

    def body_id(self, name: str) -> int:
        return mujoco.mj_name2id(self.mj, OBJ.mjOBJ_BODY, name)

    def body_name(self, body: int) -> str:
        return mujoco.mj_id2name(self.mj, OBJ.mjOBJ_BODY, body) or f"body{body}"

    @cached_property
    def body_names(self) -> list[str]:
        return [self.body_name(b) for b in range(1, self.mj.nbody)]

    def muscles_in(self, group: str) -> list[Muscle]:
        return [m for m in self.muscles if m.group == group]

    def kinematics(self, scenario):
        """This model's kinematics for a scenario (OpenSim models provide their own)."""
        from ..motion.kinematics import Kinematics

        return Kinematics(self, scenario)

    def bone_mesh(self, geom: int) -> tuple[np.ndarray, np.ndarray]:
        """Vertices (in the geom's frame) and triangles of one bone geom (mesh or primitive)."""
        mj = self.mj
        if int(mj.geom_type[geom]) != int(mujoco.mjtGeom.mjGEOM_MESH):
            return _primitive_mesh(int(mj.geom_type[geom]), np.array(mj.geom_size[geom]))
        mesh = int(mj.geom_dataid[geom])
        v0, nv = int(mj.mesh_vertadr[mesh]), int(mj.mesh_vertnum[mesh])
        f0, nf = int(mj.mesh_faceadr[mesh]), int(mj.mesh_facenum[mesh])
        return np.array(mj.mesh_vert[v0:v0 + nv]), np.array(mj.mesh_face[f0:f0 + nf])

    def bone_body(self, geom: int) -> int:
        """The body a bone geom is fixed to."""
        return int(self.mj.geom_bodyid[geom])

    def bone_geom_name(self, geom: int) -> str:
        return mujoco.mj_id2name(self.mj, OBJ.mjOBJ_GEOM, geom) or self.body_name(int(self.mj.geom_bodyid[geom]))


_PRIMITIVES = (mujoco.mjtGeom.mjGEOM_SPHERE, mujoco.mjtGeom.mjGEOM_CAPSULE, mujoco.mjtGeom.mjGEOM_ELLIPSOID,
               mujoco.mjtGeom.mjGEOM_CYLINDER, mujoco.mjtGeom.mjGEOM_BOX)


def _primitive_mesh(kind: int, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Triangles for a MuJoCo primitive in its own frame (MuJoCo sizes are half-lengths)."""
    import trimesh

    G = mujoco.mjtGeom
    if kind == int(G.mjGEOM_CAPSULE):
        mesh = trimesh.creation.capsule(height=2 * size[1], radius=size[0], count=[16, 16])
    elif kind == int(G.mjGEOM_CYLINDER):
        mesh = trimesh.creation.cylinder(radius=size[0], height=2 * size[1], sections=24)
    elif kind == int(G.mjGEOM_BOX):
        mesh = trimesh.creation.box(extents=2 * size[:3])
    else:  # sphere, ellipsoid
        mesh = trimesh.creation.icosphere(subdivisions=2, radius=1.0)
        mesh.vertices *= size[:3] if kind == int(G.mjGEOM_ELLIPSOID) else size[0]
    return np.asarray(mesh.vertices, float), np.asarray(mesh.faces, int)


# --- loading with a compiled-model cache ----------------------------------------------------------
def _compile_myo_sim(name: str) -> mujoco.MjModel:
    import myo_sim

    key = hashlib.sha1(f"{name}|{myo_sim.__version__}|{mujoco.__version__}".encode()).hexdigest()[:16]
    cached = cache_dir() / f"{name}-{key}.mjb"
    if cached.exists():
        try:
            return _quiet_compile(lambda: mujoco.MjModel.from_binary_path(str(cached)))
        except Exception:  # a corrupt or foreign cache file: rebuild it
            pass
    mj = _quiet_compile(lambda: myo_sim.load_model(name))
    with contextlib.suppress(OSError, ViewerError):  # a read-only home only costs speed
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, lambda tmp: mujoco.mj_saveModel(mj, tmp, None))
    return mj


def _compile_file(path: Path, shown: str) -> mujoco.MjModel:
    if not path.exists():
        raise ModelError([Problem(shown, None, "model file not found")])
    if path.suffix.lower() == ".xml":
        _check_size(path, shown)
    else:  # a FIFO would block MuJoCo's reader forever
        from ..base import limits
        from ..base.files import check_input

        check_input(path, limits.MODEL_BYTES, ModelError, shown)
    try:
        if path.suffix.lower() == ".mjb":
            return _quiet_compile(lambda: mujoco.MjModel.from_binary_path(str(path)))
        return _quiet_compile(lambda: mujoco.MjModel.from_xml_path(str(path)))
    except Exception as exc:
        raise ModelError([mujoco_problem(shown, str(exc))]) from None


def _check_size(path: Path, shown: str) -> None:
    """Refuse a model MuJoCo would take minutes to compile (a 3,000-body chain) before it starts."""
    from ..base import limits
    from ..base.files import read_user_text

    text = read_user_text(path, limits.MODEL_BYTES, ModelError)
    bodies = len(re.findall(r"<body[\s>/]", text))
    if bodies > limits.MODEL_BODIES:
        line = text.count("\n", 0, [m.start() for m in re.finditer(r"<body[\s>/]", text)][limits.MODEL_BODIES]) + 1
        raise ModelError([Problem(shown, line, f"{bodies:,} bodies; models of at most {limits.MODEL_BODIES:,} "
                                               f"are read (MyoFullBody has about 100)")])


def mujoco_problem(shown: str, message: str) -> Problem:
    """MuJoCo's whole message on one line, its 'line N' as the problem's line:
    "XML Error: Error: repeated name 'a' in body / Element 'body', line 6" →
    "model.xml:6: cannot load this MuJoCo model: repeated name 'a' in body (element 'body')"."""
    text = " ".join(message.split())
    where = re.search(r"Element '([^']*)', line (\d+)", text)
    line = int(where.group(2)) if where else None
    if where:
        text = (text[:where.start()] + text[where.end():]).strip()
    text = re.sub(r"^(XML Error:\s*)?(Error:\s*)?", "", text).strip(" .:") or "MuJoCo refused it"
    if where:
        text += f" (element '{where.group(1)}')"
    return Problem(shown, line, f"cannot load this MuJoCo model: {text}")


NATIVE_SUFFIXES = (".yaml", ".yml")
MODEL_SUFFIXES = (".xml", ".mjb", ".osim") + NATIVE_SUFFIXES


