"""Each validation rule of the 评分 sheet, run on a frame that hits it and on one that does not."""

from __future__ import annotations

import math

import pytest

from qp_eval.core import layout as L
from qp_eval.core.book import SheetStream
from qp_eval.core.validate.context import FileContext
from qp_eval.core.validate.frame import read_frame as _frame
from qp_eval.core.validate.scores import ScoreRules

HEAD = list(L.SCORE_COLUMNS)


def rules_for(mini, rows: list[list[object]], dept: str = "d1", merged=None, formulas=None) -> ScoreRules:
    sheet = SheetStream(L.SCORE_SHEET, [HEAD] + [[u, rid, "", "", p, v, n] for u, rid, p, v, n in rows], iter([]),
                        merged or [])
    if formulas is not None:
        sheet.__dict__["formula_without_value"] = formulas
    ctx = FileContext(mini, "f.xlsx")
    col = {h: i for i, h in enumerate(HEAD)}
    frame = _frame(ctx, sheet, 0, col, "编号", "得分", "扣分说明")
    allowed = {row.id: row for row in L.score_rows_of_unit(mini, dept, mini.units[0].id)}
    return ScoreRules(ctx, frame, dept, allowed)


def flagged(rules: ScoreRules, name: str, *args) -> list[int]:
    return [i for i, _ in getattr(rules, name)(range(len(rules.frame.row)), *args)]


CASES = [  # rule, (town, id, points, score, note) that hits it, the same row that does not
    ("unknown_id", ("甲镇", "9.9", 2, 2, ""), ("甲镇", "1.1", 2, 2, "")),
    ("blank", ("甲镇", "1.1", 2, None, ""), ("甲镇", "1.1", 2, 2, "")),
    ("not_applicable_text", ("甲镇", "1.1", 2, "不适用", ""), ("甲镇", "1.1", 2, 2, "")),
    ("full_width", ("甲镇", "1.1", 2, "１.５", "x"), ("甲镇", "1.1", 2, "1.5", "x")),
    ("negative", ("甲镇", "1.1", 2, -1.0, "x"), ("甲镇", "1.1", 2, 0.0, "x")),
    ("above_points", ("甲镇", "1.1", 2, 2.5, ""), ("甲镇", "1.1", 2, 2.0, "")),
    ("too_many_places", ("甲镇", "1.1", 2, 1.234, "x"), ("甲镇", "1.1", 2, 1.23, "x")),
    ("no_note", ("甲镇", "1.1", 2, 1.5, ""), ("甲镇", "1.1", 2, 1.5, "资料不全")),
]


@pytest.mark.parametrize(("rule", "hit", "miss"), CASES, ids=[c[0] for c in CASES])
def test_rule_flags_the_row_that_breaks_it_and_not_the_one_that_does_not(mini, rule, hit, miss):
    assert flagged(rules_for(mini, [hit]), rule) == [0]
    assert flagged(rules_for(mini, [miss]), rule) == []


@pytest.mark.parametrize(("code", "value"), [("V401", "两分"), ("V406", math.nan)])
def test_not_a_number(mini, code, value):
    assert flagged(rules_for(mini, [("甲镇", "1.1", 2, value, "")]), "not_a_number", code) == [0]
    assert flagged(rules_for(mini, [("甲镇", "1.1", 2, 1.5, "")]), "not_a_number", code) == []


def test_duplicate_flags_the_second_row_only(mini):
    row = ("甲镇", "1.1", 2, 2, "")
    assert flagged(rules_for(mini, [row, row]), "duplicate") == [1]
    assert flagged(rules_for(mini, [row, ("乙街道", "1.1", 2, 2, "")]), "duplicate") == []


def test_merged_score_cell(mini):
    row = ("甲镇", "1.1", 2, 2, "")
    assert flagged(rules_for(mini, [row, row], merged=[((1, 5), (2, 5))]), "merged") == [0, 1]
    assert flagged(rules_for(mini, [row], merged=[((1, 6), (1, 7))]), "merged") == []


def test_formula_without_value(mini):
    assert flagged(rules_for(mini, [("甲镇", "1.1", 2, None, "")], formulas={(1, 5)}), "formula_without_value") == [0]
    assert flagged(rules_for(mini, [("甲镇", "1.1", 2, None, "")], formulas=set()), "formula_without_value") == []


def test_a_score_in_a_row_that_does_not_apply(mini):
    # 3.1 applies to 甲镇 only (mini.yaml)
    assert flagged(rules_for(mini, [("乙街道", "3.1", 2, 2, "")], "d2"), "not_applicable_filled") == [0]
    assert flagged(rules_for(mini, [("乙街道", "3.1", 2, "不适用", "")], "d2"), "not_applicable_filled") == []
