"""Per-job costs of a batch, measured here, and what a whole library would take (docs/batch.md).

    python benchmarks/batch_costs.py [--fps 8] [--clip 10] [--clip-fps 30]

In one warm process (as a batch worker is: model compiled, VTK loaded), for each of the three
sizes of issue 26's library (phone 720x1280, slide 1280x720, 1080p 1920x1080) it times an MP4
and a GIF of the leg raise (set-up: start to first frame; then seconds per frame, steady), a
PNG still, and once the take-home page. Then it prices the library of 50 exercises × 6 views
× 3 sizes × (MP4 + GIF + PNG + page) = 3,600 outputs with clips of --clip seconds at
--clip-fps, on 1, 4 and 16 nodes like this machine (its cores each running one worker, at the
parallel efficiency --efficiency, which benchmarks/export_speed.py measures: the speed-up of
`--workers N` over one process, divided by N).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = str(ROOT / "scenarios" / "leg_raise.yaml")
SIZES = {"phone": "720x1280", "slide": "1280x720", "1080p": "1920x1080"}
EXERCISES, VIEWS = 50, 6


def timed_video(folder: Path, name: str, size: str, fps: float) -> tuple[float, float, int]:
    """(set-up s, seconds per frame steady, frames) of one export in this warm process."""
    from viewer.commands.export import write_export

    stamps = []
    start = time.perf_counter()
    count, _ = write_export(SCENARIO, folder / name, size=size, fps=fps, view="left",
                            progress=lambda done, total: stamps.append(time.perf_counter()))
    end = time.perf_counter()
    per_frame = (stamps[-1] - stamps[0]) / (len(stamps) - 1)
    return end - start - per_frame * count, per_frame, count


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fps", type=float, default=8.0, help="frame rate of the measured videos")
    parser.add_argument("--clip", type=float, default=10.0, help="seconds of each library video")
    parser.add_argument("--clip-fps", type=float, default=30.0, help="frame rate of each library video")
    parser.add_argument("--efficiency", type=float, default=None,
                        help="parallel efficiency of a node's cores: export_speed.py's '--workers N' speed-up / N")
    args = parser.parse_args()
    os.environ.setdefault("MUJOCO_GL", "disable")
    from viewer.commands.share import write_share
    from viewer.commands.snapshot import write_snapshot

    print(f"batch job costs, full-body leg raise, one warm process, {os.cpu_count()} CPU cores, "
          f"load average {' / '.join(f'{v:.2f}' for v in os.getloadavg())} at the start")
    frames = args.clip * args.clip_fps + 1
    per_size = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_snapshot(SCENARIO, folder / "warm.png", 1.0, size="320x240")  # model and VTK loaded, as in a worker
        for label, size in SIZES.items():
            still = timed(lambda: write_snapshot(SCENARIO, folder / f"{label}.png", 2.5, size=size, view="left"))
            mp4 = timed_video(folder, f"{label}.mp4", size, args.fps)
            gif = timed_video(folder, f"{label}.gif", size, args.fps)
            per_size[label] = {"png": still, "mp4": mp4[0] + mp4[1] * frames, "gif": gif[0] + gif[1] * frames}
            print(f"  {label:6s} {size:9s}: png {still:5.2f} s; mp4 set-up {mp4[0]:5.2f} s + {mp4[1] * 1e3:6.1f} ms/frame; "
                  f"gif set-up {gif[0]:5.2f} s + {gif[1] * 1e3:6.1f} ms/frame")
        page = timed(lambda: write_share(SCENARIO, folder / "page.html"))
        print(f"  page (take-home html, one per scenario and view): {page:5.2f} s")
    one = {label: sum(costs.values()) for label, costs in per_size.items()}
    combos = EXERCISES * VIEWS
    core_seconds = combos * (sum(one.values()) + 3 * page)  # a page per output size, as the issue counts them
    outputs = combos * len(SIZES) * 4
    print(f"  library: {EXERCISES} exercises x {VIEWS} views x {len(SIZES)} sizes x (mp4 + gif + png + page) = "
          f"{outputs:,} outputs, {args.clip:g} s clips at {args.clip_fps:g} fps")
    for label, seconds in one.items():
        print(f"    per exercise, view and {label}: {seconds:6.1f} s "
              f"(mp4 {per_size[label]['mp4']:.1f}, gif {per_size[label]['gif']:.1f}, png {per_size[label]['png']:.1f})")
    import resource

    print(f"    one process: {core_seconds / 3600:6.1f} hours; this worker's peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    efficiency = args.efficiency
    cores = os.cpu_count() or 1
    if efficiency:
        for nodes in (1, 4, 16):
            hours = core_seconds / (nodes * cores * efficiency) / 3600
            print(f"    {nodes:2d} node(s) of {cores} cores at {efficiency:.2f} parallel efficiency: {hours:6.1f} hours")
    return 0


if __name__ == "__main__":
    sys.exit(main())
