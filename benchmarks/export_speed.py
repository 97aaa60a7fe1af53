"""Export speed: our headless MP4 export against mujoco.Renderer drawing the same poses.

    python benchmarks/export_speed.py [--size 1280x720] [--fps 10] [--frames 20] [--workers 2] [--no-batch]

Both run in this one invocation, at the same size, on the same poses of the full-body leg
raise (DESIGN §8: goal ≥ 4× the renderer's frames/s; scene update ≤ 2 ms per frame, measured
on the leg raise, the crunch and the squat).
Ours counts everything per frame: scene update, overlays, render, read-back and H.264
encoding. MuJoCo's counts update_scene + render (pixels read back), not mj_forward.
MuJoCo's renderer runs in a child process with MUJOCO_GL=egl, then osmesa, so its GL
context never meets VTK's.

Also in the same run: the same export with `--workers N` (default: every core; frames drawn in
N processes, encoded once in order: the same file), and the batch throughput of the example
plan (scenarios/plans/example.yaml: 12 outputs, 640x360 MP4s at 15 fps and stills) on the local
pool, in outputs per minute.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "leg_raise.yaml"
# Scene update: the founding exercise, and two where most of the body moves (trunk, whole body).
UPDATE_SCENARIOS = ("leg_raise", "crunch", "bodyweight_squat")


def mujoco_child(size: tuple[int, int], times: list[float]) -> dict:
    """Runs in the child: time mujoco.Renderer on the scenario's poses."""
    import mujoco
    import numpy as np

    from viewer.core.model.binding import load_checked

    scenario, model = load_checked(SCENARIO)
    kin = model.kinematics(scenario)
    frames = kin.sample(times)
    mj = model.mj
    w, h = size
    mj.vis.global_.offwidth = max(mj.vis.global_.offwidth, w)
    mj.vis.global_.offheight = max(mj.vis.global_.offheight, h)
    data = mujoco.MjData(mj)
    free = mj.body_jntadr[model.root_body]
    adr = int(mj.jnt_qposadr[free])
    renderer = mujoco.Renderer(mj, h, w)
    camera = mujoco.MjvCamera()
    camera.lookat[:] = (0.0, 0.3, 0.4)
    camera.distance, camera.azimuth, camera.elevation = 3.0, 0.0, -15.0
    spent = []
    try:
        for i in range(len(frames)):
            data.qpos[:] = frames.qpos[i]
            data.qpos[adr:adr + 3] = frames.root[i, :3, 3]  # the same placement in the world as ours
            quat = np.zeros(4)
            mujoco.mju_mat2Quat(quat, frames.root[i, :3, :3].ravel())
            data.qpos[adr + 3:adr + 7] = quat
            mujoco.mj_forward(mj, data)
            start = time.perf_counter()
            renderer.update_scene(data, camera)
            renderer.render()
            spent.append(time.perf_counter() - start)
    finally:
        renderer.close()
    steady = spent[1:] if len(spent) > 1 else spent  # the first call compiles shaders
    return {"fps": len(steady) / sum(steady), "frames": len(steady)}


def run_mujoco(size, times) -> tuple[dict | None, str]:
    errors = []
    for backend in ("egl", "osmesa"):
        env = dict(os.environ, MUJOCO_GL=backend, PYOPENGL_PLATFORM=backend)
        code = ("import json, sys; sys.path.insert(0, %r); from benchmarks.export_speed import mujoco_child; "
                "print('RESULT ' + json.dumps(mujoco_child(%r, %r)))" % (str(ROOT), tuple(size), list(times)))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
        for line in proc.stdout.splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[7:]), backend
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        errors.append(f"{backend}: {tail}")
    return None, "; ".join(errors)


def run_ours(size, fps: float) -> dict:
    os.environ.setdefault("MUJOCO_GL", "disable")
    from viewer.core.model.binding import load_checked
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.export import ExportOptions, export_video

    scenario, model = load_checked(SCENARIO)
    kin = model.kinematics(scenario)
    colouring = Colouring(kin)
    options = ExportOptions(size=size, fps=fps)
    stamps = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        count = export_video(FrameFeed(kin, colouring), Path(folder) / "bench.mp4", options,
                             progress=lambda done, total: stamps.append(time.perf_counter()))
    total = time.perf_counter() - start
    steady_fps = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")

    update = {name: {style: scene_update_ms(name, style) for style in ("shapes", "lines")} for name in UPDATE_SCENARIOS}
    return {"frames": count, "total_s": total, "fps": steady_fps, "fps_overall": count / total, "update": update}


def run_parallel(size, fps: float, workers: int) -> dict:
    """`export --workers N` of the same scenario at the same size: (steady frames/s, overall)."""
    from viewer.commands.export import write_export

    stamps = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        count, _ = write_export(str(SCENARIO), Path(folder) / "bench.mp4", size=f"{size[0]}x{size[1]}", fps=fps,
                                workers=workers, progress=lambda done, total: stamps.append(time.perf_counter()))
    total = time.perf_counter() - start
    steady_fps = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")
    return {"frames": count, "total_s": total, "fps": steady_fps, "fps_overall": count / total}


