"""Ranking: published finals, competition ranks, tie-breakers, grades with quotas and vetoes.

The final score is rounded once, half up, to the rubric's precision: that published number
is what is ranked and graded, so two towns shown with the same score share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .rubric import Rubric
from .scoring import UnitResult


@dataclass(frozen=True, slots=True)
class Ranked:
    result: UnitResult
    final: Decimal  # published: rounded to the rubric's precision
    rank: int
    grade: str
    grade_note: str  # why the grade is lower than the score alone gives ("" when it is not)
    previous_rank: int | None = None

    @property
    def unit_id(self) -> str:
        return self.result.unit_id

    @property
    def change(self) -> int | None:
        """Places gained since last year (positive = moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def publish(rubric: Rubric, value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-rubric.precision), rounding=ROUND_HALF_UP)


def _tie_key(rubric: Rubric, r: UnitResult) -> tuple[Decimal, ...]:
    keys = []
    for b in rubric.tie_breakers:
        if b == "lower_deductions":
            keys.append(r.deductions)
        elif b == "higher_base":
            keys.append(-r.base)
        else:
            keys.append(-r.bonus)
    return tuple(keys)


def rank_units(rubric: Rubric, results: list[UnitResult], previous: dict[str, int] | None = None) -> list[Ranked]:
    order = {u.id: i for i, u in enumerate(rubric.units)}
    finals = {r.unit_id: publish(rubric, r.final) for r in results}
    keyed = sorted(results, key=lambda r: ((-finals[r.unit_id],) + _tie_key(rubric, r), order[r.unit_id]))
    ranks: dict[str, int] = {}
    prev_key = None
    for pos, r in enumerate(keyed, 1):
        key = (-finals[r.unit_id],) + _tie_key(rubric, r)
        ranks[r.unit_id] = ranks[keyed[pos - 2].unit_id] if key == prev_key else pos
        prev_key = key
    grades = _grades(rubric, keyed, finals, ranks)
    previous = previous or {}
    return [
        Ranked(r, finals[r.unit_id], ranks[r.unit_id], *grades[r.unit_id], previous.get(r.unit_id))
        for r in keyed
    ]


def _band_index(rubric: Rubric, score: Decimal) -> int:
    for i, band in enumerate(rubric.grades):
        if band.min is None or score >= band.min:
            return i
    return len(rubric.grades) - 1


def _grades(
    rubric: Rubric, keyed: list[UnitResult], finals: dict[str, Decimal], ranks: dict[str, int]
) -> dict[str, tuple[str, str]]:
    """Grade of each unit, in rank order: vetoes first, then quotas (a tied group is kept together)."""
    bands = rubric.grades
    n = len(rubric.units)
    limits = [None if b.quota is None else int((b.quota * n).to_integral_value(rounding=ROUND_FLOOR)) for b in bands]
    taken = [0] * len(bands)
    out: dict[str, tuple[str, str]] = {}
    groups: list[list[UnitResult]] = []
    for r in keyed:
        if groups and ranks[groups[-1][0].unit_id] == ranks[r.unit_id]:
            groups[-1].append(r)
        else:
            groups.append([r])
    for group in groups:
        for r in group:
            i = _band_index(rubric, finals[r.unit_id])
            notes = []
            if i == 0 and r.vetoes and len(bands) > 1:
                notes.append(f"因“{'、'.join(r.vetoes)}”一票否决，不评为{bands[0].name}")
                i = 1
            out[r.unit_id] = (str(i), "；".join(notes))
        # quotas: the whole tied group moves down together when it does not fit
        for _ in range(len(bands)):
            moved = False
            by_band: dict[int, list[UnitResult]] = {}
            for r in group:
                by_band.setdefault(int(out[r.unit_id][0]), []).append(r)
            for i, members in by_band.items():
                limit = limits[i]
                if limit is not None and taken[i] + len(members) > limit and i + 1 < len(bands):
                    for r in members:
                        note = out[r.unit_id][1]
                        extra = f"{bands[i].name}名额已满（不超过 {fmt_share(bands[i].quota)}），评为下一等次"
                        out[r.unit_id] = (str(i + 1), f"{note}；{extra}" if note else extra)
                    moved = True
            if not moved:
                break
        for r in group:
            taken[int(out[r.unit_id][0])] += 1
    return {u: (bands[int(i)].name, note) for u, (i, note) in out.items()}


def fmt_share(quota: Decimal | None) -> str:
    return "" if quota is None else f"{(quota * 100).normalize():f}%"
