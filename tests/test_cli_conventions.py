"""The conventions of the command line: Chinese and whole at 80 columns when piped, JSON with a
format name, CSV with a BOM, --force before overwriting, --out agreeing with --format."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "qp_eval" / "example"


from support.run import qp  # noqa: E402 - in this process, 80 columns wide


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """The example year (11 towns, their self-evaluations) with its archive saved."""
    root = tmp_path_factory.mktemp("conv") / "ws"
    shutil.copytree(EXAMPLE / "scores", root / "scores")
    shutil.copytree(EXAMPLE / "archive", root / "archive")
    assert qp("rank", "--year", "2024", "--save", cwd=root).returncode == 0
    return root


@pytest.mark.parametrize("args", [
    ["rank"], ["validate"], ["status"], ["explain", "华新镇"], ["rubric", "show"], ["verify"],
])
def test_every_printing_command_fits_80_columns_piped_with_nothing_cut(ws, args):
    r = qp(*args, "--year", "2024", cwd=ws)
    assert r.returncode in (0, 1), r.stderr
    assert "…" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    from qp_eval.core.linebreak import width_of

    finding = re.compile(r"^\S.*: [A-Z]\d{3} (错误|警告) ")  # piped, a finding is one line however long
    assert [line for line in r.stdout.splitlines() if width_of(line) > 80 and not finding.match(line)] == []


@pytest.mark.parametrize("args, name", [
    (["rank", "--format", "json"], "qp-eval-ranking/1"),
    (["validate", "--format", "json"], "qp-eval-findings/1"),
    (["status", "--format", "json"], "qp-eval-status/1"),
    (["explain", "华新镇", "--format", "json"], "qp-eval-explain/1"),
    (["rubric", "show", "--format", "json"], "qp-eval-rubric/1"),
    (["verify", "--format", "json"], "qp-eval-verify/1"),
])
def test_every_json_output_names_its_format(ws, args, name):
    r = qp(*args, "--year", "2024", cwd=ws)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["format"] == name
    assert name in (ROOT / "docs" / "json.md").read_text(encoding="utf-8")


def test_report_and_archive_json_name_their_format(ws, tmp_path):
    out = tmp_path / "r.json"
    assert qp("report", "--year", "2024", "--format", "json", "--out", str(out), cwd=ws).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "qp-eval-ranking/1"
    assert json.loads((ws / "archive" / "2024.json").read_text(encoding="utf-8"))["format"] == "qp-eval-archive/1"


def test_every_csv_has_a_bom(ws, tmp_path):
    r = qp("rank", "--year", "2024", "--format", "csv", cwd=ws)
    assert r.stdout.startswith("\ufeff")
    assert qp("report", "--year", "2024", "--format", "csv", "--out", str(tmp_path / "r.csv"), cwd=ws).returncode == 0
    csvs = sorted(tmp_path.glob("*.csv"))
    assert len(csvs) == 3 and all(p.read_bytes().startswith("\ufeff".encode("utf-8")) for p in csvs)


def test_out_extension_must_agree_with_format(ws, tmp_path):
    r = qp("report", "--year", "2024", "--format", "md", "--out", str(tmp_path / "r.xlsx"), cwd=ws)
    assert r.returncode == 2 and "与 --format md 不符" in r.stderr
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("command, target", [
    (["report"], "r.xlsx"), (["booklet"], "b.docx"), (["letters"], "函告"),
])
def test_writing_commands_refuse_to_overwrite_without_force(ws, tmp_path, command, target):
    out = tmp_path / target
    first = qp(*command, "--year", "2024", "--out", str(out), cwd=ws)
    assert first.returncode == 0, first.stderr
    again = qp(*command, "--year", "2024", "--out", str(out), cwd=ws)
    assert again.returncode == 2 and "--force" in again.stderr
    assert qp(*command, "--year", "2024", "--out", str(out), "--force", cwd=ws).returncode == 0


def test_the_inferred_year_is_said_and_a_wrong_year_lists_the_years(ws):
    r = qp("rank", cwd=ws)
    assert r.returncode == 0 and "未指定 --year，使用工作目录中最新的 2024 年度。" in r.stderr
    wrong = qp("rank", "--year", "2031", cwd=ws)
    assert wrong.returncode == 2 and "可用的年度：2024" in wrong.stderr


@pytest.mark.parametrize("command", ["validate", "rank", "report", "letters", "booklet", "explain"])
def test_a_missing_scores_folder_stops_every_command_with_exit_2(tmp_path, command):
    args = [command, "华新镇"] if command == "explain" else [command]
    r = qp(*args, "--year", "2024", cwd=tmp_path)
    assert r.returncode == 2 and "找不到评分表目录" in r.stderr


@pytest.mark.parametrize("args, says", [
    (["letters", "--out", "{file}"], "是一个文件；--out 应写目录"),
    (["booklet", "--out", "{dir}.docx", "--force"], "是一个目录；--out 应写文件名"),
    (["report", "--out", "{dir}.xlsx", "--force"], "是一个目录；--out 应写文件名"),
    (["booklet", "--out", "b.pdf"], "文件扩展名应为 .docx"),
])
def test_an_out_of_the_wrong_kind_is_said_in_chinese(ws, tmp_path, args, says):
    (tmp_path / "x.html").write_text("mine", encoding="utf-8")
    (tmp_path / "d.docx").mkdir()
    (tmp_path / "d.xlsx").mkdir()
    fill = {"{file}": str(tmp_path / "x.html"), "{dir}.docx": str(tmp_path / "d.docx"),
            "{dir}.xlsx": str(tmp_path / "d.xlsx"), "b.pdf": str(tmp_path / "b.pdf")}
    r = qp(*[fill.get(a, a) for a in args], "--year", "2024", cwd=ws)
    said = r.stderr.replace("\n", "")  # wrapped at 80 columns
    assert r.returncode == 2 and says in said and "内部错误" not in said
    assert (tmp_path / "x.html").read_text(encoding="utf-8") == "mine"


def test_explain_an_unknown_town_before_reading_anything(ws):
    r = qp("explain", "不存在镇", "--year", "2024", cwd=ws)
    said = r.stderr.replace("\n", "")
    assert r.returncode == 2 and "街镇 的值无效：未知的街镇“不存在镇”" in said and "UNIT" not in said
    assert "Z807" not in said  # no file was read: their warnings are not shown


def test_rubric_check_of_a_missing_file_cannot_run(tmp_path):
    r = qp("rubric", "check", "nope.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "找不到评估细则文件 nope.yaml" in r.stderr


def test_no_command_shows_the_help():
    r = qp(cwd=Path("."))
    assert "用法：qp-eval" in r.stderr and "错误：" not in r.stderr


@pytest.mark.parametrize("damage, says", [
    (lambda t: "\ufeff" + t, None),  # one save in Notepad: still read
    (lambda t: t[:-20], "不是有效的 JSON"),
    (lambda t: t.replace('"qp-eval-archive/1"', '"qp-eval-archive/9"'), "不是 qp-eval 能读的"),
    (lambda t: t.replace('"rank": 1', '"rank": "一"', 1), "不是正整数"),
])
def test_last_years_archive_is_read_strictly(ws, tmp_path, damage, says):
    last = ws / "archive" / "2023.json"
    original = last.read_text(encoding="utf-8")
    try:
        last.write_text(damage(original), encoding="utf-8")
        r = qp("rank", "--year", "2024", "--format", "json", cwd=ws)
        assert r.returncode == 0
        data = json.loads(r.stdout)
        changes = [x["change"] for x in data["ranking"]]
        said = r.stderr.replace("\n", "")
        if says is None:
            assert any(changes) and "无法比较" not in changes and "F116" not in said
        else:  # the comparison is shown as unavailable, with the reason
            assert set(changes) == {"无法比较"} and "F116" in said and says in said
            assert says in data["previous_unavailable"]
            table = qp("rank", "--year", "2024", cwd=ws).stdout.replace("\n", "")
            assert "无法比较" in table and says in table
    finally:
        last.write_text(original, encoding="utf-8")


def test_verify_refuses_an_archive_of_an_unknown_version(ws):
    saved = ws / "archive" / "2024.json"
    original = saved.read_text(encoding="utf-8")
    try:
        saved.write_text(original.replace('"qp-eval-archive/1"', '"qp-eval-archive/2"'), encoding="utf-8")
        r = qp("verify", "--year", "2024", cwd=ws)
        assert r.returncode == 2 and "一致" not in r.stdout and "无法核对" in r.stderr.replace("\n", "")
    finally:
        saved.write_text(original, encoding="utf-8")


def test_no_internal_id_reaches_a_screen_or_a_visible_cell(ws):
    import openpyxl

    from qp_eval.core import layout as L
    from qp_eval.io.rubric_file import load_rubric
    from qp_eval.io.workspace import shipped_rubric

    rubric = load_rubric(shipped_rubric(2024))
    ids = [d.id for d in rubric.departments] + [u.id for u in rubric.units]
    shown = qp("rubric", "show", "--year", "2024", cwd=ws).stdout + qp("explain", "华新镇", "--year", "2024", cwd=ws).stdout
    assert [i for i in ids if re.search(rf"(?<![A-Za-z_]){re.escape(i)}(?![A-Za-z_])", shown)] == []
    info = openpyxl.load_workbook(ws / "scores" / "2024" / "2024年度评分表_社会事务科.xlsx")[L.INFO_SHEET]
    visible = [c.value for row in info.iter_rows() if not info.row_dimensions[row[0].row].hidden for c in row]
    assert not any(v in ids for v in visible)


def test_explain_names_each_source_file_once_for_a_quarterly_criterion(ws):
    out = qp("explain", "华新镇", "--year", "2024", "--format", "json", cwd=ws).stdout
    import json

    line = next(x for x in json.loads(out)["lines"] if x["label"].startswith("1.3 "))
    assert line["source"].endswith("评分!F76、F77、F78、F79") and line["source"].count(".xlsx") == 1
