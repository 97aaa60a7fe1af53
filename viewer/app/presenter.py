"""Presenter mode: the 3D view full screen beside the patient, with large words and one big button.

Entering hides the docks, menus, status bar and playback bar, goes full screen, slows playback
to 0.5× and loops it; two calm bands over the view carry the phase name and caption (top) and
the play/pause button with the colour legend in plain words (bottom). Leaving puts every piece
of the window back as it was: geometry, dock layout, bars, speed, loop and play state. The bands
follow the view state's events (time, speed, colours) like every other panel: nothing polls.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QRegion, QShortcut
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from viewer.render.camera import ScreenArea

from .bindings import Bindings


PRESENT_SPEED = 0.5
BAND_STYLE = """
QWidget#present_top, QWidget#present_bottom { background: #16191e; }
QLabel { color: #f2f2f2; background: transparent; }
QLabel#present_phase { color: #ffd27a; font-size: 34px; font-weight: 600; }
QLabel#present_caption { font-size: 27px; }
QLabel#present_legend { font-size: 25px; }
QLabel#present_note { font-size: 20px; color: #d8dbe2; }
QPushButton { font-size: 40px; min-width: 104px; min-height: 88px; border-radius: 44px;
              background: #f2f2f2; color: #1b1f26; border: 0; }
QPushButton#present_speed { font-size: 24px; min-width: 96px; min-height: 64px; border-radius: 32px; }
"""


@dataclass
class _Saved:
    """What presenter mode changes, to put back on leaving."""

    geometry: object  # QRect of the normal window
    state: object
    window_state: object
    speed: float
    loop: str
    playing: bool
    hidden: list = field(default_factory=list)  # widgets that were visible and are now hidden


class PresenterBands(QWidget):
    """The two text bands laid over the 3D view (a transparent child of the central widget)."""

    def __init__(self, window, parent: QWidget):
        super().__init__(parent, objectName="presenter")
        self.window = window
        self.setAttribute(Qt.WA_TransparentForMouseEvents, False)
        self.setStyleSheet(BAND_STYLE)
        self.top = QWidget(self, objectName="present_top")
        self.top.setAttribute(Qt.WA_StyledBackground, True)
        self.phase = QLabel(objectName="present_phase")
        self.caption = QLabel(objectName="present_caption", wordWrap=True)
        top = QVBoxLayout(self.top)
        top.setContentsMargins(28, 14, 28, 14)
        top.addWidget(self.phase)
        top.addWidget(self.caption)

        self.bottom = QWidget(self, objectName="present_bottom")
        self.bottom.setAttribute(Qt.WA_StyledBackground, True)
        self.play = QPushButton(objectName="present_play", toolTip="Play / pause (Space)")
        self.play.setFocusPolicy(Qt.NoFocus)
        self.play.clicked.connect(window.toggle_play)
        self.speed = QPushButton(objectName="present_speed", toolTip="Slow motion or normal speed")
        self.speed.setFocusPolicy(Qt.NoFocus)
        self.speed.clicked.connect(self._toggle_speed)
        self.legend = QLabel(objectName="present_legend", textFormat=Qt.RichText)
        self.note = QLabel(objectName="present_note", wordWrap=True)
        words = QVBoxLayout()
        words.setSpacing(4)
        words.addWidget(self.legend)
        words.addWidget(self.note)
        row = QHBoxLayout(self.bottom)
        row.setContentsMargins(28, 14, 28, 14)
        row.setSpacing(22)
        row.addWidget(self.play, 0, Qt.AlignVCenter)
        row.addWidget(self.speed, 0, Qt.AlignVCenter)
        row.addLayout(words, 1)
        self._shown_phase = self._shown_play = None
        self._bindings = Bindings()
        self.bind(window.state)

    def bind(self, state) -> None:
        """Follow `state` (None: let go): the phase and caption at its time, its speed and colours."""
        if not self._bindings.follow(state, time=lambda t: self.refresh(), speed=lambda speed: self.refresh(),
                                     colour=lambda source: self.show_legend(),
                                     scenario=lambda scenario: self._new_words()):
            return
        self._new_words()

    def _new_words(self) -> None:
        self._shown_phase = self._shown_play = None
        self.show_legend()
        self.refresh()

    def show_legend(self) -> None:
        session = self.window.session
        if session is None:
            return
        c = session.colouring
        # one row of swatch + words per colour, side by side: the band stays low
        cells = "".join(f'<td style="background:{_hex(e.rgb)}">&nbsp;&nbsp;&nbsp;&nbsp;</td>'
                        f'<td style="padding: 0 36px 0 12px">{_escape(e.text)}</td>' for e in c.legend)
        self.legend.setText(f"<table><tr>{cells}</tr></table>")
        self.note.setText(f"{c.note}   ·   Esc leaves presenter mode" if c.note else "Esc leaves presenter mode")

    def refresh(self) -> None:
        """Only what changed is set: the time event comes 60 times a second while playing."""
        w = self.window
        shown = (w.playhead.playing, w.playhead.speed)
        if shown != self._shown_play:
            self._shown_play = shown
            self.play.setText("❚❚" if shown[0] else "▶")
            self.play.setProperty("playing", shown[0])
            self.speed.setText(f"{shown[1]:g}×")
        if w.session is None:
            return
        phase = w.session.scenario.phase_at(w.playhead.time)
        if phase is not self._shown_phase:
            self._shown_phase = phase
            self.phase.setText(phase.name if phase else w.session.scenario.title)
            self.caption.setText(w.session.feed.caption(phase) if phase else w.session.scenario.summary)

    def _toggle_speed(self) -> None:
        w = self.window
        w.state.set_speed(1.0 if w.playhead.speed < 1.0 else PRESENT_SPEED)

    def lay_out(self, area) -> None:
        """Cover `area` (the 3D view's rectangle in the parent): bands at its top and bottom."""
        self.setGeometry(area)
        width = area.width()
        self.top.setFixedWidth(width)
        self.bottom.setFixedWidth(width)
        self.top.adjustSize()
        self.bottom.adjustSize()
        self.top.move(0, 0)
        self.bottom.move(0, area.height() - self.bottom.height())
        # only the bands take clicks: drags elsewhere reach the 3D view underneath
        self.setMask(_bands_region(self))


def _bands_region(bands: PresenterBands) -> QRegion:
    return QRegion(bands.top.geometry()).united(QRegion(bands.bottom.geometry()))


class Presenter(QObject):
    """Enter and leave presenter mode on a MainWindow."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.bands: PresenterBands | None = None
        self._saved: _Saved | None = None
        self._leave_key: QShortcut | None = None
        self._camera = None
        self._aimed_for = None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def bind(self, state) -> None:
        """The window shows another view state: the bands (while presenting) follow it."""
        if self.bands is not None:
            self.bands.bind(state)

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        w = self.window
        if self.active or w.session is None:
            return
        saved = _Saved(w.geometry(), w.saveState(), w.windowState(), w.playhead.speed, w.playhead.loop,
                       w.playhead.playing)
        central = w.centralWidget()
        others = [d for d in w.findChildren(QDockWidget)] + [w.menuBar(), w.statusBar()]
        others += [central.layout().itemAt(i).widget() for i in range(central.layout().count())]
        for widget in others:
            if widget is not None and widget is not w.view.widget and widget.isVisible():
                widget.hide()
                saved.hidden.append(widget)
        self._saved = saved
        camera = w.view.plotter.renderer.GetActiveCamera()
        self._camera = (camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp(), camera.GetViewAngle())
        self._aimed_for = None
        w.state.set_speed(PRESENT_SPEED)
        if w.playhead.loop == "none":
            w.state.set_loop("repeat")  # beside a patient the movement keeps going
        self.bands = PresenterBands(w, central)
        central.installEventFilter(self)
        self._leave_key = QShortcut(QKeySequence(Qt.Key_Escape), w, activated=self.leave)
        w.showFullScreen()
        w.setGeometry(w.screen().geometry())  # also without a window manager (Xvfb, kiosks)
        self.bands.show()
        self.bands.raise_()
        self._place()
        if not w.playhead.playing:
            w.toggle_play()

    def leave(self) -> None:
        w, saved = self.window, self._saved
        if saved is None:
            return
        self._saved = None
        w.centralWidget().removeEventFilter(self)
        if self._leave_key is not None:
            self._leave_key.setEnabled(False)
            self._leave_key.deleteLater()
            self._leave_key = None
        if self.bands is not None:
            self.bands.bind(None)
            self.bands.hide()
            self.bands.deleteLater()
            self.bands = None
        w.state.set_speed(saved.speed)
        w.state.set_loop(saved.loop)
        if w.playhead.playing != saved.playing:
            w.toggle_play()
        for widget in saved.hidden:
            widget.show()
        w.setWindowState(saved.window_state)
        if not saved.window_state & (Qt.WindowMaximized | Qt.WindowFullScreen):
            w.setGeometry(saved.geometry)
        w.restoreState(saved.state)
        camera = w.view.plotter.renderer.GetActiveCamera()
        position, focal, up, angle = self._camera
        camera.SetPosition(*position)
        camera.SetFocalPoint(*focal)
        camera.SetViewUp(*up)
        camera.SetViewAngle(angle)
        w.view.plotter.renderer.ResetCameraClippingRange()
        w.view.present(None)  # redraws the frame shown, with the window's small words again

    def _place(self) -> None:
        if self.bands is None:
            return
        widget = self.window.view.widget
        self.bands.lay_out(widget.geometry())
        # The window's small words hide (the bands say them larger); labels and the measure stay, between the bands.
        self.window.view.present((float(self.bands.bottom.height()), float(self.bands.top.height())))
        self._aim_between_bands(widget.width(), widget.height())

    def _aim_between_bands(self, width: int, height: int) -> None:
        """Fit the body into the screen between the two bands (the window's own fit leaves room
        for its small overlay text, not for these)."""
        view, bands = self.window.view, self.bands
        if view.scene is None or width < 64 or height < 64 or (width, height) == self._aimed_for:
            return
        self._aimed_for = (width, height)
        margin = 0.04
        area = ScreenArea(left=-0.94, right=0.94, bottom=-1 + 2 * bands.bottom.height() / height + margin,
                          top=1 - 2 * bands.top.height() / height - margin)
        rig = view.stage.rig_for((width, height), view.camera, area=area)
        rig.shot().apply(view.plotter.renderer.GetActiveCamera())
        view.plotter.renderer.ResetCameraClippingRange()
        view.render()

    def eventFilter(self, obj, event) -> bool:
        if event.type() in (QEvent.Resize, QEvent.LayoutRequest):
            QTimer.singleShot(0, self._place)
        return False


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(float(c) * 255)):02x}" for c in rgb[:3])


def _escape(text: str) -> str:
    return html.escape(text)
