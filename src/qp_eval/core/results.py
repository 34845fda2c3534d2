"""The ranking as plain records, its one column definition, and its JSON and CSV.

Every output of the ranking (the terminal, CSV, JSON, Markdown, HTML, the workbook) takes its columns
and headers from ``COLUMNS``. Records are built first as data; the text forms are made from them.
Decimals are written as text at the rubric's precision (finals) or exactly (archive), so the same
inputs always give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import layout as L
from .decisions import PROPOSED, adjustment_text
from .evaluate import Evaluation
from .numbers import publish
from .ranking import Ranked
from .selfcompare import to_data
from .tables import DecisionEntry
from .text import csv_text
from .verify import ARCHIVE_FORMAT

RANKING_FORMAT = "qp-eval-ranking/1"  # rank and report --format json (docs/json.md)


@dataclass(frozen=True)
class Column:
    key: str  # in each record
    header: str  # as every output heads it
    numeric: bool = False  # aligned right, written as a number in the workbook


COLUMNS = (
    Column("rank", "位次", True), Column("unit", "街镇"), Column("base", "重点工作得分", True),
    Column("bonus", "亮点加分", True), Column("deductions", "问题扣分", True), Column("final", "最终得分", True),
    Column("grade", "等级"), Column("change", "较上年变化"), Column("note", "说明"),
)
CHANGE = next(c for c in COLUMNS if c.key == "change")
STATUS = Column("status", "状态")  # 审定 (decided by the director's meeting) or 初评 (the office's proposal)
PROPOSED_COLUMNS = (  # beside the decided figures, once the meeting has decided
    Column("proposed_final", "初评得分", True), Column("proposed_rank", "初评位次", True),
    Column("proposed_grade", "初评等级"),
)
UNAVAILABLE = "无法比较"  # last year's archive exists but cannot be read (F116 says why)


def columns_of(ev: Evaluation) -> tuple[Column, ...]:
    """The ranking's columns for ``ev``: with the proposal's beside the decided ones once there is a decision."""
    return COLUMNS + PROPOSED_COLUMNS if ev.decision.decided else COLUMNS

def change_text(previous: int | None, change: int | None, unavailable: bool = False) -> str:
    if unavailable:
        return UNAVAILABLE
    if previous is None or change is None:
        return ""
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


def adjustment_data(d: DecisionEntry, paths: dict[str, str] | None = None) -> dict[str, object]:
    """A decision of the meeting as data; ``paths``: its file under the path the archive gives it (relative
    to the workspace, so that the archive says the same from whatever folder it is saved)."""
    src = d.source
    where = f"{(paths or {}).get(src.file, src.file)} {src.sheet}!{src.cell}"
    return {"what": d.what, "amount": str(d.amount) if d.amount is not None else None, "grade": d.band,
            "reason": d.reason, "note": d.note, "source": where}


def records(ev: Evaluation, proposed: bool = False) -> list[dict[str, object]]:
    """Each town's row of the ranking, as decided (or proposed while nothing is); ``proposed``: the
    office's proposal whatever the meeting decided (the brief for the meeting)."""
    r = ev.rubric
    out = []
    for x in ev.proposal if proposed else ev.ranking:
        missing = f"缺少评分按 0 分计：{'、'.join(x.result.missing)}" if x.result.missing else ""
        decided = [] if proposed else [f"经局长办公会议审议，{adjustment_text(ev.rubric, d)}"
                                       for d in ev.adjustments.get(x.unit_id, ()) if d.what == L.DECIDE_FINAL]
        note = "；".join(t for t in (*decided, x.tie_note, x.grade_note, missing) if t)
        p = ev.proposed.get(x.unit_id, x)
        out.append({
            "rank": x.rank,
            "unit_id": x.unit_id,
            "unit": r.unit[x.unit_id].name,
            "base": str(publish(r, x.result.base)),  # the same figures as ``published`` (without the items)
            "bonus": str(publish(r, x.result.bonus)),
            "deductions": str(publish(r, x.result.deductions)),
            "final": str(x.final),
            "grade": x.grade,
            "previous_rank": x.previous_rank,
            "change": change_text(x.previous_rank, x.change, bool(ev.previous_problem)),
            "grade_note": x.grade_note,
            "tie_note": x.tie_note,
            "note": note,
            "missing": list(x.result.missing),
            "status": PROPOSED if proposed else ev.decision.status,
            "proposed": {"final": str(p.final), "rank": p.rank, "grade": p.grade},
            "proposed_final": str(p.final), "proposed_rank": p.rank, "proposed_grade": p.grade,
            "adjustments": [] if proposed else [adjustment_data(d) for d in ev.adjustments.get(x.unit_id, ())],
        })
    return out


