"""A real year's intake: regenerating never replaces filled work, and every file in scores/<year>/ is accounted for."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import MINI_PATH, dept_file, fill_all
from test_rank_cli import cli
from test_scoring import build_year

from qp_eval import layout as L
from qp_eval.entered import file_entries
from qp_eval.rubric import load_rubric


def _workspace(tmp_path: Path, mini) -> Path:
    (tmp_path / "rubric").mkdir()
    (tmp_path / "rubric" / "2024.yaml").write_bytes(MINI_PATH.read_bytes())
    build_year(tmp_path / "scores" / "2024", mini)
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.xlsx")}


def test_template_force_never_replaces_a_filled_workbook(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
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
    (scores / L.PROBLEM_FILE).unlink()
    (scores / L.PROBLEM_FILE).write_bytes(b"not a workbook")
    r = cli("template", "--force", cwd=ws)
    backups = list(scores.glob("备份-*/问题登记.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"not a workbook"
    assert "不是 qp-eval 的表格或无法读取，已移到" in r.stderr
    assert file_entries(scores / L.PROBLEM_FILE)[0] == (L.KIND_PROBLEMS, None)


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
    assert {k: v for k, v in after.items() if k != L.PROBLEM_FILE} == {
        k: v for k, v in before.items() if k != L.PROBLEM_FILE}
    assert file_entries(ws / "scores" / "2025" / L.PROBLEM_FILE)[1] == []  # blank, so made anew
    assert r.stdout.count("未覆盖") == 8  # 7 departments + 亮点登记 hold entered values
    kept = list((ws / "rubric").glob("备份-*/2025.yaml"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == edited


def test_init_next_steps_work_from_where_it_was_run_and_destroy_nothing(tmp_path):
    r = cli("init", "新年度", "--year", "2025", cwd=tmp_path)
    steps = r.stdout.split("下一步：", 1)[1]
    assert "--force" not in steps and "cd 新年度" in steps
    lines = [line.split("：", 1)[-1] for line in steps.splitlines() if "qp-eval" in line]
    assert any("qp-eval migrate --year 2025" in x for x in lines)
    # the printed commands run, from the folder the first step enters
    folder = tmp_path / "新年度"
    assert cli("rubric", "check", "rubric/2025.yaml", cwd=folder).returncode == 0
    assert cli("migrate", "--year", "2025", cwd=folder).returncode == 0
    assert cli("status", "--year", "2025", cwd=folder).returncode == 1  # all blank: not yet received
    here = cli("init", "--year", "2026", "--from", "2025", cwd=folder)
    assert "cd " not in here.stdout.split("下一步：", 1)[1]


def test_a_backup_folder_is_never_read(tmp_path, mini):
    ws = _workspace(tmp_path, mini)
    scores = ws / "scores" / "2024"
    (scores / "备份-20241201-090000").mkdir()
    shutil.copy(dept_file(scores, mini, "d1"), scores / "备份-20241201-090000" / "old.xlsx")
    (scores / "备份-20241201-090000" / "junk.et").write_bytes(b"x")
    r = cli("rank", cwd=ws)
    assert r.returncode == 0, r.stderr
