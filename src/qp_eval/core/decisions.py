"""What the director's meeting decided (审议决定), applied to the office's proposal (初评).

The plan's step 四(三): the office proposes the ranking, the director's meeting decides it (审议决定),
and only then are the results sent to the towns. The meeting may adjust a town's final by a signed
amount or set its grade, each with a reason, recorded in the register ``审议决定.xlsx`` (checked by
``validate.decisions``). Applied here:

- without a meeting date every result is the proposal, marked 初评;
- with one, the decided finals are the proposed exact finals plus the adjustments, published once and
  ranked again (ties and tie-breakers as for the proposal); a grade set by the meeting stands, the
  others follow the bands, quotas and vetoes over the decided finals (the fixed towns take no place
  of theirs); everything is then marked 审定 with the meeting's date and minutes;
- an adjusted final below 0 or above the total points plus the highlight cap is D907 and stops rank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import layout as L
from .findings import Finding
from .numbers import fmt, publish
from .ranking import Ranked, rank_units
from .rubric import Rubric
from .scoring import UnitResult
from .tables import DecisionEntry, Tables

PROPOSED, DECIDED = "初评", "审定"


@dataclass(frozen=True)
class Decision:
    """Whether the results are the office's proposal or the meeting's decision, and the meeting's record."""

    status: str  # PROPOSED or DECIDED
    date: dt.date | None = None
    minutes: str = ""
    file: str = ""

    @property
    def decided(self) -> bool:
        return self.status == DECIDED

    def said(self) -> str:
        """How an output says it: 审定：2025-01-06 局长办公会议，青民纪〔2025〕1号 / 初评：待局长办公会议审议."""
        if not self.decided:
            return f"{PROPOSED}：待局长办公会议审议"
        minutes = f"，{self.minutes}" if self.minutes else ""
        return f"{DECIDED}：{self.date} 局长办公会议{minutes}"

    def to_data(self) -> dict[str, object]:
        return {"status": self.status, "date": self.date.isoformat() if self.date else None,
                "minutes": self.minutes or None}


def adjustment_text(d: DecisionEntry) -> str:
    """A decision as a reader is told it: 最终得分调整 +0.50 分 / 等次确定为良好, with its reason."""
    if d.what == L.DECIDE_FINAL:
        assert d.amount is not None
        return f"最终得分调整 {'+' if d.amount > 0 else '−'}{fmt(abs(d.amount))} 分（理由：{d.reason}）"
    return f"等次确定为{d.band}（理由：{d.reason}）"


def decide(rubric: Rubric, results: list[UnitResult], proposal: list[Ranked], tables: Tables,
           previous: dict[str, int] | None) -> tuple[list[Ranked], Decision, dict[str, list[DecisionEntry]], list[Finding]]:
    """(the ranking as decided, the decision, each town's decisions, D907 findings): the proposal itself,
    marked 初评, while the register holds no meeting date."""
    meeting = tables.meeting
    if meeting is None:
        return proposal, Decision(PROPOSED), {}, []
    decision = Decision(DECIDED, meeting.date, meeting.minutes, meeting.file)
    by_unit: dict[str, list[DecisionEntry]] = {}
    adjust: dict[str, Decimal] = {}
    fixed: dict[str, tuple[str, str]] = {}
    for d in tables.decisions:
        by_unit.setdefault(d.unit_id, []).append(d)
        if d.what == L.DECIDE_FINAL:
            adjust[d.unit_id] = adjust.get(d.unit_id, Decimal(0)) + d.amount  # type: ignore[operator]
        else:
            fixed[d.unit_id] = (d.band, f"经局长办公会议审议，等次确定为{d.band}（{d.reason}）")  # type: ignore[assignment]
    exact = {r.unit_id: r.final for r in results}
    maximum = rubric.total_points + rubric.highlights.cap
    findings = []
    for d in tables.decisions:
        if d.what != L.DECIDE_FINAL:
            continue
        new = exact[d.unit_id] + adjust[d.unit_id]
        if new < 0 or new > maximum:
            src = d.amount_source or d.source
            findings.append(Finding.of(
                "D907", f"{rubric.unit[d.unit_id].name} 调整后的最终得分为 {publish(rubric, new)} 分，不在 0 到 {fmt(maximum)} 分之间",
                file=src.file, sheet=src.sheet, cell=src.cell if d.amount_source else ""))
    if findings:
        return proposal, decision, by_unit, findings
    return rank_units(rubric, results, previous, adjust, fixed), decision, by_unit, []
