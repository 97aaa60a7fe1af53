"""Ctrl-C, SIGTERM and SIGHUP (the terminal closed), honoured from the first second.

A signal raises KeyboardInterrupt as Python's own Ctrl-C does, and also sets a flag. C++
libraries (VTK's set-up, observers called from C++) can swallow that exception; the flag makes
the next check — between video frames, before a finished file is renamed into place — raise
again, so a signalled run never completes a write and always exits non-zero.
"""
from __future__ import annotations

import contextlib
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
    """Handle SIGINT, SIGTERM and SIGHUP (main thread only: Python allows no other); call before any
    slow set-up. SIGHUP would otherwise end the process at once, leaving its temporary files behind."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:  # nohup's choice holds
            signal.signal(signum, _handler)


@contextlib.contextmanager
def held():
    """Signals wait until the block ends, then arrive (raise) at once: for starting a child process
    whose handle must exist before a signal can ask for it to be stopped."""
    signums = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signums)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


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
