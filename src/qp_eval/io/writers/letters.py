"""Letters to each town (函告) and the highlights booklet (亮点汇编), as .docx with python-docx.

Each document's content is built as plain paragraphs first; ``_render`` lays them out in the
national layout for official documents (GB/T 9704-2012): A4 with a 156 × 225 mm type area,
title in 小标宋 二号, body in 仿宋_GB2312 三号 on a 29 pt line (22 lines a page), headings in
黑体, 发文字号 and 主送, the closing paragraphs, 落款 and 成文日期 kept together on one page,
page numbers "— 1 —" in 宋体 四号 on the outer side. The East Asian fonts are named in every
run, with 宋体/仿宋/楷体 as the alternatives Word uses where the GB fonts are not installed.
Every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from ...core import report_data as R
from ...core.decisions import adjustment_text, signed
from ...core.errors import WorkspaceError
from ...core.evaluate import Evaluation
from ...core.names import letter_name
from ...core.numbers import fmt, publish
from ...core.published import ItemFigure
from ...core.ranking import Ranked
from ...core.rubric import Rubric
from ...core.text import printable, width_of
from ..atomic import atomic_path, atomic_paths
from ..oserrors import writing_to

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
ALTERNATIVES = {BODY_FONT: "仿宋", TITLE_FONT: "宋体", KAI_FONT: "楷体"}  # what Word uses where these are absent
BODY_PT, TITLE_PT, PAGE_PT, LINE_PT = 16, 22, 14, 29
NUMBER_PLACEHOLDER = "〔发文字号〕"  # shown until ``letters --number`` gives the real one
DRAFT_MARK = "（征求意见稿）"  # under the title of a letter written before the meeting decided
ZERO = Decimal(0)


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"  # number | title | to | body | heading | item | sign | date | cover | toc | h1 | h2 | meta
    keep: bool = False  # on the same page as the paragraph that follows


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _result_sentence(rubric: Rubric, you: str, pub, ranked: Ranked, draft: bool = False) -> str:  # noqa: ANN001
    """The result in words; a part worth nothing is said so, not "加 0.00 分". The parts add up to the
    final: the meeting's adjustment, when it made one, is the last of them."""
    parts = [f"其中，民政重点业务工作和综合能力建设得分 {pub.base} 分"]
    parts.append(f"特色亮点工作加 {pub.bonus} 分" if pub.bonus != ZERO else "无特色亮点工作加分")
    parts.append(f"存在问题扣 {pub.deductions} 分" if pub.deductions != ZERO else "无存在问题扣分")
    if ranked.adjustment:
        parts.append(f"局长办公会议审议调整 {signed(rubric, ranked.adjustment)} 分")
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
        said = "；".join(adjustment_text(ev.rubric, d) for d in mine)
        return [Para(f"经局长办公会议审议，{you}{said}。{you}{was}。")]
    moved = []
    if before.rank != ranked.rank:
        moved.append(f"位次由初评第 {before.rank} 名调整为第 {ranked.rank} 名")
    if before.grade != ranked.grade:
        moved.append(f"等次由初评“{before.grade}”调整为“{ranked.grade}”")
    if moved:
        return [Para(f"因局长办公会议审议调整了其他街镇的评估结果，{you}得分不变，" + "，".join(moved) + "。")]
    return []


