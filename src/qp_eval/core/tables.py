"""The clean tables that validation hands to scoring: plain frozen records with their source.

Every value carries where it came from (file, sheet, A1 cell or row), so each number in a
result can be traced back to the cell a person typed it in.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


class Source(NamedTuple):  # NamedTuple: made once per cell, so it must be cheap
    file: str
    sheet: str
    cell: str  # A1 reference, or "第 N 行" for a register row

    def __str__(self) -> str:
        return f"{self.file} {self.sheet}!{self.cell}"


class ScoreTable:
    """The accepted scores as columns: one list per field, one position per cell.

    Every score a department entered is here (two million at 40,000 towns), so each costs a few
    pointers and a 4-byte row, not an object: the town, criterion, period, note and sheet
    reference are shared strings and tuples, the values shared decimals. ``ScoreEntry`` views
    are made when a position is read."""

    __slots__ = ("unit", "criterion", "period", "value", "note", "row", "ref", "_hand")

    def __init__(self, entries: Iterable[ScoreEntry] = ()):
        self.unit: list[str] = []
        self.criterion: list[str] = []
        self.period: list[str | None] = []
        self.value: list[Decimal | None] = []
        self.note: list[str] = []
        self.row = array("i")
        self.ref: list[SheetRef | None] = []
        self._hand: dict[int, Source] = {}  # positions whose entry came with a Source, not a row
        for e in entries:
            self.append(e)

    def add(self, unit: str, criterion: str, period: str | None, value: Decimal | None, note: str, row: int,
            ref: SheetRef) -> None:
        self.unit.append(unit)
        self.criterion.append(criterion)
        self.period.append(period)
        self.value.append(value)
        self.note.append(note)
        self.row.append(row)
        self.ref.append(ref)

    def add_columns(self, unit: list[str], criterion: list[str], period: list[str | None],
                    value: list[Decimal | None], note: list[str], row: list[int], ref: SheetRef) -> None:
        """Many rows of one sheet at once (``add`` for each, in one step per column)."""
        self.unit += unit
        self.criterion += criterion
        self.period += period
        self.value += value
        self.note += note
        self.row.extend(row)
        self.ref += [ref] * len(unit)

    def append(self, e: ScoreEntry) -> None:
        if isinstance(e.at, int):
            self.add(e.unit_id, e.criterion_id, e.period, e.value, e.note, e.at, e.ref)  # type: ignore[arg-type]
        else:
            self._hand[len(self.unit)] = e.at
            self.add(e.unit_id, e.criterion_id, e.period, e.value, e.note, 0, None)  # type: ignore[arg-type]

    def extend(self, other: Iterable[ScoreEntry]) -> None:
        if isinstance(other, ScoreTable):
            base = len(self.unit)
            self._hand.update({base + i: src for i, src in other._hand.items()})
            self.unit += other.unit
            self.criterion += other.criterion
            self.period += other.period
            self.value += other.value
            self.note += other.note
            self.row.extend(other.row)
            self.ref += other.ref
        else:
            for e in other:
                self.append(e)

    def __iadd__(self, other: Iterable[ScoreEntry]) -> ScoreTable:
        self.extend(other)
        return self

    def __len__(self) -> int:
        return len(self.unit)

    def file(self, i: int) -> str:
        ref = self.ref[i]
        return ref.file if ref is not None and i not in self._hand else self._hand[i].file

    def source(self, i: int) -> Source:
        """The cell of the ``i``-th entry, without making the entry."""
        hand = self._hand.get(i)
        return hand if hand is not None else _source(self.row[i], self.ref[i])

    def __getitem__(self, i: int) -> ScoreEntry:
        at: Source | int = self._hand.get(i, self.row[i])
        return ScoreEntry(self.unit[i], self.criterion[i], self.period[i], self.value[i], self.note[i], at,
                          None if i in self._hand else self.ref[i])

    def __iter__(self) -> Iterator[ScoreEntry]:
        return (self[i] for i in range(len(self.unit)))


def column_letters(c: int) -> str:
    """0-based column to its letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = c + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LETTERS = [column_letters(c) for c in range(64)]


