"""Sampled frames: a scenario's bone transforms, muscle paths and lengths at many times, and one time of them.

A Frame is the one contract with the renderer (DESIGN §3): bone geom world transforms, muscle
polylines and per-muscle values. Kinematics makes them; this module only holds and slices them,
so code that draws or measures frames needs nothing of MuJoCo's sampling.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import mujoco
import numpy as np

PULLEY = -2  # wrap_obj value that starts a new branch of a tendon path


class Frames:
    """A scenario sampled at many times.

    MuJoCo runs with the root at the origin; world coordinates (metres) are made on first
    access by the per-frame root transform, so analysis that needs only lengths never pays.
    """

    lab = None  # a lab's recordings at these times (GRF arrows, markers) in world coordinates, if any

    def __init__(self, raw: dict, root: np.ndarray, fixed: "Attachments"):
        self._raw = raw
        self._fixed = fixed
        self.root = root  # (F, 4, 4) world transform of the root body
        self.times = raw["times"]  # (F,)
        self.qpos = raw["qpos"]  # (F, nq) joint values, root at identity
        self.lengths = raw["lengths"]  # (F, M) muscle-tendon lengths
        self.velocities = raw["velocities"]  # (F, M) dL/dt in m/s, from the smooth motion
        self.wrap_obj = raw["wrap_obj"]  # (F, W) −1 site, ≥0 wrap geom, −2 pulley
        self.wrap_adr = raw["wrap_adr"]  # (F, M) first path row of each muscle
        self.wrap_num = raw["wrap_num"]  # (F, M) path rows of each muscle

    def __len__(self) -> int:
        return self.times.size

    def frame(self, i: int) -> "Frame":
        return Frame(self, i)

    def _points(self, points: np.ndarray, rows=slice(None)) -> np.ndarray:
        R, t = self.root[rows, :3, :3], self.root[rows, :3, 3]
        return np.matmul(points, R.transpose(0, 2, 1).astype(points.dtype)) + t[:, None, :].astype(points.dtype)

    def _rotations(self, mats: np.ndarray, rows=slice(None)) -> np.ndarray:
        return np.matmul(self.root[rows, None, :3, :3].astype(mats.dtype), mats)

    def _attached(self, bodies: np.ndarray, local_pos: np.ndarray, rows=slice(None)) -> np.ndarray:
        """World points fixed in bodies (bone geoms, landmarks): (F, n, 3)."""
        raw = self._raw
        mats = raw["body_mat"][rows][:, bodies]
        return self._points((mats @ local_pos[..., None])[..., 0] + raw["body_pos"][rows][:, bodies], rows)

    @cached_property
    def geom_pos(self) -> np.ndarray:  # (F, G, 3) bone geoms, Model.bone_geoms order
        return self._attached(self._fixed.geom_body, self._fixed.geom_pos)

    @cached_property
    def geom_mat(self) -> np.ndarray:  # (F, G, 3, 3)
        return self.body_mat[:, self._fixed.geom_body] @ self._fixed.geom_mat

    @cached_property
    def body_pos(self) -> np.ndarray:  # (F, nbody, 3)
        return self._points(self._raw["body_pos"])

    @cached_property
    def body_mat(self) -> np.ndarray:  # (F, nbody, 3, 3)
        return self._rotations(self._raw["body_mat"])

    @cached_property
    def wrap_xpos(self) -> np.ndarray:  # (F, W, 3) path points of all tendons
        return self._points(self._raw["wrap_xpos"])

    @cached_property
    def landmarks(self) -> np.ndarray:  # (F, K, 3) in Kinematics.landmark_names order
        return self._attached(self._fixed.landmark_body, self._fixed.landmark_pos)


class Frame:
    """One time of a Frames batch, in world coordinates: what the renderer draws."""

    def __init__(self, frames: Frames, i: int):
        one = slice(i, i + 1)
        raw = frames._raw
        self.time = float(frames.times[i])
        self.qpos = frames.qpos[i]
        self.lengths = frames.lengths[i]
        self.velocities = frames.velocities[i]
        self.root = frames.root[i]
        fixed = frames._fixed
        self.body_pos = frames._points(raw["body_pos"][one], one)[0]
        self.body_mat = frames._rotations(raw["body_mat"][one], one)[0]
        self.geom_pos = frames._attached(fixed.geom_body, fixed.geom_pos, one)[0]
        self.geom_mat = self.body_mat[fixed.geom_body] @ fixed.geom_mat
        self.landmarks = frames._attached(fixed.landmark_body, fixed.landmark_pos, one)[0]
        self._wrap_xpos = frames._points(raw["wrap_xpos"][one], one)[0]
        self._wrap_obj = frames.wrap_obj[i]
        self._wrap_adr = frames.wrap_adr[i]
        self._wrap_num = frames.wrap_num[i]

    def path(self, muscle: int) -> list[np.ndarray]:
        """The muscle's polyline(s): one (n, 3) array per branch; pulleys start a new branch."""
        start = int(self._wrap_adr[muscle])
        rows = slice(start, start + int(self._wrap_num[muscle]))
        points, objs = self._wrap_xpos[rows], self._wrap_obj[rows]
        keep = objs != PULLEY
        if keep.all():
            return [points] if len(points) >= 2 else []
        branches = np.split(np.arange(points.shape[0]), np.flatnonzero(~keep))
        return [points[b[keep[b]]] for b in branches if keep[b].sum() >= 2]

    def paths(self) -> list[list[np.ndarray]]:
        return [self.path(m) for m in range(self.lengths.size)]


@dataclass(frozen=True)
class Attachments:
    """Things rigidly fixed to bodies: bone geoms and landmarks, in their body's frame."""

    geom_body: np.ndarray  # (G,)
    geom_pos: np.ndarray  # (G, 3)
    geom_mat: np.ndarray  # (G, 3, 3)
    landmark_body: np.ndarray  # (K,)
    landmark_pos: np.ndarray  # (K, 3)

    @classmethod
    def of(cls, model, landmark_names: list[str]) -> "Attachments":
        mj, geoms = model.mj, model.bone_geoms
        mats = np.zeros((geoms.size, 9))
        for i, g in enumerate(geoms):
            mujoco.mju_quat2Mat(mats[i], mj.geom_quat[g])
        return cls(
            geom_body=mj.geom_bodyid[geoms].astype(int),
            geom_pos=np.array(mj.geom_pos[geoms], float).reshape(-1, 3),
            geom_mat=mats.reshape(-1, 3, 3),
            landmark_body=np.array([model.landmarks[n].body for n in landmark_names], dtype=int),
            landmark_pos=np.array([model.landmarks[n].pos for n in landmark_names], float).reshape(-1, 3),
        )
