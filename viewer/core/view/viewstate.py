"""The live view state: what the user sees, as data with change events (DESIGN §3).

One ViewState per window. It holds the scenario in memory (unsaved edits too), the colour
source, which muscles are hidden, bone opacity, the exact camera, and the playhead (time,
speed, loop). Panels subscribe to its events (as napari's evented models do) instead of being
pushed by hand, and every output — the window, PNG/MP4/GIF, the compare video, the take-home
page, the command line — renders from one, so an export is exactly what the window shows.

No Qt here: events are plain callbacks, so the rules are tested without a window.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from ..base.errors import ViewerError, suggest
from .playback import LOOP_MODES, Playhead

VIEWS = ("front", "back", "left", "right", "top", "three-quarter")  # the one list of named views
DEFAULT_VIEW = "left"


class Event:
    """A list of callbacks; `emit` calls each with the new value."""

    _HELD = object()  # nothing emitted while blocked

    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable] = []
        self._blocked, self._pending = 0, self._HELD

    def connect(self, callback: Callable) -> Callable:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value=None) -> None:
        if self._blocked:  # inside Events.blocker(): only the last value goes out, at its end
            self._pending = value
            return
        for callback in list(self._callbacks):
            callback(value)

    def clear(self) -> None:
        self._callbacks.clear()


class Events:
    """The view state's events, one per thing that can change."""

    NAMES = ("scenario", "colour", "hidden", "bones", "camera", "speed", "loop", "time")

    def __init__(self):
        for name in self.NAMES:
            setattr(self, name, Event(name))

    def __iter__(self):
        return (getattr(self, n) for n in self.NAMES)

    def clear(self) -> None:
        """Drop every subscriber (a closing window lets go of its state)."""
        for event in self:
            event.clear()

    @contextmanager
    def blocker(self):
        """A batch of changes emits once: inside, events wait; at the end each that fired emits
        its last value (napari's `events.blocker()`, so panels redraw once, not per setter)."""
        for event in self:
            event._blocked += 1
        try:
            yield
        finally:
            for event in self:
                event._blocked -= 1
            for event in self:
                if not event._blocked and event._pending is not Event._HELD:
                    value, event._pending = event._pending, Event._HELD
                    event.emit(value)


@dataclass(frozen=True)
class CameraState:
    """A named view (fitted to the picture) or, once the user has turned it, an exact camera.

    Exact cameras (position, focal point, up, vertical view angle) reproduce the window's
    picture at any size with the same height; named ones are fitted to each output's shape.
    """

    view: str = DEFAULT_VIEW
    azimuth: float = 0.0
    elevation: float = 0.0
    zoom: float = 1.0
    position: tuple[float, float, float] | None = None
    focal_point: tuple[float, float, float] | None = None
    up: tuple[float, float, float] | None = None
    view_angle: float = 30.0

    @property
    def exact(self) -> bool:
        return self.position is not None and self.focal_point is not None and self.up is not None

    @classmethod
    def from_settings(cls, settings: dict | None, view: str | None = None) -> "CameraState":
        """The scenario file's `camera:`; a view given here (the command line's --view) replaces the
        file's whole camera, azimuth included, rather than adding to it."""
        s = dict(settings or {})
        if view is not None:
            check_view(view)
            return cls(view=view)
        exact = {k: tuple(float(x) for x in s[k]) for k in ("position", "focal_point", "up") if k in s}
        return cls(view=s.get("view", DEFAULT_VIEW), azimuth=float(s.get("azimuth", 0.0)),
                   elevation=float(s.get("elevation", 0.0)), zoom=float(s.get("zoom", 1.0)),
                   view_angle=float(s.get("view_angle", 30.0)), **exact)

    def settings(self) -> dict:
        """What a scenario file's `camera:` holds for this camera (round numbers)."""
        out: dict[str, Any] = {"view": self.view}
        for key, default in (("azimuth", 0.0), ("elevation", 0.0), ("zoom", 1.0)):
            if getattr(self, key) != default:
                out[key] = round(float(getattr(self, key)), 3)
        if self.exact:
            for key in ("position", "focal_point", "up"):
                out[key] = [round(float(x), 5) for x in getattr(self, key)]
            if self.view_angle != 30.0:
                out["view_angle"] = round(float(self.view_angle), 3)
        return out

    def named(self, view: str) -> "CameraState":
        check_view(view)
        return CameraState(view=view)

    @classmethod
    def resolve(cls, settings: dict | None, view: str | None = None,
                exact: "CameraState | None" = None) -> "CameraState":
        """The one place a camera is decided: the window's turned camera wins, then a named view
        asked for (--view, a dialog), then the scenario file's `camera:`."""
        if exact is not None and view is None:
            return exact
        return cls.from_settings(settings, view)


