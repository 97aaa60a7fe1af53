"""How smooth the flat muscles' surfaces are: the sharpest angle between neighbouring faces of
each sheet, over every shipped exercise (the number behind core/shape/sheets.SMOOTH_LIMIT_DEG).

    python tools/sheet_smoothness.py [--fps 4] [SCENARIO ...]

Per scenario: the worst angle and the three sheets that reach the most, with the frame, the
direction (around a ring or along from ring to ring) and the face. Measured as
tests/test_shapes_render.py measures it: on the bellies, the two tendon rings at each end left out.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the worktree's viewer, also when run by path


def face_angles(whole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Degrees between neighbouring quads of one sheet's (rings, K, 3) loops, around each ring
    and along from ring to ring, on the bellies (the tendon ends close the sheet)."""
    grid = whole[2:-2]
    a, b = grid[:-1], grid[1:]  # face (j, k): corners a[k], a[k+1], b[k+1], b[k]
    n = np.cross(np.roll(b, -1, axis=1) - a, b - np.roll(a, -1, axis=1))
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    around = np.degrees(np.arccos(np.clip(np.sum(n * np.roll(n, -1, axis=1), -1), -1, 1)))
    along = np.degrees(np.arccos(np.clip(np.sum(n[1:] * n[:-1], -1), -1, 1)))
    return around, along


def scenario_sheets(path: Path, fps: float) -> dict[str, tuple[float, int, str, tuple[int, int]]]:
    """Per sheet (named by its first fascicle): (worst angle, frame, around/along, face)."""
    import pyvista as pv

    from viewer.core.model.binding import load_checked
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.scene import Scene, SceneStyle

    scenario, model = load_checked(path)
    kin = model.kinematics(scenario)
    frames = kin.sample(kin.times(fps))
    plotter = pv.Plotter(off_screen=True, window_size=(64, 64))
    style = SceneStyle(bones=False, floor=False, muscle_style="shapes")
    scene = Scene(plotter, FrameFeed(kin, Colouring(kin)), frames, style, focus_groups=[])
    worst: dict[str, tuple[float, int, str, tuple[int, int]]] = {}
    colours = scene.paint(np.full((len(model.muscles), 3), 0.5))
    for tubes in scene.tubes:
        sheet = tubes.sheet
        if sheet is None or not sheet.sheets:
            continue
        for i in range(len(frames)):
            scene.update(frames, i, colours)
            points = tubes.sheet_points.astype(float)
            for w, (members, _) in enumerate(sheet.sheets):
                K, start = sheet.loops[w], sheet.offsets[w]
                around, along = face_angles(points[start:start + sheet.rings * K].reshape(sheet.rings, K, 3))
                name = model.muscles[tubes.muscles[tubes.layout.strand_muscle[members[0]]]].name
                which, angles = ("around", around) if around.max() >= along.max() else ("along", along)
                if angles.max() > worst.get(name, (-1.0,))[0]:
                    face = np.unravel_index(np.argmax(angles), angles.shape)
                    worst[name] = (float(angles.max()), i, which, (int(face[0]), int(face[1])))
    plotter.close()
    return worst


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", help="scenario files (default: every shipped MyoFullBody one)")
    parser.add_argument("--fps", type=float, default=4.0)
    args = parser.parse_args(argv)
    from viewer.core.shape.sheets import SMOOTH_LIMIT_DEG

    paths = [Path(p) for p in args.scenarios] or sorted((ROOT / "scenarios").glob("*.yaml"))
    overall = 0.0
    for path in paths:
        worst = scenario_sheets(path, args.fps)
        if not worst:
            continue  # a model without flat muscles split into fascicles (the OpenSim arms and legs)
        top = sorted(worst.items(), key=lambda kv: -kv[1][0])[:3]
        overall = max(overall, top[0][1][0])
        print(f"{path.stem}: worst {top[0][1][0]:.1f}°  " + "; ".join(
            f"{name} {a:.1f}° (frame {i}, {which}, face {face})" for name, (a, i, which, face) in top), flush=True)
    print(f"every scenario: {overall:.1f}° (limit {SMOOTH_LIMIT_DEG:g}°)")
    return 0 if overall < SMOOTH_LIMIT_DEG else 1


if __name__ == "__main__":
    sys.exit(main())
