"""Open a model file on its own: a starter scenario that moves it, written to the user's cache.

The app's Open dialog accepts model files (MuJoCo XML/MJB, our YAML models). They become an
ordinary scenario file, so everything else (validation, playback, export, Save As) applies.
"""
from __future__ import annotations

from pathlib import Path

from ..base.errors import ViewerError
from ..base.files import atomic_write_text
from ..model.binding import load_model
from ..model.model import MODEL_SUFFIXES, NATIVE_SUFFIXES
from ..base.paths import cache_dir
from ..base.yamlsrc import read_yaml
from ..scenario.template import template_text


def is_model_file(path: str | Path) -> bool:
    """MuJoCo files by suffix; a YAML file is a model when it has `bodies` and no `keyframes`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in MODEL_SUFFIXES:
        return False
    if suffix not in NATIVE_SUFFIXES:
        return True
    try:
        head = read_yaml(path).data  # the safe reader: no FIFO, no alias bomb
    except ViewerError:
        return False  # let the scenario reader report what is wrong
    return isinstance(head, dict) and "bodies" in head and "keyframes" not in head


def preview_scenario(model_path: str | Path) -> Path:
    """Write (or rewrite) the starter scenario for a model file and return its path."""
    model_path = Path(model_path).resolve()
    model = load_model(model_path)  # a broken model raises its own clear ModelError here
    target = cache_dir() / "previews" / f"{model_path.stem}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    posture = "supine" if model.root_body is not None else "standing"
    atomic_write_text(target, template_text(model, str(model_path), posture, target))
    return target
