"""Scoring: criterion scores, rule kinds, not-applicable handling, bonuses, deductions, vetoes.

Pure functions over the rubric and the clean tables, in exact decimals. Nothing is rounded
here; ``ranking`` rounds the final score once, to the rubric's precision, to publish it.
Every number keeps its source and a one-line Chinese explanation for ``explain``.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .numbers import fmt
from .rubric import Criterion, Rubric
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
    """A town's criterion results, made from the ``Grid`` each time they are read and never kept.

    Ranking needs only each town's totals, and the report, letters and booklet read a town's
    results once a sheet: holding one result object per town and criterion (two million at
    40,000 towns) is what made ``rank`` and then ``report`` large. Every score and status is
    taken from the grid that the totals were summed from, so the two cannot differ; reading a
    result only adds its text and cells. ``scores`` and ``one`` read without making the rest."""

    __slots__ = ("_rubric", "_unit_id", "_at", "_grid", "missing")

    def __init__(self, rubric: Rubric, unit_id: str, at: int, grid: Grid, missing: tuple[str, ...]):
        self._rubric, self._unit_id, self._at, self._grid = rubric, unit_id, at, grid
        self.missing = missing

    def one(self, criterion_id: str) -> CriterionResult:
        """The result of one criterion, with its text and cells."""
        return _result(self._rubric, self._rubric.criteria[criterion_id], self._unit_id, self._at, self._grid)

    def entered(self, criterion_id: str) -> tuple[Decimal, str, Source] | None:
        """A criterion entered as one score: its score, 扣分说明 and cell, straight from the grid and the
        table (what ``one`` would hold, without the object: the 科室评分 and 溯源 rows of the report, two
        and a half million at 40,000 towns). None for any other criterion, or when the town has no score."""
        grid, j = self._grid, self._at
        at = grid.at.get(criterion_id)
        if at is None or grid.status[criterion_id][j] != ENTERED:
            return None
        i = at[j]
        return grid.score[criterion_id][j], grid.table.note[i], grid.table.source(i)

    def scores(self) -> Iterator[tuple[str, Decimal, bool]]:
        """(criterion id, score, counted) in the rubric's order, straight from the grid (no text, no cells)."""
        j, grid = self._at, self._grid
        for cid in self._rubric.criteria:
            yield cid, grid.score[cid][j], grid.status[cid][j] != NOT_APPLICABLE

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence's overloads
        ids = list(self._rubric.criteria)
        if isinstance(i, slice):
            return tuple(self.one(cid) for cid in ids[i])
        return self.one(ids[i])

    def __len__(self) -> int:
        return len(self._rubric.criteria)

    def __iter__(self) -> Iterator[CriterionResult]:
        rubric, unit_id, j, grid = self._rubric, self._unit_id, self._at, self._grid
        return (_result(rubric, c, unit_id, j, grid) for c in rubric.criteria.values())


@dataclass(frozen=True, slots=True)
class UnitResult:
    unit_id: str
    criteria: Sequence[CriterionResult]  # a tuple, or ``Criteria`` (made when read)
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

    def scores(self) -> Iterator[tuple[str, Decimal, bool]]:
        """(criterion id, score, counted) of every criterion, without making result objects when the
        results are read from the grid."""
        if isinstance(self.criteria, Criteria):
            return self.criteria.scores()
        return ((c.criterion_id, c.score, c.counted) for c in self.criteria)

    def one(self, criterion_id: str) -> CriterionResult:
        """One criterion's result."""
        if isinstance(self.criteria, Criteria):
            return self.criteria.one(criterion_id)
        return next(c for c in self.criteria if c.criterion_id == criterion_id)

    def entered(self, criterion_id: str) -> tuple[Decimal, str, Source] | None:
        """``Criteria.entered`` where the results are read from the grid; None otherwise (read ``one``)."""
        return self.criteria.entered(criterion_id) if isinstance(self.criteria, Criteria) else None



# status codes of the grid, one byte per town and criterion
ENTERED, MEASURED, NOT_APPLICABLE, MISSING = range(4)
_STATUS: tuple[Status, ...] = ("entered", "measured", "not_applicable", "missing")


