"""自评 vs 考评: where a town's view of itself and the departments' scores part ways. Pure.

Per town and item: the town's self-score (the sum of its self-scores of the item's criteria
that apply to it; a measured criterion is scored by the rubric's rule on the town's own
figures), the departments' score of the same criteria, and the difference. Per department,
the largest differences. And the problems: those in the office's register that the town did
not report (未如实报告: the same category, the town's self-evaluation holding none of it), and
those the town reported that the register does not hold (for the office to decide; the
register stays the only source of deductions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from . import layout as L
from .numbers import fmt, publish
from .rubric import Criterion
from .tables import SelfProblem, SelfReport
from .text import csv_text

if TYPE_CHECKING:  # for the annotations only: an Evaluation holds its comparison (evaluate imports this module)
    from .evaluate import Evaluation

ZERO = Decimal(0)
_NEVER = dt.date.max


@dataclass(frozen=True)
class ItemGap:
    unit_id: str
    unit: str
    item_no: int
    item: str
    department: str  # the item's lead department
    points: Decimal  # of the criteria that apply to the town
    self_score: Decimal | None  # published; None: not every criterion was self-scored
    scored: Decimal  # the departments' score of the same criteria, published
    notes: str  # the town's 自评说明 where it lost points, each after its criterion id

    @property
    def difference(self) -> Decimal | None:
        """自评 − 考评 of the two published figures (what a person works out from the sheet): positive
        when the town rated itself higher than the departments did."""
        return None if self.self_score is None else self.self_score - self.scored


@dataclass(frozen=True)
class ProblemMismatch:
    unit_id: str
    unit: str
    category: str
    description: str
    date: str
    where: str  # the register row, or the town's own row


@dataclass
class Comparison:
    items: list[ItemGap]
    unreported: list[ProblemMismatch]  # in the register, not in the town's self-evaluation
    unregistered: list[ProblemMismatch]  # reported by the town, not in the register
    sent: set[str]  # units whose self-evaluation was received and adopted
    refused: set[str]  # units whose self-evaluation arrived but could not be adopted (e.g. two differing copies)

    def of_unit(self, unit_id: str) -> list[ItemGap]:
        return [g for g in self.items if g.unit_id == unit_id]

    def largest(self, department: str, most: int = 5) -> list[ItemGap]:
        """The department's items with the largest differences, largest first (ties: town order, item)."""
        mine = [g for g in self.items if g.department == department and g.difference]
        return sorted(mine, key=lambda g: -abs(g.difference))[:most]  # type: ignore[arg-type]


def _self_score(c: Criterion, report: SelfReport) -> Decimal | None:
    if c.measure is None:
        s = report.scores.get(c.id)
        return None if s is None else s.value
    needed = c.measure.rule.input_ids()
    figures = {i: report.figures[(c.id, i)].value for i in needed if (c.id, i) in report.figures}
    if len(figures) < len(needed):
        return None
    return c.measure.rule.evaluate(c.points, figures, c.input_names()).score


def compare(ev: Evaluation) -> Comparison:
    rubric = ev.rubric
    reports = ev.validation.tables.self_reports
    results = {r.unit_id: r for r in ev.results}
    items: list[ItemGap] = []
    for unit in rubric.units:
        report = reports.get(unit.id)
        result = results.get(unit.id)
        if report is None or result is None:
            continue
        scored = {cid: score for cid, score, _ in result.scores()}
        for item in rubric.items:
            crits = [c for c in item.criteria if c.applies(unit.id)]
            if not crits:
                continue
            own = [_self_score(c, report) for c in crits]
            notes = "；".join(f"{c.id} {s.note}" for c in crits
                             if (s := report.scores.get(c.id)) and s.note and s.value < c.points)
            items.append(ItemGap(
                unit.id, unit.name, item.number, item.name, rubric.department[item.department].name,
                sum((c.points for c in crits), ZERO),
                None if any(x is None for x in own) else publish(rubric, sum(own, ZERO)),  # type: ignore[arg-type, misc]
                publish(rubric, sum((scored.get(c.id, ZERO) for c in crits), ZERO)), notes))
    unreported, unregistered = _problems(ev, reports)
    arrived = {s.department_id for s in ev.validation.seen if s.kind == L.KIND_SELF}
    return Comparison(items, unreported, unregistered, set(reports), {u for u in arrived if u not in reports})


