"""Letters to each town (函告) and the highlights booklet (亮点汇编), as .docx with python-docx.

Each document's content is built as plain paragraphs first; ``_render`` lays them out in the
bureau's style (title, 主送, body, 落款, date) and every file is written atomically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .. import report_data as R
from ..evaluate import Evaluation
from ..published import ItemFigure
from ..ranking import Ranked
from ..rules import fmt
from ..text import printable
from ..workspace import atomic_path
from .template import safe_file_name

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "body"  # title | to | body | heading | sign | date | h1 | h2


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def letter_paragraphs(ev: Evaluation, ranked: Ranked, made: dt.date) -> list[Para]:
    rubric = ev.rubric
    unit = rubric.unit[ranked.unit_id]
    res = ranked.result
    pub = ev.published[ranked.unit_id]
    you = "你镇" if unit.kind == "镇" else "你街道"
    n = len(rubric.units)
    paras = [
        Para(f"关于{rubric.year}年度民政工作综合评估结果的函", "title"),
        Para(f"{unit.addressee}：", "to"),
        Para(
            f"根据《{rubric.year}年度青浦区民政工作综合评估方案》，区民政局对各街镇民政部门{rubric.year}年度民政工作"
            f"进行了综合评估。经各评估科室（单位）对口评定、局办公室汇总并提请局长办公会议审议，现将{you}评估结果函告如下。"
        ),
        Para("一、评估结果", "heading"),
        Para(
            f"{you}{rubric.year}年度民政工作综合评估最终得分 {pub.final} 分，在全区 {n} 个街镇中"
            f"位列第 {ranked.rank} 名，评定等次为“{ranked.grade}”。其中，民政重点业务工作和综合能力建设得分 "
            f"{pub.base} 分，特色亮点工作加 {pub.bonus} 分，存在问题扣 {pub.deductions} 分。" + (f"（{ranked.grade_note}。）" if ranked.grade_note else "")
            + (f"{you}{ranked.tie_note}。" if ranked.tie_note else "")
        ),
    ]
    strong, weak = R.strongest_and_weakest(ev, ranked)
    names = {i.number: i.name for i in rubric.items}
    paras.append(Para("二、工作亮点与不足", "heading"))
    if strong:
        paras.append(Para("完成较好的项目：" + "；".join(f"{names[f.number]}（{_out_of(f)}）" for f in strong) + "。"))
    if weak:
        paras.append(Para("相对薄弱的项目：" + "；".join(f"{names[f.number]}（{_out_of(f)}）" for f in weak) + "。"))
    else:
        paras.append(Para("各评估项目均取得满分。"))
    paras.append(Para("三、扣分情况", "heading"))
    if res.deduction_lines:
        for k, d in enumerate(res.deduction_lines, 1):
            reason = d.description or d.category
            basis = f"（依据：{d.basis}）" if d.basis else ""
            paras.append(Para(f"{k}. {d.category}：{reason}，扣 {fmt(d.amount)} 分{basis}。"))
        if res.deductions != sum((d.amount for d in res.deduction_lines), R.ZERO):
            paras.append(Para(f"扣分合计超过上限，按 {fmt(rubric.problems.cap)} 分扣减。"))
    else:
        paras.append(Para("本年度无问题扣分。"))
    lost = [c for c in res.criteria if c.status in ("entered", "measured") and c.score < c.points and c.note]
    if lost:
        paras.append(Para("各评估科室的扣分说明：" + "；".join(
            f"{c.criterion_id} {rubric.criteria[c.criterion_id].name}：{c.note}" for c in lost) + "。"))
    paras.append(Para("四、跟进事项", "heading"))
    mine = [g for g in R.gaps(ev) if g.unit_id == ranked.unit_id]
    if mine:
        paras.append(Para("以下项目与要求存在较大差距，相关科室（单位）将与你单位沟通，进一步加强指导和督查："))
        for g in mine:
            f = pub.item(g.item_no)
            paras.append(Para(f"{g.item_no}. {names[g.item_no]}（{_out_of(f)}，{g.reason}）——"
                              f"{rubric.department[g.department_id].name}"))
    else:
        paras.append(Para("无需专项跟进的项目。"))
    differ = _self_differences(ev, ranked.unit_id)
    if differ:
        paras.append(Para("对照你单位的自评，以下项目自评与考评差异较大，请对照评估细则和科室扣分说明查找原因：" + differ + "。"))
    paras.append(Para("请结合评估结果，总结经验，查找不足，认真抓好整改落实，推动民政工作高质量发展。"))
    paras.append(Para("特此函告。"))
    paras.append(Para(rubric.issuer, "sign"))
    paras.append(Para(_cn_date(made), "date"))
    return paras


def _self_differences(ev: Evaluation, unit_id: str, most: int = 3) -> str:
    """The town's items where its self-score and the departments' differ most ("" when it sent none)."""
    if unit_id not in ev.validation.tables.self_reports:
        return ""
    from ..ranking import publish

    gaps = sorted((g for g in ev.comparison.of_unit(unit_id) if g.difference), key=lambda g: -abs(g.difference))  # type: ignore[arg-type]
    return "；".join(f"{g.item}（自评 {publish(ev.rubric, g.self_score)} 分，考评 "  # type: ignore[arg-type]
                    f"{publish(ev.rubric, g.scored)} 分）" for g in gaps[:most])


def _out_of(f: ItemFigure) -> str:
    """An item's published score out of the points that apply to the town."""
    text = f"{f.shown}/{fmt(f.applicable)} 分"
    return f"{text}，不适用的细则不计" if f.reduced else text


