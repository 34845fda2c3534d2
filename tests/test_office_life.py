"""Office life, third ring (issue 22): what Excel, WPS, a scheduler and a Windows redirect do around the
sheets. Error values are findings and never blanks, a formula's cached float is read as Excel shows it,
a stray key far away costs nothing, a column filled to the bottom is summed up, and any stream or
locale is an answer. The numbers are those of the hand-worked year in tests/test_scoring.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MINI_PATH, dept_file, fill_all, record_meeting
from corpus import error_cell, set_cell_xml
from support.run import bounded, run_in_process, snapshot
from support.year import year_workspace

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.findings import Finding, capped, count
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.intake import validate_paths
from qp_eval.io.writers.template import write_templates

D = Decimal


@pytest.fixture
def year(tmp_path, mini) -> Path:
    """The hand-worked year as a workspace: 甲镇 19.13, 乙街道 17.53, 丙镇 17.53 (tests/test_scoring.py)."""
    return year_workspace(tmp_path, mini)


def scores(year: Path) -> Path:
    return year / "scores" / "2024"


def at(findings) -> set[tuple[str, str, str]]:
    return {(f.code, f.sheet, f.cell) for f in findings}


def finals(ev) -> dict[str, str]:
    return {x.unit_id: str(ev.published[x.unit_id].final) for x in ev.ranking}


# --- error values are findings, never blanks --------------------------------------------------------


def test_the_hand_worked_year_before_any_error_value(year, mini):
    ev = evaluate(mini, scores(year))
    assert not ev.blocked and finals(ev) == {"a": "19.13", "b": "17.53", "c": "17.53"}


def test_an_error_value_as_a_deduction_stops_rank_instead_of_taking_the_default(year, mini):
    """丙镇's 1.72 showing #REF!: read as blank it would be 进京上访's default 2, 丙镇 17.25 and third."""
    set_cell_xml(scores(year) / names.PROBLEM_FILE, L.PROBLEM_SHEET, "F4", error_cell("F4"))
    ev = evaluate(mini, scores(year))
    assert ev.blocked and not ev.ranking
    assert ("F117", L.PROBLEM_SHEET, "F4") in at(ev.findings)
    f = next(f for f in ev.findings if f.code == "F117")
    assert f.severity == "error" and "#REF!" in f.message and "扣分" in f.message


def test_an_error_value_as_a_rating_stops_rank_instead_of_meaning_not_rated(year, mini):
    """乙街道's first highlight rated B showing #N/A: read as blank, its bonus would fall from 0.8 to 0.2."""
    set_cell_xml(scores(year) / names.HIGHLIGHT_FILE, L.HIGHLIGHT_SHEET, "G4", error_cell("G4", "#N/A", "VLOOKUP(A4,X:Y,2,0)"))
    ev = evaluate(mini, scores(year))
    assert ev.blocked and ("F117", L.HIGHLIGHT_SHEET, "G4") in at(ev.findings)
    assert "H601" not in {f.code for f in ev.findings}  # the highlight was sent: not counted as missing


def test_an_error_value_as_a_score_is_not_called_blank(year, mini):
    path = dept_file(scores(year), mini, "d2")
    set_cell_xml(path, L.SCORE_SHEET, "F6", error_cell("F6", "#DIV/0!", "1/0"))  # 乙街道 3.2
    result = validate_paths(mini, [path])
    assert at(result.findings) == {("F117", L.SCORE_SHEET, "F6")}  # not T306 得分为空
    assert "乙街道 3.2" in result.findings[0].message and "#DIV/0!" in result.findings[0].message


@pytest.mark.parametrize("sheet, cell, column", [
    (L.SCORE_SHEET, "G6", "扣分说明"), (L.SCORE_SHEET, "B6", "编号"), (L.SCORE_SHEET, "A6", "街镇")])
def test_an_error_value_in_any_column_of_the_scores(year, mini, sheet, cell, column):
    path = dept_file(scores(year), mini, "d2")
    set_cell_xml(path, sheet, cell, error_cell(cell, "#VALUE!", "A1+1"))
    found = [f for f in validate_paths(mini, [path]).findings if f.code == "F117"]
    assert [(f.sheet, f.cell) for f in found] == [(sheet, cell)] and column in found[0].message


