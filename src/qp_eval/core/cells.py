"""Reading one cell's value the way a person meant it, and finding a sheet's header row."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .book import HEAD_ROWS
from .numbers import places
from .tables import a1, column_letters  # noqa: F401 - the A1 helpers, re-exported for the checks
from .text import ZERO_WIDTH, normalize_name


def show(value: object) -> str:
    """A cell value as text for a message, shortened."""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


_ZW_CHARS = frozenset(chr(k) for k in ZERO_WIDTH)


def is_blank(value: object) -> bool:
    if value is None or value == "":
        return True
    if not isinstance(value, str):
        return False
    first = value[0]
    if not first.isspace() and first not in _ZW_CHARS:
        return False  # the common case: text that starts with a visible character
    return not value.translate(ZERO_WIDTH).strip()


def text_of(value: object) -> str:
    """A cell's text, stripped; numbers in their shortest form (1.0 -> '1')."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


@dataclass(frozen=True)
class Number:
    value: Decimal | None
    problem: str | None = None  # a finding code: V401 not a number, V406 NaN/inf
    widened: bool = False  # full-width characters were read as half-width (V402)
    places: int | None = None  # decimal places, when known cheaply from the text


# Text is read as a decimal of any size, but one past what a spreadsheet cell can hold (a float, to
# about 1e308) is no number a person means, and decimal arithmetic on it overflows (1e-999999).
_MAX_EXPONENT = 308


def number(value: object) -> Number:
    """A cell as an exact decimal: a number cell as a spreadsheet shows it (its shortest form, at most 15
    significant digits, as Excel keeps what is typed), text exactly as typed, parsed strictly. Text out
    of a cell's range is V406 with NaN and infinity."""
    n = _number(value)
    d = n.value
    if d is not None and d and abs(d.adjusted()) > _MAX_EXPONENT:
        return Number(None, "V406")
    return n


def _number(value: object) -> Number:
    if isinstance(value, bool):
        return Number(None, "V401")
    if isinstance(value, int):
        return Number(Decimal(value), places=0)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return Number(None, "V406")
        text = repr(value)
        if len(text) > 16:  # more than 15 significant digits: read as a spreadsheet shows it (a formula's
            value = float(f"{value:.15g}")  # 6*0.95 caches 5.6999999999999993, shown and meant as 5.7)
            text = repr(value)
        if value.is_integer():
            return Number(Decimal(int(value)), places=0)
        dot = text.find(".")
        return Number(Decimal(text), places=len(text) - dot - 1 if dot >= 0 and "e" not in text else None)
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        return Number(None, "V401")
    raw = str(value).translate(ZERO_WIDTH).strip()
    text = unicodedata.normalize("NFKC", raw).strip()
    widened = text != raw
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return Number(None, "V406")
    if not text or not all(ch in "0123456789.+-eE" for ch in text):
        return Number(None, "V401")
    try:
        d = Decimal(text)
    except InvalidOperation:
        return Number(None, "V401")
    return Number(d, None, widened)


def too_many_places(d: Decimal, precision: int, known: int | None = None) -> bool:
    if known is not None:
        return known > precision
    exp = d.as_tuple().exponent
    if isinstance(exp, int) and -exp <= precision:
        return False  # the fast answer for what people type
    return places(d) > precision


def date_of(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", text_of(value)).replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass
class Header:
    row: int  # 0-based row of the header
    columns: dict[str, int]  # header text -> 0-based column
    duplicates: list[tuple[str, int]]  # (header, column) seen again


def find_header(rows: list[list[object]], expected: tuple[str, ...]) -> Header | None:
    """The row (among the first few) that holds most of the expected headers."""
    wanted = {normalize_name(h): h for h in expected}
    best: Header | None = None
    best_hits = 0
    for r, row in enumerate(rows[:HEAD_ROWS]):
        columns: dict[str, int] = {}
        duplicates: list[tuple[str, int]] = []
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            key = wanted.get(normalize_name(value))
            if key is None:
                continue
            if key in columns:
                duplicates.append((key, c))
            else:
                columns[key] = c
        if len(columns) > best_hits:
            best, best_hits = Header(r, columns, duplicates), len(columns)
    return best if best_hits >= 2 else None