def a1(r: int, c: int) -> str:
    """0-based (row, column) to an A1 reference as the sheet shows it."""
    return f"{_LETTERS[c] if c < 64 else column_letters(c)}{r + 1}"


class SheetRef(NamedTuple):
    """A column of one sheet of one file, shared by every entry read from it."""

    file: str
    sheet: str
    col: int  # 0-based


def _source(at: Source | int, ref: SheetRef | None) -> Source:
    return at if ref is None else Source(ref.file, ref.sheet, a1(at, ref.col))  # type: ignore[return-value, arg-type]


class ScoreEntry(NamedTuple):
    unit_id: str
    criterion_id: str
    period: str | None
    value: Decimal | None  # None: not applicable
    note: str
    at: Source | int  # the 0-based row in ``ref``'s sheet (a Source when made by hand)
    ref: SheetRef | None = None  # the Source is made from it on demand: no object per cell until asked

    @property
    def source(self) -> Source:
        return _source(self.at, self.ref)


class FigureEntry(NamedTuple):
    unit_id: str
    criterion_id: str
    input_id: str
    value: Decimal
    at: Source | int
    ref: SheetRef | None = None

    @property
    def source(self) -> Source:
        return _source(self.at, self.ref)


@dataclass(frozen=True, slots=True)
class ProblemEntry:
    unit_id: str
    category_id: str
    description: str
    date: dt.date | None
    origin: str  # 来源
    deduction: Decimal | None  # None: the category's default
    basis: str  # 依据
    source: Source


@dataclass(frozen=True, slots=True)
class HighlightEntry:
    unit_id: str
    seq: int
    name: str
    summary: str
    type: str
    evidence: str
    rating: str  # "" when not yet rated
    source: Source


@dataclass(frozen=True, slots=True)
class Meeting:
    """The director's meeting (局长办公会议) that decided the results: its date and the minutes' number."""

    date: dt.date
    minutes: str  # 纪要文号 ("" when not given)
    file: str


@dataclass(frozen=True, slots=True)
class DecisionEntry:
    """One decision of the meeting: a town's final adjusted by ``amount``, or its grade set to ``band``."""

    unit_id: str
    what: str  # layout.DECIDE_FINAL or layout.DECIDE_GRADE
    amount: Decimal | None
    band: str | None
    reason: str
    note: str
    source: Source  # the cell that holds what was decided: 调整分值 or 等次


@dataclass(frozen=True, slots=True)
class SelfScore:
    """A town's own score for one criterion (自评得分), with its 自评说明 and 佐证材料."""

    criterion_id: str
    value: Decimal
    note: str
    evidence: str
    source: Source


@dataclass(frozen=True, slots=True)
class SelfProblem:
    """A problem a town reported itself (问题 of its 自评表)."""

    category_id: str
    description: str
    date: dt.date
    rectification: str  # 整改情况
    source: Source


@dataclass
class SelfReport:
    """What one town's self-evaluation workbook holds once checked."""

    unit_id: str
    file: str
    scores: dict[str, SelfScore] = field(default_factory=dict)  # criterion id ->
    figures: dict[tuple[str, str], FigureEntry] = field(default_factory=dict)  # (criterion id, input id) ->
    highlights: list[HighlightEntry] = field(default_factory=list)  # rating always ""
    problems: list[SelfProblem] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)  # criteria whose 自评得分 was left empty


@dataclass(frozen=True, slots=True)
class InputFile:
    path: str
    kind: str  # layout.KIND_*
    department_id: str | None
    sha256: str


@dataclass
class Tables:
    scores: ScoreTable = field(default_factory=lambda: ScoreTable())
    figures: list[FigureEntry] = field(default_factory=list)
    problems: list[ProblemEntry] = field(default_factory=list)
    highlights: list[HighlightEntry] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)
    rows: int = 0  # data rows read, for the summary line
    self_reports: dict[str, SelfReport] = field(default_factory=dict)  # unit id -> its checked 自评表
    meeting: Meeting | None = None  # the director's meeting, once its register holds a date
    decisions: list[DecisionEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.scores, ScoreTable):  # a list of entries, as a test makes it
            self.scores = ScoreTable(self.scores)
