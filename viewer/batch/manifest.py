"""The manifest beside a batch's outputs: what each output was made from, and its checksum.

OUT/manifest.json holds, per output, its inputs (the scenario file's and the model's content
hashes, the job's options, the package version) and the file's sha256, size and time. A re-run
skips an output whose inputs are unchanged and whose file is still the one recorded (same size
and modification time; `--verify` reads it again and compares the sha256), and renders the rest.
The manifest is written atomically after every finished output, so an interrupted batch
resumes where it stopped.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from viewer import __version__
from viewer.core.base.files import atomic_write_text

from .jobs import Job, Result, file_digest, inputs_key

NAME = "manifest.json"
FORMAT = 1


def _sha256(path: str | Path) -> str:
    return file_digest(path)[0]


@lru_cache(maxsize=None)
def scenario_hash(path: str) -> str:
    return _sha256(path)


@lru_cache(maxsize=None)
def model_hash(scenario_path: str) -> str:
    """Content hash of what the scenario's model is built from: for a catalogue model the
    catalogue files, the prop meshes and the myo-sim and MuJoCo versions; for a model file its
    bytes and MuJoCo's version."""
    import mujoco

    from viewer.core.base.catalogue import load_catalogue
    from viewer.core.base.paths import MESHES_DIR
    from viewer.core.scenario.read import load_scenario

    scenario = load_scenario(scenario_path)
    h = hashlib.sha256(f"mujoco {mujoco.__version__}".encode())
    if scenario.model in load_catalogue().models:
        import myo_sim

        h.update(f"{scenario.model}|myo-sim {getattr(myo_sim, '__version__', '?')}".encode())
        files = sorted(MESHES_DIR.glob("*.yaml")) + sorted((MESHES_DIR / "props").glob("*"))
    else:
        path = Path(scenario.model)
        files = [path if path.is_absolute() else scenario.base_dir / path]
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(_sha256(f).encode())
    return h.hexdigest()


def job_inputs(job: Job) -> dict:
    return {"scenario": os.path.basename(job.scenario), "scenario_sha256": scenario_hash(job.scenario),
            "model_sha256": model_hash(job.scenario), "options": job.options(), "version": __version__}


class Manifest:
    def __init__(self, out: str | Path):
        self.path = Path(out) / NAME
        self.entries: dict[str, dict] = {}
        self.note = ""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT and isinstance(data.get("outputs"), dict):
                self.entries = data["outputs"]
            else:
                self.note = f"{self.path}: not a manifest this version reads; every output is made again"
        except FileNotFoundError:
            pass
        except (OSError, ValueError, AttributeError):
            self.note = f"{self.path}: unreadable; every output is made again"

    def current(self, job: Job, out: Path, verify: bool = False) -> bool:
        """Whether job's output is there, made from these inputs, and unchanged since."""
        entry = self.entries.get(job.name)
        if not entry or entry.get("inputs_key") != inputs_key(job_inputs(job)):
            return False
        try:
            info = (out / job.name).stat()
        except OSError:
            return False
        if info.st_size != entry.get("bytes") or info.st_mtime_ns != entry.get("mtime_ns"):
            return False
        return not verify or _sha256(out / job.name) == entry.get("sha256")

    def record(self, job: Job, result: Result, out: Path) -> None:
        inputs = job_inputs(job)
        info = (out / job.name).stat()
        self.entries[job.name] = {"inputs": inputs, "inputs_key": inputs_key(inputs), "sha256": result.sha256,
                                  "bytes": result.bytes, "mtime_ns": info.st_mtime_ns, "frames": result.frames,
                                  "seconds": round(result.seconds, 3), "worker": result.worker}
        self.save()

    def forget(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self.save()

    def save(self) -> None:
        data = {"format": FORMAT, "generator": f"muscle-viewer {__version__}",
                "outputs": dict(sorted(self.entries.items()))}
        atomic_write_text(self.path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
