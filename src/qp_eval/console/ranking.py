"""The ranking and a unit's explanation as rich tables, for the terminal."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table

from ..evaluate import Evaluation
from ..explain import Line
from ..ranking import Ranked, publish
from ..writers.ranking_out import records
from .grid import grid


def _esc(text: str) -> str:
    return text.replace("[", r"\[")


def print_ranking(ev: Evaluation, console: Console) -> None:
    """The ranking as a boxed table (console/grid.py: plain strings, fast at thousands of towns)."""
    rows = records(ev)
    with_change = any(r["previous_rank"] is not None for r in rows)
    headers = ["位次", "街镇", "重点工作得分", "亮点加分", "问题扣分", "最终得分", "等级"]
    right = [True, False, True, True, True, True, False]
    if with_change:
        headers.append("较上年位次")
        right.append(False)
    cells = []
    for r in rows:
        row = [str(r["rank"]), str(r["unit"]), str(r["base"]), str(r["bonus"]), str(r["deductions"]),
               str(r["final"]), str(r["grade"])]
        if with_change:
            row.append(str(r["change"]) or "—")
        cells.append(row)
    lines = grid(headers, cells, right, console.width, title=f"{ev.rubric.title} 考评位次")
    console.file.write("\n".join(lines) + "\n")
    for r in rows:
        if r["note"]:
            console.print(f"注：{r['unit']}：{_esc(str(r['note']))}")


def print_explain(ev: Evaluation, ranked: Ranked, lines: list[Line], console: Console) -> None:
    r = ev.rubric
    name = r.unit[ranked.unit_id].name
    console.print(f"[bold]{name}[/bold]：第 {ranked.rank} 名，最终得分 {ranked.final}，{ranked.grade}")
    for note in (ranked.tie_note, ranked.grade_note):
        if note:
            console.print(f"注：{_esc(note)}")
    for part in ("重点工作", "亮点加分", "问题扣分"):
        mine = [x for x in lines if x.part == part]
        subtotal = sum((x.amount for x in mine), Decimal(0))
        t = Table(title=f"{part}：{subtotal.normalize():f}", title_justify="left", show_lines=False)
        t.add_column("项目")
        t.add_column("计入", justify="right", no_wrap=True)
        t.add_column("计算")
        t.add_column("来源", style="dim")
        t.add_column("说明")
        with_self = any(x.self_score for x in mine)
        if with_self:
            t.add_column("自评", justify="right", no_wrap=True)
        for x in mine:
            cells = [_esc(x.label), f"{x.amount.normalize():f}", _esc(x.detail), _esc(x.source), _esc(x.note)]
            t.add_row(*cells, *([x.self_score or "—"] if with_self else []))
        if mine:
            console.print(t)
        else:
            console.print(f"{part}：无")
    res = ranked.result
    console.print(
        f"最终得分 = 重点工作 {res.base.normalize():f} + 亮点加分 {res.bonus.normalize():f} − 问题扣分 "
        f"{res.deductions.normalize():f} = {res.final.normalize():f}，按 {r.precision} 位小数公布为 "
        f"[bold]{publish(r, ranked.final)}[/bold]"
    )