@dataclass
class Grid:
    """Every criterion's score for every town, as columns: criterion id -> one value per town.

    Made in one pass per criterion over the score table (``_grid``); the towns' totals are its
    sums, and ``Criteria`` reads its results from it."""

    units: list[str]  # the rubric's unit order: position -> unit id
    score: dict[str, list[Decimal]]  # criterion id -> score per town (what counts toward the base)
    status: dict[str, bytearray]  # criterion id -> status code per town
    table: ScoreTable
    at: dict[str, array]  # criterion entered as one score -> per town its position in the table (-1: none;
    #                       a row entered twice: the last one). 4 bytes a cell, not a dict entry and a tuple
    periods: dict[tuple[str, str], list[int]]  # (town, criterion) -> every position, for quarterly criteria
    figures: dict[tuple[str, str], dict[str, FigureEntry]]


def _grid(rubric: Rubric, tables: Tables) -> Grid:
    """Score every criterion of every town, criterion by criterion.

    A criterion entered as one score takes the value of its town's row (a row entered twice: the
    last one; none, or one without a value: missing, 0). A quarterly criterion combines its
    quarters (``_quarterly``) and a measured one applies its rule to the town's figures
    (``_measured``); a criterion that does not apply to a town counts its full points or nothing,
    as the rubric says."""
    table = tables.scores
    units = [u.id for u in rubric.units]
    quarterly = {c.id for c in rubric.criteria.values() if c.periods is not None and c.measure is None}
    single = {c.id for c in rubric.criteria.values() if c.periods is None and c.measure is None}
    unit_at = {u: j for j, u in enumerate(units)}
    at = {cid: array("i", [-1]) * len(units) for cid in single}
    periods: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (u, c) in enumerate(zip(table.unit, table.criterion, strict=True)):  # one pass over the column table
        column = at.get(c)
        if column is not None:
            j = unit_at.get(u)
            if j is not None:
                column[j] = i  # a later position replaces an earlier one
        elif c in quarterly:
            periods[(u, c)].append(i)
    figures: dict[tuple[str, str], dict[str, FigureEntry]] = defaultdict(dict)
    for f in tables.figures:
        figures[(f.unit_id, f.criterion_id)][f.input_id] = f
    grid = Grid(units, {}, {}, table, at, periods, figures)
    full = rubric.not_applicable == "full"
    values = table.value
    for c in rubric.criteria.values():
        cid, n = c.id, len(units)
        status = bytearray(n)  # ENTERED
        if c.measure is None and c.periods is None:
            found = [None if i < 0 else values[i] for i in at[cid]]
            if any(v is None for v in found):
                status = bytearray(MISSING if v is None else ENTERED for v in found)
                scores = [ZERO if v is None else v for v in found]
            else:
                scores = found  # type: ignore[assignment]
        else:
            scores = []
            names = c.input_names()
            for j, u in enumerate(units):
                r = _measured(c, 0, figures.get((u, cid), {}), names) if c.measure is not None else \
                    _quarterly(c, 0, [table[i] for i in periods.get((u, cid), ())])
                scores.append(r.score)
                status[j] = _STATUS.index(r.status)
        if c.applies_to is not None:
            for j, u in enumerate(units):
                if u not in c.applies_to:
                    scores[j] = c.points if full else ZERO
                    status[j] = NOT_APPLICABLE
        grid.score[cid], grid.status[cid] = scores, status
    return grid


def score_all(rubric: Rubric, tables: Tables) -> list[UnitResult]:
    """One result per unit, in the rubric's unit order. Missing entries count as 0 ("missing")."""
    grid = _grid(rubric, tables)
    n = len(grid.units)
    raw = [ZERO] * n
    lost = [ZERO] * n  # points of the criteria that do not apply (when they are not counted)
    missing: list[list[str]] = [[] for _ in range(n)]
    proportional = rubric.not_applicable != "full"
    for c in rubric.criteria.values():
        scores, status = grid.score[c.id], grid.status[c.id]
        raw = [a + b for a, b in zip(raw, scores, strict=True)]
        if MISSING in status or NOT_APPLICABLE in status:
            for j, s in enumerate(status):
                if s == MISSING:
                    missing[j].append(c.id)
                elif s == NOT_APPLICABLE and proportional:
                    lost[j] += c.points
    highlights: dict[str, list[HighlightEntry]] = defaultdict(list)
    for h in tables.highlights:
        highlights[h.unit_id].append(h)
    problems: dict[str, list[ProblemEntry]] = defaultdict(list)
    for p in tables.problems:
        problems[p.unit_id].append(p)
    out = []
    for j, unit_id in enumerate(grid.units):
        base, base_detail = _base(rubric, raw[j], rubric.total_points - lost[j] if lost[j] else None)
        criteria = Criteria(rubric, unit_id, j, grid, tuple(missing[j]))
        bonus_lines, bonus = _bonus(rubric, highlights.get(unit_id, []))
        deduction_lines, deductions = _deductions(rubric, problems.get(unit_id, []))
        vetoes = tuple(dict.fromkeys(d.category for d in deduction_lines if d.veto))
        out.append(UnitResult(unit_id, criteria, base, base_detail, bonus_lines, bonus, deduction_lines, deductions,
                              vetoes))
    return out