def letter_paragraphs(ev: Evaluation, ranked: Ranked, made: dt.date, number: str = "", draft: bool = False) -> list[Para]:
    """One town's letter: from the results the director's meeting decided, saying so; ``draft``: from
    the office's proposal, before the meeting, as a 征求意见稿."""
    rubric = ev.rubric
    unit = rubric.unit[ranked.unit_id]
    res = ranked.result
    pub = ev.published[ranked.unit_id]
    you = "你镇" if unit.kind == "镇" else "你街道"
    plan = (f"根据《{rubric.year}年度青浦区民政工作综合评估方案》，区民政局对各街镇民政部门{rubric.year}年度民政工作"
            "进行了综合评估。")
    if draft:
        opening = (plan + f"经各评估科室（单位）对口评定、局办公室汇总，形成初评结果，尚待局长办公会议审议决定。"
                   f"现将{you}初评结果告知如下，请予核对；如有意见，请及时向局办公室反馈。")
    else:
        d = ev.decision
        assert d.date is not None, "letters are written from a decision, or as a draft"
        minutes = f"（{d.minutes}）" if d.minutes else ""
        opening = (plan + f"经各评估科室（单位）对口评定、局办公室汇总，并经{_cn_date(d.date)}局长办公会议审议决定{minutes}，"
                   f"现将{you}评估结果函告如下。")
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
    strong, weak = R.strongest_and_weakest(ev, ranked)
    names = {i.number: i.name for i in rubric.items}
    paras.append(Para("二、工作亮点与不足", "heading", keep=True))
    if strong:
        paras.append(Para("完成较好的项目：" + "；".join(f"{names[f.number]}（{_out_of(f)}）" for f in strong) + "。"))
    if weak:
        paras.append(Para("相对薄弱的项目：" + "；".join(f"{names[f.number]}（{_out_of(f)}）" for f in weak) + "。"))
    else:
        paras.append(Para("各评估项目均取得满分。"))
    paras.append(Para("三、扣分情况", "heading", keep=True))
    if res.deduction_lines:
        paras.append(Para("存在问题扣分：", keep=True))
        for k, d in enumerate(res.deduction_lines, 1):
            reason = d.description or d.category
            basis = f"（依据：{d.basis}）" if d.basis else ""
            paras.append(Para(f"{k}. {d.category}：{reason}，扣 {fmt(d.amount)} 分{basis}。", "item"))
        if res.deductions != sum((d.amount for d in res.deduction_lines), R.ZERO):
            paras.append(Para(f"扣分合计超过上限，按 {fmt(rubric.problems.cap)} 分扣减。"))
    else:
        paras.append(Para("本年度无存在问题扣分。"))
    lost = [c for c in res.criteria if c.status in ("entered", "measured") and c.score < c.points and c.note]
    if lost:
        paras.append(Para("各评估科室（单位）的扣分说明：", keep=True))
        for k, c in enumerate(lost, 1):
            paras.append(Para(f"{k}. {c.criterion_id} {rubric.criteria[c.criterion_id].name}：{c.note}。", "item"))
    paras.append(Para("四、跟进事项", "heading", keep=True))
    mine = [g for g in R.gaps(ev) if g.unit_id == ranked.unit_id]
    if mine:
        paras.append(Para("以下项目与要求存在较大差距，相关科室（单位）将与你单位沟通，进一步加强指导和督查：", keep=True))
        for k, g in enumerate(mine, 1):
            f = pub.item(g.item_no)
            paras.append(Para(f"{k}. {names[g.item_no]}（{_out_of(f)}，{g.reason}），由"
                              f"{rubric.department[g.department_id].name}跟进。", "item"))
    else:
        paras.append(Para("无需专项跟进的项目。"))
    differ = _self_differences(ev, ranked.unit_id)
    if differ:
        paras.append(Para("对照你单位的自评，以下项目自评与考评差异较大，请对照评估细则和科室扣分说明查找原因：" + differ + "。"))
    # the closing lines travel together, so 落款 and 成文日期 never stand alone on a page
    paras.append(Para("请结合评估结果，总结经验，查找不足，认真抓好整改落实，推动民政工作高质量发展。", keep=True))
    paras.append(Para("特此函告。", keep=True))
    paras.append(Para(rubric.issuer, "sign", keep=True))
    paras.append(Para(_cn_date(made), "date"))
    return paras


def _self_differences(ev: Evaluation, unit_id: str, most: int = 3) -> str:
    """The town's items where its self-score and the departments' differ most ("" when it sent none)."""
    if unit_id not in ev.validation.tables.self_reports:
        return ""

    gaps = sorted((g for g in ev.comparison.of_unit(unit_id) if g.difference), key=lambda g: -abs(g.difference))  # type: ignore[arg-type]
    return "；".join(f"{g.item}（自评 {publish(ev.rubric, g.self_score)} 分，考评 "  # type: ignore[arg-type]
                    f"{publish(ev.rubric, g.scored)} 分）" for g in gaps[:most])


def _out_of(f: ItemFigure) -> str:
    """An item's published score out of the points that apply to the town."""
    text = f"{f.shown}/{fmt(f.applicable)} 分"
    return f"{text}，不适用的细则不计" if f.reduced else text


CN_NUMBERS = "一二三四五六七八九十"


