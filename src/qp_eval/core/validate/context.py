"""What every check needs: the rubric, the file being read, and where findings go."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..book import CellError, RawBook, RawSheet, SheetStream
from ..cells import a1, find_header, is_blank, show, text_of
from ..findings import Finding
from ..rubric import Rubric
from ..tables import Source, Tables, column_letters
from ..text import ZERO_WIDTH, normalize_name


@dataclass
class FileContext:
    rubric: Rubric
    file: str  # as shown to the user
    findings: list[Finding] = field(default_factory=list)
    tables: Tables = field(default_factory=Tables)

    def __post_init__(self) -> None:
        self._exact: dict[str, str] = {u.name: u.id for u in self.rubric.units}

    @classmethod
    def received(cls, rubric: Rubric, file: str, findings: list[Finding], tables: Tables) -> FileContext:
        """A file's context as a worker process checked it: its findings and tables, nothing more to read."""
        ctx = object.__new__(cls)
        ctx.rubric, ctx.file, ctx.findings, ctx.tables = rubric, file, findings, tables
        return ctx

    def add(self, code: str, message: str, sheet: str = "", r: int | None = None, c: int | None = None,
            hint: str = "") -> None:
        cell = a1(r, c) if r is not None and c is not None else ""
        self.findings.append(Finding.of(code, message, file=self.file, sheet=sheet, cell=cell, hint=hint)
                             .for_year(self.rubric.year))

    def far(self, sheet: RawSheet | SheetStream) -> None:
        """F118 when the sheet held cells past its limits (they were cut before it was read)."""
        far = sheet.far
        if far is not None:
            r, c = far.first
            self.add("F118", f"工作表“{sheet.name}”的 {a1(r, c)} 等 {far.cells:,} 个单元格在表格应有的范围（前 {far.rows:,} 行、"
                             f"A 到 {column_letters(far.columns - 1)} 列）之外，已忽略", sheet.name, r, c)

    def unusable(self, sheet: RawSheet, r: int, col: dict[str, int]) -> bool:
        """F117 for each cell of row ``r`` (among the columns ``col``) whose formula gives an error value, and
        F107 for each formula that caches no value; True when there was one: the row is not used (neither
        reads as a blank, which would change a score)."""
        bad = False
        if sheet.errors:
            for name, c in col.items():
                if (r, c) in sheet.errors:
                    self.add("F117", f"“{name}”的公式结果为错误值 {sheet.errors[(r, c)]}", sheet.name, r, c)
                    bad = True
        formulas = sheet.formula_without_value
        if formulas:
            for name, c in col.items():
                if (r, c) in formulas:
                    self.add("F107", f"“{name}”是公式，但没有计算结果", sheet.name, r, c)
                    bad = True
        return bad

    def source(self, sheet: str, r: int, c: int) -> Source:
        return Source(self.file, sheet, a1(r, c))

    def unit(self, sheet: RawSheet, r: int, c: int) -> str | None:
        """The unit id in a 街镇 cell, with T302 for hidden characters and T301 when unknown."""
        return self.unit_of(sheet.value(r, c), sheet.name, r, c)

    def unit_of(self, value: object, sheet_name: str, r: int, c: int) -> str | None:
        """``unit`` for a value already read (a streamed sheet)."""
        exact = self._exact.get(value) if isinstance(value, str) else None
        if exact is not None:  # the name as the template wrote it: the common case, kept fast
            return exact
        if isinstance(value, CellError):
            self.add("F117", f"街镇单元格的公式结果为错误值 {value}", sheet_name, r, c)
            return None
        text = text_of(value)
        if is_blank(value):
            self.add("T301", "街镇为空", sheet_name, r, c)
            return None
        if text.translate(ZERO_WIDTH) != text:
            self.add("T302", f"街镇“{show(text.translate(ZERO_WIDTH))}”中有不可见字符，已去除", sheet_name, r, c)
        unit_id = self.rubric.resolve_unit(text)
        if unit_id is None:
            names = {normalize_name(n): n for u in self.rubric.units for n in (u.name, *u.aliases)}
            near = difflib.get_close_matches(normalize_name(text), list(names), n=1, cutoff=0.3)
            hint = f"，是否为“{self.rubric.unit[self.rubric.resolve_unit(names[near[0]]) or ''].name}”？" if near else ""
            self.add("T301", f"未知的街镇“{show(text)}”{hint}", sheet_name, r, c)
        return unit_id


def locate_columns(
    ctx: FileContext, sheet: RawSheet, columns: tuple[str, ...], required: tuple[str, ...]
) -> tuple[int, dict[str, int]] | None:
    """(header row, column map) of a sheet, or None after reporting what is missing."""
    header = find_header(sheet.rows, columns)
    if header is None:
        for name in required:
            ctx.add("S202", f"工作表“{sheet.name}”中找不到表头“{name}”", sheet.name)
        return None
    for name, c in header.duplicates:
        ctx.add("S203", f"表头“{name}”重复出现", sheet.name, header.row, c)
    missing = [n for n in required if n not in header.columns]
    for name in missing:
        ctx.add("S202", f"工作表“{sheet.name}”中找不到表头“{name}”", sheet.name, header.row, 0)
    if missing or header.duplicates:
        return None
    return header.row, header.columns


def open_sheet(
    ctx: FileContext, book: RawBook, name: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> tuple[RawSheet, int, dict[str, int]] | None:
    """(sheet, header row, column map), or None after S201/S202/S203 say what is wrong."""
    sheet = book.sheet(name)
    return _opened(ctx, name, sheet, sheet, columns, required)


def open_stream(
    ctx: FileContext, book: RawBook, name: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> tuple[SheetStream, int, dict[str, int]] | None:
    """``open_sheet`` for a long sheet read row by row: the header is found among its first rows."""
    stream = book.stream(name)
    head = None if stream is None else RawSheet(stream.name, stream.head)
    return _opened(ctx, name, stream, head, columns, required)


def _opened(ctx: FileContext, name: str, sheet, head: RawSheet | None, columns: tuple[str, ...],  # noqa: ANN001
            required: tuple[str, ...]):  # noqa: ANN202 - the sheet as it was opened, with its header
    if sheet is None or head is None:
        ctx.add("S201", f"缺少工作表“{name}”")
        return None
    ctx.far(sheet)
    found = locate_columns(ctx, head, columns, required)
    return None if found is None else (sheet, *found)


def data_rows(sheet: RawSheet, start: int, key_columns: list[int]):  # noqa: ANN201 - generator
    """Rows after the header whose key columns are not all blank (blank rows are skipped)."""
    rows = sheet.rows
    for r in range(start + 1, len(rows)):
        row = rows[r]
        n = len(row)
        for c in key_columns:
            if c < n:
                v = row[c]
                if v is not None and v != "" and not is_blank(v):
                    yield r
                    break
