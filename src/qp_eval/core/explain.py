"""Every number behind one unit's final score, as lines whose amounts add up to it.

Caps and prorating appear as their own adjustment lines, so the sum of all lines is the exact
final score that ``rank`` publishes (before rounding to the rubric's precision).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .decisions import adjustment_text
from .evaluate import Evaluation
from .numbers import fmt
from .ranking import Ranked
from .scoring import STATUS_NAMES

ZERO = Decimal(0)


@dataclass(frozen=True)
class Line:
    part: str  # 重点工作 / 亮点加分 / 问题扣分
    label: str
    amount: Decimal  # signed contribution to the final
    detail: str
    source: str
    note: str = ""
    self_score: str = ""  # the town's own score of this criterion (自评), when it sent one


DECIDED_PART = "审议决定"


def sources_text(sources) -> str:  # noqa: ANN001 - Source tuples
    """Where a figure comes from, each file named once: ``file 评分!F76、F77、F78、F79；other 指标!D5``."""
    by_file: dict[tuple[str, str], list[str]] = {}
    for src in sources:
        by_file.setdefault((src.file, src.sheet), []).append(src.cell)
    return "；".join(f"{file} {sheet}!{'、'.join(cells)}" for (file, sheet), cells in by_file.items())


def explain_unit(ev: Evaluation, unit_id: str) -> tuple[Ranked, list[Line]]:
    """The unit's place and every line behind its final: its scores, bonus and deductions, and what the
    director's meeting decided for it (with the register's cell)."""
    ranked = next(x for x in ev.ranking if x.unit_id == unit_id)
    return ranked, explain_ranked(ev, ranked) + decision_lines(ev, unit_id)


def decision_lines(ev: Evaluation, unit_id: str) -> list[Line]:
    meeting = f"{ev.decision.date} 局长办公会议" + (f"，{ev.decision.minutes}" if ev.decision.minutes else "")
    out = []
    for d in ev.adjustments.get(unit_id, ()):
        amount = d.amount if d.amount is not None else ZERO
        label = "最终得分调整" if d.amount is not None else f"等次确定为{d.band}"
        out.append(Line(DECIDED_PART, label, amount, f"{adjustment_text(ev.rubric, d)}；{meeting}", str(d.source), d.note))
    return out


def explain_ranked(ev: Evaluation, ranked: Ranked, parts: tuple[str, ...] = ("重点工作", "亮点加分", "问题扣分")) -> list[Line]:
    """The lines of one ranked unit, for the parts asked for (all three by default)."""
    r = ranked.result
    rubric = ev.rubric
    lines: list[Line] = []
    own = ev.validation.tables.self_reports.get(ranked.unit_id)
    for c in r.criteria if "重点工作" in parts else ():
        crit = rubric.criteria[c.criterion_id]
        label = f"{c.criterion_id} {crit.name}（满分 {fmt(c.points)}）"
        detail = f"{STATUS_NAMES[c.status]}：{c.explanation}"
        mine = own.scores.get(c.criterion_id) if own is not None else None
        self_score = "" if own is None or not crit.applies(ranked.unit_id) else \
            fmt(mine.value) if mine is not None else "未自评" if crit.measure is None else "见指标"
        lines.append(Line("重点工作", label, c.score, detail, sources_text(c.sources), c.note, self_score))
    raw = sum((c.score for c in r.criteria), ZERO)
    if "重点工作" in parts and r.base != raw:
        lines.append(Line("重点工作", "按比例折算调整", r.base - raw, r.base_detail, ""))
    for b in r.bonus_lines:
        lines.append(Line("亮点加分", f"亮点 {b.seq}：{b.name}", b.bonus, f"评定等级 {b.rating}", str(b.source)))
    raw_bonus = sum((b.bonus for b in r.bonus_lines), ZERO)
    if r.bonus != raw_bonus:
        lines.append(Line("亮点加分", "加分封顶调整", r.bonus - raw_bonus,
                          f"加分合计 {fmt(raw_bonus)}，上限 {fmt(rubric.highlights.cap)}", ""))
    for d in r.deduction_lines:
        how = "按类别默认扣分" if d.defaulted else "按登记扣分"
        detail = f"{d.category}，{how}" + ("，一票否决优秀" if d.veto else "")
        lines.append(Line("问题扣分", d.description or d.category, -d.amount, detail, str(d.source), d.basis))
    raw_ded = sum((d.amount for d in r.deduction_lines), ZERO)
    if r.deductions != raw_ded:
        lines.append(Line("问题扣分", "扣分封顶调整", raw_ded - r.deductions,
                          f"扣分合计 {fmt(raw_ded)}，上限 {fmt(rubric.problems.cap)}", ""))
    return lines


def explain_data(ev: Evaluation, unit_id: str) -> dict:
    """``explain --format json``: the unit's place and every line behind its final score."""
    ranked, lines = explain_unit(ev, unit_id)
    return {
        "format": "qp-eval-explain/1",  # docs/json.md
        "unit_id": unit_id, "unit": ev.rubric.unit[unit_id].name, "rank": ranked.rank,
        "final": str(ranked.final), "final_exact": str(ranked.exact), "grade": ranked.grade,
        "grade_note": ranked.grade_note,
        "status": ev.decision.status,
        "proposed": {"final": str(ev.proposed[unit_id].final), "rank": ev.proposed[unit_id].rank,
                     "grade": ev.proposed[unit_id].grade},
        "tie_note": ranked.tie_note,
        "lines": [{"part": x.part, "label": x.label, "amount": str(x.amount), "detail": x.detail,
                   "source": x.source, "note": x.note, "self_score": x.self_score or None} for x in lines],
    }
