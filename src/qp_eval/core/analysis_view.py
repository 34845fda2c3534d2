"""What the report, the HTML page and the brief show of the year's sensitivity and trend, as plain text
and numbers (``core.analysis`` makes it with numpy and pandas; the writers import only this)."""

from __future__ import annotations

from dataclasses import dataclass, field

CHARTED_TOWNS = 20  # the trend's charts draw a line a town up to this many: beyond it they would be a blur


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  # columns aligned right


@dataclass(frozen=True)
class TownYears:
    town: str
    ranks: tuple[int | None, ...]  # each year of ``TrendView.years`` (None: not ranked that year)
    finals: tuple[str | None, ...]
    grades: tuple[str | None, ...]
    change: str  # 较上年: ↑3, ↓1, 持平 or —


@dataclass(frozen=True)
class TrendView:
    years: tuple[int, ...]
    towns: Table  # rank, final and grade by year
    lines: tuple[str, ...]  # rank correlations, towns rising or falling three years running
    items: Table | None  # the district's mean score rate of each matched item by year
    notes: tuple[str, ...]  # renumbered and unmatched items
    by_town: tuple[TownYears, ...]  # the same as numbers, for the workbook and the charts
    charted: bool  # few enough towns for one line each


@dataclass(frozen=True)
class Analysis:
    method: str  # how the sensitivity was worked out, one sentence
    paragraph: str  # for the brief: how firm the ranking is, the closest swaps
    closest: tuple[str, ...]  # the closest swap margins, each a sentence
    tables: tuple[Table, ...] = ()  # stability, swap margins, items that move the ranking
    trend: TrendView | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
