"""Findings for people (a rich table grouped by file, then a summary) and for programs (JSON)."""

from __future__ import annotations

import json
import sys
from itertools import groupby

from rich.console import Console
from rich.table import Table

from ...core.findings import Finding, count
from . import literal

SEVERITY = {"error": "[red]错误[/red]", "warning": "[yellow]警告[/yellow]"}


def print_findings(result, console: Console, extra: list[Finding] | None = None,  # noqa: ANN001
                   whole_year: bool = True, shown: list[Finding] | None = None) -> None:
    """A table per file, then the summary line; ``extra`` adds findings not tied to a file;
    ``shown`` replaces the result's own (``rank`` shows them as they bear on scoring).

    "可以用于计分" is said only of a whole year's folder with no error (nothing missing either);
    a check of single files says only that they have no error."""
    findings: list[Finding] = list(shown if shown is not None else result.findings) + list(extra or [])
    for file, group in groupby(findings, key=lambda f: f.file):
        rows = list(group)
        table = Table(title=literal(file) or "（不属于某个文件）", title_justify="left", show_lines=False)
        table.add_column("代码", no_wrap=True)
        table.add_column("级别", no_wrap=True)
        table.add_column("位置", no_wrap=True)
        table.add_column("问题", overflow="fold")  # fold, never cut: the message and hint are the point
        table.add_column("处理办法", style="dim", overflow="fold")
        for f in rows:
            place = f"{f.sheet}!{f.cell}" if f.cell else f.sheet
            table.add_row(f.code, SEVERITY[f.severity], literal(place), literal(f.message), literal(f.hint))
        console.print(table)
    errors, warnings = count(findings, "error"), count(findings, "warning")
    console.print(
        f"共检查 {result.files} 个文件、{result.tables.rows} 行数据：错误 {errors} 个，警告 {warnings} 个。"
        + ("" if errors else "  [green]可以用于计分。[/green]" if whole_year else "  [green]所查文件没有错误。[/green]")
    )


def print_json(findings: list[Finding]) -> None:
    """``validate --format json`` (docs/json.md)."""
    data = {"format": "qp-eval-findings/1", "errors": count(findings, "error"),
            "warnings": count(findings, "warning"), "findings": [f.to_dict() for f in findings]}
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_blocked(ev, console: Console) -> None:  # noqa: ANN001 - an Evaluation that errors stopped
    console.print("[red]存在错误，未计分。[/red]请按上表修正后重试"
                  + ("（缺少评分表时可加 --allow-missing 先行计分）。" if ev.sheets_missing else "。"))
