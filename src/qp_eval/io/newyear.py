"""A new year's workspace: the earlier rubric copied with its year and dates moved on.

The YAML is edited as text, line by line, so the bureau's comments and layout survive: the
``year:`` line, the year in ``title:``, and every ``key: YYYY-MM-DD`` date move on by the
difference in years. Everything else (points, standards) is left for the bureau to review.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import RubricError, WorkspaceError
from ..core.findings import Finding
from ..core.rubric import YEAR_MAX, YEAR_MIN
from ..core.rubric_load import load_text
from ..core.yamlsource import YamlLimit
from .atomic import atomic_write_bytes, copy_aside
from .files import holds
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
        if m := _YEAR.match(line):
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


def start_year(folder: Path, year: int, from_year: int | None, force: bool) -> NewYear:
    """A new year's workspace in ``folder``. The rubric is copied from ``from_year`` (default: the year
    before, else the newest shipped year before it, else the shipped rubric of the year itself); ``force`` rebuilds, keeping an edited rubric in a
    备份- folder and never replacing a filled sheet (``write_templates``)."""
    for what, y in (("--year", year), ("--from", from_year)):  # said before anything is read or written
        if y is not None and not YEAR_MIN <= y <= YEAR_MAX:
            raise WorkspaceError(f"{what} {y} 不是有效的评估年度：应为 {YEAR_MIN} 到 {YEAR_MAX} 之间的四位年份，如 2025。")
    ws = Workspace(folder)
    source_year = from_year if from_year is not None else year - 1
    own = folder / "rubric" / f"{source_year}.yaml"
    if not own.is_file() and from_year is None and source_year not in shipped_years():
        # the newest shipped year before it, else the year's own shipped rubric (e.g. init --year 2024)
        earlier = [y for y in shipped_years() if y < year] or [y for y in shipped_years() if y == year]
        if earlier:
            source_year = earlier[-1]
    source = ws.rubric_path(source_year)
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
    return NewYear(year, folder, source_year, source, target, ws.scores_dir(year), run, kept)

