"""Stills of the muscle shapes for docs/images/: each exercise whole body and close up.

    python tools/make_shape_stills.py [OUT_DIR]

A close-up keeps the scenario's view direction and moves the camera toward one body part.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (scenario, time, close-up view, close-up on these bodies, how much closer)
STILLS = [
    ("leg_raise", 1.25, None, ["pelvis", "femur_r"], 2.4),
    ("crunch", 1.0, "three-quarter", ["pelvis", "torso"], 2.2),
    ("bicep_curl", 1.5, "left", ["humerus_l", "radius_l"], 2.6),
]


def main(out: Path) -> None:
    from viewer.core.feed import FrameFeed
    from viewer.commands.common import load
    from viewer.core.colour import Colouring
    from viewer.render.export import STILL, Stage

    for name, t, view, bodies, closer in STILLS:
        scenario, model, kin = load(str(ROOT / "scenarios" / f"{name}.yaml"))
        colouring = Colouring(kin)
        frames = kin.sample([t])
        for close in (False, True):
            stage = Stage(FrameFeed(kin, colouring), replace(STILL, view=view) if close else STILL)
            try:
                stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])
                if close:
                    _closer(stage, np.mean([frames.body_pos[0, model.body_id(b)] for b in bodies], axis=0), closer)
                stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])  # labels for this camera
                stage.plotter.render()
                stage.plotter.screenshot(str(out / f"shapes_{name}{'_close' if close else ''}.png"))
            finally:
                stage.close()
        print(f"wrote {out}/shapes_{name}.png and shapes_{name}_close.png")


def _closer(stage, target, closer: float) -> None:
    camera = stage.plotter.renderer.GetActiveCamera()
    position, focal = np.array(camera.GetPosition()), np.array(camera.GetFocalPoint())
    camera.SetFocalPoint(*target)
    camera.SetPosition(*(target + (position - focal) / closer))
    stage.plotter.renderer.ResetCameraClippingRange()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
