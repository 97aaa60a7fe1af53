"""The editor's document: a Scenario, every edit to it as an undoable step, and its saved state.

Display-free, so every editing rule is testable without a window. Each step stores a whole
Scenario (they are small), which makes undo/redo exact and trivially correct.
"""
from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ..base.easing import DEFAULT_EASE, EASES
from ..base.errors import Problem, ViewerError
from ..motion.motfile import MOTION_SUFFIXES
from ..motion.pose_edit import joint_values_at, joints_of, keyframe_pose, pose_keys
from ..scenario.format import Keyframe, Measure, Phase, Scenario
from ..scenario.text import problems_in, save_text, scenario_text

MIN_GAP = 0.01  # seconds: two keyframes closer than this are one keyframe


class EditError(ValueError):
    """An edit that cannot be done; the message says why in the user's words."""


class ScenarioEdit:
    def __init__(self, scenario: Scenario, model, original_text: str | None = None):
        self.model = model
        self.keys = pose_keys(model)
        # A lab's motion file is never written over with YAML: its edits are saved as a new scenario.
        motion = scenario.path is not None and scenario.path.suffix.lower() in MOTION_SUFFIXES
        self.path: Path | None = None if motion else scenario.path
        self.original_text = original_text  # the file as the author wrote it: its comments are kept
        self._states = [self._copy(scenario)]
        self._labels = ["open"]
        self._at = 0
        self._saved_at = 0
        self._merge: str | None = None

    # --- history ----------------------------------------------------------------------------
    @staticmethod
    def _copy(s: Scenario) -> Scenario:
        # The parsed source's line numbers describe the file, not an edited state: drop them.
        return copy.deepcopy(replace(s, source=None))

    @property
    def scenario(self) -> Scenario:
        return self._states[self._at]

    def change(self, label: str, edit: Callable[[Scenario], object], merge: str | None = None):
        """Apply `edit` to a copy of the current state and make it the new state.

        Consecutive changes with the same `merge` tag (one slider drag, one keyframe drag)
        become a single undo step. Returns what `edit` returns.
        """
        new = self._copy(self.scenario)
        result = edit(new)
        if new == self.scenario:
            return result
        if merge is not None and merge == self._merge and self._at > 0 and self._at != self._saved_at:
            self._states[self._at] = new
        else:
            del self._states[self._at + 1:], self._labels[self._at + 1:]
            if self._saved_at > self._at:
                self._saved_at = -1  # the saved state is no longer reachable by redo
            self._states.append(new)
            self._labels.append(label)
            self._at += 1
        self._merge = merge
        return result

    def end_merge(self) -> None:
        """The drag ended: the next change starts a new undo step."""
        self._merge = None

    def undo(self) -> bool:
        self._merge = None
        if not self.can_undo:
            return False
        self._at -= 1
        return True

    def redo(self) -> bool:
        self._merge = None
        if not self.can_redo:
            return False
        self._at += 1
        return True

    @property
    def can_undo(self) -> bool:
        return self._at > 0

    @property
    def can_redo(self) -> bool:
        return self._at < len(self._states) - 1

    @property
    def undo_label(self) -> str:
        return self._labels[self._at] if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self._labels[self._at + 1] if self.can_redo else ""

    @property
    def dirty(self) -> bool:
        return self._at != self._saved_at

    # --- saving and checking ----------------------------------------------------------------
    def text(self, target: str | Path | None = None) -> str:
        where = target or self.path
        cached = getattr(self, "_text", None)  # (state, where, original, text): a round trip is not free
        if cached and cached[0] is self.scenario and cached[1] == where and cached[2] is self.original_text:
            return cached[3]
        text = scenario_text(self.scenario, where, self.original_text)
        self._text = (self.scenario, where, self.original_text, text)
        return text

    def problems(self) -> list[Problem]:
        """What `muscle-viewer validate` would print for the file Save would write now."""
        return problems_in(self.text(), self.path, self.model)

    def _kinematics(self):
        from ..model.binding import bind

        return bind(self.model, self.scenario)

    def stale_captions(self):
        """Captions quoting a % or ° the phase's numbers no longer contain (see core.captions)."""
        from ..view.captions import stale_captions

        try:
            return stale_captions(self._kinematics())
        except ViewerError:
            return []  # a state with problems: those are listed first

    def caption_notes(self) -> list[Problem]:
        """Possibly stale captions and unknown placeholders, at the lines Save would write them."""
        from ..analysis.caption_check import caption_notes
        from ..base.errors import display_path
        from ..scenario.read import scenario_from_text

        try:
            located = scenario_from_text(self.text(), display_path(self.path) if self.path else "<new scenario>",
                                         self.path)
            return caption_notes(located, self.model)
        except ViewerError:
            return []  # a state with problems: those are listed first

    def placeholder_choices(self, i: int, count: int = 4) -> list[tuple[str, str]]:
        """(what it says now, placeholder) for the muscles that change most in phase i: live
        numbers a caption can quote, e.g. ('Iliacus, right: -18.9 %', '{iliacus_r.change}')."""
        from ..analysis.lengths import summarize

        try:
            phase = summarize(self._kinematics(), top=count)[i]
        except (ViewerError, IndexError):
            return []
        model = self.model
        out = []
        for mover in phase.shortening + phase.lengthening:
            name = mover.muscles[0]
            label = model.muscles[model.muscle_index[name]].label
            out.append((f"{label}: {mover.change:+.1f} %", f"{{{name}.change}}"))
        return out

    def regenerate_captions(self) -> None:
        """Write every phase's caption again from the current numbers (one undo step)."""
        from ..analysis.caption_check import generated_captions

        captions = generated_captions(self._kinematics())

        def edit(s: Scenario) -> None:
            s.phases = [replace(p, caption=c) for p, c in zip(s.phases, captions)]

        self.change("regenerate captions", edit)

    def save(self, path: str | Path | None = None) -> Path:
        """Write atomically (refusing a file with problems) and remember this state as saved."""
        if path is None and self.path is None:
            raise EditError("choose a file name first (Save As)")
        target = Path(path if path is not None else self.path)
        text = self.text(target)
        save_text(target, text, self.model)
        self.path = target
        self.original_text = text
        for state in self._states:  # relative model paths and names now refer to the new file
            state.path = target
        self._saved_at = self._at
        self._merge = None
        return target

    # --- poses --------------------------------------------------------------------------------
    def joint_values(self, t: float) -> dict[str, float]:
        return joint_values_at(self.scenario, self.model, t)

    def exercise_keys(self) -> list[str]:
        """Pose keys the scenario already uses, in first-use order: the author's vocabulary."""
        return list(dict.fromkeys(k for key in self.scenario.keyframes for k in key.pose))

    def pose_for(self, values: dict[str, float], touched: list[str], base: dict[str, float] | None) -> dict:
        """A keyframe pose for joint `values`: the joints of `base` (or of the whole exercise)
        plus those the user touched, named with the keys the author already uses."""
        names = list(base) if base is not None else self.exercise_keys()
        wanted = joints_of({n: 0 for n in names + touched}, self.keys)
        preferred = list(reversed(touched)) + names + self.exercise_keys()
        return keyframe_pose(values, wanted, preferred, self.keys)

    # --- keyframes -------------------------------------------------------------------------------
    def index_at(self, t: float) -> int | None:
        for i, key in enumerate(self.scenario.keyframes):
            if abs(key.time - t) < MIN_GAP / 2:
                return i
        return None

    def _free(self, s: Scenario, t: float, skip: int | None = None) -> None:
        if t < 0:
            raise EditError("a keyframe cannot be before 0 s")
        for i, key in enumerate(s.keyframes):
            if i != skip and abs(key.time - t) < MIN_GAP:
                raise EditError(f"there is already a keyframe at {key.time:g} s")

    def add_keyframe(self, t: float, pose: dict[str, float], ease: str = DEFAULT_EASE) -> int:
        t = round(float(t), 3)

        def edit(s: Scenario) -> int:
            self._free(s, t)
            s.keyframes.append(Keyframe(t, dict(pose), ease))
            s.keyframes.sort(key=lambda k: k.time)
            return next(i for i, k in enumerate(s.keyframes) if k.time == t)

        return self.change(f"add keyframe at {t:g} s", edit)

    def update_keyframe(self, i: int, pose: dict[str, float]) -> None:
        self.change(f"update keyframe {i + 1}", lambda s: setattr(s.keyframes[i], "pose", dict(pose)))

    def delete_keyframe(self, i: int) -> None:
        def edit(s: Scenario) -> None:
            if len(s.keyframes) == 1:
                raise EditError("a scenario needs at least one keyframe")
            del s.keyframes[i]

        self.change(f"delete keyframe {i + 1}", edit)

    def move_keyframe(self, i: int, t: float, merge: bool = False) -> int:
        """Move keyframe i to time t (it may pass others); phase ends that sat on it move along."""
        t = round(max(0.0, float(t)), 3)

        def edit(s: Scenario) -> int:
            self._free(s, t, skip=i)
            key = s.keyframes[i]
            old, key.time = key.time, t
            for phase in s.phases:
                if abs(phase.start - old) < 1e-9:
                    phase.start = t
                if abs(phase.end - old) < 1e-9:
                    phase.end = t
            s.keyframes.sort(key=lambda k: k.time)
            return s.keyframes.index(key)

        return self.change(f"move keyframe {i + 1}", edit, merge=f"move{id(self)}" if merge else None)

    def duplicate_keyframe(self, i: int, t: float) -> int:
        key = self.scenario.keyframes[i]
        return self.add_keyframe(t, key.pose, key.ease)

    def set_ease(self, i: int, ease: str) -> None:
        if ease not in EASES:
            raise EditError(f"unknown ease '{ease}'")
        self.change(f"ease of keyframe {i + 1}", lambda s: setattr(s.keyframes[i], "ease", ease))

    # --- phases ------------------------------------------------------------------------------------
    def add_phase(self, name: str, start: float, end: float, caption: str = "") -> int:
        def edit(s: Scenario) -> int:
            phase = Phase(name, float(start), float(end), caption)
            s.phases.append(phase)
            s.phases.sort(key=lambda p: p.start)
            return next(i for i, p in enumerate(s.phases) if p is phase)

        return self.change(f"add phase '{name}'", edit)

    def update_phase(self, i: int, **fields) -> None:
        """fields: name, start, end, caption."""
        self.change(f"edit phase {i + 1}", lambda s: s.phases.__setitem__(i, replace(s.phases[i], **fields)),
                    merge=f"phase{i}{sorted(fields)}")

    def delete_phase(self, i: int) -> None:
        self.change(f"delete phase {i + 1}", lambda s: s.phases.pop(i))

    # --- everything else -----------------------------------------------------------------------------
    def set_fields(self, label: str, **fields) -> None:
        """title, summary, posture, anchor, loop, focus, camera (a dict), colour (a dict)."""
        for name in fields:
            if not hasattr(self.scenario, name) or name in ("keyframes", "phases", "measure", "path", "source"):
                raise EditError(f"'{name}' cannot be set this way")
        self.change(label, lambda s: [setattr(s, k, copy.deepcopy(v)) for k, v in fields.items()],
                    merge=f"fields{sorted(fields)}")

    def add_measure(self, label: str, start: str, end: str) -> None:
        self.change(f"add measurement '{label}'", lambda s: s.measure.append(Measure(label, start, end)))

    def update_measure(self, i: int, **fields) -> None:
        """fields: label, start, end (landmark names)."""
        self.change(f"edit measurement {i + 1}",
                    lambda s: s.measure.__setitem__(i, replace(s.measure[i], **fields)))

    def delete_measure(self, i: int) -> None:
        self.change(f"delete measurement {i + 1}", lambda s: s.measure.pop(i))
