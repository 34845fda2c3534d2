"""Checks of a town's self-evaluation workbook (自评表): 自评, 指标, 亮点, 问题.

The same rules as the departments' sheets where the meaning is the same, in one place: 自评 and
指标 are read into frames and checked by ``values`` (a value that is not a number, above its points,
with too many decimals, an indicator that cannot be used); highlights share 序号 and 类型 with the
register (``registers``), problems their category and date; Z-codes say what only a
self-evaluation has. A workbook holds one town, named in its 说明 sheet; it never changes a
score: the results go to ``Tables.self_reports`` for the comparison with the departments.
"""

from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from ..book import RawBook, RawSheet
from ..cells import a1, show, text_of
from ..tables import FigureEntry, HighlightEntry, SelfProblem, SelfReport, SelfScore, Source
from ..text import normalize_name
from . import values
from .context import FileContext, data_rows, open_sheet, open_stream
from .frame import Findings, Frame, error_values, formulas_without_value, read_frame, stopping
from .registers import category_of, date_in_year, highlight_number, highlight_type


def check_self(ctx: FileContext, book: RawBook, unit_id: str) -> None:
    report = SelfReport(unit_id, ctx.file)
    _scores(ctx, book, report)
    _figures(ctx, book, report)
    _highlights(ctx, book, report)
    _problems(ctx, book, report)
    ctx.tables.self_reports[unit_id] = report


