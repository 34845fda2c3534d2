"""Checks of a department's 评分 and 指标 sheets; each clean row becomes a table entry."""

from __future__ import annotations

import unicodedata

from .. import layout as L
from ..read import RawBook, RawSheet
from ..tables import FigureEntry, ScoreEntry
from .cells import is_blank, number, places, show, text_of
from .context import FileContext, data_rows, locate_columns


def _key(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", text_of(value)).split())


def check_department(ctx: FileContext, book: RawBook, dept_id: str) -> None:
    sheet = book.sheet(L.SCORE_SHEET)
    if sheet is None:
        ctx.add("S201", f"缺少工作表“{L.SCORE_SHEET}”")
    else:
        check_score_sheet(ctx, sheet, dept_id)
    if L.measured_criteria(ctx.rubric, dept_id):
        fsheet = book.sheet(L.FIGURE_SHEET)
        if fsheet is None:
            ctx.add("S201", f"缺少工作表“{L.FIGURE_SHEET}”")
        else:
            check_figure_sheet(ctx, fsheet, dept_id)


def check_score_sheet(ctx: FileContext, sheet: RawSheet, dept_id: str) -> None:
    found = locate_columns(ctx, sheet, L.SCORE_COLUMNS, L.SCORE_REQUIRED)
    if found is None:
        return
    head, col = found
    rubric = ctx.rubric
    expected = {(row.unit_id, row.id): row for row in L.score_rows(rubric, dept_id)}
    allowed = {row.id: row for row in expected.values()}
    seen: set[tuple[str, str]] = set()
    for r in data_rows(sheet, head, [col["街镇"], col["编号"], col["得分"]]):
        ctx.tables.rows += 1
        unit_id = ctx.unit(sheet, r, col["街镇"])
        rid = _key(sheet.value(r, col["编号"]))
        if rid not in allowed:
            cid = rid.split("-")[0]
            if cid in rubric.criteria and rubric.department_of(cid) != dept_id:
                why = f"细则 {cid} 由{rubric.department[rubric.department_of(cid)].name}评分"
            elif cid in rubric.criteria and rubric.criteria[cid].measure is not None:
                why = f"细则 {cid} 是量化细则，请在“{L.FIGURE_SHEET}”表填写指标数值"
            else:
                why = f"编号“{show(rid)}”不是本科室负责的细则"
            ctx.add("T303", why, sheet.name, r, col["编号"])
            continue
        if unit_id is None:
            continue
        if (unit_id, rid) in seen:
            ctx.add("T304", f"{rubric.unit[unit_id].name} 的 {rid} 出现了多行", sheet.name, r, col["编号"])
            continue
        seen.add((unit_id, rid))
        _score_cell(ctx, sheet, r, col, expected[(unit_id, rid)])
    for (unit_id, rid), row in expected.items():
        if (unit_id, rid) not in seen:
            ctx.add("T305", f"缺少 {rubric.unit[unit_id].name} 细则 {rid}（{row.criterion.name}）的行", sheet.name)


def _score_cell(ctx: FileContext, sheet: RawSheet, r: int, col: dict[str, int], row: L.ScoreRow) -> None:
    c = col["得分"]
    crit = row.criterion
    unit = ctx.rubric.unit[row.unit_id].name
    where = f"{unit} {row.id}"
    if sheet.merged_range_of(r, c) is not None:
        ctx.add("V408", f"{where} 的得分单元格与其他单元格合并", sheet.name, r, c)
        return
    if (r, c) in sheet.formula_without_value:
        ctx.add("F107", f"{where} 的得分是公式，但没有计算结果", sheet.name, r, c)
        return
    value = sheet.value(r, c)
    note = text_of(sheet.value(r, col["扣分说明"]))
    src = ctx.source(sheet.name, r, c)
    is_na_text = _key(value) == L.NOT_APPLICABLE
    if not crit.applies(row.unit_id):
        if not (is_blank(value) or is_na_text):
            ctx.add("V410", f"{where} 不适用于该街镇，所填“{show(value)}”已忽略", sheet.name, r, c)
        ctx.tables.scores.append(ScoreEntry(row.unit_id, crit.id, row.period, None, note, src))
        return
    if is_blank(value):
        ctx.add("T306", f"{where} 的得分为空", sheet.name, r, c)
        return
    if is_na_text:
        ctx.add("V407", f"细则 {crit.id} 适用于{unit}，不能填写“{L.NOT_APPLICABLE}”", sheet.name, r, c)
        return
    n = number(value)
    if n.problem is not None:
        ctx.add(n.problem, f"{where} 的得分“{show(value)}”不是有效数字", sheet.name, r, c)
        return
    assert n.value is not None
    if n.widened:
        ctx.add("V402", f"{where} 的得分“{show(value)}”含全角字符，已按 {n.value} 读取", sheet.name, r, c)
    bad = False
    if n.value < 0:
        ctx.add("V403", f"{where} 的得分 {n.value} 为负数", sheet.name, r, c)
        bad = True
    elif n.value > crit.points:
        ctx.add("V404", f"{where} 的得分 {n.value} 超过分值 {crit.points}", sheet.name, r, c)
        bad = True
    if places(n.value) > ctx.rubric.precision:
        ctx.add("V405", f"{where} 的得分 {n.value} 超过 {ctx.rubric.precision} 位小数", sheet.name, r, c)
        bad = True
    if bad:
        return
    if n.value < crit.points and not note:
        ctx.add("V409", f"{where} 得 {n.value} 分（满分 {crit.points}），没有填写扣分说明", sheet.name, r, col["扣分说明"])
    ctx.tables.scores.append(ScoreEntry(row.unit_id, crit.id, row.period, n.value, note, src))


def check_figure_sheet(ctx: FileContext, sheet: RawSheet, dept_id: str) -> None:
    found = locate_columns(ctx, sheet, L.FIGURE_COLUMNS, L.FIGURE_REQUIRED)
    if found is None:
        return
    head, col = found
    rubric = ctx.rubric
    expected = {
        (fr.unit_id, fr.criterion.id, _key(fr.input.name)): fr for fr in L.figure_rows(rubric, dept_id)
    }
    seen: set[tuple[str, str, str]] = set()
    got: dict[tuple[str, str, str], tuple[FigureEntry, int]] = {}
    for r in data_rows(sheet, head, [col["街镇"], col["编号"], col["指标"], col["数值"]]):
        ctx.tables.rows += 1
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
        if (r, c) in sheet.formula_without_value:
            ctx.add("F107", f"{where} 是公式，但没有计算结果", sheet.name, r, c)
            continue
        value = sheet.value(r, c)
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
