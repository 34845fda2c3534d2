"""Scoring: criterion scores, rule kinds, not-applicable handling, bonuses, deductions, vetoes.

Pure functions over the rubric and the clean tables, in exact decimals. Nothing is rounded
here; ``ranking`` rounds the final score once, to the rubric's precision, to publish it.
Every number keeps its source and a one-line Chinese explanation for ``explain``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .rubric import Criterion, Rubric
from .rules import fmt
from .tables import FigureEntry, HighlightEntry, ProblemEntry, ScoreEntry, ScoreTable, Source, Tables

ZERO = Decimal(0)
Status = Literal["entered", "measured", "not_applicable", "missing"]
STATUS_NAMES = {"entered": "科室评分", "measured": "按指标计算", "not_applicable": "不适用", "missing": "缺少评分"}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion_id: str
    item_no: int
    points: Decimal
    score: Decimal  # what counts toward the base (a not-applicable criterion: see ``counted``)
    status: Status
    how: str | Callable[[], str]  # how it was reached ("" for a score entered as it is); a callable is
    #                               only called when the text is read (explain, the report)
    note: str  # 扣分说明
    inputs: tuple[ScoreEntry | FigureEntry | Source, ...]  # what it was computed from

    @property
    def sources(self) -> tuple[Source, ...]:
        """The cells it came from (made when asked: rank does not need them)."""
        return tuple(x if isinstance(x, Source) else x.source for x in self.inputs)

    @property
    def counted(self) -> bool:
        return self.status != "not_applicable"

    @property
    def detail(self) -> str:
        return self.how if isinstance(self.how, str) else self.how()

    @property
    def explanation(self) -> str:
        return self.detail or f"科室评分 {fmt(self.score)}"


@dataclass(frozen=True, slots=True)
class BonusLine:
    seq: int
    name: str
    rating: str
    bonus: Decimal
    source: Source


@dataclass(frozen=True, slots=True)
class DeductionLine:
    category_id: str
    category: str
    description: str
    amount: Decimal
    defaulted: bool  # the category's default was used
    veto: bool
    basis: str
    source: Source


class Criteria(Sequence[CriterionResult]):
    """A town's criterion results, worked out again when first read (explain, the report).

    Ranking needs only each town's totals: holding one result object per town and criterion
    for every town (two million at 40,000 towns) is what made ``rank`` large. The same function
    computes them both times, from the same tables, so they cannot differ."""

    __slots__ = ("_rubric", "_unit_id", "_idx", "_done", "missing")

    def __init__(self, rubric: Rubric, unit_id: str, idx: _Index, missing: tuple[str, ...]):
        self._rubric, self._unit_id, self._idx = rubric, unit_id, idx
        self._done: tuple[CriterionResult, ...] | None = None
        self.missing = missing

    def _all(self) -> tuple[CriterionResult, ...]:
        if self._done is None:
            self._done = _criteria(self._rubric, self._unit_id, self._idx)
        return self._done

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence's overloads
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._rubric.criteria)

    def __iter__(self) -> Iterator[CriterionResult]:
        return iter(self._all())


@dataclass(frozen=True, slots=True)
class UnitResult:
    unit_id: str
    criteria: Sequence[CriterionResult]  # a tuple, or ``Criteria`` (computed when read)
    base: Decimal
    base_detail: str
    bonus_lines: tuple[BonusLine, ...]
    bonus: Decimal
    deduction_lines: tuple[DeductionLine, ...]
    deductions: Decimal
    vetoes: tuple[str, ...]  # names of the veto categories that apply

    @property
    def final(self) -> Decimal:
        return self.base + self.bonus - self.deductions

    @property
    def missing(self) -> tuple[str, ...]:
        if isinstance(self.criteria, Criteria):
            return self.criteria.missing
        return tuple(c.criterion_id for c in self.criteria if c.status == "missing")

    def item_scores(self) -> dict[int, Decimal]:
        out: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for c in self.criteria:
            out[c.item_no] += c.score
        return dict(out)


@dataclass
class _Index:
    table: ScoreTable
    scores: dict[str, dict[str, int | list[int]]]
    figures: dict[tuple[str, str], dict[str, FigureEntry]]
    problems: dict[str, list[ProblemEntry]]
    highlights: dict[str, list[HighlightEntry]]


def _index(tables: Tables) -> _Index:
    table = tables.scores
    scores: dict[str, dict[str, int | list[int]]] = {}  # town -> criterion -> position(s) in the table
    for i, (unit, crit) in enumerate(zip(table.unit, table.criterion, strict=True)):
        of_unit = scores.get(unit)
        if of_unit is None:
            of_unit = scores[unit] = {}
        had = of_unit.setdefault(crit, i)
        if had != i:
            if type(had) is list:
                had.append(i)
            else:
                of_unit[crit] = [had, i]  # type: ignore[list-item]
    figures: dict[tuple[str, str], dict[str, FigureEntry]] = defaultdict(dict)
    for f in tables.figures:
        figures[(f.unit_id, f.criterion_id)][f.input_id] = f
    problems: dict[str, list[ProblemEntry]] = defaultdict(list)
    for p in tables.problems:
        problems[p.unit_id].append(p)
    highlights: dict[str, list[HighlightEntry]] = defaultdict(list)
    for h in tables.highlights:
        highlights[h.unit_id].append(h)
    return _Index(table, scores, figures, problems, highlights)


def score_all(rubric: Rubric, tables: Tables) -> list[UnitResult]:
    """One result per unit, in the rubric's unit order. Missing entries count as 0 ("missing")."""
    idx = _index(tables)
    return [score_unit(rubric, u.id, idx) for u in rubric.units]


