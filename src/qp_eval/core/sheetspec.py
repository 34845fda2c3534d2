"""What a sheet's layout depends on, its fingerprint, and what changed between two layouts.

A sheet sent to a department carries the fingerprint of *its own layout*, not of the whole
rubric: the units, and for its department the criteria ids, points, periods, applicability
and indicator rows (for the registers, their categories, rating scale, types and rows per
town). Policy (deadlines, titles, grade bands, quotas, caps, default deductions, bonus values,
``not_applicable``, tie-breakers, ``follow_up_share``, rule parameters, wording) is read from
the rubric at ``rank`` time, so editing it never invalidates a received sheet.

The layout itself (without the unit list, which is kept as a digest) is stored in the sheet's
说明 sheet too, so that a changed layout can be named change by change (F104). Pure.
"""

from __future__ import annotations

import hashlib
import json

from . import layout as L
from .numbers import fmt
from .rubric import Rubric

Spec = dict[str, object]


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def _units(rubric: Rubric) -> dict[str, object]:
    return {"units": _digest([[u.id, u.name] for u in rubric.units]), "unit_count": len(rubric.units)}


def spec_of(rubric: Rubric, kind: str, department_id: str | None = None) -> Spec:
    """The layout of one sheet kind (and department, or for 自评 the town) under ``rubric``, as plain JSON values."""
    if kind == L.KIND_SELF:
        assert department_id is not None
        return _self_spec(rubric, department_id)
    spec: Spec = {"kind": kind, **_units(rubric)}
    if kind == L.KIND_SCORES:
        assert department_id is not None
        spec["department"] = department_id
        spec["criteria"] = [
            {
                "id": c.id,
                "points": fmt(c.points),
                "periods": list(c.periods.labels) if c.periods else None,
                "applies_to": sorted(c.applies_to) if c.applies_to is not None else None,
                "inputs": [[i.id, i.name] for i in c.measure.inputs] if c.measure else None,
            }
            for c in rubric.criteria_of(department_id)
        ]
    elif kind == L.KIND_PROBLEMS:
        spec["categories"] = [c.name for c in rubric.problems.categories]
    elif kind == L.KIND_DECISIONS:
        spec["grades"] = [g.name for g in rubric.grades]
        spec["decisions"] = list(L.DECISION_KINDS)
    else:
        h = rubric.highlights
        spec["per_unit"] = h.per_unit
        spec["types"] = list(h.types)
        spec["ratings"] = [r.grade for r in h.ratings]
    return spec


def _self_spec(rubric: Rubric, unit_id: str) -> Spec:
    """A town's 自评 workbook depends on its own rows only: the criteria that apply to it, its
    indicator rows, the highlight rows and types, and the problem categories."""
    h = rubric.highlights
    return {
        "kind": L.KIND_SELF,
        "unit": unit_id,
        "criteria": [{"id": c.id, "points": fmt(c.points), "periods": None, "applies_to": None, "inputs": None}
                     for c in L.self_criteria(rubric, unit_id)]
        + [{"id": c.id, "points": fmt(c.points), "periods": None, "applies_to": None,
            "inputs": [[i.id, i.name] for i in c.measure.inputs]}
           for c in rubric.criteria.values() if c.measure is not None and c.applies(unit_id)],
        "per_unit": h.per_unit,
        "types": list(h.types),
        "categories": [c.name for c in rubric.problems.categories],
    }


def fingerprint(spec: Spec) -> str:
    return _digest(spec)


def sheet_fingerprint(rubric: Rubric, kind: str, department_id: str | None = None) -> str:
    return fingerprint(spec_of(rubric, kind, department_id))


def dumps(spec: Spec) -> str:
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: object) -> Spec | None:
    """A stored layout, or None when the cell holds none (a sheet from an older qp-eval) or garbage."""
    if not isinstance(text, str) or not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # garbage, or brackets nested past what the parser takes
        return None
    return value if isinstance(value, dict) else None


def _names(values: object) -> str:
    return "、".join(map(str, values)) if isinstance(values, list) and values else "无"


def changes(old: Spec, new: Spec) -> list[str]:
    """What changed from the layout a sheet was made for to the current one, in Chinese, one per line."""
    out: list[str] = []
    if old.get("units") != new.get("units"):
        out.append(f"街镇名单已修改（原 {old.get('unit_count', '?')} 个，现 {new.get('unit_count')} 个）")
    before = {str(c.get("id")): c for c in old.get("criteria") or [] if isinstance(c, dict)}  # type: ignore[union-attr]
    after = {str(c["id"]): c for c in new.get("criteria") or []}  # type: ignore[index, union-attr]
    for cid, c in after.items():
        was = before.get(cid)
        if was is None:
            out.append(f"细则 {cid} 新增")
            continue
        if was.get("points") != c["points"]:
            out.append(f"细则 {cid}：分值 {was.get('points')} → {c['points']}")
        if was.get("periods") != c["periods"]:
            out.append(f"细则 {cid}：分期 {_names(was.get('periods'))} → {_names(c['periods'])}")
        if was.get("applies_to") != c["applies_to"]:
            out.append(f"细则 {cid}：适用街镇 {_names(was.get('applies_to') or ['全部'])} → "
                       f"{_names(c['applies_to'] or ['全部'])}")
        if was.get("inputs") != c["inputs"]:
            out.append(f"细则 {cid}：指标 {_names([i[1] for i in was.get('inputs') or []])} → "
                       f"{_names([i[1] for i in c['inputs'] or []])}")
    for cid in before:
        if cid not in after:
            out.append(f"细则 {cid} 已删除或改由其他科室评分")
    for key, label in (("categories", "问题类别"), ("types", "亮点类型"), ("ratings", "评定等级"), ("grades", "等次")):
        if key in new and old.get(key) != new[key]:
            out.append(f"{label} {_names(old.get(key))} → {_names(new[key])}")
    if "per_unit" in new and old.get("per_unit") != new["per_unit"]:
        out.append(f"每个街镇的亮点个数 {old.get('per_unit')} → {new['per_unit']}")
    return out
