"""A new year's workspace: the earlier rubric copied with its year and dates moved on, and last year's
archive brought along (较上年 needs it).

The YAML is edited as text, line by line, so the bureau's comments and layout survive: the
``year:`` line, the year in ``title:``, and every ``key: YYYY-MM-DD`` date move on by the
difference in years. Everything else (points, standards) is left for the bureau to review; the
lines whose text still names another year are listed for it.

The previous year's workspace is ``--previous``, else the folder itself when the new year goes
into it, else the current folder when it is a workspace, else the one sibling folder that holds
last year's archive. A workspace is never made inside another one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import RubricError, WorkspaceError
from ..core.findings import Finding
from ..core.names import archive_name
from ..core.rubric import YEAR_MAX, YEAR_MIN
from ..core.rubric_checks import stray_years
from ..core.rubric_load import load_text
from ..core.verify import MAX_ARCHIVE_BYTES
from ..core.yamlsource import YamlLimit
from .archive import previous_ranks
from .atomic import atomic_write_bytes, copy_aside
from .files import holds, read_regular
from .rubric_file import read_rubric_text
from .workspace import Workspace, backup_dir, shipped_years
from .writers.template import write_templates

if TYPE_CHECKING:
    from .writers.template import TemplateRun

_YEAR = re.compile(r"^(year:\s*)(\d{4})(\s*(?:#.*)?)$")
_TITLE = re.compile(r"^(title:.*)$")
_DATE = re.compile(r"^(\s*[A-Za-z_]+:\s*)(\d{4})-(\d{2})-(\d{2})(\s*(?:#.*)?)$")


def _shift(year: int, month: int, day: int, by: int) -> str:
    try:
        d = dt.date(year + by, month, day)
    except ValueError:  # 29 February in a year without one
        d = dt.date(year + by, month, 28)
    return d.isoformat()


def roll_rubric_text(text: str, old: int, new: int) -> str:
    by = new - old
    out = [
        (f"# 本文件由 qp-eval init 从 {old} 年度评估细则复制：年度和时间节点已顺延到 {new} 年。" if old != new
         else f"# 本文件由 qp-eval init 从随工具提供的 {new} 年度评估细则复制。"),
        "# 请区民政局逐项核对评估项目、评估标准（其中提到的年份）、分值和政策后再下发评分表，",
        "# 修改后运行 qp-eval rubric check 检查。",
    ]
    for line in text.splitlines():
        if line.lstrip().startswith("#"):  # the bureau's comments: only the file's own name moves on
            line = line.replace(f"rubric/{old}.yaml", f"rubric/{new}.yaml")
        elif m := _YEAR.match(line):
            line = f"{m.group(1)}{int(m.group(2)) + by}{m.group(3)}"
        elif _TITLE.match(line):
            line = line.replace(f"{old}年度", f"{new}年度").replace(f"{old}年", f"{new}年")
        elif m := _DATE.match(line):
            line = f"{m.group(1)}{_shift(int(m.group(2)), int(m.group(3)), int(m.group(4)), by)}{m.group(5)}"
        out.append(line)
    return "\n".join(out) + "\n"


@dataclass
class NewYear:
    """What ``init`` made: the rubric (copied and rolled on), the folders, the blank templates."""

    year: int
    folder: Path
    source_year: int
    source: Path
    rubric_path: Path
    scores_dir: Path
    templates: TemplateRun
    kept_rubric: Path | None  # the bureau's own earlier file, moved aside by --force
    archive: Path | None = None  # last year's archive in the new workspace (brought along, or there already)
    archive_from: Path | None = None  # where it was copied from (None: it was there)
    archive_note: str = ""  # why there is none, or why the one found was not brought
    other_years: list[tuple[int, str, list[int]]] = field(default_factory=list)  # rubric lines naming another year


def start_year(folder: Path, year: int, from_year: int | None, force: bool, previous: Path | None = None,
               here: Path | None = None) -> NewYear:
    """A new year's workspace in ``folder``. The rubric is copied from ``from_year`` (default: the year
    before, else the newest shipped year before it, else the shipped rubric of the year itself), from
    ``folder``'s own rubric folder, else the previous workspace's, else the shipped one; ``force``
    rebuilds, keeping an edited rubric in a 备份- folder and never replacing a filled sheet
    (``write_templates``). ``here``: the current folder (for tests)."""
    for what, y in (("--year", year), ("--from", from_year)):  # said before anything is read or written
        if y is not None and not YEAR_MIN <= y <= YEAR_MAX:
            raise WorkspaceError(f"{what} {y} 不是有效的评估年度：应为 {YEAR_MIN} 到 {YEAR_MAX} 之间的四位年份，如 2025。")
    here = here if here is not None else Path.cwd()
    _not_nested(folder, year, here)
    before = _previous_workspace(folder, year, previous, here)
    ws = Workspace(folder)
    source_year = from_year if from_year is not None else year - 1
    places = [folder] + ([before] if before is not None else [])
    own = next((p / "rubric" / f"{source_year}.yaml" for p in places if (p / "rubric" / f"{source_year}.yaml").is_file()),
               None)
    if own is None and from_year is None and source_year not in shipped_years():
        # the newest shipped year before it, else the year's own shipped rubric (e.g. init --year 2024)
        earlier = [y for y in shipped_years() if y < year] or [y for y in shipped_years() if y == year]
        if earlier:
            source_year = earlier[-1]
    source = own if own is not None else ws.rubric_path(source_year)
    target = folder / "rubric" / f"{year}.yaml"
    if target.exists() and not force:
        raise WorkspaceError(f"{target} 已存在，未覆盖（如需重新建立请加 --force）。")

    try:  # read as rubric check reads it: only a regular UTF-8 file within the size (never a FIFO)
        old = read_rubric_text(source)
    except (ValueError, YamlLimit) as e:
        raise RubricError(str(source), [Finding.of(getattr(e, "code", "R001"), str(e), file=str(source))]) from None
    rolled = roll_rubric_text(old, source_year, year)
    rubric = load_text(rolled, str(target))  # a rolled rubric that cannot be used is refused before it is written
    text = rolled.encode("utf-8")
    kept = None
    if os.path.lexists(target) and not holds(target, text):  # --force: the bureau's edits are kept aside
        kept = copy_aside(target, backup_dir(folder / "rubric"))  # the bureau's file stays until the new one is whole
    atomic_write_bytes(target, text)
    for d in (ws.scores_dir(year), folder / "archive", ws.reports_dir(year)):
        d.mkdir(parents=True, exist_ok=True)
    run = write_templates(rubric, ws.scores_dir(year), force=force)
    made = NewYear(year, folder, source_year, source, target, ws.scores_dir(year), run, kept,
                   other_years=stray_years(rolled, {year}))
    _bring_archive(made, before)
    return made


def _not_nested(folder: Path, year: int, here: Path) -> None:
    """A workspace inside another is refused, with the command that puts the year where it belongs."""
    inside = next((p for p in folder.resolve().parents if Workspace(p).has_years()), None)
    if inside is None:
        return
    years = Workspace(inside).own_years()
    where = "." if inside == here.resolve() else str(inside)
    sibling = Path(os.path.relpath(inside.parent / folder.name, here))
    raise WorkspaceError(
        f"{inside} 已经是 qp-eval 工作目录（{'、'.join(map(str, years))} 年度），不在其中再建工作目录 {folder}。"
        f"新年度可以放在同一个工作目录中：qp-eval init {where} --year {year}；"
        f"或放在它旁边：qp-eval init {sibling.as_posix()} --year {year}")


def _previous_workspace(folder: Path, year: int, given: Path | None, here: Path) -> Path | None:
    if given is not None:
        if not given.is_dir():
            raise WorkspaceError(f"找不到上年度工作目录 {given}（--previous 应指向上年度的工作目录）。")
        return given
    if folder.resolve() == here.resolve() or (folder / "archive" / archive_name(year - 1)).exists():
        return folder
    if Workspace(here).has_years() or (here / "archive" / archive_name(year - 1)).is_file():
        return here
    parent = folder.resolve().parent
    if not parent.is_dir():
        return None
    found = [p for p in sorted(parent.iterdir()) if p.is_dir() and p.resolve() != folder.resolve()
             and (p / "archive" / archive_name(year - 1)).is_file()]
    return found[0] if len(found) == 1 else None


def _bring_archive(made: NewYear, before: Path | None) -> None:
    """Last year's archive into the new workspace's archive/ (as it is: ``verify`` of last year reads it
    there too); never over a different one."""
    name = archive_name(made.year - 1)
    target = made.folder / "archive" / name
    source = before / "archive" / name if before is not None else None
    if source is None or not os.path.lexists(source):
        if target.is_file():
            made.archive = target
            return
        looked = f"（在 {before / 'archive'} 中没有找到）" if before is not None else ""
        made.archive_note = (f"未找到 {made.year - 1} 年度存档 archive/{name}{looked}：报告和函告中的“较上年”将显示为无法比较。"
                             "上年度的工作目录在别处时，加 --previous 指定该目录重新运行 init（可加 --force）。")
        return
    if source.resolve() == target.resolve():
        made.archive = target
        return
    ranks, why = previous_ranks(source, made.year - 1)
    if ranks is None:
        made.archive_note = f"{why}，未带入。"
        return
    data = read_regular(source, MAX_ARCHIVE_BYTES)  # read as it was checked: a regular file within the limit
    if os.path.lexists(target):
        if not holds(target, data):
            made.archive_note = f"{target} 已存在且与 {source} 不同，未覆盖；请核对用哪一份。"
        made.archive = target
        return
    atomic_write_bytes(target, data)
    made.archive, made.archive_from = target, source
