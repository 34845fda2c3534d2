"""Writing without ever leaving half a file or no file: temporary files beside their target, renamed in
whole (``atomic_path``, ``atomic_paths``); a user's workbook replaced only after it is copied aside
(``install``: no moment between two renames when neither file is there); and the temporary files a
killed run left behind, removed by the next write in their folder (``sweep``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .oserrors import WriteFailure, writing_to
from .workspace import backup_dir


def _free_name(folder: Path, path: Path) -> Path:
    target = folder / path.name
    n = 1
    while os.path.lexists(target):
        n += 1
        target = folder / f"{path.stem}（{n}）{path.suffix}"
    return target


def move_aside(path: Path, folder: Path) -> Path:
    """Move a file into ``folder`` (made on first use), keeping its name and times; returns where it went.
    Only for a file whose content stands elsewhere too (a blank template, a copy of the file kept):
    a user's only copy is set aside with ``copy_aside`` before anything replaces it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, path)
    os.replace(path, target)
    return target


def copy_aside(path: Path, folder: Path) -> Path:
    """A copy of ``path`` in ``folder`` (made on first use), with its name and times, while ``path`` stays
    where it is: a hard link where the file system has them (instant, and the same bytes by
    construction), else a copy written beside and renamed in whole. Returns where the copy is."""
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, path)
    try:
        os.link(path, target)
        return target
    except OSError:
        pass  # no hard links here (FAT, a share): a copy
    tmp = _temp_beside(target)
    try:
        shutil.copy2(path, tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def install(wb: object, target: Path, olds: list[Path], scores_dir: Path, backup: Path | None,
            now: dt.datetime | None = None) -> tuple[Path | None, list[tuple[Path, Path]]]:
    """Put a new openpyxl workbook at ``target`` in place of ``olds``, with no moment at which a crash
    (a power cut, kill -9) leaves neither the old nor the new file in ``scores_dir``.

    ``target`` is the file whose values the new one carries (the filled one, when there is one); the
    other ``olds`` hold nothing it lacks (blank templates, identical copies). The steps:

    1. the new workbook is saved to a hidden temporary file beside ``target`` (left over by a crash,
       the next run of any command that writes there removes it);
    2. ``target`` is copied (hard-linked) into the dated backup folder, and stays where it is;
    3. the other old files are moved into the backup folder (nothing is lost: ``target`` holds it);
    4. the new file takes ``target``'s name, replacing the original in one step.

    Returns (backup folder, [(old file, where its copy is)])."""
    moved: list[tuple[Path, Path]] = []
    others = [old for old in olds if old != target]
    tmp: Path | None = None
    try:
        with writing_to(target):
            tmp = _temp_beside(target)
            wb.save(tmp)  # type: ignore[attr-defined]
            ordinary_mode(tmp)
            if os.path.lexists(target):
                backup = backup or backup_dir(scores_dir, now)
                moved.append((target, copy_aside(target, backup)))
            for old in others:
                backup = backup or backup_dir(scores_dir, now)
                moved.append((old, move_aside(old, backup)))
            os.replace(tmp, target)
            tmp = None
    except BaseException:  # SIGTERM and Ctrl-C too: a file moved aside goes back where it was
        for old, aside in reversed(moved):
            if old != target:
                with contextlib.suppress(OSError):
                    os.replace(aside, old)
        raise
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return backup, moved


TEMP_MARK = ".qp"  # our temporary files: .<name>.qp<pid>-<random>.tmp, hidden beside what they become
_OURS = re.compile(r"^\..+\.qp(\d+)-[a-z0-9_]+\.tmp$")
_OLD_STYLE = re.compile(r"^\..+\.(?:xlsx|docx|json|csv|html|md|yaml)\.[a-z0-9_]{8}\.tmp$")  # before the pid was in the name
STALE_SECONDS = 3600  # a temporary file of a run we cannot ask about (another PC, Windows) is stale after an hour


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no harmless way to ask on Windows: the age decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files that a run killed part-way (a power cut, kill -9) left in ``folder``:
    ours by their name, of a process that is gone or older than an hour. Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = _OURS.match(entry.name)
        if m is None and not _OLD_STYLE.match(entry.name):
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            if old or (m is not None and not _alive(int(m.group(1)))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _temp_beside(target: Path) -> Path:
    """An empty temporary file in ``target``'s folder (made if missing), with ordinary permissions. The
    folder's leftovers of killed runs are removed first."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file stands where a folder of the path should be
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(target.parent)) from None
    sweep(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}{os.getpid()}-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    ordinary_mode(Path(tmp))
    return Path(tmp)


@contextlib.contextmanager
def temp_beside(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target``, removed when the block ends unless it was renamed into place:
    for a write that decides only once the file is whole whether it replaces ``target`` (the archive).
    A system error making it becomes a ``WriteFailure`` naming ``target``."""
    tmp_path: Path | None = None
    try:
        with writing_to(target):
            tmp_path = _temp_beside(target)
        yield tmp_path
    finally:
        if tmp_path is not None:
            with contextlib.suppress(OSError):
                tmp_path.unlink()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it into place.

    An exception inside the block removes the temporary file and leaves ``target`` as it was; a
    system error (no permission, disk full, name too long) becomes a ``WriteFailure`` naming ``target``.
    """
    with temp_beside(target) as tmp_path, writing_to(target):
        yield tmp_path
        os.replace(tmp_path, target)


@contextlib.contextmanager
def atomic_paths(targets: list[Path]) -> Iterator[list[Path]]:
    """``atomic_path`` for files that belong together (the towns' letters): all are written to their
    temporary paths first, and only when every one is whole do they take their names, so a failure
    while writing changes nothing. The block raises ``WriteFailure`` for the file it could not write;
    a failure while renaming (a file made read-only, say) says which files were already replaced."""
    temps: list[Path] = []
    try:
        for target in targets:
            try:
                temps.append(_temp_beside(target))
            except OSError as e:
                raise WriteFailure(target, e) from None
        yield temps
        done: list[Path] = []
        for tmp, target in zip(temps, targets, strict=True):
            try:
                os.replace(tmp, target)
            except OSError as e:
                raise WriteFailure(target, e, done) from None
            done.append(target)
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()


def ordinary_mode(path: Path) -> None:
    """The permissions of an ordinary new file (mkstemp makes 0600)."""
    os.chmod(path, 0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
