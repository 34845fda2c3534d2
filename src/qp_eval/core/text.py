"""Text in one place: how names and ids are compared, and text made safe to write.

``normalize_name`` is the one way qp-eval compares what people type (town names, ids, sheet
names, headers, categories): NFKC (full-width to half-width, U+3000 to a space), no zero-width
characters, no spaces at all. ``printable`` strips what XML (and so xlsx and docx) cannot hold.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from .linebreak import width_of, wrap

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# the characters that must not reach a file or a screen, each set named once; a pattern per purpose below
C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"  # control characters that XML cannot hold (tab, newline, CR it can)
NONCHARACTERS = "\ufffe\uffff"  # nor these
C1 = "\x7f-\x9f"  # DEL and the C1 controls
BIDI = "\u202a-\u202e\u2066-\u2069"  # bidirectional overrides and isolates: a line read in another order
NOT_UTF8 = "\udc80-\udcff"  # a file name's bytes that are not UTF-8 (Python holds them as lone surrogates)
XML_ILLEGAL = re.compile(f"[{C0}{NONCHARACTERS}]")  # stripped from what we write into xlsx and docx
ON_SCREEN = re.compile(f"[{C0}\r{C1}{BIDI}{NOT_UTF8}]")  # shown as codes on a terminal, never acted on
IN_RUBRIC = re.compile(f"[{C0}{C1}{NONCHARACTERS}{BIDI}]")  # refused in rubric text (R003)


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """NFKC, no zero-width characters, no spaces (memoised: the same names and ids repeat on every row)."""
    t = unicodedata.normalize("NFKC", str(text)).translate(ZERO_WIDTH)
    return "".join(t.split())


def printable(text: str) -> str:
    """``text`` without the control characters that XML (and so xlsx and docx) cannot hold."""
    return XML_ILLEGAL.sub("", text) if XML_ILLEGAL.search(text) else text


def join_lines(lines: list[str]) -> str:
    """One paragraph from its source lines: a space between Latin words, none after Chinese."""
    out = ""
    for line in (x.strip() for x in lines):
        if out and line and not (width_of(out[-1]) == 2 or width_of(line[0]) == 2):
            out += " "
        out += line
    return out


LINE_HEIGHT_PT = 16  # a wrapped line of 11 pt type in a spreadsheet row (Chinese glyphs stand taller than Latin)


@lru_cache(maxsize=65536)  # the same criterion names and notes return on every town's rows
def spreadsheet_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped in a spreadsheet column ``width`` units wide (the
    width unit of Excel and xlsxwriter): a Chinese character takes about 1.8 units, a Latin one 1
    (measured on pages rendered by LibreOffice). A text that clearly fits is one line, read from its
    UTF-8 length (fast for a hundred thousand cells); a longer one is broken as a spreadsheet breaks
    it, by the rules of Chinese line breaking (``linebreak.wrap``), a line holding a column per unit
    (a Chinese character two: a little to spare). Every sheet we write gives its wrapped rows the height this says: a spreadsheet
    does not work it out when it opens a file it did not lay out."""
    n = len(text)
    room = max(width - 1, 1)
    units = n + 0.5 * (len(text.encode("utf-8")) - n)  # 3 bytes a Chinese character: 1 + 0.5 * 2 = 2 units
    if units <= room and "\n" not in text:
        return 1
    return max(1, len(wrap(text, max(int(room), 2), hard=True)))  # a column a unit: 2 a character, a little to spare


def row_height(texts: list[tuple[object, float]]) -> float | None:
    """The height of a row holding each (text, column width), or None when one line does."""
    lines = max((spreadsheet_lines(t, w) for t, w in texts if isinstance(t, str)), default=1)
    return LINE_HEIGHT_PT * lines if lines > 1 else None


def shown_path(path: object) -> str:
    """A path as text that can be printed and saved: a name whose bytes are not UTF-8 (a Windows zip
    unpacked here holds GBK names, which Python keeps as lone surrogates) shows those bytes as codes."""
    text = str(path)
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def terminal_safe(text: str) -> str:
    """Text for the screen: control characters (an escape sequence that would clear the screen, move
    the cursor or make a link) shown as visible codes such as ``\\x1b``, never acted on."""
    return ON_SCREEN.sub(_visible, text) if ON_SCREEN.search(text) else text


def _visible(m: re.Match) -> str:
    n = ord(m.group())
    if 0xDC80 <= n <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


# --- CSV: text a spreadsheet opens as text ---------------------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Text that a spreadsheet would take for a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(headers: list[str] | tuple[str, ...], rows: list[list[object]]) -> str:
    """Rows as CSV with CRLF line ends, every cell safe from being read as a formula (no BOM)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if v is None else safe_text(v) for v in row])
    return buf.getvalue()


def json_pieces(data: object, batch: int = 4096) -> Iterator[str]:
    """``json.dumps(data, ensure_ascii=False, indent=2) + "\\n"`` in pieces of ``batch`` of the encoder's
    tokens, made as they are written: with an indent json.dumps gathers every token first (a 40,000-town
    archive or trend: tens of millions of small strings, more than a GiB)."""
    tokens: list[str] = []
    for token in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data):
        tokens.append(token)
        if len(tokens) >= batch:
            yield "".join(tokens)
            tokens.clear()
    tokens.append("\n")
    yield "".join(tokens)
