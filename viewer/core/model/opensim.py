"""OpenSim models (.osim with its Geometry folder), measured by OpenSim itself.

Behind the optional extra `pip install -e ".[opensim]"`. Bones come from the model's mesh
files, and muscle lengths, rates and paths from OpenSim at each pose, so numbers agree with
OpenSim's own. The result looks like any other model to the scene, the app and exports: an
OpenSimModel is a Model, an OpenSimKinematics a Kinematics.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..base.catalogue import load_catalogue
from ..base.errors import ModelError, Problem, display_path
from ..motion.frames import Attachments, Frames
from ..motion.kinematics import FEET, LYING, MAX_SETTLE, POSTURE_ROTATION, Kinematics, Motion, _pose, _rot_x, _settle
from .model import OTHER_GROUP, Joint, Model, Muscle
from .opensim_meshes import (GEOMETRY_ENV, MESH_SUFFIXES, find_mesh, geometry_folders, read_mesh, refuse_entities,
                             refuse_unreadable_meshes)

# OpenSim frames: x forward, y up, z right. Ours (and MyoFullBody's): x left, y back, z up.
OSIM_TO_WORLD = np.array([[0.0, 0.0, -1.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def _opensim():
    import opensim

    opensim.Logger.removeFileSink()  # OpenSim would otherwise write opensim.log into the cwd
    opensim.Logger.setLevelString("critical")  # keep the terminal for our own one-line messages
    return opensim


def load_opensim(path: Path, shown: str) -> "OpenSimModel":
    from ..base import limits
    from ..base.files import read_user_bytes

    # OpenSim's own reader would block on a FIFO, read any size, expand entities and name a C++ frame;
    # checked before OpenSim's seconds-long import
    raw = read_user_bytes(path, limits.OSIM_BYTES, ModelError, shown)
    refuse_entities(raw, shown)
    refuse_unreadable_meshes(raw, path, shown)
    try:
        osim = _opensim()
    except ImportError:
        from ..base.extras import install_hint

        raise ModelError([Problem(shown, None, install_hint(".osim"))]) from None
    try:
        model = osim.Model(str(path))
        state = model.initSystem()
    except Exception as exc:  # OpenSim reports XML and connection errors as RuntimeError text
        reason, line = opensim_reason(exc)
        raise ModelError([Problem(shown, line, f"OpenSim could not read this model: {reason}")]) from None
    return OpenSimModel(model, state, path, shown)


def opensim_reason(exc: BaseException) -> tuple[str, int | None]:
    """OpenSim's reason without its C++ frames ('SimTK Exception thrown at Xml.cpp:817: …'), and
    the line of the file it names, if any."""
    import re

    text = " ".join(str(exc).split())
    line = re.search(r"\(line=(\d+), col=\d+\)", text)
    xml = re.search(r"Failed to load the Xml file '.*' with error '(.*?)\s*(\(line=\d+, col=\d+\))?\.?'", text)
    if xml:
        text = f"not valid XML: {xml.group(1).rstrip('. ')}"
    text = re.sub(r"std::exception in '.*?':\s*", "", text)
    text = re.sub(r"SimTK Exception thrown at \S+:\s*", "", text)
    text = re.sub(r"\s*(\(|In Object |)Thrown at \S+(\)|)\.?", "", text)
    text = re.sub(r"Error detected by Simbody method \S+:\s*", "", text)
    text = re.sub(r"\(Required condition '.*?' was not met\.\)\s*", "", text)
    text = text.strip(" .:") or type(exc).__name__
    return (text[:300] + "…" if len(text) > 300 else text), (int(line.group(1)) if line else None)


class OpenSimModel(Model):
    backend = "opensim"

    def kinematics(self, scenario):
        return OpenSimKinematics(self, scenario)

    def __init__(self, osim_model, state, path: Path, shown: str):
        osim = _opensim()
        self.osim, self.state, self.path = osim_model, state, path
        self.mj = None  # no MuJoCo model behind this one
        self.key, self.name, self.title = str(path.resolve()), shown, osim_model.getName() or path.stem
        self.shown = shown
        catalogue = load_catalogue()
        self.coordinates = [osim_model.getCoordinateSet().get(i) for i in range(osim_model.getCoordinateSet().getSize())]
        self.followers = _couplers(osim, osim_model, [c.getName() for c in self.coordinates])
        drivers = {dep: ", ".join(self.coordinates[k].getName() for k in indep) for dep, indep, _, _ in self.followers}
        self.joints = {}
        slides = _translations(osim, osim_model)
        for i, c in enumerate(self.coordinates):
            # A Coupled coordinate (the patella's knee angle) is an angle too, in radians; one that
            # drives a translation axis (older files' pelvis_tx reads as Coupled) is in metres.
            hinge = (c.getMotionType() in (osim.Coordinate.Rotational, osim.Coordinate.Coupled)
                     and c.getName() not in slides)
            lo, hi = c.getRangeMin(), c.getRangeMax()
            scale = 180.0 / np.pi if hinge else 1.0
            driver = drivers.get(i, "(coupled)") if c.isDependent(state) or i in drivers else None
            self.joints[c.getName()] = Joint(c.getName(), "hinge" if hinge else "slide", i, i, lo * scale, hi * scale,
                                             bool(lo < hi),  # OpenSim ranges hold even unclamped
                                             driver, c.getDefaultValue())
        self.couplings = []  # MuJoCo polynomials; OpenSim's couplers are self.followers
        muscles = osim_model.getMuscles()
        self.osim_muscles = [muscles.get(i) for i in range(muscles.getSize())]
        info = catalogue.models[catalogue.default].muscles  # gait-model names match MyoLegs' (psoas_r, …)
        lay = [info.get(m.getName()) or info.get(_myo_name(m.getName())) or {} for m in self.osim_muscles]
        self.muscles = [Muscle(i, m.getName(), lay[i].get("name", m.getName()), lay[i].get("side", ""),
                               lay[i].get("group", OTHER_GROUP), i, m.getMaxIsometricForce(),
                               float(lay[i].get("origin_tendon", 0.5)), float(lay[i].get("belly_reach", 0.0)))
                        for i, m in enumerate(self.osim_muscles)]
        self.groups = self._read_groups(catalogue.groups)
        known = set(self.joints)
        self.aliases = {n: _signed_for(a, self.joints) for n, a in catalogue.aliases.items()
                        if set(a.joints) | set(a.with_) <= known}
        self.landmarks = {}  # the catalogue's landmarks are placed in MyoFullBody's bone frames
        self.root_body = None
        bodies = osim_model.getBodySet()
        self.osim_bodies = [bodies.get(i) for i in range(bodies.getSize())]
        self._body_names = ["ground"] + [b.getName() for b in self.osim_bodies]
        # A body joined to the ground with a translation (gait models' pelvis) is a whole body
        # that lies, stands or sits on the floor; an arm fixed to the ground stays where it is built.
        floating, self.ground_translations = _floating_bodies(osim, osim_model)
        self.floating = bool(floating)
        self.trunk_bodies = {self._body_names.index(b) for b in floating if b in self._body_names}
        self._bones = self._read_bones(osim)
        self.bone_geoms = np.arange(len(self._bones))

    def _read_bones(self, osim) -> list[dict]:
        """Mesh files attached to each body (directly or through offset frames), in the body's frame."""
        model, state = self.osim, self.state
        model.realizePosition(state)
        folders = geometry_folders(self.path)
        self.notes: list[Problem] = []  # one warning per mesh that is not found, for stderr
        bones = []
        for b, body in enumerate(self.osim_bodies, start=1):
            to_body = np.linalg.inv(_transform(body.getTransformInGround(state)))
            for frame in [body] + _offset_frames_on(osim, model, body):
                for k in range(frame.getPropertyByName("attached_geometry").size()):
                    mesh = osim.Mesh.safeDownCast(frame.get_attached_geometry(k))
                    if mesh is None:
                        continue
                    file = find_mesh(folders, mesh.get_mesh_file())
                    if file is None:  # OpenSim itself only warns about missing geometry: so do we
                        self.notes.append(Problem(self.shown, None, f"warning: mesh '{mesh.get_mesh_file()}' of body "
                                                  f"{body.getName()} not found; looked in "
                                                  f"{', '.join(display_path(f) for f in folders)} "
                                                  f"(set {GEOMETRY_ENV} to the folder that holds it)"))
                        continue
                    if file.suffix.lower() not in MESH_SUFFIXES:
                        self.notes.append(Problem(self.shown, None, f"warning: mesh '{file.name}' of body "
                                                  f"{body.getName()} is not drawn: use {', '.join(MESH_SUFFIXES)}"))
                        continue
                    try:  # read now, so a bad mesh is a warning for that mesh and validate sees it
                        verts, faces = read_mesh(file)
                    except ModelError as exc:
                        self.notes.append(Problem(self.shown, None, f"warning: mesh of body {body.getName()} is not "
                                                  f"drawn: {exc.problems[0]}"))
                        continue
                    local = to_body @ _transform(frame.getTransformInGround(state))
                    scale = np.array([mesh.get_scale_factors().get(i) for i in range(3)])
                    bones.append({"body": b, "file": file, "scale": scale, "pos": local[:3, 3], "mat": local[:3, :3],
                                  "name": f"{body.getName()}/{mesh.get_mesh_file()}", "verts": verts, "faces": faces})
        return bones

    @property
    def muscled_joints(self) -> set[str]:
        """Coordinates some muscle crosses (a moment arm over 1 mm at the default pose): the read-out
        names only these."""
        if not hasattr(self, "_muscled"):
            self.osim.realizePosition(self.state)
            self._muscled = {c.getName() for c in self.coordinates
                             if any(abs(m.computeMomentArm(self.state, c)) > 1e-3 for m in self.osim_muscles)}
        return self._muscled

    # --- the Model interface, for an OpenSim model ------------------------------------------------
    def body_id(self, name: str) -> int:
        return self._body_names.index(name) if name in self._body_names else -1

    def body_name(self, body: int) -> str:
        return self._body_names[body]

    @property
    def body_names(self) -> list[str]:
        return self._body_names[1:]

    def bone_mesh(self, geom: int):
        bone = self._bones[geom]
        if "verts" not in bone:
            bone["verts"], bone["faces"] = read_mesh(bone["file"])
        return bone["verts"] * bone["scale"], bone["faces"]

    def bone_geom_name(self, geom: int) -> str:
        return self._bones[geom]["name"]

    def bone_body(self, geom: int) -> int:
        return self._bones[geom]["body"]

    def attachments(self) -> Attachments:
        return Attachments(
            geom_body=np.array([b["body"] for b in self._bones], dtype=int),
            geom_pos=np.array([b["pos"] for b in self._bones], float).reshape(-1, 3),
            geom_mat=np.array([b["mat"] for b in self._bones], float).reshape(-1, 3, 3),
            landmark_body=np.zeros(0, int), landmark_pos=np.zeros((0, 3)))


