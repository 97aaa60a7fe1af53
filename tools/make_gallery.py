"""Regenerate docs/gallery/: every shipped scenario at the moments a patient looks.

    python tools/make_gallery.py [--out docs/gallery] [--size 640x400] [SCENARIO ...]
    python tools/make_gallery.py --before REV --out /tmp/before_after
        the shape stills (squat, seated knee extension, crunch, glute bridge, plank, curl close-up)
        drawn by git revision REV's own code and scenarios beside this tree's, side by side
        (tools/make_shape_stills.py's gallery: one list of stills for both)

For each scenario: its start, the end of each phase, and the top of the movement (the phase end
farthest from the start pose), each in the scenario's own view and one other. The pictures come
from `muscle-viewer snapshot`'s own code (the saved view state, render_still, a paused frame);
they are written as palette PNGs so the folder stays small, with an index.md that lists them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the worktree's viewer, also when run by path

SCENARIOS = ROOT / "scenarios"
OTHER_VIEW = {"left": "three-quarter", "right": "three-quarter", "three-quarter": "front",
              "front": "three-quarter", "back": "three-quarter", "top": "left"}
COLOURS = 256  # palette (octree: keeps the small legend swatches and muscle colours); a seventh of full colour


def moments(kin) -> list[tuple[float, str]]:
    """(time, words) of the start, each phase end and the top; the top is the phase end farthest
    from the start pose (joint space), named on its own line so a reader finds it."""
    scenario = kin.scenario
    ends = [(0.0, "start")] + [(p.end, f"end of “{p.name}”") for p in scenario.phases]
    if not scenario.phases:
        ends.append((scenario.duration, "end"))
    qpos = kin.sample([t for t, _ in ends]).qpos
    top = int(np.argmax(np.linalg.norm(qpos - qpos[0], axis=1)))
    out = []
    for k, (t, words) in enumerate(ends):
        if any(abs(t - s) < 1e-9 for s, _ in out):
            continue
        out.append((t, f"{words}, paused at the top (the turn farthest from the start)" if k == top and k else words))
    return out


def save_png(image: np.ndarray, path: Path) -> int:
    from PIL import Image

    picture = Image.fromarray(image[..., :3]).quantize(COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    tmp = path.with_suffix(".tmp.png")
    picture.save(tmp, optimize=True)
    tmp.replace(path)
    return path.stat().st_size


def render_scenario(path: Path, out: Path, size: tuple[int, int]) -> list[str]:
    """Pictures of one scenario; returns its index.md lines."""
    from viewer.commands.common import load, view_output
    from viewer.render.export import render_still

    scenario, _, kin = load(str(path))
    own = (scenario.camera or {}).get("view", "left")
    views = [own, OTHER_VIEW.get(own, "three-quarter")]
    shots = moments(kin)
    lines = [f"## {scenario.title}", "", f"`scenarios/{path.name}` — {scenario.summary}", "",
             "| moment | " + " | ".join(f"{v} view" + (" (its own)" if v == own else "") for v in views) + " |",
             "|---|" + "---|" * len(views)]
    cells = {t: [] for t, _ in shots}
    for view in views:
        feed, options = view_output(str(path), view if view != own else None, size=size, anti_aliasing="msaa")
        for t, _ in shots:  # one still each, exactly as `snapshot` renders it
            name = f"{path.stem}_{t:05.2f}s_{view}.png".replace(".", "-", 1).replace("-png", ".png")
            save_png(render_still(feed, t, options), out / name)
            cells[t].append(f"![{scenario.title}, {t:g} s, {view} view]({name})")
    for t, words in shots:
        lines.append(f"| {t:g} s: {words} | " + " | ".join(cells[t]) + " |")
    return lines + [""]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", help="scenario files (default: every file in scenarios/)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "gallery"))
    parser.add_argument("--size", default="640x400")
    parser.add_argument("--before", metavar="REV", help="before/after shape stills against this git revision")
    args = parser.parse_args(argv)
    if args.before:
        from tools.make_shape_stills import gallery

        gallery(args.before, Path(args.out) if args.out != parser.get_default("out") else ROOT / "docs" / "images" / "shapes")
        return 0
    from viewer.render.export import parse_size

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in args.scenarios] or sorted(SCENARIOS.glob("*.yaml"))
    if not args.scenarios:  # a full run replaces the whole gallery: no picture of a renamed scenario stays
        for old in out.glob("*.png"):
            old.unlink()
    body = []
    for path in paths:
        print(f"{path.name} …", file=sys.stderr)
        body += render_scenario(path, out, parse_size(args.size))
    header = ["# Gallery", "",
              "Every shipped scenario at the moments a patient looks: its start, the end of each phase and the top "
              "of the movement, paused, in its own view and one other. Regenerate with "
              "`python tools/make_gallery.py` (the same pictures as `muscle-viewer snapshot`).", ""]
    if not args.scenarios:
        (out / "index.md").write_text("\n".join(header + body), encoding="utf-8")
    total = sum(p.stat().st_size for p in out.glob("*.png"))
    print(f"wrote {out}: {len(list(out.glob('*.png')))} pictures, {total / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
