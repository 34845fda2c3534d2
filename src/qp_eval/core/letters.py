"""The content of the letters to each town (函告) and of the highlights booklet (亮点汇编): paragraphs
with their role (``core.document``), laid out as .docx by ``io.writers.official``.

A letter is written from the results the director's meeting decided, saying so; before the meeting
only as a 征求意见稿 from the office's proposal (``draft``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from . import report_data as R
from .decisions import amount_words
from .document import Block, Para, Table, cn_date, cn_number, pages_of
from .evaluate import Evaluation
from .numbers import fmt, publish
from .published import ItemFigure
from .ranking import Ranked
from .rubric import Rubric

NUMBER_PLACEHOLDER = "〔发文字号〕"  # shown until ``letters --number`` gives the real one
DRAFT_MARK = "（征求意见稿）"  # under the title of a letter written before the meeting decided
ZERO = Decimal(0)
_QUARTER = re.compile(r"\bQ([1-4])：")  # a quarter's note as the rubric labels it (Q1：…), said in words


def _result_sentence(rubric: Rubric, you: str, pub, ranked: Ranked, draft: bool = False) -> str:  # noqa: ANN001
    """The result in words; a part worth nothing is said so, not "加 0.00 分". The parts add up to the
    final: the meeting's adjustment, when it made one, is the last of them."""
    parts = [f"其中，民政重点业务工作和综合能力建设得分 {pub.base} 分"]
    parts.append(f"特色亮点工作加 {pub.bonus} 分" if pub.bonus != ZERO else "特色亮点工作未加分")
    parts.append(f"存在问题扣 {pub.deductions} 分" if pub.deductions != ZERO else "没有因存在问题扣分")
    if ranked.adjustment:
        parts.append(f"经局长办公会议审议{amount_words(rubric, ranked.adjustment)}")
    what = "初评" if draft else ""
    return (f"{you}{rubric.year}年度民政工作综合评估{what}最终得分 {ranked.final} 分，在全区 {len(rubric.units)} 个街镇中"
            f"位列第 {ranked.rank} 名，"
            f"{'初评' if draft else '评定'}等次为“{ranked.grade}”。" + "，".join(parts) + "。")


def _decided_lines(ev: Evaluation, ranked: Ranked, you: str) -> list[Para]:
    """What the meeting changed for this town, with its reasons; or how its place moved when the
    meeting changed another town's figure (nothing when the proposal stood for it)."""
    mine = ev.adjustments.get(ranked.unit_id, [])
    before = ev.proposed[ranked.unit_id]
    was = f"初评最终得分 {before.final} 分，位列第 {before.rank} 名，等次“{before.grade}”"
    if mine:
        said = "；".join(f"局长办公会议审议{'加分' if d.amount > 0 else '减分'}的理由：{d.reason}" if d.amount is not None
                        else f"经局长办公会议审议，{you}等次确定为“{d.band}”，理由：{d.reason}" for d in mine)
        return [Para(f"{said}。{you}{was}。")]
    moved = []
    if before.rank != ranked.rank:
        moved.append(f"位次由初评第 {before.rank} 名调整为第 {ranked.rank} 名")
    if before.grade != ranked.grade:
        moved.append(f"等次由初评“{before.grade}”调整为“{ranked.grade}”")
    if moved:
        return [Para(f"因局长办公会议审议调整了其他街镇的评估结果，{you}得分不变，" + "，".join(moved) + "。")]
    return []


def follow_ups(ev: Evaluation) -> dict[str, list[R.Gap]]:
    """The year's large gaps (``report_data.gaps``), by town, in their order."""
    out: dict[str, list[R.Gap]] = {}
    for g in R.gaps(ev):
        out.setdefault(g.unit_id, []).append(g)
    return out