def check_view(view: str) -> None:
    if view not in VIEWS:
        raise ViewerError(f"unknown view '{view}'{suggest(view, VIEWS)}; use {', '.join(VIEWS)}")


@dataclass(frozen=True)
class View:
    """What one picture shows, frozen: every output (window, still, video, compare panel, page)
    draws from one. Two Views that are equal draw the same pixels, so a stored picture is keyed
    on the View it came from rather than on a counter someone must remember to bump."""

    scenario: Any
    colour_source: str | None = None
    hidden: frozenset = frozenset()
    bone_opacity: float = 1.0
    camera: CameraState = field(default_factory=CameraState)
    speed: float = 1.0
    loop: str = "none"
    time: float = 0.0
    direction: int = 1

    def at(self, time: float, direction: int | None = None) -> "View":
        """The same view at another moment."""
        return replace(self, time=float(time), direction=self.direction if direction is None else direction)

    def look(self) -> "View":
        """Everything but the moment: what a store of pictures for one look is keyed on."""
        return replace(self, time=0.0, direction=1)

    def hidden_mask(self, model) -> np.ndarray:
        return hidden_mask(self.hidden, model)


@dataclass(frozen=True)
class Output:
    """How a picture is written, apart from what it shows: size, rate, quality."""

    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    crf: int = 20  # H.264 quality (lower is better, 18–23 is visually clean)
    anti_aliasing: str = "fxaa"  # "fxaa", "msaa" (stills), "none" (pixel tests)
    transparent: bool = False  # stills only