def test_error_values_in_the_towns_self_evaluations(year, mini):
    from conftest import edit
    from support.year import fill_town, town_file

    write_templates(mini, scores(year), towns=True)
    path = town_file(scores(year), mini, "a")
    edit(path, fill_town)
    for sheet, cell in ((L.SELF_SHEET, "E2"), (L.FIGURE_SHEET, "C2"), (L.HIGHLIGHT_SHEET, "B2")):
        set_cell_xml(path, sheet, cell, error_cell(cell))
    found = validate_paths(mini, [path]).findings
    assert {("F117", L.SELF_SHEET, "E2"), ("F117", L.FIGURE_SHEET, "C2"), ("F117", L.HIGHLIGHT_SHEET, "B2")} <= at(found)
    assert not {"Z803", "V401", "H606"} & {f.code for f in found}  # the rows are there; their values are errors


def test_an_error_value_in_the_info_sheet(year, mini):
    path = dept_file(scores(year), mini, "d1")
    set_cell_xml(path, L.INFO_SHEET, "B3", error_cell("B3", "#REF!", "年度!A1"))
    assert at(validate_paths(mini, [path]).findings) == {("F117", L.INFO_SHEET, "B3")}


def test_a_formula_score_is_read_as_excel_shows_it_and_typed_text_exactly(year, mini):
    """=2.5*1 would be dull: 乙街道 3.2 holds =3*0.95, which Excel caches as 2.8499999999999996 and
    shows as 2.85. Read with 15 significant digits it is 2.85, not a V405 of 16 decimals; the same
    digits typed as text stay as typed, and are V405."""
    path = dept_file(scores(year), mini, "d2")
    set_cell_xml(path, L.SCORE_SHEET, "F6", '<c r="F6"><f>3*0.95</f><v>2.8499999999999996</v></c>')
    result = validate_paths(mini, [path])
    assert result.findings == []
    t = result.tables.scores
    assert [t.value[i] for i in range(len(t)) if (t.unit[i], t.criterion[i]) == ("b", "3.2")] == [D("2.85")]
    set_cell_xml(path, L.SCORE_SHEET, "F6", '<c r="F6" t="inlineStr"><is><t>2.8499999999999996</t></is></c>')
    assert at(validate_paths(mini, [path]).findings) == {("V405", L.SCORE_SHEET, "F6")}


