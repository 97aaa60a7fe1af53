"""Plot panel: % length change over time for the focus and picked muscles, with a playhead."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

MAX_CURVES = 6  # focus curves shown: the biggest movers, so the plot stays readable
BUILD_DELAY_MS = 100  # pyqtgraph loads this long after the first scenario opens: the 3D view draws first


class PlotPanel(QWidget):
    seek = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.quantity = QComboBox(objectName="plot_quantity")
        self.quantity.addItem("% change since start", "change")
        self.quantity.addItem("length (cm)", "length")
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.quantity)
        top.addStretch(1)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 2, 4, 2)
        self._layout.addLayout(top)
        self._plot = None  # the pyqtgraph widget, made on first use (its import is a start cost)
        self._playhead = None
        self._time = 0.0
        self._later = QTimer(self, singleShot=True, interval=BUILD_DELAY_MS)
        self._later.timeout.connect(self.redraw)
        self.session = None
        self.picked: int | None = None
        self.curves: dict[str, object] = {}
        self.quantity.currentIndexChanged.connect(lambda _: self.redraw())

    def _build(self) -> None:
        import pyqtgraph as pg

        plot = pg.PlotWidget(background="w")
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setLabel("bottom", "time", units="s")
        plot.addLegend(offset=(8, 8), labelTextSize="8pt")
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        self._playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen("#444444", width=1.5))
        self._playhead.setValue(self._time)
        plot.addItem(self._playhead)
        self._layout.addWidget(plot, 1)
        plot.scene().sigMouseClicked.connect(self._clicked)
        self._plot = plot

    @property
    def plot(self):
        if self._plot is None:
            self._build()
        return self._plot

    @property
    def playhead(self):
        if self._plot is None:
            self._build()
        return self._playhead

    def show_session(self, session) -> None:
        self.session, self.picked = session, None
        if self._plot is None:  # the first scenario: draw the plot once the window is up
            self._later.start()
        else:
            self.redraw()

    def set_picked(self, muscle: int | None) -> None:
        self.picked = muscle
        self.redraw()

    def chosen_muscles(self) -> list[int]:
        """Right-side (or only-side) focus muscles that move most, then the picked one."""
        s = self.session
        model = s.model
        focus = [m for g in s.scenario.focus for m in model.muscles_in(g) if m.side != "left"]
        spread = np.ptp(s.percent_change, axis=0)
        chosen = sorted(focus, key=lambda m: -spread[m.index])[:MAX_CURVES]
        out = [m.index for m in chosen]
        if self.picked is not None and self.picked not in out:
            out.append(self.picked)
        return out

    def redraw(self) -> None:
        import pyqtgraph as pg

        self._later.stop()
        plot = self.plot
        for item in list(self.curves.values()):
            plot.removeItem(item)
        self.curves.clear()
        plot.plotItem.legend.clear()
        s = self.session
        if s is None:
            return
        quantity = self.quantity.currentData()
        data = s.percent_change if quantity == "change" else s.frames.lengths * 100.0
        plot.setLabel("left", "% change" if quantity == "change" else "length (cm)")
        times = s.frames.times
        model = s.model
        for k, index in enumerate(self.chosen_muscles()):
            m = model.muscles[index]
            colour = pg.intColor(k, hues=MAX_CURVES + 1, values=1, maxValue=200)
            pen = pg.mkPen("#111111", width=3) if index == self.picked else pg.mkPen(colour, width=2)
            self.curves[m.name] = plot.plot(times, data[:, index], pen=pen, name=m.label)
        plot.setXRange(0, s.duration, padding=0.02)

    def show_time(self, t: float) -> None:
        self._time = t
        if self._playhead is not None:
            self._playhead.setValue(t)

    def _clicked(self, event) -> None:
        if self.session is None:
            return
        point = self.plot.plotItem.vb.mapSceneToView(event.scenePos())
        self.seek.emit(float(np.clip(point.x(), 0.0, self.session.duration)))
