"""Findings for people (a rich table grouped by file, then a summary) and for programs (JSON)."""

from __future__ import annotations

import json
import sys
from itertools import groupby

from rich.console import Console

from ...core.findings import Finding, count
from ...core.text import terminal_safe
from . import plain_output
from .grid import grid


def plain_line(f: Finding) -> str:
    """One finding on one line, for a pipe, a file or ``--plain`` (README: 每条问题一行):
    ``<文件>:<工作表>!<单元格>: <代码> <级别> <问题>（处理办法：<办法>）``; a rubric's line as ``<文件>:<行>``."""
    where = f.file or "（不属于某个文件）"
    if f.line is not None:
        where += f":{f.line}"
    elif f.sheet:
        where += f":{f.sheet}!{f.cell}" if f.cell else f":{f.sheet}"
    level = "错误" if f.severity == "error" else "警告"
    fix = f"（处理办法：{f.hint}）" if f.hint else ""
    return terminal_safe(" ".join(f"{where}: {f.code} {level} {f.message}{fix}".split("\n")))


def print_findings(result, console: Console, extra: list[Finding] | None = None,  # noqa: ANN001
                   whole_year: bool = True, shown: list[Finding] | None = None, plain: bool | None = None,
                   summary: bool = True) -> None:
    """Each finding, then the summary line; ``extra`` adds findings not tied to a file; ``shown``
    replaces the result's own (``rank`` shows them as they bear on scoring). On a terminal a table
    per file; in a pipe or a file (or ``plain``) one line per finding (``plain_line``).

    "可以用于计分" is said only of a whole year's folder with no error (nothing missing either);
    a check of single files says only that they have no error."""
    findings: list[Finding] = list(shown if shown is not None else result.findings) + list(extra or [])
    if plain is None:
        plain = plain_output(console)
    if plain:
        console.file.write("".join(plain_line(f) + "\n" for f in findings))
    else:
        for file, group in groupby(findings, key=lambda f: f.file):
            rows = [[f.code, "错误" if f.severity == "error" else "警告",
                     f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or (f"第 {f.line} 行" if f.line else "")),
                     f.message, f.hint] for f in group]
            lines = grid(["代码", "级别", "位置", "问题", "处理办法"], rows, [False] * 5, console.width,
                         title=file or "（不属于某个文件）", wraps=(2, 3, 4))
            console.file.write("\n".join(lines) + "\n")
    if not summary:
        return
    errors, warnings = count(findings, "error"), count(findings, "warning")
    console.print(f"共检查 {result.files} 个文件、{result.tables.rows} 行数据：错误 {errors} 个，警告 {warnings} 个。"
                  + ("" if errors else "可以用于计分。" if whole_year else "所查文件没有错误。"), markup=False)


def print_json(findings: list[Finding]) -> None:
    """``validate --format json`` (docs/json.md)."""
    data = {"format": "qp-eval-findings/1", "errors": count(findings, "error"),
            "warnings": count(findings, "warning"), "findings": [f.to_dict() for f in findings]}
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_blocked(ev, console: Console) -> None:  # noqa: ANN001 - an Evaluation that errors stopped
    errors = count([f for f in ev.findings if f.severity == "error"], "error")
    console.print(f"有 {errors} 个错误，未计分。请按上面所列修正后重试"
                  + ("（缺少评分表时可加 --allow-missing 先行计分）。" if ev.sheets_missing else "。"), markup=False)