class OpenSimKinematics(Kinematics):
    """The scenario's joint channels applied to OpenSim coordinates; OpenSim measures the rest."""

    def __init__(self, model: OpenSimModel, scenario):
        self.model, self.scenario = model, scenario
        self.motion = Motion(scenario, model)
        self.landmark_names: list[str] = []
        self.anchor = 0
        self.posture_rotation = POSTURE_ROTATION[scenario.posture]  # supine lies down, as MuJoCo models do
        self._root_adr = None  # OpenSim's ground stays where the model builds it
        self.contacts = None  # contacts are solved with MuJoCo Jacobians: not for OpenSim models
        self.recordings = None  # the trial's GRF and markers (core.lab.Recordings), drawn with each frame
        self._fixed = model.attachments()
        self._root = np.eye(4)
        self._root[:3, :3] = self.posture_rotation @ OSIM_TO_WORLD
        # A lab's motion places the pelvis in OpenSim's ground itself (pelvis_tx/ty/tz): that ground
        # (y = 0) is the floor, as in OpenSim. Otherwise a whole body rests on the floor in its
        # posture, centred over the origin.
        self.lab_ground = bool(model.ground_translations & {j.name for j in self.motion.joints})
        if model.floating and not self.lab_ground:
            self._root = self._on_floor(self.sample([0.0]))

    @property
    def free_root(self) -> bool:
        """A model joined to the ground with a translation is placed on the floor (and gets one)."""
        return self.model.floating

    def _on_floor(self, first: Frames) -> np.ndarray:
        """The posture's rotation and a shift that rests the lowest bone, on its skin, on the floor.

        Lying, the body rests on its trunk and feet (a raised hand does not carry it); standing,
        on whatever is lowest. The horizontal centre of the bones goes over the origin.
        """
        from ..scenario.contact_rules import clearance

        model = self.model
        lying = self.scenario.posture in LYING
        points, rests = [], []
        for g, geom in enumerate(model.bone_geoms):
            verts, _ = model.bone_mesh(geom)
            world = verts[::4] @ first.geom_mat[0, g].T + first.geom_pos[0, g]
            points.append(world)
            name = model.body_name(int(self._fixed.geom_body[g]))
            skin = world - [0.0, 0.0, clearance(name)]
            if not lying or self._fixed.geom_body[g] in model.trunk_bodies or name.startswith(FEET):
                rests.append(skin)
        if not points:  # no mesh found: the muscle paths show where the body is
            points = [first.wrap_xpos[0, :int(first.wrap_num[0].sum())], first.body_pos[0]]
        pts, rest = np.concatenate(points), np.concatenate(rests or points)
        place = np.eye(4)
        if lying and rests:  # settle within a few degrees onto back and heels, as MuJoCo models do
            mass = np.array([0.0] + [b.getMass() for b in model.osim_bodies])
            com = (mass[:, None] * first.body_pos[0]).sum(axis=0) / max(mass.sum(), 1e-9)
            tilt = _settle(rest, com[1])
            if abs(tilt) <= MAX_SETTLE:
                place[:3, :3] = _rot_x(np.degrees(tilt))
                pts, rest = pts @ place[:3, :3].T, rest @ place[:3, :3].T
                self.posture_rotation = place[:3, :3] @ self.posture_rotation
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        place[:3, 3] = [-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, -rest[:, 2].min()]
        return place @ self._root

    @property
    def neutral_lengths(self) -> np.ndarray:
        return self._measure(np.zeros((1, 0)), np.zeros((1, 0)), neutral=True)["lengths"][0]

    def sample(self, times) -> Frames:
        times = np.atleast_1d(np.asarray(times, float))
        values, rates = self.motion.evaluate(times)
        raw = self._measure(values, rates)
        raw["times"] = times
        frames = Frames(raw, np.repeat(self._root[None], times.size, axis=0), self._fixed)
        if self.recordings is not None:
            frames.lab = self.recordings.frame(times + self.scenario.lab_start, self._root)
        return frames

    def _measure(self, values: np.ndarray, rates: np.ndarray, neutral: bool = False) -> dict:
        model = self.model
        osim_model, state = model.osim, model.state
        coords = model.coordinates
        channels = [model.joints[j.name].qposadr for j in self.motion.joints]
        F, M, B = values.shape[0], len(model.muscles), len(model.osim_bodies) + 1
        qpos = np.array([[c.getDefaultValue() for c in coords]] * F).reshape(F, len(coords))
        qpos[:, channels] = values if not neutral else qpos[:, channels]
        for dep, indep, function, scale in model.followers:  # the patella follows the knee
            for f in range(F):
                qpos[f, dep] = scale * function.calcValue(_vector(model, qpos[f, indep]))
        out = {"qpos": qpos, "lengths": np.empty((F, M)), "velocities": np.empty((F, M)),
               "body_pos": np.zeros((F, B, 3)), "body_mat": np.tile(np.eye(3), (F, B, 1, 1))}
        paths = []
        for f in range(F):
            for c, coord in enumerate(coords):
                coord.setValue(state, float(qpos[f, c]), False)
                coord.setSpeedValue(state, 0.0)
            for k, c in enumerate(channels):
                coords[c].setSpeedValue(state, float(rates[f, k]) if not neutral else 0.0)
            osim_model.realizeVelocity(state)
            for m, muscle in enumerate(model.osim_muscles):
                out["lengths"][f, m] = muscle.getLength(state)
                out["velocities"][f, m] = muscle.getLengtheningSpeed(state)
            for b, body in enumerate(model.osim_bodies, start=1):
                T = _transform(body.getTransformInGround(state))
                out["body_pos"][f, b], out["body_mat"][f, b] = T[:3, 3], T[:3, :3]
            paths.append([_path_points(muscle, state) for muscle in model.osim_muscles])
        out.update(_pack_paths(paths, M))
        return out

    def _placement(self, first) -> np.ndarray:
        return self._root


