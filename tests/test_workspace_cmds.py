"""init, status and the example workspace."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, fill_all

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.io.newyear import roll_rubric_text
from qp_eval.io.rubric_file import load_rubric

EXAMPLES = ROOT / "src" / "qp_eval" / "example"  # the example year shipped in the package
GENERATOR = ROOT / "examples" / "generate.py"


from support.run import cli  # noqa: E402 - in this process, 250 columns wide


def test_roll_moves_year_title_and_dates_only():
    text = "year: 2024\ntitle: 2024年度评估\ndeadlines:\n  a: 2024-02-29  # note\nx: 2023年度年检\n"
    rolled = roll_rubric_text(text, 2024, 2025)
    body = rolled.splitlines()[3:]
    assert body == ["year: 2025", "title: 2025年度评估", "deadlines:", "  a: 2025-02-28  # note", "x: 2023年度年检"]
    assert "请区民政局逐项核对" in rolled


def test_init_then_template_then_status_then_complete(tmp_path):
    ws = tmp_path / "ws"
    r = cli("init", str(ws), "--year", "2025", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rubric = load_rubric(ws / "rubric" / "2025.yaml")
    assert rubric.year == 2025 and str(rubric.deadlines.department_scoring) == "2025-12-10"
    assert (ws / "archive").is_dir() and (ws / "reports" / "2025").is_dir()
    assert cli("template", "--year", "2025", cwd=ws).returncode == 0  # existing files are kept
    st = cli("status", "--year", "2025", "--date", "2025-12-01", cwd=ws)
    assert st.returncode == 1
    rows = [line for line in st.stdout.splitlines() if "空白未填" in line or "未收到" in line]
    assert len([x for x in rows if "空白未填" in x]) == 8  # 7 departments + highlights, all still blank
    assert "剩 9 天" in st.stdout
    # the departments send their sheets back filled in
    fill_all(ws / "scores" / "2025", rubric)
    done = cli("status", "--year", "2025", "--date", "2025-12-11", cwd=ws)
    assert done.returncode == 0, done.stdout
    assert "全部收齐" in done.stdout and "超期 1 天" in done.stdout


def test_status_names_a_missing_and_an_invalid_sheet(tmp_path):
    ws = tmp_path / "ws"
    assert cli("init", str(ws), "--year", "2025", cwd=tmp_path).returncode == 0
    rubric = load_rubric(ws / "rubric" / "2025.yaml")
    folder = ws / "scores" / "2025"
    fill_all(folder, rubric)
    (folder / names.score_file_name(2025, "救助管理站")).unlink()
    office = folder / names.score_file_name(2025, "办公室")
    wb = openpyxl.load_workbook(office)
    wb[L.SCORE_SHEET]["F2"] = "满分"
    wb.save(office)
    st = cli("status", "--year", "2025", "--date", "2025-12-01", cwd=ws)
    assert st.returncode == 1
    assert "未收到" in st.stdout and "有错误" in st.stdout


def test_init_refuses_to_overwrite_a_rubric(tmp_path):
    assert cli("init", "ws", "--year", "2025", cwd=tmp_path).returncode == 0
    again = cli("init", "ws", "--year", "2025", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr


def test_examples_validate_without_errors_and_rank_11_towns(tmp_path):
    ws = tmp_path / "examples"
    shutil.copytree(EXAMPLES / "scores", ws / "scores")
    shutil.copytree(EXAMPLES / "archive", ws / "archive")
    v = cli("validate", cwd=ws)
    assert v.returncode == 0, v.stdout
    r = cli("rank", "--format", "json", cwd=ws)
    import json

    ranking = json.loads(r.stdout)["ranking"]
    assert len(ranking) == 11
    assert any(x["change"] for x in ranking)  # 较上年 shows movement
    assert any("一票否决" in x["grade_note"] for x in ranking)
    rep = cli("report", "--format", "xlsx", cwd=ws)
    assert rep.returncode == 0, rep.stderr
    assert (ws / "reports" / "2024" / "2024年度民政工作综合评估结果.xlsx").exists()
    let = cli("letters", cwd=ws)
    assert let.returncode == 0 and len(list((ws / "reports" / "2024" / "函告").glob("*.docx"))) == 11


def _cells(folder: Path) -> dict:
    out = {}
    for p in sorted(folder.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(p)
        out[p.relative_to(folder).as_posix()] = {
            ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets
        }
    for p in sorted(folder.rglob("*.json")):
        out[p.relative_to(folder).as_posix()] = p.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("target", ["committed"])
def test_example_generator_is_repeatable_and_matches_the_committed_files(tmp_path, target):
    gen = [sys.executable, str(GENERATOR)]
    for name in ("one", "two"):
        assert subprocess.run([*gen, str(tmp_path / name)], capture_output=True, timeout=300).returncode == 0
    one, two = _cells(tmp_path / "one"), _cells(tmp_path / "two")
    assert one == two
    committed = {k: v for k, v in _cells(EXAMPLES).items() if not k.startswith("reports/")}
    assert committed == one


def test_init_of_the_shipped_year_copies_its_rubric(tmp_path):
    r = cli("init", "ws", "--year", "2024", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "ws" / "rubric" / "2024.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 本文件由 qp-eval init 从随工具提供的 2024 年度评估细则复制。")
    assert "year: 2024" in text