def booklet_paragraphs(ev: Evaluation, made: dt.date) -> list[Para]:
    rubric = ev.rubric
    paras = [Para(f"{rubric.year}年度青浦区民政特色亮点工作汇编", "title"),
             Para(f"{rubric.issuer}　{_cn_date(made)}", "date")]
    by_unit: dict[str, list] = {}
    for h in sorted(ev.validation.tables.highlights, key=lambda h: h.seq):
        by_unit.setdefault(h.unit_id, []).append(h)
    cn = "一二三四五六七八九十"
    for k, u in enumerate(rubric.units):
        label = cn[k] if k < 10 else f"十{cn[k - 10]}" if k < 20 else str(k + 1)
        paras.append(Para(f"{label}、{u.name}", "h1"))
        items = by_unit.get(u.id, [])
        if not items:
            paras.append(Para("（未报送亮点工作）"))
        for h in items:
            paras.append(Para(f"{h.seq}. {h.name or '（未命名）'}", "h2"))
            meta = f"类型：{h.type or '未注明'}"
            if h.rating:
                meta += f"　评定等级：{h.rating}"
            paras.append(Para(meta))
            if h.summary:
                paras.append(Para(h.summary))
            if h.evidence:
                paras.append(Para(f"佐证材料：{h.evidence}"))
    return paras


def _font(run, name: str, size: float, bold: bool = False) -> None:  # noqa: ANN001
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _render(paras: list[Para]):  # noqa: ANN202
    doc = Document()
    for p in paras:
        para = doc.add_paragraph()
        run = para.add_run(printable(p.text))
        if p.style == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, TITLE_FONT, 20, bold=True)
        elif p.style == "h1":
            _font(run, TITLE_FONT, 16, bold=True)
        elif p.style in ("h2", "heading"):
            _font(run, BODY_FONT, 16, bold=True)
        elif p.style in ("sign", "date"):
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(run, BODY_FONT, 16)
        else:
            if p.style == "body":
                para.paragraph_format.first_line_indent = Pt(32)
            _font(run, BODY_FONT, 16)
    return doc


def _save(doc, target: Path) -> None:  # noqa: ANN001
    with atomic_path(target) as tmp:
        doc.save(str(tmp))


def letter_file_name(year: int, unit_name: str) -> str:
    return f"{year}年度综合评估结果函_{safe_file_name(unit_name)}.docx"


def write_letters(ev: Evaluation, out: Path, made: dt.date) -> list[Path]:
    written = []
    for x in ev.ranking:
        target = out / letter_file_name(ev.rubric.year, ev.rubric.unit[x.unit_id].name)
        if target.resolve().parent != out.resolve():  # a name can never leave the folder
            raise ValueError(f"unsafe letter name for {x.unit_id}")
        _save(_render(letter_paragraphs(ev, x, made)), target)
        written.append(target)
    return written


def write_booklet(ev: Evaluation, target: Path, made: dt.date) -> None:
    _save(_render(booklet_paragraphs(ev, made)), target)
