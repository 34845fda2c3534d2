"""The sheet XML of an .xlsx/.xlsm workbook, surveyed before python-calamine reads the sheet.

python-calamine sizes a sheet by the far corner of the cells that exist (one key typed at
XFD1048576 asks for 512 GiB) and reads an error value (``#REF!``, ``#N/A``) as an empty cell. So
each sheet's XML is first streamed once (``survey``):

- cells past the row or column limit are cut from an in-memory copy of the package
  (``rezipped``) before calamine sees it, and the sheet says what was cut (``Far``);
- cells whose cached value is an error are read as ``CellError``, never as a blank;
- formula cells that carry no cached value are found on demand (``formulas_without_value``).

Only plain byte searches go over every sheet; the closer look (regular expressions over the cells)
is made only for a sheet that has error values or cells past the limits.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..core.book import Cell, CellError, Far, Limits

CHUNK = 1 << 22  # the sheet XML is read in pieces of 4 MiB: memory stays bounded whatever its size
OVERLAP = 512  # kept from the previous piece, so that no tag is missed where two pieces meet
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_WIDE = re.compile(rb'r="[A-Z]{2}')  # a cell reference in column AA or further right (a literal start: fast)
_WIDE_ANY_QUOTE = re.compile(rb'r=["\'][A-Z]{2}')
_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br=["\'](\d+)["\']')
_CELL_START = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(/?)>')
_REF_ATTR = re.compile(rb'\br=["\']([A-Z]{1,3})(\d+)["\']')
_ERROR_T = re.compile(rb't=["\']e["\']')  # a literal start: the scan over the XML is fast
_VALUE = re.compile(rb'<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>')
_CELL_END = re.compile(rb'</(?:\w+:)?c>')
_FORMULA = re.compile(rb'<(?:\w+:)?f\b')
_PREFIXED_CELL = re.compile(rb'<\w+:c\b')
_SHEET_DATA_END = re.compile(rb'</(?:\w+:)?sheetData>')


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its part in the package (xl/worksheets/sheetN.xml); empty when unreadable
    (calamine then says what is wrong)."""
    from defusedxml import ElementTree as ET  # deferred: only a workbook of .xlsx parts needs it

    out: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as z:
            wb = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return out
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    for s in wb.iter(f"{_NS_MAIN}sheet"):
        part = targets.get(s.get(f"{_NS_REL}id"))
        if part is not None and s.get("name") is not None:
            out[s.get("name")] = part  # type: ignore[index]
    return out


@dataclass
class Survey:
    errors: dict[Cell, CellError]
    cut: list[tuple[int, int]] | None  # byte spans of the sheet XML to leave out (cells past the limits)
    far: Far | None


def survey(path: Path, part: str, limits: Limits) -> Survey:
    """One streaming pass over a sheet's XML: are there error values, cells right of column Z, rows past
    the limit? Only when there are is the XML looked at closely (``_close_look``)."""
    errors = wide = False
    last_row = -1
    wide_mark, error_mark = _WIDE, b'"e"'
    try:
        with zipfile.ZipFile(path) as z, z.open(part) as f:
            carry = b""
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                buf = carry + chunk
                if not carry and b"='" in buf[:4096]:  # attributes in single quotes (no office suite writes them)
                    wide_mark, error_mark = _WIDE_ANY_QUOTE, b"e'"
                if not errors and error_mark in buf:
                    errors = True
                if not wide and wide_mark.search(buf):
                    wide = True
                row = _last_row(buf)
                if row is not None:
                    last_row = row
                carry = buf[-OVERLAP:]
            if not (errors or wide or last_row > limits.rows):
                return Survey({}, None, None)
            with z.open(part) as g:
                data = g.read()
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error):
        return Survey({}, None, None)  # calamine reads the sheet and says what is wrong with it
    return _close_look(data, limits)


def _last_row(buf: bytes) -> int | None:
    """The number of the last ``<row r="N">`` in ``buf`` (rows are in order in every writer we know)."""
    i = len(buf)
    while True:
        i = buf.rfind(b"row", 0, i)
        if i < 1:
            return None
        m = _ROW.match(buf, buf.rfind(b"<", max(0, i - 40), i + 1))
        if m is not None and m.start() <= i:
            return int(m.group(1))


