"""Checks of a department's 评分 and 指标 sheets; each clean row becomes a table entry."""

from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from ..read import RawBook, RawSheet
from ..tables import FigureEntry, ScoreEntry, Source
from ..text import normalize_name
from .cells import a1, is_blank, number, show, text_of, too_many_places
from .context import FileContext, data_rows, open_sheet


def _key(value: object) -> str:
    """An id cell as the one text normaliser sees it (a number typed in the cell as its shortest text)."""
    return normalize_name(value) if isinstance(value, str) else normalize_name(text_of(value))


def check_department(ctx: FileContext, book: RawBook, dept_id: str) -> None:
    opened = open_sheet(ctx, book, L.SCORE_SHEET, L.SCORE_COLUMNS, L.SCORE_REQUIRED)
    if opened is not None:
        check_score_sheet(ctx, *opened, dept_id)
    if L.measured_criteria(ctx.rubric, dept_id):
        opened = open_sheet(ctx, book, L.FIGURE_SHEET, L.FIGURE_COLUMNS, L.FIGURE_REQUIRED)
        if opened is not None:
            check_figure_sheet(ctx, *opened, dept_id)


def check_score_sheet(ctx: FileContext, sheet: RawSheet, head: int, col: dict[str, int], dept_id: str) -> None:
    rubric = ctx.rubric
    allowed = {row.id: row for row in L.score_rows_of_unit(rubric, dept_id, rubric.units[0].id)}
    seen: set[tuple[str, str]] = set()
    c_unit, c_id = col["街镇"], col["编号"]
    fast = _FastRow(ctx, sheet, col, allowed, seen)
    for r in data_rows(sheet, head, [c_unit, c_id, col["得分"]]):
        ctx.tables.rows += 1
        if fast.take(r):
            continue
        unit_id = ctx.unit(sheet, r, c_unit)
        rid = _key(sheet.value(r, c_id))
        template = allowed.get(rid)
        if template is None:
            cid = rid.split("-")[0]
            if cid in rubric.criteria and rubric.department_of(cid) != dept_id:
                why = f"细则 {cid} 由{rubric.department[rubric.department_of(cid)].name}评分"
            elif cid in rubric.criteria and rubric.criteria[cid].measure is not None:
                why = f"细则 {cid} 是量化细则，请在“{L.FIGURE_SHEET}”表填写指标数值"
            else:
                why = f"编号“{show(rid)}”不是本科室负责的细则"
            ctx.add("T303", why, sheet.name, r, c_id)
            continue
        if unit_id is None:
            continue
        if (unit_id, rid) in seen:
            ctx.add("T304", f"{rubric.unit[unit_id].name} 的 {rid} 出现了多行", sheet.name, r, c_id)
            continue
        seen.add((unit_id, rid))
        _score_cell(ctx, sheet, r, col, L.ScoreRow(unit_id, template.criterion, template.period))
    for unit in rubric.units:
        for rid, row in allowed.items():
            if (unit.id, rid) not in seen:
                ctx.add("T305", f"缺少 {unit.name} 细则 {rid}（{row.criterion.name}）的行", sheet.name)