def _cn(k: int) -> str:
    """1 -> 一, 11 -> 十一, 21 -> 二十一 (up to 99)."""
    if k <= 10:
        return CN_NUMBERS[k - 1]
    tens, ones = divmod(k, 10)
    return (CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def booklet_paragraphs(ev: Evaluation, made: dt.date) -> list[Para]:
    """A cover, a table of contents by town, then one chapter per town: each highlight with its
    type, rating and evidence."""
    rubric = ev.rubric
    by_unit: dict[str, list] = {}
    for h in sorted(ev.validation.tables.highlights, key=lambda h: h.seq):
        by_unit.setdefault(h.unit_id, []).append(h)
    paras = [Para(f"{rubric.year}年度青浦区民政特色亮点工作汇编", "cover"),
             Para(rubric.issuer, "cover_sub"), Para(_cn_date(made), "cover_sub"), Para("", "break"),
             Para("目　录", "title")]
    for k, u in enumerate(rubric.units, 1):
        count = len([h for h in by_unit.get(u.id, []) if h.name])
        paras.append(Para(f"{_cn(k)}、{u.name}（{count} 项）", "toc"))
        for h in by_unit.get(u.id, []):
            if h.name:
                paras.append(Para(f"{h.seq}. {h.name}", "toc2"))
    for k, u in enumerate(rubric.units, 1):
        paras.append(Para("", "break"))
        paras.append(Para(f"{_cn(k)}、{u.name}", "h1", keep=True))
        items = by_unit.get(u.id, [])
        if not items:
            paras.append(Para("（未报送亮点工作）"))
        for h in items:
            paras.append(Para(f"（{_cn(h.seq)}）{h.name or '（未命名）'}", "h2", keep=True))
            meta = f"类型：{h.type or '未注明'}"
            if h.rating:
                meta += f"　评定等级：{h.rating}"
            paras.append(Para(meta, "meta", keep=bool(h.summary or h.evidence)))
            if h.summary:
                paras.append(Para(h.summary))
            if h.evidence:
                paras.append(Para(f"佐证材料：{h.evidence}"))
    return paras


# --- layout ---------------------------------------------------------------------------------


def _font(run, name: str, size: float, bold: bool = False) -> None:  # noqa: ANN001
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _alternatives(doc) -> None:  # noqa: ANN001
    """Name a fallback for each GB font in the document's font table (Word's w:altName)."""
    font_part = next((p for p in doc.part.package.parts if p.partname == "/word/fontTable.xml"), None)
    if font_part is None:  # pragma: no cover - python-docx's default template has one
        return

    root = parse_xml(font_part.blob)
    for name, alt in ALTERNATIVES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt_el = OxmlElement("w:altName")
        alt_el.set(qn("w:val"), alt)
        font.append(alt_el)
        root.append(font)
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_setup(section) -> None:  # noqa: ANN001
    """A4, GB/T 9704's margins (type area 156 × 225 mm), footer for the page number."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)  # the number sits 7 mm below the type area
    section.header_distance = Mm(15)


def _page_number(paragraph, right: bool) -> None:  # noqa: ANN001
    """"— n —" in 宋体 四号, one character in from the outer edge."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    fmt_ = paragraph.paragraph_format
    if right:
        fmt_.right_indent = Pt(PAGE_PT)
    else:
        fmt_.left_indent = Pt(PAGE_PT)
    _font(paragraph.add_run("— "), PAGE_FONT, PAGE_PT)
    run = paragraph.add_run()
    _font(run, PAGE_FONT, PAGE_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(paragraph.add_run(" —"), PAGE_FONT, PAGE_PT)


def _line(para, exact: float = LINE_PT) -> None:  # noqa: ANN001
    pf = para.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(exact)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)


def _render(paras: list[Para], title: str, author: str, made: dt.date, cover: bool = False):  # noqa: ANN202
    """``cover``: the first page is a cover and carries no page number."""
    doc = Document()
    section = doc.sections[0]
    _page_setup(section)
    section.different_first_page_header_footer = cover
    if cover:
        section.first_page_footer.is_linked_to_previous = False  # an empty footer of its own
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], right=True)
    _page_number(section.even_page_footer.paragraphs[0], right=False)
    _alternatives(doc)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    date_width = next((width_of(p.text) / 2 for p in paras if p.style == "date"), 0)
    for k, p in enumerate(paras):
        if p.style == "break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        para = doc.add_paragraph()
        _line(para)
        run = para.add_run(printable(p.text))
        pf = para.paragraph_format
        pf.keep_with_next = p.keep
        pf.widow_control = True
        if p.style in ("title", "cover"):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _line(para, 38 if p.style == "title" else 60)
            under = k + 1 < len(paras) and paras[k + 1].style == "subtitle"
            pf.space_after = Pt(0 if under else LINE_PT)  # a subtitle keeps the title's space below itself
            if p.style == "cover":
                pf.space_before = Pt(LINE_PT * 6)
            _font(run, TITLE_FONT, TITLE_PT if p.style == "title" else 26)
        elif p.style == "subtitle":  # 征求意见稿 under the title, in 楷体
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pf.space_after = Pt(LINE_PT)
            _font(run, KAI_FONT, BODY_PT)
        elif p.style == "cover_sub":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, BODY_FONT, BODY_PT)
        elif p.style == "number":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            pf.space_after = Pt(LINE_PT)
            _font(run, BODY_FONT, BODY_PT)
        elif p.style in ("heading", "h1"):
            pf.first_line_indent = Pt(BODY_PT * 2) if p.style == "heading" else None
            _font(run, HEADING_FONT, BODY_PT)
        elif p.style == "h2":
            pf.first_line_indent = Pt(BODY_PT * 2)
            _font(run, KAI_FONT, BODY_PT, bold=True)
        elif p.style == "to":
            _font(run, BODY_FONT, BODY_PT)
        elif p.style == "sign":
            # 发文机关署名 centred over 成文日期, which stands four characters in from the right
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            pf.space_before = Pt(LINE_PT * 2)
            pf.right_indent = Pt(BODY_PT * (4 + max(date_width - width_of(p.text) / 2, 0) / 2))
            _font(run, BODY_FONT, BODY_PT)
        elif p.style == "date":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            pf.right_indent = Pt(BODY_PT * 4)
            _font(run, BODY_FONT, BODY_PT)
        elif p.style in ("toc", "toc2"):
            pf.left_indent = Pt(BODY_PT * (0 if p.style == "toc" else 2))
            _font(run, HEADING_FONT if p.style == "toc" else BODY_FONT, BODY_PT)
        else:  # body, item, meta
            pf.first_line_indent = Pt(BODY_PT * 2)
            _font(run, KAI_FONT if p.style == "meta" else BODY_FONT, BODY_PT)
    props = doc.core_properties
    props.author = props.last_modified_by = author
    props.title = title
    props.created = props.modified = dt.datetime.now().replace(microsecond=0)
    props.revision = 1
    props.comments = ""
    props.subject = title
    del made  # the 成文日期 is in the text; the file's dates are when it was made
    return doc


