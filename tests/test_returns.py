"""退回修改: sheets returned to their senders, marked, fixed there and put back.

The example year, with mistakes put in by hand: 社会事务科 scores 夏阳街道 18.2 (1.5 points) as 3;
社会救助与儿童福利科 types "良好" for a score and leaves another blank; 华新镇 rates itself 5 on 1.1
(2 points). Each is an error at that one cell, so ``return`` writes exactly three copies, each
flagging exactly those cells; putting the original values back in the copies (one of them saved
again by LibreOffice, as a department with WPS or LibreOffice would) and the copies into scores/
gives the clean year back: validate finds no error and rank is the clean year's, byte for byte.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import EXAMPLE, header_map
from support.run import cli

from qp_eval.core import layout as L
from qp_eval.core import names

SOCIAL = "2024年度评分表_社会事务科.xlsx"
RELIEF = "2024年度评分表_社会救助与儿童福利科.xlsx"
TOWN = f"{names.SELF_FOLDER}/2024年度自评表_华新镇.xlsx"


@pytest.fixture
def ws(tmp_path) -> Path:
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    shutil.copytree(EXAMPLE / "archive", tmp_path / "archive")
    return tmp_path


def row_of(sheet, **wanted) -> int:
    head = header_map(sheet)
    return next(r for r in range(2, sheet.max_row + 1)
                if all(sheet.cell(r, head[k]).value == v for k, v in wanted.items()))


def spoil(path: Path, sheet: str, changes: list[tuple[dict, str, object]]) -> dict[str, object]:
    """Set each (row wanted, column) to a value; returns cell -> the value it held."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    head = header_map(ws)
    was = {}
    for wanted, column, value in changes:
        cell = ws.cell(row_of(ws, **wanted), head[column])
        was[cell.coordinate] = cell.value
        cell.value = value
    wb.save(path)
    return was


def flagged(copy: Path) -> list[str]:
    """The places the copy's 退回说明 lists."""
    sheet = openpyxl.load_workbook(copy)["退回说明"]
    head = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    return [sheet.cell(r, 4).value for r in range(head + 1, sheet.max_row + 1) if sheet.cell(r, 1).value]


def test_three_senders_fix_their_marked_copies_and_the_year_comes_back(ws, tmp_path):
    clean = cli("rank", "--year", "2024", "--format", "json", cwd=ws).stdout
    scores = ws / "scores" / "2024"
    wrong = {
        SOCIAL: (L.SCORE_SHEET, spoil(scores / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 3)])),
        RELIEF: (L.SCORE_SHEET, spoil(scores / RELIEF, L.SCORE_SHEET, [({"街镇": "华新镇", "编号": "6.1"}, "得分", "良好"),
                                                                      ({"街镇": "练塘镇", "编号": "6.1"}, "得分", None)])),
        TOWN: (L.SELF_SHEET, spoil(scores / TOWN, L.SELF_SHEET, [({"编号": "1.1"}, "自评得分", 5)])),
    }
    before = {p: p.read_bytes() for p in scores.rglob("*.xlsx")}
    r = cli("return", "--year", "2024", "--date", "2024-12-05", cwd=ws)
    assert r.returncode == 0, r.stderr
    assert {p: p.read_bytes() for p in scores.rglob("*.xlsx")} == before  # the received files untouched
    back = ws / "reports" / "2024" / "退回"
    assert sorted(p.relative_to(back).as_posix() for p in back.rglob("*.xlsx")) == sorted(wrong)
    assert "只有警告、未退回：重固镇" in r.stderr  # its four highlights of five: a warning, not returned

    for name, (sheet, was) in wrong.items():
        copy = back / name
        assert sorted(flagged(copy)) == sorted(f"{sheet}!{cell}" for cell in was), name
        wb = openpyxl.load_workbook(copy)
        assert wb.sheetnames[0] == "退回说明" and wb.sheetnames[1] == L.INFO_SHEET
        for cell in was:  # marked in the sheet itself, and protected as it was
            assert wb[sheet][cell].fill.fgColor.rgb.endswith("FFC7CE") and "qp-eval" in wb[sheet][cell].comment.author
        assert wb[sheet].protection.sheet
        for cell, value in was.items():  # the sender puts right exactly what was flagged
            wb[sheet][cell].value = value
        wb.save(copy)
    if shutil.which("soffice"):  # one sender saves it again in an office suite
        out = tmp_path / "lo-out"
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xlsx",
                        "--outdir", str(out), str(back / SOCIAL)], check=True, capture_output=True, timeout=180)
        shutil.copyfile(out / SOCIAL, back / SOCIAL)
    for name in wrong:  # the clerk drops each copy in place of the old file
        shutil.copyfile(back / name, scores / name)
    v = cli("validate", "--year", "2024", "--format", "json", cwd=ws)
    assert json.loads(v.stdout)["errors"] == 0, v.stdout
    assert cli("rank", "--year", "2024", "--format", "json", cwd=ws).stdout == clean


