"""``qp-eval run`` (the year's standard path in one command) and ``qp-eval demo`` (the example year
shipped in the package, copied and run): what each writes, where each stops, and that a step is its
command's own code (the same archive as the commands run one by one)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import EXAMPLE, header_map
from support.run import qp as _qp

from qp_eval.core import names

DECISION = "scores/2024/" + names.DECISION_FILE
OUTPUTS = [f"reports/2024/{names.report_name(2024, 'xlsx')}", f"reports/2024/{names.annex_name(names.report_name(2024, 'xlsx'))}",
           f"reports/2024/{names.brief_name(2024)}", f"reports/2024/{names.booklet_name(2024)}", "archive/2024.json"]


def qp(*args: str, cwd: Path):
    return _qp(*args, cwd=cwd, columns=200)  # whole lines to look for


def example(root: Path, decided: bool = True) -> Path:
    shutil.copytree(EXAMPLE, root)
    if not decided:
        (root / DECISION).unlink()
    return root


def letters(root: Path) -> list[str]:
    folder = root / "reports" / "2024" / names.LETTERS_FOLDER
    return sorted(p.name for p in folder.glob("*.docx")) if folder.is_dir() else []


def status(root: Path) -> str:
    return json.loads((root / "archive" / "2024.json").read_text(encoding="utf-8"))["decision"]["status"]


@pytest.fixture(scope="module")
def decided(tmp_path_factory):  # noqa: ANN201 - (the workspace after one run, what it said)
    ws = example(tmp_path_factory.mktemp("decided") / "ws")
    return ws, qp("run", "--year", "2024", cwd=ws)


def test_run_writes_every_output_of_a_decided_year_and_says_what(decided):
    ws, r = decided
    assert r.returncode == 0, r.stderr
    for path in OUTPUTS:
        assert (ws / path).is_file(), path
        assert f"  {path}" in r.stdout
    assert len(letters(ws)) == 11 and "reports/2024/函告/（11 个文件）" in r.stdout
    assert status(ws) == "审定"
    steps = [line.split("：", 1)[1] for line in r.stdout.splitlines() if line.startswith("—— ")]
    assert steps == [f"qp-eval {c} --year 2024" for c in ("collect", "validate")] + ["qp-eval rank --year 2024 --save"] + [
        f"qp-eval {c} --year 2024" for c in ("report", "brief", "letters", "booklet")]
    assert r.stderr.count("另有 1 条警告") == 1  # the year's warnings line once, not once a step
    assert "下一步：把函告（reports/2024/函告/）和亮点汇编发给各街镇" in r.stdout


def test_each_step_is_its_command(decided, tmp_path):
    """The archive ``run`` saves is byte for byte the one the commands save when run one by one."""
    one, other = decided[0], example(tmp_path / "other")
    for args in (["collect"], ["validate"], ["rank", "--save"]):
        assert qp(*args, "--year", "2024", cwd=other).returncode == 0
    assert (one / "archive" / "2024.json").read_bytes() == (other / "archive" / "2024.json").read_bytes()


def test_before_the_meeting_no_letters_and_after_it_the_archive_is_replaced_and_kept(tmp_path):
    ws = example(tmp_path / "ws", decided=False)
    r = qp("run", "--year", "2024", "-w", "ws", cwd=tmp_path)  # from the folder above: what it says next names it
    assert r.returncode == 0, r.stderr
    assert letters(ws) == [] and status(ws) == "初评"
    assert "会后再生成" in r.stdout and "qp-eval run --year 2024 -w ws（生成函告）" in r.stdout
    shutil.copy(EXAMPLE / DECISION, ws / DECISION)  # the meeting's decision recorded
    r = qp("run", "--year", "2024", cwd=ws)
    assert r.returncode == 0, r.stderr
    assert len(letters(ws)) == 11 and status(ws) == "审定"
    kept = list((ws / "archive").glob(f"{names.BACKUP_PREFIX}*/2024.json"))  # the 初评 archive copied aside first
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8"))["decision"]["status"] == "初评"


def test_a_decided_archive_that_no_longer_holds_stops_the_run(decided, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(decided[0], ws)
    saved = (ws / "archive" / "2024.json").read_bytes()
    sheet = ws / "scores" / "2024" / "2024年度评分表_社会事务科.xlsx"
    wb = openpyxl.load_workbook(sheet)
    ws_ = wb["评分"]
    col = header_map(ws_)["得分"]
    row = next(r for r in range(2, ws_.max_row + 1) if isinstance(ws_.cell(r, col).value, int | float) and ws_.cell(r, col).value > 0)
    ws_.cell(row, col).value = 0
    wb.save(sheet)
    r = qp("run", "--year", "2024", cwd=ws)
    assert r.returncode == 1
    assert "是审定后保存的" in r.stderr and "qp-eval verify --year 2024" in r.stderr
    assert (ws / "archive" / "2024.json").read_bytes() == saved


def test_a_year_with_errors_gets_its_marked_copies_and_stops(tmp_path):
    ws = example(tmp_path / "ws")
    sheet = ws / "scores" / "2024" / "2024年度评分表_社会事务科.xlsx"
    wb = openpyxl.load_workbook(sheet)
    col = header_map(wb["评分"])["得分"]
    wb["评分"].cell(3, col).value = "九十"  # 夏阳街道 18.2, a criterion it is scored on
    wb.save(sheet)
    r = qp("run", "--year", "2024", cwd=ws)
    assert r.returncode == 1
    assert (ws / "reports" / "2024" / names.RETURNS_FOLDER / sheet.name).is_file()
    assert not (ws / "archive" / "2024.json").exists() and letters(ws) == []
    assert "未计分" in r.stderr and "再运行一次：qp-eval run --year 2024" in r.stdout
    nexts = [line for line in r.stdout.splitlines() if line.startswith("下一步：")]
    assert nexts == ["下一步：把 reports/2024/退回/ 中标出问题的复制件发回填表的科室或街镇",
                     "下一步：改正的表格放回 scores/2024/ 中原文件的位置后，再运行一次：qp-eval run --year 2024"]
    assert f"reports/2024/{names.RETURNS_FOLDER}/{sheet.name}" in r.stdout


def test_demo_copies_the_shipped_year_runs_it_and_starts_afresh(tmp_path):
    """The demo runs the year from the folder above it; a run inside it, or with -w from elsewhere, saves
    the same archive bytes (the meeting's decision names its cell relative to the workspace), so it goes
    on; a second demo replaces the first whole."""
    r = qp("demo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    demo = tmp_path / names.DEMO_FOLDER
    for path in OUTPUTS:
        assert (demo / path).is_file(), path
    assert len(letters(demo)) == 11 and (demo / names.DEMO_MARK).is_file()
    assert "朱家角镇调整 +0.5 分" in r.stdout and f"qp-eval explain 朱家角 --year 2024 -w {names.DEMO_FOLDER}" in r.stdout
    saved = (demo / "archive" / "2024.json").read_bytes()
    assert b'"source": "scores/2024/' in saved
    r = qp("run", "--year", "2024", cwd=demo)
    assert r.returncode == 0, r.stderr
    assert (demo / "archive" / "2024.json").read_bytes() == saved
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert qp("rank", "--year", "2024", "--save", "-w", str(demo), cwd=elsewhere).returncode == 0
    assert (demo / "archive" / "2024.json").read_bytes() == saved
    (demo / "试过的.txt").write_text("x", encoding="utf-8")
    r = qp("demo", cwd=tmp_path)  # an earlier demo's folder is replaced whole
    assert r.returncode == 0 and "已重新复制示例年度" in r.stderr and not (demo / "试过的.txt").exists()


def test_demo_never_mixes_with_a_folder_of_other_files(tmp_path):
    mine = tmp_path / "2024评估"
    mine.mkdir()
    (mine / "笔记.txt").write_text("我的", encoding="utf-8")
    r = qp("demo", "2024评估", cwd=tmp_path)
    assert r.returncode == 2 and "已有其他文件" in r.stderr and "qp-eval demo 2024评估-2" in r.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["笔记.txt"]
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # nothing left beside it


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "gbk"}, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
                                                               "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}])
def test_validate_in_a_gbk_or_ascii_locale_exits_as_in_utf8(tmp_path, env):
    """``LC_ALL=C qp-eval validate --year 2024 | cat`` and a GBK redirect: as its own process, the same
    exit code as in UTF-8, every finding line there, no traceback."""
    import os
    import subprocess
    import sys

    ws = example(tmp_path / "ws")
    utf8 = subprocess.run([sys.executable, "-m", "qp_eval", "validate", "--year", "2024"], cwd=ws, capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
    other = subprocess.run([sys.executable, "-m", "qp_eval", "validate", "--year", "2024"], cwd=ws, capture_output=True,
                           env={**os.environ, **env}, timeout=120)
    assert other.returncode == utf8.returncode == 0
    assert b"Traceback" not in other.stderr
    encoding = "gbk" if env.get("PYTHONIOENCODING") == "gbk" else "utf-8"
    assert other.stdout.decode(encoding).splitlines() == utf8.stdout.decode("utf-8").splitlines()
