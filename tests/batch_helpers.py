"""Shared by the batch tests: a small copy of the example plan, and what a person checks in
its outputs (decoded frames, PNG pixels, frame counts, leftovers)."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.conftest import ROOT, SCENARIOS

SMALL = "128x96"  # small and low frame rate: the tests stay fast, every code path still runs
FPS = 2
NAMES = ("leg_raise", "reverse_crunch", "crunch")


def small_library(root: Path, names=NAMES, views=("left", "three-quarter")) -> Path:
    """root/scenarios/*.yaml (copies, so a test may edit one) and root/plan.yaml: the example
    plan's shape (scenarios × views × mp4 + png) at a small size; returns the plan."""
    (root / "scenarios").mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SCENARIOS / f"{name}.yaml", root / "scenarios" / f"{name}.yaml")
    plan = root / "plan.yaml"
    plan.write_text("format: 1\nscenarios: [" + ", ".join(f"scenarios/{n}.yaml" for n in names) + "]\n"
                    f"views: [{', '.join(views)}]\nsizes: {{small: {SMALL}}}\n"
                    f"outputs: [mp4, {{png: [phase-1-end]}}]\nvideo: {{fps: {FPS}}}\n")
    return plan


def cli(*args, timeout=600, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env=env, **kw)


def frame_checksums(path: Path) -> list[str]:
    """sha256 of every decoded frame (RGB) of a video."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
    next(reader)  # the metadata
    return [hashlib.sha256(frame).hexdigest() for frame in reader]


def pixels(path: Path) -> np.ndarray:
    import imageio.v3 as iio

    return iio.imread(path)


def frame_count(path: Path) -> int:
    import imageio_ffmpeg

    from viewer.render.export import count_video_frames

    return count_video_frames(imageio_ffmpeg.get_ffmpeg_exe(), str(path))


def leftovers(folder: Path) -> list[Path]:
    """Partial files: atomic_write's temporary .NAME.*.part.SUFFIX files."""
    return sorted(p for p in folder.rglob("*") if ".part" in p.name)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())["outputs"]


def done_names(run: subprocess.CompletedProcess) -> set[str]:
    """Outputs the closing table lists as done (rendered in this run)."""
    return {line.split()[1] for line in run.stdout.splitlines() if line.startswith("done ")}


def skipped_names(run: subprocess.CompletedProcess) -> set[str]:
    return {line.split()[1] for line in run.stdout.splitlines() if line.startswith("skipped ")}


def check_consistent(out: Path, expected: dict[str, int]) -> None:
    """Every expected output is there, whole (videos: `expected` frames; PNGs: they decode), no
    partial file is left, and the manifest's checksums are the files'."""
    from viewer.batch.jobs import file_digest

    entries = manifest(out)
    assert set(entries) == set(expected)
    assert leftovers(out) == []
    for name, frames in expected.items():
        path = out / name
        assert file_digest(path) == (entries[name]["sha256"], entries[name]["bytes"]), name
        if name.endswith(".mp4"):
            assert frame_count(path) == frames == entries[name]["frames"], name
        else:
            assert pixels(path).shape[:2] == (96, 128), name