def _criteria(rubric: Rubric, unit_id: str, idx: _Index) -> tuple[CriterionResult, ...]:
    return tuple(_criterion(rubric, c, unit_id, idx) for c in rubric.criteria.values())


def score_unit(rubric: Rubric, unit_id: str, idx: _Index) -> UnitResult:
    results = _criteria(rubric, unit_id, idx)  # for the totals; kept only as ``Criteria`` (see there)
    base, base_detail = _base(rubric, results)
    missing = tuple(c.criterion_id for c in results if c.status == "missing")
    criteria = Criteria(rubric, unit_id, idx, missing)
    bonus_lines, bonus = _bonus(rubric, idx.highlights.get(unit_id, []))
    deduction_lines, deductions = _deductions(rubric, idx.problems.get(unit_id, []))
    vetoes = tuple(dict.fromkeys(d.category for d in deduction_lines if d.veto))
    return UnitResult(unit_id, criteria, base, base_detail, bonus_lines, bonus, deduction_lines, deductions, vetoes)


def _criterion(rubric: Rubric, c: Criterion, unit_id: str, idx: _Index) -> CriterionResult:
    item_no = rubric.item_of[c.id].number
    if not c.applies(unit_id):
        counted = c.points if rubric.not_applicable == "full" else ZERO
        how = "按满分计" if rubric.not_applicable == "full" else "不计入，基础分按比例折算"
        return CriterionResult(c.id, item_no, c.points, counted, "not_applicable", f"不适用于该街镇，{how}", "", ())
    if c.measure is not None:
        return _measured(c, item_no, idx.figures.get((unit_id, c.id), {}))
    found = idx.scores.get(unit_id, {}).get(c.id)
    positions = found if type(found) is list else [found] if found is not None else []
    entries = [idx.table[i] for i in positions]  # type: ignore[index]
    return _entered(c, item_no, entries)


