"""The year's sensitivity and trend in the report workbook, the HTML and Markdown reports and the brief,
on the example workspace (its 2022 and 2023 archives and the 2024 evaluation)."""

from __future__ import annotations

import shutil
import zipfile

import docx
import openpyxl
import pytest
from conftest import EXAMPLE
from support.run import qp

from qp_eval.core import names


@pytest.fixture(scope="module")
def ws(tmp_path_factory):  # noqa: ANN201
    root = tmp_path_factory.mktemp("analysis") / "ws"
    shutil.copytree(EXAMPLE, root)
    r = qp("report", "--year", "2024", "--date", "2025-01-03", cwd=root)
    assert r.returncode == 0, r.stderr
    return root


def workbook(ws):  # noqa: ANN001, ANN201
    return ws / "reports" / "2024" / names.report_name(2024, "xlsx")


def test_the_workbook_ends_with_stability_and_the_years(ws):
    wb = openpyxl.load_workbook(workbook(ws), read_only=True)
    assert wb.sheetnames[-2:] == ["稳定性", "历年趋势"]
    rows = list(wb["历年趋势"].iter_rows(values_only=True))
    assert rows[0][:4] == ("街镇", "2022年位次", "2023年位次", "2024年位次")
    by_town = {r[0]: r for r in rows[1:12]}
    # 华新镇: 8th in the example's 2022 archive, 4th in 2023's, 1st as evaluated for 2024
    assert by_town["华新镇"][1:4] == (8, 4, 1)
    assert by_town["华新镇"][-1] == "↑3"
    stability = [r for r in wb["稳定性"].iter_rows(values_only=True)]
    assert stability[0][0] == "位次稳定性"
    assert any(r[0] == "位次" and r[1] == "街镇" for r in stability)
    wb.close()
    annex = openpyxl.load_workbook(workbook(ws).with_name(names.annex_name(workbook(ws).name)), read_only=True)
    assert annex.sheetnames[-3:] == ["互换所需分值", "项目影响", "历年项目得分率"]
    items = list(annex["项目影响"].iter_rows(values_only=True))
    assert items[0][:3] == ("项目", "名称", "分值") and len([r for r in items[1:] if isinstance(r[0], int)]) == 27
    annex.close()


def test_the_years_chart_is_a_line_a_town_with_rank_one_at_the_top(ws):
    with zipfile.ZipFile(workbook(ws)) as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/charts/chart")]
    lines = [c for c in charts if "<c:lineChart>" in c]
    assert len(lines) == 1
    assert lines[0].count("<c:ser>") == 11
    assert '<c:orientation val="maxMin"/>' in lines[0]


def test_html_and_markdown_hold_the_sections_and_the_html_draws_the_years(ws):
    html_out, md_out = ws / "r.html", ws / "r.md"
    assert qp("report", "--year", "2024", "--format", "html", "--out", str(html_out), cwd=ws).returncode == 0
    assert qp("report", "--year", "2024", "--format", "md", "--out", str(md_out), cwd=ws).returncode == 0
    page = html_out.read_text(encoding="utf-8")
    assert "<h2>位次稳定性</h2>" in page and "<h2>历年趋势（2022–2024 年度）</h2>" in page
    assert page.count("<polyline") == 11 and 'aria-label="各街镇历年位次"' in page
    text = md_out.read_text(encoding="utf-8")
    assert "## 位次稳定性" in text and "## 互换位次所需分值" in text and "## 各项目全区平均得分率" in text


def test_html_is_the_same_with_one_job_and_with_two(ws):
    outs = []
    for jobs in ("1", "2"):
        out = ws / f"j{jobs}.html"
        assert qp("--jobs", jobs, "report", "--year", "2024", "--format", "html", "--out", str(out),
                  "--date", "2025-01-03", cwd=ws).returncode == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_the_brief_says_how_firm_the_ranking_is(ws):
    out = ws / "brief.docx"
    assert qp("brief", "--year", "2024", "--out", str(out), cwd=ws).returncode == 0
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "（六）位次的稳定性。" in text
    assert "保持原位次" in text and "最接近互换的是" in text


def test_a_workspace_with_no_earlier_archive_has_stability_but_no_years(tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root)
    shutil.rmtree(root / "archive")
    assert qp("report", "--year", "2024", cwd=root).returncode == 0
    wb = openpyxl.load_workbook(workbook(root), read_only=True)
    assert wb.sheetnames[-1] == "稳定性"
    wb.close()


def test_the_trend_reads_only_earlier_years_and_says_which_it_left_out(tmp_path):
    """The report's own year is the evaluation: an archive of it (or of a later year) is not read, so a
    broken one is not said either; a broken earlier year is said and left out of the years."""
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root)
    (root / "archive" / "2023.json").write_text("{", encoding="utf-8")
    for later in ("2024", "2025"):
        (root / "archive" / f"{later}.json").write_text("not json", encoding="utf-8")
    r = qp("report", "--year", "2024", "--format", "md", cwd=root)
    assert r.returncode == 0, r.stderr
    said = r.stdout + r.stderr
    assert "2023.json" in said and "历年趋势中不含该年度" in said
    assert "2024.json" not in said and "2025.json" not in said
    page = (root / "reports" / "2024" / names.report_name(2024, "md")).read_text(encoding="utf-8")
    assert "历年趋势（2022–2024 年度）" in page
