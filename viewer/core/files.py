"""Safe file output and input.

Output is atomic: written beside the target, flushed to disk, checked, then renamed over it, so
a full disk, a failed encoder or a Ctrl-C leaves the old file as it was. The new file gets the
permissions an ordinary write would give (the umask; an existing file keeps its mode), and only
regular files are ever replaced: a FIFO, a device or a folder at the target is refused.

Input of user files (scenarios, motion files) reads only regular files, and only up to a size
cap, so a FIFO or /dev/zero is refused at once instead of hanging or filling memory.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

from . import interrupt
from .errors import Problem, ViewerError, display_path


def _umask() -> int:
    """The process umask, read without changing it where /proc allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    return exc.strerror or str(exc)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _target(path: Path) -> tuple[Path, int | None]:
    """The file really written (a symlink's target) and the mode to give it (None: new file)."""
    name = display_path(path)
    try:
        real = Path(os.path.realpath(path, strict=False)) if path.is_symlink() else path
        info = os.stat(real)
    except FileNotFoundError:
        return real, None
    except (OSError, RuntimeError) as exc:
        why = _reason(exc) if isinstance(exc, OSError) else "a symbolic link loop"
        raise ViewerError([Problem(name, None, f"cannot write: {why}")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise ViewerError([Problem(name, None, f"is {_kind(info.st_mode)}; refusing to replace it with a file")])
    return real, stat.S_IMODE(info.st_mode)


def _fsync(path: str | Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    try:
        os.fsync(fd)
    except OSError:
        if not directory:  # some file systems cannot sync a folder; the file itself must be synced
            raise
    finally:
        os.close(fd)


def atomic_write(path: str | Path, write: Callable[[str], None],
                 verify: Callable[[str], None] | None = None) -> None:
    """Call write(tmp_path) on a temporary file next to `path`, check it, then move it into place.

    verify(tmp_path), when given, raises if the written file is not right (a video that does
    not read back). On any failure (a full disk, Ctrl-C, SIGTERM) the temporary file is removed
    and `path` is untouched. OS errors become one-line ViewerErrors naming the file.
    """
    path = Path(path)
    name = display_path(path)
    real, mode = _target(path)
    folder = real.parent if str(real.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".part" + real.suffix)
    except OSError as exc:
        raise ViewerError([Problem(name, None, f"cannot write into folder '{display_path(folder)}': "
                                               f"{_reason(exc)}")]) from None
    os.close(fd)
    try:
        try:
            write(tmp)
            interrupt.check()
            if verify is not None:
                verify(tmp)
            _fsync(tmp)
            os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
            interrupt.check()  # a signal while the file was written: keep the old one
            os.replace(tmp, real)
        except ViewerError as exc:  # the writer's own one-liners ("the video encoder failed: …") name the file
            exc.problems[:] = [Problem(name, None, p.message) if p.file == "muscle-viewer" else p
                               for p in exc.problems]
            exc.args = ("\n".join(str(p) for p in exc.problems),)
            raise
        except OSError as exc:
            raise ViewerError([Problem(name, None, f"cannot write: {_reason(exc)}; "
                                                   f"{'the old file is kept' if mode is not None else 'nothing was written'}")]) from None
        with contextlib.suppress(OSError):
            _fsync(folder, directory=True)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def atomic_write_text(path: str | Path, text: str) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    atomic_write(path, write)


def read_user_text(path: str | Path, limit: int, error: type[ViewerError] = ViewerError) -> str:
    """A user's text file (UTF-8, an optional BOM), refused before reading if it is not a
    regular file or is larger than `limit` bytes. Problems raise `error` naming the file."""
    name = display_path(path)

    def fail(message: str, line: int | None = None):
        return error([Problem(name, line, message)])

    try:
        info = os.stat(path)  # stat never blocks, even on a FIFO
    except FileNotFoundError:
        raise fail("file not found") from None
    except (OSError, ValueError) as exc:
        raise fail(f"cannot read: {_reason(exc) if isinstance(exc, OSError) else exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise fail(f"is {_kind(info.st_mode)}, not a regular file; only regular files are read")
    if info.st_size > limit:
        raise fail(f"is {info.st_size / 2**20:.1f} MB; files larger than {limit / 2**20:g} MB are not read")
    try:
        # O_NONBLOCK: should the path have become a FIFO since the stat, open() still returns at once
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise fail(f"cannot read: {_reason(exc)}") from None
    if len(raw) > limit:
        raise fail(f"is larger than {limit / 2**20:g} MB; files that large are not read")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail("not a text file (invalid UTF-8)", raw[: exc.start].count(b"\n") + 1) from None