def _pack_paths(paths: list, M: int) -> dict:
    """Per-frame muscle point lists → the padded path arrays Frames expects (all points are sites)."""
    F = len(paths)
    counts = np.array([[len(p) for p in frame] for frame in paths]).reshape(F, M)
    W = max(int(counts.sum(axis=1).max(initial=0)), 1)
    xpos = np.zeros((F, W, 3))
    adr = np.zeros((F, M), np.int32)
    for f, frame in enumerate(paths):
        adr[f] = np.concatenate([[0], np.cumsum(counts[f])[:-1]]) if M else []
        if counts[f].sum():
            xpos[f, :counts[f].sum()] = np.concatenate([p for p in frame if len(p)])
    return {"wrap_xpos": xpos, "wrap_obj": np.full((F, W), -1, np.int32), "wrap_adr": adr,
            "wrap_num": counts.astype(np.int32)}


def _vector(model, values: np.ndarray):
    vector = _opensim().Vector(len(values), 0.0)
    for k, v in enumerate(values):
        vector.set(k, float(v))
    return vector


def _path_points(muscle, state) -> np.ndarray:
    current = muscle.getGeometryPath().getCurrentPath(state)
    return np.array([[current.get(k).getLocationInGround(state).get(i) for i in range(3)]
                     for k in range(current.getSize())]).reshape(-1, 3)


