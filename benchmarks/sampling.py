"""Scenario sampling vs a bare MuJoCo loop over the same poses, measured in one run.

    python benchmarks/sampling.py

Samples a 10 s, 60 fps full-body scenario (601 poses: hips, knees, trunk, shoulders and
elbows all moving) through viewer.core.motion.kinematics, which also interpolates keyframes,
resolves coupled joints, computes length rates and keeps bone/path data for drawing.
The reference runs mj_kinematics + mj_comPos + mj_tendon on the same qpos rows and copies
the lengths out. Goal (DESIGN §8): ratio ≤ 1.2. Best of five runs each.
"""
from __future__ import annotations

import os
import time

os.environ.setdefault("MUJOCO_GL", "disable")

import mujoco  # noqa: E402

import viewer.core.motion.kinematics as kinematics  # noqa: E402
from viewer.core.motion.kinematics import Kinematics  # noqa: E402
from viewer.core.model.binding import load_model  # noqa: E402
from viewer.core.scenario.read import scenario_from_text  # noqa: E402

SCENARIO = """
format: 1
title: Benchmark, whole body moving for 10 s
posture: supine
anchor: torso
keyframes:
  - time: 0
    pose: {hip_flexion: 0, knee_flexion: 0, trunk_flexion: 0, shoulder_flexion: 0, elbow_flexion: 0}
  - time: 3
    pose: {hip_flexion: 90, knee_flexion: 60, trunk_flexion: 20, shoulder_flexion: 90, elbow_flexion: 90}
  - time: 6
    pose: {hip_flexion: 30, knee_flexion: 100, trunk_flexion: 35, shoulder_flexion: 150, elbow_flexion: 30}
    ease: min_jerk
  - time: 10
    pose: {hip_flexion: 0, knee_flexion: 0, trunk_flexion: 0, shoulder_flexion: 0, elbow_flexion: 0}
"""


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    model = load_model("full-body")
    kin = model.kinematics(scenario_from_text(SCENARIO, "benchmark"))
    times = kin.times(60)
    poses = kin.sample(times).qpos
    mj, data = model.mj, mujoco.MjData(model.mj)
    tendons = model.tendon_ids

    def bare() -> None:
        for q in poses:
            data.qpos[:] = q
            mujoco.mj_kinematics(mj, data)
            mujoco.mj_comPos(mj, data)
            mujoco.mj_tendon(mj, data)
            data.ten_length[tendons].copy()

    workers = kinematics._WORKERS
    ours = best_of(5, lambda: kin.sample(times))
    kinematics._WORKERS = 1  # the same work on one thread: the overhead itself
    single = best_of(5, lambda: kin.sample(times))
    kinematics._WORKERS = workers
    reference = best_of(5, bare)
    n = len(times)
    print(f"poses: {n} (10 s at 60 fps), model full-body ({len(model.muscles)} muscles)")
    print(f"bare MuJoCo loop : {reference * 1e3:7.1f} ms  ({reference / n * 1e3:.3f} ms per pose)")
    print(f"scenario sampling: {ours * 1e3:7.1f} ms  ({ours / n * 1e3:.3f} ms per pose, {workers} threads)")
    print(f"  on one thread  : {single * 1e3:7.1f} ms  (ratio {single / reference:.2f})")
    print(f"ratio            : {ours / reference:.2f}  (goal ≤ 1.2)")


if __name__ == "__main__":
    main()
