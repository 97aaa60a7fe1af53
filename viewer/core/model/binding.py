"""Binding a scenario to a model: load the model a scenario names, check one against the other,
and make the kinematics that model provides (DESIGN §3).

The one module that knows every kind of model (catalogue, MuJoCo file, native YAML, OpenSim),
so `model`, `kinematics` and `scenario` need not import each other in circles.
"""
from __future__ import annotations

from pathlib import Path

from ..base.catalogue import load_catalogue
from ..base.files import note_reads, recording
from ..base.errors import ModelError, Problem, ScenarioError, display_path, suggest
from .model import MODEL_SUFFIXES, NATIVE_SUFFIXES, Model, _compile_file, _compile_myo_sim
from .native import read_native
from ..scenario.format import Scenario
from ..scenario.check import check_against_model
from ..scenario.read import load_scenario


_loaded: dict[str, Model] = {}
_loaded_mtime: dict[str, float | None] = {}  # a model file edited on disk is read again


def model_names() -> list[str]:
    return list(load_catalogue().models)


def load_model(name_or_path: str | Path | None = None, base_dir: Path | None = None) -> Model:
    """A catalogue name ('full-body') or a path to a MuJoCo model (relative to base_dir)."""
    catalogue = load_catalogue()
    name = str(name_or_path or catalogue.default)
    if name in catalogue.models:
        if name not in _loaded:
            entry = catalogue.models[name]
            if "myo_sim" not in entry.source:
                raise ModelError(f"catalogue entry {name!r} has no usable source")
            _loaded[name] = Model(_compile_myo_sim(entry.source["myo_sim"]), name, entry.title, entry)
        return _loaded[name]
    path = Path(name)
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    looks_like_file = path.suffix.lower() in MODEL_SUFFIXES or "/" in name or "\\" in name
    if not looks_like_file:
        raise ModelError(f"unknown model '{name}'{suggest(name, catalogue.models)}; "
                         f"built-in models: {', '.join(catalogue.models)}")
    key = str(path.resolve())
    if key not in _loaded or _loaded_mtime.get(key) != _mtime(path):
        with recording() as inputs:  # the model file and its meshes: no output may replace them
            _loaded[key] = _read_model_file(path)
        _loaded[key].inputs = inputs
        _loaded_mtime[key] = _mtime(path)
    note_reads(_loaded[key].inputs)  # a model kept from an earlier run was read for this one too
    return _loaded[key]


def _read_model_file(path: Path) -> Model:
    shown = display_path(path)
    if path.suffix.lower() == ".osim":
        from .opensim import load_opensim  # optional: needs the `opensim` extra

        return load_opensim(path, shown)
    if path.suffix.lower() in NATIVE_SUFFIXES:
        if not path.exists():
            raise ModelError([Problem(shown, None, "model file not found")])
        native = read_native(path)
        return Model(native.mj, str(path.resolve()), native.title, native.entry, shown)
    return Model(_compile_file(path, shown), str(path.resolve()), path.stem, None, shown)


def load_checked(path: str | Path):
    """Load a scenario and its model and check one against the other. Returns (scenario, model)."""
    scenario = load_scenario(path)
    try:
        model = load_model(scenario.model, scenario.base_dir)
    except ModelError as exc:
        messages = "; ".join(p.message if p.file == "muscle-viewer" else str(p) for p in exc.problems)
        raise ScenarioError([scenario.problem(("model",), messages)]) from None
    check_against_model(scenario, model)
    return scenario, model




def bind(model, scenario: Scenario):
    """The kinematics of a scenario on a model: each kind of model provides its own."""
    return model.kinematics(scenario)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
