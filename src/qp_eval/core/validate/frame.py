"""A sheet's data rows as columns (``Frame``), read once, and the findings of its rules in row order.

Every long sheet is checked this way: the departments' 评分 and 指标, and the towns' 自评 and 指标.
The rules over the columns live in ``values`` (numbers) and beside each sheet kind's checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import layout as L
from ..book import SheetStream
from ..cells import Number, a1, is_blank, number, text_of
from ..findings import Finding
from ..text import normalize_name
from .context import FileContext

Flagged = list[tuple[int, str]]  # (position in the frame, message)
NOT_APPLICABLE = normalize_name(L.NOT_APPLICABLE)


def _key(value: object) -> str:
    """An id cell as the one text normaliser sees it (a number typed in the cell as its shortest text)."""
    return normalize_name(value) if isinstance(value, str) else normalize_name(text_of(value))


_NUMBERS: dict[object, Number] = {}


def _number(value: object) -> Number:
    """``cells.number``, memoised on the cell's value (scores repeat: 2, 1.5, 0.8 ...)."""
    if type(value) not in (float, int, str):
        return number(value)
    hit = _NUMBERS.get(value)
    if hit is None:
        hit = number(value)
        if len(_NUMBERS) < 100_000:
            _NUMBERS[value] = hit
    return hit


@dataclass
class Frame:
    """The data rows of one sheet as columns; ``unit`` holds town ids (None: unknown, already reported;
    a town's own workbook has its town on every row)."""

    sheet: SheetStream
    col: dict[str, int]
    row: list[int] = field(default_factory=list)
    unit: list[str | None] = field(default_factory=list)
    key: list[str] = field(default_factory=list)  # the row's id (评分, 自评) or criterion id (指标)
    value: list[object] = field(default_factory=list)
    note: list[str] = field(default_factory=list)  # 扣分说明, 自评说明, or the indicator's name (指标)
    extra: dict[str, list[str]] = field(default_factory=dict)  # other text columns asked for (佐证材料)
    _numbers: list[Number] | None = None
    _decimals: list[Decimal | None] | None = None
    _blank: list[bool] | None = None

    @property
    def blank(self) -> list[bool]:
        """Whether each value cell is empty (spaces and zero-width characters only count as empty)."""
        if self._blank is None:
            self._blank = [v is None or v == "" or (type(v) is str and is_blank(v)) for v in self.value]
        return self._blank

    @property
    def numbers(self) -> list[Number]:
        """The value column read as numbers (once, when a rule first asks)."""
        if self._numbers is None:
            self._numbers = [_number(v) for v in self.value]
        return self._numbers

    @property
    def decimals(self) -> list[Decimal | None]:
        """The value column's exact decimals (None where it is not a number)."""
        if self._decimals is None:
            self._decimals = [n.value for n in self.numbers]
        return self._decimals


class Findings:
    """Findings of one sheet, collected with their row and emitted in row order."""

    def __init__(self, ctx: FileContext, frame: Frame):
        self.ctx, self.frame = ctx, frame
        self.items: list[tuple[int, int, Finding]] = []

    def flag(self, code: str, flagged: Flagged, column: str) -> set[int]:
        c = self.frame.col[column]
        for i, message in flagged:
            r = self.frame.row[i]
            self.items.append((r, len(self.items), Finding.of(code, message, file=self.ctx.file,
                                                              sheet=self.frame.sheet.name, cell=a1(r, c))))
        return {i for i, _ in flagged}

    def done(self) -> None:
        self.ctx.findings += [f for _, _, f in sorted(self.items, key=lambda x: (x[0], x[1]))]


