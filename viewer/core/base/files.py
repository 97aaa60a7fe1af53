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
    if _guarding:
        refuse_input(path)
    real, mode = _target(path)
    folder = real.parent if str(real.parent) else Path(".")
    tmp = None
    try:
        try:
            with interrupt.held():  # a signal waits until `tmp` is known, so the clean-up finds it
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".part" + real.suffix)
                os.close(fd)
        except OSError as exc:
            raise ViewerError([Problem(name, None, f"cannot write into folder '{display_path(folder)}': "
                                                   f"{_reason(exc)}")]) from None
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
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def atomic_write_text(path: str | Path, text: str) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    atomic_write(path, write)


def check_input(path: str | Path, limit: int, error: type[ViewerError] = ViewerError,
                name: str | None = None) -> os.stat_result:
    """Refuse, before anything opens it, a path that is not a regular file (a FIFO would block the
    reader forever, /dev/zero never ends) or is larger than `limit` bytes; note it as read."""
    name = name or display_path(path)

    def fail(message: str):
        return error([Problem(name, None, message)])

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
    note_read(path, info)
    return info


def read_user_bytes(path: str | Path, limit: int, error: type[ViewerError] = ViewerError,
                    name: str | None = None) -> bytes:
    """A user's file, whole, after check_input; OS errors (/proc/self/mem's) name the file."""
    name = name or display_path(path)
    check_input(path, limit, error, name)
    try:
        # O_NONBLOCK: should the path have become a FIFO since the stat, open() still returns at once
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise error([Problem(name, None, f"cannot read: {_reason(exc)}")]) from None
    if len(raw) > limit:
        raise error([Problem(name, None, f"is larger than {limit / 2**20:g} MB; files that large are not read")])
    return raw


def read_user_text(path: str | Path, limit: int, error: type[ViewerError] = ViewerError) -> str:
    """A user's text file (UTF-8, an optional BOM), refused before reading if it is not a
    regular file or is larger than `limit` bytes. Problems raise `error` naming the file."""
    name = display_path(path)
    raw = read_user_bytes(path, limit, error, name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error([Problem(name, raw[: exc.start].count(b"\n") + 1, "not a text file (invalid UTF-8)")]) from None


# --- an output never replaces an input --------------------------------------------------------------
# Every file a run reads is noted by its identity (device, inode), so a symlink or a hard link to it
# is recognised too. A command that writes refuses, before any work, an output that is one of them.
_reads: dict[tuple[int, int], str] = {}
_recorders: list[dict] = []
_guarding = False
_outputs: list[Path] = []


def note_read(path: str | Path, info: os.stat_result | None = None) -> None:
    try:
        info = info or os.stat(path)
    except OSError:
        return
    key, name = (info.st_dev, info.st_ino), display_path(path)
    _reads.setdefault(key, name)
    for seen in _recorders:
        seen.setdefault(key, name)


def identities(paths) -> dict[tuple[int, int], str]:
    """{(dev, ino): name} of the paths that exist (None and missing ones are skipped)."""
    out = {}
    for path in paths:
        try:
            info = os.stat(path) if path is not None else None
        except (OSError, ValueError):
            continue
        if info is not None:
            out[(info.st_dev, info.st_ino)] = display_path(path)
    return out


def note_reads(inputs: dict[tuple[int, int], str]) -> None:
    for key, name in inputs.items():
        _reads.setdefault(key, name)


@contextlib.contextmanager
def recording():
    """{(dev, ino): name} of the files read inside the block (a loaded model keeps its own)."""
    seen: dict[tuple[int, int], str] = {}
    _recorders.append(seen)
    try:
        yield seen
    finally:
        _recorders.remove(seen)


def reads() -> dict[tuple[int, int], str]:
    return dict(_reads)


@contextlib.contextmanager
def one_run():
    """One command's run: starts with nothing read; outputs are checked against its reads once
    `guard_outputs()` is called (by commands that write; the app checks its dialogs itself)."""
    global _guarding
    _reads.clear()
    try:
        yield
    finally:
        _reads.clear()
        _outputs.clear()
        _guarding = False


def guard_output(target: str | Path) -> None:
    """From now on this run refuses to write `target` (or any file) over a file it read."""
    global _guarding
    _guarding = True
    _outputs.append(Path(target))
    refuse_input(target)


def check_outputs() -> None:
    """Refuse now, before any work, an output of this run that is one of the files read so far."""
    for target in _outputs:
        refuse_input(target)


def refuse_input(target: str | Path, inputs: dict[tuple[int, int], str] | None = None,
                 reader: str = "this command", instead: str = "output file") -> None:
    """Raise a one-line ViewerError when `target` (symlinks followed) is a file that is read:
    the scenario, its model, a mesh, a motion. A target that does not exist yet is fine."""
    inputs = _reads if inputs is None else inputs
    try:
        info = os.stat(target)
    except (OSError, ValueError):
        return
    name = inputs.get((info.st_dev, info.st_ino))
    if name is not None:
        shown = display_path(target)
        what = "is a file" if name == shown else f"leads to '{name}', a file"
        raise ViewerError([Problem(shown, None, f"{what} {reader} reads; an output never replaces an "
                                                f"input (choose another {instead})")])
