"""Checks of a town's self-evaluation workbook (自评表): 自评, 指标, 亮点, 问题.

The same cell checks and codes as the departments' sheets where the meaning is the same (a
value that is not a number, above its points, with too many decimals; an unknown indicator,
highlight type or problem category; a date outside the year) and Z-codes for what only a
self-evaluation has. A workbook holds one town, named in its 说明 sheet; it never changes a
score: the results go to ``Tables.self_reports`` for the comparison with the departments.
"""

from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from ..book import RawBook, RawSheet
from ..cells import a1, is_blank, number, show, text_of, too_many_places
from ..tables import FigureEntry, HighlightEntry, SelfProblem, SelfReport, SelfScore, Source
from ..text import normalize_name
from .context import FileContext, data_rows, open_sheet
from .registers import category_of, date_in_year


def check_self(ctx: FileContext, book: RawBook, unit_id: str) -> None:
    report = SelfReport(unit_id, ctx.file)
    _scores(ctx, book, report)
    _figures(ctx, book, report)
    _highlights(ctx, book, report)
    _problems(ctx, book, report)
    ctx.tables.self_reports[unit_id] = report


def _score_value(ctx: FileContext, raw: object, points: Decimal, what: str, sheet: str, r: int, c: int
                 ) -> Decimal | None:
    """A self-score or figure as an exact decimal within 0..points (points None: no upper bound)."""
    n = number(raw)
    if n.value is None:
        code = n.problem or "V401"
        ctx.add(code, f"{what}“{show(raw)}”不是数字" if code == "V401" else f"{what}为非数值或无穷大", sheet, r, c)
        return None
    if n.widened:
        ctx.add("V402", f"{what}“{show(raw)}”含全角字符，已按 {n.value} 读取", sheet, r, c)
    if n.value < 0:
        ctx.add("V403", f"{what} {n.value} 为负数", sheet, r, c)
        return None
    if n.value > points:
        ctx.add("V404", f"{what} {n.value} 超过分值 {points}", sheet, r, c)
        return None
    if too_many_places(n.value, ctx.rubric.precision, n.places):
        ctx.add("V405", f"{what} {show(raw)} 超过 {ctx.rubric.precision} 位小数", sheet, r, c)
        return None
    return n.value


