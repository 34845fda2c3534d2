"""催报通知 (``status --notice``): one page naming who still owes what, and the deadline.

The example year on 2024-12-05 with, by hand: 救助管理站's sheet taken out (未收到); 社会事务科's
score for 夏阳街道 18.2 (1.5 points) typed as 3 (one error); 白鹤镇's self-evaluation taken out and
华新镇's replaced by the blank form (blank counts as not sent). Departments are due 2024-12-10 (5 days
left), towns 2024-11-08 (27 days late). The registers are the office's own and are never chased.
"""

from __future__ import annotations

import shutil

import docx
import pytest
from conftest import EXAMPLE
from support.run import cli, qp
from test_returns import SOCIAL, TOWN, spoil

from qp_eval.core import layout as L
from qp_eval.core import names

DAY = "2024-12-05"
NOTICE = f"2024年度综合评估催报通知_{DAY}.docx"


@pytest.fixture
def ws(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    shutil.copytree(EXAMPLE / "archive", tmp_path / "archive")
    scores = tmp_path / "scores" / "2024"
    (scores / "2024年度评分表_救助管理站.xlsx").unlink()
    (scores / names.SELF_FOLDER / "2024年度自评表_白鹤镇.xlsx").unlink()
    spoil(scores / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 3)])
    blank = tmp_path / "blank"
    assert cli("template", "--year", "2024", "--towns", "--out", str(blank), cwd=tmp_path).returncode == 0
    shutil.copyfile(blank / TOWN, scores / TOWN)
    return tmp_path


EXPECTED = [
    "关于催报2024年度综合评估材料的通知",
    "",
    "有关科室（单位）、街镇：",
    "　　截至2024年12月5日，尚未收齐的评估材料如下：",
    "　　一、科室评分表（2024年12月10日截止，还有 5 天）",
    "　　未报送：救助管理站。",
    "　　有错误需修改：社会事务科（1 处）。请按局办公室告知的问题修改后重新报送。",
    "　　二、街镇自评表（2024年11月8日截止，已超期 27 天）",
    "　　未报送或未填写：华新镇、白鹤镇。",
    "　　已超期的请尽快报送。报送时请使用局办公室下发的表格，不要增删行列、不要修改“说明”页。如有疑问，请与局办公室联系。",
    "",
    "青浦区民政局办公室",
    "2024年12月5日",
]


def test_the_notice_names_each_sender_by_what_it_owes_on_the_terminal_and_in_the_document(ws):
    r = qp("status", "--year", "2024", "--notice", "--date", DAY, cwd=ws, columns=200)
    assert r.returncode == 1  # still not complete
    assert r.stdout.splitlines()[:len(EXPECTED)] == EXPECTED
    assert "下一步：1 个表格有错误，把标出问题单元格的复制件退回填表的科室或街镇：qp-eval return --year 2024" in r.stdout
    assert "--notice" not in r.stdout  # the notice does not suggest itself
    target = ws / "reports" / "2024" / NOTICE
    assert f"已生成催报通知：{target.relative_to(ws)}" in r.stderr
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs if p.text]
    assert paragraphs == [line.strip("　") for line in EXPECTED if line]


def test_after_return_the_notice_says_the_marked_copy_went_back_and_status_stops_suggesting_it(ws):
    assert cli("status", "--year", "2024", "--date", DAY, cwd=ws).stdout.count("qp-eval return --year 2024") == 1
    assert cli("return", "--year", "2024", "--date", DAY, cwd=ws).returncode == 0
    r = qp("status", "--year", "2024", "--notice", "--date", DAY, cwd=ws, columns=200)
    assert ("　　有错误需修改：社会事务科（1 处）。局办公室已退回标出问题单元格的表格，请在退回的表格上修改后报送。"
            in r.stdout.splitlines())
    assert "qp-eval return" not in cli("status", "--year", "2024", "--date", DAY, cwd=ws).stdout
    # the department sends it again, still wrong: that sheet has not been returned yet
    spoil(ws / "scores" / "2024" / SOCIAL, L.SCORE_SHEET, [({"街镇": "盈浦街道", "编号": "18.2"}, "得分", 3)])
    assert "qp-eval return --year 2024" in cli("status", "--year", "2024", "--date", DAY, cwd=ws).stdout


def test_status_points_at_the_notice_while_anyone_owes_a_sheet(ws):
    r = cli("status", "--year", "2024", "--date", DAY, cwd=ws)
    assert "下一步：3 个科室或街镇的表格未收到或仍是空白表，生成催报通知：qp-eval status --year 2024 --notice" in r.stdout


def test_nothing_owed_writes_no_notice(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    r = cli("status", "--year", "2024", "--notice", "--date", DAY, cwd=tmp_path)
    assert r.returncode == 0 and "无需催报" in r.stdout
    assert not (tmp_path / "reports").exists()


def test_on_the_deadline_and_with_only_departments_owing(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    (tmp_path / "scores" / "2024" / "2024年度评分表_办公室.xlsx").unlink()
    r = qp("status", "--year", "2024", "--notice", "--date", "2024-12-10", cwd=tmp_path, columns=200)
    lines = r.stdout.splitlines()
    assert lines[2] == "有关科室（单位）："  # no town owes anything
    assert "　　一、科室评分表（2024年12月10日截止，即今天）" in lines and "　　未报送：办公室。" in lines
    assert not any("街镇自评表" in x for x in lines)
    assert any(x.startswith("　　请按时报送。") for x in lines)


def test_status_of_the_example_year_fits_its_table_in_80_columns_on_a_terminal(ws):
    import datetime as dt
    import io

    from qp_eval.cli.console import ZhConsole
    from qp_eval.cli.console.intake import print_status
    from qp_eval.core.linebreak import width_of
    from qp_eval.core.status import status_of
    from qp_eval.io.intake import validate_paths
    from qp_eval.io.rubric_file import load_rubric
    from qp_eval.io.workspace import shipped_rubric

    rubric = load_rubric(shipped_rubric(2024))
    folder = ws / "scores" / "2024"
    out = io.StringIO()
    console = ZhConsole(file=out, force_terminal=True, width=80, highlight=False)
    print_status(status_of(rubric, validate_paths(rubric, [folder]), dt.date(2024, 12, 5), "scores/2024"), console)
    lines = out.getvalue().splitlines()
    assert any(x.startswith("┏") for x in lines)
    assert all(width_of(x) <= 80 or "/tmp" in x for x in lines)  # only a whole path longer than a line is wider
    rows = [x for x in lines if x.startswith("│") and x.split("│")[2].strip()]  # a row's first line has its state
    assert len(rows) == 7 + 2 + 11  # 7 departments, 2 registers, 11 towns' forms (those not sent say 未收到)
    assert "，状态 " not in out.getvalue()  # no fallback prose ("表格 …，状态 …")
