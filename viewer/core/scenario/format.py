"""What a scenario is, format 1 (DESIGN §5): its keys and the Scenario, Keyframe, Phase and Measure records.

Reading (with file:line messages), checking against a model and writing live beside this in
their own modules; all of them share these keys, so the format is written down once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .contact_rules import ContactSpec
from ..base.easing import DEFAULT_EASE
from ..base.errors import Problem, display_path
from ..view.playback import LOOP_MODES
from .props import PropSpec
from ..base.yamlsrc import Located


FORMAT = 1
POSTURES = ("standing", "supine", "prone", "seated", "hanging")
LOOPS = LOOP_MODES
COLOUR_SOURCES = ("rate", "change", "group", "plain")  # keys of colour.SOURCES (a test keeps them equal)
SCHEMA_LINE = "# yaml-language-server: $schema=scenario.schema.json"

TOP_KEYS = ("format", "title", "summary", "model", "posture", "anchor", "loop", "lab_start", "keyframes", "phases",
            "focus", "hide", "labels", "bones", "camera", "measure", "colour", "props", "contacts")
KEYFRAME_KEYS = ("time", "pose", "ease")
PHASE_KEYS = ("name", "from", "to", "caption")
CAMERA_KEYS = ("view", "azimuth", "elevation", "zoom", "position", "focal_point", "up", "view_angle")
MAX_ZOOM = 10.0  # camera zoom: 1 fits the body; the editor offers 0.1 … 10
EXACT_CAMERA_KEYS = ("position", "focal_point", "up")  # all three or none: a camera saved from the app
MEASURE_KEYS = ("label", "from", "to")
COLOUR_KEYS = ("source", "limit", "neutral")
PROP_KEYS = ("mesh", "ride", "at", "offset", "rotate", "colour")
CONTACT_KEYS = ("body", "surface", "slide", "on")  # `on:` is the old name of `surface:` (YAML 1.1 reads it as true)


@dataclass
class Keyframe:
    time: float
    pose: dict[str, float]
    ease: str = DEFAULT_EASE  # shape of the segment that ends at this keyframe


@dataclass
class Phase:
    name: str
    start: float
    end: float
    caption: str = ""


@dataclass
class Measure:
    label: str
    start: str  # landmark names
    end: str


@dataclass
class Scenario:
    title: str
    keyframes: list[Keyframe]
    summary: str = ""
    model: str = "full-body"
    posture: str = "standing"
    anchor: str | None = None
    loop: str = "none"
    phases: list[Phase] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    hide: list[str] = field(default_factory=list)  # groups or muscles not drawn
    labels: list[str] = field(default_factory=list)  # muscles the labels beside the body name (pinned)
    bones: float | None = None  # bone opacity 0..1 (None: opaque)
    camera: dict[str, Any] = field(default_factory=dict)
    measure: list[Measure] = field(default_factory=list)
    colour: dict[str, Any] = field(default_factory=dict)
    props: list[PropSpec] = field(default_factory=list)
    contacts: list[ContactSpec] = field(default_factory=list)
    lab_start: float = 0.0  # the lab's clock at the scenario's 0 s: times are shown and written as t + lab_start
    format: int = FORMAT
    path: Path | None = field(default=None, compare=False, repr=False)
    source: Located | None = field(default=None, compare=False, repr=False)

    @property
    def duration(self) -> float:
        return self.keyframes[-1].time if self.keyframes else 0.0

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def name(self) -> str:
        return display_path(self.path) if self.path else "<scenario>"

    def phase_at(self, t: float) -> Phase | None:
        for phase in self.phases:
            if phase.start <= t <= phase.end:
                return phase
        return None

    def line(self, *path) -> int | None:
        return self.source.line(*path) if self.source else None

    def problem(self, path: tuple, message: str) -> Problem:
        return Problem(self.name, self.line(*path), message)
