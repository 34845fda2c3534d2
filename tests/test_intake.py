"""A real year's intake: regenerating never replaces filled work, and every file in scores/<year>/ is accounted for."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA, dept_file, fill_all, record_meeting
from support.run import cli
from support.year import year_workspace

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.cells import text_of
from qp_eval.io.intake import file_entries
from qp_eval.io.rubric_file import load_rubric


def _workspace(tmp_path: Path, mini) -> Path:
    return year_workspace(tmp_path, mini)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.xlsx")}


def test_template_force_never_replaces_a_filled_workbook(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    record_meeting(scores)  # the register filled too (a blank one is replaced, as a blank template is)
    before = _snapshot(scores)
    r = cli("template", "--force", cwd=ws)
    assert r.returncode == 0
    assert _snapshot(scores) == before  # every file holds entered values: none replaced
    d1 = dept_file(scores, mini, "d1")
    n = len(file_entries(d1)[1])
    assert f"未生成 {d1.relative_to(ws)}：已填写 {n} 个单元格，未覆盖" in r.stderr
    assert "qp-eval migrate --year 2024" in r.stderr


def test_template_does_not_write_a_blank_copy_beside_a_renamed_filled_sheet(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    d1 = dept_file(scores, mini, "d1")
    d1.rename(scores / "一科-定稿.xlsx")
    r = cli("template", "--force", cwd=ws)
    assert not d1.exists()
    assert "一科的评分表已在 scores/2024/一科-定稿.xlsx（已填写" in r.stderr


def test_template_force_moves_a_foreign_file_aside_before_writing(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    (scores / names.PROBLEM_FILE).unlink()
    (scores / names.PROBLEM_FILE).write_bytes(b"not a workbook")
    r = cli("template", "--force", cwd=ws)
    backups = list(scores.glob("备份-*/问题登记.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"not a workbook"
    assert "不是 qp-eval 的表格或无法读取，已原样备份到" in r.stderr
    assert file_entries(scores / names.PROBLEM_FILE)[0] == (L.KIND_PROBLEMS, None)


def test_init_force_keeps_filled_sheets_and_the_edited_rubric(tmp_path):
    assert cli("init", "ws", "--year", "2025", cwd=tmp_path).returncode == 0
    ws = tmp_path / "ws"
    rubric_file = ws / "rubric" / "2025.yaml"
    edited = rubric_file.read_text(encoding="utf-8").replace("title: 2025年度", "title: 2025年度（修订）")
    rubric_file.write_text(edited, encoding="utf-8")
    fill_all(ws / "scores" / "2025", load_rubric(rubric_file))
    before = _snapshot(ws / "scores" / "2025")
    r = cli("init", "ws", "--year", "2025", "--force", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    after = _snapshot(ws / "scores" / "2025")
    blank = (names.PROBLEM_FILE, names.DECISION_FILE)  # the registers still blank: made anew
    assert {k: v for k, v in after.items() if k not in blank} == {k: v for k, v in before.items() if k not in blank}
    assert file_entries(ws / "scores" / "2025" / names.PROBLEM_FILE)[1] == []
    assert r.stdout.count("未覆盖") == 8  # 7 departments + 亮点登记 hold entered values
    kept = list((ws / "rubric").glob("备份-*/2025.yaml"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == edited


def test_init_next_steps_work_from_where_it_was_run_and_destroy_nothing(tmp_path):
    r = cli("init", "新年度", "--year", "2025", cwd=tmp_path)
    steps = r.stdout.split("下一步", 1)[1]
    assert "--force" not in steps and "cd 新年度" in steps
    lines = [line.split("：", 1)[-1] for line in steps.splitlines() if "qp-eval" in line]
    assert any("qp-eval migrate --year 2025" in x for x in lines)
    # the printed commands run, from the folder the first step enters
    folder = tmp_path / "新年度"
    assert cli("rubric", "check", "rubric/2025.yaml", cwd=folder).returncode == 0
    assert cli("migrate", "--year", "2025", cwd=folder).returncode == 0
    assert cli("status", "--year", "2025", cwd=folder).returncode == 1  # all blank: not yet received
    here = cli("init", "--year", "2026", "--from", "2025", cwd=folder)
    assert "cd " not in here.stdout.split("下一步", 1)[1]


def test_a_backup_folder_is_never_read(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    (scores / "备份-20241201-090000").mkdir()
    shutil.copy(dept_file(scores, mini, "d1"), scores / "备份-20241201-090000" / "old.xlsx")
    (scores / "备份-20241201-090000" / "junk.et").write_bytes(b"x")
    r = cli("rank", cwd=ws)
    assert r.returncode == 0, r.stderr


# --- every file in scores/<year>/ is accounted for ---------------------------------------------------


def test_wps_et_and_csv_files_are_errors_that_say_how_to_save_them(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    (scores / "一科评分表.et").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (scores / "二科.csv").write_text("街镇,编号,得分\n甲镇,3.1,1.5\n", encoding="utf-8")
    (scores / "说明.pdf").write_bytes(b"%PDF-1.4")
    r = cli("validate", cwd=ws)
    assert r.returncode == 1
    out = r.stdout
    assert out.count("F112") == 2 and "WPS 表格（.et）文件无法读取" in out and "CSV 文本文件无法读取" in out
    assert "另存为" in out and "F113" in out and "可以用于计分" not in out
    assert cli("rank", cwd=ws).returncode == 1
    st = cli("status", cwd=ws)
    assert st.returncode == 1 and "无法读取：scores/2024/一科评分表.et" in st.stdout and "另存为 .xlsx" in st.stdout


def test_a_workbook_with_the_wrong_extension_is_read_by_its_content(tmp_path, mini):
    """The filled problem register of the mini year, saved by LibreOffice as .xls and as .ods
    (tests/data/problems.xls, problems.ods), each then named .xlsx as a clerk might."""
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    before = file_entries(scores / names.PROBLEM_FILE)[1]
    assert len(before) == 20  # 3 problems x 7 columns, one 扣分 left blank (the default)
    for fmt in ("xls", "ods"):
        (scores / names.PROBLEM_FILE).write_bytes((DATA / f"problems.{fmt}").read_bytes())
        r = cli("validate", cwd=ws)
        assert r.returncode == 0, r.stdout
        assert "F114" in r.stdout and f"文件内容是 .{fmt} 格式，扩展名却是 .xlsx" in r.stdout
        assert [(e.key, e.column, text_of(e.value)[:10]) for e in file_entries(scores / names.PROBLEM_FILE)[1]] == [
            (e.key, e.column, text_of(e.value)[:10]) for e in before]
        assert cli("rank", cwd=ws).returncode == 0


def test_validate_of_the_year_says_what_is_missing(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    dept_file(scores, mini, "d2").unlink()
    r = cli("validate", cwd=ws)
    assert r.returncode == 1 and "F109" in r.stdout and "可以用于计分" not in r.stdout
    one = cli("validate", str(dept_file(scores, mini, "d1")), cwd=ws)
    assert one.returncode == 0 and "所查文件没有错误" in one.stdout and "F109" not in one.stdout


def test_a_kept_old_folder_blocks_only_when_it_holds_a_second_copy(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    (scores / "旧版").mkdir()
    (scores / "旧版" / "会议纪要.docx").write_bytes(b"PK")
    (scores / "旧版" / "一科旧表.csv").write_text("x", encoding="utf-8")
    r = cli("rank", cwd=ws)
    assert r.returncode == 0 and "子目录中的CSV 文本文件无法读取，已忽略" in r.stderr  # old things kept aside only warn
    shutil.copy(dept_file(scores, mini, "d1"), scores / "旧版" / "一科.xlsx")
    from conftest import edit

    edit(scores / "旧版" / "一科.xlsx", lambda wb: wb[L.SCORE_SHEET].cell(2, 6, 1.2))
    r = cli("rank", cwd=ws)
    assert r.returncode == 1 and "F106" in r.stderr and "旧版/一科.xlsx" in r.stderr.replace("\n", "")


def test_an_old_layout_copy_kept_in_a_subfolder_is_named_as_a_second_copy(tmp_path, mini):
    from conftest import edit

    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    (scores / "旧版").mkdir()
    old = scores / "旧版" / "一科-旧.xlsx"
    shutil.copy(dept_file(scores, mini, "d1"), old)

    def older(wb):
        ws_ = wb[L.INFO_SHEET]
        for r in range(1, 20):
            if ws_.cell(r, 1).value == L.KEY_FINGERPRINT:
                ws_.cell(r, 2).value = "0123456789abcdef"

    edit(old, older)
    r = cli("validate", "--format", "json", cwd=ws)
    import json

    found = {(f["code"], Path(f["file"]).name) for f in json.loads(r.stdout)["findings"]}
    assert ("F104", "一科-旧.xlsx") in found and ("F106", "一科-旧.xlsx") in found
    msg = next(f["message"] for f in json.loads(r.stdout)["findings"] if f["code"] == "F106")
    assert "已采用 scores/2024/2024年度评分表_一科.xlsx" in msg and "另一份副本" in msg
