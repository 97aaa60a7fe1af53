"""Compare two scenarios side by side in the app: two 3D views, one playhead, one shared legend.

The same rules as `muscle-viewer compare`: one colour scale for both, and when the durations
differ the shorter one holds its last pose (or, if chosen, is stretched to the longer one).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QProgressDialog,
                               QPushButton, QVBoxLayout, QWidget)

from viewer.core.analysis.colour import share_scale
from viewer.core.base.errors import ViewerError
from viewer.core.view.playback import Playhead, panel_time
from viewer.core.session.session import Session
from viewer.core.view.viewstate import ViewState

from .clock import PlaybackClock
from .playbar import PlayBar
from .view3d import View3D


class PanelView(View3D):
    """A View3D without its own colour legend: the comparison window shows one for both."""

    def _dressing(self):
        return replace(super()._dressing(), legend=False)


def legend_html(colouring) -> str:
    swatches = "&nbsp;&nbsp;&nbsp;".join(
        f"<span style='color:#{''.join(f'{int(c * 255):02x}' for c in e.rgb)}'>■</span> {e.text}"
        for e in colouring.legend)
    note = " ".join(t for t in (colouring.note, colouring.scale_text) if t)
    return f"{swatches}<br><span style='color:#666'>{note}</span>"


class CompareWindow(PlaybackClock, QWidget):
    def __init__(self, sessions: list[Session], parent=None, sync: str = "hold"):
        super().__init__(parent, Qt.Window)
        self.sessions = sessions
        self.sync = sync
        for session, colouring in zip(sessions, share_scale([s.colouring for s in sessions])):
            session.colouring = colouring  # one colour scale for both panels (the feed follows)
        titles = " | ".join(s.scenario.title for s in sessions)
        self.setWindowTitle(f"Compare: {titles} — muscle-viewer")
        self.longest = max(s.duration for s in sessions)
        # One clock for both panels; each panel keeps its own view (camera, hidden muscles, bones).
        self.state = ViewState(scenario=sessions[0].scenario, playhead=Playhead(self.longest, loop="repeat"))
        self.state.events.time.connect(lambda t: self.show_time())
        self.panel_states = [ViewState.from_scenario(s.scenario, s.model, colour_source=s.colouring.key)
                             for s in sessions]

        self.views = [PanelView(self) for _ in sessions]
        row = QHBoxLayout()
        row.setSpacing(2)
        for view in self.views:
            row.addWidget(view.widget, 1)
        self.legend = QLabel(legend_html(sessions[0].colouring), objectName="shared_legend")
        self.legend.setTextFormat(Qt.RichText)
        self.sync_box = QComboBox(toolTip="When the two last differently long")
        self.sync_box.addItem("Shorter one holds at its end", "hold")
        self.sync_box.addItem("Stretch the shorter one", "stretch")
        self.sync_box.setCurrentIndex(0 if sync == "hold" else 1)
        self.sync_box.currentIndexChanged.connect(lambda i: self.set_sync(self.sync_box.itemData(i)))
        self.export_button = QPushButton("Export…", objectName="compare_export",
                                         toolTip="Write this comparison, as shown, to an MP4 or GIF")
        self.export_button.clicked.connect(self.export_dialog)
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.sync_box)
        bottom.addWidget(self.export_button)
        self.playbar = PlayBar(self)
        self.playbar.set_duration(self.longest)
        self.playbar.set_loop("repeat")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row, 1)
        column.addLayout(bottom)
        column.addWidget(self.playbar)
        pb = self.playbar
        pb.play_toggled.connect(self.toggle_play)
        pb.step.connect(self.step)
        pb.seek.connect(self.seek)
        pb.speed_changed.connect(lambda s: self.state.set_speed(float(s)))
        pb.loop_changed.connect(self.state.set_loop)
        self._init_clock()
        self.resize(1500, 760)

    def load(self) -> None:
        """Build both scenes; call once the window is shown, so the views know their size."""
        for view, session, state in zip(self.views, self.sessions, self.panel_states):
            view.show_session(session, state)
            view.camera_moved.connect(state.set_camera)
        self.show_time()

    @property
    def playhead(self) -> Playhead:
        return self.state.playhead

    # --- playback: one playhead drives both panels ----------------------------------------
    def times(self, t: float) -> list[tuple[float, int]]:
        """(scenario time, direction) of each panel when the shared clock reads t."""
        out = []
        for s in self.sessions:
            local, moving = panel_time(t, s.duration, self.longest, self.sync)
            out.append((float(local), int(self.playhead.direction * moving) or 1))
        return out

    def show_time(self) -> None:
        t = self.playhead.time
        playing_at = self.playhead.speed if self.playhead.playing else None
        new = [view.show_at(local, direction, playing_at) for view, (local, direction) in zip(self.views, self.times(t))]
        if any(new):  # a tick with no new frame leaves the playbar too (each update recomposes the window)
            self.playbar.show_time(t, self.playhead.playing)

    def set_sync(self, sync: str) -> None:
        self.sync = sync
        self.show_time()

    def frame_rate(self) -> float:
        return self.sessions[0].fps

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Space:
            self.toggle_play()
        else:
            super().keyPressEvent(event)

    # --- export: what the two panels show, through the same code as `muscle-viewer compare` --------
    def export_size(self) -> tuple[int, int]:
        """The video size whose panels are exactly the two views' sizes."""
        from viewer.render.compare import panel_sizes

        (w0, h0), (w1, _) = self.views[0].size, self.views[1].size
        width = 2 * min(w0, w1)
        width -= width % 4  # even halves for H.264
        for height in range(h0, 2 * h0):
            (_, panel_h), _, band = panel_sizes((width, height))
            if panel_h >= h0 - h0 % 2:
                return width, height + height % 2
        return width, h0

    def export(self, path: str | Path, size: tuple[int, int] | None = None, fps: float = 30.0, progress=None,
               cancel=None) -> str:
        """Write the comparison as the window shows it; returns the message for the user."""
        from viewer.render.compare import export_comparison, panel_sizes

        from .export_dialog import report, window_options

        size = size or self.export_size()
        left, right, _ = panel_sizes(size)
        panels = [window_options(state, view, session.model, panel, fps=fps)
                  for state, view, session, panel in zip(self.panel_states, self.views, self.sessions, (left, right))]
        options = replace(panels[0], size=size, camera=None, hidden=None, speed=self.state.playhead.speed)
        path = Path(path)

        def write():
            for session in self.sessions:  # never a video over either scenario, its model or a mesh
                session.refuse_output(path)
            return export_comparison([s.feed for s in self.sessions], path, options, sync=self.sync,
                                     progress=progress, cancel=cancel, panel_options=panels)

        return report(path, write)

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export comparison", str(Path.cwd() / "compare.mp4"),
                                              "Video (*.mp4 *.gif)")
        if not path:
            return
        progress = QProgressDialog("Rendering the comparison…", "Cancel", 0, 100, self)
        progress.setWindowModality(Qt.WindowModal)

        def step(done: int, total: int) -> None:
            progress.setValue(int(100 * done / max(total, 1)))
            QApplication.processEvents()  # keep the window alive; Cancel is heard between frames

        message = self.export(path, progress=step, cancel=progress.wasCanceled)
        progress.close()
        QMessageBox.information(self, "Export", message)

    def closeEvent(self, event) -> None:
        self.timer.stop()
        for state in (self.state, *self.panel_states):
            state.events.clear()  # no callback keeps this window alive after it is gone
        for view in self.views:
            view.close()
        super().closeEvent(event)


def open_comparison(window, other: str | None = None) -> CompareWindow | None:
    """From the main window: pick a second scenario and open both side by side."""
    if window.session is None:
        return None
    if other is None:
        start = str(Path(window.session.path).parent)
        other, _ = QFileDialog.getOpenFileName(window, "Compare with…", start, "Scenarios (*.yaml *.yml)")
        if not other:
            return None
    try:
        # Fresh sessions: the comparison recolours them to one scale without touching the main view.
        sessions = [Session.open(window.session.path, lab=window.session.lab), Session.open(other)]
    except ViewerError as exc:
        QMessageBox.warning(window, "Compare", "\n".join(str(p) for p in exc.problems))
        return None
    compare = CompareWindow(sessions, window)
    compare.setAttribute(Qt.WA_DeleteOnClose)
    compare.show()
    QApplication.processEvents()  # let the layout give both views their size before the camera fits
    compare.load()
    return compare
