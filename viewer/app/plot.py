"""Plot panel: % length change over time for the focus and picked muscles, with a playhead.

The legend sits beside the curves, never on them; the curves are core/view/movers.plot_muscles.
In the main window pyqtgraph and the plot are made after the first frame (build_soon) or on
first use: the 3D scene is what the user waits for at start. `bind(state)` makes the playhead
follow a view state's time; a click on the plot seeks it.
"""
from __future__ import annotations

import html
import time

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from viewer.core.view.movers import plot_muscles

from .bindings import Bindings

MAX_CURVES = 6  # focus curves shown: the biggest movers, so the plot stays readable
PICKED_COLOUR, PICKED_WIDTH = "#111111", 3
PLAYHEAD_MS = 100  # while playing the plot's playhead moves at most this often: each move repaints the plot


class PlotPanel(QWidget):
    def __init__(self, parent=None, later: bool = False):
        """later: build the plot on build_soon() or first use, not now (the main window's start)."""
        super().__init__(parent)
        self.quantity = QComboBox(objectName="plot_quantity")
        self.quantity.addItem("% change since start", "change")
        self.quantity.addItem("length (cm)", "length")
        self._plot = None  # the pyqtgraph PlotWidget, made by _build
        self._playhead = None
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
        body = self._body = QHBoxLayout()
        body.addStretch(1)  # the plot's place until it is built
        body.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.session = self.state = None
        self._bindings = Bindings()
        self.picked: int | None = None
        self.curves: dict[str, object] = {}
        self.quantity.currentIndexChanged.connect(lambda _: self.redraw())
        self.outliers.toggled.connect(lambda _: self.redraw())
        if not later:
            self._build()

    def bind(self, state) -> None:
        """Follow `state`'s time (None: let go)."""
        self.state = state
        if self._bindings.follow(state, time=self.show_time):
            self.show_time(state.time)

    @property
    def plot(self):
        if self._plot is None:
            self._build()
        return self._plot

    @property
    def playhead(self):
        self.plot  # noqa: B018 (built on first use)
        return self._playhead

    def build_soon(self) -> None:
        """Build the plot on the next event-loop turn (the window calls this after its first frame)."""
        QTimer.singleShot(0, self, lambda: self.plot)  # not after the panel is gone

    def _build(self) -> None:
        import pyqtgraph as pg

        plot = self._plot = pg.PlotWidget(background="w")
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setLabel("bottom", "time", units="s")
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        self._playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen("#444444", width=1.5))
        plot.addItem(self._playhead)
        # Playback moves only the playhead: keep the axes and grid as pixmaps, so a move repaints
        # a thin strip from them instead of replaying every grid line and label (~25 ms a move).
        for side in ("bottom", "left"):
            plot.getPlotItem().getAxis(side).setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        plot.scene().sigMouseClicked.connect(self._clicked)
        stretch = self._body.itemAt(0)
        self._body.removeItem(stretch)
        self._body.insertWidget(0, plot, 1)
        self.redraw()
        self._move_playhead()

    @property
    def built(self) -> bool:
        return self._plot is not None

    def show_session(self, session) -> None:
        self.session, self.picked = session, None
        if self.built:
            self.redraw()

    def set_picked(self, muscle: int | None) -> None:
        self.picked = muscle
        if self.built:
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
        if not self.built:
            return  # _build draws what is set by then
        import pyqtgraph as pg

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
        start = s.scenario.lab_start  # a lab motion is plotted on its own clock
        times = s.frames.times + start
        model = s.model
        rows = []
        chosen = self.chosen_muscles()
        for k, index in enumerate(chosen):
            m = model.muscles[index]
            colour = pg.intColor(k, hues=len(chosen) + 1, values=1, maxValue=200)
            pen = pg.mkPen(PICKED_COLOUR, width=PICKED_WIDTH) if index == self.picked else pg.mkPen(colour, width=2)
            self.curves[m.name] = plot.plot(times, data[:, index], pen=pen)
            self.curves[m.name].curve.setCacheMode(QGraphicsItem.DeviceCoordinateCache)  # still while playing
            hex_colour = pen.color().name()
            rows.append(f'<span style="color:{hex_colour}">&#9632;</span> {html.escape(m.label)}')
        self.legend.setText("<br>".join(rows) or "<i>no muscles to plot</i>")
        plot.setXRange(start, start + s.duration, padding=0.02)

    def show_time(self, t: float) -> None:
        """Move the playhead, at most every PLAYHEAD_MS while times keep coming (playing).

        The move happens inside this call, so it reaches the screen with the 3D frame of the
        same update (one window composition); the last time always shows, PLAYHEAD_MS later.
        """
        self._time = t
        if not self.built:
            return
        if time.monotonic() - self._moved_at >= PLAYHEAD_MS / 1000.0:
            self._move_playhead()
        else:
            self._playhead_due.start()

    def _move_playhead(self) -> None:
        self._playhead_due.stop()
        self._moved_at = time.monotonic()
        shown = self._time + (self.session.scenario.lab_start if self.session is not None else 0.0)
        if self.playhead.value() != shown:
            self.playhead.setValue(shown)

    def _clicked(self, event) -> None:
        if self.session is None:
            return
        point = self.plot.plotItem.vb.mapSceneToView(event.scenePos())
        t = float(np.clip(point.x() - self.session.scenario.lab_start, 0.0, self.session.duration))
        if self.state is not None:
            self.state.seek(t)
