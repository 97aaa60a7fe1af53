"""Stills of the muscle shapes, and a before/after gallery of them.

    python tools/make_shape_stills.py [OUT_DIR]
        the README's stills (docs/images/ by default): each exercise whole body and close up
    python tools/make_shape_stills.py --gallery REV [OUT_DIR]
        the same stills drawn by the code of git revision REV and by this tree, side by side
        (docs/images/shapes/ by default): before_after_<name>.png

A close-up keeps the scenario's view direction and moves the camera toward one body part.
The "before" stills are drawn by REV's own code and scenarios (a `git archive` of it in a
temporary folder), with this file's list of stills.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# (file name, scenario, time, close-up: (view, on these bodies, how much closer) or None)
STILLS = [
    ("bodyweight_squat", "bodyweight_squat", 2.0, None),
    ("seated_knee_extension", "seated_knee_extension", 1.0, None),
    ("crunch", "crunch", 1.0, None),
    ("crunch_close", "crunch", 1.0, ("three-quarter", ["pelvis", "torso"], 2.2)),
    ("glute_bridge", "glute_bridge", 2.0, None),
    ("plank", "plank", 3.0, None),
    ("bicep_curl_close", "bicep_curl", 1.5, ("left", ["humerus_l", "radius_l"], 2.6)),
    ("leg_raise", "leg_raise", 1.25, None),
    ("leg_raise_close", "leg_raise", 1.25, (None, ["pelvis", "femur_r"], 2.4)),
]
GALLERY = ["bodyweight_squat", "seated_knee_extension", "crunch", "glute_bridge", "plank", "bicep_curl_close"]


def draw(out: Path, names: list[str] | None = None, root: Path = ROOT) -> None:
    """shapes_<name>.png for each still (all, or those named) with the code on sys.path and
    the scenarios of `root`."""
    from viewer.commands.common import load
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render import export
    from viewer.render.export import STILL

    # today's export opens a Stage with open_stage; an older revision's Stage took (feed, options)
    open_stage = getattr(export, "open_stage", None) or export.Stage

    out.mkdir(parents=True, exist_ok=True)
    for name, scenario_name, t, close in STILLS:
        if names and name not in names:
            continue
        scenario, model, kin = load(str(root / "scenarios" / f"{scenario_name}.yaml"))
        colouring = Colouring(kin)
        frames = kin.sample([t])
        stage = open_stage(FrameFeed(kin, colouring), replace(STILL, view=close[0]) if close else STILL)
        try:
            stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])
            if close:
                target = np.mean([frames.body_pos[0, model.body_id(b)] for b in close[1]], axis=0)
                _closer(stage, target, close[2])
                stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])  # labels for this camera
            stage.plotter.render()
            stage.plotter.screenshot(str(out / f"shapes_{name}.png"))
        finally:
            stage.close()
        print(f"wrote {out}/shapes_{name}.png", flush=True)


def _closer(stage, target, closer: float) -> None:
    camera = stage.plotter.renderer.GetActiveCamera()
    position, focal = np.array(camera.GetPosition()), np.array(camera.GetFocalPoint())
    camera.SetFocalPoint(*target)
    camera.SetPosition(*(target + (position - focal) / closer))
    stage.plotter.renderer.ResetCameraClippingRange()


def gallery(rev: str, out: Path) -> None:
    """before_after_<name>.png: REV's still on the left, this tree's on the right."""
    from PIL import Image, ImageDraw, ImageFont

    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
        Path(tmp, "old.tar").write_bytes(archive)
        with tarfile.open(Path(tmp, "old.tar")) as tar:
            tar.extractall(old, filter="data")
        # REV's code and scenarios draw this list of stills (its code may not read today's files).
        env = dict(os.environ, PYTHONPATH=str(old))
        subprocess.run([sys.executable, __file__, "--draw-with", str(old), str(Path(tmp) / "before"), *GALLERY],
                       check=True, env=env, cwd=old)
        draw(Path(tmp) / "after", GALLERY)
        out.mkdir(parents=True, exist_ok=True)
        font = ImageFont.load_default(size=22)
        for name in GALLERY:
            # half size: the pair stays one readable picture of modest size
            a, b = (Image.open(Path(tmp) / side / f"shapes_{name}.png").convert("RGB").reduce(2)
                    for side in ("before", "after"))
            pair = Image.new("RGB", (a.width + b.width + 12, max(a.height, b.height) + 36), "white")
            pair.paste(a, (0, 36))
            pair.paste(b, (a.width + 12, 36))
            pen = ImageDraw.Draw(pair)
            pen.text((12, 6), f"before ({rev})", fill="black", font=font)
            pen.text((a.width + 24, 6), "after", fill="black", font=font)
            pair.save(out / f"before_after_{name}.png")
            print(f"wrote {out}/before_after_{name}.png", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("names", nargs="*", help="only these stills")
    parser.add_argument("--gallery", metavar="REV", help="before/after pairs against this git revision")
    parser.add_argument("--draw-with", type=Path, help=argparse.SUPPRESS)  # the code of another revision
    args = parser.parse_args()
    if args.draw_with:
        sys.path.insert(0, str(args.draw_with))
        draw(args.out, args.names, args.draw_with)
    elif args.gallery:
        sys.path.insert(0, str(ROOT))
        gallery(args.gallery, args.out or ROOT / "docs" / "images" / "shapes")
    else:
        sys.path.insert(0, str(ROOT))
        draw(args.out or ROOT / "docs" / "images", args.names)


if __name__ == "__main__":
    main()
