"""What render draws, made in core: the one contract between them (DESIGN §3).

A FrameFeed is a scenario bound to its kinematics and colouring, seen from render's side: the
static description (model meshes and muscles, scenario texts, posture, props, landmarks, the
angle read-out) and batches of frames with their colours and overlay values. Render gets a feed and batches;
it has no way to sample kinematics itself (a FrameFeed has no `sample`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .overlay_values import OverlayValues
from ..view.playback import BATCH
from ..scenario.props import Props

OVERVIEW_FPS = 6.0  # samples per second of the scenario used to frame the camera and size the floor


@dataclass
class FrameBatch:
    """Frames of a batch with the colours to draw them in."""

    frames: "Frames"  # viewer.core.motion.frames.Frames (not imported: nothing here needs it at run time)
    rgb: np.ndarray  # (F, M, 3) in [0, 1]
    strength: np.ndarray  # (F, M) in [0, 1]: 0 in the neutral band, 1 at the colour limit
    times: np.ndarray  # (F,) scenario seconds (as shown on the clock)
    values: OverlayValues  # the words and numbers drawn over each frame (clock, distances, movers)

    def __len__(self) -> int:
        return len(self.frames)


class FrameFeed:
    def __init__(self, kin, colouring):
        self._kin = kin
        self.colouring = colouring
        self.model = kin.model
        self.scenario = kin.scenario
        self.posture_rotation = kin.posture_rotation
        self.free_root = kin.free_root
        self.landmark_names = list(kin.landmark_names)
        self.recordings = getattr(kin, "recordings", None)  # a lab's GRF and markers (their frames come with each batch)
        self._values: OverlayValues | None = None

    @cached_property
    def props(self) -> Props:
        return Props(self._kin)

    @cached_property
    def readout(self) -> "AngleReadout":
        return AngleReadout(self._kin)

    def phase_movers(self, count: int = 3):
        """The muscles that change most in each phase (the 3D labels), measured here in core."""
        from ..view.movers import PhaseMovers

        cache = self.__dict__.setdefault("_movers", {})
        if count not in cache:
            cache[count] = PhaseMovers(self._kin, count)
        return cache[count]

    @cached_property
    def overview(self) -> "Frames":
        """The whole exercise at a few frames per second: what the camera keeps in view."""
        return self._kin.sample(self._kin.times(OVERVIEW_FPS))

    def caption(self, phase) -> str:
        """A phase's caption as drawn: live placeholders such as {iliacus_r.change} filled in."""
        from ..view.captions import caption_text

        return caption_text(self._kin, phase)

    def batch(self, times, direction=None) -> FrameBatch:
        times = np.atleast_1d(np.asarray(times, float))
        frames = self._kin.sample(times)
        rgb, strength = self.colouring.paint(frames, direction)
        return FrameBatch(frames, rgb, strength, times, self.values(frames))

    def values(self, frames) -> OverlayValues:
        """The overlay values of sampled frames (a batch's, or the window's whole scenario): render
        draws these and measures nothing itself. The last one is kept, as a window asks per frame."""
        if self._values is None or self._values.frames is not frames:
            self._values = OverlayValues(self, frames)
        return self._values

    def batches(self, times, direction=None, size: int = BATCH):
        """Batches over a long list of times (an export), each sampled in one kinematics call."""
        times = np.asarray(times, float)
        direction = np.ones_like(times) if direction is None else np.asarray(direction, float)
        for start in range(0, times.size, size):
            chunk = slice(start, start + size)
            yield self.batch(times[chunk], direction[chunk])

    def with_colouring(self, colouring) -> "FrameFeed":
        """The same scenario in other colours (a shared compare scale, another source)."""
        feed = FrameFeed(self._kin, colouring)
        feed.__dict__.update({k: v for k, v in self.__dict__.items() if k in ("props", "readout", "overview")})
        return feed


# Joints whose angle says where or how the limb is turned, not how far it bends: a read-out of
# them ('Shoulder elevation plane −54°', 'Pronation 85°') means nothing to a patient.
UNREADABLE_JOINTS = ("elv_angle", "shoulder_rot", "pro_sup", "deviation", "axial_rotation", "subtalar")


def _leg_words(label: str, legs: dict) -> str:
    """'Right knee flexion' → 'Front knee flexion' for a leg joint in a split stance."""
    side, _, rest = label.partition(" ")
    if side.lower() in legs and rest.split(" ")[0] in ("hip", "knee", "ankle"):
        return legs[side.lower()].split()[0].capitalize() + " " + rest
    return label


