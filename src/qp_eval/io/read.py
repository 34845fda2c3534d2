"""Opening .xlsx/.xlsm/.xls/.ods files safely into ``RawSheet``s. The only input I/O.

Guards run before any parser sees the file: its size on disk, and for zip containers the
declared uncompressed size and compression ratio (a zip bomb is refused unopened). Values,
never formulas, are read with python-calamine.

For .xlsx/.xlsm each sheet's XML is first surveyed as a stream (``_survey``), because
python-calamine sizes a sheet by the far corner of the cells that exist (one key typed at
XFD1048576 asks for 512 GiB) and reads an error value (``#REF!``, ``#N/A``) as an empty cell:

- cells past the row or column limit are cut from the sheet before calamine sees it, and the
  sheet says what was cut (``far``), so a stray key far away is a warning naming its cell;
- cells whose cached value is an error are read as ``CellError``, never as a blank;
- formula cells that carry no cached value are found on demand (``formula_without_value``).

A formula's cached float is read as Excel shows it, with 15 significant digits
(``validate.cells.number``): 6*0.95 is cached as 5.6999999999999993 and read as 5.7.
"""

from __future__ import annotations

import io
import itertools
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # floor of the limit; a large rubric raises it (unzip_limit)
BYTES_PER_EXPECTED_ROW = 2048  # far above what a filled template row takes in sheet XML
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MiB
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
FORMAT_OF_SUFFIX = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".xlsb": "xlsb"}
# spreadsheets of formats qp-eval does not read, and what a clerk should do with them
UNREADABLE_SHEETS = {
    ".et": "WPS 表格（.et）", ".ett": "WPS 表格模板（.ett）", ".csv": "CSV 文本", ".tsv": "制表符分隔的文本",
    ".numbers": "Apple Numbers 表格", ".wps": "WPS 文字文件", ".xltx": "Excel 模板（.xltx）", ".xlt": "Excel 模板（.xlt）",
    ".fods": "OpenDocument 平面表格", ".dbf": "dBASE 表",
}
BACKUP_PREFIX = "备份-"  # scores/<year>/备份-YYYYMMDD-HHMMSS/: files qp-eval moved aside, never read as input

Cell = tuple[int, int]  # 0-based (row, column)
MAX_COLUMNS = 64  # A..BL: our sheets use ten at most; a cell further right is a stray key
ROWS_IF_UNKNOWN = 65_536  # the row limit when no rubric says how many rows a book may hold


@dataclass(frozen=True)
class Limits:
    """How much a workbook may hold: its unzipped size, and the rows and columns of any sheet.
    Cells past the rows or columns are cut and reported (``Far``), never read."""

    unzipped: int = MAX_UNZIPPED_BYTES
    rows: int = ROWS_IF_UNKNOWN
    columns: int = MAX_COLUMNS


class CellError:
    """A cell whose formula gives an error value (``#REF!``, ``#N/A``, ``#DIV/0!`` ...), as the file
    caches it. Never a blank: every check sees it as a value it cannot use, and says so (F117)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"CellError({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellError) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("CellError", self.text))


@dataclass(frozen=True)
class Far:
    """What a sheet holds past its limits, cut before it was read: the first such cell and how many."""

    first: Cell  # the first cell past the limits, in the order of the file
    cells: int
    rows: int  # the row limit (1-based: cells below this row were cut)
    columns: int  # the column limit (cells right of this column were cut)


class ReadFailure(Exception):
    """A file that cannot be read; ``message`` is Chinese and says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Place:
    """What a sheet knows besides its values: merged ranges, error values, what was cut, and formulas
    that carry no value."""

    name: str
    merged: list[tuple[Cell, Cell]]
    path: Path | None
    errors: dict[Cell, CellError]
    far: Far | None

    @cached_property
    def formula_without_value(self) -> set[Cell]:
        """Formula cells with no cached value (.xlsx/.xlsm); calamine reads them as empty."""
        if self.path is None or suffix_of(self.path) not in (".xlsx", ".xlsm"):
            return set()
        return _formulas_without_value(self.path, self.name)

    def merged_range_of(self, r: int, c: int) -> tuple[Cell, Cell] | None:
        for (r0, c0), (r1, c1) in self.merged:
            if r0 <= r <= r1 and c0 <= c <= c1 and (r0, c0) != (r1, c1):
                return (r0, c0), (r1, c1)
        return None


