"""What the director's meeting decided (审议决定), applied to the office's proposal (初评).

The plan's step 四(三): the office proposes the ranking, the director's meeting decides it (审议决定),
and only then are the results sent to the towns. The meeting may adjust a town's final by a signed
amount or set its grade, each with a reason, recorded in the register ``审议决定.xlsx`` (checked by
``validate.decisions``). Applied here:

- without a meeting date every result is the proposal, marked 初评;
- with one, the decided finals are the proposed exact finals plus the adjustments, published once and
  ranked again (ties and tie-breakers as for the proposal); every town is graded by the bands, quotas
  and vetoes over the decided finals, and then a grade set by the meeting replaces that town's own:
  it stands even beyond a quota, and moves no other town; everything is marked 审定 with the
  meeting's date and minutes;
- an adjusted final below 0 or above the total points plus the highlight cap is D907 and stops rank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import layout as L
from .findings import Finding
from .names import DECISION_FILE
from .numbers import fmt, publish
from .ranking import Ranked, rank_units
from .rubric import Rubric
from .scoring import UnitResult
from .tables import DecisionEntry, Tables
from .validate import Result

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


def signed(rubric: Rubric, amount: Decimal) -> str:
    """+0.50 / −1.00: an adjustment at the rubric's precision (it has no more places: V405), its sign
    always shown."""
    return f"{'+' if amount > 0 else '−'}{publish(rubric, abs(amount))}"


def amount_words(rubric: Rubric, amount: Decimal) -> str:
    """加 0.50 分 / 减 1.00 分: an adjustment as a letter says it (no sign in running text)."""
    return f"{'加' if amount > 0 else '减'} {publish(rubric, abs(amount))} 分"


def adjustment_text(rubric: Rubric, d: DecisionEntry) -> str:
    """A decision as a reader is told it: 最终得分调整 +0.50 分 / 等次确定为良好, with its reason."""
    if d.what == L.DECIDE_FINAL:
        assert d.amount is not None
        return f"最终得分调整 {signed(rubric, d.amount)} 分（理由：{d.reason}）"
    return f"等次确定为{d.band}（理由：{d.reason}）"


def undecided(result: Result, year: int) -> Finding:
    """D910: what ``letters`` says when no meeting has decided the year, and where to record one."""
    register = next((s.path for s in result.seen if s.kind == L.KIND_DECISIONS and s.adopted), None)
    if register is not None:
        return Finding.of("D910", f"“{L.MEETING_SHEET}”表没有会议日期，评估结果仍是初评，尚未经局长办公会议审议决定",
                          file=register, sheet=L.MEETING_SHEET)
    return Finding.of("D910", f"评分表目录中没有审议决定登记表（{DECISION_FILE}），评估结果仍是初评",
                      hint=f"运行 qp-eval template --year {year} 生成 {DECISION_FILE}，会后在“{L.MEETING_SHEET}”表填写"
                           "会议日期，放入评分表目录；会前需要征求意见时加 --draft。")


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
            findings.append(Finding.of(
                "D907", f"{rubric.unit[d.unit_id].name} 调整后的最终得分为 {publish(rubric, new)} 分，不在 0 到 {fmt(maximum)} 分之间",
                file=d.source.file, sheet=d.source.sheet, cell=d.source.cell))
    if findings:
        return proposal, decision, by_unit, findings
    return rank_units(rubric, results, previous, adjust, fixed), decision, by_unit, []