def test_a_copy_returned_again_starts_clean_and_marks_only_what_is_wrong_now(ws):
    scores = ws / "scores" / "2024"
    spoil(scores / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 3),
                                           ({"街镇": "盈浦街道", "编号": "18.2"}, "得分", 9)])
    assert cli("return", "--year", "2024", cwd=ws).returncode == 0
    copy = ws / "reports" / "2024" / "退回" / SOCIAL
    first = flagged(copy)
    assert len(first) == 2
    wb = openpyxl.load_workbook(copy)
    fixed = first[0].split("!")[1]
    template_fill = openpyxl.load_workbook(scores / SOCIAL)[L.SCORE_SHEET][fixed].fill.fgColor.rgb
    wb[L.SCORE_SHEET][fixed].value = 1.5  # half done
    wb.save(copy)
    shutil.copyfile(copy, scores / SOCIAL)
    assert cli("return", "--year", "2024", cwd=ws).returncode == 0
    again = openpyxl.load_workbook(copy)
    assert flagged(copy) == first[1:] and again.sheetnames.count("退回说明") == 1
    assert again[L.SCORE_SHEET][fixed].comment is None
    assert again[L.SCORE_SHEET][fixed].fill.fgColor.rgb == template_fill  # the template's own fill back


def test_what_the_office_must_settle_is_not_returned_but_said(ws):
    scores = ws / "scores" / "2024"
    path = scores / SOCIAL
    wb = openpyxl.load_workbook(path)
    info = wb[L.INFO_SHEET]
    r = next(r for r in range(1, 20) if info.cell(r, 1).value == L.KEY_FINGERPRINT)
    info.cell(r, 2).value = "0" * 16  # made for another version of the rubric (F104)
    wb.save(path)
    spoil(scores / RELIEF, L.SCORE_SHEET, [({"街镇": "华新镇", "编号": "6.1"}, "得分", "良好")])
    r = cli("return", "--year", "2024", cwd=ws)
    assert "未退回" in r.stderr and "qp-eval migrate --year 2024" in r.stderr and SOCIAL in r.stderr
    back = ws / "reports" / "2024" / "退回"
    assert [p.name for p in back.rglob("*.xlsx")] == [RELIEF]


def test_warnings_only_are_returned_when_asked_and_out_is_never_overwritten_without_force(ws, tmp_path):
    out = tmp_path / "给街镇"
    assert cli("return", "--year", "2024", "--warnings", "--out", str(out), cwd=ws).returncode == 0
    assert [p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")] == [f"{names.SELF_FOLDER}/2024年度自评表_重固镇.xlsx"]
    again = cli("return", "--year", "2024", "--warnings", "--out", str(out), cwd=ws)
    assert again.returncode == 2 and "--force" in again.stderr
    assert cli("return", "--year", "2024", "--warnings", "--out", str(out), "--force", cwd=ws).returncode == 0


def test_nothing_to_return(ws):
    r = cli("return", "--year", "2024", cwd=ws)
    assert r.returncode == 0 and "没有需要退回修改的表格" in r.stdout
    assert not (ws / "reports" / "2024" / "退回").exists() or not list((ws / "reports" / "2024" / "退回").iterdir())


def test_a_sheet_that_lost_a_sheet_is_the_offices_to_rebuild_not_returned(ws):
    path = ws / "scores" / "2024" / SOCIAL
    wb = openpyxl.load_workbook(path)
    wb.remove(wb[L.FIGURE_SHEET])  # S201: a department clerk has no qp-eval to rebuild it with
    wb.save(path)
    r = cli("return", "--year", "2024", cwd=ws)
    assert f"未退回：{Path('scores') / '2024' / SOCIAL}" in r.stderr and "qp-eval migrate --year 2024" in r.stderr
    assert not (ws / "reports" / "2024" / "退回" / SOCIAL).exists()


def test_copies_of_an_earlier_round_are_set_aside_so_only_what_is_due_is_sent(ws):
    scores = ws / "scores" / "2024"
    spoil(scores / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 3)])
    was = spoil(scores / RELIEF, L.SCORE_SHEET, [({"街镇": "华新镇", "编号": "6.1"}, "得分", "良好")])
    assert cli("return", "--year", "2024", cwd=ws).returncode == 0
    back = ws / "reports" / "2024" / "退回"
    spoil(scores / RELIEF, L.SCORE_SHEET, [({"街镇": "华新镇", "编号": "6.1"}, "得分", next(iter(was.values())))])
    r = cli("return", "--year", "2024", cwd=ws)  # 社会救助与儿童福利科 has fixed theirs
    assert [p.name for p in back.glob("*.xlsx")] == [SOCIAL]
    aside = list(back.glob(f"{names.BACKUP_PREFIX}*/{RELIEF}"))
    assert len(aside) == 1 and "已移到" in r.stdout


def test_the_explanation_rows_are_tall_enough_for_their_text_and_pages_are_numbered(ws):
    spoil(ws / "scores" / "2024" / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 3)])
    assert cli("return", "--year", "2024", cwd=ws).returncode == 0
    sheet = openpyxl.load_workbook(ws / "reports" / "2024" / "退回" / SOCIAL)["退回说明"]
    head = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    assert sheet.row_dimensions[head + 1].height >= 15
    assert "&P" in sheet.oddFooter.center.text