def test_a_register_saved_by_libreoffice_with_an_error_value(year, mini, tmp_path):
    """The same through a real office suite: LibreOffice computes =1/0, caches #DIV/0!, and saves."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装（make render-check 会安装）")
    import openpyxl

    path = scores(year) / names.PROBLEM_FILE
    wb = openpyxl.load_workbook(path)
    wb[L.PROBLEM_SHEET]["F4"] = "=1/0"
    wb.save(tmp_path / "in.xlsx")
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xlsx",
                    "--outdir", str(out), str(tmp_path / "in.xlsx")], check=True, capture_output=True, timeout=180)
    shutil.copyfile(out / "in.xlsx", path)
    ev = evaluate(mini, scores(year))
    assert ev.blocked and ("F117", L.PROBLEM_SHEET, "F4") in at(ev.findings)


# --- what a sheet holds far away -------------------------------------------------------------------


def test_a_stray_key_far_away_is_a_warning_in_bounded_memory(year, mini):
    """Ctrl+End and a key on 说明 (XFD1048576) and on 评分 (Z1048576): python-calamine would size those
    sheets as 17 billion and 27 million cells. The cells are cut before reading and named."""
    d2 = dept_file(scores(year), mini, "d2")
    set_cell_xml(d2, L.INFO_SHEET, "XFD1048576", '<c r="XFD1048576" t="inlineStr"><is><t>k</t></is></c>')
    set_cell_xml(dept_file(scores(year), mini, "d1"), L.SCORE_SHEET, "Z1048576", '<c r="Z1048576"><v>1</v></c>')
    before = snapshot(scores(year))
    rc, out, err = bounded("validate", "--year", "2024", cwd=year, seconds=60, memory_mib=250)
    assert rc == 0, out + err  # warnings only: the year can be scored
    text = out.replace("\n", "")
    assert "F118" in text and "XFD1048576" in text and "Z1048576" in text
    rc, out, err = bounded("rank", "--year", "2024", "--format", "json", cwd=year, seconds=60, memory_mib=250)
    assert rc == 0 and [r["final"] for r in json.loads(out)["ranking"]] == ["19.13", "17.53", "17.53"]
    assert snapshot(scores(year)) == before


def test_a_column_filled_to_the_bottom_is_summed_up(filled_register, mini):
    """依据 filled with 无 down to row 1,048,576: rows past 1,220 are cut (one F118), and the three
    findings of each of the 1,219 rows above are 50 lines of each code and a count of the rest."""
    folder = filled_register
    rc, out, err = bounded("validate", str(folder), "--rubric", str(MINI_PATH), "--format", "json", cwd=folder,
                           seconds=60, memory_mib=400)
    assert rc == 1
    data = json.loads(out)
    listed = data["findings"]
    assert len(listed) == 1 + 3 * 51  # F118, and for T301, P501, P503 each: 50 and one that counts the rest
    assert [f["count"] for f in listed if f["count"] > 1] == [1219 - 50] * 3
    assert data["errors"] == 3 * 1219 and data["warnings"] == 1
    assert [(f["code"], f["cell"]) for f in listed if f["code"] == "F118"] == [("F118", "G1221")]
    rc, out, err = bounded("validate", str(folder), "--rubric", str(MINI_PATH), cwd=folder, seconds=60,
                           memory_mib=400, env={"COLUMNS": "80"})
    assert rc == 1 and out.count("另有 1,169") == 3
    assert len(out.splitlines()) < 1500  # not a line per finding of a million rows


@pytest.fixture
def filled_register(tmp_path) -> Path:
    from corpus import CASES

    filled = tmp_path / "filled"
    filled.mkdir()
    from qp_eval.io.rubric_file import load_rubric

    mini = load_rubric(MINI_PATH)
    write_templates(mini, filled)
    fill_all(filled, mini)
    out = tmp_path / "case"
    out.mkdir()
    CASES["register_column_filled_to_the_bottom"](filled, out)
    return out


def test_findings_are_capped_per_code_and_file_with_what_they_stand_for():
    """120 T301 and 3 V404 in one file, 60 T301 in another: 50 of each T301 are listed, then one that
    counts the other 70 (and 10); the totals still count 183."""
    a = [Finding.of("T301", f"t{i}", file="a.xlsx", sheet="评分", cell=f"A{i + 2}") for i in range(120)]
    a += [Finding.of("V404", f"v{i}", file="a.xlsx", sheet="评分", cell=f"F{i + 2}") for i in range(3)]
    b = [Finding.of("T301", f"t{i}", file="b.xlsx", sheet="评分", cell=f"A{i + 2}") for i in range(60)]
    out = capped(a + b)
    assert len(out) == 50 + 1 + 3 + 50 + 1
    summaries = [f for f in out if f.count > 1]
    assert [(f.file, f.count, f.cell) for f in summaries] == [("a.xlsx", 70, ""), ("b.xlsx", 10, "")]
    assert out[50] is summaries[0] and "另有 70 处同类问题" in summaries[0].message and "A52" in summaries[0].message
    assert count(out, "error") == 183 and capped(a[:50]) == a[:50]


# --- file names, folders, layouts ------------------------------------------------------------------


def test_a_sheet_whose_name_ends_in_a_space_is_read_with_a_warning(year, mini):
    path = dept_file(scores(year), mini, "d2")
    path.rename(path.with_name(path.name + " "))
    ev = evaluate(mini, scores(year))
    assert [f.code for f in ev.findings] == ["F119"] and finals(ev)["a"] == "19.13"


def test_files_that_are_no_spreadsheets_are_one_line_per_folder(year, mini):
    photos = scores(year) / "佐证材料"
    photos.mkdir()
    for i in range(300):
        (photos / f"现场{i}.jpg").write_bytes(b"\xff\xd8")
    (photos / "汇报.pdf").write_bytes(b"%PDF")
    (photos / "说明.docx").write_bytes(b"PK")
    folded = [f for f in validate_paths(mini, [scores(year)]).findings if f.code == "F113"]
    assert len(folded) == 1 and folded[0].file.endswith("佐证材料")
    assert "302 个" in folded[0].message and ".jpg 300 个" in folded[0].message
    each = [f for f in validate_paths(mini, [scores(year)], each_file=True).findings if f.code == "F113"]
    assert len(each) == 302


def test_a_folder_tree_1000_deep_is_an_answer(year, mini):
    p = scores(year) / "旧版"
    for _ in range(1000):  # as deep as a path of 4,096 bytes allows
        p = p / "d"
        p.mkdir(parents=True)
    try:
        found = validate_paths(mini, [scores(year)]).findings
        assert [f.code for f in found] == ["F108"] and "超过 32 层" in found[0].message
        assert run_in_process(["validate", "--year", "2024"], year) == 1
    finally:  # pytest's own clean-up recurses, and would fail on the tree: taken down from the bottom
        while p != scores(year):
            p.rmdir()
            p = p.parent


def test_a_subfolder_that_cannot_be_entered_is_F108_and_the_rest_is_checked(year, mini):
    """A folder listed but not entered (r without x): F108 names it, with a Chinese reason, and every
    other file is still checked. Run as an ordinary user (root may enter anything)."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="qp-nobody-"))  # pytest's own folders are closed to other users
    try:
        folder = root / "scores"
        shutil.copytree(scores(year), folder)
        locked = folder / "旧版"
        locked.mkdir()
        shutil.copyfile(dept_file(folder, mini, "d1"), locked / "copy.xlsx")
        for p in (root, *[q for q in root.rglob("*") if q.is_dir()]):
            os.chmod(p, 0o755)
        for p in root.rglob("*.xlsx"):
            os.chmod(p, 0o644)
        os.chmod(locked, 0o644)  # listed, not entered
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                result = validate_paths(mini, [folder])
                os.write(write, json.dumps([f.to_dict() for f in result.findings], ensure_ascii=False).encode())
            except BaseException as e:  # noqa: BLE001 - said to the parent
                os.write(write, json.dumps([{"code": "crash", "message": repr(e), "file": ""}]).encode())
            finally:
                os._exit(0)
        os.close(write)
        data = b""
        while chunk := os.read(read, 65536):
            data += chunk
        os.waitpid(pid, 0)
    finally:
        for p in root.rglob("*"):
            if p.is_dir():
                os.chmod(p, 0o755)
        shutil.rmtree(root)
    found = json.loads(data)
    f108 = [f for f in found if f["code"] == "F108"]
    assert f108 and all("copy.xlsx" in f["file"] or "旧版" in f["file"] for f in f108)
    assert all("没有访问权限" in f["message"] and "Permission" not in f["message"] for f in f108)
    assert {f["code"] for f in found} == {"F108"}  # the department sheets above were read and are clean


