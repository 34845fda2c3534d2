"""Numbers as qp-eval shows them: the one rounding of a published score, plain decimals for explanations,
and decimal places as a person counts them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the rubric only as an annotation: it is read for its precision
    from .rubric import Rubric


def publish(rubric: Rubric, value: Decimal) -> Decimal:
    """The published form of a score: rounded once, half up, to the rubric's precision."""
    return value.quantize(Decimal(1).scaleb(-rubric.precision), rounding=ROUND_HALF_UP)


def fmt(d: Decimal) -> str:
    """A decimal for an explanation: plain notation, at most 4 places, no trailing zeros."""
    q = d.quantize(Decimal("0.0001")) if d.as_tuple().exponent < -4 else d  # type: ignore[operator]
    text = format(q.normalize(), "f")
    return text


def places(d: Decimal) -> int:
    """Decimal places of a number as a person means it: 2.50 has 1, 3 and 3.0 have 0."""
    exp = d.as_tuple().exponent
    if isinstance(exp, int) and exp >= 0:
        return 0
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0
