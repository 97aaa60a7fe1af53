"""Where the project's data and the user's cache live."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
MESHES_DIR = PROJECT_ROOT / "meshes"
SCENARIOS_DIR = PROJECT_ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIOS_DIR / "leg_raise.yaml"


def cache_dir() -> Path:
    """Per-user cache (compiled models); MUSCLE_VIEWER_CACHE overrides it."""
    override = os.environ.get("MUSCLE_VIEWER_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "muscle-viewer"
