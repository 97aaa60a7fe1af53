"""Stills of the muscle shapes for docs/images/: each exercise whole body and close up.

    python tools/make_shape_stills.py [OUT_DIR]

A close-up keeps the scenario's view direction and moves the camera toward one body part.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (scenario, time, close-up on these bodies, how much closer)
STILLS = [
    ("leg_raise", 1.25, ["pelvis", "femur_r"], 2.6),
    ("crunch", 1.0, ["lumbar3", "torso"], 2.6),
    ("bicep_curl", 2.0, ["humerus_r", "radius_r"], 3.2),
]


def main(out: Path) -> None:
    from viewer.commands.common import load
    from viewer.core.colour import Colouring
    from viewer.render.export import STILL, Stage

    for name, t, bodies, closer in STILLS:
        scenario, model, kin = load(str(ROOT / "scenarios" / f"{name}.yaml"))
        colouring = Colouring(kin)
        stage = Stage(kin, colouring, STILL)
        try:
            frames = kin.sample([t])
            stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])
            stage.plotter.render()
            stage.plotter.screenshot(str(out / f"shapes_{name}.png"))
            camera = stage.plotter.renderer.GetActiveCamera()
            target = np.mean([frames.body_pos[0, model.body_id(b)] for b in bodies], axis=0)
            position, focal = np.array(camera.GetPosition()), np.array(camera.GetFocalPoint())
            camera.SetFocalPoint(*target)
            camera.SetPosition(*(target + (position - focal) / closer))
            stage.plotter.renderer.ResetCameraClippingRange()
            stage.plotter.render()
            stage.plotter.screenshot(str(out / f"shapes_{name}_close.png"))
        finally:
            stage.close()
        print(f"wrote {out}/shapes_{name}.png and shapes_{name}_close.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