class _FastRow:
    """The common case in one pass: a known town and id, a plain number within bounds.

    Anything else (and anything that would need a finding) falls back to the full checks,
    so this only saves time; it never decides differently from ``_score_cell``.
    """

    def __init__(self, ctx: FileContext, sheet: RawSheet, col: dict[str, int], allowed: dict[str, L.ScoreRow],
                 seen: set[tuple[str, str]]):
        self.ctx, self.sheet, self.seen = ctx, sheet, seen
        self.rows = sheet.rows
        self.c_unit, self.c_id, self.c_score, self.c_note = col["街镇"], col["编号"], col["得分"], col["扣分说明"]
        self.width = max(self.c_unit, self.c_id, self.c_score, self.c_note)
        self.exact = {u.name: u.id for u in ctx.rubric.units}
        self.allowed = allowed
        self.precision = ctx.rubric.precision
        self.enabled = not sheet.merged
        self.out = ctx.tables.scores
        self.letters = a1(0, self.c_score)[:-1]

    def take(self, r: int) -> bool:
        if not self.enabled:
            return False
        row = self.rows[r]
        if len(row) <= self.width:
            return False
        unit_id = self.exact.get(row[self.c_unit])  # type: ignore[call-overload]
        rid = row[self.c_id]
        template = self.allowed.get(rid)  # type: ignore[call-overload]
        value = row[self.c_score]
        if unit_id is None or template is None or type(value) is not float:
            return False
        crit = template.criterion
        key = (unit_id, rid)
        if key in self.seen or not crit.applies(unit_id):
            return False
        if value.is_integer():
            d = Decimal(int(value))
        else:
            text = repr(value)
            dot = text.find(".")
            if dot < 0 or "e" in text or len(text) - dot - 1 > self.precision:
                return False
            d = Decimal(text)
        if d < 0 or d > crit.points:
            return False
        note = row[self.c_note]
        note = note.strip() if isinstance(note, str) else text_of(note)
        if d < crit.points and not note:
            return False  # V409 is the full check's to report
        self.seen.add(key)
        self.out.append(ScoreEntry(unit_id, crit.id, template.period, d, note,
                                   Source(self.ctx.file, self.sheet.name, f"{self.letters}{r + 1}")))
        return True


def _score_cell(ctx: FileContext, sheet: RawSheet, r: int, col: dict[str, int], row: L.ScoreRow) -> None:
    c = col["得分"]
    crit = row.criterion
    rubric = ctx.rubric

    def where() -> str:
        return f"{rubric.unit[row.unit_id].name} {row.id}"

    if sheet.merged and sheet.merged_range_of(r, c) is not None:
        ctx.add("V408", f"{where()} 的得分单元格与其他单元格合并", sheet.name, r, c)
        return
    value = sheet.value(r, c)
    blank = is_blank(value)
    if blank and (r, c) in sheet.formula_without_value:  # such a cell reads as empty
        ctx.add("F107", f"{where()} 的得分是公式，但没有计算结果", sheet.name, r, c)
        return
    note = text_of(sheet.value(r, col["扣分说明"]))
    src = ctx.source(sheet.name, r, c)
    is_na_text = not blank and isinstance(value, str) and _key(value) == L.NOT_APPLICABLE
    if not crit.applies(row.unit_id):
        if not (blank or is_na_text):
            ctx.add("V410", f"{where()} 不适用于该街镇，所填“{show(value)}”已忽略", sheet.name, r, c)
        ctx.tables.scores.append(ScoreEntry(row.unit_id, crit.id, row.period, None, note, src))
        return
    if blank:
        ctx.add("T306", f"{where()} 的得分为空", sheet.name, r, c)
        return
    if is_na_text:
        ctx.add("V407", f"细则 {crit.id} 适用于{rubric.unit[row.unit_id].name}，不能填写“{L.NOT_APPLICABLE}”",
                sheet.name, r, c)
        return
    n = number(value)
    if n.problem is not None:
        ctx.add(n.problem, f"{where()} 的得分“{show(value)}”不是有效数字", sheet.name, r, c)
        return
    v = n.value
    assert v is not None
    if n.widened:
        ctx.add("V402", f"{where()} 的得分“{show(value)}”含全角字符，已按 {v} 读取", sheet.name, r, c)
    bad = False
    if v < 0:
        ctx.add("V403", f"{where()} 的得分 {v} 为负数", sheet.name, r, c)
        bad = True
    elif v > crit.points:
        ctx.add("V404", f"{where()} 的得分 {v} 超过分值 {crit.points}", sheet.name, r, c)
        bad = True
    if too_many_places(v, rubric.precision, n.places):
        ctx.add("V405", f"{where()} 的得分 {v} 超过 {rubric.precision} 位小数", sheet.name, r, c)
        bad = True
    if bad:
        return
    if v < crit.points and not note:
        ctx.add("V409", f"{where()} 得 {v} 分（满分 {crit.points}），没有填写扣分说明", sheet.name, r, col["扣分说明"])
    ctx.tables.scores.append(ScoreEntry(row.unit_id, crit.id, row.period, v, note, src))


