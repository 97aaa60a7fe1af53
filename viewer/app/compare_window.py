"""Compare two scenarios side by side in the app: two 3D views, one playhead, one shared legend.

The same rules as `muscle-viewer compare`: one colour scale for both, and when the durations
differ the shorter one holds its last pose (or, if chosen, is stretched to the longer one).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget)

from viewer.core.errors import ViewerError
from viewer.core.playback import Playhead
from viewer.core.session import Session
from viewer.core.colour import Colouring
from viewer.render.compare import panel_time, share_scale
from viewer.render.overlays import Overlays

from .clock import PlaybackClock
from .playbar import PlayBar
from .view3d import TEXT_SCALE, View3D



class PanelView(View3D):
    """A View3D without its own colour legend: the comparison window shows one for both."""

    def _rebuild_overlays(self, aim: bool = True) -> None:
        if self.session is None:
            return
        if self.overlays is not None:
            self.overlays.remove()
        unit = min(max(self.size[1] / 720.0, TEXT_SCALE[0]), TEXT_SCALE[1])
        self.overlays = Overlays(self.plotter, self.session.kin, self.session.colouring, self.size, unit=unit,
                                 legend=False)
        from viewer.render.camera import CameraRig

        own = self.current_view == self.session.scenario.camera.get("view", "left")  # keeps the file's turn
        self.rig = CameraRig(self.session.kin, self.scene.extent, self.size, None if own else self.current_view,
                             self.overlays.free_area())
        if aim:
            self._aim()
        self.show_frame(*self._shown)


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
        source = sessions[0].colouring.key
        for session, colouring in zip(sessions, share_scale([Colouring(s.kin, source) for s in sessions])):
            session.colouring = colouring  # one colour scale for both panels
        titles = " | ".join(s.scenario.title for s in sessions)
        self.setWindowTitle(f"Compare: {titles} — muscle-viewer")
        self.longest = max(s.duration for s in sessions)
        self.playhead = Playhead(self.longest, loop="repeat")

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
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.sync_box)
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
        pb.speed_changed.connect(lambda s: setattr(self.playhead, "speed", float(s)))
        pb.loop_changed.connect(lambda mode: setattr(self.playhead, "loop", mode))
        self._init_clock()
        self.resize(1500, 760)

    def load(self) -> None:
        """Build both scenes; call once the window is shown, so the views know their size."""
        for view, session in zip(self.views, self.sessions):
            view.show_session(session)
        self.show_time()

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
        self.playbar.show_time(t, self.playhead.playing)
        for view, session, (local, direction) in zip(self.views, self.sessions, self.times(t)):
            view.show_frame(session.index_at(local), direction, local)

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

    def closeEvent(self, event) -> None:
        self.timer.stop()
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
        sessions = [Session.open(window.session.path), Session.open(other)]
    except ViewerError as exc:
        QMessageBox.warning(window, "Compare", "\n".join(str(p) for p in exc.problems))
        return None
    compare = CompareWindow(sessions, window)
    compare.setAttribute(Qt.WA_DeleteOnClose)
    compare.show()
    QApplication.processEvents()  # let the layout give both views their size before the camera fits
    compare.load()
    return compare
