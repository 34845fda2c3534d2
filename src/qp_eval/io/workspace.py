"""Where things live by convention, file hashes, and atomic writes.

A workspace is a folder holding ``rubric/<year>.yaml`` (else the rubric shipped in the
package), ``scores/<year>/``, ``archive/<year>.json`` and ``reports/<year>/``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..core.errors import RubricNotFound, WorkspaceError
from ..core.names import BACKUP_PREFIX, archive_name
from .oserrors import WriteFailure


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
            raise WorkspaceError("工作目录中找不到任何年度，请用 --year 指定。")
        return found

    def has_years(self) -> bool:
        """Whether this folder has a year of its own (scores or a rubric)."""
        return bool(self.own_years())

    def own_years(self) -> list[int]:
        """The years this folder has scores or a rubric of its own for."""
        return sorted(set(_years_in(self.root / "scores")) | set(_years_in(self.root / "rubric")))

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


def returned_copy(scores_dir: Path, out_dir: Path, path: Path) -> Path:
    """Where the marked copy of a received file goes: the same place under ``out_dir`` as under the
    scores folder (a file given from elsewhere: by its name)."""
    try:
        return out_dir / path.resolve().relative_to(scores_dir.resolve())
    except ValueError:
        return out_dir / path.name


def returned(scores_dir: Path, out_dir: Path, files: list[str]) -> set[str]:
    """The files whose marked copy has been written since they were received (a sheet sent again
    after its return has not been returned yet)."""
    out = set()
    for file in files:
        copy = returned_copy(scores_dir, out_dir, Path(file))
        try:
            if copy.stat().st_mtime >= Path(file).stat().st_mtime:
                out.add(file)
        except OSError:
            continue
    return out


def backup_dir(scores_dir: Path, now: dt.datetime | None = None) -> Path:
    """A new dated folder inside scores/<year>/ for files moved aside (validate and rank never read it)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = scores_dir / f"{BACKUP_PREFIX}{stamp}"
    n = 1
    while folder.exists():
        n += 1
        folder = scores_dir / f"{BACKUP_PREFIX}{stamp}-{n}"
    return folder


def output_target(out: Path | None, default: Path, force: bool) -> Path:
    """Where an output goes: the default (replaced atomically), or ``--out``, a user's file that an
    existing one is replaced only with ``force``."""
    if out is None:
        return default
    try:
        is_dir, exists = out.is_dir(), out.exists()
    except OSError as e:  # a name too long, a path through a file: said before any work is done

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
        raise WriteFailure(out, e) from None
    if out.exists() and not out.is_dir():
        raise WorkspaceError(f"{out} 是一个文件；--out 应写目录（生成的多个文件都写在这个目录里）。")
    there = [n for n in names if (out / n).exists()]
    if there and not force:
        more = f"等 {len(there)} 个文件" if len(there) > 1 else ""
        raise WorkspaceError(f"{out} 中已有 {there[0]}{more}，未覆盖。如需覆盖请加 --force。")
    return out