def _transform(T) -> np.ndarray:
    R, p = T.R(), T.p()
    return _pose(np.array([p.get(i) for i in range(3)]), np.array([[R.get(i, j) for j in range(3)] for i in range(3)]))


# Older OpenSim gait models (gait2354, gait2392, Leg6Dof9Musc) spell some muscles differently from
# Rajagopal 2016 and MyoLegs, whose names the catalogue knows: rect_fem_r is recfem_r.
GAIT2392_NAMES = {
    "rect_fem": "recfem", "vas_int": "vasint", "vas_med": "vasmed", "vas_lat": "vaslat",
    "bifemlh": "bflh", "bifemsh": "bfsh", "glut_max1": "glmax1", "glut_max2": "glmax2", "glut_max3": "glmax3",
    "glut_med1": "glmed1", "glut_med2": "glmed2", "glut_med3": "glmed3", "glut_min1": "glmin1",
    "glut_min2": "glmin2", "glut_min3": "glmin3", "med_gas": "gasmed", "lat_gas": "gaslat", "tib_ant": "tibant",
    "tib_post": "tibpost", "sar": "sart", "add_long": "addlong", "add_brev": "addbrev", "peri": "piri",
    "flex_dig": "fdl", "flex_hal": "fhl", "ext_dig": "edl", "ext_hal": "ehl", "per_brev": "perbrev",
    "per_long": "perlong",
}


