"""Four behaviours that hand-made mutations showed no test held (issue 31), each with its numbers worked
out by hand. Applying any of the mutations named in a docstring makes that test fail."""

from __future__ import annotations

from decimal import Decimal

from test_docs_rubric import SRC, _score_rubric, _score_tables
from test_grades import rubric_with

from qp_eval.core.ranking import rank_units
from qp_eval.core.rules import RatioAtLeast
from qp_eval.core.scoring import UnitResult, score_all
from qp_eval.core.tables import ScoreEntry

D = Decimal
BEDS = {"beds": D(70), "elderly_pop": D(2000)}
NAMES = {"beds": "养老床位数", "elderly_pop": "户籍老年人口数"}


def bed_rule(credit: str) -> RatioAtLeast:
    return RatioAtLeast(kind="ratio_at_least", numerator="beds", denominator="elderly_pop", scale=D(100),
                        target=D("3.5"), credit=credit)


def test_exactly_on_target_is_full_points_with_all_or_nothing_and_said_as_reached():
    """70 beds for 2,000 elderly: 70 ÷ 2000 × 100 = 3.5, the target 3.5 exactly. "不低于" includes equal:
    full points (2) with all_or_nothing, where ``value > target`` would give 0; with linear the score is 2
    either way (2 × 3.5 ÷ 3.5), and the explanation says the target was reached (达到目标), not 按比例."""
    strict = bed_rule("all_or_nothing").evaluate(D(2), BEDS, NAMES)
    assert strict.score == D(2)
    linear = bed_rule("linear").evaluate(D(2), BEDS, NAMES)
    assert linear.score == D(2)
    assert "达到目标，得满分 2" in linear.detail and "按比例" not in linear.detail


def test_higher_base_puts_the_higher_base_first():
    """Three towns on 85.00: 甲 with a bonus of 3 (base 82), 乙 and 丙 with 1 (base 84). higher_base puts
    乙 and 丙 first, tied at rank 1 (their bases are equal), and 甲 third; read the other way round (as
    lower_deductions reads its figure) 甲 would be first."""
    rubric = rubric_with(3, [{"name": "良好", "min": 80}, {"name": "合格"}], tie_breakers=["higher_base"])

    def town(unit: str, bonus: str) -> UnitResult:
        return UnitResult(unit, (), D(85) - D(bonus), "", (), D(bonus), (), D(0), ())

    got = {r.unit_id: r.rank for r in rank_units(rubric, [town("a", "3"), town("b", "1"), town("c", "1")])}
    assert got == {"b": 1, "c": 1, "a": 3}


def test_a_quarter_entered_twice_counts_its_later_entry():
    """Criterion 1.2 (4 points, the mean of four quarters): Q1 4, Q2 3, Q3 3, Q4 4, and Q2 entered again
    as 2 further down. The later entry counts: (4 + 2 + 3 + 4) ÷ 4 = 3.25 (the first would give 3.5).
    Base = 1.1's 2 + 3.25 = 5.25."""
    ex = {"total_points": 6, "not_applicable": "full",
          "items": [{"number": 1, "points": 6, "criteria": [{"id": "1.1", "points": 2, "score": 2},
                                                            {"id": "1.2", "points": 4, "quarters": [4, 3, 3, 4]}]}],
          "highlights": {"bonus": [], "cap": 1}, "problems": {"deductions": [], "cap": 1}}
    rubric = _score_rubric(ex)
    tables = _score_tables(ex, rubric)
    tables.scores.append(ScoreEntry("a", "1.2", "Q2", D(2), "", SRC))
    result = score_all(rubric, tables)[0]
    assert result.one("1.2").score == D("3.25")
    assert result.base == D("5.25")


def test_under_prorate_a_missing_criterion_counts_zero_and_keeps_its_points():
    """prorate, total 10. 1.1 (2 points) scored 2; 1.2 (4) the mean of 4, 3.5, 3, 4 = 3.625; 2.1 (2) does
    not apply; 2.2 (2) has no score (ranked with --allow-missing). The missing 2.2 counts 0 and its 2 points
    stay applicable: 8 points apply, base = (2 + 3.625 + 0) × 10 ÷ 8 = 5.625 × 1.25 = 7.03125. Scaled away
    with 2.1 it would be 5.625 × 10 ÷ 6 = 9.375, more than if it had been scored."""
    ex = {"total_points": 10, "not_applicable": "prorate",
          "items": [{"number": 1, "points": 6, "criteria": [{"id": "1.1", "points": 2, "score": 2},
                                                            {"id": "1.2", "points": 4, "quarters": [4, 3.5, 3, 4]}]},
                    {"number": 2, "points": 4, "criteria": [{"id": "2.1", "points": 2, "applies": False},
                                                            {"id": "2.2", "points": 2}]}],
          "highlights": {"bonus": [], "cap": 1}, "problems": {"deductions": [], "cap": 1}}
    rubric = _score_rubric(ex)
    result = score_all(rubric, _score_tables(ex, rubric))[0]
    assert result.missing == ("2.2",)
    assert result.base == D("7.03125")


def test_a_quarterly_criterion_combined_by_its_lowest_quarter():
    """combine: min (found alive by make mutate: no test held it). Quarters 4, 3.5, 3, 4: the lowest, 3,
    counts (the mean would be 3.625), and the explanation says 取最低 3."""
    ex = {"total_points": 6, "not_applicable": "full",
          "items": [{"number": 1, "points": 6, "criteria": [{"id": "1.1", "points": 2, "score": 2},
                                                            {"id": "1.2", "points": 4, "quarters": [4, 3.5, 3, 4],
                                                             "combine": "min"}]}],
          "highlights": {"bonus": [], "cap": 1}, "problems": {"deductions": [], "cap": 1}}
    rubric = _score_rubric(ex)
    result = score_all(rubric, _score_tables(ex, rubric))[0]
    assert result.one("1.2").score == D(3)
    assert result.one("1.2").detail == "分季度评分 Q1 4、Q2 3.5、Q3 3、Q4 4，取最低 3"
    assert result.base == D(5)
