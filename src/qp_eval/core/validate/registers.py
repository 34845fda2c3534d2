"""Checks of the office's two registers: 问题登记 and 亮点登记."""

from __future__ import annotations

from collections import defaultdict

from .. import layout as L
from ..book import RawBook, RawSheet
from ..cells import a1, date_of, is_blank, number, show, text_of, too_many_places
from ..tables import HighlightEntry, ProblemEntry, Source
from ..text import normalize_name
from .context import FileContext, data_rows, open_sheet


def category_of(policy, raw: object):  # noqa: ANN001, ANN201 - (ProblemPolicy, cell) -> ProblemCategory | None
    """The problem category a cell names, by id or by its name as people type it."""
    text = text_of(raw)
    return policy.category(text) or next(
        (c for c in policy.categories if normalize_name(c.name) == normalize_name(text)), None)


def date_in_year(ctx: FileContext, raw: object, year: int, sheet: str, r: int, c: int):  # noqa: ANN201
    """The date a cell holds when it is one of ``year``; otherwise P503 and None."""
    when = date_of(raw)
    if when is None or when.year != year:
        what = "为空" if is_blank(raw) else f"“{show(raw)}”"
        ctx.add("P503", f"发生日期{what}无效或不在 {year} 年内", sheet, r, c)
        return None
    return when


def highlight_number(ctx: FileContext, sheet: RawSheet, r: int, col: dict[str, int], seqs: set[int], whose: str
                     ) -> int | None:
    """A highlight's 序号: H606 when it is not a whole number from 1 to the highlights per town, H603 when
    ``seqs`` (this town's numbers so far) has it; None then (the row is not used)."""
    per_unit = ctx.rubric.highlights.per_unit
    raw = sheet.value(r, col["序号"])
    seq_n = number(raw).value
    if seq_n is None or seq_n != seq_n.to_integral_value() or not 1 <= seq_n <= per_unit:
        ctx.add("H606", f"序号“{show(raw)}”应为 1 到 {per_unit} 的整数", sheet.name, r, col["序号"])
        return None
    seq = int(seq_n)
    if seq in seqs:
        ctx.add("H603", f"{whose}亮点序号 {seq} 重复", sheet.name, r, col["序号"])
        return None
    seqs.add(seq)
    return seq


def highlight_type(ctx: FileContext, sheet: RawSheet, r: int, col: dict[str, int]) -> str:
    """A highlight's 类型 as the rubric spells it; H605 (a warning) when the rubric has no such type (the
    text is kept as typed)."""
    types = {normalize_name(t): t for t in ctx.rubric.highlights.types}
    kind = text_of(sheet.value(r, col["类型"]))
    if kind and normalize_name(kind) not in types:
        ctx.add("H605", f"未知的亮点类型“{show(kind)}”", sheet.name, r, col["类型"])
    return types.get(normalize_name(kind), kind)


def check_problems(ctx: FileContext, book: RawBook) -> None:
    opened = open_sheet(ctx, book, L.PROBLEM_SHEET, L.PROBLEM_COLUMNS, L.PROBLEM_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    rubric = ctx.rubric
    policy = rubric.problems
    optional = [col[c] for c in ("问题描述", "来源", "依据") if c in col]
    for r in data_rows(sheet, head, [col["街镇"], col["问题类别"], col["发生日期"], col["扣分"], *optional]):
        ctx.tables.rows += 1
        if ctx.unusable(sheet, r, col):  # an error value in 扣分 is no blank (the default), nor a category
            continue
        unit_id = ctx.unit(sheet, r, col["街镇"])
        raw_cat = sheet.value(r, col["问题类别"])
        cat = category_of(policy, raw_cat)
        ok = unit_id is not None
        if cat is None:
            ctx.add("P501", f"未知的问题类别“{show(raw_cat)}”", sheet.name, r, col["问题类别"])
            ok = False
        when = date_in_year(ctx, sheet.value(r, col["发生日期"]), rubric.year, sheet.name, r, col["发生日期"])
        if when is None:
            ok = False
        raw_d = sheet.value(r, col["扣分"])
        deduction = None
        if not is_blank(raw_d):
            n = number(raw_d)
            limit = (cat.max_per_case if cat and cat.max_per_case else None) or policy.cap
            if n.value is None or n.value <= 0 or n.value > limit:
                ctx.add("P502", f"扣分“{show(raw_d)}”应为大于 0、不超过 {limit} 的数字", sheet.name, r, col["扣分"])
                ok = False
            elif too_many_places(n.value, rubric.precision):
                ctx.add("V405", f"扣分 {show(raw_d)} 超过 {rubric.precision} 位小数", sheet.name, r, col["扣分"])
                ok = False
            deduction = n.value
        if not ok:
            continue
        assert unit_id is not None and cat is not None
        ctx.tables.problems.append(ProblemEntry(
            unit_id, cat.id, _text(sheet, r, col, "问题描述"), when, _text(sheet, r, col, "来源"), deduction,
            _text(sheet, r, col, "依据"), Source(ctx.file, sheet.name, f"第 {r + 1} 行"),
        ))


def _text(sheet, r: int, col: dict[str, int], name: str) -> str:  # noqa: ANN001
    return text_of(sheet.value(r, col[name])) if name in col else ""


def check_highlights(ctx: FileContext, book: RawBook) -> None:
    opened = open_sheet(ctx, book, L.HIGHLIGHT_SHEET, L.HIGHLIGHT_COLUMNS, L.HIGHLIGHT_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    rubric = ctx.rubric
    policy = rubric.highlights
    content = [col[c] for c in ("亮点名称", "简介", "类型", "佐证材料", "评定等级") if c in col]
    counts: dict[str, int] = defaultdict(int)
    seqs: dict[str, set[int]] = defaultdict(set)
    for r in data_rows(sheet, head, content):
        ctx.tables.rows += 1
        if ctx.unusable(sheet, r, col):  # an error value in 评定等级 is no blank (not rated)
            unit_id = ctx.rubric.resolve_unit(text_of(sheet.value(r, col["街镇"])))
            if unit_id is not None:
                counts[unit_id] += 1  # its highlight was sent: say what is wrong with it, not that it is missing
            continue
        unit_id = ctx.unit(sheet, r, col["街镇"])
        if unit_id is None:
            continue
        counts[unit_id] += 1
        seq = highlight_number(ctx, sheet, r, col, seqs[unit_id], f"{rubric.unit[unit_id].name} 的")
        if seq is None:
            continue
        kind = highlight_type(ctx, sheet, r, col)
        rating = normalize_name(text_of(sheet.value(r, col["评定等级"]))).upper()
        if rating and policy.bonus_of(rating) is None:
            ctx.add("H602", f"未知的评定等级“{show(rating)}”", sheet.name, r, col["评定等级"])
            continue
        evidence = text_of(sheet.value(r, col["佐证材料"]))
        if rating and not evidence:
            ctx.add("H604", f"{rubric.unit[unit_id].name} 第 {seq} 个亮点评为 {rating}，但没有佐证材料",
                    sheet.name, r, col["佐证材料"])
        ctx.tables.highlights.append(HighlightEntry(
            unit_id, seq, _text(sheet, r, col, "亮点名称"), _text(sheet, r, col, "简介"), kind, evidence, rating,
            Source(ctx.file, sheet.name, a1(r, col["评定等级"])),
        ))
    for u in rubric.units:
        if counts[u.id] != policy.per_unit:
            ctx.add("H601", f"{u.name} 报送了 {counts[u.id]} 个亮点，应为 {policy.per_unit} 个", sheet.name)