def _scores(ctx: FileContext, book: RawBook, report: SelfReport) -> None:
    """自评: one row per criterion that applies to the town, each self-score checked by the departments'
    rules (``values.check_scores``) and Z801-Z805 for what only a self-evaluation has."""
    opened = open_stream(ctx, book, L.SELF_SHEET, L.SELF_COLUMNS, L.SELF_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    rubric = ctx.rubric
    expected = {c.id: c for c in L.self_criteria(rubric, report.unit_id)}
    by_key = {normalize_name(k): c for k, c in expected.items()}
    found = Findings(ctx, Frame(sheet, col))
    frame = found.frame = read_frame(ctx, sheet, head, col, "编号", "自评得分", "自评说明", found, town=report.unit_id,
                                     extra=("佐证材料",))
    stop = stopping(found)
    crits = [by_key.get(k) for k in frame.key]
    rows = list(range(len(frame.row)))
    if sheet.errors:
        rows = stop(rows, "F117", error_values(frame, rows, "编号", lambda i: ""), "编号")
    town = rubric.unit[report.unit_id].name
    rows = stop(rows, "Z802", [(i, f"编号“{show(frame.key[i])}”不是适用于{town}的自评细则") for i in rows
                               if crits[i] is None], "编号")
    seen: set[str] = set()
    twice = []
    for i in rows:
        cid = crits[i].id  # type: ignore[union-attr]
        if cid in seen:
            twice.append((i, f"细则 {cid} 出现了多行"))
        seen.add(cid)
    rows = stop(rows, "Z804", twice, "编号")
    if sheet.errors:  # the row is there; what it holds cannot be read
        for column in ("自评得分", "自评说明", "佐证材料"):
            if column in col:
                rows = stop(rows, "F117", error_values(frame, rows, column, lambda i: ""), column)
    rows = stop(rows, "F107", formulas_without_value(frame, rows, "自评得分", lambda i: f"细则 {crits[i].id} "),  # type: ignore[union-attr]
                "自评得分")
    empty = frame.blank
    report.blank += [crits[i].id for i in rows if empty[i]]  # type: ignore[union-attr]
    rows = [i for i in rows if not empty[i]]
    points = [c.points if c is not None else Decimal(0) for c in crits]
    rows = values.check_scores(found, rows, "自评得分", lambda i: f"细则 {crits[i].id} 的自评得分", points,  # type: ignore[union-attr]
                               rubric.precision)
    d = frame.decimals
    found.flag("Z801", [(i, f"细则 {crits[i].id} 自评 {d[i]} 分（满分 {points[i]}），没有填写自评说明") for i in rows  # type: ignore[union-attr]
                        if d[i] < points[i] and not frame.note[i]], "自评说明")  # type: ignore[operator]
    evidence = frame.extra.get("佐证材料", [""] * len(frame.row))
    c = col["自评得分"]
    for i in rows:
        cid = crits[i].id  # type: ignore[union-attr]
        report.scores[cid] = SelfScore(cid, d[i], frame.note[i], evidence[i], Source(ctx.file, sheet.name, a1(frame.row[i], c)))  # type: ignore[arg-type]
    found.done()
    for cid, crit in expected.items():
        if cid not in seen:
            ctx.add("Z803", f"缺少细则 {cid}（{crit.name}）的行", sheet.name)
    if report.blank:
        listed = "、".join(report.blank[:8]) + ("等" if len(report.blank) > 8 else "")
        ctx.add("Z805", f"{len(report.blank)} 条细则没有填写自评得分：{listed}", sheet.name)


def _figures(ctx: FileContext, book: RawBook, report: SelfReport) -> None:
    """指标: the town's own figures, checked by the departments' rules (``values.check_figures``); a figure
    left blank only means its criterion has no self-score (未自评 in the comparison)."""
    wanted = list(L.self_figure_rows(ctx.rubric, report.unit_id))
    if not wanted:
        return
    opened = open_stream(ctx, book, L.FIGURE_SHEET, L.SELF_FIGURE_COLUMNS, L.SELF_FIGURE_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    expected = {(c.id, normalize_name(i.name)): (c, i) for c, i in wanted}
    by_key = {(normalize_name(cid), name): x for (cid, name), x in expected.items()}
    found = Findings(ctx, Frame(sheet, col))
    frame = found.frame = read_frame(ctx, sheet, head, col, "编号", "数值", "指标", found, town=report.unit_id)
    stop = stopping(found)
    rows_of = [by_key.get((k, normalize_name(n))) for k, n in zip(frame.key, frame.note, strict=True)]
    rows = list(range(len(frame.row)))
    if sheet.errors:
        for column in ("编号", "指标"):
            rows = stop(rows, "F117", error_values(frame, rows, column, lambda i: ""), column)
    rows = stop(rows, "I705", [(i, f"指标“{show(frame.key[i])} {show(frame.note[i])}”不在评估细则中") for i in rows
                               if rows_of[i] is None], "指标")
    seen: set[tuple[str, str]] = set()
    twice = []
    for i in rows:
        crit, inp = rows_of[i]  # type: ignore[misc]
        if (crit.id, inp.id) in seen:
            twice.append((i, f"指标“{inp.name}”出现了多行"))
        seen.add((crit.id, inp.id))
    rows = stop(rows, "I706", twice, "指标")
    if sheet.errors:
        rows = stop(rows, "F117", error_values(frame, rows, "数值", lambda i: ""), "数值")
    rows = stop(rows, "F107", formulas_without_value(frame, rows, "数值", lambda i: f"{rows_of[i][0].id} {rows_of[i][1].name} "),  # type: ignore[index]
                "数值")
    empty = frame.blank
    rows = [i for i in rows if not empty[i]]  # an unfilled figure: its criterion has no self-score
    rows = values.check_figures(
        found, rows, "数值", lambda i: f"{rows_of[i][0].id} {rows_of[i][1].name} 的数值",  # type: ignore[index]
        divides=lambda i: rows_of[i][0].divides_by(rows_of[i][1].id),  # type: ignore[index]
        zero=lambda i: f"{rows_of[i][0].id} 的“{rows_of[i][1].name}”")  # type: ignore[index]
    d, c = frame.decimals, col["数值"]
    for i in rows:
        crit, inp = rows_of[i]  # type: ignore[misc]
        report.figures[(crit.id, inp.id)] = FigureEntry(report.unit_id, crit.id, inp.id, d[i],  # type: ignore[arg-type]
                                                        Source(ctx.file, sheet.name, a1(frame.row[i], c)))
    found.done()


def _highlights(ctx: FileContext, book: RawBook, report: SelfReport) -> None:
    opened = open_sheet(ctx, book, L.HIGHLIGHT_SHEET, L.SELF_HIGHLIGHT_COLUMNS, L.SELF_HIGHLIGHT_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    policy = ctx.rubric.highlights
    content = [col[c] for c in ("亮点名称", "简介", "类型", "佐证材料") if c in col]
    seqs: set[int] = set()
    for r in data_rows(sheet, head, content):
        ctx.tables.rows += 1
        if ctx.unusable(sheet, r, col):
            continue
        seq = highlight_number(ctx, sheet, r, col, seqs, "")
        if seq is None:
            continue
        name = _text(sheet, r, col, "亮点名称")
        if not name:
            ctx.add("Z806", f"第 {seq} 个亮点没有填写亮点名称", sheet.name, r, col["亮点名称"])
            continue
        kind = highlight_type(ctx, sheet, r, col)
        report.highlights.append(HighlightEntry(
            report.unit_id, seq, name, _text(sheet, r, col, "简介"), kind,
            _text(sheet, r, col, "佐证材料"), "", Source(ctx.file, sheet.name, f"第 {r + 1} 行")))
    if len(report.highlights) != policy.per_unit:
        ctx.add("Z807", f"报送了 {len(report.highlights)} 个亮点，应为 {policy.per_unit} 个", sheet.name)


def _problems(ctx: FileContext, book: RawBook, report: SelfReport) -> None:
    opened = open_sheet(ctx, book, L.PROBLEM_SHEET, L.SELF_PROBLEM_COLUMNS, L.SELF_PROBLEM_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    rubric = ctx.rubric
    policy = rubric.problems
    content = [col[c] for c in L.SELF_PROBLEM_COLUMNS if c in col]
    for r in data_rows(sheet, head, content):
        ctx.tables.rows += 1
        if ctx.unusable(sheet, r, col):
            continue
        raw_cat = text_of(sheet.value(r, col["问题类别"]))
        cat = category_of(policy, raw_cat)
        if cat is None:
            ctx.add("P501", f"未知的问题类别“{show(raw_cat)}”" if raw_cat else "问题类别为空", sheet.name, r,
                    col["问题类别"])
            continue
        when = date_in_year(ctx, sheet.value(r, col["发生日期"]), rubric.year, sheet.name, r, col["发生日期"])
        if when is None:
            continue
        report.problems.append(SelfProblem(cat.id, _text(sheet, r, col, "问题描述"), when,
                                           _text(sheet, r, col, "整改情况"), Source(ctx.file, sheet.name, f"第 {r + 1} 行")))


def _text(sheet: RawSheet, r: int, col: dict[str, int], name: str) -> str:
    return text_of(sheet.value(r, col[name])) if name in col else ""