@dataclass
class RawSheet(_Place):
    name: str
    rows: list[list[object]]  # values from A1
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)
    path: Path | None = None  # for the formula look, made only when a checked cell is empty
    errors: dict[Cell, CellError] = field(default_factory=dict)
    far: Far | None = None

    def value(self, r: int, c: int) -> object:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return ""


HEAD_ROWS = 20  # a header is looked for in a sheet's first rows


@dataclass
class SheetStream(_Place):
    """A sheet read row by row: its first rows (where the header is), then the rest once, as an iterator.

    For the long sheets (评分, 指标): the checks keep the columns they need, never every cell of
    every row as Python objects."""

    name: str
    head: list[list[object]]
    rest: Iterator[list[object]]
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)
    path: Path | None = None
    errors: dict[Cell, CellError] = field(default_factory=dict)
    far: Far | None = None

    def rows_after(self, header: int) -> Iterator[tuple[int, list[object]]]:
        """(0-based row, values) of every row below ``header``."""
        yield from enumerate(self.head[header + 1:], start=header + 1)
        try:
            yield from enumerate(self.rest, start=len(self.head))
        except Exception as e:  # calamine raises several kinds on damaged parts
            raise ReadFailure(f"工作表“{self.name}”无法读取：{_reason(e)}") from None


def _with_errors(rows: Iterator[list[object]], errors: dict[Cell, CellError], start: int = 0
                 ) -> Iterator[list[object]]:
    """The rows with each error cell holding its ``CellError`` (calamine left it empty)."""
    by_row: dict[int, list[tuple[int, CellError]]] = {}
    for (r, c), e in errors.items():
        by_row.setdefault(r, []).append((c, e))
    for r, row in enumerate(rows, start=start):
        for c, e in by_row.get(r, ()):
            if c >= len(row):
                row = row + [""] * (c + 1 - len(row))
            row[c] = e
        yield row


@dataclass
class RawBook:
    path: Path
    sheet_names: list[str]
    _wb: object = None
    _cache: dict[str, RawSheet] = field(default_factory=dict)
    actual_format: str = ""  # set when the content is another format than the extension says (read by content)
    limits: Limits = field(default_factory=Limits)
    _parts: dict[str, str] | None = None  # sheet name -> its part in the zip (xlsx, xlsm)

    def find(self, wanted: str) -> str | None:
        """The sheet's real name for ``wanted``, ignoring surrounding spaces and zero-width characters."""
        from ..core.text import normalize_name

        key = normalize_name(wanted)
        return next((n for n in self.sheet_names if normalize_name(n) == key), None)

    def sheet(self, wanted: str) -> RawSheet | None:
        name = self.find(wanted)
        if name is None:
            return None
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def stream(self, wanted: str) -> SheetStream | None:
        """The sheet row by row (not cached: its rows can be gone through once)."""
        name = self.find(wanted)
        if name is None:
            return None
        if name in self._cache:
            s = self._cache[name]
            return SheetStream(name, s.rows[:HEAD_ROWS], iter(s.rows[HEAD_ROWS:]), s.merged, self.path, s.errors, s.far)
        wb, errors, far = self._surveyed(name)
        try:
            s = wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
            rows_iter = s.iter_rows()
            left = (s.start or (0, 0))[1]  # iter_rows starts at the used range's first column, not at A
            if left:
                pad = [""] * left
                rows_iter = (pad + row for row in rows_iter)
            if errors:
                rows_iter = _with_errors(rows_iter, errors)
            head = list(itertools.islice(rows_iter, HEAD_ROWS))
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (s.merged_cell_ranges or [])]
        except ReadFailure:
            raise
        except Exception as e:
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        return SheetStream(name, head, rows_iter, merged, self.path, errors, far)

    def _load(self, name: str) -> RawSheet:
        wb, errors, far = self._surveyed(name)
        try:
            s = wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
            rows = s.to_python(skip_empty_area=False)
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (s.merged_cell_ranges or [])]
        except Exception as e:  # calamine raises several kinds on damaged parts
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        if errors:
            rows = list(_with_errors(iter(rows), errors))
        return RawSheet(name, rows, merged, self.path, errors, far)

    def _surveyed(self, name: str) -> tuple[object, dict[Cell, CellError], Far | None]:
        """(the calamine workbook to read ``name`` from, its error cells, what was cut): the sheet's XML
        looked at first, so that calamine never sees a cell past the limits."""
        if self.actual_format or suffix_of(self.path) not in (".xlsx", ".xlsm"):
            return self._wb, {}, None
        if self._parts is None:
            self._parts = _sheet_parts(self.path)
        part = self._parts.get(name)
        if part is None:
            return self._wb, {}, None
        survey = _survey(self.path, part, self.limits)
        if survey.cut is None:
            return self._wb, survey.errors, None
        from python_calamine import CalamineWorkbook

        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(_rezipped(self.path, part, survey.cut)))
        except Exception as e:
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        return wb, survey.errors, survey.far

    def close(self) -> None:
        close = getattr(self._wb, "close", None)
        if close:
            close()