def run_batch_plan(workers: int) -> dict:
    """The example plan on the local pool into an empty folder: outputs per minute."""
    from viewer.batch.run import run_batch

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        summary = run_batch(ROOT / "scenarios" / "plans" / "example.yaml", folder, workers=workers, progress=False)
    seconds = time.perf_counter() - start
    return {"done": len(summary.done), "failed": len(summary.failed), "seconds": seconds,
            "per_minute": 60 * len(summary.done) / seconds}


def load_average() -> str:
    try:
        return " / ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def scene_update_ms(name: str, style: str) -> tuple[float, float, float]:
    """Scene update alone (bone matrices, muscle strands, tube surfaces, colours; no render) of
    one scenario at 30 frames/s: (median over the first pass, median over three passes, p95).
    The first pass also solves each frame's muscle profile, which later passes reuse."""
    import numpy as np

    from viewer.core.model.binding import load_checked
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.export import ExportOptions, open_stage

    scenario, model = load_checked(ROOT / "scenarios" / f"{name}.yaml")
    kin = model.kinematics(scenario)
    colouring = Colouring(kin)
    frames = kin.sample(kin.times(30))
    _ = frames.geom_pos, frames.geom_mat, frames.wrap_xpos  # batch-level world transforms
    stage = open_stage(FrameFeed(kin, colouring), ExportOptions(size=(320, 240), text=False, muscle_style=style))
    try:
        colours = stage.scene.paint(*colouring.paint(frames))
        spent = []
        for _round in range(3):
            for i in range(len(frames)):
                t = time.perf_counter()
                stage.scene.update(frames, i, colours[i])
                spent.append(time.perf_counter() - t)
    finally:
        stage.close()
    ms = 1e3 * np.array(spent)
    return float(np.median(ms[:len(frames)])), float(np.median(ms)), float(np.percentile(ms, 95))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps", type=float, default=10.0, help="export frame rate (fewer frames, same poses)")
    parser.add_argument("--frames", type=int, default=12, help="poses for mujoco.Renderer (it is slow here)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for the parallel export and the batch (default: every core)")
    parser.add_argument("--no-batch", action="store_true", help="skip the example plan's batch throughput")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    duration = 5.5
    mj_times = [duration * k / max(args.frames - 1, 1) for k in range(args.frames)]

    print(f"export speed, full-body leg raise, {w}x{h}, {os.cpu_count()} CPU cores, "
          f"load average {load_average()} (1/5/15 min) at the start")
    ours = run_ours((w, h), args.fps)
    print(f"  muscle-viewer export : {ours['fps']:6.2f} frames/s steady "
          f"({ours['frames']} frames, {ours['total_s']:.1f} s with setup = {ours['fps_overall']:.2f} frames/s)")
    par = run_parallel((w, h), args.fps, args.workers) if args.workers > 1 else None
    if par:
        print(f"  export --workers {args.workers}   : {par['fps']:6.2f} frames/s steady "
              f"({par['frames']} frames, {par['total_s']:.1f} s with setup = {par['fps_overall']:.2f} frames/s; "
              f"{par['fps'] / ours['fps']:.2f}x one process)")
    theirs, backend = run_mujoco((w, h), mj_times)
    if theirs is None:
        print(f"  mujoco.Renderer      : not available headless here ({backend})")
    else:
        ratio = ours["fps"] / theirs["fps"]
        print(f"  mujoco.Renderer      : {theirs['fps']:6.2f} frames/s (MUJOCO_GL={backend}, {theirs['frames']} poses)")
        print(f"  ratio                : {ratio:6.2f}x  (goal >= 4x) {'OK' if ratio >= 4 else 'BELOW GOAL'}")
        if par:
            ratio = par["fps"] / theirs["fps"]
            print(f"  ratio, --workers {args.workers}   : {ratio:6.2f}x  (issue 26's goal >= 10x) "
                  f"{'OK' if ratio >= 10 else 'BELOW GOAL'}")
    if not args.no_batch:
        batch = run_batch_plan(args.workers)
        print(f"  batch, example plan  : {batch['per_minute']:6.2f} outputs/minute ({batch['done']} done, "
              f"{batch['failed']} failed in {batch['seconds']:.1f} s, {args.workers} workers, from an empty folder)")
    print("  scene update per full-body frame, ms (goal <= 2 ms; first pass / all three passes / p95):")
    for name, styles in ours["update"].items():
        first, median, p95 = styles["shapes"]
        lines = styles["lines"][1]
        print(f"    {name:18s} shapes {first:5.2f} / {median:5.2f} / {p95:5.2f}  {'OK' if median <= 2.0 else 'ABOVE GOAL'}"
              f"   thin lines of action {lines:5.2f} (shapes cost {median / lines:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
