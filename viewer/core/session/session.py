"""A loaded scenario, ready to show: model, kinematics, one sampled batch and its colours.

The app keeps one Session per open scenario. Opening a new one either fully succeeds or
raises ViewerError, so the previous Session stays untouched on a bad file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ..analysis.lengths import relative_rate
from ..analysis.colour import Colouring
from .feed import FrameFeed
from ..model.binding import bind, load_model
from .lab import LabInput, attach_recordings, load_any
from ..motion.frames import Frames
from ..motion.kinematics import Kinematics
from ..scenario.format import Scenario
from ..scenario.check import check_against_model

PLAY_FPS = 60.0  # samples per second of scenario time kept for playback and plots


@dataclass
class Session:
    path: Path
    scenario: Scenario
    kin: Kinematics
    frames: Frames
    colouring: Colouring
    fps: float = PLAY_FPS
    lab: LabInput | None = None  # a lab's motion file: the model (and --clamp) it was opened with
    notes: tuple[str, ...] = ()  # the motion's notes (clamped rows, skipped columns), for the status bar
    _feed: FrameFeed | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def open(cls, path: str | Path, fps: float = PLAY_FPS, colour_source: str | None = None,
             lab: LabInput | None = None) -> "Session":
        notes: list[str] = []
        scenario, model = load_any(path, lab, notes)
        kin = bind(model, scenario)
        attach_recordings(kin, lab)
        frames = kin.sample(kin.times(fps))
        return cls(Path(path), scenario, kin, frames, Colouring(kin, colour_source, frames=frames), fps, lab,
                   tuple(notes))

    @classmethod
    def from_scenario(cls, scenario: Scenario, model=None, fps: float = PLAY_FPS,
                      colour_source: str | None = None) -> "Session":
        """A Session for a scenario held in memory (the editor's), checked like a file."""
        if model is None:
            model = load_model(scenario.model, scenario.base_dir)
        check_against_model(scenario, model)
        kin = bind(model, scenario)
        frames = kin.sample(kin.times(fps))
        path = scenario.path or scenario.base_dir / "untitled.yaml"
        return cls(Path(path), scenario, kin, frames, Colouring(kin, colour_source, frames=frames), fps)

    @property
    def model(self):
        return self.kin.model

    @cached_property
    def inputs(self) -> dict:
        """The files this session shows, by identity: the scenario, its model and meshes, its props' meshes."""
        from ..base.files import identities
        from ..scenario.props import mesh_path

        found = dict(self.model.inputs)
        found.update(identities([self.scenario.path] + [mesh_path(p.mesh, self.scenario.base_dir)
                                                        for p in self.scenario.props]))
        return found

    def refuse_output(self, path, saving_scenario: bool = False) -> None:
        """ViewerError when an output of the app (a video, a still, a page, a scenario saved
        elsewhere) would replace a file this session reads; saving the scenario onto itself is a save."""
        from ..base.files import identities, refuse_input

        inputs = dict(self.inputs)
        if saving_scenario:
            for key in identities([self.scenario.path]):
                inputs.pop(key, None)
        refuse_input(path, inputs, "the open scenario")

    @property
    def duration(self) -> float:
        return self.scenario.duration

    def index_at(self, t: float) -> int:
        return int(np.clip(round(t * self.fps), 0, len(self.frames) - 1))

    def recolour(self, source: str) -> None:
        self.colouring = Colouring(self.kin, source, frames=self.frames)

    @property
    def feed(self) -> FrameFeed:
        """What render draws of this session (bone and muscle frames, colours, read-outs); a new
        one whenever the colouring is replaced (a recolour, the compare window's shared scale)."""
        if self._feed is None or self._feed.colouring is not self.colouring:
            self._feed = FrameFeed(self.kin, self.colouring)
        return self._feed

    @cached_property
    def percent_change(self) -> np.ndarray:
        """(F, M) length change since t = 0, %."""
        return (self.frames.lengths / self.frames.lengths[0] - 1.0) * 100.0

    @cached_property
    def rates(self) -> np.ndarray:
        """(F, M) relative lengthening rate, %/s."""
        return relative_rate(self.kin, self.frames)