def _measured(c: Criterion, item_no: int, figures: dict[str, FigureEntry]) -> CriterionResult:
    assert c.measure is not None
    names = c.input_names()
    needed = c.measure.rule.input_ids()
    missing = [names[i] for i in needed if i not in figures]
    sources = tuple(figures[i] for i in needed if i in figures)
    if missing:
        return CriterionResult(c.id, item_no, c.points, ZERO, "missing", f"缺少指标：{'、'.join(missing)}，按 0 分计", "", sources)
    values = {i: figures[i].value for i in needed}
    outcome = c.measure.rule.evaluate(c.points, values, names)
    return CriterionResult(c.id, item_no, c.points, outcome.score, "measured", outcome.describe, "", sources)


def _entered(c: Criterion, item_no: int, entries: list[ScoreEntry]) -> CriterionResult:
    if c.periods is None and len(entries) == 1 and entries[0].value is not None:  # the common case
        e = entries[0]
        return CriterionResult(c.id, item_no, c.points, e.value, "entered", "", e.note, (e,))
    labels = c.periods.labels if c.periods else (None,)
    by_period = {e.period: e for e in entries}
    present = [by_period[p] for p in labels if p in by_period and by_period[p].value is not None]
    notes = "；".join(f"{e.period}：{e.note}" if e.period else e.note for e in present if e.note)
    sources = tuple(present)
    if len(present) < len(labels):
        absent = [p or c.id for p in labels if p not in by_period]
        if not present:
            return CriterionResult(c.id, item_no, c.points, ZERO, "missing", "缺少评分，按 0 分计", notes, sources)
        return CriterionResult(c.id, item_no, c.points, ZERO, "missing",
                               f"缺少 {'、'.join(map(str, absent))} 的评分，按 0 分计", notes, sources)
    values = [e.value for e in present]
    assert all(v is not None for v in values)
    if c.periods is None:
        return CriterionResult(c.id, item_no, c.points, values[0], "entered", "", notes, sources)  # type: ignore[arg-type]
    lowest = c.periods.combine == "min"
    score = min(values) if lowest else sum(values, ZERO) / len(values)  # type: ignore[type-var, arg-type]

    def detail() -> str:
        parts = "、".join(f"{e.period} {fmt(e.value)}" for e in present)  # type: ignore[arg-type]
        return f"分季度评分 {parts}，取{'最低' if lowest else '平均'} {fmt(score)}"

    return CriterionResult(c.id, item_no, c.points, score, "entered", detail, notes, sources)


def _base(rubric: Rubric, criteria: tuple[CriterionResult, ...]) -> tuple[Decimal, str]:
    raw = sum((c.score for c in criteria), ZERO)
    if rubric.not_applicable == "full" or all(c.counted for c in criteria):
        return raw, f"各细则得分合计 {fmt(raw)}"
    applicable = sum((c.points for c in criteria if c.counted), ZERO)
    base = raw * rubric.total_points / applicable
    return base, (f"适用细则得分 {fmt(raw)}（适用分值 {fmt(applicable)}），"
                  f"按比例折算 {fmt(raw)} × {fmt(rubric.total_points)} ÷ {fmt(applicable)} = {fmt(base)}")


def _bonus(rubric: Rubric, entries: list[HighlightEntry]) -> tuple[tuple[BonusLine, ...], Decimal]:
    policy = rubric.highlights
    lines = []
    for h in sorted(entries, key=lambda e: e.seq):
        b = policy.bonus_of(h.rating) if h.rating else None
        if b is not None:
            lines.append(BonusLine(h.seq, h.name, h.rating, b, h.source))
    total = sum((x.bonus for x in lines), ZERO)
    return tuple(lines), min(total, policy.cap)


def _deductions(rubric: Rubric, entries: list[ProblemEntry]) -> tuple[tuple[DeductionLine, ...], Decimal]:
    policy = rubric.problems
    lines = []
    for p in entries:
        cat = policy.category(p.category_id)
        assert cat is not None
        amount = p.deduction if p.deduction is not None else cat.deduction
        lines.append(DeductionLine(cat.id, cat.name, p.description, amount, p.deduction is None, cat.veto, p.basis,
                                   p.source))
    total = sum((x.amount for x in lines), ZERO)
    return tuple(lines), min(total, policy.cap)
