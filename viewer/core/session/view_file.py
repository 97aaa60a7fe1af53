"""Saving the live view into its scenario file (View → Save view to scenario).

The view keys (`camera`, `colour`, `hide`, `bones`) are replaced in the file as written,
through the same comment-keeping save as the editor, so the author's comments stay and
`muscle-viewer export/snapshot` of the file draw what the window showed.
"""
from __future__ import annotations

import copy
from pathlib import Path

from ..base.errors import ViewerError
from ..motion.motfile import MOTION_SUFFIXES
from ..scenario.read import load_scenario
from ..scenario.text import save_text, scenario_text
from ..view.viewstate import compact_hidden


def view_scenario(scenario, state, model, camera=None):
    """A copy of `scenario` holding the view state (camera: the exact one on screen, if given)."""
    out = copy.copy(scenario)
    out.camera = (camera or state.camera).settings()
    if state.colour_source:
        out.colour = {**(scenario.colour or {}), "source": state.colour_source}
    out.hide = compact_hidden(state.hidden, model)
    out.bones = None if state.bone_opacity >= 1.0 else round(state.bone_opacity, 2)
    return out


def save_view(path, state, model, camera=None) -> Path:
    """Write the view state into the scenario file at `path`; returns the path."""
    path = Path(path)
    if path.suffix.lower() in MOTION_SUFFIXES:
        raise ViewerError(f"{path.name}: a lab's motion file is kept as it is; to save a view, make it a scenario "
                          f"first (muscle-viewer convert {path.name} {path.stem}.yaml --model MODEL)")
    if not path.exists():
        raise ViewerError(f"{path}: save the scenario first (File → Save scenario as…), then save the view into it")
    original = path.read_text(encoding="utf-8-sig")
    on_disk = load_scenario(path)
    text = scenario_text(view_scenario(on_disk, state, model, camera), path, original)
    save_text(path, text, model)
    return path