def _record_data(rec: dict[str, object]) -> dict[str, object]:
    """A record as JSON holds it (the flat proposed_* keys are for tables only)."""
    return {k: v for k, v in rec.items() if not k.startswith("proposed_")}


def to_json(ev: Evaluation) -> str:
    """The ranking; with the towns' self-evaluations compared (``self_evaluation``) when any arrived."""
    data: dict[str, object] = {"format": RANKING_FORMAT, "year": ev.rubric.year,
                               "decision": ev.decision.to_data(), "ranking": [_record_data(x) for x in records(ev)]}
    if ev.previous_problem:
        data["previous_unavailable"] = ev.previous_problem
    if ev.validation.tables.self_reports:
        data["self_evaluation"] = to_data(ev, ev.comparison)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(ev: Evaluation) -> str:
    """The ranking as CSV (no BOM: the writer adds it)."""
    columns = (*COLUMNS, STATUS, *(PROPOSED_COLUMNS if ev.decision.decided else ()))
    return csv_text([c.header for c in columns], [[rec[c.key] for c in columns] for rec in records(ev)])


def _compared(ev: Evaluation, x: Ranked) -> dict[str, object]:
    """What ``verify`` compares of a town's result (``core.verify.RESULT_FIELDS``), as the archive keeps it."""
    return {
        "unit_id": x.unit_id,
        "unit": ev.rubric.unit[x.unit_id].name,
        "rank": x.rank,
        "final": str(x.final),
        "final_exact": str(x.exact),
        "base": str(x.result.base),
        "bonus": str(x.result.bonus),
        "deductions": str(x.result.deductions),
        "grade": x.grade,
    }


def archive_data(ev: Evaluation, paths: dict[str, str], compared_only: bool = False) -> dict[str, object]:
    """The year's archive: results (exact), the rubric fingerprint and every input's SHA-256, each input
    under the path ``paths`` gives it (relative to the workspace: the reader works that out).
    ``compared_only``: what ``verify`` compares and no more (at 40,000 towns the whole archive's objects
    are 250 MB beside the evaluation)."""
    inputs = sorted(
        ({"path": paths.get(f.path, f.path), "sha256": f.sha256, "kind": f.kind,
         **({"unit": f.department_id} if f.kind == L.KIND_SELF else {"department": f.department_id})}
         for f in ev.validation.tables.files),
        key=lambda d: str(d["path"]),
    )
    if compared_only:
        return {"year": ev.rubric.year, "rubric_fingerprint": ev.rubric.fingerprint, "inputs": inputs,
                "results": [_compared(ev, x) for x in ev.ranking]}
    results = [
        {
            **_compared(ev, x),
            "grade_note": x.grade_note,
            "tie_note": x.tie_note,
            "missing": list(x.result.missing),
            "proposed": {"rank": ev.proposed[x.unit_id].rank, "final": str(ev.proposed[x.unit_id].final),
                         "final_exact": str(ev.proposed[x.unit_id].exact), "grade": ev.proposed[x.unit_id].grade},
            "adjustments": [adjustment_data(d, paths) for d in ev.adjustments.get(x.unit_id, ())],
            "item_scores": [str(i.shown) for i in ev.published[x.unit_id].items],  # in the order of "items"
        }
        for x in ev.ranking
    ]
    return {
        "format": ARCHIVE_FORMAT,
        "year": ev.rubric.year,
        "rubric_fingerprint": ev.rubric.fingerprint,
        "decision": ev.decision.to_data(),
        "inputs": inputs,
        "items": [{"number": i.number, "name": i.name, "points": str(i.points)} for i in ev.rubric.items],
        "results": results,
    }
