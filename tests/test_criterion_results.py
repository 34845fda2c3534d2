"""What explain and the report read of each criterion's result, for every way a criterion is scored
(tests written for the mutants mutmut found alive in ``scoring`` and ``ranking``; benchmarks/MUTATION.md).

The mini rubric (tests/data/mini.yaml): item 1 = 1.1 (2 points) + 1.2 (4, the mean of four quarters);
item 2 = 2.1 (4, beds ÷ elderly × 100 ≥ 3.5, linear); item 3 = 3.1 (2, 甲镇 only) + 3.2 (3); item 4 = 4.1 (5).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_grades import rubric_with

from qp_eval.core.ranking import fmt_share, rank_units
from qp_eval.core.rubric import Rubric
from qp_eval.core.scoring import BonusLine, CriterionResult, DeductionLine, UnitResult, score_all
from qp_eval.core.tables import FigureEntry, HighlightEntry, ProblemEntry, ScoreEntry, Source, Tables

D = Decimal


def at(cell: str) -> Source:
    return Source("评分表.xlsx", "评分", cell)


def year(mini: Rubric) -> list[UnitResult]:
    """甲镇: 1.1 = 2 (note 好), 1.2 = 4, 3.5, 3, 4, 2.1 from 70 beds and 2,000 elderly, 3.1 = 1.5, 3.2 = 3,
    4.1 not entered. 乙街道: 1.1 = 1.8, 1.2 Q1 = 4 only, 2.1 with its beds only, 3.2 = 2.5, 4.1 = 5."""
    t = Tables()
    t.scores.append(ScoreEntry("a", "1.1", None, D(2), "好", at("F2")))
    for k, v in enumerate(("4", "3.5", "3", "4")):
        t.scores.append(ScoreEntry("a", "1.2", f"Q{k + 1}", D(v), "", at(f"F{3 + k}")))
    t.figures += [FigureEntry("a", "2.1", "beds", D(70), at("C2")), FigureEntry("a", "2.1", "elderly_pop", D(2000), at("C3"))]
    t.scores += [ScoreEntry("a", "3.1", None, D("1.5"), "", at("F8")), ScoreEntry("a", "3.2", None, D(3), "", at("F9"))]
    t.scores += [ScoreEntry("b", "1.1", None, D("1.8"), "", at("F12")), ScoreEntry("b", "1.2", "Q1", D(4), "", at("F13"))]
    t.figures.append(FigureEntry("b", "2.1", "beds", D(60), at("C5")))
    t.scores += [ScoreEntry("b", "3.2", None, D("2.5"), "", at("F19")), ScoreEntry("b", "4.1", None, D(5), "", at("F20"))]
    return score_all(mini, t)


def fields(r: CriterionResult) -> tuple:
    return (r.criterion_id, r.item_no, r.points, r.score, r.status, r.detail, r.note, r.sources)


def test_entered_quarterly_and_measured_results_say_how_and_where(mini):
    """甲镇 1.1: entered 2, its note, one cell. 1.2: (4 + 3.5 + 3 + 4) ÷ 4 = 3.625 from four cells.
    2.1: 70 ÷ 2000 × 100 = 3.5, the target: full 4 points, from the two figures' cells."""
    a = year(mini)[0]
    assert fields(a.one("1.1")) == ("1.1", 1, D(2), D(2), "entered", "", "好", (at("F2"),))
    assert fields(a.one("1.2")) == ("1.2", 1, D(4), D("3.625"), "entered", "分季度评分 Q1 4、Q2 3.5、Q3 3、Q4 4，取平均 3.625",
                                    "", (at("F3"), at("F4"), at("F5"), at("F6")))
    assert fields(a.one("2.1")) == ("2.1", 2, D(4), D(4), "measured",
                                    "养老床位数 70 ÷ 户籍老年人口数 2000 × 100 = 3.5，目标 ≥ 3.5，达到目标，得满分 4", "",
                                    (at("C2"), at("C3")))


def test_missing_results_count_zero_and_say_what_is_missing(mini):
    """甲镇 4.1 was not entered: 0, "缺少评分". 乙街道 1.2 has Q1 only: 0, the three quarters named, its one
    cell kept. 乙街道 2.1 lacks the elderly figure: 0, the figure named, the beds cell kept."""
    a, b = year(mini)[:2]
    assert fields(a.one("4.1")) == ("4.1", 4, D(5), D(0), "missing", "缺少评分，按 0 分计", "", ())
    assert fields(b.one("1.2")) == ("1.2", 1, D(4), D(0), "missing", "缺少 Q2、Q3、Q4 的评分，按 0 分计", "", (at("F13"),))
    assert fields(b.one("2.1")) == ("2.1", 2, D(4), D(0), "missing", "缺少指标：户籍老年人口数，按 0 分计", "", (at("C5"),))
    assert a.missing == ("4.1",) and set(b.missing) == {"1.2", "2.1"}


