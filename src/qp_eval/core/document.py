"""What an official document holds, before any file format: paragraphs with their role, and tables.

The content of the letters, the booklet and the brief is built from these (``core.letters``,
``core.brief``); ``io.writers.official`` lays them out in the national layout for official
documents (GB/T 9704-2012) as .docx.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    text: str
    # number | title | subtitle | to | body | heading | item | sign | date | cover | cover_sub | toc | toc2
    # | h1 | h2 | meta | break | section (a new page numbered from 1) | annex | annex_note
    style: str = "body"
    keep: bool = False  # on the same page as the paragraph that follows


@dataclass(frozen=True)
class Table:
    """A table in the body: a header row and rows of text; ``widths`` in proportion (the table fills the
    type area); cells are centred, but the ``left`` columns (running text) start at the left; a cell's
    lines (``\n``) are paragraphs of their own."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    left: frozenset[int] = field(default_factory=frozenset)


Block = Para | Table


def cn_date(d: dt.date) -> str:
    """2025-01-06 -> 2025年1月6日 (成文日期 in Arabic numerals, as GB/T 9704 has it)."""
    return f"{d.year}年{d.month}月{d.day}日"


CN_NUMBERS = "一二三四五六七八九十"


def cn_number(k: int) -> str:
    """1 -> 一, 11 -> 十一, 21 -> 二十一 (up to 99)."""
    if k <= 10:
        return CN_NUMBERS[k - 1]
    tens, ones = divmod(k, 10)
    return (CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMBERS[ones - 1] if ones else "")
