"""What the main window keeps between runs: its size and dock layout (fitted onto this screen),
the recent scenarios, and the one to open first. The preferences (speed, colour source, bone
opacity) are read when a scenario's view state is made (MainWindow.set_session)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize

from viewer.core.base.paths import DEFAULT_SCENARIO

PREFERRED_SIZE = QSize(1500, 900)
SCREEN_SHARE = (0.96, 0.92)  # of the available screen: room for the window frame and title
MAX_RECENT = 8


def initial_size(available: QRect) -> QSize:
    """The first window size: the preferred one where the screen has room, else what fits."""
    return QSize(min(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE[0])),
                 min(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE[1])))


def fit_to_screen(window) -> None:
    """A layout saved on a bigger screen is shrunk onto this one, and brought into view."""
    available, frame = window._available(), window.frameGeometry()
    if frame.width() > available.width() or frame.height() > available.height():
        window.resize(initial_size(available))
        frame = window.frameGeometry()
    if not available.contains(frame):
        x = min(max(frame.x(), available.x()), available.right() - frame.width() + 1)
        y = min(max(frame.y(), available.y()), available.bottom() - frame.height() + 1)
        window.move(x, y)


def restore(window, first_path: str | None, lab=None) -> None:
    """Window layout from last time, then the first scenario to show (the named one, else the
    last one, else the default, saying why in the banner)."""
    settings = window.settings
    geometry = settings.value("geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    state = settings.value("window_state")
    if state is not None:
        window.restoreState(state)
    fit_to_screen(window)
    last = settings.value("last_scenario")
    window.library.fill(settings.value("recent", [], type=list))
    candidates = [first_path] if first_path else []
    candidates += [last] if last and not first_path else []
    for path in candidates:
        if window.open_path(path, lab if path == first_path else None):
            return
    # The named file was broken (its error shows in the banner): fall back to the default.
    banner = window.banner
    message = banner.label.text() if banner.isVisible() else ""
    if window.session is None:
        window.open_path(str(DEFAULT_SCENARIO))
    if message:
        banner.show_error(message + f"\nShowing the default scenario instead: {DEFAULT_SCENARIO.name}.")


def save_layout(window) -> None:
    window.settings.setValue("geometry", window.saveGeometry())
    window.settings.setValue("window_state", window.saveState())


def remember_recent(window, path: str) -> None:
    """`path` heads the recent list (settings, the exercise list, File → Open recent)."""
    settings = window.settings
    recent = [p for p in settings.value("recent", [], type=list) if p != path]
    recent = ([path] + recent)[:MAX_RECENT]
    settings.setValue("recent", recent)
    settings.setValue("last_scenario", path)
    window.library.fill(recent)
    window.recent_menu.clear()
    for p in recent:
        window.recent_menu.addAction(Path(p).name, lambda checked=False, p=p: window.open_path(p))
