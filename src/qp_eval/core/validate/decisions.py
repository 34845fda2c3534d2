"""Checks of the register of the director's meeting (审议决定): the meeting (会议) and its decisions (决定).

An empty register, or one without a meeting date, means the meeting has not decided yet: every result
is the office's proposal (初评). A meeting date with no decision rows means "approved as proposed".
Each decision names a town and either adjusts its final by a signed amount or sets its grade, always
with a reason. Whether an adjusted final stays within 0 and the maximum is known only once the year is
scored: ``core.decisions`` says so (D907).
"""

from __future__ import annotations

from .. import layout as L
from ..book import RawBook
from ..cells import a1, date_of, is_blank, number, show, text_of, too_many_places
from ..tables import DecisionEntry, Meeting, Source
from ..text import normalize_name
from .context import FileContext, data_rows, open_sheet

WHAT = {normalize_name(k): k for k in L.DECISION_KINDS}


def check_decisions(ctx: FileContext, book: RawBook) -> None:
    meeting = _meeting(ctx, book)
    opened = open_sheet(ctx, book, L.DECISION_SHEET, L.DECISION_COLUMNS, L.DECISION_REQUIRED)
    if opened is None:
        return
    sheet, head, col = opened
    rubric = ctx.rubric
    bands = {normalize_name(g.name): g.name for g in rubric.grades}
    content = [col[c] for c in L.DECISION_COLUMNS if c in col]
    seen: set[tuple[str, str]] = set()
    entries: list[DecisionEntry] = []
    for r in data_rows(sheet, head, content):
        ctx.tables.rows += 1
        if ctx.unusable(sheet, r, col):
            continue
        unit_id = ctx.unit(sheet, r, col["街镇"])
        raw_what = sheet.value(r, col["决定事项"])
        what = WHAT.get(normalize_name(text_of(raw_what)))
        ok = unit_id is not None
        if what is None:
            said = "为空" if is_blank(raw_what) else f"“{show(raw_what)}”"
            ctx.add("D903", f"决定事项{said}，应为{'或'.join(L.DECISION_KINDS)}", sheet.name, r, col["决定事项"])
            ok = False
        reason = text_of(sheet.value(r, col["理由"]))
        if not reason:
            ctx.add("D905", "审议决定没有填写理由", sheet.name, r, col["理由"])
            ok = False
        amount = band = None
        if what == L.DECIDE_FINAL:
            raw = sheet.value(r, col["调整分值"])
            n = number(raw)
            if is_blank(raw) or n.value is None or n.value == 0:
                said = "为空" if is_blank(raw) else f"“{show(raw)}”"
                ctx.add("D906", f"调整分值{said}，应为不为 0 的数字（加分为正，减分为负）", sheet.name, r, col["调整分值"])
                ok = False
            elif too_many_places(n.value, rubric.precision, n.places):
                ctx.add("V405", f"调整分值 {n.value} 超过 {rubric.precision} 位小数", sheet.name, r, col["调整分值"])
                ok = False
            else:
                amount = n.value
        elif what == L.DECIDE_GRADE:
            raw_band = sheet.value(r, col["等次"])
            band = bands.get(normalize_name(text_of(raw_band)))
            if band is None:
                said = "为空" if is_blank(raw_band) else f"“{show(raw_band)}”不是细则规定的等次"
                ctx.add("D904", f"确定等次时等次{said}（可选：{'、'.join(g.name for g in rubric.grades)}）",
                        sheet.name, r, col["等次"])
                ok = False
        if not ok:
            continue
        assert unit_id is not None and what is not None
        if (unit_id, what) in seen:
            ctx.add("D908", f"{rubric.unit[unit_id].name} 的“{what}”已有一条决定", sheet.name, r, col["决定事项"])
            continue
        seen.add((unit_id, what))
        note = text_of(sheet.value(r, col["备注"])) if "备注" in col else ""
        entries.append(DecisionEntry(unit_id, what, amount, band, reason, note,
                                     Source(ctx.file, sheet.name, a1(r, col["调整分值" if amount is not None else "等次"]))))
    if entries and meeting is None:
        ctx.add("D902", f"“{L.DECISION_SHEET}”表登记了 {len(entries)} 条决定，“{L.MEETING_SHEET}”表却没有会议日期",
                L.MEETING_SHEET)
        return
    ctx.tables.decisions += entries
    ctx.tables.meeting = meeting


def _meeting(ctx: FileContext, book: RawBook) -> Meeting | None:
    """The meeting's date and minutes from the 会议 sheet (None: no date yet, or a wrong one: D901)."""
    opened = open_sheet(ctx, book, L.MEETING_SHEET, L.MEETING_COLUMNS, L.MEETING_COLUMNS)
    if opened is None:
        return None
    sheet, head, col = opened
    values: dict[str, tuple[object, int]] = {}
    keys = {normalize_name(k): k for k in (L.KEY_MEETING_DATE, L.KEY_MINUTES)}
    for r in range(head + 1, len(sheet.rows)):
        key = keys.get(normalize_name(text_of(sheet.value(r, col["项目"]))))
        if key is not None and key not in values:
            if ctx.unusable(sheet, r, {"内容": col["内容"]}):
                return None
            values[key] = (sheet.value(r, col["内容"]), r)
    raw, r = values.get(L.KEY_MEETING_DATE, ("", None))  # type: ignore[assignment]
    if is_blank(raw):
        return None
    c = col["内容"]
    when = date_of(raw)
    after = ctx.rubric.deadlines.department_scoring
    if when is None or when < after or when.year > ctx.rubric.year + 1:
        why = "不是有效日期" if when is None else f"早于科室评分截止日期 {after}" if when < after else "晚于评估的下一年"
        ctx.add("D901", f"会议日期“{show(raw)}”{why}", sheet.name, r, c)
        return None
    minutes, mr = values.get(L.KEY_MINUTES, ("", r))  # type: ignore[assignment]
    if is_blank(minutes):
        ctx.add("D909", "填写了会议日期，但没有纪要文号", sheet.name, mr, c)
    return Meeting(when, text_of(minutes), ctx.file)
