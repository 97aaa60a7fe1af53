"""Ctrl-C, SIGTERM and SIGHUP (the terminal closed), honoured from the first second.

A signal raises KeyboardInterrupt as Python's own Ctrl-C does, and also sets a flag. C++
libraries (VTK's set-up, observers called from C++) can swallow that exception; the flag makes
the next check — between video frames, before a finished file is renamed into place — raise
again, so a signalled run never completes a write and always exits non-zero.

Two places must never see the exception, so there the signal waits and is sent again a moment
later: an import (a KeyboardInterrupt inside a VTK module's initialisation crashed the process
with SIGSEGV, or left a half-imported module behind) and a Python function that C++ calls (VTK
ends the whole process on a KeyboardInterrupt in an observer, leaving its temporary files).
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading

_received: int | None = None  # number of the first signal received, None while running normally


class Interrupted(KeyboardInterrupt):
    """Raised by check() after a signal; a KeyboardInterrupt, so the same clean-up runs."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_holding = 0  # depth of held() blocks: a signal then only sets _received, and held() raises at its end
_deferred: int | None = None  # a signal put off by _unsafe(), to be sent again until it can be raised
RETRY_S = 0.02
_called_from_c: set = set()  # code of the functions marked with called_from_c()


def called_from_c(function):
    """Mark a function C++ calls (a VTK observer): a signal waits until it has returned."""
    _called_from_c.add(function.__code__)
    return function


def _unsafe(frame) -> bool:
    """Is the interrupted code inside an import or a function C++ called?"""
    while frame is not None:
        code = frame.f_code
        if code in _called_from_c or code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _send_again(signum: int) -> None:
    def again():
        if _deferred == signum:  # not raised meanwhile by check()
            os.kill(os.getpid(), signum)

    timer = threading.Timer(RETRY_S, again)
    timer.daemon = True
    timer.start()


def _handler(signum, frame):
    global _received, _deferred
    if _received is None:
        _received = signum
    if _holding:  # e.g. mid-Popen: raising here would lose the child's handle (an ffmpeg left writing)
        return
    if _unsafe(frame):
        _deferred = signum
        _send_again(signum)
        return
    _deferred = None
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
    # Blocking the signals in this thread is not enough: the kernel hands a signal sent to the
    # process to any thread that does not block it (VTK's, OpenBLAS's), and Python then runs the
    # handler here, in the main thread, whatever the mask. So the handler itself waits: inside
    # this block it only notes the signal, and the block's end raises it.
    global _holding
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signums = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signums) if hasattr(signal, "pthread_sigmask") else None
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a signal pending here runs the handler now
        if not _holding:
            check()


def received() -> int | None:
    return _received


def check() -> None:
    """Raise Interrupted if a signal arrived (even one whose exception was swallowed)."""
    global _deferred
    if _received is not None:
        _deferred = None
        raise Interrupted(_received)


def exit_code(default: int = 130) -> int:
    """The shell's code for a run stopped by a signal: 128 + its number (130 Ctrl-C, 143 SIGTERM)."""
    return 128 + _received if _received is not None else default


def reset() -> None:
    """Forget a received signal (tests, and the app after a cancelled export)."""
    global _received, _deferred
    _received = _deferred = None
