"""Plot panel: % length change over time for the focus and picked muscles, with a playhead.

The legend sits beside the curves, never on them; the curves are core/movers.plot_muscles.
"""
from __future__ import annotations

import html
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from viewer.core.movers import plot_muscles

MAX_CURVES = 6  # focus curves shown: the biggest movers, so the plot stays readable
PICKED_PEN = pg.mkPen("#111111", width=3)
PLAYHEAD_MS = 100  # while playing the plot's playhead moves at most this often: each move repaints the plot


class PlotPanel(QWidget):
    seek = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.quantity = QComboBox(objectName="plot_quantity")
        self.quantity.addItem("% change since start", "change")
        self.quantity.addItem("length (cm)", "length")
        self.plot = pg.PlotWidget(background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "time", units="s")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen("#444444", width=1.5))
        self.plot.addItem(self.playhead)
        self.outliers = QCheckBox(objectName="plot_outliers")
        self.outliers.setVisible(False)
        self.legend = QLabel(objectName="plot_legend")
        self.legend.setTextFormat(Qt.RichText)
        self.legend.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.legend.setMinimumWidth(170)
        self._time = 0.0
        self._moved_at = -1.0
        self._playhead_due = QTimer(self, singleShot=True, interval=PLAYHEAD_MS)
        self._playhead_due.timeout.connect(self._move_playhead)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.quantity)
        top.addWidget(self.outliers)
        top.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.plot, 1)
        body.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.session = None
        self.picked: int | None = None
        self.curves: dict[str, object] = {}
        self.quantity.currentIndexChanged.connect(lambda _: self.redraw())
        self.outliers.toggled.connect(lambda _: self.redraw())
        self.plot.scene().sigMouseClicked.connect(self._clicked)

    def show_session(self, session) -> None:
        self.session, self.picked = session, None
        self.redraw()

    def set_picked(self, muscle: int | None) -> None:
        self.picked = muscle
        self.redraw()

    def chosen_muscles(self) -> list[int]:
        """Right-side (or only-side) focus muscles that move most (top movers without a
        focus), outliers when asked for, then the picked one."""
        s = self.session
        shown, outliers = plot_muscles(s.model, s.scenario.focus, s.percent_change, MAX_CURVES)
        names = ", ".join(s.model.muscles[i].lay_name for i in outliers)
        self.outliers.setVisible(bool(outliers))
        self.outliers.setText(f"also {names}" if outliers else "")
        self.outliers.setToolTip("Changes so much more than the rest that it would squash their curves")
        out = (outliers if self.outliers.isChecked() else []) + shown
        if self.picked is not None and self.picked not in out:
            out.append(self.picked)
        return out

    def redraw(self) -> None:
        plot = self.plot
        for item in list(self.curves.values()):
            plot.removeItem(item)
        self.curves.clear()
        s = self.session
        if s is None:
            self.legend.clear()
            return
        quantity = self.quantity.currentData()
        data = s.percent_change if quantity == "change" else s.frames.lengths * 100.0
        plot.setLabel("left", "% change" if quantity == "change" else "length (cm)")
        times = s.frames.times
        model = s.model
        rows = []
        chosen = self.chosen_muscles()
        for k, index in enumerate(chosen):
            m = model.muscles[index]
            colour = pg.intColor(k, hues=len(chosen) + 1, values=1, maxValue=200)
            pen = PICKED_PEN if index == self.picked else pg.mkPen(colour, width=2)
            self.curves[m.name] = plot.plot(times, data[:, index], pen=pen)
            hex_colour = pen.color().name()
            rows.append(f'<span style="color:{hex_colour}">&#9632;</span> {html.escape(m.label)}')
        self.legend.setText("<br>".join(rows) or "<i>no muscles to plot</i>")
        plot.setXRange(0, s.duration, padding=0.02)

    def show_time(self, t: float) -> None:
        """Move the playhead, at most every PLAYHEAD_MS while times keep coming (playing).

        The move happens inside this call, so it reaches the screen with the 3D frame of the
        same update (one window composition); the last time always shows, PLAYHEAD_MS later.
        """
        self._time = t
        if time.monotonic() - self._moved_at >= PLAYHEAD_MS / 1000.0:
            self._move_playhead()
        else:
            self._playhead_due.start()

    def _move_playhead(self) -> None:
        self._playhead_due.stop()
        self._moved_at = time.monotonic()
        if self.playhead.value() != self._time:
            self.playhead.setValue(self._time)

    def _clicked(self, event) -> None:
        if self.session is None:
            return
        point = self.plot.plotItem.vb.mapSceneToView(event.scenePos())
        self.seek.emit(float(np.clip(point.x(), 0.0, self.session.duration)))