def letter_paragraphs(ev: Evaluation, ranked: Ranked, made: dt.date, number: str = "", draft: bool = False,
                      follow_up: dict[str, list[R.Gap]] | None = None) -> list[Block]:
    """One town's letter: from the results the director's meeting decided, saying so; ``draft``: from
    the office's proposal, before the meeting, as a 征求意见稿. ``follow_up``: the year's large gaps by
    town (``follow_ups``), worked out once for all the letters (each town's alone is a pass over all)."""
    rubric = ev.rubric
    unit = rubric.unit[ranked.unit_id]
    res = ranked.result
    pub = ev.published[ranked.unit_id]
    you = "你镇" if unit.kind == "镇" else "你街道"
    plan = f"根据《{rubric.year}年度青浦区民政工作综合评估方案》，"
    if draft:
        opening = (plan + f"经各评估科室（单位）对口评定、局办公室汇总，形成{rubric.year}年度民政工作综合评估初评结果，"
                   f"尚待局长办公会议审议决定。现将{you}初评结果告知如下，请予核对；如有意见，请及时向局办公室反馈。")
    else:
        d = ev.decision
        assert d.date is not None, "letters are written from a decision, or as a draft"
        minutes = f"（{d.minutes}）" if d.minutes else ""
        opening = (plan + f"经各评估科室（单位）对口评定、局办公室汇总，并经{cn_date(d.date)}局长办公会议审议决定{minutes}，"
                   f"现将{you}{rubric.year}年度民政工作综合评估结果函告如下。")
    paras = [
        Para(number or NUMBER_PLACEHOLDER, "number"),
        Para(f"关于{rubric.year}年度民政工作综合评估结果的函", "title", keep=draft),
        *([Para(DRAFT_MARK, "subtitle")] if draft else []),
        Para(f"{unit.addressee}：", "to"),
        Para(opening),
        Para("一、评估结果", "heading", keep=True),
        Para(
            _result_sentence(rubric, you, pub, ranked, draft)
            + (f"（{ranked.grade_note}。）" if ranked.grade_note else "")
            + (f"{you}{ranked.tie_note}。" if ranked.tie_note else "")
        ),
        *([] if draft else _decided_lines(ev, ranked, you)),
    ]
    strong, weak = R.strongest_and_weakest(ev, ranked, n=2)  # the body stays within two pages
    names = {i.number: i.name for i in rubric.items}
    paras.append(Para("二、工作亮点与不足", "heading", keep=True))
    said = []
    if strong:
        said.append("完成较好的项目：" + "、".join(f"{names[f.number]}（{_out_of(f)}）" for f in strong))
    said.append("相对薄弱的项目：" + "、".join(f"{names[f.number]}（{_out_of(f)}）" for f in weak) if weak
                else "各评估项目均取得满分")
    paras.append(Para("；".join(said) + "。"))
    paras.append(Para("三、扣分情况", "heading", keep=True))
    lost = [c for c in res.criteria if c.status in ("entered", "measured") and c.score < c.points and c.note]
    said = []
    if res.deduction_lines:
        capped = res.deductions != sum((d.amount for d in res.deduction_lines), R.ZERO)
        said.append(f"本年度因存在问题扣 {pub.deductions} 分（{len(res.deduction_lines)} 起"
                    + (f"，合计超过上限，按 {fmt(rubric.problems.cap)} 分扣减" if capped else "") + "）")
    else:
        said.append("本年度没有因存在问题扣分")
    if lost:
        said.append(f"各评估科室（单位）评分时对 {len(lost)} 条细则作了扣分说明")
    mine = (follow_up if follow_up is not None else follow_ups(ev)).get(ranked.unit_id, [])
    annex = bool(res.deduction_lines or lost or mine)
    paras.append(Para("；".join(said) + ("，明细见附件" if annex else "") + "。"))
    paras.append(Para("四、跟进事项", "heading", keep=True))
    if mine:
        shown = "、".join(names[g.item_no] for g in mine[:3]) + (f"等 {len(mine)} 个项目" if len(mine) > 3 else "")
        paras.append(Para(f"{shown}与要求存在较大差距，相关科室（单位）将与{you}沟通，进一步加强指导和督查"
                          "（得分和跟进科室见附件）。"))
    else:
        paras.append(Para("没有需要专项跟进的项目。"))
    differ = _self_differences(ev, ranked.unit_id, most=2)
    if differ:
        paras.append(Para(f"对照{you}的自评，{differ}自评与考评差异较大，请对照评估细则和科室扣分说明查找原因。"))
    # the closing lines travel together, so 落款 and 成文日期 never stand alone on a page
    paras.append(Para("请结合评估结果，总结经验，查找不足，认真抓好整改落实，推动民政工作高质量发展。特此函告。", keep=True))
    if annex:  # 附件说明: below the body, before the 落款 (GB/T 9704 7.3.4)
        paras.append(Para(f"附件：{ANNEX_TITLE}", "annex_note", keep=True))
    paras.append(Para(rubric.issuer, "sign", keep=True))
    paras.append(Para(cn_date(made), "date"))
    if annex:
        follow = [(names[g.item_no], _out_of(pub.item(g.item_no)), g.reason, rubric.department[g.department_id].name)
                  for g in mine]
        paras += _annex(rubric, res.deduction_lines, lost, follow)
    return paras


ANNEX_TITLE = "扣分和跟进事项明细"


