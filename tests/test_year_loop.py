"""The back-and-forth of a year: every piece of advice leads somewhere.

Each finding about a sheet's structure names a command; here each named command is run on its
case and mends it, keeping every filled value. On the hand-worked year (tests/test_scoring.py):
一科's sheet holds 21 score rows (甲镇, 乙街道, 丙镇 × 1.1, 1.2-Q1..Q4, and 2.1's figures).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import edit, header_map
from support.run import cli
from support.year import town_file, year_workspace

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.io.intake import validate_paths
from qp_eval.io.writers.template import write_templates

D1 = "2024年度评分表_一科.xlsx"
# after a rebuild, what went with the deleted part is asked for again at its cell: the 6 figures of
# 2.1 (3 towns x 2 indicators) when the 指标 sheet went; the 扣分说明 of the 4 rows scored below their
# points (甲镇 1.1 1.5 of 2 is not: 1.1 is 2; 甲镇 1.2-Q2 3.5 and Q3 3 of 4, 乙街道 1.1 1.8 of 2,
# 丙镇 1.2-Q4 3 of 4) when that column went
S201_AFTER = {("I701", L.FIGURE_SHEET, f"D{r}") for r in range(2, 8)}
S202_AFTER = {("V409", L.SCORE_SHEET, c) for c in ("G4", "G5", "G7", "G16")}


@pytest.fixture
def year(tmp_path, mini) -> Path:
    return year_workspace(tmp_path, mini)


def codes(year: Path, mini) -> set[tuple[str, str, str]]:
    return {(f.code, f.sheet, f.cell) for f in validate_paths(mini, [year / "scores" / "2024"]).findings}


def scores_of(path: Path) -> dict[tuple[str, str], object]:
    ws = openpyxl.load_workbook(path)[L.SCORE_SHEET]
    head = header_map(ws)
    return {(ws.cell(r, head["街镇"]).value, ws.cell(r, head["编号"]).value): ws.cell(r, head["得分"]).value
            for r in range(2, ws.max_row + 1)}


def hint_command(year: Path, code: str) -> list[str]:
    """The command the finding's hint names, as words (it must work when pasted)."""
    data = json.loads(cli("validate", "--year", "2024", "--format", "json", cwd=year).stdout)
    hint = next(f["hint"] for f in data["findings"] if f["code"] == code)
    m = re.search(r"qp-eval ([a-z]+ --year \d{4})", hint)
    assert m, hint
    return m.group(1).split()


def unprotected(path: Path, change) -> None:  # noqa: ANN001
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.protection.sheet = False  # what a clerk must do to delete a row or a column
        change(wb, ws)
    edit(path, go)


@pytest.mark.parametrize("case", ["T305", "S202", "S201"])
def test_each_structural_finding_is_mended_by_the_command_its_hint_names(year, mini, case):
    path = year / "scores" / "2024" / D1
    before = scores_of(path)
    if case == "T305":  # 甲镇 1.2-Q1's row deleted
        unprotected(path, lambda wb, ws: ws.delete_rows(3))
    elif case == "S202":  # the 扣分说明 column deleted
        unprotected(path, lambda wb, ws: ws.delete_cols(header_map(ws)["扣分说明"]))
    else:  # the 指标 sheet deleted
        edit(path, lambda wb: wb.remove(wb[L.FIGURE_SHEET]))
    assert case in {c for c, _, _ in codes(year, mini)}
    command = hint_command(year, case)
    assert command == ["migrate", "--year", "2024"]
    r = cli(*command, cwd=year)
    assert r.returncode == 0 and "已修复" in r.stdout, r.stdout + r.stderr
    found = codes(year, mini)
    assert case not in {c for c, _, _ in found}
    after = scores_of(path)
    wb = openpyxl.load_workbook(path)
    assert wb[L.SCORE_SHEET].protection.sheet  # the rebuilt sheet is protected again
    if case == "T305":  # every other score carried; the restored row waits, at its cell, for the department
        assert {k: v for k, v in after.items() if k != ("甲镇", "1.2-Q1")} == \
               {k: v for k, v in before.items() if k != ("甲镇", "1.2-Q1")}
        assert after[("甲镇", "1.2-Q1")] is None and found == {("T306", L.SCORE_SHEET, "F3")}
        assert "补上的行" in r.stderr and "qp-eval return --year 2024" in r.stdout
        said = [line.split("qp-eval ", 1)[1].split() for line in r.stdout.splitlines() if line.startswith("下一步：")]
        assert said == [["return", "--year", "2024"]]
        sent = cli(*said[0], cwd=year)  # the command it names marks the restored row for the department
        assert sent.returncode == 0 and (year / "reports" / "2024" / "退回" / D1).exists()
    else:
        assert after == before
        assert found == (S201_AFTER if case == "S201" else S202_AFTER)
    backups = list((year / "scores" / "2024").glob(f"{names.BACKUP_PREFIX}*/{D1}"))
    assert len(backups) == 1  # the damaged file kept as it was


