"""Optional extras: which scenarios need one that is not installed, and the one-line install hint.

A default install (`bash scripts/run.sh`) leaves the OpenSim extra out, yet the library ships an
OpenSim exercise. Such a scenario is not broken: the app greys it with the hint and `validate`
reports it as skipped, both with the same words.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

# model file suffix → (module the extra provides, what needs it, the extra's name)
EXTRAS = {".osim": ("opensim", "OpenSim models", "opensim")}


def install_hint(suffix: str) -> str:
    _, what, extra = EXTRAS[suffix]
    return f"{what} need the optional extra: pip install -e \".[{extra}]\""


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a half-installed package
        return False


def missing_extra(scenario) -> str | None:
    """The install hint when the model `scenario` names needs an extra that is not installed."""
    suffix = Path(str(scenario.model)).suffix.lower()
    if suffix in EXTRAS and not installed(EXTRAS[suffix][0]):
        return install_hint(suffix)
    return None
