"""The editor's live preview: the one pose the sliders set, sampled fast enough to follow a drag.

The pose becomes a keyframe at the current time of a copy of the edited scenario (the scenario
itself is unchanged until Add or Update keyframe). Building a Kinematics costs far more than
sampling one pose (placement on the floor, contact solver), so one is kept and takes the new
keyframes in place while that gives the same frames (Kinematics.adopt).
"""
from __future__ import annotations

import copy

from ..model.binding import bind
from ..scenario.format import Keyframe, Scenario

SAME_TIME = 1e-6  # seconds: a keyframe this close to the current time is the one the sliders replace


class PosePreview:
    def __init__(self, edit):
        """edit: the ScenarioEdit whose scenario and model the preview shows."""
        self.edit = edit
        self._kin = None
        self.builds = 0  # Kinematics built, for tests

    def scenario(self, values: dict[str, float], touched: list[str], t: float) -> Scenario:
        """The edited scenario with the sliders' pose as a keyframe at time t."""
        s = copy.copy(self.edit.scenario)
        keys = [k for k in s.keyframes if abs(k.time - t) > SAME_TIME]
        pose = self.edit.pose_for(values, touched, None)
        ease = next((k.ease for k in s.keyframes if abs(k.time - t) <= SAME_TIME), "smooth")
        s.keyframes = sorted(keys + [Keyframe(t, pose, ease)], key=lambda k: k.time)
        return s

    def frames(self, values: dict[str, float], touched: list[str], t: float):
        """Frames (one) of the sliders' pose at time t."""
        scenario = self.scenario(values, touched, t)
        adopt = getattr(self._kin, "adopt", None)  # models with kinematics of their own build each time
        if adopt is None or not adopt(scenario):
            self._kin = bind(self.edit.model, scenario)
            self.builds += 1
        return self._kin.sample([t])
