"""Pose → bone transforms, muscle paths and lengths, for one time or a whole scenario.

The one contract with the renderer is a Frame: bone geom world transforms, muscle
polylines and per-muscle values (DESIGN §3). Lengths are MuJoCo's own `ten_length`;
length rates are the tendon Jacobian times the analytic joint speeds of the smooth motion.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import cached_property

import mujoco
import numpy as np

from ..scenario.contact_rules import body_of, clearance
from ..base.easing import ease
from .frames import Attachments, Frame, Frames
from ..scenario.format import Scenario
from ..scenario.check import expand_pose

_WORKERS = max(1, min(4, os.cpu_count() or 1))  # threads that sample a long scenario in slices


def _rot_x(degrees: float) -> np.ndarray:
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


# Body frame of the myo models: x = body's left, y = backward, z = up (DESIGN §4 orientation).
POSTURE_ROTATION = {
    "standing": np.eye(3),
    "seated": np.eye(3),
    "hanging": np.eye(3),
    "supine": _rot_x(-90),  # face up: the body's front (−y) turns to +z
    "prone": _rot_x(90),  # face down
}
POSTURE_LIFT = {"hanging": 0.25}
LYING = ("supine", "prone")  # metres between the lowest bone point and the floor at t = 0
FEET = ("calcn", "toes")  # a lying body may rest on its heels or soles as well as its trunk
MAX_SETTLE = np.radians(8.0)  # a body tilts at most this much to settle on back and feet


class Motion:
    """The scenario's joint channels: each joint keyed only where a keyframe names it."""

    def __init__(self, scenario: Scenario, model):
        keys: dict[str, list[tuple[float, float, str]]] = {}
        for key in scenario.keyframes:
            for joint, value in expand_pose(key.pose, model).items():
                keys.setdefault(joint, []).append((key.time, value, key.ease))
        self.joints = [model.joints[name] for name in keys]
        self._channels = [
            (np.array([k[0] for k in ks]), np.array([k[1] for k in ks]), [k[2] for k in ks]) for ks in keys.values()
        ]
        self.duration = scenario.duration

    def evaluate(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Joint values (model units) and their time derivatives at times t: two (F, C) arrays."""
        t = np.atleast_1d(np.asarray(t, float))
        values = np.empty((t.size, len(self._channels)))
        rates = np.zeros_like(values)
        for c, (times, vals, eases) in enumerate(self._channels):
            seg = np.searchsorted(times, t, side="right")  # index of the key that ends the segment
            values[:, c] = np.where(seg == 0, vals[0], vals[-1])
            inside = (seg > 0) & (seg < times.size)
            for name in set(eases[1:]):
                sel = inside & np.isin(seg, [i for i, e in enumerate(eases) if e == name and i > 0])
                if not sel.any():
                    continue
                end = seg[sel]
                t0, t1, v0, v1 = times[end - 1], times[end], vals[end - 1], vals[end]
                f, df = ease(name, (t[sel] - t0) / (t1 - t0))
                values[sel, c] = v0 + (v1 - v0) * f
                rates[sel, c] = (v1 - v0) * df / (t1 - t0)
        return values, rates



class Kinematics:
    """A scenario bound to its model: sample any time, or many times in one call."""

    def __init__(self, model, scenario: Scenario):
        self.model = model
        self.scenario = scenario
        mj = model.mj
        self.data = mujoco.MjData(mj)
        self.motion = Motion(scenario, model)
        self._chan_qpos = np.array([j.qposadr for j in self.motion.joints], dtype=int)
        self._chan_dof = np.array([j.dofadr for j in self.motion.joints], dtype=int)
        self._base = mj.qpos0.copy()
        self._root_adr = None
        if model.root_body is not None and mj.body_jntnum[model.root_body]:
            j = mj.body_jntadr[model.root_body]
            if int(mj.jnt_type[j]) == int(mujoco.mjtJoint.mjJNT_FREE):
                self._root_adr = int(mj.jnt_qposadr[j])
                self._base[self._root_adr:self._root_adr + 7] = [0, 0, 0, 1, 0, 0, 0]
        self._tendons = model.tendon_ids
        self._path_rows = _max_path_rows(mj)
        self._jac = self._jacobian_layout()
        self._spare_data: list[mujoco.MjData] = []
        self.landmark_names = list(model.landmarks)
        self._fixed = Attachments.of(model, self.landmark_names)
        anchor = scenario.anchor or (model.body_name(model.root_body) if model.root_body is not None else None)
        self.anchor = model.body_id(anchor) if anchor else 0
        self.posture_rotation = POSTURE_ROTATION[scenario.posture] if self._root_adr is not None else np.eye(3)
        self._place = np.eye(4)
        self._anchor_world0 = None
        self.contacts = None
        first = self.sample([0.0])
        self._place = self._placement(first.frame(0))
        self._anchor_world0 = self._place @ _pose(first._raw["body_pos"][0, self.anchor],
                                                  first._raw["body_mat"][0, self.anchor])
        if self.free_root:  # contacts need a floor: a fixed-base model has none
            from .contacts import ContactSolver

            self.contacts = ContactSolver(self)
            self.contacts.set_targets(self.sample([0.0]))

    # --- public -----------------------------------------------------------------------------
    @property
    def free_root(self) -> bool:
        """Whether the body is placed by posture and anchor (False: it stays where it is built)."""
        return self._root_adr is not None

    @cached_property
    def neutral_lengths(self) -> np.ndarray:
        """Muscle lengths in the neutral pose (all joints at 0): L₀ of the relative rates."""
        qpos = self._base.copy()[None]
        self._apply_couplings(qpos, np.zeros((1, self.model.mj.nv)))
        d = self.data
        d.qpos[:] = qpos[0]
        mujoco.mj_kinematics(self.model.mj, d)
        mujoco.mj_comPos(self.model.mj, d)
        mujoco.mj_tendon(self.model.mj, d)
        return d.ten_length[self._tendons].copy()

    def times(self, fps: float) -> np.ndarray:
        n = int(round(self.scenario.duration * fps)) + 1
        return np.arange(n) / fps

    def sample(self, times) -> Frames:
        raw = self._raw(np.atleast_1d(np.asarray(times, float)))
        return self._to_world(raw)

    def at(self, t: float) -> Frame:
        return self.sample([t]).frame(0)

    def adopt(self, scenario: Scenario) -> bool:
        """Take `scenario`'s keyframes without building again, where that gives the same frames:
        only keyframes differ, the same joints are keyed, and the pose at t = 0 (placement,
        contact targets) is unchanged. False: build a new Kinematics for it."""
        if replace(scenario, keyframes=[]) != replace(self.scenario, keyframes=[]):
            return False
        motion = Motion(scenario, self.model)
        if [j.name for j in motion.joints] != [j.name for j in self.motion.joints]:
            return False
        if not np.array_equal(motion.evaluate([0.0])[0], self.motion.evaluate([0.0])[0]):
            return False
        self.scenario, self.motion = scenario, motion
        if self.contacts is not None:
            self.contacts.restart()  # no warm start from the last pose: as a fresh build solves
        return True

    # --- internals -----------------------------------------------------------------------------
    def _jacobian_layout(self):
        """Index arrays to turn ten_J into per-muscle dL/dt = Σ J[t, dof] q̇[dof]."""
        mj, d = self.model.mj, self.data
        if hasattr(mj, "ten_J_rowadr"):  # sparse, structure fixed in the model (MuJoCo ≥ 3.3)
            rowadr, rownnz, colind = mj.ten_J_rowadr, mj.ten_J_rownnz, mj.ten_J_colind
        elif d.ten_J.size == mj.ntendon * mj.nv:  # dense
            rowadr = np.arange(mj.ntendon) * mj.nv
            rownnz = np.full(mj.ntendon, mj.nv)
            colind = np.tile(np.arange(mj.nv), mj.ntendon)
        else:
            raise RuntimeError("this MuJoCo keeps a per-step sparse tendon Jacobian; muscle-viewer needs mujoco >= 3.3")
        entries = np.concatenate([np.arange(rowadr[t], rowadr[t] + rownnz[t]) for t in self._tendons] or [[]])
        entries = entries.astype(int)
        counts = np.array([rownnz[t] for t in self._tendons], dtype=int)
        return entries, np.asarray(colind)[entries], counts

    def _apply_couplings(self, qpos: np.ndarray, qvel: np.ndarray) -> None:
        base = self._base
        for c in self.model.couplings:
            if c.ind < 0:
                qpos[:, c.dep] = base[c.dep] + c.coef[0]
                qvel[:, c.dep_dof] = 0.0
                continue
            x = qpos[:, c.ind] - base[c.ind]
            qpos[:, c.dep] = base[c.dep] + np.polynomial.polynomial.polyval(x, c.coef)
            slope = np.polynomial.polynomial.polyval(x, np.polynomial.polynomial.polyder(c.coef))
            qvel[:, c.dep_dof] = slope * qvel[:, c.ind_dof]

    def _raw(self, times: np.ndarray) -> dict:
        """MuJoCo pass over all times with the root at the origin (no placement yet)."""
        mj = self.model.mj
        values, rates = self.motion.evaluate(times)
        F, M, W = times.size, self._tendons.size, self._path_rows
        qpos = np.repeat(self._base[None], F, axis=0)
        qvel = np.zeros((F, mj.nv))
        qpos[:, self._chan_qpos] = values
        qvel[:, self._chan_dof] = rates
        if self.contacts is not None:
            self.contacts.apply_grips(qpos)
        self._apply_couplings(qpos, qvel)
        if self.contacts is not None:
            self.contacts.solve(qpos, qvel)
        d = self.data
        out = {
            "times": times, "qpos": qpos,
            "lengths": np.empty((F, M)),
            "body_pos": np.empty((F, mj.nbody, 3)),
            "body_mat": np.empty((F, mj.nbody, 9)),
            "wrap_xpos": np.empty((F, W, 3)),
            "wrap_obj": np.empty((F, W), d.wrap_obj.dtype),
            "wrap_adr": np.empty((F, M), d.ten_wrapadr.dtype),
            "wrap_num": np.empty((F, M), d.ten_wrapnum.dtype),
        }
        # Only Jacobian entries of joints that move in this batch can contribute to dL/dt.
        entries, cols, counts = self._jac
        keep = np.isin(cols, np.flatnonzero(np.any(qvel != 0, axis=0)))
        owner = np.repeat(np.arange(M), counts)[keep]
        out["jac_entries"] = entries[keep]
        out["jac"] = np.empty((F, int(keep.sum())))
        # MuJoCo releases the GIL, so long batches run on several MjData at once.
        workers = min(_WORKERS, max(1, F // 32))
        if workers == 1:
            self._fill(self.data, out, range(F))
        else:
            while len(self._spare_data) < workers - 1:
                self._spare_data.append(mujoco.MjData(mj))
            datas = [self.data] + self._spare_data[: workers - 1]
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda k: self._fill(datas[k], out, range(k, F, workers)), range(workers)))
        jac = out.pop("jac")
        out.pop("jac_entries")
        velocities = np.zeros((F, M))
        if jac.shape[1]:
            jac *= qvel[:, cols[keep]]
            starts = np.searchsorted(owner, np.arange(M))
            sums = np.add.reduceat(jac, np.minimum(starts, jac.shape[1] - 1), axis=1)
            has = np.isin(np.arange(M), owner)  # reduceat gives an element, not 0, for an empty row
            velocities[:, has] = sums[:, has]
        out["velocities"] = velocities
        out["body_mat"] = out["body_mat"].reshape(F, mj.nbody, 3, 3)
        return out

    def _fill(self, d: mujoco.MjData, out: dict, rows) -> None:
        """Run MuJoCo for the given frame rows of `out`, copying what the frame needs."""
        mj, tendons, W, jac_entries = self.model.mj, self._tendons, self._path_rows, out["jac_entries"]
        qpos, lengths, jac = out["qpos"], out["lengths"], out["jac"]
        body_pos, body_mat, wrap_xpos, wrap_obj = out["body_pos"], out["body_mat"], out["wrap_xpos"], out["wrap_obj"]
        wrap_adr, wrap_num = out["wrap_adr"], out["wrap_num"]
        wrap_view, obj_view = d.wrap_xpos.reshape(-1, 3), d.wrap_obj.reshape(-1)
        for f in rows:
            d.qpos[:] = qpos[f]
            mujoco.mj_kinematics(mj, d)
            mujoco.mj_comPos(mj, d)  # the tendon Jacobian needs the com-based frames
            mujoco.mj_tendon(mj, d)
            np.take(d.ten_length, tendons, out=lengths[f])
            body_pos[f] = d.xpos
            body_mat[f] = d.xmat
            wrap_xpos[f] = wrap_view[:W]
            wrap_obj[f] = obj_view[:W]
            np.take(d.ten_wrapadr, tendons, out=wrap_adr[f])
            np.take(d.ten_wrapnum, tendons, out=wrap_num[f])
            np.take(d.ten_J, jac_entries, out=jac[f])

    def _placement(self, first: Frame) -> np.ndarray:
        """Posture rotation and a shift that rests the body on the floor on its skin, centred.

        Lying, the body settles on the edge of its lower outline under its centre of mass (back
        and heels, or back and feet), within a few degrees of the posture, not on a raised hand.
        """
        place = np.eye(4)
        if self._root_adr is None:  # a fixed-base model stays where it is built
            return place
        rot = self.posture_rotation
        model = self.model
        lying = self.scenario.posture in LYING and bool(model.trunk_bodies)
        # Feet planted on the floor (slide: false) carry the standing body; the rest follows them.
        planted = {model.body_id(body_of(c.body)) for c in getattr(self.scenario, "contacts", [])
                   if not c.slide and c.on == "floor"} - {-1}
        points, rests, trunk, every = [], [], [], []
        for g, geom in enumerate(model.bone_geoms):
            verts, _ = model.bone_mesh(geom)
            world = (verts[::4] @ first.geom_mat[g].T + first.geom_pos[g]) @ rot.T
            points.append(world)
            body = int(model.mj.geom_bodyid[geom])
            skin = world.copy()
            skin[:, 2] -= clearance(model.body_name(body))  # on the skin: bone height minus its soft tissue
            every.append(skin)
            if planted and not lying:
                if body in planted:
                    rests.append(skin)
            elif not lying or body in model.trunk_bodies or model.body_name(body).startswith(FEET):
                rests.append(skin)
            if lying and body in model.trunk_bodies:
                trunk.append(skin)
        pts = np.concatenate(points) if points else np.zeros((1, 3))
        if lying:
            mass = model.mj.body_mass
            com = (mass[:, None] * first.body_pos @ rot.T).sum(axis=0) / max(mass.sum(), 1e-9)
            for support in (every, rests, trunk):  # forearms and toes (a plank), back and heels, the trunk
                tilt = _settle(np.concatenate(support), com[1])
                if abs(tilt) <= MAX_SETTLE:
                    rot = _rot_x(np.degrees(tilt)) @ rot
                    break
            else:
                support = trunk
            pts = np.concatenate(points) @ (rot @ self.posture_rotation.T).T
            rests = [np.concatenate(support) @ (rot @ self.posture_rotation.T).T]
        rest = np.concatenate(rests) if rests else pts
        floor = rest[:, 2].min()
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        lift = POSTURE_LIFT.get(self.scenario.posture, 0.0)
        self.posture_rotation = rot
        place[:3, :3] = rot
        place[:3, 3] = [-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, lift - floor]
        return place

    def _to_world(self, raw: dict) -> Frames:
        """Solve the root per frame so the anchor body keeps the world pose it had at t = 0."""
        F = raw["times"].size
        if self._anchor_world0 is None:
            root = np.repeat(self._place[None], F, axis=0)
        else:
            anchor_rel = _pose(raw["body_pos"][:, self.anchor], raw["body_mat"][:, self.anchor])
            root = self._anchor_world0[None] @ _invert(anchor_rel)
        return Frames(raw, root, self._fixed)


def _settle(points: np.ndarray, y_com: float) -> float:
    """Angle (radians, about x) that levels the lower outline's edge under the centre of mass."""
    # Only the lowest point of each 5 mm slice along y can be on the lower outline.
    slices = np.floor(points[:, 1] / 0.005).astype(int)
    order = np.lexsort((points[:, 2], slices))
    first = np.r_[True, slices[order][1:] != slices[order][:-1]]
    y, z = points[order[first], 1], points[order[first], 2]
    hull: list[int] = []
    for k in range(y.size):  # lower convex hull in the (y, z) plane, monotone chain
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (y[b] - y[a]) * (z[k] - z[a]) - (z[b] - z[a]) * (y[k] - y[a]) <= 0:
                hull.pop()
            else:
                break
        hull.append(k)
    for a, b in zip(hull, hull[1:]):
        if y[a] <= y_com <= y[b] and y[b] - y[a] > 1e-6:
            return float(-np.arctan2(z[b] - z[a], y[b] - y[a]))
    return 0.0


def _invert(T: np.ndarray) -> np.ndarray:
    """Inverse of rigid transforms (..., 4, 4)."""
    out = np.zeros_like(T)
    Rt = np.swapaxes(T[..., :3, :3], -1, -2)
    out[..., :3, :3] = Rt
    out[..., :3, 3] = -(Rt @ T[..., :3, 3, None])[..., 0]
    out[..., 3, 3] = 1.0
    return out


def _max_path_rows(mj) -> int:
    """Most rows wrap_xpos can use: one per site or pulley, two per wrapping geom.

    MuJoCo packs the rows of all tendons from row 0, so copying only these is enough.
    """
    geom_wraps = np.isin(mj.wrap_type, [int(mujoco.mjtWrap.mjWRAP_SPHERE), int(mujoco.mjtWrap.mjWRAP_CYLINDER)])
    return int(mj.nwrap + geom_wraps.sum())


def _pose(pos: np.ndarray, mat: np.ndarray) -> np.ndarray:
    """4×4 transforms from positions (..., 3) and flat or square rotations."""
    pos = np.asarray(pos)
    out = np.zeros(pos.shape[:-1] + (4, 4))
    out[..., :3, :3] = np.asarray(mat).reshape(pos.shape[:-1] + (3, 3))
    out[..., :3, 3] = pos
    out[..., 3, 3] = 1.0
    return out
