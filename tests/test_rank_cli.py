"""rank, explain and verify from the command line, on workspaces built in the test."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import dept_file, edit, fill_highlights, fill_scores
from support.run import cli  # noqa: E402 - in this process, 250 columns wide
from support.year import year_workspace

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.explain import explain_unit
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.writers.template import write_templates


@pytest.fixture
def ws(tmp_path, mini) -> Path:
    return year_workspace(tmp_path, mini)


def test_rank_table(ws):
    r = cli("rank", cwd=ws)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()  # piped: aligned columns, no lines drawn
    assert lines[1].split() == ["位次", "街镇", "重点工作得分", "亮点加分", "问题扣分", "最终得分", "等级"]
    assert lines[2].split() == ["1", "甲镇", "18.63", "1.50", "1.00", "19.13", "良好"]
    assert "一票否决" in r.stdout


def test_rank_json_and_csv(ws):
    r = cli("rank", "--format", "json", cwd=ws)
    data = json.loads(r.stdout)
    assert [(x["unit"], x["rank"], x["final"], x["grade"]) for x in data["ranking"]] == [
        ("甲镇", 1, "19.13", "良好"), ("乙街道", 2, "17.53", "良好"), ("丙镇", 2, "17.53", "良好")]
    c = cli("rank", "--format", "csv", cwd=ws)
    rows = c.stdout.splitlines()
    assert rows[0].startswith("\ufeff位次,街镇,重点工作得分")  # BOM: a zh-CN Excel opens it as UTF-8
    assert rows[2] == "2,乙街道,18.73,0.80,2.00,17.53,良好,,,初评"  # no meeting recorded: proposed


def test_rank_is_identical_byte_for_byte(ws):
    assert cli("rank", "--format", "json", cwd=ws).stdout == cli("rank", "--format", "json", cwd=ws).stdout


def test_rank_refuses_while_errors_remain(ws, mini):
    edit(dept_file(ws / "scores" / "2024", mini, "d1"), lambda wb: wb[L.SCORE_SHEET].__setitem__("F2", 9))
    r = cli("rank", cwd=ws)
    assert r.returncode == 1
    assert "V404" in r.stderr and "未计分" in r.stderr
    assert r.stdout == ""


def test_rank_allow_missing_marks_the_missing(ws, mini):
    dept_file(ws / "scores" / "2024", mini, "d2").unlink()
    assert cli("rank", cwd=ws).returncode == 1
    r = cli("rank", "--allow-missing", "--format", "json", cwd=ws)
    assert r.returncode == 0, r.stderr
    a = next(x for x in json.loads(r.stdout)["ranking"] if x["unit"] == "甲镇")
    assert a["missing"] == ["3.1", "3.2", "4.1"] and "缺少评分" in a["note"]


def test_save_archive_then_verify_detects_changes(ws, mini):
    r = cli("rank", "--save", cwd=ws)
    assert r.returncode == 0, r.stderr
    archive = ws / "archive" / "2024.json"
    first = archive.read_bytes()
    assert cli("rank", "--save", cwd=ws).returncode == 0
    assert archive.read_bytes() == first  # same inputs, same bytes
    saved = json.loads(first)
    assert saved["rubric_fingerprint"] == mini.fingerprint
    assert len(saved["inputs"]) == 5 and all(len(i["sha256"]) == 64 for i in saved["inputs"])
    ok = cli("verify", cwd=ws)
    assert ok.returncode == 0 and "一致" in ok.stdout

    # an edited archive
    edited = json.loads(first)
    edited["results"][0]["final"] = "99.00"
    archive.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    bad = cli("verify", cwd=ws)
    assert bad.returncode == 1
    assert "甲镇 的最终得分不一致" in bad.stdout and "99.00" in bad.stdout
    archive.write_bytes(first)

    # a changed input file
    edit(dept_file(ws / "scores" / "2024", mini, "d2"), lambda wb: wb[L.SCORE_SHEET].__setitem__("F4", 5))
    changed = cli("verify", cwd=ws)
    assert changed.returncode == 1
    assert "输入文件存档后被修改：scores/2024/2024年度评分表_二科.xlsx" in changed.stdout
    assert "甲镇 的最终得分不一致" in changed.stdout

    # a differing archive is not overwritten without --force
    refused = cli("rank", "--save", cwd=ws)
    assert refused.returncode == 1 and archive.read_bytes() == first
    assert cli("rank", "--save", "--force", cwd=ws).returncode == 0
    assert archive.read_bytes() != first


def test_previous_archive_gives_the_change(ws):
    (ws / "archive").mkdir()
    (ws / "archive" / "2023.json").write_text(json.dumps({"format": "qp-eval-archive/1", "year": 2023, "results": [
        {"unit_id": "a", "rank": 2}, {"unit_id": "b", "rank": 1}, {"unit_id": "c", "rank": 3}]}), encoding="utf-8")
    r = cli("rank", "--format", "json", cwd=ws)
    got = {x["unit"]: (x["previous_rank"], x["change"]) for x in json.loads(r.stdout)["ranking"]}
    assert got["甲镇"] == (2, "↑1")
    assert got["乙街道"] == (1, "↓1")
    assert got["丙镇"] == (3, "↑1")
    table = cli("rank", cwd=ws)
    assert "较上年变化" in table.stdout


def test_explain_by_alias_adds_up(ws):
    r = cli("explain", "甲", "--format", "json", cwd=ws)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["unit"] == "甲镇" and data["final"] == "19.13"
    assert sum(Decimal(x["amount"]) for x in data["lines"]) == Decimal(data["final_exact"]) == Decimal("19.125")
    quarter = next(x for x in data["lines"] if x["label"].startswith("1.2"))
    assert "评分!F3" in quarter["source"] and "取平均 3.625" in quarter["detail"]
    measured = next(x for x in data["lines"] if x["label"].startswith("2.1"))
    assert "70" in measured["detail"] and "指标!D2" in measured["source"]
    text = cli("explain", "甲镇", cwd=ws)
    assert "19.125" in text.stdout and "加分封顶调整" in text.stdout


def test_explain_unknown_unit_is_a_usage_error(ws):
    r = cli("explain", "丁镇", cwd=ws)
    assert r.returncode == 2 and "未知的街镇" in r.stderr


def test_rank_without_scores_folder_says_what_to_do(tmp_path):
    r = cli("rank", "--year", "2024", cwd=tmp_path)
    assert r.returncode == 2
    assert "qp-eval template" in r.stderr and "Traceback" not in r.stderr


def test_explain_lines_sum_to_rank_final_for_every_2024_unit(tmp_path, rubric2024):
    folder = tmp_path / "scores"
    write_templates(rubric2024, folder)
    spread = [Decimal("1"), Decimal("0.9"), Decimal("0.75"), Decimal("0.5")]

    def value(points, unit, rid):
        k = (len(unit) + len(str(rid)) + int(float(points) * 4)) % len(spread)
        return float((Decimal(str(points)) * spread[k]).quantize(Decimal("0.01")))

    for dept in L.scoring_departments(rubric2024):
        def fill(wb, _dept=dept):
            fill_scores(wb, value)
            if L.FIGURE_SHEET in wb.sheetnames:  # vary the figures: row number as value
                fs = wb[L.FIGURE_SHEET]
                for r in range(2, fs.max_row + 1):
                    fs.cell(r, 4).value = 50 + r * 7
        edit(dept_file(folder, rubric2024, dept), fill)
    edit(folder / names.HIGHLIGHT_FILE, lambda wb: fill_highlights(wb, rubric2024))
    ev = evaluate(rubric2024, folder)
    assert not ev.blocked, [f.message for f in ev.findings][:5]
    assert len(ev.ranking) == 11
    for row in ev.ranking:
        _, lines = explain_unit(ev, row.unit_id)
        assert sum((x.amount for x in lines), Decimal(0)) == row.result.final