def _problems(ev: Evaluation, reports: dict[str, SelfReport]) -> tuple[list[ProblemMismatch], list[ProblemMismatch]]:
    """Matched by town and category, one for one in date order: a register entry with no report of its
    category left over is unreported; a report with no register entry left over is unregistered."""
    rubric = ev.rubric
    unreported: list[ProblemMismatch] = []
    unregistered: list[ProblemMismatch] = []
    registered = ev.validation.tables.problems
    for unit in rubric.units:
        report = reports.get(unit.id)
        if report is None:
            continue
        for cat in rubric.problems.categories:
            office = sorted((p for p in registered if p.unit_id == unit.id and p.category_id == cat.id),
                            key=lambda p: (p.date or _NEVER, p.source.cell))
            own: list[SelfProblem] = sorted((p for p in report.problems if p.category_id == cat.id),
                                            key=lambda p: p.date)
            for p in office[len(own):]:
                unreported.append(ProblemMismatch(unit.id, unit.name, cat.name, p.description,
                                                  p.date.isoformat() if p.date else "", str(p.source)))
            for q in own[len(office):]:
                unregistered.append(ProblemMismatch(unit.id, unit.name, cat.name, q.description, q.date.isoformat(),
                                                    str(q.source)))
    return unreported, unregistered


# Every part of the 自评对照 sheet uses these eight columns, so one set of widths fits them all.
ITEM_HEADERS = ("街镇", "项目", "评估科室", "分值", "自评得分", "考评得分", "自评−考评", "自评说明")
LARGEST_HEADERS = ("街镇", "项目", "评估科室", "", "", "", "自评−考评", "")
PROBLEM_HEADERS = ("街镇", "问题类别", "问题描述", "", "", "", "发生日期", "位置")


def item_rows(ev: Evaluation, cmp: Comparison) -> list[list[object]]:
    """One row per town and item, published to the rubric's precision ("未自评" where the town left a gap)."""
    def pub(v: Decimal | None) -> object:
        return "未自评" if v is None else publish(ev.rubric, v)

    return [[g.unit, f"{g.item_no}. {g.item}", g.department, g.points, pub(g.self_score), publish(ev.rubric, g.scored),
             pub(g.difference) if g.self_score is not None else "", g.notes] for g in cmp.items]


def sections(ev: Evaluation, cmp: Comparison) -> list[tuple[str, tuple[str, ...], list[list[object]], set[int]]]:
    """The parts after the item table, each (title, headers, rows, numeric columns): the largest
    differences per department, the two problem lists, and the towns that sent nothing."""
    largest = [[g.unit, f"{g.item_no}. {g.item}", g.department, None, None, None,
                publish(ev.rubric, g.difference), None]  # type: ignore[arg-type]
               for d in ev.rubric.departments for g in cmp.largest(d.name)]

    def problems(rows: list[ProblemMismatch]) -> list[list[object]]:
        return [[p.unit, p.category, p.description, None, None, None, p.date, p.where] for p in rows]

    missing = [u.name for u in ev.rubric.units if u.id not in cmp.sent and u.id not in cmp.refused]
    refused = [u.name for u in ev.rubric.units if u.id in cmp.refused]
    out = [
        ("各科室自评与考评差异最大的项目", LARGEST_HEADERS, largest, {6}),
        ("登记在册而街镇自评未报告的问题（未如实报告）", PROBLEM_HEADERS, problems(cmp.unreported), set()),
        ("街镇自评报告而问题登记表中没有的问题（请局办公室核定）", PROBLEM_HEADERS, problems(cmp.unregistered), set()),
    ]
    if refused:
        out.append(("自评表已收到但未能采用的街镇（如两份内容不同的自评表；请运行 qp-eval validate 查看原因）",
                    ("街镇",), [[name] for name in refused], set()))
    if missing:
        out.append(("尚未报送自评表的街镇", ("街镇",), [[name] for name in missing], set()))
    return out


def to_csv(ev: Evaluation, cmp: Comparison) -> str:
    """The per-town, per-item table as CSV (no BOM; the writer adds it)."""
    return csv_text(ITEM_HEADERS, item_rows(ev, cmp))


def problems_csv(cmp: Comparison) -> str:
    """The problems the register and the towns disagree on, one row each, as CSV (no BOM)."""
    rows = [[what, p.unit, p.category, p.description, p.date, p.where]
            for what, found in (("未如实报告", cmp.unreported), ("登记表中没有", cmp.unregistered)) for p in found]
    return csv_text(("对照结果", "街镇", "问题类别", "问题描述", "发生日期", "位置"), rows)


def to_data(ev: Evaluation, cmp: Comparison) -> dict[str, object]:
    """The comparison for ``report --format json``: figures as strings, exact."""
    def s(v: Decimal | None) -> str | None:
        return None if v is None else str(publish(ev.rubric, v))

    def p(rows: list[ProblemMismatch]) -> list[dict[str, str]]:
        return [{"unit_id": x.unit_id, "unit": x.unit, "category": x.category, "description": x.description,
                 "date": x.date, "where": x.where} for x in rows]

    return {
        "received": sorted(cmp.sent),
        "not_adopted": sorted(cmp.refused),
        "items": [{"unit_id": g.unit_id, "unit": g.unit, "item": g.item_no, "department": g.department,
                   "points": fmt(g.points), "self_score": s(g.self_score), "score": s(g.scored),
                   "difference": s(g.difference), "notes": g.notes} for g in cmp.items],
        "unreported_problems": p(cmp.unreported),
        "unregistered_problems": p(cmp.unregistered),
    }