def _myo_name(name: str) -> str:
    stem, side = (name[:-2], name[-2:]) if name[-2:] in ("_r", "_l") else (name, "")
    return GAIT2392_NAMES.get(stem, stem) + side


def _couplers(osim, model, names: list[str]) -> list[tuple[int, list[int], object, float]]:
    """CoordinateCouplerConstraints as (dependent, independents, function, scale factor), by coordinate index."""
    out = []
    constraints = model.getConstraintSet()
    for i in range(constraints.getSize()):
        c = osim.CoordinateCouplerConstraint.safeDownCast(constraints.get(i))
        if c is None or c.getDependentCoordinateName() not in names:
            continue
        indep = c.getIndependentCoordinateNames()
        indep = [indep.get(k) for k in range(indep.size())]
        if not indep or any(n not in names for n in indep):
            continue
        try:
            scale = float(c.getPropertyByName("scale_factor").toString())
        except (RuntimeError, ValueError):
            scale = 1.0
        out.append((names.index(c.getDependentCoordinateName()), [names.index(n) for n in indep],
                    c.getFunction(), scale))
    return out


def _floating_bodies(osim, model) -> tuple[list[str], set[str]]:
    """Bodies joined to the ground by a joint with a translational coordinate, and those coordinates."""
    out, translations = [], set()
    joints = model.getJointSet()
    for i in range(joints.getSize()):
        joint = joints.get(i)
        if joint.getParentFrame().findBaseFrame().getAbsolutePathString() != "/ground":
            continue
        slides = _translations(osim, model)
        moves = [joint.get_coordinates(k).getName() for k in range(joint.numCoordinates())
                 if joint.get_coordinates(k).getName() in slides]
        if moves:
            out.append(joint.getChildFrame().findBaseFrame().getName())
            translations.update(moves)
    return out, translations