def test_a_town_with_nothing_entered_is_missing_every_criterion_with_nothing_to_point_at(mini):
    """丙镇 has no entry at all: 1.2 has no quarter (0, "缺少评分", no note, no cell), 2.1 neither figure
    (both named, in the rule's order), 1.1, 3.2 and 4.1 no score; 3.1 does not apply (full: 2 points).
    Base = 2, said as the sum of the criteria."""
    c = year(mini)[2]
    assert fields(c.one("1.2")) == ("1.2", 1, D(4), D(0), "missing", "缺少评分，按 0 分计", "", ())
    assert fields(c.one("2.1")) == ("2.1", 2, D(4), D(0), "missing", "缺少指标：养老床位数、户籍老年人口数，按 0 分计",
                                    "", ())
    assert fields(c.one("3.2")) == ("3.2", 3, D(3), D(0), "missing", "缺少评分，按 0 分计", "", ())
    assert c.missing == ("1.1", "1.2", "2.1", "3.2", "4.1")
    assert (c.base, c.base_detail) == (D(2), "各细则得分合计 2")


def test_quarter_notes_are_kept_with_their_quarter_in_order(mini):
    """1.2's four quarters 4, 4, 3, 3 with notes on Q1 and Q3 (entered Q3 first): the note reads
    "Q1：材料齐全；Q3：整改中", in the quarters' order; (4 + 4 + 3 + 3) ÷ 4 = 3.5."""
    t = Tables()
    for k, v, note in ((3, "3", "整改中"), (1, "4", "材料齐全"), (2, "4", ""), (4, "3", "")):
        t.scores.append(ScoreEntry("a", "1.2", f"Q{k}", D(v), note, at(f"F{k}")))
    r = score_all(mini, t)[0].one("1.2")
    assert (r.score, r.note) == (D("3.5"), "Q1：材料齐全；Q3：整改中")
    assert r.sources == (at("F1"), at("F2"), at("F3"), at("F4"))


def test_the_base_says_how_it_was_made(mini):
    """Full (甲镇 of ``year``): 2 + 3.625 + 4 + 1.5 + 3 + 0 = 14.125, said as the criteria's sum.
    Prorate, with 3.1 (2 points) and 3.2 (3 points) both for 甲镇 only: 乙街道 enters 1.1 = 2, every
    quarter of 1.2 = 4, 70 beds for 2,000 elderly (2.1 = 4) and 4.1 = 5: 15 of the 20 − 2 − 3 = 15
    points that apply, prorated 15 × 20 ÷ 15 = 20 (counting only the last criterion left out, 3 points,
    would give 15 × 20 ÷ 17)."""
    a = year(mini)[0]
    assert (a.base, a.base_detail) == (D("14.125"), "各细则得分合计 14.125")
    data = mini.model_dump()
    data["not_applicable"] = "prorate"
    data["items"][2]["criteria"][1]["applies_to"] = ["a"]
    prorate = Rubric.model_validate(data)
    t = Tables()
    t.scores += [ScoreEntry("b", "1.1", None, D(2), "", at("F2")), ScoreEntry("b", "4.1", None, D(5), "", at("F9"))]
    t.scores += [ScoreEntry("b", "1.2", f"Q{k}", D(4), "", at(f"F{2 + k}")) for k in range(1, 5)]
    t.figures += [FigureEntry("b", "2.1", "beds", D(70), at("C2")), FigureEntry("b", "2.1", "elderly_pop", D(2000), at("C3"))]
    b = score_all(prorate, t)[1]
    assert b.base == D(20)
    assert b.base_detail == "适用细则得分 15（适用分值 15），按比例折算 15 × 20 ÷ 15 = 20"


def test_bonus_and_deduction_lines_say_what_each_is_and_where_it_came_from(mini):
    """甲镇's highlights entered as 2 (B, 0.6), 1 (A, 1) and 3 (not yet rated): lines 1 and 2 in that
    order, 1 + 0.6 = 1.6 capped at 1.5. Problems: a 进京上访 at the category's 2 points (defaulted) and a
    重大安全生产责任事故 entered at 1 (not defaulted, a veto): 2 + 1 = 3, under the cap of 4."""
    t = Tables()
    t.highlights += [HighlightEntry("a", 2, "智慧养老", "", "", "", "B", at("B3")),
                     HighlightEntry("a", 1, "社区食堂", "", "", "", "A", at("B2")),
                     HighlightEntry("a", 3, "未评亮点", "", "", "", "", at("B4"))]
    t.problems += [ProblemEntry("a", "petition", "赴京上访一次", None, "信访办", None, "信访通报", at("C2")),
                   ProblemEntry("a", "safety_accident", "火灾一起", None, "应急局", D(1), "事故认定书", at("C3"))]
    a = score_all(mini, t)[0]
    assert a.bonus_lines == (BonusLine(1, "社区食堂", "A", D(1), at("B2")), BonusLine(2, "智慧养老", "B", D("0.6"), at("B3")))
    assert a.bonus == D("1.5")
    assert a.deduction_lines == (
        DeductionLine("petition", "服务对象进京上访", "赴京上访一次", D(2), True, False, "信访通报", at("C2")),
        DeductionLine("safety_accident", "重大安全生产责任事故", "火灾一起", D(1), False, True, "事故认定书", at("C3")))
    assert (a.deductions, a.vetoes) == (D(3), ("重大安全生产责任事故",))


