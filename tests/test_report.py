"""report, letters and booklet: what the bureau hands on, opened back with openpyxl and python-docx."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import MINI_PATH, add_problem, dept_file, edit, header_map, record_meeting
from support.run import cli
from support.year import build_year

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.text import safe_text
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.writers import report_xlsx
from qp_eval.io.writers.letters import write_booklet, write_letters

MADE = dt.date(2024, 12, 30)


@pytest.fixture
def ws(tmp_path, mini) -> Path:
    (tmp_path / "rubric").mkdir()
    (tmp_path / "rubric" / "2024.yaml").write_bytes(MINI_PATH.read_bytes())
    folder = build_year(tmp_path / "scores" / "2024", mini)

    def note(wb):  # a hostile 扣分说明 on 乙街道 1.1
        sh = wb[L.SCORE_SHEET]
        col = header_map(sh)
        for r in range(2, sh.max_row + 1):
            if sh.cell(r, col["街镇"]).value == "乙街道" and sh.cell(r, col["编号"]).value == "1.1":
                cell = sh.cell(r, col["扣分说明"])
                cell.value = '=HYPERLINK("http://x","y")'
                cell.data_type = "s"  # typed as text (e.g. after an apostrophe), as a clerk would

    edit(dept_file(folder, mini, "d1"), note)
    add_problem(folder, ["丙镇", "服务对象进京上访", "+cmd|' /C calc'!A0", dt.datetime(2024, 10, 1), "", 0.5, "@SUM(1)"])
    return tmp_path


@pytest.fixture
def ev(ws, mini):
    return evaluate(mini, ws / "scores" / "2024")


@pytest.fixture
def decided(ws, mini):
    """The same year after the director's meeting approved it as proposed."""
    record_meeting(ws / "scores" / "2024")
    return evaluate(mini, ws / "scores" / "2024")


