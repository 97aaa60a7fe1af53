"""App start to first frame on the default scenario, against a bare Qt + VTK window, one run.

    xvfb-run -a python benchmarks/app_start.py

Both run as fresh processes with a warm model cache (one untimed start first). The reference
opens a PySide6 window with a pyvistaqt QtInteractor showing one sphere: the floor that any
Qt + VTK app pays. Goal (DESIGN §8): first frame within 3 s.
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile

REFERENCE = """
import time; t0 = time.perf_counter()
import sys, pyvista as pv
from PySide6.QtWidgets import QApplication
from pyvistaqt import QtInteractor
app = QApplication(sys.argv[:1])
view = QtInteractor(auto_update=False)
view.add_mesh(pv.Sphere())
view.show()
view.render()
print(f"first frame after {time.perf_counter() - t0:.2f} s", file=sys.stderr)
"""
RUNS = 3


def first_frame(args: list[str], env: dict) -> float:
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    found = re.search(r"first frame after ([\d.]+) s", result.stderr)
    if not found:
        raise SystemExit(f"no timing line from {args[:3]}: {result.stderr[-500:]}")
    return float(found.group(1))


def start_times(runs: int = RUNS) -> tuple[float, float]:
    """Median seconds to first frame: (muscle-viewer on the default scenario, bare Qt + VTK window)."""
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs a display: run under xvfb-run -a")
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, MUSCLE_VIEWER_TIMING="1", XDG_CONFIG_HOME=home)
        app = [sys.executable, "-m", "viewer", "gui", "--screenshot", os.path.join(home, "shot.png")]
        first_frame(app, env)  # warm the compiled-model cache and the OS file cache
        ours = [first_frame(app, env) for _ in range(runs)]
        reference = [first_frame([sys.executable, "-c", REFERENCE], env) for _ in range(runs)]
    return statistics.median(ours), statistics.median(reference)


def main() -> None:
    o, r = start_times()
    print(f"muscle-viewer, default scenario : {o:.2f} s to first frame (median of {RUNS})")
    print(f"bare Qt + VTK window, one sphere: {r:.2f} s")
    print(f"ratio {o / r:.1f}; goal: first frame within 3 s ({'met' if o <= 3 else 'not met'})")


if __name__ == "__main__":
    main()
