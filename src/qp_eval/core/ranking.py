"""Ranking: published finals, competition ranks, tie-breakers, grades with quotas and vetoes.

The rules, as docs/rubric.md states them:

- The final score is rounded once, half up, to the rubric's precision. That published number
  is what is ranked and graded, so two towns shown with the same score share a rank (1, 2, 2, 4).
- Tie-breakers (``tie_breakers``) compare published values, in the order given: the capped
  deductions, the published base, the capped bonus. A tie they separate is said in ``tie_note``.
- Grades go by the bands' minimum scores. A vetoed town (一票否决) is never given the top band;
  it is graded as if its score fell in the next band, and takes a place there, not in the top band.
- A band with a quota holds at most floor(quota × number of units) towns (rounded down; vetoed
  towns count among the units). Towns are placed in rank order, a tied group (same rank)
  together. A group that does not fit moves down to the next band, joined there by members that
  start in it (a vetoed member), and the band it did not fit into is closed for everyone ranked
  below it; a full band is closed too. Closing a band closes that band only. So a town ranked
  lower never gets a better grade than one ranked above it, except where a veto keeps the
  higher one out of the top band. With ``quota_ties: exceed`` a tied group that straddles the
  boundary (the band still had a place when the group came) takes the band together, beyond
  its quota, and closes it. The lowest band takes everyone left and has no quota.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .numbers import publish
from .rubric import Rubric
from .scoring import UnitResult

TIE_BREAKER_RULES = {  # the rule as it is said to a reader, and the figure it compares
    "lower_deductions": ("问题扣分较少者在前", "问题扣分"),
    "higher_base": ("重点工作得分较高者在前", "重点工作得分"),
    "higher_bonus": ("亮点加分较高者在前", "亮点加分"),
}


@dataclass(frozen=True, slots=True)
class Ranked:
    result: UnitResult
    final: Decimal  # published: rounded to the rubric's precision
    rank: int
    grade: str
    grade_note: str  # why the grade is lower than the score alone gives ("" when it is not)
    previous_rank: int | None = None
    tie_note: str = ""  # which tie-breaker separated this town from towns with the same final
    adjustment: Decimal = Decimal(0)  # what the director's meeting added to the final (core.decisions)

    @property
    def unit_id(self) -> str:
        return self.result.unit_id

    @property
    def exact(self) -> Decimal:
        """The final before rounding: the result's, with the meeting's adjustment."""
        return self.result.final + self.adjustment

    @property
    def change(self) -> int | None:
        """Places gained since last year (positive = moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def _tie_values(rubric: Rubric, r: UnitResult) -> tuple[Decimal, ...]:
    """The published figures the tie-breakers compare, in the rubric's order."""
    figure = {"lower_deductions": r.deductions, "higher_base": r.base, "higher_bonus": r.bonus}
    return tuple(publish(rubric, figure[b]) for b in rubric.tie_breakers)


def _sort_key(rubric: Rubric, final: Decimal, r: UnitResult) -> tuple[Decimal, ...]:
    values = _tie_values(rubric, r)
    return (-final,) + tuple(v if b == "lower_deductions" else -v for b, v in zip(rubric.tie_breakers, values,
                                                                                  strict=True))


def rank_units(rubric: Rubric, results: list[UnitResult], previous: dict[str, int] | None = None,
               adjust: dict[str, Decimal] | None = None, fixed: dict[str, tuple[str, str]] | None = None
               ) -> list[Ranked]:
    """The towns in rank order with their grades. ``adjust``: what the director's meeting added to some
    finals (ranked as the new finals); ``fixed``: grades the meeting set (band, note), which stand, while
    the others are given by the bands, quotas and vetoes as ever, over every town as if nothing were set:
    a band the meeting set changes that town's grade alone, beyond the band's quota if need be."""
    adjust = adjust or {}
    order = {u.id: i for i, u in enumerate(rubric.units)}
    finals = {r.unit_id: publish(rubric, r.final + adjust.get(r.unit_id, Decimal(0))) for r in results}
    keys = {r.unit_id: _sort_key(rubric, finals[r.unit_id], r) for r in results}
    keyed = sorted(results, key=lambda r: (keys[r.unit_id], order[r.unit_id]))
    ranks: dict[str, int] = {}
    for pos, r in enumerate(keyed, 1):
        same = pos > 1 and keys[keyed[pos - 2].unit_id] == keys[r.unit_id]
        ranks[r.unit_id] = ranks[keyed[pos - 2].unit_id] if same else pos
    grades = place_grades(rubric, keyed, finals, ranks)
    grades.update(fixed or {})  # after the others are graded: a band set for one town moves nobody else
    ties = _tie_notes(rubric, keyed, finals, ranks)
    previous = previous or {}
    return [
        Ranked(r, finals[r.unit_id], ranks[r.unit_id], *grades[r.unit_id], previous.get(r.unit_id),
               ties.get(r.unit_id, ""), adjust.get(r.unit_id, Decimal(0)))
        for r in keyed
    ]


def _tie_notes(rubric: Rubric, keyed: list[UnitResult], finals: dict[str, Decimal],
               ranks: dict[str, int]) -> dict[str, str]:
    """For towns with the same published final but different ranks: which rule put them in order."""
    notes: dict[str, list[str]] = {}
    groups = _groups(keyed, ranks)
    for upper, lower in zip(groups, groups[1:], strict=False):
        final = finals[upper[0].unit_id]
        if final != finals[lower[0].unit_id]:
            continue
        a, b = _tie_values(rubric, upper[0]), _tie_values(rubric, lower[0])
        k = next(i for i in range(len(a)) if a[i] != b[i])
        rule, figure = TIE_BREAKER_RULES[rubric.tie_breakers[k]]
        up = "、".join(rubric.unit[r.unit_id].name for r in upper)
        down = "、".join(rubric.unit[r.unit_id].name for r in lower)
        said = f"按同分排序规则“{rule}”（{figure} {up} {a[k]}、{down} {b[k]}）"
        for r in upper:
            notes.setdefault(r.unit_id, []).append(f"与{down}最终得分同为 {final} 分，{said}排在其前")
        for r in lower:
            notes.setdefault(r.unit_id, []).append(f"与{up}最终得分同为 {final} 分，{said}排在其后")
    return {unit: "；".join(texts) for unit, texts in notes.items()}


def _band_index(rubric: Rubric, score: Decimal) -> int:
    for i, band in enumerate(rubric.grades):
        if band.min is None or score >= band.min:
            return i
    return len(rubric.grades) - 1


def quota_places(quota: Decimal | None, units: int) -> int | None:
    """How many towns a band may hold: the share of all units, rounded down (None: no quota)."""
    return None if quota is None else int((quota * units).to_integral_value(rounding=ROUND_FLOOR))


def _groups(keyed: list[UnitResult], ranks: dict[str, int]) -> list[list[UnitResult]]:
    groups: list[list[UnitResult]] = []
    for r in keyed:
        if groups and ranks[groups[-1][0].unit_id] == ranks[r.unit_id]:
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def place_grades(
    rubric: Rubric, keyed: list[UnitResult], finals: dict[str, Decimal], ranks: dict[str, int]
) -> dict[str, tuple[str, str]]:
    """Each unit's grade and the note on why it is lower than its score gives (rules: module docstring)."""
    bands = rubric.grades
    last = len(bands) - 1
    places = [None if i == last else quota_places(b.quota, len(rubric.units)) for i, b in enumerate(bands)]
    taken = [0] * len(bands)
    closed: list[str | None] = [None] * len(bands)  # why a band takes nobody more: "full" or "tie"
    out: dict[str, tuple[int, list[str]]] = {}
    for group in _groups(keyed, ranks):
        at: dict[str, int] = {}
        for r in group:
            i = _band_index(rubric, finals[r.unit_id])
            notes = []
            if i == 0 and r.vetoes and last > 0:
                notes.append(f"因“{'、'.join(r.vetoes)}”一票否决，不评为{bands[0].name}")
                i = 1
            at[r.unit_id] = i
            out[r.unit_id] = (i, notes)
        # the group goes down band by band, together: members pushed out of a band join those starting below it
        for j in range(min(at.values()), last + 1):
            members = [r for r in group if at[r.unit_id] == j]
            if not members:
                continue
            why = closed[j]
            limit = places[j]
            caused = False
            if why is None and limit is not None and taken[j] + len(members) > limit:
                if not (rubric.quota_ties == "exceed" and taken[j] < limit):
                    why = closed[j] = "tie" if taken[j] < limit else "full"  # nobody ranked below gets this band
                    caused = True
            if why is not None:
                note = _moved_note(rubric, j, places[j], taken[j], len(members), why, caused)  # type: ignore[arg-type]
                for r in members:
                    at[r.unit_id] = j + 1
                    out[r.unit_id][1].append(note)
                continue
            taken[j] += len(members)
            if limit is not None and taken[j] >= limit:
                closed[j] = "full"
        for r in group:
            out[r.unit_id] = (at[r.unit_id], out[r.unit_id][1])
    return {u: (bands[i].name, "；".join(dict.fromkeys(notes))) for u, (i, notes) in out.items()}


def _moved_note(rubric: Rubric, band: int, places: int, taken: int, size: int, why: str, caused: bool) -> str:
    """Why a town (or tied group) did not get ``band``: it was full, or closed by a group that did not fit."""
    b = rubric.grades[band]
    quota = f"{b.name}名额为 {fmt_share(b.quota)}，即 {places} 个"
    if caused and taken < places:
        return (f"{quota}，剩余 {places - taken} 个，不足以容纳同分并列的 {size} 个街镇，"
                f"并列街镇一同评为下一等次，{b.name}对位次在后的街镇不再评定")
    if why == "tie":
        return f"{b.name}因位次在前的同分街镇放不下剩余名额，已不再评定，评为下一等次"
    return f"{quota}，已满，评为下一等次"


def fmt_share(quota: Decimal | None) -> str:
    return "" if quota is None else f"{(quota * 100).normalize():f}%"