class AngleReadout:
    """The angle that moves most in the current phase, in words ('Hip flexion 45°', 'Left knee flexion 5°':
    never 'Knee flexion l 5°', which reads as 15°)."""

    def __init__(self, kin):
        from ..view.captions import spoken_name
        from ..view.movers import split_stance

        legs = split_stance(kin)  # a lunge: 'Front knee flexion', not 'Right knee flexion'
        model, scenario = kin.model, kin.scenario
        names = []
        for key in scenario.keyframes:
            names += [n for n in key.pose if n not in names]
        self._channels = []  # (label, qpos address, factor to user units)
        readable = []  # per channel: an angle a patient reads (a bend or a raise, not a plane or a twist)
        # A joint no muscle crosses (OpenCap's torque-driven arms) says nothing about the muscles shown.
        muscled = getattr(model, "muscled_joints", None)
        for name in names:
            alias = model.aliases.get(name)
            joint_name, sign = next(iter(alias.joints.items())) if alias else (name, 1)
            joint = model.joints.get(joint_name)
            if joint is None or joint.kind != "hinge" or (muscled and joint_name not in muscled):
                continue
            self._channels.append((_leg_words(spoken_name(name), legs), joint.qposadr, sign * 180.0 / np.pi))
            readable.append(not any(part in joint_name for part in UNREADABLE_JOINTS))
        spans = list(scenario.phases)
        ends = kin.sample(sorted({0.0, scenario.duration, *[t for p in spans for t in (p.start, p.end)]}))
        values = self._values(ends.qpos)  # (T, C)
        at = {round(float(t), 9): values[k] for k, t in enumerate(ends.times)}
        self._overall = self._pair = None
        if self._channels:
            # Over the whole motion, not its two ends: a squat or a stride comes back to where it began.
            steps = max(2, min(int(scenario.duration * READOUT_FPS) + 1, READOUT_SAMPLES))
            moved = np.ptp(self._values(kin.sample(np.linspace(0.0, scenario.duration, steps)).qpos), axis=0)
            # read the bends and raises first: 'Shoulder elevation plane −54°' tells a patient nothing
            self._plain = np.array(readable) & (moved > 0.5)
            moved = np.where(self._plain, moved, 0.0) if self._plain.any() else moved
            order = [int(c) for c in np.argsort(-moved) if moved[c] > 0.5]
            self._overall = order[0] if order else int(np.argmax(moved))
            if not spans and order:  # a recorded motion: the two joints that move most (one side of a pair)
                first = _unsided(self._channels[order[0]][0])
                second = next((c for c in order[1:] if _unsided(self._channels[c][0]) != first), None)
                self._pair = (order[0], second) if second is not None else None
        self._main = {}
        for p in spans:
            moved = np.abs(at[round(p.start, 9)] - at[round(p.end, 9)]) if self._channels else None
            if moved is not None and (self._plain & (moved > 0.5)).any():
                moved = np.where(self._plain, moved, 0.0)
            self._main[id(p)] = int(np.argmax(moved)) if moved is not None and moved.max() > 0.5 else self._overall

    def _values(self, qpos: np.ndarray) -> np.ndarray:
        if not self._channels:
            return np.zeros((qpos.shape[0], 0))
        return np.stack([qpos[:, adr] * f for _, adr, f in self._channels], axis=1)

    def text(self, qpos: np.ndarray, phase) -> str:
        if phase is None and self._pair is not None:
            return "\n".join(self._one(c, qpos) for c in self._pair)
        c = self._main.get(id(phase), self._overall) if phase is not None else self._overall
        if c is None:
            return ""
        return self._one(c, qpos)

    def _one(self, c: int, qpos: np.ndarray) -> str:
        label, adr, factor = self._channels[c]
        return f"{label} {int(round(qpos[adr] * factor))}°"  # whole degrees, never '-0°'


READOUT_FPS = 10.0  # samples per second the read-out's joints are chosen from
READOUT_SAMPLES = 200


def _unsided(label: str) -> str:
    """'Knee flexion r' and 'Knee flexion l' are one joint for the read-out."""
    for suffix in (" r", " l", " right", " left"):
        if label.endswith(suffix):
            return label[:-len(suffix)]
    return label