def _translations(osim, model) -> set[str]:
    """Coordinates that move a joint along an axis: Translational ones, and those only a CustomJoint's
    translation axes name (OpenSim reports these as Coupled in models from older file versions)."""
    out = set()
    joints = model.getJointSet()
    for i in range(joints.getSize()):
        joint = joints.get(i)
        for k in range(joint.numCoordinates()):
            if joint.get_coordinates(k).getMotionType() == osim.Coordinate.Translational:
                out.add(joint.get_coordinates(k).getName())
        custom = osim.CustomJoint.safeDownCast(joint)
        if custom is not None:  # only on translation axes: the knee angle also moves the tibia along, yet turns it
            transform = custom.getSpatialTransform()
            named = [transform.getTransformAxis(axis).getCoordinateNamesInArray() for axis in range(6)]
            names = [{a.get(n) for n in range(a.getSize())} for a in named]
            out |= (names[3] | names[4] | names[5]) - (names[0] | names[1] | names[2])
    return out


def _signed_for(alias, joints: dict):
    """The catalogue's aliases are flexion-positive in MyoFullBody's conventions; an OpenSim model
    whose range runs the other way (gait2354's knee_angle_r: -120…10°, flexion negative) gets the
    alias with its sign flipped, so knee_flexion_r: 90 bends that knee too."""
    from dataclasses import replace

    signs = {}
    for name, sign in alias.joints.items():
        joint = joints[name]
        lo, hi = sorted((sign * joint.lower, sign * joint.upper))
        signs[name] = -sign if joint.kind == "hinge" and hi < 0.25 * -lo else sign
    return alias if signs == dict(alias.joints) else replace(alias, joints=signs)


def _offset_frames_on(osim, model, body) -> list:
    """PhysicalOffsetFrames whose parent is this body (meshes are often attached to them)."""
    frames = []
    for comp in model.getComponentsList():
        frame = osim.PhysicalOffsetFrame.safeDownCast(comp)
        if frame is not None and frame.getParentFrame().getAbsolutePathString() == body.getAbsolutePathString():
            frames.append(frame)
    return frames