def _reason(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text[:200]


def unzip_limit(expected_rows: int) -> int:
    """How much a workbook may unpack to: 200 MB, or more when the rubric needs more rows."""
    return max(MAX_UNZIPPED_BYTES, expected_rows * BYTES_PER_EXPECTED_ROW)


def suffix_of(path: Path) -> str:
    """The extension as a person means it: ``a.xlsx `` (a trailing space or dot, which Windows drops) is .xlsx."""
    return Path(path.name.rstrip(" .")).suffix.lower() if path.name.rstrip(" .") else ""


def open_book(path: Path, limits: Limits | None = None) -> RawBook:
    """Open a workbook for reading values; raises ``ReadFailure`` with a Chinese reason."""
    from python_calamine import CalamineWorkbook

    limits = limits or Limits()
    try:
        st = path.stat()
    except OSError as e:
        from ..core.errors import os_reason

        raise ReadFailure(f"无法访问文件：{os_reason(e, writing=False)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadFailure("不是普通文件（可能是目录、管道或设备），已跳过")
    size = st.st_size
    if size == 0:
        raise ReadFailure("文件是空的（0 字节）")
    max_file = max(MAX_FILE_BYTES, limits.unzipped // 4)
    if size > max_file:
        raise ReadFailure(f"文件过大（{size // (1024 * 1024)} MB），超过 {max_file // (1024 * 1024)} MB 的上限")
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        from ..core.errors import os_reason

        raise ReadFailure(f"无法读取文件：{os_reason(e, writing=False)}") from None
    if head.startswith(b"PK"):
        actual = _zip_guard(path, limits.unzipped)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        actual = "xls"  # OLE: .xls, or an encrypted workbook (calamine says which)
    else:
        raise ReadFailure("不是电子表格文件（可能是改了扩展名的文本、CSV 或其他文件）")
    declared = FORMAT_OF_SUFFIX.get(suffix_of(path))
    try:
        if actual == declared and path.suffix.lower() == suffix_of(path):
            wb = CalamineWorkbook.from_path(str(path))
        else:  # an .xls or .ods saved under an .xlsx name (or a name calamine would misread): read by what it is
            wb = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        names = list(wb.sheet_names)
    except Exception as e:
        raise ReadFailure(_calamine_reason(e)) from None
    return RawBook(path, names, wb, actual_format="" if actual == declared else actual, limits=limits)


def _calamine_reason(e: Exception) -> str:
    name = type(e).__name__
    text = str(e)
    if name == "PasswordError" or "password" in text.lower() or "encrypt" in text.lower():
        return "文件已加密（设置了打开密码），请去掉密码后另存再提交"
    return f"文件已损坏或不是支持的格式：{_reason(e)}"


def _zip_guard(path: Path, limit: int) -> str:
    """Refuse a zip bomb; return the workbook format the zip holds (xlsx, xlsb or ods)."""
    try:
        with zipfile.ZipFile(path) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise ReadFailure(f"文件内部压缩比异常（{info.filename}），疑似压缩炸弹，已拒绝打开")
            if total > limit:
                raise ReadFailure(
                    f"文件解压后约 {total // (1024 * 1024)} MB，超过 {limit // (1024 * 1024)} MB 的上限，已拒绝打开"
                )
            names = set(z.namelist())
            if "mimetype" in names:
                with z.open("mimetype") as f:
                    if f.read(64).startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                        return "ods"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise ReadFailure("这是 Word 或 PowerPoint 文件，不是电子表格")
            return "xlsx"  # and anything else: calamine says what is wrong with it
    except zipfile.BadZipFile:
        raise ReadFailure("文件已损坏（压缩包结构不完整，可能未完整复制或下载）") from None
    except OSError as e:
        from ..core.errors import os_reason

        raise ReadFailure(f"无法读取文件：{os_reason(e, writing=False)}") from None
    except EOFError:
        raise ReadFailure("文件已损坏（在中途结束，可能未完整复制或下载）") from None


# --- the sheet XML, surveyed before calamine reads it (.xlsx/.xlsm) ----------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CHUNK = 1 << 22  # the sheet XML is read in pieces of 4 MiB: memory stays bounded whatever its size
OVERLAP = 512  # kept from the previous piece, so that no tag is missed where two pieces meet
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


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its part in the package (xl/worksheets/sheetN.xml); empty when unreadable
    (calamine then says what is wrong)."""
    from defusedxml import ElementTree as ET

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
class _Survey:
    errors: dict[Cell, CellError]
    cut: list[tuple[int, int]] | None  # byte spans of the sheet XML to leave out (cells past the limits)
    far: Far | None


def _survey(path: Path, part: str, limits: Limits) -> _Survey:
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
                return _Survey({}, None, None)
            with z.open(part) as g:
                data = g.read()
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error):
        return _Survey({}, None, None)  # calamine reads the sheet and says what is wrong with it
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


def _close_look(data: bytes, limits: Limits) -> _Survey:
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
        return _Survey(errors, None, None)
    return _Survey(errors, sorted(cut), Far(first[1] if first else (limits.rows, 0), cells, limits.rows, limits.columns))


def _rezipped(path: Path, part: str, cut: list[tuple[int, int]]) -> bytes:
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


def _formulas_without_value(path: Path, sheet_name: str) -> set[Cell]:
    """Formula cells that cache no value, found in the sheet XML without building it as a tree."""
    out: set[Cell] = set()
    part = _sheet_parts(path).get(sheet_name)
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


MAX_DEPTH = 32  # folders inside folders: a deeper tree is a copying accident (or a loop of links)


def find_spreadsheets(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Spreadsheet files under ``paths`` (recursively, sorted), and paths that could not be searched."""
    found, _, problems = find_files(paths)
    return found, problems


def find_files(paths: list[Path]) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(spreadsheets, every other file, paths that could not be searched, each with its reason in Chinese)
    under ``paths``, recursively and sorted; hidden files, Office lock files and qp-eval's 备份- folders
    aside. A folder that cannot be entered is one problem, and the rest is still searched."""
    from ..core.errors import os_reason

    found: list[Path] = []
    others: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen_dirs: set[tuple[int, int]] = set()

    def entries_of(folder: Path, depth: int) -> Iterator[Path] | None:
        if depth > MAX_DEPTH:
            problems.append((folder, f"目录嵌套超过 {MAX_DEPTH} 层，其中的内容未检查"))
            return None
        try:
            st = folder.stat()
        except OSError as e:
            problems.append((folder, f"无法访问：{os_reason(e, writing=False)}"))
            return None
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            problems.append((folder, "目录链接形成循环，已跳过"))
            return None
        seen_dirs.add(key)
        try:
            return iter(sorted(folder.iterdir(), key=lambda p: p.name))
        except OSError as e:
            problems.append((folder, f"无法读取目录：{os_reason(e, writing=False)}"))
            return None

    def walk(top: Path) -> None:
        """Depth first in name order, with a stack of folders instead of recursion: any depth is an answer."""
        first = entries_of(top, 0)
        stack: list[Iterator[Path]] = [first] if first is not None else []
        while stack:
            p = next(stack[-1], None)
            if p is None:
                stack.pop()
                continue
            if p.name.startswith((".", "~$")):
                continue  # hidden files, Office lock files
            try:
                is_dir = p.is_dir()
            except OSError as e:  # in a folder that can be listed but not entered, its entries cannot be looked at
                problems.append((p, f"无法访问：{os_reason(e, writing=False)}"))
                continue
            if is_dir:
                if not p.name.startswith(BACKUP_PREFIX):  # what qp-eval moved aside is not input
                    inner = entries_of(p, len(stack))
                    if inner is not None:
                        stack.append(inner)
            elif suffix_of(p) in SPREADSHEET_SUFFIXES:
                found.append(p)
            else:
                others.append(p)

    for p in paths:
        try:
            is_dir, there = p.is_dir(), p.exists() or p.is_symlink()
        except OSError as e:
            problems.append((p, f"无法访问：{os_reason(e, writing=False)}"))
            continue
        if is_dir:
            walk(p)
        elif there:
            found.append(p)
        else:
            problems.append((p, "文件或目录不存在"))
    return found, others, problems
