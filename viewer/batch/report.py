"""What a batch tells its user: a progress bar with the time left, and a closing table."""
from __future__ import annotations

import time

from viewer.commands.common import ProgressBar
from viewer.core.base.errors import printable


class BatchProgress(ProgressBar):
    """The batch's bar, redrawn as outputs finish: count, failures, time left.

    The time left comes from the work done so far, weighed by each job's expected cost (frames
    × pixels), so a still finishing does not make a long video look nearly done.
    """

    def __init__(self, total: int, weight: float, width: int = 30, stream=None):
        super().__init__("batch", width, stream, unit="outputs")
        self.total, self.weight = total, max(weight, 1e-9)
        self.done = self.failed = 0
        self.weight_done = 0.0

    def advance(self, weight: float, ok: bool) -> None:
        self.done += 1
        self.failed += not ok
        self.weight_done += weight
        self.draw()

    def left_seconds(self) -> float | None:
        spent = time.monotonic() - self.start
        if self.weight_done <= 0:
            return None
        return spent * (self.weight - self.weight_done) / self.weight_done

    def draw(self) -> None:
        left = self.left_seconds()
        eta = "time left: measuring" if left is None else f"{_duration(left)} left"
        failed = f", {self.failed} failed" if self.failed else ""
        self.show(self.weight_done / self.weight, f"{self.done}/{self.total} outputs{failed}, {eta}")


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def closing_table(rows: list[tuple[str, str, str]], elapsed: float) -> str:
    """rows: (status, output name, detail); status is done, skipped or failed."""
    counts = {status: sum(1 for r in rows if r[0] == status) for status in ("done", "skipped", "failed")}
    width = max([len(name) for _, name, _ in rows] + [6])
    lines = [f"{'status':8s}  {'output':{width}s}  detail"]
    order = {"failed": 0, "done": 1, "skipped": 2}
    for status, name, detail in sorted(rows, key=lambda r: (order[r[0]], r[1])):
        lines.append(printable(f"{status:8s}  {name:{width}s}  {detail}"))
    lines.append(f"{counts['done']} done, {counts['skipped']} skipped (current), {counts['failed']} failed "
                 f"in {_duration(elapsed)}")
    return "\n".join(lines)