def test_report_workbook_sheets_headers_numbers_chart_print(ws):
    r = cli("report", "--year", "2024", "--date", "2024-12-30", cwd=ws)
    assert r.returncode == 0, r.stderr
    path = ws / "reports" / "2024" / "2024年度民政工作综合评估结果.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["排名", "分项得分", "差距跟进", "稳定性"]  # what the meeting prints (no archive: no 历年趋势)
    annex = openpyxl.load_workbook(path.with_name("2024年度民政工作综合评估结果（附表）.xlsx"))
    assert annex.sheetnames == ["科室评分", "加减分", "溯源", "互换所需分值", "项目影响"]  # the working sheets, whole, beside it
    assert "附表" in r.stderr
    rank = wb["排名"]
    assert "2024年12月30日" in rank["A1"].value
    assert [c.value for c in rank[2]] == ["位次", "街镇", "重点工作得分", "亮点加分", "问题扣分", "最终得分", "等级",
                                         "较上年变化", "说明"]
    assert [rank.cell(r, 2).value for r in (3, 4, 5)] == ["甲镇", "乙街道", "丙镇"]
    final = rank["F3"]
    assert final.data_type == "n" and Decimal(str(final.value)) == Decimal("19.13") and final.number_format == "0.00"
    assert rank["C3"].data_type == "n"
    assert len(rank._charts) == 1
    assert rank.page_setup.orientation == "landscape" and int(rank.page_setup.paperSize) == 9  # A4
    assert rank.sheet_properties.pageSetUpPr.fitToPage and rank.page_setup.fitToWidth in (1, None)  # 1: the schema default
    assert rank.print_title_rows == "$2:$2"
    assert "&P" in rank.oddFooter.center.text
    matrix = wb["分项得分"]
    headers = [c.value for c in matrix[1]]
    assert headers[:3] == ["位次", "街镇", "1. 项目一（6）"] and "一科 小计" in headers
    assert [matrix.cell(r, 2).value for r in range(2, 8)] == ["甲镇", "乙街道", "丙镇", "全区平均", "最高", "最低"]
    # 甲镇 item 1 = 2 + 3.625 = 5.625, published half up as 5.63
    assert matrix.cell(2, 3).data_type == "n" and Decimal(str(matrix.cell(2, 3).value)) == Decimal("5.63")
    assert matrix.conditional_formatting  # colour scale
    gaps = wb["差距跟进"]
    assert [c.value for c in gaps[1]] == ["评估科室", "街镇", "项目", "得分", "分值", "跟进原因"]
    trace = annex["溯源"]
    texts = [c.value for row in trace.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(len(t) == 64 and all(ch in "0123456789abcdef" for ch in t) for t in texts)  # SHA-256


def test_input_text_is_never_a_formula_in_xlsx(ws):
    path = ws / "out.xlsx"
    assert cli("report", "--year", "2024", "--out", str(path), cwd=ws).returncode == 0
    wb = openpyxl.load_workbook(ws / "out（附表）.xlsx")
    dept = wb["科室评分"]
    hostile = [c for row in dept.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [c.value for c in hostile] == ['=HYPERLINK("http://x","y")']
    assert hostile[0].data_type == "s"
    adj = wb["加减分"]
    cells = [c for row in adj.iter_rows() for c in row if isinstance(c.value, str) and ("cmd" in c.value or "@SUM" in c.value)]
    assert cells and all(c.data_type == "s" for c in cells)


def test_csv_cannot_start_a_formula():
    assert safe_text("=1+1") == "'=1+1" and safe_text("-3") == "'-3" and safe_text("正常") == "正常"


def test_out_file_is_not_overwritten_without_force(ws):
    target = ws / "mine.xlsx"
    target.write_bytes(b"user's own file")
    r = cli("report", "--year", "2024", "--out", str(target), cwd=ws)
    assert r.returncode == 2 and "--force" in r.stderr
    assert target.read_bytes() == b"user's own file"
    assert cli("report", "--year", "2024", "--out", str(target), "--force", cwd=ws).returncode == 0


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_text_formats(ws, fmt):
    r = cli("report", "--year", "2024", "--format", fmt, cwd=ws)
    assert r.returncode == 0, r.stderr
    text = (ws / "reports" / "2024" / f"2024年度民政工作综合评估结果.{fmt}").read_text(encoding="utf-8-sig")
    assert "甲镇" in text and "19.13" in text
    if fmt == "json":
        assert json.loads(text)["ranking"][0]["unit"] == "甲镇"
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "<link" not in text and "<script" not in text
    if fmt == "md":
        assert "| 1 | 甲镇 |" in text


def test_interrupted_write_leaves_the_previous_report(ev, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "report.xlsx"
    report_xlsx.write(ev, target, MADE)
    before = target.read_bytes()

    def broken_close(self):
        Path(self.filename).write_bytes(b"half a file")
        raise RuntimeError("disk full")

    import xlsxwriter

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(RuntimeError):
        report_xlsx.write(ev, target, MADE)
    assert target.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.xlsx", "report（附表）.xlsx"]  # no temporary left


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_text_reports_write_each_long_row_before_the_next_is_made(ev, monkeypatch, fmt):
    """科室评分 and 溯源 of 40,000 towns are 1.6 million rows: each is made, written and let go, never held.
    Every row the report makes is counted with the pieces written so far: on the pass that writes the rows,
    each row finds one more piece written than the row before it (its own line of the table)."""
    from qp_eval.core import report_data as R
    from qp_eval.io.writers import report_text

    written: list[str] = []
    seen: dict[str, list[int]] = {"dept": [], "trace": []}

    def counted(real, key):
        def rows(ev):
            for r in real(ev):
                seen[key].append(len(written))
                yield r
        return rows

    real = {"dept": R.department_rows, "trace": R.trace_rows}
    monkeypatch.setattr(R, "department_rows", counted(real["dept"], "dept"))
    monkeypatch.setattr(R, "trace_rows", counted(real["trace"], "trace"))
    parts = report_text.markdown_parts if fmt == "md" else report_text.html_parts
    for piece in parts(ev, MADE):
        written.append(piece)
    for key, make in real.items():
        n = sum(1 for _ in make(ev))
        writing = seen[key][-n:]  # the pass that writes the rows is the last one made
        assert n > 3 and all(b == a + 1 for a, b in zip(writing, writing[1:], strict=False)), (key, writing[:6])
    monkeypatch.undo()
    assert "".join(written) == (report_text.to_markdown if fmt == "md" else report_text.to_html)(ev, MADE)


def test_an_interrupted_text_report_leaves_the_previous_one(ev, tmp_path, monkeypatch):
    """The Markdown page is written as it is made: a failure halfway leaves the last report whole and no temporary."""
    from qp_eval.io.writers import report_text

    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "report.md"
    report_text.write_text_report(ev, "md", target, MADE)
    before = target.read_bytes()
    real = report_text.markdown_parts

    def broken(*a, **kw):
        for k, piece in enumerate(real(*a, **kw)):
            if k == 20:
                raise OSError(28, "No space left on device")
            yield piece

    monkeypatch.setattr(report_text, "markdown_parts", broken)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the CLI says it in Chinese; here: nothing replaced
        report_text.write_text_report(ev, "md", target, MADE)
    assert target.read_bytes() == before
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["report.md"]


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _rows(path: Path) -> list[list[str]]:
    """Every row of every table in the document (a letter's 附件)."""
    return [[c.text for c in row.cells] for t in docx.Document(str(path)).tables for row in t.rows]


def test_letters_name_the_town_rank_and_score(ev, tmp_path):
    written = write_letters(ev, tmp_path / "letters", MADE, draft=True)
    assert len(written) == 3
    text = {p.name: _text(p) for p in written}
    a = text["2024年度综合评估结果函（征求意见稿）_甲镇.docx"]
    assert "甲镇人民政府：" in a and "第 1 名" in a and "19.13" in a and "良好" in a
    assert "重大安全生产责任事故" in a and "一票否决" in a
    assert "青浦区民政局" in a and "2024年12月30日" in a
    b = text["2024年度综合评估结果函（征求意见稿）_乙街道.docx"]
    assert "乙街道办事处：" in b and "第 2 名" in b and "17.53" in b
    c = text["2024年度综合评估结果函（征求意见稿）_丙镇.docx"]
    assert "本年度因存在问题扣 2.22 分（2 起）" in c and "明细见附件" in c and "附件：扣分和跟进事项明细" in c
    annex = _rows(tmp_path / "letters" / "2024年度综合评估结果函（征求意见稿）_丙镇.docx")
    assert any("0.50" in row and any("+cmd" in cell for cell in row) for row in annex)  # the itemised deduction, published


def test_letters_cli(ws):
    record_meeting(ws / "scores" / "2024")
    r = cli("letters", "--year", "2024", cwd=ws)
    assert r.returncode == 0, r.stderr
    assert len(list((ws / "reports" / "2024" / "函告").glob("*.docx"))) == 3


def test_booklet_holds_every_highlight(ev, tmp_path):
    target = tmp_path / "booklet.docx"
    write_booklet(ev, target, MADE)
    text = _text(target)
    for h in ev.validation.tables.highlights:
        assert h.name in text
    for town in ("甲镇", "乙街道", "丙镇"):
        assert town in text
    assert "评定等级" not in text  # the booklet goes to every town: no internal grades
    write_booklet(ev, target, MADE, grades=True)
    assert "评定等级：A" in _text(target)


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c:d*?", "..", "\x00镇", "   "])
def test_file_names_from_town_names_stay_in_the_folder(tmp_path, name):
    from qp_eval.core.names import letter_name as letter_file_name

    target = tmp_path / letter_file_name(2024, name)
    assert target.parent == tmp_path
    assert "/" not in target.name and "\\" not in target.name


def test_control_characters_from_inputs_do_not_break_the_outputs(ws, mini, tmp_path):
    def go(wb):
        sh = wb[L.SCORE_SHEET]
        sh["G3"] = "资料_x0007_不全"  # how Excel stores a control character
    edit(dept_file(ws / "scores" / "2024", mini, "d1"), go)
    assert cli("report", "--year", "2024", "--out", str(tmp_path / "r.xlsx"), cwd=ws).returncode == 0
    assert cli("letters", "--year", "2024", "--draft", "--out", str(tmp_path / "l"), cwd=ws).returncode == 0


# --- letters and booklet in the official-document layout (GB/T 9704-2012) ---------------------


def _page(doc) -> dict:
    s = doc.sections[0]
    return {"size_mm": (round(s.page_width.mm), round(s.page_height.mm)),
            "margins_mm": tuple(round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin))}


def _east_asian(run) -> str:
    from docx.oxml.ns import qn

    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_letters_follow_the_official_document_layout(decided, tmp_path):
    written = write_letters(decided, tmp_path / "l", MADE, number="青民函〔2024〕12号")
    doc = docx.Document(str(written[0]))
    # A4; margins 37/35/28/26 mm leave the 156 x 225 mm type area
    assert _page(doc) == {"size_mm": (210, 297), "margins_mm": (37, 35, 28, 26)}
    paras = [p for p in doc.paragraphs if p.text]
    assert paras[0].text == "青民函〔2024〕12号" and paras[0].alignment == 2  # right
    title = paras[1]
    assert title.text == "关于2024年度民政工作综合评估结果的函"
    assert _east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    body = next(p for p in paras if p.text.startswith("根据"))
    assert _east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.line_spacing.pt == 29
    heading = next(p for p in paras if p.text == "一、评估结果")
    assert _east_asian(heading.runs[0]) == "黑体"
    # the closing paragraphs travel with 附件说明, 落款 and 成文日期; the 附件 follows on a page of its own
    date = next(k for k, p in enumerate(paras) if p.text == "2024年12月30日")
    tail = paras[date - 3:date + 1]
    assert [p.text for p in tail] == ["请结合评估结果，总结经验，查找不足，认真抓好整改落实，推动民政工作高质量发展。特此函告。",
                                      "附件：扣分和跟进事项明细", "青浦区民政局", "2024年12月30日"]
    assert all(p.paragraph_format.keep_with_next for p in tail[:3])
    assert paras[date + 1].text == "附件" and _east_asian(paras[date + 1].runs[0]) == "黑体"
    # page numbers "— PAGE —" on odd (right) and even (left) pages
    s = doc.sections[0]
    for footer, side in ((s.footer, 2), (s.even_page_footer, 0)):
        xml = footer.paragraphs[0]._element.xml
        assert "PAGE" in xml and footer.paragraphs[0].text == "—  —" and footer.paragraphs[0].alignment == side
    assert doc.settings.odd_and_even_pages_header_footer
    props = doc.core_properties
    assert props.author == "青浦区民政局" and props.title.startswith("关于2024年度民政工作综合评估结果的函")
    assert props.created.year >= 2025  # made now, not python-docx's 2013 template date
    # the font table names the alternatives Word uses where the GB fonts are absent
    fonts = next(p for p in doc.part.package.parts if p.partname == "/word/fontTable.xml").blob.decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:val="仿宋"' in fonts


def test_letter_without_a_number_shows_the_placeholder_and_each_note_on_its_own_line(decided, tmp_path):
    written = write_letters(decided, tmp_path / "l", MADE)
    text = {p.name: _text(p) for p in written}
    a = text["2024年度综合评估结果函_甲镇.docx"]
    assert a.splitlines()[0] == "〔发文字号〕"
    notes = [row for row in _rows(tmp_path / "l" / "2024年度综合评估结果函_甲镇.docx") if len(row) == 4 and row[0] != "序号"]
    assert notes and all(row[3] and "\n" not in row[3] for row in notes)  # each note in its own row of the 附件
    assert "扣 0.00 分" not in "".join(text.values()) and "加 0.00 分" not in "".join(text.values())


def test_a_town_without_bonus_or_deductions_reads_naturally(ev):
    from types import SimpleNamespace

    from qp_eval.core.letters import _result_sentence

    pub = SimpleNamespace(base=Decimal("88.50"), bonus=Decimal("0.00"), deductions=Decimal("0.00"))
    ranked = SimpleNamespace(final=Decimal("88.50"), rank=1, grade="良好", adjustment=Decimal(0))
    text = _result_sentence(ev.rubric, "你镇", pub, ranked)
    assert text == ("你镇2024年度民政工作综合评估最终得分 88.50 分，在全区 3 个街镇中位列第 1 名，评定等次为“良好”。"
                    "其中，民政重点业务工作和综合能力建设得分 88.50 分，特色亮点工作未加分，没有因存在问题扣分。")
    ranked = SimpleNamespace(final=Decimal("88.00"), rank=2, grade="良好", adjustment=Decimal("-0.5"))
    assert _result_sentence(ev.rubric, "你镇", pub, ranked).endswith(  # the parts add up to the final
        "得分 88.50 分，特色亮点工作未加分，没有因存在问题扣分，经局长办公会议审议减 0.50 分。")


def test_booklet_has_a_cover_contents_and_page_numbers(ev, tmp_path):
    target = tmp_path / "booklet.docx"
    write_booklet(ev, target, MADE)
    doc = docx.Document(str(target))
    assert _page(doc)["size_mm"] == (210, 297)
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:5] == ["2024年度青浦区民政", "特色亮点工作汇编", "青浦区民政局", "2024年12月30日", "目　录"]
    assert texts[5].startswith("本汇编收录2024年度")
    entries = [t for t in texts if "\t" in t]
    assert [t.split("\t")[0] for t in entries][:1] == ["一、甲镇（2 项）"] and texts.count("一、甲镇") == 1
    assert all(t.split("\t")[1].isdigit() for t in entries)  # each with its page
    s = doc.sections[0]
    assert s.different_first_page_header_footer and "PAGE" not in s.first_page_footer._element.xml
    assert "PAGE" in s.footer._element.xml


def test_report_prints_legibly(ws):
    assert cli("report", "--year", "2024", "--date", "2024-12-30", cwd=ws).returncode == 0
    wb = openpyxl.load_workbook(ws / "reports" / "2024" / "2024年度民政工作综合评估结果.xlsx")
    annex = openpyxl.load_workbook(ws / "reports" / "2024" / "2024年度民政工作综合评估结果（附表）.xlsx")
    rank = wb["排名"]
    assert rank["A3"].value == 1 and rank["A3"].number_format == "General"  # a rank is an integer, not 1.00
    assert rank._charts[0].y_axis.scaling.min == 0  # the bars start at 0: no gap exaggerated
    for sheet in wb.worksheets + annex.worksheets:  # an East Asian font named in every style used
        assert {c.font.name for row in sheet.iter_rows(max_row=5) for c in row if c.value is not None} == {"宋体"}
    for sheet in wb.worksheets + annex.worksheets:  # every sheet: A4 landscape, header row repeated, page numbers
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9, sheet.title
        assert sheet.print_title_rows and "&P" in sheet.oddFooter.center.text, sheet.title
    matrix = wb["分项得分"]
    # the items run across pages at full size, rank and town repeated on each
    assert not matrix.sheet_properties.pageSetUpPr.fitToPage and matrix.print_title_cols == "$A:$B"
    dept = annex["科室评分"]
    head = {c.value: c.column_letter for c in dept[1]}
    assert dept.column_dimensions[head["来源"]].width <= 30 and dept[f"{head['扣分说明']}2"].alignment.wrap_text
    # a source is the cells of the department's own sheet (溯源 names the files)
    sources = [dept[f"{head['来源']}{r}"].value for r in range(2, dept.max_row + 1)]
    assert all(".xlsx" not in (s or "") for s in sources) and any(str(s).startswith("评分!") for s in sources)


def test_templates_print(tmp_path, mini):
    from qp_eval.io.writers.template import write_templates

    write_templates(mini, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / names.score_file_name(2024, "一科"))
    info = wb[L.INFO_SHEET]
    # 说明 on one upright A4 page, its title across both columns
    assert info.page_setup.orientation == "portrait" and info.sheet_properties.pageSetUpPr.fitToPage
    assert (info.page_setup.fitToWidth, info.page_setup.fitToHeight) == (1, 1)
    assert "A1:B1" in {str(r) for r in info.merged_cells.ranges}
    sheet = wb[L.SCORE_SHEET]
    assert sheet.freeze_panes == "A2"
    head = {c.value: c.column_letter for c in sheet[1]}
    assert sheet[f"{head['评估内容']}2"].alignment.wrap_text
    assert sheet[f"{head['评估内容']}2"].alignment.wrap_text


def test_spreadsheet_lines_counts_chinese_as_wider():
    from qp_eval.core.text import spreadsheet_lines

    # a 60-wide column holds 59 units a line: 29 Chinese characters (2 each, to spare) -> 40 take 2 lines
    assert spreadsheet_lines("一" * 40, 60) == 2
    assert spreadsheet_lines("a" * 59, 60) == 1 and spreadsheet_lines("a" * 60, 60) == 2
    assert spreadsheet_lines("", 10) == 1
    assert spreadsheet_lines("一" * 29, 60) == 1 and spreadsheet_lines("一" * 30, 60) == 2  # 58 and 60 units
    # 58 characters fill two lines of 29, but the comma after the 29th never starts a line: it takes the
    # 29th down with it, and the second line's 30 characters leave one for a third
    assert spreadsheet_lines("一" * 29 + "，" + "一" * 28, 60) == 3


def test_long_criteria_get_tall_rows_in_the_2024_templates(tmp_path, rubric2024):
    from qp_eval.core.text import spreadsheet_lines
    from qp_eval.io.writers.template import write_templates

    write_templates(rubric2024, tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / names.score_file_name(2024, "社会事务科"))[L.SCORE_SHEET]
    head = {c.value: c.column_letter for c in sheet[1]}
    width = sheet.column_dimensions[head["评估内容"]].width
    tall = [r for r in range(2, sheet.max_row + 1) if spreadsheet_lines(str(sheet[f"{head['评估内容']}{r}"].value), width) > 2]
    assert tall and all(sheet.row_dimensions[r].height >= 45 for r in tall)


def test_html_and_markdown_hold_every_section_and_escape_input_text(ws, tmp_path):
    def go(wb):
        wb[L.SCORE_SHEET]["G3"] = "<script>alert(1)</script> | x | *粗体*"
    edit(dept_file(ws / "scores" / "2024", mini_rubric(ws), "d1"), go)
    html_path, md_path = tmp_path / "r.html", tmp_path / "r.md"
    assert cli("report", "--year", "2024", "--format", "html", "--out", str(html_path), cwd=ws).returncode == 0
    assert cli("report", "--year", "2024", "--format", "md", "--out", str(md_path), cwd=ws).returncode == 0
    page = html_path.read_text(encoding="utf-8")
    for title in ("排名（初评：待局长办公会议审议）", "分项得分", "科室评分", "加减分", "差距跟进", "溯源", "输入文件"):
        assert f"<h2>{title}</h2>" in page, title
        assert f"## {title}" in md_path.read_text(encoding="utf-8"), title
    assert "<script" not in page.lower().replace("&lt;script", "")  # no script, the note shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | x | *粗体*" in page
    assert 'name="viewport"' in page and "http" not in page.split("<body>")[0]  # nothing fetched
    assert '<td class="name">甲镇</td>' in page  # town names never wrap
    md = md_path.read_text(encoding="utf-8")
    assert "\\<script\\>alert(1)\\</script\\> \\| x \\| \\*粗体\\*" in md
    row = next(line for line in md.splitlines() if "alert(1)" in line)
    assert row.count(" | ") == 8 and row.startswith("| ") and row.endswith(" |")  # nine cells: the pipe did not split one


def mini_rubric(ws):
    from qp_eval.io.rubric_file import load_rubric

    return load_rubric(ws / "rubric" / "2024.yaml")


def test_no_formula_from_rubric_text_in_any_template(tmp_path):
    import zipfile

    from qp_eval.io.rubric_file import load_rubric
    from qp_eval.io.writers.template import write_templates

    text = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("name: 甲镇", 'name: "=cmd|\' /C calc\'!A0"').replace("name: 细则一", 'name: "=1+1"')
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    rubric = load_rubric(tmp_path / "r.yaml")
    out = tmp_path / "scores"
    write_templates(rubric, out)
    write_templates(rubric, out, towns=True)
    written = sorted(out.rglob("*.xlsx"))
    assert len(written) == 5 + 3
    for path in written:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), (path.name, name)
    wb = openpyxl.load_workbook(next(p for p in written if "一科" in p.name))
    assert any(str(c.value).startswith("=1+1") and c.data_type == "s" for row in wb[L.SCORE_SHEET].iter_rows() for c in row)