def _scores(ctx: FileContext, book: RawBook, report: SelfReport) -> None:
    opened = open_sheet(ctx, book, L.SELF_SHEET, L.SELF_COLUMNS, L.SELF_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    rubric = ctx.rubric
    expected = {c.id: c for c in L.self_criteria(rubric, report.unit_id)}
    score_c, note_c = col["自评得分"], col["自评说明"]
    evidence_c = col.get("佐证材料")
    seen: set[str] = set()
    for r in data_rows(sheet, head, [col["编号"], score_c, note_c]):
        ctx.tables.rows += 1
        cid = text_of(sheet.value(r, col["编号"]))
        crit = expected.get(cid) or next((c for k, c in expected.items() if normalize_name(k) == normalize_name(cid)), None)
        if crit is None:
            if not ctx.unusable(sheet, r, col):
                ctx.add("Z802", f"编号“{show(cid)}”不是适用于{rubric.unit[report.unit_id].name}的自评细则", sheet.name, r,
                        col["编号"])
            continue
        if crit.id in seen:
            ctx.add("Z804", f"细则 {crit.id} 出现了多行", sheet.name, r, col["编号"])
            continue
        seen.add(crit.id)
        if ctx.unusable(sheet, r, col):  # the row is there; what it holds cannot be read
            continue
        raw = sheet.value(r, score_c)
        note = text_of(sheet.value(r, note_c))
        if is_blank(raw):
            report.blank.append(crit.id)
            continue
        value = _score_value(ctx, raw, crit.points, f"细则 {crit.id} 的自评得分", sheet.name, r, score_c)
        if value is None:
            continue
        if value < crit.points and not note:
            ctx.add("Z801", f"细则 {crit.id} 自评 {value} 分（满分 {crit.points}），没有填写自评说明", sheet.name, r, note_c)
        evidence = text_of(sheet.value(r, evidence_c)) if evidence_c is not None else ""
        report.scores[crit.id] = SelfScore(crit.id, value, note, evidence, Source(ctx.file, sheet.name, a1(r, score_c)))
    for cid, crit in expected.items():
        if cid not in seen:
            ctx.add("Z803", f"缺少细则 {cid}（{crit.name}）的行", sheet.name)
    if report.blank:
        listed = "、".join(report.blank[:8]) + ("等" if len(report.blank) > 8 else "")
        ctx.add("Z805", f"{len(report.blank)} 条细则没有填写自评得分：{listed}", sheet.name)


def _figures(ctx: FileContext, book: RawBook, report: SelfReport) -> None:
    rows = list(L.self_figure_rows(ctx.rubric, report.unit_id))
    if not rows:
        return
    opened = open_sheet(ctx, book, L.FIGURE_SHEET, L.SELF_FIGURE_COLUMNS, L.SELF_FIGURE_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    expected = {(c.id, normalize_name(i.name)): (c, i) for c, i in rows}
    value_c = col["数值"]
    for r in data_rows(sheet, head, [col["编号"], col["指标"], value_c]):
        ctx.tables.rows += 1
        if ctx.unusable(sheet, r, col):
            continue
        key = (text_of(sheet.value(r, col["编号"])), normalize_name(text_of(sheet.value(r, col["指标"]))))
        found = expected.get(key)
        if found is None:
            ctx.add("I705", f"指标“{show(key[0])} {show(sheet.value(r, col['指标']))}”不在评估细则中", sheet.name, r,
                    col["指标"])
            continue
        crit, inp = found
        if (crit.id, inp.id) in report.figures:
            ctx.add("I706", f"指标“{inp.name}”出现了多行", sheet.name, r, col["指标"])
            continue
        raw = sheet.value(r, value_c)
        if is_blank(raw):
            continue  # an unfilled figure: its criterion has no self-score (未自评 in the comparison)
        n = number(raw)
        if n.value is None:
            ctx.add("I702", f"{crit.id} {inp.name} 的数值“{show(raw)}”不是数字", sheet.name, r, value_c)
            continue
        if n.value < 0:
            ctx.add("I703", f"{crit.id} {inp.name} 的数值 {n.value} 为负数", sheet.name, r, value_c)
            continue
        if n.value == 0 and crit.divides_by(inp.id):
            ctx.add("I704", f"{crit.id} 的“{inp.name}”为 0，无法计算比例", sheet.name, r, value_c)
            continue
        report.figures[(crit.id, inp.id)] = FigureEntry(report.unit_id, crit.id, inp.id, n.value,
                                                        Source(ctx.file, sheet.name, a1(r, value_c)))


def _highlights(ctx: FileContext, book: RawBook, report: SelfReport) -> None:
    opened = open_sheet(ctx, book, L.HIGHLIGHT_SHEET, L.SELF_HIGHLIGHT_COLUMNS, L.SELF_HIGHLIGHT_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    policy = ctx.rubric.highlights
    types = {normalize_name(t): t for t in policy.types}
    content = [col[c] for c in ("亮点名称", "简介", "类型", "佐证材料") if c in col]
    seqs: set[int] = set()
    for r in data_rows(sheet, head, content):
        ctx.tables.rows += 1
        if ctx.unusable(sheet, r, col):
            continue
        seq_n = number(sheet.value(r, col["序号"])).value
        if seq_n is None or seq_n != seq_n.to_integral_value() or not 1 <= seq_n <= policy.per_unit:
            ctx.add("H606", f"序号“{show(sheet.value(r, col['序号']))}”应为 1 到 {policy.per_unit} 的整数", sheet.name, r,
                    col["序号"])
            continue
        seq = int(seq_n)
        if seq in seqs:
            ctx.add("H603", f"亮点序号 {seq} 重复", sheet.name, r, col["序号"])
            continue
        seqs.add(seq)
        name = _text(sheet, r, col, "亮点名称")
        if not name:
            ctx.add("Z806", f"第 {seq} 个亮点没有填写亮点名称", sheet.name, r, col["亮点名称"])
            continue
        kind = _text(sheet, r, col, "类型")
        if kind and normalize_name(kind) not in types:
            ctx.add("H605", f"未知的亮点类型“{show(kind)}”", sheet.name, r, col["类型"])
        report.highlights.append(HighlightEntry(
            report.unit_id, seq, name, _text(sheet, r, col, "简介"), types.get(normalize_name(kind), kind),
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