def _close_look(data: bytes, limits: Limits) -> Survey:
    """Error cells, and what lies past the limits, in a sheet's XML (only for sheets that have either)."""
    errors: dict[Cell, CellError] = {}
    for m in _ERROR_T.finditer(data) if (b'"e"' in data or b"'e'" in data) else ():
        start = data.rfind(b"<", 0, m.start())
        cell = _CELL_START.match(data, start)
        if cell is None:
            continue  # "e" in some other tag
        ref = _REF_ATTR.search(cell.group(1))
        if ref is None:
            continue
        close = _CELL_END.search(data, cell.end()) if not cell.group(2) else None
        inside = data[cell.end():close.start()] if close is not None else b""
        value = _VALUE.search(inside)
        text = value.group(1).decode("utf-8", "replace").strip() if value else ""
        r, c = int(ref.group(2)) - 1, _col_index(ref.group(1).decode())
        if r < limits.rows and c < limits.columns:
            errors[(r, c)] = CellError(text or "#错误")
    cut: list[tuple[int, int]] = []
    first: tuple[int, Cell] | None = None  # (byte offset, cell) of the first cell cut
    cells = 0
    rows_from = None  # byte offset of the first row past the limit
    for m in _ROW.finditer(data):
        if int(m.group(1)) > limits.rows:
            rows_from = m.start()
            break
    end = data.rfind(b"sheetData>")
    data_end = _SHEET_DATA_END.search(data, data.rfind(b"<", 0, end)) if end > 0 else None
    stop = rows_from if rows_from is not None else len(data)
    for m in _WIDE_ANY_QUOTE.finditer(data, 0, stop):
        cell_start = data.rfind(b"<", 0, m.start())
        cell = _CELL_START.match(data, cell_start)
        if cell is None:
            continue
        ref = _REF_ATTR.search(cell.group(1))
        if ref is None or _col_index(ref.group(1).decode()) < limits.columns:
            continue
        if cell.group(2):
            end = cell.end()
        else:
            close = _CELL_END.search(data, cell.end())
            end = close.end() if close is not None else cell.end()
        cut.append((cell_start, end))
        cells += 1
        if first is None:
            first = (cell_start, (int(ref.group(2)) - 1, _col_index(ref.group(1).decode())))
    if rows_from is not None:
        tail_end = data_end.start() if data_end is not None and data_end.start() > rows_from else len(data)
        cells += max(data.count(b"<c ", rows_from, tail_end) + data.count(b"<c>", rows_from, tail_end)
                     + sum(1 for _ in _PREFIXED_CELL.finditer(data, rows_from, tail_end)), 1)
        if first is None or rows_from < first[0]:
            cell = _CELL_START.search(data, rows_from, tail_end)
            ref = _REF_ATTR.search(cell.group(1)) if cell is not None else None
            if ref is not None:
                first = (rows_from, (int(ref.group(2)) - 1, _col_index(ref.group(1).decode())))
            else:
                row = _ROW.match(data, rows_from)
                first = (rows_from, (int(row.group(1)) - 1 if row else limits.rows, 0))
        cut.append((rows_from, tail_end))
    if not cut:
        return Survey(errors, None, None)
    return Survey(errors, sorted(cut), Far(first[1] if first else (limits.rows, 0), cells, limits.rows, limits.columns))


def rezipped(path: Path, part: str, cut: list[tuple[int, int]]) -> bytes:
    """The package again (stored, in memory) with ``part`` lacking the ``cut`` spans: what calamine reads
    of a sheet with cells past the limits. Only for such sheets; bounded by the unzip limit."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as w:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == part:
                kept, at = [], 0
                for a, b in cut:
                    if a < at:
                        continue
                    kept.append(data[at:a])
                    at = b
                kept.append(data[at:])
                data = b"".join(kept)
            w.writestr(info.filename, data)
    return out.getvalue()


def _formulas(data: bytes) -> Iterator[re.Match]:
    """Each ``<f>`` (or ``<x:f>``) element of a sheet's XML, found by a plain byte search: most sheets have
    none, and the few a search finds (``<formula1>`` of a dropdown list) are told apart by the pattern."""
    for mark in (b"<f", b":f"):
        i = data.find(mark)
        while i >= 0:
            m = _FORMULA.match(data, i if mark == b"<f" else data.rfind(b"<", max(0, i - 20), i))
            if m is not None:
                yield m
            i = data.find(mark, i + 2)


def formulas_without_value(path: Path, sheet_name: str) -> set[Cell]:
    """Formula cells that cache no value, found in the sheet XML without building it as a tree."""
    out: set[Cell] = set()
    part = sheet_parts(path).get(sheet_name)
    if part is None:
        return out
    try:
        with zipfile.ZipFile(path) as z:
            data = z.read(part)
    except Exception:
        return out  # calamine read the values; this look is only an extra check
    for m in _formulas(data):
        cell = _CELL_START.match(data, data.rfind(b"<", 0, m.start()))  # <f> is a cell's first child
        close = _CELL_END.search(data, m.end())
        if cell is None or cell.group(2) or close is None:
            continue
        inside = data[cell.end():close.start()]
        value = _VALUE.search(inside)
        if (value is None or not value.group(1).strip()) and not re.search(rb"<(?:\w+:)?is\b", inside):
            ref = _REF_ATTR.search(cell.group(1))
            if ref:
                out.add((int(ref.group(2)) - 1, _col_index(ref.group(1).decode())))
    return out


