"""Rule kinds for measurable criteria (量化指标): each is a model plus its scoring function.

A rule turns a town's input figures (指标数值) into a criterion score, in exact decimals,
and says in one Chinese sentence how. Adding a kind is one class here, added to ``Rule``.
Pure: no I/O, nothing of ours imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Annotated, Literal

from pydantic import Field

from .model import Model
from .numbers import fmt

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A rule's score, and how it was reached in one Chinese sentence, written only when it is read
    (``rank`` needs the numbers; only ``explain`` and the report read the sentence)."""

    score: Decimal
    describe: Callable[[], str]

    @property
    def detail(self) -> str:
        return self.describe()


class _Rule(Model):

    def input_ids(self) -> tuple[str, ...]:
        raise NotImplementedError

    def range_problems(self) -> list[tuple[str, str]]:
        """(field, Chinese message) for each parameter outside its range."""
        return []


def _ratio(figures: dict[str, Decimal], num: str, den: str) -> Decimal | None:
    d = figures[den]
    return None if d == 0 else figures[num] / d


class RatioAtLeast(_Rule):
    """value = numerator ÷ denominator × scale must reach target; linear or all-or-nothing."""

    kind: Literal["ratio_at_least"]
    numerator: str
    denominator: str
    scale: Decimal = Decimal(1)
    target: Decimal
    credit: Literal["linear", "all_or_nothing"] = "linear"

    def input_ids(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def range_problems(self) -> list[tuple[str, str]]:
        out = []
        if self.target <= 0:
            out.append(("target", f"目标值 {self.target} 必须大于 0"))
        if self.scale <= 0:
            out.append(("scale", f"换算倍数 {self.scale} 必须大于 0"))
        return out

    def evaluate(self, points: Decimal, figures: dict[str, Decimal], names: dict[str, str]) -> Outcome:
        r = _ratio(figures, self.numerator, self.denominator)
        if r is None:
            return Outcome(ZERO, lambda: f"{names[self.denominator]}为 0，无法计算，得 0 分")
        value = r * self.scale

        def head() -> str:
            return (
                f"{names[self.numerator]} {fmt(figures[self.numerator])} ÷ {names[self.denominator]} "
                f"{fmt(figures[self.denominator])}" + (f" × {fmt(self.scale)}" if self.scale != 1 else "")
                + f" = {fmt(value)}，目标 ≥ {fmt(self.target)}"
            )

        if value >= self.target:
            return Outcome(points, lambda: f"{head()}，达到目标，得满分 {fmt(points)}")
        if self.credit == "all_or_nothing":
            return Outcome(ZERO, lambda: f"{head()}，未达到目标，得 0 分")
        score = points * value / self.target
        return Outcome(score, lambda: f"{head()}，按比例得 {fmt(points)} × {fmt(value)} ÷ {fmt(self.target)} = {fmt(score)}")


class Increase(_Rule):
    """Full points when this year's figure is above last year's, else none (有所增长)."""

    kind: Literal["increase"]
    current: str
    previous: str

    def input_ids(self) -> tuple[str, ...]:
        return (self.current, self.previous)

    def evaluate(self, points: Decimal, figures: dict[str, Decimal], names: dict[str, str]) -> Outcome:
        cur, prev = figures[self.current], figures[self.previous]

        def head() -> str:
            return f"{names[self.current]} {fmt(cur)}，{names[self.previous]} {fmt(prev)}"

        if cur > prev:
            return Outcome(points, lambda: f"{head()}，较上年有所增长，得满分 {fmt(points)}")
        return Outcome(ZERO, lambda: f"{head()}，较上年未增长，得 0 分")


class RateFull(_Rule):
    """Full points when numerator ÷ denominator reaches 100% (e.g. 培训率达 100%), else none."""

    kind: Literal["rate_full"]
    numerator: str
    denominator: str

    def input_ids(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def evaluate(self, points: Decimal, figures: dict[str, Decimal], names: dict[str, str]) -> Outcome:
        r = _ratio(figures, self.numerator, self.denominator)
        if r is None:
            return Outcome(ZERO, lambda: f"{names[self.denominator]}为 0，无法计算，得 0 分")
        def head() -> str:
            return (
                f"{names[self.numerator]} {fmt(figures[self.numerator])} ÷ {names[self.denominator]} "
                f"{fmt(figures[self.denominator])} = {fmt(r * HUNDRED)}%"
            )

        if r >= 1:
            return Outcome(points, lambda: f"{head()}，达到 100%，得满分 {fmt(points)}")
        return Outcome(ZERO, lambda: f"{head()}，未达到 100%，得 0 分")


class PerOccurrence(_Rule):
    """每发现一次扣 deduction 分，扣完为止: the department enters the count."""

    kind: Literal["per_occurrence"]
    count: str
    deduction: Decimal

    def input_ids(self) -> tuple[str, ...]:
        return (self.count,)

    def range_problems(self) -> list[tuple[str, str]]:
        return [("deduction", f"每次扣分 {self.deduction} 必须大于 0")] if self.deduction <= 0 else []

    def evaluate(self, points: Decimal, figures: dict[str, Decimal], names: dict[str, str]) -> Outcome:
        n = figures[self.count]
        lost = min(points, self.deduction * n)
        score = points - lost
        return Outcome(
            score,
            lambda: f"{names[self.count]} {fmt(n)} 次，每次扣 {fmt(self.deduction)} 分，扣完为止，"
            f"得 {fmt(points)} − {fmt(lost)} = {fmt(score)}",
        )


class StepBelow(_Rule):
    """达到 threshold% 得满分，每低 1 个百分点扣 per_point 分，扣完为止.

    ``partial: up`` counts a part of a percentage point as a whole one (不足 1 个百分点按
    1 个百分点计); ``exact`` deducts in proportion.
    """

    kind: Literal["step_below"]
    numerator: str
    denominator: str
    threshold: Decimal  # percent
    per_point: Decimal
    partial: Literal["up", "exact"] = "up"

    def input_ids(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def range_problems(self) -> list[tuple[str, str]]:
        out = []
        if not (0 < self.threshold <= 100):
            out.append(("threshold", f"百分比阈值 {self.threshold} 必须大于 0、不超过 100"))
        if self.per_point <= 0:
            out.append(("per_point", f"每个百分点扣分 {self.per_point} 必须大于 0"))
        return out

    def evaluate(self, points: Decimal, figures: dict[str, Decimal], names: dict[str, str]) -> Outcome:
        r = _ratio(figures, self.numerator, self.denominator)
        if r is None:
            return Outcome(ZERO, lambda: f"{names[self.denominator]}为 0，无法计算，得 0 分")
        rate = r * HUNDRED

        def head() -> str:
            return (
                f"{names[self.numerator]} {fmt(figures[self.numerator])} ÷ {names[self.denominator]} "
                f"{fmt(figures[self.denominator])} = {fmt(rate)}%，要求 ≥ {fmt(self.threshold)}%"
            )

        if rate >= self.threshold:
            return Outcome(points, lambda: f"{head()}，达到要求，得满分 {fmt(points)}")
        gap = self.threshold - rate
        if self.partial == "up":
            gap = gap.to_integral_value(rounding=ROUND_CEILING)
        lost = min(points, gap * self.per_point)
        score = points - lost
        return Outcome(
            score,
            lambda: f"{head()}，低 {fmt(gap)} 个百分点，每个扣 {fmt(self.per_point)} 分，扣完为止，"
            f"得 {fmt(points)} − {fmt(lost)} = {fmt(score)}",
        )


Rule = Annotated[
    RatioAtLeast | Increase | RateFull | PerOccurrence | StepBelow,
    Field(discriminator="kind"),
]

RULE_NAMES: dict[str, str] = {
    "ratio_at_least": "比例达到目标",
    "increase": "较上年有所增长",
    "rate_full": "比率达到 100%",
    "per_occurrence": "每发现一次扣分",
    "step_below": "低于阈值按百分点扣分",
}
