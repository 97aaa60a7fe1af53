"""Playback from memory: each frame of the playing loop is drawn once and then shown again as a picture.

On a machine without a GPU one render of the full body takes ~40 ms, so live playback tops out
below 24 updates per second. While the camera and everything else on screen stay as they are,
the loop looks the same every time round: the view keeps each frame it draws (compressed, in a
background thread) and from then on shows the stored picture in a plain Qt widget laid over the
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


class FrameCache:
    """Pictures of (frame index, direction) for one look of the view, packed with zlib."""

    def __init__(self, budget_bytes: int = BUDGET_MB * 2 ** 20):
        self.budget = int(budget_bytes)
        self.enabled = True
        self.key = None
        self._frames: dict[tuple[int, int], tuple[int, int, object]] = {}  # → (width, height, bytes | Future)
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

    @property
    def nbytes(self) -> int:
        with self._lock:
            entries = list(self._frames.values())
        return sum(len(data) if isinstance(data, bytes) else w * h * 3 for w, h, data in entries)

    def has_room(self, width: int, height: int) -> bool:
        return self.nbytes + width * height * 3 <= self.budget

    def put(self, frame: tuple[int, int], rgb: np.ndarray) -> None:
        """Keep a picture (H, W, 3 uint8, top row first); it is packed in the background."""
        h, w = rgb.shape[:2]
        if not self.enabled or frame in self._frames or not self.has_room(w, h):
            return
        raw = np.ascontiguousarray(rgb, np.uint8).tobytes()
        future = self._packer.submit(zlib.compress, raw, LEVEL)  # zlib lets go of the GIL
        entry = (w, h, future)
        future.raw = raw  # shown from the unpacked copy until packing finishes
        with self._lock:
            self._frames[frame] = entry
        key = self.key
        future.add_done_callback(lambda f, frame=frame, entry=entry, key=key: self._packed(frame, entry, key, f))

    def _packed(self, frame, entry, key, future: Future) -> None:
        # Runs on the packer thread: a store cleared meanwhile stays cleared.
        with self._lock:
            if key == self.key and self._frames.get(frame) is entry and future.exception() is None:
                self._frames[frame] = (entry[0], entry[1], future.result())
        future.raw = None

    def image(self, frame: tuple[int, int]) -> QImage | None:
        entry = self._frames.get(frame)
        if entry is None:
            return None
        w, h, data = entry
        if isinstance(data, Future):
            raw = data.raw  # read once: the packer thread may drop it any moment
            pixels = raw if raw is not None else zlib.decompress(data.result())
        else:
            pixels = zlib.decompress(data)
        return QImage(pixels, w, h, 3 * w, QImage.Format_RGB888).copy()  # own the pixels: `pixels` goes away

    def settle(self) -> None:
        """Wait until every picture is packed (tests; the app never waits)."""
        self._packer.submit(lambda: None).result()

    def close(self) -> None:
        self.clear()
        self._packer.shutdown(wait=False, cancel_futures=True)


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
