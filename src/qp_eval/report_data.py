"""What the bureau hands on, as plain data: item matrix, department scores, gaps, trace.

Built from an ``Evaluation``; the xlsx, md/html, letters and booklet writers only lay these
rows out. Numbers stay exact ``Decimal``s here; writers format them to the rubric's precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .evaluate import Evaluation
from .explain import explain_ranked
from .ranking import Ranked
from .rubric import Item
from .scoring import STATUS_NAMES

ZERO = Decimal(0)


@dataclass(frozen=True)
class Gap:
    department_id: str
    unit_id: str
    item_no: int
    score: Decimal
    points: Decimal
    reason: str  # why it is followed up


def item_matrix(ev: Evaluation) -> dict[str, dict[int, Decimal]]:
    """unit id -> item no -> the item's score (criteria summed, before prorating)."""
    return {x.unit_id: x.result.item_scores() for x in ev.ranking}


def items_by_department(ev: Evaluation) -> list[tuple[str, list[Item]]]:
    """Departments in rubric order, each with the items it leads."""
    out = []
    for d in ev.rubric.departments:
        items = [i for i in ev.rubric.items if i.department == d.id]
        if items:
            out.append((d.id, items))
    return out


def column_stats(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(mean, maximum, minimum), the mean exact."""
    return sum(values, ZERO) / len(values), max(values), min(values)


def gaps(ev: Evaluation) -> list[Gap]:
    """(department, town, item) with a large gap: below the rubric's share of the points, or the district's lowest."""
    rubric = ev.rubric
    matrix = item_matrix(ev)
    out: list[Gap] = []
    for item in rubric.items:
        scores = {u: matrix[u].get(item.number, ZERO) for u in matrix}
        lowest = min(scores.values())
        spread = max(scores.values()) != lowest
        for x in ev.ranking:
            s = scores[x.unit_id]
            reasons = []
            if s < item.points * rubric.follow_up_share:
                reasons.append(f"低于分值的 {(rubric.follow_up_share * 100).normalize():f}%")
            if spread and s == lowest:
                reasons.append("全区最低")
            if reasons:
                out.append(Gap(item.department, x.unit_id, item.number, s, item.points, "、".join(reasons)))
    order = {d.id: i for i, d in enumerate(rubric.departments)}
    ranks = {x.unit_id: x.rank for x in ev.ranking}
    return sorted(out, key=lambda g: (order[g.department_id], g.item_no, ranks[g.unit_id]))


def strongest_and_weakest(ev: Evaluation, ranked: Ranked, n: int = 3) -> tuple[list[Item], list[Item]]:
    """A unit's items ordered by the share of points it got (ties: the plan's item order)."""
    scores = ranked.result.item_scores()
    items = list(ev.rubric.items)
    by_share = sorted(items, key=lambda i: (-(scores.get(i.number, ZERO) / i.points), i.number))
    strong = [i for i in by_share[:n] if scores.get(i.number, ZERO) == i.points] or by_share[:n]
    weak = [i for i in sorted(items, key=lambda i: (scores.get(i.number, ZERO) / i.points, i.number))[:n]
            if scores.get(i.number, ZERO) < i.points]
    return strong, weak


def department_rows(ev: Evaluation) -> list[list[object]]:
    """科室评分: department, town, criterion, points, score, status, note, source."""
    rubric = ev.rubric
    rows: list[list[object]] = []
    position = {u.id: i for i, u in enumerate(rubric.units)}
    in_unit_order = sorted(ev.ranking, key=lambda r: position[r.unit_id])
    for d in rubric.departments:
        for x in in_unit_order:
            for c in x.result.criteria:
                if rubric.department_of(c.criterion_id) != d.id:
                    continue
                crit = rubric.criteria[c.criterion_id]
                score: object = c.score if c.status != "not_applicable" else "不适用"
                rows.append([d.name, rubric.unit[x.unit_id].name, c.criterion_id, crit.name, c.points, score,
                             STATUS_NAMES[c.status], c.note, "；".join(map(str, c.sources)) or c.explanation])
    return rows


def adjustment_rows(ev: Evaluation) -> list[list[object]]:
    """加减分: every bonus and deduction with its source row (the same lines ``explain`` shows)."""
    rows: list[list[object]] = []
    for x in ev.ranking:
        name = ev.rubric.unit[x.unit_id].name
        for line in explain_ranked(ev, x, parts=("亮点加分", "问题扣分")):
            basis = f"{line.detail}；{line.note}" if line.note else line.detail
            rows.append([name, line.part, line.label, line.amount, basis, line.source])
    return rows


def trace_rows(ev: Evaluation) -> list[list[object]]:
    """溯源: each number of each town with the file, sheet and cell it came from."""
    rubric = ev.rubric
    rows: list[list[object]] = []
    for x in ev.ranking:
        name = rubric.unit[x.unit_id].name
        for c in x.result.criteria:
            for s in c.sources:
                rows.append([name, c.criterion_id, c.score, s.file, s.sheet, s.cell])
            if not c.sources:
                rows.append([name, c.criterion_id, c.score, "", "", c.explanation])
        for b in x.result.bonus_lines:
            rows.append([name, f"亮点 {b.seq}", b.bonus, b.source.file, b.source.sheet, b.source.cell])
        for d in x.result.deduction_lines:
            rows.append([name, d.category, -d.amount, d.source.file, d.source.sheet, d.source.cell])
    return rows
