"""Ctrl-C and SIGTERM, honoured from the first second.

A signal raises KeyboardInterrupt as Python's own Ctrl-C does, and also sets a flag. C++
libraries (VTK's set-up, observers called from C++) can swallow that exception; the flag makes
the next check — between video frames, before a finished file is renamed into place — raise
again, so a signalled run never completes a write and always exits non-zero.
"""
from __future__ import annotations

import signal
import threading

_received: int | None = None  # number of the first signal received, None while running normally


class Interrupted(KeyboardInterrupt):
    """Raised by check() after a signal; a KeyboardInterrupt, so the same clean-up runs."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _handler(signum, frame):
    global _received
    if _received is None:
        _received = signum
    raise Interrupted(signum)


def install() -> None:
    """Handle SIGINT and SIGTERM (main thread only: Python allows no other); call before any slow set-up."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _handler)


def received() -> int | None:
    return _received


def check() -> None:
    """Raise Interrupted if a signal arrived (even one whose exception was swallowed)."""
    if _received is not None:
        raise Interrupted(_received)


def exit_code(default: int = 130) -> int:
    """The shell's code for a run stopped by a signal: 128 + its number (130 Ctrl-C, 143 SIGTERM)."""
    return 128 + _received if _received is not None else default


def reset() -> None:
    """Forget a received signal (tests, and the app after a cancelled export)."""
    global _received
    _received = None