def _save(doc, target: Path) -> None:  # noqa: ANN001
    with atomic_path(target) as tmp:
        doc.save(str(tmp))


def write_letters(ev: Evaluation, out: Path, made: dt.date, number: str = "", draft: bool = False) -> list[Path]:
    """One letter per town, replaced all together (``atomic_paths``): a failure leaves every earlier
    letter as it was. Returns the files written, each once (what the count printed says). ``draft``:
    the 征求意见稿, named apart so that it never stands where the decided letter goes."""

    letters: dict[str, tuple[Path, Ranked]] = {}  # case-folded name -> (file, town): A and a are one file on Windows
    for x in ev.ranking:
        target = out / letter_name(ev.rubric.year, ev.rubric.unit[x.unit_id].name, draft)
        if target.resolve().parent != out.resolve():  # a name can never leave the folder
            raise ValueError(f"unsafe letter name for {x.unit_id}")
        if target.name.casefold() in letters:  # rubric check refuses such names (R020); never overwrite one
            raise WorkspaceError(f"两个街镇的函告文件名相同：{target.name}。请在评估细则中改用能区分的名称（R020）。")
        letters[target.name.casefold()] = (target, x)
    targets = [t for t, _ in letters.values()]
    with atomic_paths(targets) as temps:
        for tmp, (target, x) in zip(temps, letters.values(), strict=True):
            name = ev.rubric.unit[x.unit_id].name
            title = f"关于{ev.rubric.year}年度民政工作综合评估结果的函（{name}）" + (DRAFT_MARK if draft else "")
            with writing_to(target):
                _render(letter_paragraphs(ev, x, made, number, draft), title, ev.rubric.issuer, made).save(str(tmp))
    return targets


def write_booklet(ev: Evaluation, target: Path, made: dt.date) -> None:
    title = f"{ev.rubric.year}年度青浦区民政特色亮点工作汇编"
    _save(_render(booklet_paragraphs(ev, made), title, ev.rubric.issuer, made, cover=True), target)
