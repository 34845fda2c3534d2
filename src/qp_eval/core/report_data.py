"""What the bureau hands on, as plain data: item matrix, department scores, gaps, trace.

Built from an ``Evaluation``; the xlsx, md/html, letters and booklet writers only lay these
rows out. Every number here is the published one (``published``): the rubric's precision,
item views out of the applicable points, and parts that add up to the base they sit beside.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .decisions import adjustment_text
from .evaluate import Evaluation
from .explain import explain_ranked
from .numbers import fmt, publish
from .published import ItemFigure, Published
from .ranking import Ranked
from .rubric import Item, Rubric
from .scoring import STATUS_NAMES

ZERO = Decimal(0)
NOT_APPLICABLE = "不适用"


@dataclass(frozen=True)
class Gap:
    department_id: str
    unit_id: str
    item_no: int
    score: Decimal  # published
    points: Decimal  # the item's applicable points for the town
    reason: str  # why it is followed up


@dataclass(frozen=True)
class Column:
    """A column of the item matrix: an item, a department subtotal, or a line that reconciles with the base."""

    header: str
    kind: Literal["item", "subtotal", "prorate", "rounding", "base"]
    items: tuple[Item, ...] = ()

    @property
    def short(self) -> str:
        """The header in a narrow table: an item's number (a legend names it)."""
        return str(self.items[0].number) if self.kind == "item" else self.header


def items_by_department(ev: Evaluation) -> list[tuple[str, list[Item]]]:
    """Departments in rubric order, each with the items it leads."""
    out = []
    for d in ev.rubric.departments:
        items = [i for i in ev.rubric.items if i.department == d.id]
        if items:
            out.append((d.id, items))
    return out


def matrix_columns(ev: Evaluation) -> list[Column]:
    """Items grouped by department with subtotals, then 按比例折算 (under prorate), 舍入调整 (when any), base."""
    rubric = ev.rubric
    cols: list[Column] = []
    for dept_id, items in items_by_department(ev):
        cols += [Column(f"{i.number}. {i.name}（{fmt(i.points)}）", "item", (i,)) for i in items]
        cols.append(Column(f"{rubric.department[dept_id].name} 小计", "subtotal", tuple(items)))
    if rubric.not_applicable == "prorate":
        cols.append(Column("按比例折算", "prorate"))
    if any(p.rounding for p in ev.published.values()):
        cols.append(Column("舍入调整", "rounding"))
    cols.append(Column("重点工作得分", "base"))
    return cols


def matrix_value(col: Column, pub: Published) -> Decimal | str:
    """A matrix cell as published; the cells of a row add up to its base (subtotals aside)."""
    if col.kind == "item":
        fig = pub.item(col.items[0].number)
        return fig.shown if fig.applies else NOT_APPLICABLE
    if col.kind == "subtotal":
        return sum((pub.item(i.number).shown for i in col.items), ZERO)
    return {"prorate": pub.prorate, "rounding": pub.rounding, "base": pub.base}[col.kind]


def matrix_notes(ev: Evaluation) -> list[str]:
    """How the matrix reconciles with the base, said in words."""
    rubric = ev.rubric
    notes = []
    for item in rubric.items:
        by_points: dict[Decimal, list[str]] = {}
        for x in ev.ranking:
            fig = ev.published[x.unit_id].item(item.number)
            if fig.reduced:
                by_points.setdefault(fig.applicable, []).append(rubric.unit[x.unit_id].name)
        for applicable, names in by_points.items():
            notes.append(f"第 {item.number} 项（{fmt(item.points)} 分）有不适用的细则，{'、'.join(names)}的适用分值为 "
                         f"{fmt(applicable)} 分，项目得分只含适用细则")
    if rubric.not_applicable == "prorate":
        notes.append(f"按比例折算 = 适用细则得分合计 × {fmt(rubric.total_points)} ÷ 适用分值 − 适用细则得分合计；"
                     "重点工作得分 = 各项目得分 + 按比例折算")
    if any(p.rounding for p in ev.published.values()):
        notes.append(f"各项目得分按 {rubric.precision} 位小数四舍五入显示，与重点工作得分之差列为舍入调整")
    return notes