def revise(year: Path) -> None:
    """3.1 (2 points) and 3.2 (3) become 1.5 and 3.5: 二科's sheet and every town's form change layout."""
    rubric_file = year / "rubric" / "2024.yaml"
    text = rubric_file.read_text(encoding="utf-8")
    rubric_file.write_text(text.replace('{id: "3.1", name: 联检, standard: 部分街镇, points: 2, applies_to: [a]}',
                                        '{id: "3.1", name: 联检, standard: 部分街镇, points: 1.5, applies_to: [a]}')
                           .replace('{id: "3.2", name: 界桩, standard: 界桩维护, points: 3}',
                                    '{id: "3.2", name: 界桩, standard: 界桩维护, points: 3.5}'), encoding="utf-8")


def test_f104_is_mended_by_migrate_as_its_hint_says(year, mini):
    revise(year)
    status = json.loads(cli("status", "--year", "2024", "--date", "2024-12-01", "--format", "json", cwd=year).stdout)
    d2 = next(r for r in status["rows"] if r["name"] == "二科")
    assert (d2["state"], d2["filled"], d2["expected"]) == ("需要迁移", 7, 7)  # never 空白未填
    said = cli("status", "--year", "2024", "--date", "2024-12-01", cwd=year).stdout
    assert "需要迁移" in said and "空白未填" not in said and "qp-eval migrate --year 2024" in said
    assert hint_command(year, "F104") == ["migrate", "--year", "2024"]
    assert cli("migrate", "--year", "2024", cwd=year).returncode == 0
    status = json.loads(cli("status", "--year", "2024", "--date", "2024-12-01", "--format", "json", cwd=year).stdout)
    assert next(r for r in status["rows"] if r["name"] == "二科")["state"] == "已收到"


def test_a_file_named_is_rebuilt_with_its_protection_and_dropdowns(year, mini):
    path = year / "scores" / "2024" / D1
    before = scores_of(path)
    unprotected(path, lambda wb, ws: setattr(ws, "data_validations", type(ws.data_validations)()))
    r = cli("migrate", "--year", "2024", str(path), cwd=year)
    assert r.returncode == 0 and "按要求重建" in r.stdout
    wb = openpyxl.load_workbook(path)
    assert wb[L.SCORE_SHEET].protection.sheet and wb[L.SCORE_SHEET].data_validations.dataValidation
    assert scores_of(path) == before


def test_migrate_leaves_a_town_form_never_filled_in_as_it_is(year, mini):
    towns = year / "scores" / "2024"
    write_templates(mini, towns, towns=True)
    edit(town_file(towns, mini, "a"), lambda wb: wb[L.SELF_SHEET].cell(2, 5, 2))  # 甲镇 has begun
    blank = town_file(towns, mini, "b")
    stamp = (blank.read_bytes(), blank.stat().st_mtime_ns)
    revise(year)
    r = cli("migrate", "--year", "2024", cwd=year)
    assert r.returncode == 0 and "尚未填写，保持原样" in r.stdout and "乙街道自评表" in r.stdout
    assert (blank.read_bytes(), blank.stat().st_mtime_ns) == stamp
    assert "qp-eval template --year 2024 --towns --force" in r.stdout
    again = cli("template", "--year", "2024", "--towns", "--force", cwd=year)  # as the next step says
    assert again.returncode == 0
    from qp_eval.io.rubric_file import load_rubric

    fresh = validate_paths(load_rubric(year / "rubric" / "2024.yaml"), [towns]).findings  # as revised
    assert not [f for f in fresh if f.code == "F104" and "乙街道" in f.file]  # 乙街道's blank form is of the new layout
