"""report, letters and booklet: what the bureau hands on, opened back with openpyxl and python-docx."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import MINI_PATH, add_problem, dept_file, edit, header_map
from test_rank_cli import cli
from test_scoring import build_year

from qp_eval import layout as L
from qp_eval.evaluate import evaluate
from qp_eval.writers import report_xlsx
from qp_eval.writers.letters import write_booklet, write_letters
from qp_eval.writers.ranking_out import safe_text

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


def test_report_workbook_sheets_headers_numbers_chart_print(ws):
    r = cli("report", "--year", "2024", "--date", "2024-12-30", cwd=ws)
    assert r.returncode == 0, r.stderr
    path = ws / "reports" / "2024" / "2024年度民政工作综合评估结果.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["排名", "分项得分", "科室评分", "加减分", "差距跟进", "溯源"]
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
    trace = wb["溯源"]
    texts = [c.value for row in trace.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(len(t) == 64 and all(ch in "0123456789abcdef" for ch in t) for t in texts)  # SHA-256


def test_input_text_is_never_a_formula_in_xlsx(ws):
    path = ws / "out.xlsx"
    assert cli("report", "--year", "2024", "--out", str(path), cwd=ws).returncode == 0
    wb = openpyxl.load_workbook(path)
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
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["report.xlsx"]  # no temporary left behind


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_letters_name_the_town_rank_and_score(ev, tmp_path):
    written = write_letters(ev, tmp_path / "letters", MADE)
    assert len(written) == 3
    text = {p.name: _text(p) for p in written}
    a = text["2024年度综合评估结果函_甲镇.docx"]
    assert "甲镇人民政府：" in a and "第 1 名" in a and "19.13" in a and "良好" in a
    assert "重大安全生产责任事故" in a and "一票否决" in a
    assert "青浦区民政局" in a and "2024年12月30日" in a
    b = text["2024年度综合评估结果函_乙街道.docx"]
    assert "乙街道办事处：" in b and "第 2 名" in b and "17.53" in b
    c = text["2024年度综合评估结果函_丙镇.docx"]
    assert "扣 0.5 分" in c and "+cmd" in c


def test_letters_cli(ws):
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
    assert "评定等级：A" in text


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c:d*?", "..", "\x00镇", "   "])
def test_file_names_from_town_names_stay_in_the_folder(tmp_path, name):
    from qp_eval.writers.letters import letter_file_name

    target = tmp_path / letter_file_name(2024, name)
    assert target.parent == tmp_path
    assert "/" not in target.name and "\\" not in target.name


def test_control_characters_from_inputs_do_not_break_the_outputs(ws, mini, tmp_path):
    def go(wb):
        sh = wb[L.SCORE_SHEET]
        sh["G3"] = "资料_x0007_不全"  # how Excel stores a control character
    edit(dept_file(ws / "scores" / "2024", mini, "d1"), go)
    assert cli("report", "--year", "2024", "--out", str(tmp_path / "r.xlsx"), cwd=ws).returncode == 0
    assert cli("letters", "--year", "2024", "--out", str(tmp_path / "l"), cwd=ws).returncode == 0
