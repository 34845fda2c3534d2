"""The options commands share, each defined once (typer's ``Annotated`` style), and the output formats
as choices: a format that is not one of them is a usage error (exit 2) said by the help module."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class TableFormat(StrEnum):
    table = "table"
    json = "json"


class RankFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    md = "md"
    html = "html"


_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def parse_year(text: str) -> int:
    """A year as the office writes it: 2025, 2025年, 2025年度, ２０２５, 二〇二五 or 二零二五年."""
    import unicodedata

    t = unicodedata.normalize("NFKC", str(text)).strip().removesuffix("年度").removesuffix("年").strip()
    t = t.translate(_CN_DIGITS)
    if len(t) != 4 or not t.isdigit():
        raise typer.BadParameter(f"“{text}”不是有效的评估年度：请写四位年份，如 2025（也可以写 2025年 或 二〇二五）")
    return int(t)


YearOpt = Annotated[
    int | None, typer.Option("--year", "-y", help="评估年度，如 2025；省略时取工作目录中最新的年度。", show_default=False,
                             metavar="年度", parser=parse_year)
]
WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", metavar="目录", help="工作目录（含 rubric/、scores/、archive/、reports/）。")
]
RubricOpt = Annotated[
    Path | None, typer.Option("--rubric", metavar="文件", help="评估细则文件；省略时按工作目录约定查找。", show_default=False)
]
TableOrJson = Annotated[TableFormat, typer.Option("--format", "-f", metavar="格式",
                                                  help="输出格式：table（表格）或 json（见 docs/json.md）。")]
ScoresOpt = Annotated[
    Path | None, typer.Option("--scores", metavar="目录", help="评分表目录；默认为工作目录下的 scores/<年度>/。", show_default=False)
]
ArchiveOpt = Annotated[
    Path | None, typer.Option("--archive", metavar="文件", help="本年度存档文件；默认为 archive/<年度>.json。", show_default=False)
]
PreviousOpt = Annotated[
    Path | None, typer.Option("--previous", metavar="文件", help="上年度存档文件（用于较上年位次）；默认为 archive/<上一年度>.json。", show_default=False)
]
AllowMissingOpt = Annotated[
    bool, typer.Option("--allow-missing", help="缺少评分表或评分时仍然计分：缺少的按 0 分计并在结果中标注。")
]
DateOpt = Annotated[
    str | None, typer.Option("--date", metavar="日期", help="落款和生成日期，格式 YYYY-MM-DD；默认为今天。", show_default=False)
]


def made(date: str | None, option: str = "--date") -> dt.date:
    """The date a command was given (YYYY-MM-DD), or today; a usage error when it is none."""
    if date is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise typer.BadParameter(f"“{date}”不是有效日期，应为 YYYY-MM-DD", param_hint=option) from None
