"""Archives on disk: last year's read strictly (never a FIFO, never past its size), this year's written
atomically, and an existing one kept unless asked to replace it."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..core.errors import WorkspaceError
from ..core.evaluate import Evaluation
from ..core.results import archive_data
from ..core.text import json_pieces
from ..core.verify import MAX_ARCHIVE_BYTES, ArchiveProblem, parse_archive
from .atomic import copy_aside, temp_beside
from .files import NotRegularFile, TooLarge, holds_file, read_regular
from .oserrors import writing_to
from .workspace import backup_dir


def read_archive(target: Path, year: int | None = None) -> dict:
    """An archive read strictly (``core.verify.parse_archive``): ArchiveProblem (Chinese) when it cannot be
    relied on; FileNotFoundError when there is none."""

    try:
        raw = read_regular(target, MAX_ARCHIVE_BYTES)
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise ArchiveProblem("是一个目录，不是存档文件") from None
    except NotRegularFile:
        raise ArchiveProblem("不是普通文件（是管道、设备或套接字）") from None
    except TooLarge as e:
        raise ArchiveProblem(f"有 {e.size / 1_000_000:.0f} MB，超过存档的上限 {MAX_ARCHIVE_BYTES // 1_000_000} MB") from None
    except OSError as e:
        raise ArchiveProblem(f"无法读取（{'没有读取权限' if isinstance(e, PermissionError) else '系统错误'}）") from None
    return parse_archive(raw, year)


def load_archive(target: Path, year: int | None = None) -> dict:
    """``read_archive`` for ``verify``: WorkspaceError (exit 2) when it is missing or cannot be relied on."""
    try:
        return read_archive(target, year)
    except FileNotFoundError:
        raise WorkspaceError(f"找不到存档 {target}，请先运行 qp-eval rank --save。") from None
    except ArchiveProblem as e:
        raise WorkspaceError(f"存档 {target} 无法核对：{e}。") from None


def previous_ranks(archive: Path, year: int | None = None) -> tuple[dict[str, int] | None, str]:
    """(unit id → rank from an earlier year's archive, why it is not used): (None, "") when there is
    none; (None, the reason) when it cannot be relied on, so that 较上年 is shown as unavailable."""
    try:
        data = read_archive(archive, year)
    except FileNotFoundError:
        return None, ""
    except ArchiveProblem as e:
        return None, f"上年度存档 {archive} {e}，较上年无法比较"
    return {str(r["unit_id"]): int(r["rank"]) for r in data["results"]}, ""


def save_archive(target: Path, pieces: Iterable[str], force: bool) -> tuple[bool, Path | None]:
    """Write the year's archive from its text's ``pieces`` (``archive_pieces``: a 40,000-town archive is
    never held whole) to a temporary file beside it; an existing one that says something else is kept
    unless ``force``, and then copied into archive/备份-<日期时间>/ before the new one takes its name.
    Returns (written, where the old one was copied)."""
    if target.is_dir():  # said as what it is (exit 2), not as an archive that says something else
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
    with temp_beside(target) as tmp:
        with writing_to(target), tmp.open("w", encoding="utf-8", newline="") as out:
            out.writelines(pieces)
        differs = os.path.lexists(target) and not holds_file(target, tmp)  # never a FIFO
        if differs and not force:
            return False, None
        kept = copy_aside(target, backup_dir(target.parent)) if differs and target.is_file() else None
        with writing_to(target):
            os.replace(tmp, target)
    return True, kept


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def archive(ev: Evaluation, root: Path, compared_only: bool = False) -> dict[str, object]:
    """The year's archive (``core.results.archive_data``), each input's path relative to the workspace.
    ``compared_only``: what ``verify`` compares with the saved one (the inputs and each town's result)."""
    return archive_data(ev, {f.path: _relative(f.path, root) for f in ev.validation.tables.files}, compared_only)


def archive_pieces(ev: Evaluation, root: Path) -> Iterator[str]:
    """The archive's text as it is written (``json.dumps`` with an indent of 2, and a line end)."""
    return json_pieces(archive(ev, root))


def saved_status(target: Path, year: int) -> str | None:
    """What an archive was saved as (``core.decisions``: 初评 before the meeting, 审定 after it), or None
    when there is none or it cannot be relied on."""
    try:
        data = read_archive(target, year)
    except (FileNotFoundError, ArchiveProblem):
        return None
    decision = data.get("decision")
    return decision.get("status") if isinstance(decision, dict) else None


def archives_in(folders: list[Path], before: int | None = None) -> tuple[list[dict], list[str]]:
    """Every year's archive (``<年度>.json``) in ``folders``, read strictly, and what could not be used (in
    Chinese). A year found twice is taken from the first folder that holds it (the workspace's first).
    ``before``: only the years before it are read (the report's trend: its own year is the evaluation, and
    a 40,000-town archive read only to be left out would cost a few hundred MiB)."""
    found: dict[int, dict] = {}
    problems: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            problems.append(f"找不到存档目录 {folder}")
            continue
        for path in sorted(folder.glob("*.json")):
            if not (len(path.stem) == 4 and path.stem.isdigit()):
                continue  # only <年度>.json: backups live in their own folders
            year = int(path.stem)
            if before is not None and year >= before:
                continue
            if year in found:
                problems.append(f"{path} 与已读取的 {year} 年度存档重复，未使用")
                continue
            try:
                found[year] = read_archive(path, year)
            except FileNotFoundError:
                continue
            except ArchiveProblem as e:
                problems.append(f"存档 {path} {e}，未使用")
    return [found[y] for y in sorted(found)], problems
