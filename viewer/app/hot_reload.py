"""Watch the open scenario file and say when its content changed, within a fraction of a second.

Text editors often save by writing a new file and renaming it over the old one; the watcher
then loses the path. So the folder is watched too, and the file is re-added after each event.
A short settle delay turns an editor's burst of writes into one reload, and a content digest
ignores events that changed nothing (including the app's own Save).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

SETTLE_MS = 60  # editors write in bursts; wait this long after the last event


def digest(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None


class HotReload(QObject):
    changed = Signal(str)  # the watched path, once its content differs from what was last seen

    def __init__(self, parent=None, settle_ms: int = SETTLE_MS):
        super().__init__(parent)
        self.path: Path | None = None
        self._seen: str | None = None
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._poke)
        self._watcher.directoryChanged.connect(self._poke)
        self._settle = QTimer(self, singleShot=True, interval=settle_ms)
        self._settle.timeout.connect(self._check)

    def watch(self, path: str | Path | None) -> None:
        """Follow this file from now on (None: follow nothing)."""
        old = self._watcher.files() + self._watcher.directories()
        if old:
            self._watcher.removePaths(old)
        self.path = Path(path).resolve() if path else None
        if self.path is None:
            return
        self._seen = digest(self.path)
        self._rewatch()

    def remember(self) -> None:
        """The app wrote the file itself: its current content is not news."""
        if self.path is not None:
            self._seen = digest(self.path)
            self._rewatch()

    def _rewatch(self) -> None:
        for p in (self.path, self.path.parent):
            key = str(p)
            if p.exists() and key not in self._watcher.files() + self._watcher.directories():
                self._watcher.addPath(key)

    def _poke(self, _changed: str) -> None:
        self._settle.start()

    def _check(self) -> None:
        if self.path is None:
            return
        self._rewatch()  # after a rename-save the old watch is gone
        now = digest(self.path)
        if now is None or now == self._seen:
            return  # deleted (mid-rename) or unchanged: wait for the next event
        self._seen = now
        self.changed.emit(str(self.path))
