"""One video rendered by several processes (`export --workers N`), encoded once, in order.

The frames are dealt out in runs of RUN frames: worker j draws runs j, j+N, j+2N, … and sends
each frame (raw RGB) back; this process feeds them to the one encoder in frame order. Joining
raw frames before one encode, instead of encoding segments and concatenating them, is what
makes the file the same as a single process writes: x264's look-ahead and rate control reach
across any segment boundary, so separately encoded segments decode to (slightly) other pixels.

Each worker samples every frame of the export (cheap next to drawing) so its kinematics are
warm-started exactly as one process's are (render.export.export_frames, `draw`).
"""
from __future__ import annotations

import queue
import threading

import numpy as np

from viewer.core.base import interrupt
from viewer.core.base.errors import ViewerError

RUN = 4  # frames a worker draws in a row: small, so the workers stay close to the encoder
AHEAD = 6  # runs a worker may draw ahead of the encoder (memory: AHEAD·RUN frames per worker)
ERROR = b"E"  # a worker's one-line reason it stopped starts with this byte (a frame has its exact size)


def worker_share(index: int, workers: int):
    """Which frames worker `index` of `workers` draws."""
    return lambda frame: (frame // RUN) % workers == index


def _worker(conn, job: dict, index: int, workers: int) -> None:
    """In a child process: draw this worker's share of the frames and send each one."""
    import os

    os.environ.setdefault("MUJOCO_GL", "disable")
    from .pool import share_cores

    share_cores(workers)
    interrupt.install()
    try:
        from viewer.commands.common import view_output
        from viewer.render.export import export_frames

        job = dict(job)
        feed, options = view_output(job.pop("path"), job.pop("view"), job.pop("colour"), job.pop("speed"), **job)
        for _done, _total, frame in export_frames(feed, options, draw=worker_share(index, workers)):
            conn.send_bytes(memoryview(np.ascontiguousarray(frame)).cast("B"))
    except KeyboardInterrupt:
        pass
    except BaseException as exc:  # noqa: BLE001 - sent to the parent as one line, never a traceback
        from viewer.core.base.errors import plain_words

        try:
            conn.send_bytes(ERROR + plain_words(exc).encode("utf-8", "replace"))
        except OSError:
            pass
    finally:
        conn.close()


def export_parallel(job: dict, path, options, workers: int, progress=None, cancel=None) -> int:
    """Write the video of `job` (view_output's arguments: path, view, colour, speed, options)
    with `workers` processes drawing; returns the number of frames written."""
    from viewer.render.export import playback, write_video

    from viewer.core.scenario.read import load_scenario

    from .pool import spawn_context, stop_processes

    scenario = load_scenario(job["path"])
    total = playback(scenario.duration, options, scenario.loop)[0].size
    workers = max(1, min(workers, -(-total // RUN)))
    ctx = spawn_context()
    w, h = options.size
    procs, links = [], []
    for index in range(workers):
        ours, theirs = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(theirs, job, index, workers), daemon=True,
                           name=f"muscle-viewer export worker {index + 1}")
        proc.start()
        theirs.close()
        procs.append(proc)
        links.append(_Inbox(ours, proc, AHEAD * RUN, w * h * 3))

    def frames():
        for k in range(total):
            data = links[(k // RUN) % workers].get()
            yield k + 1, total, np.frombuffer(data, np.uint8).reshape(h, w, 3)

    finished = False
    try:
        count = write_video(path, options, frames(), progress, cancel)
        finished = True
        return count
    finally:
        for link in links:
            link.close()
        stop_processes(procs, wait=10.0 if finished else 0.0)  # finished: the workers are exiting by themselves


class _Inbox:
    """Frames from one worker, read on a thread into a bounded queue so the worker draws ahead
    while the encoder takes another worker's run."""

    def __init__(self, conn, proc, size: int, frame_bytes: int):
        self.conn, self.proc, self.frame_bytes = conn, proc, frame_bytes
        self.items: queue.Queue = queue.Queue(maxsize=size)
        self._closed = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while not self._closed:
            try:
                data = self.conn.recv_bytes()
            except (EOFError, OSError):
                self.items.put(None)
                return
            self.items.put(data)
            if len(data) != self.frame_bytes:
                return

    def get(self) -> bytes:
        while True:
            interrupt.check()
            try:
                data = self.items.get(timeout=0.2)
                break
            except queue.Empty:
                continue
        if data is None:
            self.proc.join(timeout=5)
            raise ViewerError(f"a render worker stopped (exit code {self.proc.exitcode}) before its frames were done")
        if len(data) != self.frame_bytes:
            raise ViewerError(data[1:].decode("utf-8", "replace") if data[:1] == ERROR else "a render worker sent a "
                              "frame of the wrong size")
        return data

    def close(self) -> None:
        self._closed = True
        try:
            self.conn.close()
        except OSError:
            pass
