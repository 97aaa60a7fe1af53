"""Contacts: body points kept on a surface (floor, mat, bench) or at a held prop (bar), per frame.

A scenario's `contacts:` entries (and its posture's defaults) are solved after the keyframes:
damped least squares over the joints the keyframes leave free, within their ranges, using
MuJoCo's Jacobians. A contact on a limb (hand, foot) moves that limb's free joints; a contact
on the trunk (head, shoulder blades) moves the free spine joints. Keyed joints never change,
so the lengths a scenario is about stay what its keyframes say.

The rules a contact follows (clearances, aliases, posture defaults, the grip) live in
contact_rules.py; this module only solves them.
"""
from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np

from ..scenario.contact_rules import (GRIP_PROPS, HAND_CLEARANCE, NOT_RESTING, POSTURE_CONTACTS, SPINE_BENDS,
                                      SURFACE_ALIASES, body_of, clearance, grip_pose)

LIGHT_BODY = 0.5  # kg: hand and foot bones belong to the body they hang from; a limb segment does not

TOLERANCE = 0.001  # metres: close enough to stop iterating
SETTLED = 0.002  # radians: a step this small means the pose has settled
MAX_STEP = 0.3  # radians: the largest change of one iteration
POINT_STRIDE = 16  # every so many bone vertices stands for the contact surface
ITERATIONS = 30
DAMPING = 0.02
# Share of a correction each joint takes: people reach with the shoulder and elbow, not the wrist.
JOINT_WEIGHTS = (("deviation", 0.1), ("flexion_r", 0.1), ("flexion_l", 0.1), ("pro_sup", 0.15),
                 ("shoulder_rot", 0.3), ("subtalar", 0.2), ("mtp", 0.2), ("lat_bending", 0.3),
                 ("axial_rotation", 0.3))
HINGES_THAT_LOCK = ("knee_angle_r", "knee_angle_l", "elbow_flexion_r", "elbow_flexion_l")
OFF_STRAIGHT = 3.0  # degrees
# Where a solve starts for joints at a singular neutral (an arm straight down has no elevation plane):
# a resting arm reaches back along the body (shoulder extension), not out to the side.
SEED = {"shoulder_elv_r": 10.0, "shoulder_elv_l": 10.0, "elv_angle_r": -80.0, "elv_angle_l": -80.0,
        "knee_angle_r": 30.0, "knee_angle_l": 30.0}  # a free knee bends to meet the floor
STANDING_STRAIGHT = ("knee_angle_r", "knee_angle_l")  # ...but not a knee the body stands on



@dataclass
class _Contact:
    body: int
    name: str
    kind: str  # "surface" | "hold"
    points_body: np.ndarray  # (n,) body of each vertex
    points_local: np.ndarray  # (n, 3) in that body's frame
    clearance: np.ndarray  # (n,)
    surface: str  # prop name or floor
    slide: bool
    free: np.ndarray  # indices into the solver's free joint list
    explicit: bool
    height: float = 0.0  # world z of the surface
    target: np.ndarray | None = None  # world point held (hold, or slide: false)
    target_vertex: np.ndarray | None = None  # the points held (indices into points_local)


