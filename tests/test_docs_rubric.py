"""Every example in docs/rubric.md is run: the reference cannot drift from the code.

The document holds three kinds of example block, each a small YAML mapping whose expected
values were worked out by hand in the text beside it:

- ``rule-example``: a rule, its points and figures; the exact score;
- ``score-example``: a small rubric's items and a town's scores; base, items, prorate,
  rounding and final, exact and published;
- ``ranking-example``: bands, quotas, tie-breakers and towns' exact finals; ranks, grades, notes.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml
from conftest import MINI_PATH, ROOT
from pydantic import TypeAdapter

from qp_eval.core.published import publish_unit
from qp_eval.core.ranking import rank_units
from qp_eval.core.rubric import Rubric
from qp_eval.core.rules import Rule
from qp_eval.core.scoring import ProblemEntry, score_all
from qp_eval.core.tables import HighlightEntry, ScoreEntry, Source, Tables
from qp_eval.core.yamlsource import parse

DOC = ROOT / "docs" / "rubric.md"
BLOCK = re.compile(r"^```yaml (rule|score|ranking)-example\n(.*?)^```", re.M | re.S)
SRC = Source("doc", "例", "A1")
BASE = parse(MINI_PATH.read_text(encoding="utf-8")).data


def examples(kind: str) -> list[dict]:
    found = [parse(m.group(2)).data for m in BLOCK.finditer(DOC.read_text(encoding="utf-8")) if m.group(1) == kind]
    assert found, f"no {kind}-example in {DOC}"
    return found


def exact(value: object) -> Decimal:
    """A number as the document writes it: 2, 2.6 or a fraction such as 12/7."""
    text = str(value)
    if "/" in text:
        num, den = text.split("/")
        return Decimal(num) / Decimal(den)
    return Decimal(text)


def test_the_document_is_linked_from_the_readme():
    assert "docs/rubric.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("ex", examples("rule"), ids=lambda ex: f"{ex['rule']['kind']}-{ex['figures']}")
def test_rule_example(ex):
    rule = TypeAdapter(Rule).validate_python(ex["rule"])
    figures = {k: exact(v) for k, v in ex["figures"].items()}
    outcome = rule.evaluate(exact(ex["points"]), figures, {k: k for k in figures})
    assert outcome.score == exact(ex["score"]), outcome.detail
    if "says" in ex:  # what explain and the report say of it
        assert ex["says"] in outcome.detail, outcome.detail


def _score_rubric(ex: dict) -> Rubric:
    data = dict(BASE)
    data["units"] = [{"id": "a", "name": "甲镇", "kind": "镇"}, {"id": "b", "name": "乙镇", "kind": "镇"}]
    data["total_points"] = ex["total_points"]
    data["not_applicable"] = ex["not_applicable"]
    items = []
    for item in ex["items"]:
        criteria = []
        for c in item["criteria"]:
            crit = {"id": c["id"], "name": c["id"], "standard": "例", "points": c["points"]}
            if "quarters" in c:
                crit["periods"] = {"labels": ["Q1", "Q2", "Q3", "Q4"], "combine": c.get("combine", "mean")}
            if c.get("applies") is False:
                crit["applies_to"] = ["b"]  # the example's town is 甲镇 (a)
            criteria.append(crit)
        items.append({"number": item["number"], "name": f"项目{item['number']}", "department": "d1",
                      "points": item["points"], "criteria": criteria})
    data["items"] = items
    grades = ["A", "B", "C", "D", "E", "F", "G", "H"]
    data["highlights"] = {"per_unit": max(1, len(ex["highlights"]["bonus"])), "cap": ex["highlights"]["cap"],
                          "ratings": [{"grade": g, "bonus": b} for g, b in zip(grades, ex["highlights"]["bonus"],
                                                                                  strict=False)]}
    data["problems"] = {"cap": ex["problems"]["cap"],
                        "categories": [{"id": "p", "name": "问题", "deduction": 1, "max_per_case": 100}]}
    return Rubric.model_validate(data)


def _score_tables(ex: dict, rubric: Rubric) -> Tables:
    t = Tables()
    for item in ex["items"]:
        for c in item["criteria"]:
            if "quarters" in c:
                for q, v in zip(("Q1", "Q2", "Q3", "Q4"), c["quarters"], strict=True):
                    t.scores.append(ScoreEntry("a", c["id"], q, exact(v), "", SRC))
            elif "score" in c:
                t.scores.append(ScoreEntry("a", c["id"], None, exact(c["score"]), "", SRC))
    for k, _ in enumerate(ex["highlights"]["bonus"]):
        grade = rubric.highlights.ratings[k].grade
        t.highlights.append(HighlightEntry("a", k + 1, f"亮点{k + 1}", "", "创新性", "材料", grade, SRC))
    for amount in ex["problems"]["deductions"]:
        t.problems.append(ProblemEntry("a", "p", "", None, "", exact(amount), "", SRC))
    return t


@pytest.mark.parametrize("ex", examples("score"), ids=lambda ex: f"{ex['not_applicable']}-{ex['expect']['base']}")
def test_score_example(ex):
    rubric = _score_rubric(ex)
    result = score_all(rubric, _score_tables(ex, rubric))[0]
    pub = publish_unit(rubric, result)
    want = ex["expect"]
    assert result.base == exact(want["base"])
    assert result.final == exact(want["final"])
    assert [(i.shown, i.applicable) for i in pub.items] == [
        (exact(i["shown"]), exact(i["applicable"])) for i in want["items"]]
    assert (pub.prorate, pub.rounding) == (exact(want["prorate"]), exact(want["rounding"]))
    assert (pub.base, pub.final) == (exact(want["published_base"]), exact(want["published_final"]))
    if "bonus" in want:
        assert (result.bonus, result.deductions) == (exact(want["bonus"]), exact(want["deductions"]))
    # the published parts add up, as the document says
    assert sum((i.shown for i in pub.items), Decimal(0)) + pub.prorate + pub.rounding == pub.base
    assert pub.base + pub.bonus - pub.deductions == pub.final


@pytest.mark.parametrize("ex", examples("ranking"), ids=lambda ex: "-".join(str(t["final"]) for t in ex["towns"]))
def test_ranking_example(ex):
    from qp_eval.core.scoring import UnitResult

    names = [t["name"] for t in ex["towns"]]
    data = dict(BASE)
    data["units"] = [{"id": f"t{k}", "name": n, "kind": "镇"} for k, n in enumerate(names)]
    data["items"] = [dict(i) for i in BASE["items"]]
    for item in data["items"]:
        item["criteria"] = [{**c, "applies_to": None} if "applies_to" in c else c for c in item["criteria"]]
    data["grades"] = ex["grades"]
    data["tie_breakers"] = ex.get("tie_breakers", [])
    data["quota_ties"] = ex.get("quota_ties", "down")
    data["problems"] = {**BASE["problems"], "cap": ex.get("deduction_cap", 10)}
    rubric = Rubric.model_validate(data)
    results = []
    for k, t in enumerate(ex["towns"]):
        ded = min(sum((exact(d) for d in t.get("deductions", [])), Decimal(0)), rubric.problems.cap)
        bonus = exact(t.get("bonus", 0))
        results.append(UnitResult(f"t{k}", (), exact(t["final"]) - bonus + ded, "", (), bonus, (), ded,
                                  ("重大安全生产责任事故",) if t.get("veto") else ()))
    rows = {rubric.unit[r.unit_id].name: r for r in rank_units(rubric, results)}
    for want in ex["expect"]:
        got = rows[want["name"]]
        assert (got.rank, got.grade) == (want["rank"], want["grade"]), want["name"]
        if "final" in want:
            assert got.final == exact(want["final"]) and str(got.final) == f"{exact(want['final']):.2f}"
        if "grade_note" in want:
            assert want["grade_note"] in got.grade_note, got.grade_note
        if "tie_note" in want:
            assert want["tie_note"] in got.tie_note, got.tie_note


def test_every_rubric_key_is_in_the_reference():
    """Each field of the rubric model (and of its parts) is named in the document."""
    from pydantic import BaseModel

    text = DOC.read_text(encoding="utf-8")
    seen: set[type] = set()
    missing: list[str] = []

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            if name != "kind" and f"`{name}`" not in text:
                missing.append(f"{model.__name__}.{name}")
            for sub in _models(field.annotation):
                walk(sub)

    walk(Rubric)
    for rule in _models(Rule):
        walk(rule)
    assert missing == []


def _models(annotation: object) -> list[type]:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def test_the_shipped_rubric_parses_the_same_in_a_plain_yaml_reader():
    data = yaml.safe_load((ROOT / "rubric" / "2024.yaml").read_text(encoding="utf-8"))
    assert all(isinstance(i["number"], int) for i in data["items"])