def column_stats(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(mean, maximum, minimum), the mean exact."""
    return sum(values, ZERO) / len(values), max(values), min(values)


def _share_text(rubric: Rubric) -> str:
    return f"{(rubric.follow_up_share * 100).normalize():f}%"


def gaps(ev: Evaluation) -> Iterator[Gap]:
    """(department, town, item) with a large gap: below the rubric's share of the applicable points, or the
    district's lowest share. Items that do not apply to a town are never followed up. One at a time, in
    their order (department, item, rank): a 40,000-town year has hundreds of thousands."""
    rubric = ev.rubric
    order = {d.id: i for i, d in enumerate(rubric.departments)}
    for item in sorted(rubric.items, key=lambda i: (order[i.department], i.number)):
        figs = [(x.unit_id, ev.published[x.unit_id].item(item.number)) for x in ev.ranking]  # in rank order
        shares = [f.shown / f.applicable for _, f in figs if f.applies]
        if not shares:
            continue
        lowest = min(shares)
        spread = max(shares) != lowest
        for unit_id, f in figs:
            if not f.applies:
                continue
            reasons = []
            if f.shown < f.applicable * rubric.follow_up_share:
                reasons.append(f"低于{'适用' if f.reduced else ''}分值的 {_share_text(rubric)}")
            if spread and f.shown / f.applicable == lowest:
                reasons.append("全区最低")
            if reasons:
                yield Gap(item.department, unit_id, item.number, f.shown, f.applicable, "、".join(reasons))


def strongest_and_weakest(ev: Evaluation, ranked: Ranked, n: int = 3) -> tuple[list[ItemFigure], list[ItemFigure]]:
    """A unit's items by the share of their applicable points it got, as published (ties: the plan's order)."""
    figs = [f for f in ev.published[ranked.unit_id].items if f.applies]
    by_share = sorted(figs, key=lambda f: (-(f.shown / f.applicable), f.number))
    strong = [f for f in by_share[:n] if f.shown == f.applicable] or by_share[:n]
    weak = [f for f in sorted(figs, key=lambda f: (f.shown / f.applicable, f.number))[:n] if f.shown < f.applicable]
    return strong, weak


def department_rows(ev: Evaluation) -> Iterator[list[object]]:
    """科室评分: department, town, criterion, points, score, status, note, source (the cells in the
    department's own sheet; 溯源 names the files). Made as they are written: a row at a time."""
    rubric = ev.rubric
    position = {u.id: i for i, u in enumerate(rubric.units)}
    in_unit_order = sorted(ev.ranking, key=lambda r: position[r.unit_id])
    entered = STATUS_NAMES["entered"]
    for d in rubric.departments:
        mine = [(c.id, c.name, c.points) for c in rubric.criteria_of(d.id)]
        if not mine:
            continue
        for x in in_unit_order:
            town = rubric.unit[x.unit_id].name
            result = x.result
            for cid, name, points in mine:
                cell = result.entered(cid)  # most rows: straight from the grid, no result object
                if cell is not None:
                    score, note, s = cell
                    yield [d.name, town, cid, name, points, publish(rubric, score), entered, note, f"{s.sheet}!{s.cell}"]
                    continue
                c = result.one(cid)
                shown: object = publish(rubric, c.score) if c.status != "not_applicable" else NOT_APPLICABLE
                yield [d.name, town, cid, name, points, shown, STATUS_NAMES[c.status], c.note,
                       "；".join(f"{s.sheet}!{s.cell}" for s in c.sources) or c.explanation]


def adjustment_rows(ev: Evaluation) -> Iterator[list[object]]:
    """加减分: every bonus and deduction with its source row (the same lines ``explain`` shows), a row at a
    time (200,000 at 40,000 towns)."""
    for x in ev.ranking:
        name = ev.rubric.unit[x.unit_id].name
        for line in explain_ranked(ev, x, parts=("亮点加分", "问题扣分")):
            basis = f"{line.detail}；{line.note}" if line.note else line.detail
            yield [name, line.part, line.label, publish(ev.rubric, line.amount), basis, line.source]


def trace_rows(ev: Evaluation) -> Iterator[list[object]]:
    """溯源: each number of each town with the file, sheet and cell it came from, a row at a time."""
    rubric = ev.rubric
    for x in ev.ranking:
        name = rubric.unit[x.unit_id].name
        result = x.result
        for cid in rubric.criteria:
            cell = result.entered(cid)  # most rows: straight from the grid, no result object
            if cell is not None:
                score, _, s = cell
                yield [name, cid, publish(rubric, score), s.file, s.sheet, s.cell]
                continue
            c = result.one(cid)
            for s in c.sources:
                yield [name, c.criterion_id, publish(rubric, c.score), s.file, s.sheet, s.cell]
            if not c.sources:
                yield [name, c.criterion_id, publish(rubric, c.score), "", "", c.explanation]
        for b in x.result.bonus_lines:
            yield [name, f"亮点 {b.seq}", b.bonus, b.source.file, b.source.sheet, b.source.cell]
        for d in x.result.deduction_lines:
            yield [name, d.category, -d.amount, d.source.file, d.source.sheet, d.source.cell]


GAP_HEADERS = ("评估科室", "街镇", "项目", "得分", "分值", "跟进原因")


def gap_rows(ev: Evaluation) -> Iterator[list[object]]:
    """差距跟进: department, town, item, published score, applicable points, reason; a row at a time."""
    rubric = ev.rubric
    names = {i.number: i.name for i in rubric.items}
    return ([rubric.department[g.department_id].name, rubric.unit[g.unit_id].name, f"{g.item_no}. {names[g.item_no]}",
             g.score, g.points, g.reason] for g in gaps(ev))


FILE_HEADERS = ("文件", "类型", "科室或街镇", "SHA-256")


def input_file_rows(ev: Evaluation) -> list[list[object]]:
    """Every input file with what it is, whose it is, and its SHA-256."""
    rubric = ev.rubric
    rows: list[list[object]] = []
    for f in sorted(ev.validation.tables.files, key=lambda f: f.path):
        who = f.department_id or ""
        owner = rubric.department[who].name if who in rubric.department else \
            rubric.unit[who].name if who in rubric.unit else ""
        rows.append([f.path, f.kind, owner, f.sha256])
    return rows


DECISION_HEADERS = ("街镇", "审议决定", "初评得分", "审定得分", "初评位次", "审定位次", "初评等级", "审定等级", "备注", "来源")


def decision_rows(ev: Evaluation) -> list[list[object]]:
    """审定调整: each decision of the director's meeting beside the figures it changed (a line saying the
    proposal was approved as it is when the meeting changed nothing)."""
    rows: list[list[object]] = []
    decided = {x.unit_id: x for x in ev.ranking}
    for x in ev.ranking:
        for d in ev.adjustments.get(x.unit_id, ()):
            p = ev.proposed[x.unit_id]
            rows.append([ev.rubric.unit[x.unit_id].name, adjustment_text(ev.rubric, d), p.final, decided[x.unit_id].final,
                         p.rank, x.rank, p.grade, x.grade, d.note, str(d.source)])
    if not rows:
        rows.append(["—", "局长办公会议按初评结果审定，未作调整", "", "", "", "", "", "", "", ev.decision.file])
    return rows
