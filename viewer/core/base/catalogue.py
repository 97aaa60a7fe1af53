"""The model catalogue in meshes/catalogue.yaml: built-in models, lay names, groups, aliases."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .paths import MESHES_DIR


@dataclass(frozen=True)
class GroupInfo:
    name: str
    colour: str
    about: str


@dataclass(frozen=True)
class AliasSpec:
    name: str
    joints: dict  # model joint → sign
    with_: dict  # other joints fixed while this alias is used (degrees)
    about: str


@dataclass(frozen=True)
class LandmarkSpec:
    name: str
    body: str
    pos: tuple
    about: str


@dataclass(frozen=True)
class ModelEntry:
    key: str
    title: str
    source: dict
    root_body: str | None
    bone_groups: tuple
    muscles: dict = field(default_factory=dict)  # model name → {name, side, group}
    trunk: tuple = ()  # bodies a lying body rests on
    # a model's own groups, aliases and landmarks (native model files), added to the shared ones
    groups: dict = field(default_factory=dict)
    aliases: dict = field(default_factory=dict)
    landmarks: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    default: str
    models: dict
    groups: dict
    aliases: dict
    landmarks: dict
    sheets: dict = field(default_factory=dict)  # flat muscle → its fascicles, right side (drawn as one sheet)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the muscle list loads 10× faster


def _read(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}


@lru_cache(maxsize=4)
def load_catalogue(folder: Path = MESHES_DIR) -> Catalogue:
    raw = _read(folder / "catalogue.yaml")
    models = {}
    for key, entry in raw["models"].items():
        muscles = _read(folder / entry["muscles"]) if entry.get("muscles") else {}
        models[key] = ModelEntry(
            key=key,
            title=entry.get("title", key),
            source=entry["source"],
            root_body=entry.get("root_body"),
            bone_groups=tuple(entry.get("bone_groups", [0])),
            trunk=tuple(raw.get("trunk", [])),
            muscles=muscles,
        )
    groups = {name: GroupInfo(name, g["colour"], g.get("about", "")) for name, g in raw["groups"].items()}
    aliases = {
        name: AliasSpec(name, dict(a["joints"]), dict(a.get("with", {})), a.get("about", ""))
        for name, a in raw["aliases"].items()
    }
    landmarks = {
        name: LandmarkSpec(name, lm["body"], tuple(float(v) for v in lm["pos"]), lm.get("about", ""))
        for name, lm in raw["landmarks"].items()
    }
    sheets = {name: tuple(members) for name, members in (raw.get("sheets") or {}).items()}
    return Catalogue(raw.get("default", next(iter(models))), models, groups, aliases, landmarks, sheets)
