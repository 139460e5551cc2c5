"""Atomic file writes: outputs appear complete or not at all, and inputs are never half-overwritten.

Every write of the library goes through :func:`atomic_path`: a symlink is followed (its target is written, the
link stays a link) and a read-only file is refused (:class:`ReadOnlyError`) before anything is written."""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class ReadOnlyError(PermissionError):
    """The file to replace is read-only: it is left as it is. ``user_message`` is the line to show."""

    def __init__(self, path: Path):
        super().__init__(errno.EACCES, "読み取り専用のファイルです", str(path))
        self.user_message = f"{path}: 読み取り専用のファイルです（書き込みません。読み取り専用を解除してから実行してください）"

    def __str__(self) -> str:
        return self.user_message


def target_of(path: str | os.PathLike) -> Path:
    """The file a write to ``path`` changes: symlinks followed (to the end of a chain)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable(path: str | os.PathLike) -> Path:
    """The target of ``path`` (:func:`target_of`); :class:`ReadOnlyError` when it exists and is read-only (no write
    permission bit for its owner, or no write access for this process)."""
    target = target_of(path)
    if target.exists() and not target.is_dir():
        mode = target.stat().st_mode
        if not mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            raise ReadOnlyError(Path(path))
    return target


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (its folder created if need be); when the block succeeds it replaces ``path`` (keeping the permissions
    of the file it replaces, or those a new file would get), otherwise it is removed and ``path`` is untouched.
    A symlink is followed (the file it points to is replaced, the link kept); a read-only ``path`` is refused
    (:class:`ReadOnlyError`) before the block runs."""
    path = check_writable(path)
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # every command creates its output's folder alike
        fd, tmp = tempfile.mkstemp(prefix=".~pia-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        yield Path(tmp)
        if path.exists():
            mode = path.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as e:
        if getattr(e, "user_message", None) or (e.filename not in (None, tmp) and not _is_temp(e.filename)):
            raise
        # the temporary file is ours, not the user's: the error names the file being written
        raise OSError(e.errno, e.strerror or str(e), str(path)) from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def _is_temp(name) -> bool:
    return Path(str(name)).name.startswith(".~pia-")


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
