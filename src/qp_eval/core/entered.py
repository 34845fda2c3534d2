"""What a person entered in a qp-eval workbook, whatever the rubric now says.

Used where filled work must never be lost or confused: choosing between two files that claim
the same department (a filled file beats a blank template; two filled files are compared cell
by cell), refusing to overwrite a filled workbook, and carrying values into a new template
(``migrate``). Each entered cell is keyed by what identifies it in the sheet (town, row id,
indicator, highlight number; a problem row by its order), not by its position.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import layout as L
from .book import RawBook, RawSheet
from .cells import a1, find_header, is_blank, text_of
from .text import normalize_name

INFO_KEYS = (L.KEY_KIND, L.KEY_YEAR, L.KEY_DEPT_ID, L.KEY_DEPT_NAME, L.KEY_UNIT_ID, L.KEY_UNIT_NAME,
             L.KEY_FINGERPRINT, L.KEY_LAYOUT, L.KEY_DEADLINE)

Columns = tuple[tuple[str, ...], tuple[str, ...]]  # (the columns that identify a row, the columns a person fills in)
# kind -> sheet -> its columns
SHEETS_OF: dict[str, dict[str, Columns]] = {
    L.KIND_SCORES: {L.SCORE_SHEET: (("街镇", "编号"), ("得分", "扣分说明")),
                    L.FIGURE_SHEET: (("街镇", "编号", "指标"), ("数值",))},
    L.KIND_PROBLEMS: {L.PROBLEM_SHEET: ((), L.PROBLEM_COLUMNS)},
    L.KIND_HIGHLIGHTS: {L.HIGHLIGHT_SHEET: (("街镇", "序号"), ("亮点名称", "简介", "类型", "佐证材料", "评定等级"))},
    L.KIND_DECISIONS: {L.MEETING_SHEET: (("项目",), ("内容",)), L.DECISION_SHEET: ((), L.DECISION_COLUMNS)},
    L.KIND_SELF: {L.SELF_SHEET: (("编号",), ("自评得分", "自评说明", "佐证材料")),
                  L.FIGURE_SHEET: (("编号", "指标"), ("数值",)),
                  L.HIGHLIGHT_SHEET: (("序号",), ("亮点名称", "简介", "类型", "佐证材料")),
                  L.PROBLEM_SHEET: ((), L.SELF_PROBLEM_COLUMNS)},
}


@dataclass(frozen=True, slots=True)
class Entry:
    sheet: str
    key: tuple[str, ...]  # normalised identifying texts; a problem row: its order among filled rows
    labels: tuple[str, ...]  # the same texts as the sheet shows them, for messages
    column: str
    value: object
    cell: str  # A1 in the file it came from

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"

    @property
    def what(self) -> str:
        return f"{' '.join(self.labels)} {self.column}".strip()


def read_info(book: RawBook) -> dict[str, tuple[object, int]] | None:
    """Key -> (value, 0-based row) from the 说明 sheet, or None when there is none."""
    sheet = book.sheet(L.INFO_SHEET)
    if sheet is None:
        return None
    keys = {normalize_name(k): k for k in INFO_KEYS}
    out: dict[str, tuple[object, int]] = {}
    for r, row in enumerate(sheet.rows[:40]):
        if len(row) >= 2 and isinstance(row[0], str):
            key = keys.get(normalize_name(row[0]))
            if key and key not in out:
                out[key] = (row[1], r)
    return out


def claim(book: RawBook) -> tuple[str, str | None] | None:
    """(kind, department id — for a town's 自评表 the town id) as the 说明 sheet states it, checked against
    nothing; None if it states none."""
    info = read_info(book)
    if info is None:
        return None
    kind = normalize_name(text_of(info.get(L.KEY_KIND, ("", 0))[0]))
    if kind not in L.KINDS:
        return None
    if kind == L.KIND_SELF:
        return kind, text_of(info.get(L.KEY_UNIT_ID, ("", 0))[0]) or None
    dept = text_of(info.get(L.KEY_DEPT_ID, ("", 0))[0]) if kind == L.KIND_SCORES else None
    return kind, dept or None


def entries(book: RawBook, kind: str) -> list[Entry]:
    """Every cell a person filled in, in the sheets of ``kind`` (a 不适用 the template wrote is not one)."""
    out: list[Entry] = []
    for name, columns in SHEETS_OF[kind].items():
        sheet = book.sheet(name)
        if sheet is not None:
            out += _sheet_entries(sheet, name, columns)
    return out


def _sheet_entries(sheet: RawSheet, name: str, columns: Columns) -> list[Entry]:
    keys, filled = columns
    header = find_header(sheet.rows, keys + filled)
    if header is None:
        return []
    col = header.columns
    key_cols = [col[k] for k in keys if k in col]
    fill_cols = [(f, col[f]) for f in filled if f in col]
    not_applicable = normalize_name(L.NOT_APPLICABLE)
    out: list[Entry] = []
    order = 0
    for r in range(header.row + 1, len(sheet.rows)):
        labels = tuple(text_of(sheet.value(r, c)) for c in key_cols)
        cells = []
        for column, c in fill_cols:
            value = sheet.value(r, c)
            if is_blank(value) or (column == "得分" and normalize_name(text_of(value)) == not_applicable):
                continue
            cells.append((column, c, value))
        if not cells:
            continue
        order += 1
        key = tuple(normalize_name(x) for x in labels) if keys else (str(order),)
        out += [Entry(name, key, labels, column, value, a1(r, c)) for column, c, value in cells]
    return out


def differences(a: list[Entry], b: list[Entry]) -> list[tuple[Entry | None, Entry | None]]:
    """The entered cells that differ between two files of the same kind: (in a, in b), either may be None."""
    left = {(e.sheet, e.key, e.column): e for e in a}
    right = {(e.sheet, e.key, e.column): e for e in b}
    out: list[tuple[Entry | None, Entry | None]] = []
    for k in list(left) + [k for k in right if k not in left]:
        x, y = left.get(k), right.get(k)
        if x is None or y is None or text_of(x.value) != text_of(y.value):
            out.append((x, y))
    return out



def filled_rows(found: list[Entry]) -> int:
    """How many rows a person filled in, as ``status`` counts progress (a score, a figure, a highlight,
    a problem: one row each, however many of its cells were filled)."""
    return len({(e.sheet, e.key) for e in found})