def test_nested_brackets_in_the_hidden_layout_cell(year, mini):
    """A 细则布局 cell of 100,000 nested brackets (and a stale fingerprint): F104 without the list of
    changes, not a RecursionError; migrate carries the sheet all the same."""
    import openpyxl

    path = dept_file(scores(year), mini, "d2")
    wb = openpyxl.load_workbook(path)
    ws = wb[L.INFO_SHEET]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == L.KEY_LAYOUT:
            ws.cell(r, 2).value = "[" * 32_000 + "]" * 32_000  # a cell holds 32,767 characters
        if ws.cell(r, 1).value == L.KEY_FINGERPRINT:
            ws.cell(r, 2).value = "0" * 16
    wb.save(path)
    found = [f for f in validate_paths(mini, [path]).findings if f.code == "F104"]
    assert len(found) == 1 and "无法逐项列出改动" in found[0].message
    assert run_in_process(["migrate", "--year", "2024"], year) == 0


def test_init_refuses_a_year_before_writing_anything(tmp_path, capsys):
    for args in (["--year", "20225", "--from", "2024"], ["--year", "2205", "--from", "2024"], ["--year", "1999"]):
        folder = tmp_path / args[1]
        folder.mkdir()
        assert run_in_process(["init", str(folder), *args], tmp_path) == 2
        assert list(folder.iterdir()) == []
        assert "不是有效的评估年度" in capsys.readouterr().err


