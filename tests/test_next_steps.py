"""Commands say what comes next (下一步), each with one whole command that works when pasted.

On the example year: one wrong score in 社会事务科's sheet (夏阳街道 18.2 typed as 3 of 1.5 points);
救助管理站's sheet taken out; 亮点登记 replaced by the blank register (before ``collect``: every town's
five highlights wait in its own self-evaluation); a row deleted from 办公室's sheet (T305).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import EXAMPLE, edit
from support.run import cli, qp
from test_returns import SOCIAL, spoil

from qp_eval.core import layout as L
from qp_eval.core import names

RESCUE = "2024年度评分表_救助管理站.xlsx"
OFFICE = "2024年度评分表_办公室.xlsx"


@pytest.fixture
def ws(tmp_path) -> Path:
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    shutil.copytree(EXAMPLE / "archive", tmp_path / "archive")
    return tmp_path


def steps(text: str) -> list[str]:
    return [line.removeprefix("下一步：") for line in text.splitlines() if line.startswith("下一步：")]


def commands(lines: list[str]) -> list[list[str]]:
    """The command at the end of each step, as words."""
    out = []
    for line in lines:
        m = re.search(r"qp-eval (.+)$", line)
        assert m, line
        out.append(shlex.split(m.group(1)))
    return out


def blank_register(ws: Path) -> None:
    assert cli("template", "--year", "2024", "--out", str(ws / "blank"), cwd=ws).returncode == 0
    shutil.copyfile(ws / "blank" / names.HIGHLIGHT_FILE, ws / "scores" / "2024" / names.HIGHLIGHT_FILE)


def test_validate_says_what_to_do_about_each_kind_of_finding_and_each_command_runs(ws):
    scores = ws / "scores" / "2024"
    spoil(scores / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 3)])
    (scores / RESCUE).unlink()
    blank_register(ws)

    def drop_row(wb):
        wb[L.SCORE_SHEET].protection.sheet = False
        wb[L.SCORE_SHEET].delete_rows(3)
    edit(scores / OFFICE, drop_row)
    r = cli("validate", "--year", "2024", cwd=ws)
    assert steps(r.stdout) == [
        "1 个表格需要按现行细则重建（已填内容逐格转入，原文件备份）：qp-eval migrate --year 2024",
        "1 个表格有错误，把标出问题单元格的复制件退回填表的科室或街镇：qp-eval return --year 2024",
        "街镇自评表中的亮点尚未填入亮点登记表：qp-eval collect --year 2024",
        "有表格尚未收到，生成催报通知：qp-eval status --year 2024 --notice",
    ]
    assert "夏阳街道 报送了 0 个亮点，应为 5 个；该街镇自评表中有 5 个亮点，尚未填入登记表" in r.stdout
    for words in commands(steps(r.stdout)):  # each runs as shown: never a usage error
        ran = cli(*words, cwd=ws)
        assert ran.returncode in (0, 1), (words, ran.stderr)
    after = cli("validate", "--year", "2024", cwd=ws)
    assert "qp-eval collect" not in after.stdout and "qp-eval migrate" not in after.stdout
    back = ws / "reports" / "2024" / "退回"
    assert (back / SOCIAL).exists()  # the wrong score went back to its department


def test_a_refused_rank_says_the_same_next_steps_on_stderr(ws):
    spoil(ws / "scores" / "2024" / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 3)])
    r = cli("rank", "--year", "2024", cwd=ws)
    assert r.returncode == 1 and r.stdout == ""
    assert steps(r.stderr) == ["1 个表格有错误，把标出问题单元格的复制件退回填表的科室或街镇：qp-eval return --year 2024"]


def test_a_clean_year_has_no_next_step(ws):
    r = cli("validate", "--year", "2024", cwd=ws)
    assert "可以用于计分" in r.stdout and steps(r.stdout) == []


def test_verify_says_when_saving_again_is_right_and_keeps_the_old_archive(ws):
    assert cli("rank", "--year", "2024", "--save", cwd=ws).returncode == 0
    archive = ws / "archive" / "2024.json"
    old = archive.read_bytes()
    spoil(ws / "scores" / "2024" / SOCIAL, L.SCORE_SHEET, [({"街镇": "夏阳街道", "编号": "18.2"}, "得分", 1)])
    r = cli("verify", "--year", "2024", cwd=ws)
    assert r.returncode == 1
    said = steps(r.stdout)
    assert said[0].startswith("本年度结果已经审定（审定：2025-01-06 局长办公会议")  # the example year is decided
    assert said[1].startswith("存档之后输入有改动，结果也随之变化。") and said[1].endswith("qp-eval rank --year 2024 --save --force")
    assert said[2].endswith("qp-eval verify --year 2024")
    saved = cli(*commands([said[1]])[0], cwd=ws)
    assert saved.returncode == 0 and "原存档已备份到" in saved.stderr
    kept = list((ws / "archive").glob(f"{names.BACKUP_PREFIX}*/2024.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == old
    assert cli("verify", "--year", "2024", cwd=ws).returncode == 0


def test_verify_of_a_changed_file_with_the_same_results_says_so(ws):
    assert cli("rank", "--year", "2024", "--save", cwd=ws).returncode == 0
    path = ws / "scores" / "2024" / SOCIAL
    wb = openpyxl.load_workbook(path)
    wb.properties.title = "已核对"  # the bytes change, the values do not
    wb.save(path)
    said = steps(qp("verify", "--year", "2024", cwd=ws, columns=250).stdout)
    assert len(said) == 2 and said[0].startswith("存档之后输入有改动，结果没有变化。")
