"""File → Open, and which model a lab's motion file (.mot/.sto) goes with: asked once, then
remembered in the settings, so the next open of the same motion asks nothing."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from viewer.core.session.lab import LabInput, is_motion
from viewer.core.base.paths import SCENARIOS_DIR

OPEN_FILTER = "Scenarios, models and motions (*.yaml *.yml *.xml *.mjb *.osim *.mot *.sto);;All files (*)"
MODEL_FILTER = "OpenSim models (*.osim);;Models (*.osim *.xml *.yaml);;All files (*)"


def open_dialog(window) -> None:
    """Ask for a file and open it in `window`; a motion file also needs its model."""
    start = str(Path(window.session.path).parent if window.session else SCENARIOS_DIR)
    path, _ = QFileDialog.getOpenFileName(window, "Open scenario, model or lab motion", start, OPEN_FILTER)
    if not path:
        return
    lab = None
    if is_motion(path):
        lab = lab_model_for(window.settings, path) or ask_lab_model(window, path)
        if lab is None:
            return
    window.open_path(path, lab)


def ask_lab_model(parent, path: str) -> LabInput | None:
    model, _ = QFileDialog.getOpenFileName(parent, f"Which model is {Path(path).name} for?", str(Path(path).parent),
                                           MODEL_FILTER)
    # The app clamps values a hair outside a range, as OpenSim plays them; the status bar counts them.
    return LabInput(model=model, clamp=True) if model else None


def lab_model_for(settings, path: str) -> LabInput | None:
    """The model this motion file was last opened with."""
    pair = _pairs(settings).get(str(Path(path).resolve()))
    return LabInput(model=pair["model"], clamp=bool(pair.get("clamp"))) if pair else None


def remember_lab(settings, session) -> None:
    if session.lab is not None and session.lab.model:
        pairs = _pairs(settings)
        model = session.lab.model if Path(session.lab.model).suffix == "" else str(Path(session.lab.model).resolve())
        pairs[str(Path(session.path).resolve())] = {"model": model, "clamp": session.lab.clamp}
        settings.setValue("lab_models", json.dumps(pairs))


def _pairs(settings) -> dict:
    try:
        pairs = json.loads(settings.value("lab_models", "{}") or "{}")
    except (TypeError, ValueError):
        return {}
    return pairs if isinstance(pairs, dict) else {}