def _result(rubric: Rubric, c: Criterion, unit_id: str, j: int, grid: Grid) -> CriterionResult:
    """One criterion of one town as the grid scored it, with its text and cells."""
    item_no = rubric.item_of[c.id].number
    status = grid.status[c.id][j]
    if status == NOT_APPLICABLE:
        full = rubric.not_applicable == "full"
        how = "按满分计" if full else "不计入，基础分按比例折算"
        return CriterionResult(c.id, item_no, c.points, grid.score[c.id][j], "not_applicable",
                               f"不适用于该街镇，{how}", "", ())
    if c.measure is not None:
        return _measured(c, item_no, grid.figures.get((unit_id, c.id), {}))
    if c.periods is not None:
        return _quarterly(c, item_no, [grid.table[i] for i in grid.periods.get((unit_id, c.id), ())])
    if status == MISSING:
        return CriterionResult(c.id, item_no, c.points, ZERO, "missing", "缺少评分，按 0 分计", "", ())
    e = grid.table[grid.at[c.id][j]]
    return CriterionResult(c.id, item_no, c.points, grid.score[c.id][j], "entered", "", e.note, (e,))


def _measured(c: Criterion, item_no: int, figures: dict[str, FigureEntry],
              names: dict[str, str] | None = None) -> CriterionResult:
    """A measured criterion: its rule applied to the town's figures (``names``: ``c.input_names()``)."""
    assert c.measure is not None
    names = c.input_names() if names is None else names
    needed = c.measure.rule.input_ids()
    missing = [names[i] for i in needed if i not in figures]
    sources = tuple(figures[i] for i in needed if i in figures)
    if missing:
        return CriterionResult(c.id, item_no, c.points, ZERO, "missing", f"缺少指标：{'、'.join(missing)}，按 0 分计", "", sources)
    values = {i: figures[i].value for i in needed}
    outcome = c.measure.rule.evaluate(c.points, values, names)
    return CriterionResult(c.id, item_no, c.points, outcome.score, "measured", outcome.describe, "", sources)


def _quarterly(c: Criterion, item_no: int, entries: list[ScoreEntry]) -> CriterionResult:
    """A criterion scored per quarter: every quarter needs a score; their mean or their lowest counts."""
    assert c.periods is not None
    labels = c.periods.labels
    by_period = {e.period: e for e in entries}
    present = [by_period[p] for p in labels if p in by_period and by_period[p].value is not None]
    notes = "；".join(f"{e.period}：{e.note}" if e.period else e.note for e in present if e.note)
    sources = tuple(present)
    if len(present) < len(labels):
        absent = [p for p in labels if p not in by_period]
        if not present:
            return CriterionResult(c.id, item_no, c.points, ZERO, "missing", "缺少评分，按 0 分计", notes, sources)
        return CriterionResult(c.id, item_no, c.points, ZERO, "missing",
                               f"缺少 {'、'.join(absent)} 的评分，按 0 分计", notes, sources)
    values = [e.value for e in present]
    lowest = c.periods.combine == "min"
    score = min(values) if lowest else sum(values, ZERO) / len(values)  # type: ignore[type-var, arg-type]

    def detail() -> str:
        parts = "、".join(f"{e.period} {fmt(e.value)}" for e in present)  # type: ignore[arg-type]
        return f"分季度评分 {parts}，取{'最低' if lowest else '平均'} {fmt(score)}"

    return CriterionResult(c.id, item_no, c.points, score, "entered", detail, notes, sources)


def _base(rubric: Rubric, raw: Decimal, applicable: Decimal | None) -> tuple[Decimal, str]:
    """The base score from the criteria's sum; ``applicable``: the points of the criteria that apply,
    when some do not and are not counted (the sum is then prorated to the total)."""
    if applicable is None:
        return raw, f"各细则得分合计 {fmt(raw)}"
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