def read_frame(ctx: FileContext, sheet: SheetStream, head: int, col: dict[str, int], key: str, value: str, note: str,
               found: Findings | None = None, town: str | None = None, extra: tuple[str, ...] = ()) -> Frame:
    """The sheet's data rows as columns, read once, row by row (rows whose key cells are all blank are
    skipped). ``town``: a town's own workbook, whose rows have no 街镇 column; ``extra``: other text columns."""
    f = Frame(sheet, col)
    c_unit = col["街镇"] if town is None else None
    c_key, c_value, c_note = col[key], col[value], col[note]
    c_extra = [(name, col[name]) for name in extra if name in col]
    f.extra = {name: [] for name, _ in c_extra}
    if town is None:
        keys = [c_unit, c_key, c_value] + ([c_note] if note == "指标" else [])
    else:
        keys = [c_key, c_value, c_note]
    exact = {u.name: u.id for u in ctx.rubric.units}
    width = max(c for c in (c_unit, c_key, c_value, c_note, *(c for _, c in c_extra)) if c is not None) + 1
    known_keys: dict[str, str] = {}  # the ids repeat on every town's rows
    add_row, add_unit, add_key, add_value, add_note = f.row.append, f.unit.append, f.key.append, f.value.append, \
        f.note.append
    rows = 0
    for r, cells in sheet.rows_after(head):
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        if c_unit is None:
            if all(cells[c] is None or cells[c] == "" or is_blank(cells[c]) for c in keys):
                continue
            unit: str | None = town
        else:
            raw = cells[c_unit]
            unit = exact.get(raw) if type(raw) is str else None  # the name as the template wrote it: the common case
            if unit is None:  # else: skip a blank row, or the full look-up with T301/T302
                if all(cells[c] is None or cells[c] == "" or is_blank(cells[c]) for c in keys):
                    continue
                before = len(ctx.findings)
                unit = ctx.unit_of(raw, sheet.name, r, c_unit)
                if found is not None:
                    found.items += [(r, -1, x) for x in ctx.findings[before:]]
                    del ctx.findings[before:]
        rows += 1
        add_row(r)
        add_unit(unit)
        k = cells[c_key]
        key_text = known_keys.get(k) if type(k) is str else None
        if key_text is None:
            key_text = _key(k)
            if type(k) is str:
                known_keys[k] = key_text
        add_key(key_text)
        add_value(cells[c_value])
        n = cells[c_note]
        add_note(n.strip() if type(n) is str else text_of(n))
        for name, c in c_extra:
            x = cells[c]
            f.extra[name].append(x.strip() if type(x) is str else text_of(x))
    ctx.tables.rows += rows
    return f


def stopping(found: Findings) -> callable:
    """``stop(rows, code, flagged, column)``: flag each flagged row with ``code`` at ``column``, and leave
    out the rows flagged (their rule stops them)."""
    def stop(rows: list[int], code: str, flagged: Flagged, column: str) -> list[int]:
        gone = found.flag(code, flagged, column)
        return [i for i in rows if i not in gone] if gone else rows
    return stop


def error_values(frame: Frame, rows: list[int], column: str, who) -> Flagged:  # noqa: ANN001 - (position) -> text
    """F117: a cell of ``column`` whose formula gives an error value (read as a blank, it would be a
    blank score, no note, or an unknown id)."""
    errors, c = frame.sheet.errors, frame.col[column]
    return [(i, f"{who(i)}的{column}单元格的公式结果为错误值 {errors[(frame.row[i], c)]}") for i in rows
            if (frame.row[i], c) in errors]


def formulas_without_value(frame: Frame, rows: list[int], column: str, who, named: bool = True) -> Flagged:  # noqa: ANN001
    """F107: a formula with no cached value in ``column`` (it reads as empty); ``named``: the message names
    the column after ``who``."""
    empty = frame.blank
    blank = [i for i in rows if empty[i]]
    if not blank:
        return []
    formulas, c = frame.sheet.formula_without_value, frame.col[column]
    what = f"的{column}" if named else ""
    return [(i, f"{who(i)}{what}是公式，但没有计算结果") for i in blank if (frame.row[i], c) in formulas]