# --- any stream, any locale ------------------------------------------------------------------------


def qp(*args: str, cwd: Path, env: dict | None = None, close: int | None = None) -> subprocess.CompletedProcess:
    """qp-eval as its own process; ``close``: the standard stream (1 or 2) it starts with closed."""
    return subprocess.run([sys.executable, "-m", "qp_eval", *args], cwd=cwd, capture_output=close is None,
                          stdout=subprocess.PIPE if close == 2 else None, stderr=subprocess.PIPE if close == 1 else None,
                          env={**os.environ, **(env or {})}, timeout=120,
                          preexec_fn=(lambda: os.close(close)) if close else None)  # noqa: PLW1509


def test_a_gbk_redirect_gets_utf8_csv_and_readable_text(year):
    gbk = {"PYTHONIOENCODING": "gbk"}
    r = qp("rank", "--year", "2024", "--format", "csv", cwd=year, env=gbk)
    assert r.returncode == 0 and r.stdout.startswith("\ufeff位次".encode()) and "甲镇".encode() in r.stdout
    r = qp("explain", "甲", "--year", "2024", cwd=year, env=gbk)  # − (U+2212) has no GBK form: replaced
    assert r.returncode == 0 and "甲镇".encode("gbk") in r.stdout and b"Traceback" not in r.stderr
    r = qp("rank", "--year", "2024", "--format", "json", cwd=year, env=gbk)
    assert r.returncode == 0 and json.loads(r.stdout.decode("utf-8"))["ranking"][0]["unit"] == "甲镇"


def test_an_ascii_locale_runs_as_in_utf8(year):
    c = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}
    for args, said in ((["validate", "--year", "2024"], "可以用于计分"), (["explain", "甲镇", "--year", "2024"], "甲镇"),
                       (["rank", "--year", "2024"], "甲镇")):
        r = qp(*args, cwd=year, env=c)
        assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
        assert said.encode() in r.stdout


def test_a_closed_stdout_or_stderr(year):
    r = qp("rank", "--year", "2024", cwd=year, close=1)
    assert r.returncode == 2 and "标准输出已关闭".encode() in r.stderr and b"Traceback" not in r.stderr
    r = qp("rank", "--year", "2024", "--format", "json", cwd=year, close=2)
    assert r.returncode == 0 and json.loads(r.stdout)["format"] == "qp-eval-ranking/1"
    r = qp("rank", "--year", "2030", cwd=year, close=2)  # what went wrong is said where it can be read
    assert r.returncode == 2 and "找不到 2030 年度的评估细则".encode() in r.stdout


# --- leftovers of a killed run ---------------------------------------------------------------------


def test_the_next_run_removes_the_temporary_files_a_killed_run_left(year, mini):
    import time

    folder = year / "reports" / "2024" / "函告"
    folder.mkdir(parents=True)
    dead = folder / ".2024年度综合评估结果函_甲镇.docx.qp999999999-abcd1234.tmp"  # no such process
    older = folder / ".2024年度综合评估结果函_乙街道.docx.x1y2z3w4.tmp"  # an earlier qp-eval's, a day old
    mine = folder / f".草稿.docx.qp{os.getpid()}-abcd1234.tmp"  # of a process still running: kept
    for p in (dead, older, mine):
        p.write_bytes(b"half a letter")
    os.utime(older, (time.time() - 86400, time.time() - 86400))
    record_meeting(scores(year))
    assert run_in_process(["letters", "--year", "2024"], year) == 0
    left = sorted(p.name for p in folder.iterdir())
    assert dead.name not in left and older.name not in left and mine.name in left
    assert len([n for n in left if n.endswith(".docx")]) == 3