class ContactSolver:
    """Solves every frame's free joints so the scenario's contacts hold; warm-started frame to frame."""

    def __init__(self, kin):
        self.kin = kin
        model, mj = kin.model, kin.model.mj
        self.model, self.mj = model, mj
        self.data = mujoco.MjData(mj)
        scenario = kin.scenario
        keyed = {j.name for j in kin.motion.joints}
        specs = list(getattr(scenario, "contacts", []) or [])
        explicit = {body_of(s.body) for s in specs}
        defaults = [(b, None) for b in POSTURE_CONTACTS.get(scenario.posture, ()) if b not in explicit
                    and model.body_id(b) >= 0]
        self.grips: dict[str, float] = {}
        wanted = [(body_of(s.body), s) for s in specs if s.on != NOT_RESTING] + defaults
        free_names: list[str] = []
        self.contacts: list[_Contact] = []
        self.held: list[tuple[str, int]] = []  # (contact name, body) of every contact, solvable or not
        for body_name, spec in wanted:
            body = model.body_id(body_name)
            chain = self._chain_joints(body, kin.anchor)
            on = spec.on if spec else "under"
            grip = on == "bar" or on in GRIP_PROPS
            if grip and body_name.startswith("capitate"):
                self.grips.update({k: v for k, v in grip_pose(model, body_name).items() if k not in keyed})
            if spec is None and (body in model.trunk_bodies or any(j in keyed for j in chain)):
                continue  # the trunk rests by placement; a limb the scenario moves is lifted, not resting
            riding = any(p.mesh == on and p.ride for p in scenario.props)
            if riding:
                continue  # a prop that rides the hand: the fingers close, nothing to solve
            free = [j for j in chain if j not in keyed]
            if body in model.trunk_bodies:  # the trunk bends forward and back to meet a surface, never twists
                free = [j for j in free if j in SPINE_BENDS]
            for j in free:
                if j not in free_names:
                    free_names.append(j)
            bodies, local = self._points(body)
            clear = np.array([HAND_CLEARANCE if body_name.startswith("capitate")
                              else clearance(model.body_name(b)) for b in bodies])
            c = _Contact(body, spec.body if spec else body_name, "hold" if grip else "surface", bodies, local,
                         clear, SURFACE_ALIASES.get(on, on), spec.slide if spec else True,
                         np.array([free_names.index(j) for j in free], dtype=int), spec is not None)
            self.contacts.append(c)
        self.free = [model.joints[n] for n in free_names]
        self._qadr = np.array([j.qposadr for j in self.free], dtype=int)
        self._dof = np.array([j.dofadr for j in self.free], dtype=int)
        # A straight knee or elbow is singular (bending it first moves nothing): solve from just off it.
        self._lo = np.array([j.to_model(j.lower + (OFF_STRAIGHT if j.name in HINGES_THAT_LOCK else 0.0))
                             if j.limited else -np.inf for j in self.free])
        self._hi = np.array([j.to_model(j.upper) if j.limited else np.inf for j in self.free])
        self._weight = np.array([next((w for key, w in JOINT_WEIGHTS if j.name == key or
                                       (key in j.name and not key.startswith("flexion"))), 1.0)
                                 for j in self.free])
        # A standing leg leans to straight: seeded bent, its one-point floor contact is met on tiptoe.
        # (a leg the file gives its own floor contact, a lunge's back leg on its toes, keeps the seed)
        own = {n[-1] for n in explicit if n.startswith(("calcn_", "toes_"))}
        seeds = {n: v for n, v in SEED.items()
                 if not (scenario.posture == "standing" and n in STANDING_STRAIGHT and n[-1] not in own)}
        self._seed = {k: j.to_model(seeds[j.name]) for k, j in enumerate(self.free) if j.name in seeds}
        self._ref = np.clip(kin._base[self._qadr].copy(), self._lo, self._hi)  # the pose a free joint leans to
        for k, value in self._seed.items():
            self._ref[k] = value
        self._couplings = self._free_couplings()
        self._path_dofs = np.array(sorted({d for c in self.contacts for d in self._path_dofs_of(c.body, kin.anchor)}),
                                   dtype=int)
        dof_joint = mj.dof_jntid[self._path_dofs]  # hinge and slide joints: one qpos per dof
        self._path_qpos = np.where(np.isin(mj.jnt_type[dof_joint], [2, 3]), mj.jnt_qposadr[dof_joint], 0)
        self.checked = [c for c in self.contacts if c.explicit or c.free.size]  # what validate measures
        self._solving = [c for c in self.contacts if c.free.size]
        self.contacts = []  # none solved until the targets are set from the start pose
        self._last: np.ndarray | None = None

    def set_targets(self, first) -> None:
        """Surfaces and held points from the pose at t = 0 (fingers already closed on a grip)."""
        self._set_targets(first)
        self.contacts = self._solving

    def restart(self) -> None:
        """Forget the last solved pose: the next batch starts from its own first pose."""
        self._last = None

    # --- setup -------------------------------------------------------------------------------
    def _chain_joints(self, body: int, anchor: int) -> list[str]:
        """Poseable joints that move `body` relative to the anchor: its limb's, or the spine's for the trunk."""
        model, mj = self.model, self.mj
        trunk = model.trunk_bodies

        a_path, b_path = _ancestors(mj, anchor), _ancestors(mj, body)
        common = set(a_path) & set(b_path)
        if body in trunk:
            path = [b for b in a_path + b_path if b not in common and b in trunk]
        else:
            path = [b for b in b_path if b not in common and b not in trunk]
        names = []
        for b in path:
            for j in range(mj.body_jntadr[b], mj.body_jntadr[b] + mj.body_jntnum[b]):
                name = mujoco.mj_id2name(mj, mujoco.mjtObj.mjOBJ_JOINT, j)
                if name in model.poseable:
                    names.append(name)
        return names

    def _path_dofs_of(self, body: int, anchor: int) -> set[int]:
        """Every degree of freedom between the anchor and the body: what can move the contact."""
        mj = self.mj
        a_path, b_path = _ancestors(mj, anchor), _ancestors(mj, body)
        path = set(a_path) ^ set(b_path)
        return {int(mj.body_dofadr[b]) + k for b in path for k in range(int(mj.body_dofnum[b]))}

    def _free_couplings(self) -> list:
        """(dep qpos, ind qpos, dep dof, ind dof, coef, d coef) of couplings the free joints drive, in order."""
        moved = {int(a) for a in self._qadr}
        out = []
        for c in self.model.couplings:  # sorted: a driver before its followers
            if c.ind in moved:
                moved.add(c.dep)
                out.append((c.dep, c.ind, c.dep_dof, c.ind_dof, tuple(map(float, c.coef[::-1])),
                            tuple(map(float, np.polynomial.polynomial.polyder(c.coef)[::-1]))))
        return out

    def _couple(self, q: np.ndarray, v: np.ndarray) -> None:
        """Followers of the free joints, for one pose (the batch applied all the others)."""
        base = self.kin._base
        for dep, ind, dep_dof, ind_dof, coef, dcoef in self._couplings:
            x = float(q[ind] - base[ind])
            q[dep] = base[dep] + _horner(coef, x)
            v[dep_dof] = _horner(dcoef, x) * v[ind_dof]

    def _points(self, body: int) -> tuple[np.ndarray, np.ndarray]:
        """Bone vertices of the body and the light bodies it carries (hand or foot bones), body frames."""
        model, mj = self.model, self.mj
        members = {body}
        for b in range(body + 1, mj.nbody):
            if int(mj.body_parentid[b]) in members and mj.body_mass[b] < LIGHT_BODY:
                members.add(b)
        fixed = self.kin._fixed
        bodies, local = [], []
        for g, geom in enumerate(model.bone_geoms):
            b = int(fixed.geom_body[g])
            if b in members:
                verts, _ = model.bone_mesh(geom)
                v = verts[::POINT_STRIDE] @ fixed.geom_mat[g].T + fixed.geom_pos[g]
                bodies.append(np.full(len(v), b))
                local.append(v)
        if not local:  # a body without bones: its origin
            return np.array([body]), np.zeros((1, 3))
        return np.concatenate(bodies), np.concatenate(local)

    def _set_targets(self, first) -> None:
        """Surface heights and held points, from the props and the pose at t = 0."""
        from ..scenario.props import Props

        props = Props(self.kin)
        tops = {}
        for p, T in props._still.items():
            v = props.world_vertices(p, T)
            tops.setdefault(props.specs[p].mesh, []).append((v[:, 2].max(), v[:, :2].min(axis=0),
                                                             v[:, :2].max(axis=0)))
        floor = props.floor_level()
        for c in self.checked:
            world = self._world_points(c, first.body_pos[0], first.body_mat[0])
            low = int(np.argmin(world[:, 2] - c.clearance))
            # Held or planted: three spread points keep the body's whole pose, not just one point.
            far = int(np.argmax(np.linalg.norm(world - world[low], axis=1)))
            side = np.linalg.norm(np.cross(world - world[low], world[far] - world[low]), axis=1)
            c.target_vertex = np.array([low, far, int(np.argmax(side))])
            if c.kind == "hold":
                c.target = world[c.target_vertex].copy()
                continue
            if c.surface == "floor":
                c.height = floor
            elif c.surface == "under":  # the highest still prop under the body, else the floor
                xy = world[low, :2]
                under = [top for entries in tops.values() for top, lo, hi in entries
                         if (lo - 0.02 <= xy).all() and (xy <= hi + 0.02).all()]
                c.height = max(under, default=floor)
            else:
                c.height = max(top for top, _, _ in tops.get(c.surface, [(floor, 0, 0)]))
            if not c.slide:  # planted: it keeps the place it has at the start
                c.target = world[c.target_vertex].copy()

    @staticmethod
    def _world_points(c: _Contact, body_pos: np.ndarray, body_mat: np.ndarray) -> np.ndarray:
        mats = body_mat[c.points_body]
        return np.einsum("nij,nj->ni", mats, c.points_local) + body_pos[c.points_body]

    # --- solving ------------------------------------------------------------------------------
    def apply_grips(self, qpos: np.ndarray) -> None:
        for name, value in self.grips.items():
            qpos[:, self.model.joints[name].qposadr] = value

    def solve(self, qpos: np.ndarray, qvel: np.ndarray) -> None:
        """Move the free joints of every row of qpos (couplings applied) so the contacts hold."""
        if not self.contacts:
            return
        start = self._last
        if start is None:
            start = qpos[0, self._qadr].copy()
            for k, value in self._seed.items():
                start[k] = value
        # Nothing keyed between anchor and contacts changes over the batch: one solve serves all rows.
        free = np.isin(self._path_dofs, self._dof)
        dofs, qadr = self._path_dofs[~free], self._path_qpos[~free]
        still = not (qvel[:, dofs] != 0).any() and not (np.ptp(qpos[:, qadr], axis=0) > 0).any()
        for f in range(1 if still else qpos.shape[0]):
            q, v = qpos[f], qvel[f]
            q[self._qadr] = start
            for _ in range(ITERATIONS):
                self._couple(q, v)
                r, J = self._residual(q)
                moved = self._step(q[self._qadr], r, J, self._weight.copy())
                step_size = np.abs(moved).max()
                if step_size < SETTLED and (np.abs(r).max() < TOLERANCE or step_size < SETTLED / 4):  # as near as they can
                    break
                q[self._qadr] += moved
            else:
                self._couple(q, v)
                r, J = self._residual(q)
            # Joint speeds that keep the contacts while the keyed joints move (implicit function).
            full = self._full_jacobian
            moving = full @ v
            JW = J * self._weight
            rate = -JW.T @ np.linalg.solve(JW @ J.T + DAMPING ** 2 * np.eye(r.size), moving)
            v[self._dof] = rate
            self._couple(q, v)
            start = q[self._qadr].copy()
        self._last = start
        if still and qpos.shape[0] > 1:
            qpos[1:, self._qadr] = start
            qvel[1:, self._dof] = qvel[0, self._dof]
            for f in range(1, qpos.shape[0]):
                self._couple(qpos[f], qvel[f])

    def _step(self, q: np.ndarray, r: np.ndarray, J: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """One damped least-squares step of the free joints; a joint pushed against its range end is held.

        Of all poses that keep the contacts it heads for the one closest to the reference pose, so a
        time gives the same pose whether it is sampled alone or in a batch.
        """
        for _ in range(len(q) + 1):
            pull = (self._ref - q) * weight
            JW = J * weight
            step = pull + JW.T @ np.linalg.solve(JW @ J.T + DAMPING ** 2 * np.eye(r.size), -r - J @ pull)
            step *= min(1.0, MAX_STEP / max(np.abs(step).max(), 1e-12))
            moved = np.clip(q + step, self._lo, self._hi) - q
            stuck = (np.abs(moved - step) > 1e-9) & (weight > 0)
            if not stuck.any():
                return moved
            weight[stuck] = 0.0  # pushed against its range end: the others take over
        return moved

    def _residual(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Contact errors (metres) and their Jacobian over the free joints, couplings included."""
        mj, d = self.mj, self.data
        d.qpos[:] = q
        mujoco.mj_kinematics(mj, d)
        mujoco.mj_comPos(mj, d)
        kin = self.kin
        a = kin.anchor
        Ra, xa = d.xmat[a].reshape(3, 3), d.xpos[a]
        A0 = kin._anchor_world0
        jpa, jra = np.zeros((3, mj.nv)), np.zeros((3, mj.nv))
        mujoco.mj_jacBody(mj, d, jpa, jra, a)
        rows, jac, masks = [], [], []
        jp, jr = np.zeros((3, mj.nv)), np.zeros((3, mj.nv))
        for c in self.contacts:
            pts = self._world_points(c, d.xpos, d.xmat.reshape(-1, 3, 3))
            world = (pts - xa) @ Ra @ A0[:3, :3].T + A0[:3, 3]  # A0 · anchor⁻¹ · p
            if c.target is None:
                k = int(np.argmin(world[:, 2] - c.clearance))
                points, axes = [(k, np.array([world[k, 2] - c.clearance[k] - c.height]))], [2]
            else:
                points, axes = [(k, world[k] - t) for k, t in zip(c.target_vertex, c.target)], [0, 1, 2]
            mask = np.zeros(len(self.free))
            mask[c.free] = 1.0  # a contact moves only its own limb's joints
            for k, err in points:
                mujoco.mj_jac(mj, d, jp, jr, pts[k], int(c.points_body[k]))
                x, y, z = pts[k] - xa
                skew = np.array([[0.0, -z, y], [z, 0.0, -x], [-y, x, 0.0]])
                rel = Ra.T @ (jp - jpa + skew @ jra)  # d(Raᵀ v) = Raᵀ (dv + v × ω)
                rows.append(err)
                jac.append((A0[:3, :3] @ rel)[axes])
                masks.append(np.repeat(mask[None], len(axes), axis=0))
        J = np.concatenate(jac)
        self._full_jacobian = J
        return np.concatenate(rows), self._reduce(J, q) * np.concatenate(masks)

    def _reduce(self, J: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Columns of the free joints, each with the dependents its coupling drives (chain rule)."""
        out = J[:, self._dof].copy()
        column = {int(a): (k, 1.0) for k, a in enumerate(self._qadr)}  # qpos → (free column, d q / d free)
        base = self.kin._base
        for dep, ind, dep_dof, _, _, dcoef in self._couplings:
            k, slope = column[ind]
            slope = slope * _horner(dcoef, float(q[ind] - base[ind]))
            column[dep] = (k, slope)
            out[:, k] += slope * J[:, dep_dof]
        return out

    def errors(self, frames) -> dict[str, np.ndarray]:
        """Per contact name: its distance from the surface or held point in every frame (metres)."""
        out = {}
        for c in self.checked:
            gaps = []
            for i in range(len(frames)):
                world = self._world_points(c, frames.body_pos[i], frames.body_mat[i])
                if c.target is None:
                    gaps.append(float((world[:, 2] - c.clearance).min() - c.height))
                else:
                    gaps.append(float(np.linalg.norm(world[c.target_vertex] - c.target, axis=1).max()))
            out[c.name] = np.array(gaps)
        return out


def _horner(coef: tuple, x: float) -> float:
    """A polynomial (highest power first) at x, in plain floats: called per coupling per iteration."""
    out = 0.0
    for c in coef:
        out = out * x + c
    return out


def _ancestors(mj, body: int) -> list[int]:
    """The body and its parents up to (not including) the world."""
    out = []
    while body > 0:
        out.append(body)
        body = int(mj.body_parentid[body])
    return out
