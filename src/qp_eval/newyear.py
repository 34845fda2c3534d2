"""A new year's workspace: the earlier rubric copied with its year and dates moved on.

The YAML is edited as text, line by line, so the bureau's comments and layout survive: the
``year:`` line, the year in ``title:``, and every ``key: YYYY-MM-DD`` date move on by the
difference in years. Everything else (points, standards) is left for the bureau to review.
"""

from __future__ import annotations

import datetime as dt
import re

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
        f"# 本文件由 qp-eval init 从 {old} 年度评估细则复制：年度和时间节点已顺延到 {new} 年。",
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