def check_figure_sheet(ctx: FileContext, sheet: RawSheet, head: int, col: dict[str, int], dept_id: str) -> None:
    rubric = ctx.rubric
    expected = {
        (fr.unit_id, fr.criterion.id, _key(fr.input.name)): fr for fr in L.figure_rows(rubric, dept_id)
    }
    seen: set[tuple[str, str, str]] = set()
    got: dict[tuple[str, str, str], tuple[FigureEntry, int]] = {}
    # the common case in one look-up: the row exactly as the template wrote it, a plain number
    as_written = {(rubric.unit[k[0]].name, k[1], fr.input.name): (k, fr) for k, fr in expected.items()}
    c_unit, c_id, c_name, c_value = col["街镇"], col["编号"], col["指标"], col["数值"]
    width = max(c_unit, c_id, c_name, c_value)
    rows = sheet.rows
    for r in data_rows(sheet, head, [c_unit, c_id, c_name, c_value]):
        ctx.tables.rows += 1
        row = rows[r]
        if len(row) > width:
            hit = as_written.get((row[c_unit], row[c_id], row[c_name]))  # type: ignore[arg-type]
            v = row[c_value]
            if hit is not None and type(v) in (float, int) and v > 0 and hit[0] not in seen:
                key, fr = hit
                seen.add(key)
                d = Decimal(int(v)) if float(v).is_integer() else Decimal(repr(v))
                got[key] = (FigureEntry(key[0], key[1], fr.input.id, d, Source(ctx.file, sheet.name, a1(r, c_value))), r)
                continue
        unit_id = ctx.unit(sheet, r, col["街镇"])
        if unit_id is None:
            continue
        cid = _key(sheet.value(r, col["编号"]))
        key = (unit_id, cid, _key(sheet.value(r, col["指标"])))
        fr = expected.get(key)
        if fr is None:
            ctx.add("I705", f"{rubric.unit[unit_id].name} 的指标“{show(cid)} {show(sheet.value(r, col['指标']))}”不在评估细则中",
                    sheet.name, r, col["指标"])
            continue
        if key in seen:
            ctx.add("I706", f"{rubric.unit[unit_id].name} 的指标“{fr.input.name}”出现了多行", sheet.name, r, col["指标"])
            continue
        seen.add(key)
        c = col["数值"]
        where = f"{rubric.unit[unit_id].name} {cid} {fr.input.name}"
        value = sheet.value(r, c)
        if is_blank(value) and (r, c) in sheet.formula_without_value:
            ctx.add("F107", f"{where} 是公式，但没有计算结果", sheet.name, r, c)
            continue
        if is_blank(value):
            ctx.add("I701", f"{where} 没有填写数值", sheet.name, r, c)
            continue
        n = number(value)
        if n.value is None:
            ctx.add("I702", f"{where} 的数值“{show(value)}”不是数字", sheet.name, r, c)
            continue
        if n.widened:
            ctx.add("V402", f"{where} 的数值“{show(value)}”含全角字符，已按 {n.value} 读取", sheet.name, r, c)
        if n.value < 0:
            ctx.add("I703", f"{where} 的数值 {n.value} 为负数", sheet.name, r, c)
            continue
        entry = FigureEntry(unit_id, cid, fr.input.id, n.value, ctx.source(sheet.name, r, c))
        got[key] = (entry, r)
    for key, fr in expected.items():
        if key not in seen:
            ctx.add("I701", f"缺少 {rubric.unit[fr.unit_id].name} {fr.criterion.id} 指标“{fr.input.name}”的行", sheet.name)
    for key, (entry, r) in got.items():
        fr = expected[key]
        rule = fr.criterion.measure.rule if fr.criterion.measure else None
        if entry.value == 0 and getattr(rule, "denominator", None) == fr.input.id:
            ctx.add("I704", f"{rubric.unit[fr.unit_id].name} {fr.criterion.id} 的“{fr.input.name}”为 0，无法计算比例",
                    sheet.name, r, col["数值"])
            continue
        ctx.tables.figures.append(entry)
