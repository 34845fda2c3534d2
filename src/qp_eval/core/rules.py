"""Rule kinds for measurable criteria (量化指标): each is a model plus its scoring function.

A rule turns a town's input figures (指标数值) into a criterion score, in exact decimals,
and says in one Chinese sentence how. Adding a kind is one class here, added to ``Rule``.
Pure: no I/O, nothing of ours imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

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


def fmt(d: Decimal) -> str:
    """A decimal for an explanation: plain notation, at most 4 places, no trailing zeros."""
    q = d.quantize(Decimal("0.0001")) if d.as_tuple().exponent < -4 else d  # type: ignore[operator]
    text = format(q.normalize(), "f")
    return text


MAX_MAGNITUDE = Decimal(10) ** 9
MAX_DIGITS = 15
# C0 and C1 controls (tab and newline allowed), the non-characters U+FFFE/U+FFFF, bidirectional overrides
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


class Model(BaseModel):
    """Every rubric model: unknown keys refused, frozen, and every decimal a number a person means
    (finite, at most 15 digits, below a billion), however it was written (``"1e400"`` in quotes too)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _sane(cls, v: object, info: ValidationInfo) -> object:
        named = info.field_name == "name" and cls.__name__ in ("Unit", "Department")  # checked with the file
        texts = () if named else (v,) if isinstance(v, str) else v if isinstance(v, tuple) else ()  # names: R019
        for text in texts:
            if isinstance(text, str) and _CONTROL.search(text):  # they cannot be written into xlsx or docx
                raise ValueError(f"“{text[:20]!r}” 含有控制字符（如 ESC、NUL）或不可见的格式符，请删去")
        if isinstance(v, Decimal):
            if not v.is_finite():
                raise ValueError(f"{v} 不是有限的数")
            if abs(v) >= MAX_MAGNITUDE or len(v.as_tuple().digits) > MAX_DIGITS:
                raise ValueError(f"数字 {v} 超出合理范围（应小于 10 亿，最多 {MAX_DIGITS} 位）")
        return v


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