def test_pages_of_counts_the_fixed_lines_of_the_official_layout():
    from qp_eval.core.document import Para, pages_of

    one = Para("一行")  # 4 columns of indent and 4 of text: one line of 56 columns
    three = Para("字" * 55)  # 110 + 4 = 114 columns: three lines
    assert pages_of([one] * 22) == 1 and pages_of([one] * 23) == 2  # 22 lines a page
    assert pages_of([one] * 21 + [three]) == 2  # one line left: no orphan, the paragraph goes down whole
    assert pages_of([one] * 20 + [three, *[one] * 20]) == 2  # two lines here, its last two there (no widow)
    assert pages_of([one] * 20 + [three, *[one] * 21]) == 3
    kept = [Para("标题", "h2", keep=True), Para("类型", "meta", keep=True), Para("字" * 40)]  # 1 + 1 + 2 lines
    # three lines left: the heads go down with their text (4 + 19 lines on page 2, one over)
    assert pages_of([one] * 19 + kept + [one] * 19) == 3
    assert pages_of([one] * 18 + kept + [one] * 19) == 2  # four lines left: they fit, 19 on page 2


def test_long_sheets_keep_every_height_in_the_file_but_not_in_memory(tmp_path):
    """xlsxwriter holds each height it is given for the whole sheet; a long sheet lets go of those of
    rows already written (report_xlsx._Sheet._let_go), and the file still has every one of them."""
    import xlsxwriter

    long_text = "社会救助" * 30  # 120 wide characters: several lines in a column 20 units wide
    path = tmp_path / "long.xlsx"
    wb = xlsxwriter.Workbook(str(path), report_xlsx.options())
    s = report_xlsx._Sheet(wb, "长表", "0.00")
    held = []

    def rows():
        for k in range(300):
            yield [f"第{k}行", long_text if k % 3 else "短"]
            held.append(len(s.ws.row_info))

    report_xlsx._rows(s, ("甲", "乙"), rows(), [10, 20], set(), wrap=(1,))
    wb.close()
    assert max(held) <= 3  # without letting go: one per tall row, 200
    sheet = openpyxl.load_workbook(path).worksheets[0]
    tall = {r for r, d in sheet.row_dimensions.items() if d.height}
    assert tall == {k + 2 for k in range(300) if k % 3}  # 1-based, under the header row
    assert {sheet.row_dimensions[r].height for r in tall} == {sheet.row_dimensions[3].height} != {None}


