"""Official documents as .docx (python-docx), in the national layout (GB/T 9704-2012).

A4 with a 156 × 225 mm type area, title in 小标宋 二号, body in 仿宋_GB2312 三号 on a 29 pt line
(22 lines a page), headings in 黑体, 发文字号 and 主送, the closing paragraphs, 落款 and 成文日期
kept together on one page, page numbers "— 1 —" in 宋体 四号 on the outer side. The East Asian
fonts are named in every run, with 宋体/仿宋/楷体 as the alternatives Word uses where the GB fonts are
not installed. The content comes as paragraphs and tables (``core.document``); every file is
written atomically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from ...core.document import Block, Para, Table
from ...core.linebreak import width_of
from ...core.text import printable
from ..atomic import atomic_path

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
ALTERNATIVES = {BODY_FONT: "仿宋", TITLE_FONT: "宋体", KAI_FONT: "楷体"}  # what Word uses where these are absent
BODY_PT, TITLE_PT, PAGE_PT, LINE_PT = 16, 22, 14, 29
NOTE_PT, NOTE_LINE_PT = 14, 22  # 四号: a note under a table
TABLE_PT, TABLE_LINE_PT = 12, 18  # 小四 in tables
TYPE_WIDTH_MM = 156


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


_FULL_WIDTH = str.maketrans("()", "（）")


def official(text: str) -> str:
    """Text as an official document prints it: control characters shown as codes, and the brackets
    full-width (a department named 老龄工作和养老服务科(残疾人福利科) in the rubric reads （…）)."""
    return printable(text).translate(_FULL_WIDTH)


def _line(para, exact: float = LINE_PT) -> None:  # noqa: ANN001
    pf = para.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(exact)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)


def _table(doc, t: Table) -> None:  # noqa: ANN001
    """A ruled table across the type area in 小四, its header row in 黑体 and repeated on every page it
    runs onto, no row split across pages; columns as wide as ``t.widths`` say, in proportion."""
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(t.widths)
    widths = [Mm(TYPE_WIDTH_MM * w / total) for w in t.widths]
    for r, values in enumerate((t.headers, *t.rows)):
        row = table.rows[r]
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if r == 0:
            props.append(OxmlElement("w:tblHeader"))
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            left = r > 0 and c in t.left
            for n, line in enumerate(value.split("\n")):
                para = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                _line(para, TABLE_LINE_PT)
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
                _font(para.add_run(official(line)), HEADING_FONT if r == 0 else BODY_FONT, TABLE_PT)
    for c, w in enumerate(widths):
        table.columns[c].width = w


def render(paras: list[Block], title: str, author: str, made: dt.date, cover: bool = False):  # noqa: ANN202
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
    date_width = next((width_of(p.text) / 2 for p in paras if isinstance(p, Para) and p.style == "date"), 0)
    break_before = False
    for k, p in enumerate(paras):
        if isinstance(p, Table):
            _table(doc, p)
            continue
        if p.style == "break":  # the next paragraph starts a page (no empty line carried over to it)
            if k + 1 < len(paras) and isinstance(paras[k + 1], Para):
                break_before = True
            else:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        if p.style == "section":  # the next document of a combined file: a new page, its numbers from 1
            new = doc.add_section(WD_SECTION.NEW_PAGE)
            _page_setup(new)
            restart = OxmlElement("w:pgNumType")
            restart.set(qn("w:start"), "1")
            new._sectPr.append(restart)
            continue
        para = doc.add_paragraph()
        _line(para)
        text = official(p.text)
        if p.style == "lead":  # a lead-in in 楷体 up to its first 。, the rest of the paragraph in 仿宋
            cut = text.find("。") + 1
            _font(para.add_run(text[:cut]), KAI_FONT, BODY_PT)
            text = text[cut:]
        run = para.add_run(text)
        pf = para.paragraph_format
        pf.keep_with_next = p.keep
        pf.widow_control = True
        if break_before:
            pf.page_break_before, break_before = True, False
        if k and isinstance(paras[k - 1], Table):
            pf.space_before = Pt(6)  # not against the table's last rule (a note sets its own)
        if p.style == "cover2":  # the cover title's second line, broken between words
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _line(para, 60)
            _font(run, TITLE_FONT, 26)
        elif p.style in ("title", "cover"):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _line(para, 38 if p.style == "title" else 60)
            under = k + 1 < len(paras) and getattr(paras[k + 1], "style", "") in ("subtitle", "cover2")
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
        elif p.style == "annex":  # 附件 at the top left of its page, in 黑体
            _font(run, HEADING_FONT, BODY_PT)
        elif p.style == "annex_note":  # 附件说明: a line below the body, two characters in
            pf.first_line_indent = Pt(BODY_PT * 2)
            pf.space_before = Pt(LINE_PT)
            _font(run, BODY_FONT, BODY_PT)
        elif p.style == "sign":
            # 发文机关署名 centred over 成文日期, which stands four characters in from the right; a line
            # below the body, where the seal's top comes (GB/T 9704 7.3.5.1: 上距正文一行之内)
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            pf.space_before = Pt(LINE_PT)
            pf.right_indent = Pt(BODY_PT * (4 + max(date_width - width_of(p.text) / 2, 0) / 2))
            _font(run, BODY_FONT, BODY_PT)
        elif p.style == "date":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            pf.right_indent = Pt(BODY_PT * 4)
            _font(run, BODY_FONT, BODY_PT)
        elif p.style in ("toc", "toc2"):  # an entry, a leader of dots and its page at the right margin
            pf.left_indent = Pt(BODY_PT * (0 if p.style == "toc" else 2))
            pf.tab_stops.add_tab_stop(Mm(TYPE_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            _font(run, BODY_FONT, BODY_PT)
        elif p.style == "note":  # under a table: 四号, on a closer line
            _line(para, NOTE_LINE_PT)
            pf.first_line_indent = Pt(NOTE_PT * 2)
            pf.space_before = Pt(4)
            _font(run, BODY_FONT, NOTE_PT)
        else:  # body, item, meta, lead
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


def save(doc, target: Path) -> None:  # noqa: ANN001
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
