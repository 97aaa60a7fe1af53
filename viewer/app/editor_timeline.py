"""The editor's keyframe timeline: phases as soft bands, keyframes as diamonds, the playhead.

Click a diamond to go to that keyframe, drag it to move it in time, click elsewhere to seek.
The widget only draws and reports; the editor decides what a move means.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

MARGIN = 18  # pixels left and right of the time axis
DIAMOND = 7  # half-size of a keyframe marker, pixels
SNAP = 0.05  # seconds: dragged keyframes land on this grid
PHASE_COLOURS = ("#e3ecf5", "#eef3e4")  # alternate pale bands, quiet behind the keys
KEY_COLOUR = QColor("#35597a")
SELECTED_COLOUR = QColor("#d9822b")
PLAYHEAD_COLOUR = QColor("#c0392b")


class KeyframeTimeline(QWidget):
    key_clicked = Signal(int)  # keyframe index
    key_dragged = Signal(int, float)  # keyframe index, new time (while dragging)
    drag_finished = Signal()
    seek = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("keyframe_timeline")
        self.setMinimumHeight(58)
        self.setMouseTracking(True)
        self.times: list[float] = []
        self.phases: list[tuple[str, float, float]] = []
        self.current: int | None = None
        self.time = 0.0
        self.span = 1.0
        self._drag: int | None = None
        self._dragged = False

    def show_scenario(self, scenario, current: int | None, time: float) -> None:
        before = (self.times, self.phases, self.current, self.time, self.span)
        self.times = [k.time for k in scenario.keyframes]
        self.phases = [(p.name, p.start, p.end) for p in scenario.phases]
        self.current, self.time = current, time
        end = max(self.times + [time, 0.5])
        if self._drag is None:  # keep the scale still under a dragging mouse
            self.span = end + max(1.0, 0.15 * end)  # room to drag a key past the end
        if (self.times, self.phases, self.current, self.time, self.span) != before:
            self.update()  # a slider drag shows the same strip ~60 times a second: no repaint for that

    # --- geometry -----------------------------------------------------------------------------
    def x_of(self, t: float) -> float:
        return MARGIN + (self.width() - 2 * MARGIN) * t / self.span

    def t_of(self, x: float) -> float:
        return max(0.0, (x - MARGIN) / max(1.0, self.width() - 2 * MARGIN) * self.span)

    def key_y(self) -> float:
        return self.height() - 18

    def key_at(self, x: float, y: float) -> int | None:
        for i, t in enumerate(self.times):
            if abs(self.x_of(t) - x) <= DIAMOND + 3 and abs(self.key_y() - y) <= DIAMOND + 6:
                return i
        return None

    # --- drawing -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        p.setFont(small)
        for n, (name, start, end) in enumerate(self.phases):
            band = QRectF(self.x_of(start), 2, self.x_of(end) - self.x_of(start), 18)
            p.fillRect(band, QColor(PHASE_COLOURS[n % 2]))
            p.setPen(QColor("#4a5560"))
            p.drawText(band.adjusted(4, 0, -2, 0), Qt.AlignVCenter | Qt.AlignLeft,
                       p.fontMetrics().elidedText(name, Qt.ElideRight, int(band.width()) - 6))
        y = self.key_y()
        p.setPen(QPen(QColor("#9aa5b1"), 1))
        p.drawLine(QPointF(self.x_of(0), y), QPointF(self.width() - MARGIN, y))
        step = 0.5 if self.span <= 8 else (1.0 if self.span <= 20 else 5.0)
        t = 0.0
        while t <= self.span + 1e-9:
            x = self.x_of(t)
            whole = abs(t - round(t)) < 1e-9
            p.drawLine(QPointF(x, y + 4), QPointF(x, y + (8 if whole else 6)))
            if whole:
                p.drawText(QRectF(x - 20, y + 6, 40, 12), Qt.AlignCenter, f"{t:g} s")
            t += step
        for i, t in enumerate(self.times):
            x = self.x_of(t)
            colour = SELECTED_COLOUR if i == self.current else KEY_COLOUR
            p.setPen(QPen(colour.darker(130), 1))
            p.setBrush(colour)
            p.drawPolygon(QPolygonF([QPointF(x, y - DIAMOND), QPointF(x + DIAMOND, y),
                                     QPointF(x, y + DIAMOND), QPointF(x - DIAMOND, y)]))
            p.setPen(QColor("#25313c"))
            p.drawText(QRectF(x - 12, y - DIAMOND - 15, 24, 12), Qt.AlignCenter, str(i + 1))
        x = self.x_of(self.time)
        p.setPen(QPen(PLAYHEAD_COLOUR, 2))
        p.drawLine(QPointF(x, 22), QPointF(x, self.height() - 2))
        p.end()

    # --- mouse ---------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        pos = event.position()
        self._drag = self.key_at(pos.x(), pos.y())
        self._dragged = False
        if self._drag is None:
            self.seek.emit(self.t_of(pos.x()))
        else:
            self.key_clicked.emit(self._drag)

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        if self._drag is None:
            over = self.key_at(pos.x(), pos.y()) is not None
            self.setCursor(Qt.SizeHorCursor if over else Qt.ArrowCursor)
            if event.buttons() & Qt.LeftButton:
                self.seek.emit(self.t_of(pos.x()))
            return
        t = round(self.t_of(pos.x()) / SNAP) * SNAP
        if abs(t - self.times[self._drag]) >= SNAP / 2:
            self._dragged = True
            self.key_dragged.emit(self._drag, t)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is not None and self._dragged:
            self.drag_finished.emit()
        self._drag = None
        self._dragged = False
        self.update()

    def follow(self, index: int) -> None:
        """The dragged key has a new index after passing a neighbour: keep dragging it."""
        if self._drag is not None:
            self._drag = index
