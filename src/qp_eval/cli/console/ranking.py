"""The ranking and a unit's explanation as rich tables, for the terminal."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console

from ...core.evaluate import Evaluation
from ...core.explain import DECIDED_PART, Line
from ...core.numbers import fmt, publish
from ...core.ranking import Ranked
from ...core.results import CHANGE, COLUMNS, records
from . import plain_output, print_next
from .grid import grid


def print_ranking(ev: Evaluation, console: Console) -> None:
    """The ranking as a boxed table (console/grid.py: plain strings, fast at thousands of towns), 80
    columns wide: the proposal's figures, where the meeting changed them, go below with the notes
    (JSON and CSV hold them as columns)."""
    rows = records(ev)
    with_change = any(r["previous_rank"] is not None for r in rows) or bool(ev.previous_problem)
    shown = [c for c in COLUMNS if c.key != "note" and (c is not CHANGE or with_change)]  # notes go below
    headers = [c.header for c in shown]
    right = [c.numeric for c in shown]
    cells = [[str(r[c.key]) or ("—" if c is CHANGE else "") for c in shown] for r in rows]
    lines = grid(headers, cells, right, console.width, title=f"{ev.rubric.title} 考评位次（{ev.decision.said()}）",
                 boxed=not plain_output(console))
    console.file.write("\n".join(lines) + "\n")
    for r in rows:
        if r["note"]:
            console.print(f"注：{r['unit']}：{r['note']}", markup=False)
    for x in ev.ranking:  # the proposal where the meeting's decision changed it
        p = ev.proposed[x.unit_id]
        if (p.final, p.rank, p.grade) != (x.final, x.rank, x.grade):
            console.print(f"注：{ev.rubric.unit[x.unit_id].name}初评为第 {p.rank} 名，初评得分 {p.final}，{p.grade}。",
                          markup=False)
    if ev.previous_problem:
        console.print(f"注：{ev.previous_problem}。", markup=False)


def print_explain(ev: Evaluation, ranked: Ranked, lines: list[Line], console: Console) -> None:
    r = ev.rubric
    name = r.unit[ranked.unit_id].name
    console.print(f"{name}：第 {ranked.rank} 名，最终得分 {ranked.final}，{ranked.grade}（{ev.decision.said()}）",
                  markup=False)
    proposed = ev.proposed[ranked.unit_id]
    if (proposed.final, proposed.rank, proposed.grade) != (ranked.final, ranked.rank, ranked.grade):
        console.print(f"初评：第 {proposed.rank} 名，初评得分 {proposed.final}，{proposed.grade}", markup=False)
    for note in (ranked.tie_note, ranked.grade_note):
        if note:
            console.print(f"注：{note}", markup=False)
    decided = any(x.part == DECIDED_PART for x in lines)
    for part in ("重点工作", "亮点加分", "问题扣分", *((DECIDED_PART,) if decided else ())):
        mine = [x for x in lines if x.part == part]
        subtotal = sum((x.amount for x in mine), Decimal(0))
        if not mine:
            console.print(f"{part}：无", markup=False)
            continue
        headers = [{"重点工作": "细则", "亮点加分": "亮点", "问题扣分": "问题"}.get(part, "调整"), "计入", "计算", "来源", "说明"]
        with_self = any(x.self_score for x in mine)
        if with_self:
            headers.append("自评")
        rows = [[x.label, fmt(x.amount), x.detail, x.source, x.note]
                + ([x.self_score or "—"] if with_self else []) for x in mine]
        right = [False, True, False, False, False] + ([True] if with_self else [])
        # plain strings, wrapped, never cut: the source cell is the point of explain
        out = grid(headers, rows, right, console.width, title=f"{part}：{fmt(subtotal)}", wraps=(0, 2, 3, 4),
                   boxed=not plain_output(console))
        console.file.write("\n".join(out) + "\n")
    res = ranked.result
    decided_part = f" + 审议调整 {ranked.adjustment.normalize():f}" if ranked.adjustment else ""
    console.print(
        f"最终得分 = 重点工作 {res.base.normalize():f} + 亮点加分 {res.bonus.normalize():f} − 问题扣分 "
        f"{res.deductions.normalize():f}{decided_part} = {ranked.exact.normalize():f}，按 {r.precision} 位小数公布为 "
        f"{publish(r, ranked.final)}", markup=False
    )


def print_verification(found, ev: Evaluation, console: Console) -> None:  # noqa: ANN001 - a core.verify.Verification
    if found.consistent:
        console.print(f"存档 {found.archive} 与现有输入一致：{len(ev.ranking)} 个街镇的结果和 "
                      f"{len(ev.validation.tables.files)} 个输入文件均未变化。", markup=False)
        return
    console.print(f"存档 {found.archive} 与现有输入不一致（{len(found.differences)} 处）：", markup=False)
    for d in found.differences:
        console.print(f"  - {d}", markup=False)
    print_next(found.next_steps(ev.rubric.year, ev.decision.said() if ev.decision.decided else ""), console)
