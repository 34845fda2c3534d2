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
from copy import deepcopy
from pathlib import Path
from typing import NamedTuple

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
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


class _Body:
    """Appends blocks to the document's body in constant time, before its last ``w:sectPr`` (found once).

    python-docx's ``add_paragraph`` and ``add_table`` look for that ``w:sectPr`` among all the body's
    children each time, so a document of n paragraphs took n² steps: 97 s for the 2,000-town booklet.
    """

    def __init__(self, doc) -> None:  # noqa: ANN001
        self.doc = doc
        self.parent = doc._body  # what a Paragraph or Table made here belongs to (for its part)
        self.sentinel = doc.element.body.get_or_add_sectPr()  # stays the last child (add_section_break)

    def append(self, element):  # noqa: ANN001, ANN201
        self.sentinel.addprevious(element)
        return element

    def paragraph(self) -> Paragraph:
        return Paragraph(self.append(OxmlElement("w:p")), self.parent)

    def section(self):  # noqa: ANN201
        """What ``doc.add_section(WD_SECTION.NEW_PAGE)`` does (``CT_Body.add_section_break``): the
        sentinel ``w:sectPr``, copied into a paragraph of its own, ends the section before; the
        sentinel, without its header and footer references, is the new section's."""
        self.paragraph()._p.set_sectPr(self.sentinel.clone())
        for ref in self.sentinel.xpath("w:headerReference|w:footerReference"):
            self.sentinel.remove(ref)
        self.sentinel.start_type = WD_SECTION.NEW_PAGE
        return Section(self.sentinel, self.doc.part)


def _cell(cell: _Cell, width, header: bool, left: bool) -> None:  # noqa: ANN001
    """A cell's look: its width, centred vertically, one paragraph holding one run of no text."""
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    para = cell.paragraphs[0]
    _line(para, TABLE_LINE_PT)
    para.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    _font(para.add_run(), HEADING_FONT if header else BODY_FONT, TABLE_PT)


def _shape(t: Table, width, parent):  # noqa: ANN001, ANN202
    """A detached ``w:tbl`` as ``doc.add_table`` makes it, laid out through python-docx: a ruled table across
    the type area in 小四, its header row in 黑体 and repeated on every page it runs onto, no row split
    across pages, columns as wide as ``t.widths`` say, in proportion; the header row and (where ``t``
    has rows) one body row, every cell holding one run of no text."""
    table = DocxTable(CT_Tbl.new_tbl(1 + min(len(t.rows), 1), len(t.headers), width), parent)
    table.style = None  # as doc.add_table leaves it, before the style is set
    table.style = parent.part.document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(t.widths)
    widths = [Mm(TYPE_WIDTH_MM * w / total) for w in t.widths]
    for r, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if r == 0:
            props.append(OxmlElement("w:tblHeader"))
        for c, cell in enumerate(row.cells):
            _cell(cell, widths[c], r == 0, r > 0 and c in t.left)
    for c, w in enumerate(widths):
        table.columns[c].width = w
    return table._tbl


def _table(body: _Body, t: Table, layouts: Layouts) -> None:
    """``t`` as a copy of its shape (``_shape``): each row past the first body row a copy of that row,
    each line of a cell past its first a copy of the cell's first paragraph, so that a table of 2,000
    towns costs what 2,000 copies do."""
    tbl = body.append(layouts.table(t, body))
    if t.rows:
        proto = deepcopy(tbl.tr_lst[1])
        for _ in t.rows[1:]:
            tbl.append(deepcopy(proto))
    for tr, values in zip(tbl.tr_lst, (t.headers, *t.rows), strict=True):
        for tc, value in zip(tr.tc_lst, values, strict=True):
            lines = value.split("\n")
            first = tc.p_lst[0]
            more = [deepcopy(first) for _ in lines[1:]]  # copied while it holds no text
            for p, line in zip((first, *more), lines, strict=True):
                text = official(line)
                if text:
                    p.r_lst[0].text = text
            for p in more:
                tc.append(p)


class _Look(NamedTuple):
    """Everything a paragraph's look depends on: paragraphs of one look are copies of one another's
    properties, and only the first of them is laid out through python-docx."""

    style: str
    keep: bool
    break_before: bool  # starts a page
    after_table: bool
    under: bool  # a title with a subtitle or second line under it
    sign_indent: float  # 发文机关署名's right indent, in body characters


def _look(paras: list[Block], k: int, break_before: bool, date_width: float) -> _Look:
    p = paras[k]
    under = k + 1 < len(paras) and getattr(paras[k + 1], "style", "") in ("subtitle", "cover2")
    sign = 4 + max(date_width - width_of(p.text) / 2, 0) / 2 if p.style == "sign" else 0
    return _Look(p.style, p.keep, break_before, bool(k) and isinstance(paras[k - 1], Table), under, sign)