def _sheet_rows(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    return {name: [[c.value for c in row] for row in wb[name].iter_rows()] for name in wb.sheetnames}


def test_a_sheet_longer_than_excel_allows_goes_on_in_sheets_after_it_with_every_row(ev, tmp_path, monkeypatch):
    """溯源 and 科室评分 of 40,000 towns are 2.5 and 1.9 million rows, and an Excel sheet holds 1,048,576:
    xlsxwriter drops the cells of any row past it without a word. The rows go on in 溯源（续1）… under the
    same header, every row once and in order (here with sheets of 6 rows, to see it on a small year)."""
    import xlsxwriter

    assert xlsxwriter.Workbook(str(tmp_path / "x.xlsx")).add_worksheet().xls_rowmax == report_xlsx.ROWS
    whole = report_xlsx.write(ev, tmp_path / "whole.xlsx", MADE)[1]
    monkeypatch.setattr(report_xlsx, "ROWS", 6)
    split = report_xlsx.write(ev, tmp_path / "split.xlsx", MADE)[1]
    before, after = _sheet_rows(whole), _sheet_rows(split)
    for name in ("科室评分", "溯源"):
        parts = [n for n in after if n == name or n.startswith(f"{name}（续")]
        assert len(parts) == -(-(len(before[name]) - 1) // 5) > 2  # 5 rows under each header
        assert parts == [name, *(f"{name}（续{k}）" for k in range(1, len(parts)))]
        assert all(after[p][0] == before[name][0] and len(after[p]) <= 6 for p in parts)
        assert [r for p in parts for r in after[p][1:]] == before[name][1:]
    order = list(after)
    assert order.index("科室评分（续1）") == 1 and order[order.index("溯源") - 1].startswith("加减分")
    wb = openpyxl.load_workbook(split)
    assert wb["溯源（续1）"].auto_filter.ref == "A1:F6" and wb["溯源（续1）"].print_title_rows == "$1:$1"


def test_text_longer_than_an_excel_cell_is_cut_and_says_so(tmp_path):
    """A cell holds 32,767 UTF-16 units; xlsxwriter cuts longer text without a word. The report cuts it
    itself, never inside a character outside the BMP, and says where the whole text is."""
    import xlsxwriter

    path = tmp_path / "long.xlsx"
    wb = xlsxwriter.Workbook(str(path), report_xlsx.options())
    s = report_xlsx._Sheet(wb, "长表", "0.00")
    text = "𠀋" * 20_000  # 40,000 UTF-16 units
    report_xlsx._rows(s, ("甲", "乙"), iter([["短", text], ["短", "正常"]]), [10, 20], set())
    wb.close()
    cell = openpyxl.load_workbook(path).worksheets[0]["B2"].value
    assert cell.endswith(report_xlsx.CUT) and set(cell[: -len(report_xlsx.CUT)]) == {"𠀋"}
    assert len(cell.encode("utf-16-le")) // 2 <= report_xlsx.CELL_CHARS
    assert openpyxl.load_workbook(path).worksheets[0]["B3"].value == "正常"


def test_the_report_and_its_annex_declare_the_same_default_font_whichever_is_written_first(ev, tmp_path):
    """xlsxwriter adds a theme font to the default format's properties it is given: a second workbook
    given the same dict said its default font was the theme's (``<scheme val="minor"/>``)."""
    import re
    import zipfile

    def default_font(path: Path) -> str:
        styles = zipfile.ZipFile(path).read("xl/styles.xml").decode()
        return re.search(r"<font>.*?</font>", styles).group(0)

    fonts = [default_font(p) for k in range(2) for p in report_xlsx.write(ev, tmp_path / f"r{k}.xlsx", MADE)]
    assert len(set(fonts)) == 1 and "宋体" in fonts[0] and "scheme" not in fonts[0]