@dataclass
class ViewState:
    """What one window shows. Change it through the setters: each emits its event once."""

    scenario: Any  # viewer.core.scenario.format.Scenario, edits included
    colour_source: str | None = None  # None: the scenario's `colour.source`, else rate
    hidden: frozenset = frozenset()  # muscle names not drawn
    bone_opacity: float = 1.0
    camera: CameraState = field(default_factory=CameraState)
    playhead: Playhead = field(default_factory=lambda: Playhead(0.0))
    events: Events = field(default_factory=Events, repr=False, compare=False)

    @classmethod
    def from_scenario(cls, scenario, model=None, view: str | None = None, colour_source: str | None = None,
                      speed: float = 1.0) -> "ViewState":
        """The view a scenario file describes (`camera`, `colour`, `hide`, `bones`)."""
        hidden = frozenset(hidden_names(scenario, model)) if model is not None else frozenset()
        bones = getattr(scenario, "bones", None)
        return cls(scenario=scenario,
                   colour_source=colour_source or (scenario.colour or {}).get("source"),
                   hidden=hidden, bone_opacity=1.0 if bones is None else float(bones),
                   camera=CameraState.from_settings(scenario.camera, view),
                   playhead=Playhead(scenario.duration, loop=scenario.loop, speed=speed))

    # --- setters: each emits only on a real change -------------------------------------------
    def set_scenario(self, scenario) -> None:
        self.scenario = scenario
        p = self.playhead
        self.playhead = replace(p, duration=scenario.duration, time=min(p.time, scenario.duration))
        self.events.scenario.emit(scenario)

    def set_colour_source(self, source: str | None) -> None:
        if source != self.colour_source:
            self.colour_source = source
            self.events.colour.emit(source)

    def set_hidden(self, names) -> None:
        names = frozenset(names)
        if names != self.hidden:
            self.hidden = names
            self.events.hidden.emit(names)

    def set_bone_opacity(self, opacity: float) -> None:
        opacity = float(min(max(opacity, 0.0), 1.0))
        if opacity != self.bone_opacity:
            self.bone_opacity = opacity
            self.events.bones.emit(opacity)

    def set_camera(self, camera: CameraState) -> None:
        if camera != self.camera:
            self.camera = camera
            self.events.camera.emit(camera)

    def set_speed(self, speed: float) -> None:
        if float(speed) != self.playhead.speed:
            self.playhead.speed = float(speed)
            self.events.speed.emit(float(speed))

    def set_loop(self, mode: str) -> None:
        if mode not in LOOP_MODES:
            raise ViewerError(f"unknown loop mode '{mode}'; use {', '.join(LOOP_MODES)}")
        if mode != self.playhead.loop:
            self.playhead.loop = mode
            self.events.loop.emit(mode)

    # --- the playhead: every move of time goes through here, so every panel follows -------------
    @property
    def time(self) -> float:
        return self.playhead.time

    @property
    def direction(self) -> int:
        return self.playhead.direction

    def seek(self, t: float) -> None:
        self.playhead.seek(t)
        self.events.time.emit(self.playhead.time)

    def step(self, frames: int, fps: float) -> None:
        self.playhead.step(frames, fps)
        self.events.time.emit(self.playhead.time)

    def advance(self, seconds: float) -> None:
        self.playhead.advance(seconds)
        self.events.time.emit(self.playhead.time)

    def toggle_play(self) -> None:
        self.playhead.toggle()
        self.events.time.emit(self.playhead.time)

    # --- what outputs need ----------------------------------------------------------------------
    def snapshot(self) -> View:
        """The view as it is now, frozen."""
        p = self.playhead
        return View(scenario=self.scenario, colour_source=self.colour_source, hidden=self.hidden,
                    bone_opacity=self.bone_opacity, camera=self.camera, speed=p.speed, loop=p.loop,
                    time=p.time, direction=p.direction)

    def hidden_mask(self, model) -> np.ndarray:
        return hidden_mask(self.hidden, model)


def degenerate_view(direction, up) -> bool:
    """True when a camera cannot look: it sits on its target, or looks along its own up. One
    rule (by direction, not length) for the scenario check, the window, export and the page."""
    d, u = np.asarray(direction, float), np.asarray(up, float)
    nd, nu = np.linalg.norm(d), np.linalg.norm(u)
    if not (np.isfinite(nd) and np.isfinite(nu) and nd > 1e-6 and nu > 0):
        return True
    return bool(np.linalg.norm(np.cross(d / nd, u / nu)) < 1e-6)


def hidden_mask(hidden, model) -> np.ndarray:
    """bool per model muscle: True where hidden."""
    return np.array([m.name in hidden for m in model.muscles], bool)


def hidden_names(scenario, model) -> list[str]:
    """Muscle names a scenario's `hide:` list names (groups expand to their muscles)."""
    names = []
    for entry in getattr(scenario, "hide", []) or []:
        if entry in model.groups:
            names += [m.name for m in model.muscles if m.group == entry]
        else:
            names.append(entry)
    return names


def compact_hidden(names, model) -> list[str]:
    """Hidden muscle names written back as whole groups where a group is hidden entirely."""
    names = set(names)
    out = []
    for group in model.groups:
        members = {m.name for m in model.muscles if m.group == group}
        if members and members <= names:
            out.append(group)
            names -= members
    return out + sorted(names)
