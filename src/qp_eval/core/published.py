"""What is published of one town's result: every figure at the rubric's precision, in parts that add up.

One definition serves every per-item view (the item matrix, the follow-up list, the letters):

- An item's score is the sum of its criteria's scores, exact; it is shown rounded once, half up.
- An item's *applicable points* are the points that count for the town. Under
  ``not_applicable: full`` a criterion that does not apply counts with its full points, so they
  are the item's points. Under ``prorate`` it does not count at all: the applicable points are
  the points of the criteria that apply, and the item's score is out of those. Every share,
  gap and "x/y 分" uses the applicable points, so a town that earned all it could is never
  told it fell short.
- Under ``prorate`` the base is the applicable scores scaled to the total (whole base, not per
  item); the difference is published as one line, 按比例折算.
- Rounding each shown item can leave the shown items a cent off the shown base: that cent is
  published as its own line, 舍入调整, so the shown parts always add up to the shown base.

Bonus and deductions are entered and capped at the rubric's precision (V405, R015), so the
published base + bonus − deductions is exactly the published final.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .numbers import publish
from .rubric import Rubric
from .scoring import UnitResult

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ItemFigure:
    number: int
    points: Decimal  # the item's points in the rubric
    applicable: Decimal  # the points that count for this town
    score: Decimal  # exact
    shown: Decimal  # published

    @property
    def applies(self) -> bool:
        return self.applicable > 0

    @property
    def share(self) -> Decimal:
        """The part of the applicable points earned (1 when nothing applies)."""
        return self.score / self.applicable if self.applies else Decimal(1)

    @property
    def full(self) -> bool:
        return self.score == self.applicable

    @property
    def reduced(self) -> bool:
        """Some of the item's criteria do not count for this town."""
        return self.applicable != self.points


@dataclass(frozen=True, slots=True)
class Published:
    items: tuple[ItemFigure, ...]
    prorate: Decimal  # published prorate adjustment (0 when none)
    rounding: Decimal  # shown base − shown items − prorate (0 almost always)
    base: Decimal
    bonus: Decimal
    deductions: Decimal
    final: Decimal

    def item(self, number: int) -> ItemFigure:
        items = self.items
        at = number - items[0].number  # items are usually numbered 1, 2, 3 …: then the number gives the place
        if 0 <= at < len(items) and items[at].number == number:
            return items[at]
        return next(i for i in items if i.number == number)


def publish_unit(rubric: Rubric, result: UnitResult, shared: dict[str, Decimal] | None = None) -> Published:
    """Read from the scores alone (``UnitResult.scores``): no criterion result is made for this.

    ``shared``: one value object for equal figures written alike (keyed by their text, so 5 and 5.0
    stay apart), kept across the towns of a year: the same few hundred item scores recur in every
    town, and 27 items of 40,000 towns would otherwise hold three million Decimals."""
    full = rubric.not_applicable == "full"
    criteria, item_of = rubric.criteria, rubric.item_of
    score: dict[int, Decimal] = {}
    applicable: dict[int, Decimal] = {}
    for cid, value, counted in result.scores():
        n = item_of[cid].number
        score[n] = score.get(n, ZERO) + value
        applicable[n] = applicable.get(n, ZERO) + (criteria[cid].points if counted or full else ZERO)
    one = (lambda v: v) if shared is None else (lambda v: shared.setdefault(str(v), v))
    items = []
    for i in rubric.items:
        got = score.get(i.number, ZERO)
        items.append(ItemFigure(i.number, i.points, one(applicable.get(i.number, ZERO)), one(got),
                                one(publish(rubric, got))))
    raw = sum(score.values(), ZERO)
    base = publish(rubric, result.base)
    prorate = publish(rubric, result.base - raw)
    rounding = base - sum((i.shown for i in items), ZERO) - prorate
    return Published(tuple(items), prorate, rounding, base, publish(rubric, result.bonus),
                     publish(rubric, result.deductions), publish(rubric, result.final))
