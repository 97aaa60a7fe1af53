"""The take-home page's size and frame rate in headless Chromium (SwiftShader), per scenario.

    python benchmarks/page_speed.py [SCENARIO ...]   (default: leg raise, crunch, glute bridge, squat)

Each page is written by `muscle-viewer share`, opened playing at 390×844 (a phone held upright)
in Debian's Chromium with software WebGL, and measured with requestAnimationFrame over
SECONDS: frames drawn per second, and the player's own time per frame spent rewriting the
bones, tubes, sheets and colours. Goal (issue 23): ≥ 15 frames/s, page ≤ 12 MB. Software
WebGL shares the CPU with everything else on the machine: say how loaded it was.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIOS = ("leg_raise", "crunch", "glute_bridge", "bodyweight_squat")
SECONDS = 5.0
GOAL_FPS = 15.0
MEASURE = f"""new Promise((done) => {{
  let n = 0; const start = performance.now();
  function step(now) {{ n++; if (now - start < {SECONDS * 1000}) requestAnimationFrame(step);
                       else done(n / ((now - start) / 1000)); }}
  requestAnimationFrame(step);
}})"""


def measure(name: str, folder: Path) -> tuple[float, float, float]:
    """(MB, frames per second, ms per frame rewriting the scene) of one scenario's page."""
    from tests.chromium import Browser, page_url
    from viewer.cli import main

    page = folder / f"{name}.html"
    assert main(["share", str(ROOT / "scenarios" / f"{name}.yaml"), "-o", str(page), "--quiet"]) == 0
    browser = Browser()
    try:
        browser.open(page_url(page), 390, 844, mobile=True)
        browser.wait_for("document.body.dataset.ready === '1' && musclePage.playing && musclePage.frames > 10")
        time.sleep(1.0)  # past the first frames' compiling
        fps = float(browser.evaluate(MEASURE))
        update = float(browser.evaluate("musclePage.updateMs"))
    finally:
        browser.close()
    return page.stat().st_size / 2**20, fps, update


def main(names: list[str]) -> int:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    worst = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            mb, fps, update = measure(name, Path(folder))
            worst = min(worst, fps)
            print(f"{name:18s} {mb:5.1f} MB  {fps:5.1f} frames/s  {update:5.1f} ms/frame rewriting the scene"
                  f"  {'ok' if fps >= GOAL_FPS and mb <= 12 else 'BELOW GOAL'}")
    return 0 if worst >= GOAL_FPS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(SCENARIOS)))
