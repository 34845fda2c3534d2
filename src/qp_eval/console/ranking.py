"""The ranking and a unit's explanation as rich tables, for the terminal."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table

from ..evaluate import Evaluation
from ..explain import Line
from ..ranking import Ranked, publish
from ..writers.ranking_out import records


def _esc(text: str) -> str:
    return text.replace("[", r"\[")


def print_ranking(ev: Evaluation, console: Console) -> None:
    rows = records(ev)
    with_change = any(r["previous_rank"] is not None for r in rows)
    t = Table(title=f"{ev.rubric.title} 考评位次", title_justify="left")
    for name, justify in (("位次", "right"), ("街镇", "left"), ("重点工作得分", "right"), ("亮点加分", "right"),
                          ("问题扣分", "right"), ("最终得分", "right"), ("等级", "left")):
        t.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    if with_change:
        t.add_column("较上年位次", overflow="fold")
    for r in rows:
        cells = [str(r["rank"]), str(r["unit"]), str(r["base"]), str(r["bonus"]), str(r["deductions"]),
                 f"[bold]{r['final']}[/bold]", str(r["grade"])]
        if with_change:
            cells.append(str(r["change"]) or "—")
        t.add_row(*cells)
    console.print(t)
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
        for x in mine:
            t.add_row(_esc(x.label), f"{x.amount.normalize():f}", _esc(x.detail), _esc(x.source), _esc(x.note))
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