def test_a_criterion_that_does_not_apply_says_how_it_counts(mini):
    """3.1 applies to 甲镇 only. Under full 乙街道 gets its 2 points, said as 按满分计; under prorate 0 points
    that do not count, said as 不计入，基础分按比例折算."""
    b = year(mini)[1]
    assert fields(b.one("3.1")) == ("3.1", 3, D(2), D(2), "not_applicable", "不适用于该街镇，按满分计", "", ())
    prorate = Rubric.model_validate({**mini.model_dump(), "not_applicable": "prorate"})
    b = year(prorate)[1]
    assert fields(b.one("3.1")) == ("3.1", 3, D(2), D(0), "not_applicable", "不适用于该街镇，不计入，基础分按比例折算",
                                    "", ())


def test_results_read_by_position_and_by_slice_are_the_criteria_in_rubric_order(mini):
    a = year(mini)[0]
    assert a.criteria[0].criterion_id == "1.1" and a.criteria[5].criterion_id == "4.1"
    assert [r.criterion_id for r in a.criteria[1:3]] == ["1.2", "2.1"]
    assert len(a.criteria) == 6


def test_an_entered_score_is_read_from_the_grid_as_its_result_would_say_it(mini):
    """``entered``: score, 扣分说明 and cell of a criterion entered as one score, without a result object
    (the report's 科室评分 and 溯源 rows); nothing for a quarterly, measured, missing or not-applicable one.
    甲镇 1.1 = 2 (好, F2), 3.1 = 1.5 (F8), 3.2 = 3 (F9); 乙街道 1.1 = 1.8 (F12), 3.2 = 2.5 (F19), 4.1 = 5 (F20)."""
    a, b = year(mini)[:2]
    assert {cid: a.entered(cid) for cid in mini.criteria} == {
        "1.1": (D(2), "好", at("F2")), "1.2": None, "2.1": None, "3.1": (D("1.5"), "", at("F8")),
        "3.2": (D(3), "", at("F9")), "4.1": None}
    assert {cid: b.entered(cid) for cid in mini.criteria} == {
        "1.1": (D("1.8"), "", at("F12")), "1.2": None, "2.1": None, "3.1": None, "3.2": (D("2.5"), "", at("F19")),
        "4.1": (D(5), "", at("F20"))}
    made = UnitResult("a", (CriterionResult("1.1", 1, D(2), D(1), "entered", "", "", ()),), D(1), "", (), D(0), (), D(0), ())
    assert made.entered("1.1") is None  # results already made: read them


def test_a_result_made_of_results_finds_each_by_its_criterion():
    made = (CriterionResult("1.1", 1, D(2), D(1), "entered", "", "", ()),
            CriterionResult("1.2", 1, D(4), D(3), "entered", "", "", ()))
    r = UnitResult("a", made, D(4), "", (), D(0), (), D(0), ())
    assert r.one("1.2").score == D(3) and r.one("1.1").score == D(1)


def test_a_band_with_no_places_is_said_to_be_full():
    """优秀 with a quota of 10% of 7 towns: floor(0.7) = 0 places. A town on 95 is 良好: the band was full
    from the start, not a tied group that did not fit the places left."""
    bands = [{"name": "优秀", "min": 90, "quota": D("0.1")}, {"name": "良好", "min": 80}, {"name": "合格"}]
    r = rubric_with(7, bands)
    towns = [UnitResult(u, (), D(f), "", (), D(0), (), D(0), ())
             for u, f in zip("abcdefg", ("95", "85", "84", "83", "82", "81", "70"), strict=True)]
    first = rank_units(r, towns)[0]
    assert (first.unit_id, first.grade) == ("a", "良好")
    assert first.grade_note == "优秀名额为 10%，即 0 个，已满，评为下一等次"


@pytest.mark.parametrize(("quota", "said"), [(None, ""), (D("0.3"), "30%"), (D("0.125"), "12.5%")])
def test_a_quota_is_said_as_a_percentage(quota, said):
    assert fmt_share(quota) == said
