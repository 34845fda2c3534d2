"""The ranking as plain records, and as JSON, CSV and the year's archive.

Records are built first as data; the text forms are made from them. Decimals are written as
text at the rubric's precision (finals) or exactly (archive), so the same inputs always give
the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ...core import layout as L
from ...core.evaluate import Evaluation
from ...core.ranking import publish
from ...core.verify import ARCHIVE_FORMAT  # noqa: E402 - one definition, read strictly by verify

RANKING_FORMAT = "qp-eval-ranking/1"  # rank and report --format json (docs/json.md)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [  # (record key, Chinese header)
    ("rank", "位次"), ("unit", "街镇"), ("base", "重点工作得分"), ("bonus", "亮点加分"),
    ("deductions", "问题扣分"), ("final", "最终得分"), ("grade", "等级"), ("change", "较上年位次"),
    ("note", "说明"),
]


UNAVAILABLE = "无法比较"  # last year's archive exists but cannot be read (F116 says why)


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


def records(ev: Evaluation) -> list[dict[str, object]]:
    r = ev.rubric
    out = []
    for x in ev.ranking:
        missing = f"缺少评分按 0 分计：{'、'.join(x.result.missing)}" if x.result.missing else ""
        note = "；".join(t for t in (x.tie_note, x.grade_note, missing) if t)
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
        })
    return out


def to_json(ev: Evaluation) -> str:
    """The ranking; with the towns' self-evaluations compared (``self_evaluation``) when any arrived."""
    data: dict[str, object] = {"format": RANKING_FORMAT, "year": ev.rubric.year, "ranking": records(ev)}
    if ev.previous_problem:
        data["previous_unavailable"] = ev.previous_problem
    if ev.validation.tables.self_reports:
        from ...core.selfcompare import to_data

        data["self_evaluation"] = to_data(ev, ev.comparison)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def safe_text(value: object) -> object:
    """Text that a spreadsheet would take for a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(ev: Evaluation) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([h for _, h in COLUMNS])
    for rec in records(ev):
        w.writerow([safe_text(rec[k]) if rec[k] is not None else "" for k, _ in COLUMNS])
    return buf.getvalue()


def _rel(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def archive(ev: Evaluation, root: Path) -> dict[str, object]:
    """The year's archive: results (exact), the rubric fingerprint and every input's SHA-256."""
    inputs = sorted(
        ({"path": _rel(f.path, root), "sha256": f.sha256, "kind": f.kind,
         **({"unit": f.department_id} if f.kind == L.KIND_SELF else {"department": f.department_id})}
         for f in ev.validation.tables.files),
        key=lambda d: str(d["path"]),
    )
    results = [
        {
            "unit_id": x.unit_id,
            "unit": ev.rubric.unit[x.unit_id].name,
            "rank": x.rank,
            "final": str(x.final),
            "final_exact": str(x.result.final),
            "base": str(x.result.base),
            "bonus": str(x.result.bonus),
            "deductions": str(x.result.deductions),
            "grade": x.grade,
            "grade_note": x.grade_note,
            "tie_note": x.tie_note,
            "missing": list(x.result.missing),
        }
        for x in ev.ranking
    ]
    return {
        "format": ARCHIVE_FORMAT,
        "year": ev.rubric.year,
        "rubric_fingerprint": ev.rubric.fingerprint,
        "inputs": inputs,
        "results": results,
    }


def archive_text(ev: Evaluation, root: Path) -> str:
    return json.dumps(archive(ev, root), ensure_ascii=False, indent=2) + "\n"
