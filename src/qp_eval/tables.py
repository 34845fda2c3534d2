"""The clean tables that validation hands to scoring: plain frozen records with their source.

Every value carries where it came from (file, sheet, A1 cell or row), so each number in a
result can be traced back to the cell a person typed it in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


class Source(NamedTuple):  # NamedTuple: made once per cell, so it must be cheap
    file: str
    sheet: str
    cell: str  # A1 reference, or "第 N 行" for a register row

    def __str__(self) -> str:
        return f"{self.file} {self.sheet}!{self.cell}"


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
class InputFile:
    path: str
    kind: str  # layout.KIND_*
    department_id: str | None
    sha256: str


@dataclass
class Tables:
    scores: list[ScoreEntry] = field(default_factory=list)
    figures: list[FigureEntry] = field(default_factory=list)
    problems: list[ProblemEntry] = field(default_factory=list)
    highlights: list[HighlightEntry] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)
    rows: int = 0  # data rows read, for the summary line
