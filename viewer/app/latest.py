"""Work for the newest request only, paced by the screen: never a queue of stale previews.

A dragged slider reports ~60 positions a second; a software-GL render takes longer than that.
Each request only marks the work as wanted. It runs on the next event-loop turn, and not again
until its result has been drawn: moves that arrive meanwhile collapse into one run for the
newest value, right after that draw. The run is a posted event, not a zero timer: Qt delivers
posted events (paints, the slider's repaint) before timers, so a timer would wait behind them.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

DRAW_WAIT_MS = 500  # a run whose draw never comes (nothing shown, an error) holds the next one this long at most


class LatestOnly(QObject):
    _soon = Signal()  # emitted to itself through the event queue

    def __init__(self, work, drawn, parent=None):
        """work(): does the newest work and returns True if it asked for a draw;
        drawn: the signal of a render reaching the screen."""
        super().__init__(parent)
        self.work = work
        self.runs = 0  # for tests: how often the work ran
        self._wanted = False
        self._queued = False
        self._soon.connect(self._run, Qt.QueuedConnection)
        self._waiting = QTimer(self, singleShot=True, interval=DRAW_WAIT_MS)  # active: a draw is awaited
        self._waiting.timeout.connect(self._drawn)
        drawn.connect(self._drawn)

    @property
    def pending(self) -> bool:
        return self._wanted

    def request(self) -> None:
        self._wanted = True
        if not self._waiting.isActive():
            self._queue()

    def cancel(self) -> None:
        self._wanted = False
        self._waiting.stop()

    def _queue(self) -> None:
        if not self._queued:
            self._queued = True
            self._soon.emit()

    def _run(self) -> None:
        self._queued = False
        if not self._wanted or self._waiting.isActive():
            return
        self._wanted = False
        self.runs += 1
        if self.work():
            self._waiting.start()
        elif self._wanted:
            self._queue()

    def _drawn(self) -> None:
        self._waiting.stop()
        if self._wanted:
            self._queue()
