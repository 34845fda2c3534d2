"""A workbook as the checks see it: sheets of rows with cell positions, read by whatever opened the file.

The reader (``io.read``) makes a ``RawBook`` from a file and hands it the functions that load a sheet
whole or row by row; a test makes one from rows in memory (``RawBook.of_rows``). Nothing here touches
a file: the checks, scoring and the comparison of two files all work on these values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath

from .text import normalize_name

Cell = tuple[int, int]  # 0-based (row, column)
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # floor of the unzip limit; a large rubric raises it
MAX_COLUMNS = 64  # A..BL: our sheets use ten at most; a cell further right is a stray key
ROWS_IF_UNKNOWN = 65_536  # the row limit when no rubric says how many rows a book may hold
HEAD_ROWS = 20  # a header is looked for in a sheet's first rows
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
# spreadsheets of formats qp-eval does not read, and what a clerk should do with them
UNREADABLE_SHEETS = {
    ".et": "WPS 表格（.et）", ".ett": "WPS 表格模板（.ett）", ".csv": "CSV 文本", ".tsv": "制表符分隔的文本",
    ".numbers": "Apple Numbers 表格", ".wps": "WPS 文字文件", ".xltx": "Excel 模板（.xltx）", ".xlt": "Excel 模板（.xlt）",
    ".fods": "OpenDocument 平面表格", ".dbf": "dBASE 表",
}


def suffix_of(path: PurePath) -> str:
    """The extension as a person means it: ``a.xlsx `` (a trailing space or dot, which Windows drops) is .xlsx."""
    name = path.name.rstrip(" .")
    return PurePath(name).suffix.lower() if name else ""


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
    """A file (or a sheet of it) that cannot be read; ``message`` is Chinese and says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Place:
    """What a sheet knows besides its values: merged ranges, error values, what was cut, and formulas
    that carry no value (found on demand by the function the reader gave, ``formulas``)."""

    name: str
    merged: list[tuple[Cell, Cell]]
    errors: dict[Cell, CellError]
    far: Far | None
    formulas: Callable[[], set[Cell]] | None

    @cached_property
    def formula_without_value(self) -> set[Cell]:
        """Formula cells with no cached value; a reader without a formula layer reads them as empty."""
        return self.formulas() if self.formulas is not None else set()

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
    errors: dict[Cell, CellError] = field(default_factory=dict)
    far: Far | None = None
    formulas: Callable[[], set[Cell]] | None = None

    def value(self, r: int, c: int) -> object:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return ""


@dataclass
class SheetStream(_Place):
    """A sheet read row by row: its first rows (where the header is), then the rest once, as an iterator.

    For the long sheets (评分, 指标): the checks keep the columns they need, never every cell of
    every row as Python objects."""

    name: str
    head: list[list[object]]
    rest: Iterator[list[object]]
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)
    errors: dict[Cell, CellError] = field(default_factory=dict)
    far: Far | None = None
    formulas: Callable[[], set[Cell]] | None = None

    def rows_after(self, header: int) -> Iterator[tuple[int, list[object]]]:
        """(0-based row, values) of every row below ``header``."""
        yield from enumerate(self.head[header + 1:], start=header + 1)
        yield from enumerate(self.rest, start=len(self.head))


@dataclass
class RawBook:
    """A workbook: its sheets by name, loaded whole (``sheet``, kept) or row by row (``stream``) by the
    functions its reader gave; ``digest`` gives its SHA-256, ``modified`` its modification time."""

    path: PurePath
    sheet_names: list[str]
    load: Callable[[str], RawSheet]
    streamed: Callable[[str], SheetStream] | None = None
    closed: Callable[[], None] | None = None
    actual_format: str = ""  # set when the content is another format than the extension says (read by content)
    digest: Callable[[], str] = lambda: ""
    modified: float | None = None
    _cache: dict[str, RawSheet] = field(default_factory=dict)

    @classmethod
    def of_rows(cls, path: str | PurePath, sheets: dict[str, list[list[object]]], digest: str = "") -> RawBook:
        """A workbook made in memory from its sheets' rows (from A1)."""
        return cls(PurePath(path), list(sheets), lambda name: RawSheet(name, [list(r) for r in sheets[name]]),
                   digest=lambda: digest)

    def find(self, wanted: str) -> str | None:
        """The sheet's real name for ``wanted``, ignoring surrounding spaces and zero-width characters."""
        key = normalize_name(wanted)
        return next((n for n in self.sheet_names if normalize_name(n) == key), None)

    def sheet(self, wanted: str) -> RawSheet | None:
        name = self.find(wanted)
        if name is None:
            return None
        if name not in self._cache:
            self._cache[name] = self.load(name)
        return self._cache[name]

    def stream(self, wanted: str) -> SheetStream | None:
        """The sheet row by row (not cached: its rows can be gone through once)."""
        name = self.find(wanted)
        if name is None:
            return None
        if name in self._cache or self.streamed is None:
            s = self.sheet(name)
            assert s is not None
            return SheetStream(name, s.rows[:HEAD_ROWS], iter(s.rows[HEAD_ROWS:]), s.merged, s.errors, s.far,
                               s.formulas)
        return self.streamed(name)

    def close(self) -> None:
        if self.closed is not None:
            self.closed()
