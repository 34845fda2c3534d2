"""The official layout's writer builds its documents in linear time (constant-time appends to the body,
one layout per look copied, table rows copied), and what it builds is what python-docx makes when every
paragraph, row and cell goes through it the plain way: the reference here lays the document out so."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt

from qp_eval.core.document import Para, Table
from qp_eval.io.writers import official

MADE = dt.date(2025, 1, 10)

BLOCKS = [
    Para("2024年度民政工作综合评估", "cover"),
    Para("亮点工作汇编", "cover2"),
    Para("青浦区民政局", "cover_sub"),
    Para("", "break"),
    Para("目　录", "title"),
    Para("一、朱家角镇\t1", "toc"),
    Para("（一）养老服务\t1", "toc2"),
    Para("", "break"),
    Para("青民函〔2024〕12号", "number"),
    Para("关于2024年度民政工作综合评估结果的函", "title"),
    Para("（征求意见稿）", "subtitle"),
    Para("朱家角镇人民政府：", "to"),
    Para("一、总体情况", "heading", keep=True),
    Para("第一段。", "body"),
    Para("要点在前。其后是正文，含制表符\t和换行\n两种。", "lead"),
    Para("没有句号的导语", "lead"),
    Table(("序号", "细则", "得分", "扣分说明"),
          (("1", "第一条\n第二行", "5", "说明甲"),
           ("2", "", "4.5", "说明乙\n续\n再续"),
           ("3", "第三条", "0", "")),
          (36, 200, 40, 160), frozenset({1, 3})),
    Para("注：表中得分为实际得分。", "note"),
    Para("表后的正文。", "body"),
    Table(("项目", "得分"), (), (1, 1)),
    Table(("街镇", "位次"), tuple((f"镇{k}", str(k)) for k in range(1, 8)), (3, 1)),
    Para("（一）小标题", "h2"),
    Para("一、大标题", "h1"),
    Para("评定等级：A", "meta"),
    Para("1. 一项", "item"),
    Para("附件：评分明细", "annex_note"),
    Para("青浦区民政局", "sign"),
    Para("2025年1月10日", "date"),
    Para("", "section"),
    Para("附件", "annex"),
    Para("第二份的正文。", "body", keep=True),
    Para("", "break"),
    Table(("甲", "乙"), (("1", "2"),), (1, 1)),
    Para("", "break"),
]


def _document_xml(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return zipfile.ZipFile(buffer).read("word/document.xml")


def _plain_table(body, t: Table, layouts) -> None:
    """The table laid out cell by cell through python-docx, every line a paragraph made by it."""
    doc = body.doc
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(official.TYPE_WIDTH_MM * w / sum(t.widths)) for w in t.widths]
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
            for n, line in enumerate(value.split("\n")):
                para = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                official._line(para, official.TABLE_LINE_PT)
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT if r > 0 and c in t.left else WD_ALIGN_PARAGRAPH.CENTER
                font = official.HEADING_FONT if r == 0 else official.BODY_FONT
                official._font(para.add_run(official.official(line)), font, official.TABLE_PT)
    for c, w in enumerate(widths):
        table.columns[c].width = w


class _PlainBody(official._Body):
    """Every block added where and as python-docx adds it (looking for the last w:sectPr each time)."""

    def append(self, element):
        body = self.doc.element.body
        return body._insert_p(element) if element.tag.endswith("}p") else body._insert_tbl(element)

    def paragraph(self):
        return self.doc.add_paragraph()

    def table(self, rows, cols):
        return self.doc.add_table(rows, cols)

    def section(self):
        return self.doc.add_section(WD_SECTION.NEW_PAGE)


def test_the_document_is_what_python_docx_makes_laying_out_every_paragraph_row_and_cell(monkeypatch):
    doc = official.render(BLOCKS, "标题", "青浦区民政局", MADE, cover=True)
    fast = _document_xml(doc)
    monkeypatch.setattr(official, "_Body", _PlainBody)
    monkeypatch.setattr(official, "_table", _plain_table)
    monkeypatch.setattr(official.Layouts, "paragraph", lambda self, look, parent: official._laid_out(look, parent))
    plain = _document_xml(official.render(BLOCKS, "标题", "青浦区民政局", MADE, cover=True))
    assert fast == plain
    text = fast.decode()
    # the reference is not empty of what matters: every line of a cell, the section's restart, the break
    assert text.count("<w:tbl>") == 4 and text.count("<w:tblHeader/>") == 4
    assert "第二行" in text and "再续" in text and 'w:start="1"' in text and 'w:type="page"' in text
    before = {p.text: p.paragraph_format.space_before for p in doc.paragraphs}
    assert before["注：表中得分为实际得分。"] == Pt(4) and before["（一）小标题"] == Pt(6)  # a note; a heading after a table
    assert before["表后的正文。"] == before["第一段。"] == Pt(0)


def test_paragraphs_of_one_look_share_their_properties_and_keep_their_own_text():
    blocks = [Para(f"第{k}段。", "body") for k in range(3)] + [Para("署名", "sign"), Para("2025年1月10日", "date")]
    doc = official.render(blocks, "标题", "青浦区民政局", MADE)
    paras = doc.paragraphs
    assert [p.text for p in paras] == ["第0段。", "第1段。", "第2段。", "署名", "2025年1月10日"]
    pprs = [p._p.pPr.xml for p in paras]
    assert pprs[0] == pprs[1] == pprs[2] != pprs[3]
    assert paras[0]._p.pPr is not paras[1]._p.pPr  # copies, not one element moved about


def test_documents_sharing_their_layouts_are_those_laid_out_alone():
    second = [Para("另一份", "title"), *BLOCKS[8:20], Table(("序号", "细则", "得分", "扣分说明"), (("9", "九", "1", "无"),),
                                                         (36, 200, 40, 160), frozenset({1, 3}))]
    alone = [_document_xml(official.render(b, "标题", "青浦区民政局", MADE)) for b in (BLOCKS, second, BLOCKS)]
    layouts = official.Layouts()
    shared = [_document_xml(official.render(b, "标题", "青浦区民政局", MADE, layouts=layouts)) for b in (BLOCKS, second, BLOCKS)]
    assert shared == alone
    assert alone[0] == alone[2] != alone[1]
    assert len(layouts.tables) == 4  # the first table of the second document was laid out for the first
