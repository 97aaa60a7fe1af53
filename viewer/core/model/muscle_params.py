"""Each muscle's optimal fibre length, tendon slack length and max force, from the model itself.

MuJoCo models: from the actuator's muscle parameters; OpenSim models: from OpenSim's own
muscle properties; models without them: an estimate from the rest length (docs/models.md).
"""
from __future__ import annotations

import numpy as np

from ..shape.muscle_shape import MuscleShapes

ESTIMATED_FIBRE_SHARE = 0.6  # models without fibre parameters: L0 = this share of the rest length


def muscle_shapes(model) -> MuscleShapes:
    """L0, LT and F_max of every muscle, from the model's own parameters where it has them.

    `Model.shapes` caches it per model: the scene and the page read it from there."""
    force = np.array([m.max_force for m in model.muscles], float)
    split = np.array([m.origin_tendon for m in model.muscles], float)
    reach = np.array([m.belly_reach for m in model.muscles], float)
    osim = getattr(model, "osim_muscles", None)
    if osim is not None:  # OpenSim: its own optimal fibre and tendon slack lengths
        L0 = np.array([m.getOptimalFiberLength() for m in osim], float)
        LT = np.array([m.getTendonSlackLength() for m in osim], float)
        return MuscleShapes(L0, LT, force, ("model",) * len(L0), np.full(len(L0), np.inf), split, reach)
    L0, LT, known = _mujoco_parameters(model)
    rest = _rest_lengths(model)
    if not known.all():  # no muscle parameters (plain motor actuators, bare tendons): estimate
        L0 = np.where(known, L0, ESTIMATED_FIBRE_SHARE * rest)
        LT = np.where(known, LT, (1.0 - ESTIMATED_FIBRE_SHARE) * rest)
    return MuscleShapes(L0, LT, force, tuple("model" if k else "estimated" for k in known), rest, split, reach)


def _mujoco_parameters(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MuJoCo's muscle model: lengthrange = LT + range · L0, so two equations give L0 and LT."""
    import mujoco

    mj = model.mj
    act = np.array([mujoco.mj_name2id(mj, mujoco.mjtObj.mjOBJ_ACTUATOR, m.name) for m in model.muscles], int)
    M = act.size
    L0, LT, known = np.zeros(M), np.zeros(M), np.zeros(M, bool)
    has = act >= 0
    if has.any():
        lo, hi = mj.actuator_gainprm[act[has], 0], mj.actuator_gainprm[act[has], 1]
        lr = mj.actuator_lengthrange[act[has]]
        ok = (hi > lo) & (lr[:, 1] > lr[:, 0]) & (lo > 0)
        l0 = np.divide(lr[:, 1] - lr[:, 0], hi - lo, out=np.zeros_like(lo), where=ok)
        L0[has] = l0
        LT[has] = np.maximum(lr[:, 0] - lo * l0, 0.0)
        known[has] = ok
    return L0, LT, known


def _rest_lengths(model) -> np.ndarray:
    """Muscle–tendon lengths in the model's rest pose (qpos0)."""
    import mujoco

    d = mujoco.MjData(model.mj)
    mujoco.mj_kinematics(model.mj, d)
    mujoco.mj_comPos(model.mj, d)
    mujoco.mj_tendon(model.mj, d)
    return d.ten_length[model.tendon_ids].copy()
