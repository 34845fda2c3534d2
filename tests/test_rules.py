"""Each measurement rule's parameter ranges, said field by field, and the parts of its explanation that
depend on a parameter (written for the mutants mutmut found alive in ``rules`` and ``numbers``;
benchmarks/MUTATION.md). Every expected value is worked out by hand in the test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qp_eval.core.numbers import fmt, places
from qp_eval.core.rules import PerOccurrence, RatioAtLeast, StepBelow

D = Decimal
NAMES = {"a": "甲数", "b": "乙数", "n": "次数"}


def ratio(target: str, scale: str) -> RatioAtLeast:
    return RatioAtLeast(kind="ratio_at_least", numerator="a", denominator="b", scale=D(scale), target=D(target),
                        credit="linear")


def step(threshold: str, per_point: str) -> StepBelow:
    return StepBelow(kind="step_below", numerator="a", denominator="b", threshold=D(threshold), per_point=D(per_point))


@pytest.mark.parametrize(("target", "scale", "said"), [
    ("0", "1", [("target", "目标值 0 必须大于 0")]),
    ("-1", "1", [("target", "目标值 -1 必须大于 0")]),
    ("0.5", "1", []),  # a target below 1 is a target (a share of 0.5)
    ("1", "0", [("scale", "换算倍数 0 必须大于 0")]),
    ("1", "0.5", []),
    ("0", "0", [("target", "目标值 0 必须大于 0"), ("scale", "换算倍数 0 必须大于 0")]),
])
def test_ratio_at_least_says_which_parameter_is_out_of_range(target, scale, said):
    assert ratio(target, scale).range_problems() == said


@pytest.mark.parametrize(("threshold", "per_point", "said"), [
    ("0", "1", [("threshold", "百分比阈值 0 必须大于 0、不超过 100")]),
    ("0.5", "1", []),
    ("100", "1", []),  # 达到 100% 得满分 is a rule
    ("100.5", "1", [("threshold", "百分比阈值 100.5 必须大于 0、不超过 100")]),
    ("101", "1", [("threshold", "百分比阈值 101 必须大于 0、不超过 100")]),
    ("95", "0", [("per_point", "每个百分点扣分 0 必须大于 0")]),
    ("95", "0.5", []),
])
def test_step_below_says_which_parameter_is_out_of_range(threshold, per_point, said):
    assert step(threshold, per_point).range_problems() == said


@pytest.mark.parametrize(("deduction", "said"), [("0", [("deduction", "每次扣分 0 必须大于 0")]),
                                                 ("-0.5", [("deduction", "每次扣分 -0.5 必须大于 0")]),
                                                 ("0.5", []), ("1", [])])
def test_per_occurrence_needs_a_deduction_above_zero(deduction, said):
    assert PerOccurrence(kind="per_occurrence", count="n", deduction=D(deduction)).range_problems() == said


def test_a_ratio_with_scale_one_is_said_without_a_multiplication():
    """70 ÷ 100 = 0.7 against a target of 0.5 (a share, scale 1): full 3 points, said without "× 1"."""
    out = ratio("0.5", "1").evaluate(D(3), {"a": D(70), "b": D(100)}, NAMES)
    assert out.score == D(3)
    assert out.detail == "甲数 70 ÷ 乙数 100 = 0.7，目标 ≥ 0.5，达到目标，得满分 3"


def test_a_part_of_a_percentage_point_below_counts_as_a_whole_one():
    """927 ÷ 1000 = 92.7% against 95%: 2.3 points below, counted as 3 (不足 1 个百分点按 1 个百分点计),
    at 0.5 a point: 4 − 1.5 = 2.5 (rounding to the nearest would count 2 and give 3)."""
    out = step("95", "0.5").evaluate(D(4), {"a": D(927), "b": D(1000)}, NAMES)
    assert out.score == D("2.5")
    assert "低 3 个百分点" in out.detail


@pytest.mark.parametrize(("d", "shown"), [("3.14159", "3.1416"), ("2.50000", "2.5"), ("0.00004", "0"),
                                          ("1E+2", "100"), ("-1.25", "-1.25")])
def test_an_explanation_shows_at_most_four_places_and_no_trailing_zeros(d, shown):
    assert fmt(D(d)) == shown


@pytest.mark.parametrize(("d", "n"), [("3", 0), ("3.0", 0), ("300", 0), ("1E+2", 0), ("2.50", 1), ("0.125", 3)])
def test_places_are_the_decimals_a_person_means(d, n):
    assert places(D(d)) == n
