"""What an official document holds, before any file format: paragraphs with their role, and tables.

The content of the letters, the booklet and the brief is built from these (``core.letters``,
``core.brief``); ``io.writers.official`` lays them out in the national layout for official
documents (GB/T 9704-2012) as .docx.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .linebreak import width_of


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


CN_DIGITS = "零一二三四五六七八九"


def cn_number(k: int) -> str:
    """A positive whole number in Chinese numerals, as headings count: 1 一, 11 十一, 21 二十一, 101 一百零一,
    215 二百一十五, 10001 一万零一 (a booklet of 2,000 towns numbers its chapters too)."""
    if k >= 10000:
        high, rest = divmod(k, 10000)
        return cn_number(high) + "万" + (("零" if rest < 1000 else "") + _below_10000(rest) if rest else "")
    text = _below_10000(k)
    return text[1:] if 10 <= k < 20 else text  # 十一, not 一十一 (but 一百一十)


def _below_10000(k: int) -> str:
    out, zero = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, k = divmod(k, place)
        if digit:
            out += ("零" if zero else "") + CN_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


# --- pagination of the official layout: 22 lines of 28 characters (three-号 type on a 29 pt line) --------
LINES_PER_PAGE, COLUMNS_PER_LINE = 22, 56  # a Chinese character two columns, a digit or Latin letter one
TITLE_LINES = 3  # a 二号 title on its 38 pt line, and the line below it


def _lines(p: Para) -> int:
    if p.style == "title":
        return TITLE_LINES
    indent = 0 if p.style in ("h1", "toc", "toc2") else 4  # 首行缩进两字
    text = p.text.split("\t")[0]
    return max(1, -(-(width_of(text) + indent) // COLUMNS_PER_LINE))


def pages_of(blocks: list[Block]) -> int:
    """How many pages ``blocks`` take in the official layout, from its fixed lines: a paragraph kept
    with the next goes down with it, and no paragraph leaves one line alone at a page's foot or head
    (widow control). Exact for paragraphs of text, which is all a booklet's chapter holds."""
    page, used = 1, 0
    group: list[int] = []
    for b in blocks:
        if not isinstance(b, Para) or b.style == "break":
            continue
        n = _lines(b)
        group.append(n)
        if b.keep:
            continue
        total = sum(group)
        left = LINES_PER_PAGE - used
        if total <= left:
            used += total
        elif len(group) > 1 and sum(group[:-1]) + min(2, group[-1]) > left:  # the kept paragraphs go down together
            page, used = page + 1, total
            while used > LINES_PER_PAGE:
                page, used = page + 1, used - LINES_PER_PAGE
        else:
            last = group[-1]
            before = total - last
            here = left - before  # lines of the last paragraph on this page
            if here < 2:  # no orphan: it starts on the next page
                page, used = page + 1, last
            else:
                rest = last - here
                if rest == 1:  # no widow: one more line goes down
                    rest = 2
                page += 1
                used = rest
                while used > LINES_PER_PAGE:
                    page, used = page + 1, used - LINES_PER_PAGE
        group = []
    return page