def _annex(rubric: Rubric, deductions: list, lost: list, follow: list[tuple[str, str, str, str]]) -> list[Block]:
    """附件 on a page of its own: 附件 in 黑体 at the top left, its title, then the tables of the
    problems deducted, of the departments' notes on the criteria scored below their points, and of
    the items followed up."""
    out: list[Block] = [Para("", "break"), Para("附件", "annex"), Para(ANNEX_TITLE, "title")]
    part = iter(range(1, 4))
    if deductions:
        out.append(Para(f"{cn_number(next(part))}、存在问题扣分", "heading", keep=True))
        out.append(Table(("序号", "问题类别", "情况", "扣分（分）", "依据"),
                         tuple((str(k), d.category, d.description or d.category, str(publish(rubric, d.amount)),
                                d.basis or "—")
                               for k, d in enumerate(deductions, 1)),
                         (11, 26, 40, 13, 20), frozenset({2, 4})))
    if lost:
        out.append(Para(f"{cn_number(next(part))}、各评估科室（单位）的扣分说明", "heading", keep=True))
        out.append(Table(("序号", "细则", "得分", "扣分说明"),
                         tuple((str(k), f"{c.criterion_id} {rubric.criteria[c.criterion_id].name}",
                                f"{publish(rubric, c.score)}/{fmt(c.points)} 分",
                                _QUARTER.sub(lambda m: f"第{cn_number(int(m.group(1)))}季度：", c.note))
                               for k, c in enumerate(lost, 1)),
                         (11, 33, 14, 48), frozenset({1, 3})))
    if follow:
        out.append(Para(f"{cn_number(next(part))}、跟进事项", "heading", keep=True))
        out.append(Table(("序号", "项目", "得分", "差距", "跟进科室（单位）"),
                         tuple((str(k), *row) for k, row in enumerate(follow, 1)), (11, 38, 18, 25, 30),
                         frozenset({1, 3, 4})))
    return out


SELF_GAP_SHARE = Decimal("0.1")  # a difference a letter calls 较大: a tenth of the item's points or more


def _self_differences(ev: Evaluation, unit_id: str, most: int = 3) -> str:
    """The town's items where its self-score and the departments' differ most, by at least a tenth of
    the item's points ("" when it sent none, or none differs that much)."""
    if unit_id not in ev.validation.tables.self_reports:
        return ""

    gaps = sorted((g for g in ev.comparison.of_unit(unit_id)
                   if g.difference and abs(g.difference) >= SELF_GAP_SHARE * g.points),  # type: ignore[arg-type]
                  key=lambda g: -abs(g.difference))  # type: ignore[arg-type]
    return "、".join(f"{g.item}（自评 {publish(ev.rubric, g.self_score)} 分、考评 "  # type: ignore[arg-type]
                    f"{publish(ev.rubric, g.scored)} 分）" for g in gaps[:most])


def _out_of(f: ItemFigure) -> str:
    """An item's published score out of the points that apply to the town."""
    text = f"{f.shown}/{fmt(f.applicable)} 分"
    return f"{text}，不适用的细则不计" if f.reduced else text


def booklet_paragraphs(ev: Evaluation, made: dt.date, grades: bool = False) -> list[Block]:
    """A cover, a foreword and the contents with each town's page, then a chapter per town that sent
    highlights: each with its title, type, text and evidence (the 评定等级 only with ``grades``: the
    booklet goes to every town). The page numbers are worked out from the layout (``document.pages_of``)."""
    rubric = ev.rubric
    by_unit: dict[str, list] = {}
    for h in sorted(ev.validation.tables.highlights, key=lambda h: h.seq):
        if h.name:
            by_unit.setdefault(h.unit_id, []).append(h)
    towns = [u for u in rubric.units if by_unit.get(u.id)]
    silent = [u.name for u in rubric.units if not by_unit.get(u.id)]
    chapters: list[list[Block]] = []
    for k, u in enumerate(towns, 1):
        body: list[Block] = [Para(f"{cn_number(k)}、{u.name}", "h1", keep=True)]
        for n, h in enumerate(by_unit[u.id], 1):
            body.append(Para(f"（{cn_number(n)}）{h.name}", "h2", keep=True))
            meta = f"{u.name}　类型：{h.type or '未注明'}" + (f"　评定等级：{h.rating}" if grades and h.rating else "")
            body.append(Para(meta, "meta", keep=bool(h.summary or h.evidence)))
            if h.summary:
                body.append(Para(h.summary))
            if h.evidence:
                body.append(Para(f"佐证材料：{h.evidence}"))
        chapters.append(body)
    count = sum(len(by_unit[u.id]) for u in towns)
    foreword = (f"本汇编收录{rubric.year}年度{len(towns)}个街镇报送的特色亮点工作{count}项，按街镇排列，"
                "供各街镇交流互鉴。" + (f"{'、'.join(silent)}未报送亮点工作。" if silent else ""))
    head: list[Block] = [Para(f"{rubric.year}年度青浦区民政", "cover"), Para("特色亮点工作汇编", "cover2"),
                         Para(rubric.issuer, "cover_sub"), Para(cn_date(made), "cover_sub"), Para("", "break"),
                         Para("目　录", "title", keep=True), Para(foreword)]
    # the contents' page numbers: the cover is page 1, the contents follow, each chapter on a new page
    contents = [Para(f"{cn_number(k)}、{u.name}（{len(by_unit[u.id])} 项）", "toc") for k, u in enumerate(towns, 1)]
    first = 1 + pages_of(head[5:] + contents) + 1
    out = head
    for entry, chapter in zip(contents, chapters, strict=True):
        out.append(Para(f"{entry.text}\t{first}", "toc"))
        first += pages_of(chapter)
    for chapter in chapters:
        out.append(Para("", "break"))
        out += chapter
    return out
