"""Playback bar: play/pause, step, scrub slider, time, speed and loop mode.

`bind(state)` makes it follow a view state (time, speed, loop, a new scenario's length) and
write the scrub slider, speed and loop back into it; play and step go through the window's clock
(the `play_toggled` and `step` signals), which owns the timer."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from viewer.core.view.playback import LOOP_MODES, SPEEDS

from .bindings import Bindings

SLIDER_STEPS_PER_SECOND = 100
PLAYING_UPDATE_S = 1 / 30  # while playing the bar moves at most at the view's picture rate: each move recomposes the window


class PlayBar(QWidget):
    play_toggled = Signal()
    step = Signal(int)  # frames, ±1
    seek = Signal(float)  # seconds
    speed_changed = Signal(float)
    loop_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        style = self.style()
        self._icons = {True: style.standardIcon(QStyle.SP_MediaPause), False: style.standardIcon(QStyle.SP_MediaPlay)}
        self.play_button = QToolButton(icon=self._icons[False], toolTip="Play / pause (Space)", objectName="play")
        self.back_button = QToolButton(icon=style.standardIcon(QStyle.SP_MediaSeekBackward),
                                       toolTip="One frame back (←)")
        self.forward_button = QToolButton(icon=style.standardIcon(QStyle.SP_MediaSeekForward),
                                          toolTip="One frame forward (→)")
        for b in (self.play_button, self.back_button, self.forward_button):
            b.setFixedWidth(34)
            b.setFocusPolicy(Qt.NoFocus)
        self.slider = QSlider(Qt.Horizontal, objectName="scrub", toolTip="Drag to scrub through the exercise")
        self.slider.setFocusPolicy(Qt.NoFocus)
        self.time_label = QLabel("0.00 / 0.00 s", objectName="time")
        self.time_label.setMinimumWidth(110)
        self.speed = QComboBox(toolTip="Playback speed")
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.loop = QComboBox(toolTip="What happens at the end")
        for mode, text in zip(LOOP_MODES, ("Play once", "Repeat", "Back and forth")):
            self.loop.addItem(text, mode)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        for w in (self.back_button, self.play_button, self.forward_button):
            row.addWidget(w)
        row.addWidget(self.slider, 1)
        row.addWidget(self.time_label)
        row.addWidget(QLabel("Speed"))
        row.addWidget(self.speed)
        row.addWidget(self.loop)
        self._duration, self._origin = 0.0, 0.0
        self._shown: tuple | None = None  # what the slider, label and button say now
        self.state = None
        self._bindings = Bindings()
        self.play_button.clicked.connect(self.play_toggled)
        self.back_button.clicked.connect(lambda: self.step.emit(-1))
        self.forward_button.clicked.connect(lambda: self.step.emit(1))
        self.slider.valueChanged.connect(self._slider_moved)
        self.speed.currentIndexChanged.connect(lambda i: self._speed_chosen(self.speed.itemData(i)))
        self.loop.currentIndexChanged.connect(lambda i: self._loop_chosen(self.loop.itemData(i)))

    # --- following a view state ---------------------------------------------------------------------
    def bind(self, state) -> None:
        """Follow `state` (None: let go)."""
        self.state = state
        if not self._bindings.follow(state, time=lambda t: self.show_time(state.time, state.playhead.playing),
                                     speed=self.set_speed, loop=self.set_loop,
                                     scenario=lambda scenario: self._show_length(scenario.lab_start)):
            return
        self.set_speed(state.playhead.speed)
        self.set_loop(state.playhead.loop)
        self._show_length(state.scenario.lab_start)

    def _show_length(self, origin: float) -> None:
        """origin: the clock shown at 0 s (a lab motion's own time)."""
        self.set_duration(self.state.playhead.duration, origin)
        self.show_time(self.state.time, self.state.playhead.playing)

    def _speed_chosen(self, speed: float) -> None:
        self.speed_changed.emit(speed)
        if self.state is not None:
            self.state.set_speed(float(speed))

    def _loop_chosen(self, mode: str) -> None:
        self.loop_changed.emit(mode)
        if self.state is not None:
            self.state.set_loop(mode)

    def set_duration(self, seconds: float, origin: float = 0.0) -> None:
        """`origin`: the clock shown at 0 s (a lab motion's own time, e.g. 0.50 / 4.00 s)."""
        self._duration, self._origin = seconds, origin
        self._shown = None
        self.slider.blockSignals(True)
        self.slider.setRange(0, int(round(seconds * SLIDER_STEPS_PER_SECOND)))
        self.slider.blockSignals(False)

    def show_time(self, seconds: float, playing: bool) -> None:
        """Only what changed is set: each widget update recomposes the window, 60 times a second."""
        step, playing = int(round(seconds * SLIDER_STEPS_PER_SECOND)), bool(playing)
        now = time.monotonic()
        if self._shown == (step, playing) or (playing and self._shown and self._shown[1]
                                               and now - self._shown_at < PLAYING_UPDATE_S):
            return
        self._shown, self._shown_at = (step, playing), now
        self.slider.blockSignals(True)  # the slider shows the time; only a hand on it seeks
        self.slider.setValue(step)
        self.slider.blockSignals(False)
        self.time_label.setText(f"{seconds + self._origin:.2f} / {self._duration + self._origin:.2f} s")
        self.play_button.setIcon(self._icons[playing])
        self.play_button.setProperty("playing", playing)

    def set_loop(self, mode: str) -> None:
        self.loop.setCurrentIndex(LOOP_MODES.index(mode))

    def set_speed(self, speed: float) -> None:
        if speed in SPEEDS:
            self.speed.setCurrentIndex(SPEEDS.index(speed))

    def _slider_moved(self, value: int) -> None:
        self.seek.emit(value / SLIDER_STEPS_PER_SECOND)
        if self.state is not None:
            self.state.seek(value / SLIDER_STEPS_PER_SECOND)
