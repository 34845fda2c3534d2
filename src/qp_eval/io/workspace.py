"""Where things live by convention, file hashes, and atomic writes.

A workspace is a folder holding ``rubric/<year>.yaml`` (else the rubric shipped in the
package), ``scores/<year>/``, ``archive/<year>.json`` and ``reports/<year>/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..core.errors import RubricNotFound
from ..core.names import BACKUP_PREFIX, archive_name


def shipped_rubric(year: int) -> Path | None:
    p = resources.files("qp_eval").joinpath("rubrics", f"{year}.yaml")
    return Path(str(p)) if p.is_file() else None


def shipped_years() -> list[int]:
    folder = resources.files("qp_eval").joinpath("rubrics")
    return sorted(int(m.group(1)) for f in folder.iterdir() if (m := re.fullmatch(r"(\d{4})\.yaml", f.name)))


@dataclass(frozen=True)
class Workspace:
    root: Path

    def rubric_path(self, year: int) -> Path:
        own = self.root / "rubric" / f"{year}.yaml"
        if own.is_file() or os.path.lexists(own):  # a folder or a broken link there is the office's rubric, said
            return own                             # as unreadable, never quietly replaced by the shipped one
        shipped = shipped_rubric(year)
        if shipped is not None:
            return shipped
        raise RubricNotFound(year, [str(own), "qp-eval 自带的评估细则"], self.years())

    def scores_dir(self, year: int) -> Path:
        return self.root / "scores" / str(year)

    def archive_path(self, year: int) -> Path:
        return self.root / "archive" / archive_name(year)

    def reports_dir(self, year: int) -> Path:
        return self.root / "reports" / str(year)

    def year(self, requested: int | None) -> int:
        """The year asked for, else the latest one here (``WorkspaceError`` when there is none)."""
        if requested is not None:
            return requested
        found = self.latest_year()
        if found is None:
            from ..core.errors import WorkspaceError

            raise WorkspaceError("工作目录中找不到任何年度，请用 --year 指定。")
        return found

    def has_years(self) -> bool:
        """Whether this folder has a year of its own (scores or a rubric)."""
        return bool(_years_in(self.root / "scores") or _years_in(self.root / "rubric"))

    def years(self) -> list[int]:
        """Every year this workspace has (scores or a rubric of its own) or qp-eval ships a rubric for."""
        return sorted(set(_years_in(self.root / "scores")) | set(_years_in(self.root / "rubric")) | set(shipped_years()))

    def latest_year(self) -> int | None:
        """The latest year with scores; else with a rubric of its own; else the newest shipped."""
        for folder in (self.root / "scores", self.root / "rubric"):
            years = _years_in(folder)
            if years:
                return max(years)
        shipped = shipped_years()
        return shipped[-1] if shipped else None


def _years_in(folder: Path) -> list[int]:
    if not folder.is_dir():
        return []
    return [int(m.group(1)) for p in folder.iterdir() if (m := re.fullmatch(r"(\d{4})(?:\.yaml)?", p.name))]


def backup_dir(scores_dir: Path, now: dt.datetime | None = None) -> Path:
    """A new dated folder inside scores/<year>/ for files moved aside (validate and rank never read it)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = scores_dir / f"{BACKUP_PREFIX}{stamp}"
    n = 1
    while folder.exists():
        n += 1
        folder = scores_dir / f"{BACKUP_PREFIX}{stamp}-{n}"
    return folder


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
    import shutil

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
    from .oserrors import writing_to

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
    import time

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
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it into place.

    An exception inside the block removes the temporary file and leaves ``target`` as it was; a
    system error (no permission, disk full, name too long) becomes a ``WriteFailure`` naming ``target``.
    """
    from .oserrors import writing_to

    tmp_path: Path | None = None
    try:
        with writing_to(target):
            tmp_path = _temp_beside(target)
            yield tmp_path
            os.replace(tmp_path, target)
    finally:
        if tmp_path is not None:
            with contextlib.suppress(OSError):
                tmp_path.unlink()


@contextlib.contextmanager
def atomic_paths(targets: list[Path]) -> Iterator[list[Path]]:
    """``atomic_path`` for files that belong together (the towns' letters): all are written to their
    temporary paths first, and only when every one is whole do they take their names, so a failure
    while writing changes nothing. The block raises ``WriteFailure`` for the file it could not write;
    a failure while renaming (a file made read-only, say) says which files were already replaced."""
    from .oserrors import WriteFailure

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


def output_target(out: Path | None, default: Path, force: bool) -> Path:
    """Where an output goes: the default (replaced atomically), or ``--out``, a user's file that an
    existing one is replaced only with ``force``."""
    from ..core.errors import WorkspaceError

    if out is None:
        return default
    try:
        is_dir, exists = out.is_dir(), out.exists()
    except OSError as e:  # a name too long, a path through a file: said before any work is done
        from .oserrors import WriteFailure

        raise WriteFailure(out, e) from None
    if is_dir:
        raise WorkspaceError(f"{out} 是一个目录；--out 应写文件名，如 {out / default.name}。")
    if exists and not force:
        raise WorkspaceError(f"文件 {out} 已存在，未覆盖。如需覆盖请加 --force。")
    return out


def output_folder(out: Path | None, default: Path, names: list[str], force: bool) -> Path:
    """``output_target`` for a set of files in a folder: in ``--out``, none of ``names`` is replaced
    without ``force``."""
    if out is None:
        return default
    try:
        out.exists()
    except OSError as e:
        from .oserrors import WriteFailure

        raise WriteFailure(out, e) from None
    if out.exists() and not out.is_dir():
        from ..core.errors import WorkspaceError

        raise WorkspaceError(f"{out} 是一个文件；--out 应写目录（函告每个街镇一份，写在这个目录里）。")
    there = [n for n in names if (out / n).exists()]
    if there and not force:
        from ..core.errors import WorkspaceError

        more = f"等 {len(there)} 个文件" if len(there) > 1 else ""
        raise WorkspaceError(f"{out} 中已有 {there[0]}{more}，未覆盖。如需覆盖请加 --force。")
    return out