def _laid_out(look: _Look, parent):  # noqa: ANN001, ANN202
    """A detached ``w:p`` of ``look``: its properties and its runs (two for a lead, else one) with no text."""
    para = Paragraph(OxmlElement("w:p"), parent)
    _line(para)
    if look.style == "lead":  # a lead-in in 楷体 up to its first 。, the rest of the paragraph in 仿宋
        _font(para.add_run(), KAI_FONT, BODY_PT)
    run = para.add_run()
    pf = para.paragraph_format
    pf.keep_with_next = look.keep
    pf.widow_control = True
    if look.break_before:
        pf.page_break_before = True
    if look.after_table:
        pf.space_before = Pt(6)  # not against the table's last rule (a note sets its own)
    style = look.style
    if style == "cover2":  # the cover title's second line, broken between words
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _line(para, 60)
        _font(run, TITLE_FONT, 26)
    elif style in ("title", "cover"):
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _line(para, 38 if style == "title" else 60)
        pf.space_after = Pt(0 if look.under else LINE_PT)  # a subtitle keeps the title's space below itself
        if style == "cover":
            pf.space_before = Pt(LINE_PT * 6)
        _font(run, TITLE_FONT, TITLE_PT if style == "title" else 26)
    elif style == "subtitle":  # 征求意见稿 under the title, in 楷体
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf.space_after = Pt(LINE_PT)
        _font(run, KAI_FONT, BODY_PT)
    elif style == "cover_sub":
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(run, BODY_FONT, BODY_PT)
    elif style == "number":
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        pf.space_after = Pt(LINE_PT)
        _font(run, BODY_FONT, BODY_PT)
    elif style in ("heading", "h1"):
        pf.first_line_indent = Pt(BODY_PT * 2) if style == "heading" else None
        _font(run, HEADING_FONT, BODY_PT)
    elif style == "h2":
        pf.first_line_indent = Pt(BODY_PT * 2)
        _font(run, KAI_FONT, BODY_PT, bold=True)
    elif style == "to":
        _font(run, BODY_FONT, BODY_PT)
    elif style == "annex":  # 附件 at the top left of its page, in 黑体
        _font(run, HEADING_FONT, BODY_PT)
    elif style == "annex_note":  # 附件说明: a line below the body, two characters in
        pf.first_line_indent = Pt(BODY_PT * 2)
        pf.space_before = Pt(LINE_PT)
        _font(run, BODY_FONT, BODY_PT)
    elif style == "sign":
        # 发文机关署名 centred over 成文日期, which stands four characters in from the right; a line
        # below the body, where the seal's top comes (GB/T 9704 7.3.5.1: 上距正文一行之内)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        pf.space_before = Pt(LINE_PT)
        pf.right_indent = Pt(BODY_PT * look.sign_indent)
        _font(run, BODY_FONT, BODY_PT)
    elif style == "date":
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        pf.right_indent = Pt(BODY_PT * 4)
        _font(run, BODY_FONT, BODY_PT)
    elif style in ("toc", "toc2"):  # an entry, a leader of dots and its page at the right margin
        pf.left_indent = Pt(BODY_PT * (0 if style == "toc" else 2))
        pf.tab_stops.add_tab_stop(Mm(TYPE_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        _font(run, BODY_FONT, BODY_PT)
    elif style == "note":  # under a table: 四号, on a closer line
        _line(para, NOTE_LINE_PT)
        pf.first_line_indent = Pt(NOTE_PT * 2)
        pf.space_before = Pt(4)
        _font(run, BODY_FONT, NOTE_PT)
    else:  # body, item, meta, lead
        pf.first_line_indent = Pt(BODY_PT * 2)
        _font(run, KAI_FONT if style == "meta" else BODY_FONT, BODY_PT)
    return para._p


class Layouts:
    """Each paragraph look (``_laid_out``) and each table shape (``_shape``) laid out once through
    python-docx; what is written is copies. One ``Layouts`` may serve the documents of one run (a letter
    a town): what it holds belongs to no document, and every document starts from python-docx's one
    default template, whose table style and type area it was laid out for."""

    def __init__(self) -> None:
        self.paragraphs: dict[_Look, object] = {}  # look -> its paragraph, with no text
        self.tables: dict[tuple, object] = {}  # shape -> its table, with no text

    def paragraph(self, look: _Look, parent):  # noqa: ANN001, ANN201
        proto = self.paragraphs.get(look)
        if proto is None:
            proto = self.paragraphs[look] = _laid_out(look, parent)
        return deepcopy(proto)

    def table(self, t: Table, body: _Body):  # noqa: ANN201
        width = body.doc._block_width
        key = (len(t.headers), t.widths, t.left, bool(t.rows), width)
        proto = self.tables.get(key)
        if proto is None:
            proto = self.tables[key] = _shape(t, width, body.parent)
        return deepcopy(proto)


def render(paras: list[Block], title: str, author: str, made: dt.date, cover: bool = False,  # noqa: ANN202
           layouts: Layouts | None = None):
    """``cover``: the first page is a cover and carries no page number. ``layouts``: shared with the other
    documents of a run (else this document's own)."""
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
    body = _Body(doc)
    layouts = layouts or Layouts()
    break_before = False
    for k, p in enumerate(paras):
        if isinstance(p, Table):
            _table(body, p, layouts)
            continue
        if p.style == "break":  # the next paragraph starts a page (no empty line carried over to it)
            if k + 1 < len(paras) and isinstance(paras[k + 1], Para):
                break_before = True
            else:
                body.paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        if p.style == "section":  # the next document of a combined file: a new page, its numbers from 1
            new = body.section()
            _page_setup(new)
            restart = OxmlElement("w:pgNumType")
            restart.set(qn("w:start"), "1")
            new._sectPr.append(restart)
            continue
        look = _look(paras, k, break_before, date_width)
        break_before = False
        element = body.append(layouts.paragraph(look, body.parent))
        text = official(p.text)
        cut = text.find("。") + 1
        for run, piece in zip(element.r_lst, (text[:cut], text[cut:]) if p.style == "lead" else (text,), strict=True):
            if piece:
                run.text = piece
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
