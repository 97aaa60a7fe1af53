"""Playback from memory: each frame of the playing loop is drawn once and then shown again as a picture.

On a machine without a GPU one render of the full body takes ~40 ms, so live playback tops out
below 24 updates per second. While the camera and everything else on screen stay as they are,
the loop looks the same every time round: the view keeps each frame it draws (packed with zlib
in a background thread as soon as it is stored, ~4× smaller) and from then on shows the stored picture in a plain Qt widget laid over the
3D view, which costs a few milliseconds. Frames not stored yet are drawn under that picture, one
per update, so the whole loop is in memory after a pass or two.

Anything that changes the look (camera, size, colours, hidden muscles, bones, highlight, a new
scenario or edit) gives a new key and empties the store. Memory is bounded by BUDGET_MB: where a
whole cycle would not fit, fewer frames per second are stored (a steady rate beats a stutter).
"""
from __future__ import annotations

import os
import threading
import zlib
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget


def _budget_mb() -> int:
    """An eighth of the machine's memory, between 128 MB and 1 GB (8 GB of RAM: 1 GB)."""
    try:
        ram_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2 ** 20
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows): assume a small machine
        ram_mb = 4096
    return int(min(1024, max(128, ram_mb // 8)))


BUDGET_MB = _budget_mb()  # at the default window (988×611 view) a frame packs to ~0.4 MB
PLAY_RATE = 30.0  # stored frames per second of screen time; the grid of scenario frames follows the speed
LEVEL = 1  # zlib: ~4× smaller at ~20 ms a frame in the background; unpacking takes ~4 ms
PACKED_SHARE = 0.25  # packed size / raw size to plan with (measured 0.23 on the leg raise)


class _Entry:
    """One stored picture: its pixels as drawn, until they are packed (then only the packed bytes)."""

    __slots__ = ("width", "height", "raw", "packed")

    def __init__(self, width: int, height: int, raw: bytes):
        self.width, self.height = width, height
        self.raw, self.packed = raw, None

    @property
    def nbytes(self) -> int:
        return len(self.raw) if self.raw is not None else len(self.packed)

    @property
    def eventual(self) -> float:
        """Bytes once packed (estimated until it is)."""
        return len(self.packed) if self.packed is not None else len(self.raw) * PACKED_SHARE


class FrameCache:
    """Pictures of (frame index, direction) for one look of the view.

    Each picture is packed with zlib on a background thread as soon as it is stored (~4× smaller:
    the default leg raise's loop takes ~130 MB instead of ~570 MB) and unpacked (~4 ms) each
    time it is shown; until its packing is done it is shown as drawn."""

    def __init__(self, budget_bytes: int = BUDGET_MB * 2 ** 20):
        self.budget = int(budget_bytes)
        self.enabled = True
        self.key = None
        self._frames: dict[tuple[int, int], _Entry] = {}
        self._lock = threading.Lock()  # the packer thread swaps finished entries in
        self._packer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frame-pack")

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, frame: tuple[int, int]) -> bool:
        return frame in self._frames

    def use(self, key) -> None:
        """Frames are for this look of the view from now on; any other look's are dropped."""
        if key != self.key:
            self.clear()
            self.key = key

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
            self.key = None

    def _entries(self) -> list[_Entry]:
        with self._lock:
            return list(self._frames.values())

    @property
    def nbytes(self) -> int:
        """Memory the pictures take now."""
        return sum(e.nbytes for e in self._entries())

    def has_room(self, width: int, height: int) -> bool:
        """Whether one more picture fits in the budget once everything is packed."""
        return sum(e.eventual for e in self._entries()) + width * height * 3 * PACKED_SHARE <= self.budget

    def put(self, frame: tuple[int, int], rgb: np.ndarray) -> None:
        """Keep a picture (H, W, 3 uint8, top row first), as it is for now."""
        h, w = rgb.shape[:2]
        if not self.enabled or frame in self._frames or not self.has_room(w, h):
            return
        entry = _Entry(w, h, np.ascontiguousarray(rgb, np.uint8).tobytes())
        with self._lock:
            self._frames[frame] = entry
        self._pack(entry)

    def _pack(self, entry: _Entry) -> None:
        key = self.key
        future = self._packer.submit(zlib.compress, entry.raw, LEVEL)  # zlib lets go of the GIL
        future.add_done_callback(lambda f: self._packed(entry, key, f))

    def _packed(self, entry: _Entry, key, future: Future) -> None:
        # Runs on the packer thread: a store cleared meanwhile stays cleared.
        if future.cancelled() or future.exception() is not None:
            return
        with self._lock:
            if key == self.key:
                entry.packed, entry.raw = future.result(), None

    def image(self, frame: tuple[int, int]) -> QImage | None:
        entry = self._frames.get(frame)
        if entry is None:
            return None
        raw = entry.raw  # read once: the packer thread may swap it for the packed bytes
        return to_qimage(raw if raw is not None else zlib.decompress(entry.packed), entry.width, entry.height)

    def settle(self) -> None:
        """Wait until the pictures sent for packing are packed (tests; the app never waits)."""
        self._packer.submit(lambda: None).result()

    def close(self) -> None:
        self.clear()
        self._packer.shutdown(wait=False, cancel_futures=True)


def to_qimage(pixels, width: int | None = None, height: int | None = None) -> QImage:
    """An RGB picture that owns its pixels: bytes of `width`×`height`, or an (H, W, 3) uint8 array."""
    if isinstance(pixels, np.ndarray):
        height, width = pixels.shape[:2]
        pixels = np.ascontiguousarray(pixels).tobytes()
    return QImage(pixels, width, height, 3 * width, QImage.Format_RGB888).copy()  # `pixels` may go away


class FramePicture(QWidget):
    """A stored frame shown over the 3D view, pixel for pixel; clicks and drags go through to the view."""

    def __init__(self, view_widget: QWidget):
        super().__init__(view_widget)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WA_OpaquePaintEvent)  # the picture covers every pixel: no background fill
        self.image: QImage | None = None
        self.frame = None  # (frame, direction) of the picture shown
        self._fresh = False  # a new picture waits for its paint
        self.on_paint = lambda: None
        self.hide()

    def show_image(self, image: QImage, frame=None) -> None:
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self.image, self.frame, self._fresh = image, frame, True
        if self.geometry() != self.parentWidget().rect():
            self.setGeometry(self.parentWidget().rect())
        if not self.isVisible():
            self.show()
            self.raise_()
        self.update()

    def hideEvent(self, event) -> None:
        self.frame = None
        super().hideEvent(event)

    def paintEvent(self, event) -> None:
        if self.image is None:
            return
        painter = QPainter(self)
        painter.drawImage(QPoint(0, 0), self.image)
        painter.end()
        if self._fresh:  # repaints of the same picture (a widget above it changed) are not new frames
            self._fresh = False
            self.on_paint()
