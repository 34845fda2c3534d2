"""Issue 17's corpus: hostile rubrics, names and archives (tests/hostile.py), each with its code, exit,
time and memory bound; no formula in anything we write; write failures and SIGTERM; status vs rank."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, fill_all, record_meeting
from hostile import ARCHIVES, HOSTILE_DEPARTMENT, HOSTILE_NAMES, RUBRICS, hostile_names_rubric
from support.run import bounded, flat

from qp_eval.io.rubric_file import load_rubric

# --- rubrics ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RUBRICS))
def test_hostile_rubric_is_refused_with_its_code(name, tmp_path):
    make, code = RUBRICS[name]
    p = tmp_path / "rubric.yaml"
    p.write_bytes(make())
    rc, out, err = bounded("rubric", "check", str(p), cwd=tmp_path, seconds=30)
    said = out + err
    assert rc == 1 and f"[{code}]" in said, said[:2000]
    assert "Traceback" not in said and "内部错误" not in said
    assert not re.search(r"Input should|Value error|codec|Errno|解析器提示", said)  # Chinese, not a library's English
    assert "\x1b" not in said and "\x00" not in said


# --- names ----------------------------------------------------------------------------------------


def _formulas(xlsx: Path) -> list[str]:
    """Cell formulas (<f> elements) in every sheet of a workbook we wrote."""
    with zipfile.ZipFile(xlsx) as z:
        return [f"{xlsx.name}:{n}" for n in z.namelist()
                if n.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >]", z.read(n))]


@pytest.fixture(scope="module")
def hostile_year(tmp_path_factory) -> Path:
    """A workspace whose towns and a department are named like formulas and markup, filled and ranked."""
    ws = tmp_path_factory.mktemp("names")
    (ws / "rubric").mkdir()
    (ws / "rubric" / "2024.yaml").write_text(hostile_names_rubric(), encoding="utf-8")
    rubric = load_rubric(ws / "rubric" / "2024.yaml")
    assert bounded("template", "--year", "2024", cwd=ws)[0] == 0
    fill_all(ws / "scores" / "2024", rubric)
    record_meeting(ws / "scores" / "2024")
    assert bounded("template", "--year", "2024", "--towns", cwd=ws)[0] == 0
    for args in (["rank", "--year", "2024", "--save"], ["report", "--year", "2024", "--format", "xlsx"],
                 ["report", "--year", "2024", "--format", "html"], ["letters", "--year", "2024"],
                 ["booklet", "--year", "2024"]):
        rc, out, err = bounded(*args, cwd=ws)
        assert rc == 0, err
    return ws


def test_no_file_we_write_holds_a_formula(hostile_year):
    written = sorted(hostile_year.rglob("*.xlsx"))
    assert len(written) >= 4  # department sheets, registers, town self-evaluations, the report
    assert [f for x in written for f in _formulas(x)] == []
    with zipfile.ZipFile(hostile_year / "scores" / "2024" / f"2024年度评分表_{HOSTILE_DEPARTMENT}.xlsx") as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in z.namelist() else ""
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "HYPERLINK" in strings + sheets  # the name is there, as text


def test_hostile_names_are_printed_as_they_are(hostile_year):
    rc, out, _ = bounded("rank", "--year", "2024", cwd=hostile_year)
    flat = out.replace("\n", "").replace("│", "").replace(" ", "")
    assert rc == 0 and HOSTILE_NAMES["b"].replace(" ", "") in flat  # rich markup not eaten
    rc, out, _ = bounded("explain", HOSTILE_NAMES["b"], "--year", "2024", cwd=hostile_year)
    assert rc == 0 and HOSTILE_NAMES["b"] in out.replace("\n", "")
    rc, out, _ = bounded("rubric", "show", "--year", "2024", cwd=hostile_year)
    flat = re.sub(r"\s", "", out)
    assert rc == 0 and "[boldred]乙街道[/]" in flat and HOSTILE_DEPARTMENT in flat
    csv = bounded("rank", "--year", "2024", "--format", "csv", cwd=hostile_year)[1]
    assert "'=HYPERLINK" in csv and "'+1+cmd" in csv  # a spreadsheet opening the CSV sees text


def test_every_letter_is_counted_once(hostile_year):
    rc, out, err = bounded("letters", "--year", "2024", cwd=hostile_year)
    letters = list((hostile_year / "reports" / "2024").rglob("*结果函*.docx"))
    assert rc == 0 and len(letters) == 3 and "已生成 3 份函告" in (out + err).replace("\n", "")


# --- file names and cells that reach the terminal -----------------------------------------------


def test_escape_and_brackets_in_a_file_name_are_shown_not_acted_on(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    (tmp_path / "scores" / "2024" / "[red]坏\x1b[2J表.xlsx").write_bytes(b"not a workbook")
    rc, out, err = bounded("validate", "--year", "2024", cwd=tmp_path)
    said = (out + err).replace("\n", "").replace("│", "").replace(" ", "")
    assert rc == 1 and "\x1b" not in out + err
    assert "[red]坏\\x1b[2J表.xlsx" in said


# --- archives ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ranked(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("archives")
    shutil.copytree(EXAMPLE / "scores", ws / "scores")
    shutil.copytree(EXAMPLE / "archive", ws / "archive")
    assert bounded("rank", "--year", "2024", "--save", cwd=ws)[0] == 0
    return ws


def _damaged(path: Path, name: str) -> bytes:
    original = path.read_bytes()
    damaged = ARCHIVES[name][0](original.decode("utf-8"))
    path.write_bytes(damaged if isinstance(damaged, bytes) else damaged.encode("utf-8"))
    return original


@pytest.mark.parametrize("name", sorted(ARCHIVES))
def test_a_damaged_last_year_archive_is_a_warning_and_shown_unavailable(ranked, name):
    last = ranked / "archive" / "2023.json"
    original = _damaged(last, name)
    try:
        rc, out, err = bounded("rank", "--year", "2024", "--format", "json", cwd=ranked)
        data = json.loads(out)
        changes = {x["change"] for x in data["ranking"]}
        said = flat(err)
        says = ARCHIVES[name][1]
        assert rc == 0 and "Traceback" not in said
        if says is None:
            assert "F116" not in said and "无法比较" not in changes and "previous_unavailable" not in data
        else:  # a warning on screen; the reason where the comparison would be
            assert "F116" in said and says in data["previous_unavailable"] and changes == {"无法比较"}
    finally:
        last.write_bytes(original)


@pytest.mark.parametrize("name", sorted(n for n, (_, says) in ARCHIVES.items() if says and n != "another_year"))
def test_verify_refuses_a_damaged_archive(ranked, name):
    saved = ranked / "archive" / "2024.json"
    original = _damaged(saved, name)
    try:
        rc, out, err = bounded("verify", "--year", "2024", cwd=ranked)
        assert rc == 2 and "一致" not in out and "无法核对" in err.replace("\n", "")
    finally:
        saved.write_bytes(original)


# --- write failures --------------------------------------------------------------------------------


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("qp-eval-")]


@pytest.mark.parametrize("out, says", [
    (lambda tmp: tmp / ("长" * 100 + ".xlsx"), "文件名或路径过长"),
    (lambda tmp: tmp / "a-file" / "report.xlsx", "路径中有一段不是目录"),
])
def test_an_output_that_cannot_be_written_is_named_with_the_reason(ranked, tmp_path, out, says):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    target = out(tmp_path)
    rc, _, err = bounded("report", "--year", "2024", "--format", "xlsx", "--out", str(target), cwd=ranked)
    said = flat(err)
    assert rc == 2 and says in said and flat(f"无法写入 {target}") in said
    assert "Traceback" not in said and "内部错误" not in said and ".tmp" not in said
    assert _temp_files(tmp_path) == []


@pytest.mark.parametrize("code, says", [(errno.EACCES, "没有写入权限"), (errno.ENOSPC, "磁盘空间不足"),
                                        (errno.EROFS, "只读")])
def test_permission_disk_full_and_read_only_keep_the_earlier_report(ranked, tmp_path, monkeypatch, capsys, code, says):
    """The failure is injected where the finished file would take its name (root may write anywhere)."""
    from qp_eval.cli import app as cli

    report = tmp_path / "report.xlsx"
    report.write_bytes(b"last week's report")
    real_replace = os.replace

    def failing(src, dst):  # noqa: ANN001
        if str(dst) == str(report):
            raise OSError(code, os.strerror(code), str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    monkeypatch.chdir(ranked)
    monkeypatch.setattr(sys, "argv", ["qp-eval", "-q", "report", "--year", "2024", "--format", "xlsx",
                                      "--out", str(report), "--force"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    said = flat(capsys.readouterr().err)
    assert done.value.code == 2 and says in said and flat(f"无法写入 {report}") in said and ".tmp" not in said
    assert report.read_bytes() == b"last week's report" and _temp_files(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder(ranked, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        rc, _, err = bounded("report", "--year", "2024", "--format", "xlsx", "--out", str(folder / "r.xlsx"),
                             cwd=ranked)
        assert rc == 2 and "没有写入权限" in err.replace("\n", "")
    finally:
        folder.chmod(0o755)


# --- SIGTERM ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def larger(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import make_workspace

    ws = tmp_path_factory.mktemp("larger")
    make_workspace(ws, 215)
    return ws


def test_sigterm_during_a_report_leaves_no_temporary_file(larger, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    target = tmp_path / "report.xlsx"
    p = subprocess.Popen([sys.executable, "-m", "qp_eval", "-q", "report", "--year", "2024", "--format", "xlsx",
                          "--allow-missing", "--out", str(target)], cwd=larger, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(scratch)})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and p.poll() is None:  # wait until the report is being written
        if list(tmp_path.glob(".report.xlsx.*.tmp")) and any(f.is_file() for f in scratch.rglob("*")):
            break
        time.sleep(0.005)
    assert p.poll() is None, "the report finished before it could be stopped"
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 143 and err.strip().startswith("已终止") and len(err.strip().splitlines()) == 1
    assert not target.exists() and _temp_files(tmp_path) == [] and list(scratch.iterdir()) == []


# --- status and rank agree --------------------------------------------------------------------------


def test_status_fails_whenever_rank_would_refuse(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    assert bounded("status", "--year", "2024", cwd=tmp_path)[0] == 0
    (tmp_path / "scores" / "2024" / "另一份.xlsx").write_bytes(b"PK\x03\x04 broken")
    rank = bounded("rank", "--year", "2024", cwd=tmp_path)
    rc, out, err = bounded("status", "--year", "2024", cwd=tmp_path)
    said = (out + err).replace("\n", "")
    assert rank[0] == 1 and rc == 1 and "另一份.xlsx" in said and "全部收齐" not in said
    data = json.loads(bounded("status", "--year", "2024", "--format", "json", cwd=tmp_path)[1])
    assert data["complete"] is False and any("另一份.xlsx" in f["file"] for f in data["strays"])


def test_controls_and_bidirectional_overrides_are_shown_as_codes():
    from qp_eval.core.text import terminal_safe

    assert terminal_safe("甲\u202e乙\x1b[2J丙\x9b\u2066") == "甲\\u202e乙\\x1b[2J丙\\x9b\\u2066"
    assert terminal_safe("第 1 行\t说明\n下一行") == "第 1 行\t说明\n下一行"  # tab and newline stay


# --- special files, numbers past a cell's range, file names not in UTF-8 -----------------------------


@pytest.mark.parametrize("make", ["fifo", "device", "directory"])
def test_a_rubric_or_archive_that_is_no_regular_file_is_refused_without_waiting(ranked, tmp_path, make):
    def special(p: Path) -> None:
        if make == "fifo":
            os.mkfifo(p)
        elif make == "device":
            p.symlink_to("/dev/zero")  # endless: reading it whole would exhaust memory
        else:
            p.mkdir()

    rubric = tmp_path / "rubric.yaml"
    special(rubric)
    rc, out, err = bounded("rubric", "check", str(rubric), cwd=tmp_path, seconds=30)
    assert rc == 1 and "[R001]" in flat(out + err), out + err
    last = ranked / "archive" / "2023.json"
    kept = tmp_path / "2023.json"
    shutil.move(last, kept)
    try:
        special(last)
        rc, out, err = bounded("rank", "--year", "2024", "--format", "json", cwd=ranked, seconds=30)
        assert rc == 0 and "F116" in err and set(x["change"] for x in json.loads(out)["ranking"]) == {"无法比较"}
    finally:
        if last.is_dir() and not last.is_symlink():
            last.rmdir()
        else:
            last.unlink()
        shutil.move(kept, last)


def _set_figure(path: Path, value: object) -> str:
    """Put ``value`` in the first 数值 cell of a workbook's 指标 sheet; returns the cell."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["指标"]
    col = next(c.column for c in ws[1] + ws[2] + ws[3] if c.value in ("数值", "自评数值"))
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value not in (None, "")
               and isinstance(ws.cell(r, col).value, int | float))
    ws.cell(r := row, col).value = value
    wb.save(path)
    return f"{openpyxl.utils.get_column_letter(col)}{r}"


def test_a_number_past_a_cells_range_is_a_finding_not_a_crash(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    folder = tmp_path / "scores" / "2024"
    sheet = next(p for p in folder.glob("*.xlsx") if "指标" in __import__("openpyxl").load_workbook(p).sheetnames)
    cell = _set_figure(sheet, "1e-999999")
    rc, out, err = bounded("validate", "--year", "2024", "--format", "json", cwd=tmp_path)
    found = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert rc == 1 and [(f["code"], f["cell"]) for f in found] == [("I702", cell)]
    assert bounded("status", "--year", "2024", cwd=tmp_path)[0] == 1
    assert bounded("rank", "--year", "2024", cwd=tmp_path)[0] == 1


def test_a_town_self_evaluation_number_past_range_does_not_stop_the_report(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    self_eval = sorted((tmp_path / "scores" / "2024" / "自评").glob("*.xlsx"))[0]
    _set_figure(self_eval, "1e-999999")
    rc, out, err = bounded("report", "--year", "2024", "--format", "xlsx", cwd=tmp_path)
    assert rc == 0 and "内部错误" not in err, err


def test_a_file_name_not_in_utf8_is_refused_by_name(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    folder = tmp_path / "scores" / "2024"
    os.rename(folder / "问题登记.xlsx", os.fsencode(folder) + b"/" + "问题登记表".encode("gbk") + b".xlsx")
    for command in (["validate"], ["status"], ["rank"], ["status", "--format", "json"]):
        rc, out, err = bounded(*command, "--year", "2024", cwd=tmp_path)
        assert rc == 1 and "内部错误" not in err, (command, err)
    said = flat(bounded("validate", "--year", "2024", cwd=tmp_path)[1])
    assert "F101" in said and "\\xce\\xca\\xcc\\xe2" in said and "文件名不是UTF-8" in said


def test_a_letter_that_cannot_be_written_leaves_every_letter_as_it_was(ranked, monkeypatch, capsys):
    from docx.document import Document

    from qp_eval.cli import app as cli

    monkeypatch.chdir(ranked)
    monkeypatch.setattr(sys, "argv", ["qp-eval", "-q", "letters", "--year", "2024", "--number", "旧"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 0
    letters = sorted((ranked / "reports" / "2024").rglob("*结果函*.docx"))
    before = {p: p.read_bytes() for p in letters}
    real_save, calls = Document.save, []

    def fifth_fails(self, path):  # noqa: ANN001
        calls.append(path)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, "No space left on device", path)
        return real_save(self, path)

    monkeypatch.setattr(Document, "save", fifth_fails)
    monkeypatch.setattr(sys, "argv", ["qp-eval", "-q", "letters", "--year", "2024", "--number", "新"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    said = flat(capsys.readouterr().err)
    assert done.value.code == 2 and "磁盘空间不足" in said and "已有的文件没有改动" in said
    assert {p: p.read_bytes() for p in letters} == before and _temp_files(ranked / "reports") == []


def test_a_folder_where_this_years_archive_goes_is_said_not_crashed(ranked):
    saved = ranked / "archive" / "2024.json"
    kept = saved.read_bytes()
    saved.unlink()
    saved.mkdir()
    try:
        rc, _, err = bounded("rank", "--year", "2024", "--save", cwd=ranked)
        said = flat(err)
        assert rc == 2 and "内部错误" not in said and flat(f"无法访问 {saved.relative_to(ranked)}") in said
    finally:
        saved.rmdir()
        saved.write_bytes(kept)


@pytest.mark.parametrize("make", [lambda p: p.symlink_to("/nonexistent/2024.yaml"), lambda p: p.mkdir()])
def test_a_broken_rubric_in_the_workspace_is_never_replaced_by_the_shipped_one(tmp_path, make):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    (tmp_path / "rubric").mkdir()
    make(tmp_path / "rubric" / "2024.yaml")
    rc, out, err = bounded("rank", "--year", "2024", cwd=tmp_path)
    assert rc == 2 and "[R001] rubric/2024.yaml" in err and out == ""


@pytest.mark.parametrize("name", ["[bold red]细则.yaml", "a[/x].yaml", "清屏\x1b[2J细则.yaml"])
def test_a_rubric_file_name_is_printed_as_it_is(tmp_path, name):
    from hostile import MINI

    (tmp_path / name).parent.mkdir(exist_ok=True)  # "a[/x].yaml" is x].yaml in a folder "a[": a closing tag
    (tmp_path / name).write_text(MINI, encoding="utf-8")
    rc, out, err = bounded("rubric", "check", name, cwd=tmp_path)
    assert rc == 0 and "\x1b" not in out + err and "内部错误" not in err
    assert name.replace("\x1b", "\\x1b") in out.replace("\n", "")
    (tmp_path / name).write_text(MINI.replace("title: 测试细则", "title: [测试细则"), encoding="utf-8")
    rc, out, err = bounded("rubric", "check", name, cwd=tmp_path)
    assert rc == 1 and "\x1b" not in out + err and name.replace("\x1b", "\\x1b") in err.replace("\n", "")


def test_the_report_says_why_last_year_cannot_be_compared(ranked, tmp_path):
    import openpyxl

    last = ranked / "archive" / "2023.json"
    original = _damaged(last, "truncated")
    try:
        for fmt in ("xlsx", "html"):
            rc, _, err = bounded("report", "--year", "2024", "--format", fmt, "--out", str(tmp_path / f"r.{fmt}"),
                                 cwd=ranked)
            assert rc == 0, err
        cells = [str(v) for row in openpyxl.load_workbook(tmp_path / "r.xlsx")["排名"].iter_rows(values_only=True)
                 for v in row if v is not None]
        assert "无法比较" in cells and any("2023.json 不是有效的 JSON" in c for c in cells)
        html = (tmp_path / "r.html").read_text(encoding="utf-8")
        assert "无法比较" in html and "2023.json 不是有效的 JSON" in html
    finally:
        last.write_bytes(original)


def test_a_fifo_where_the_archive_goes_is_never_read(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    (tmp_path / "archive").mkdir()
    os.mkfifo(tmp_path / "archive" / "2024.json")
    rc, _, err = bounded("rank", "--year", "2024", "--save", cwd=tmp_path, seconds=30)
    assert rc == 1 and "未覆盖" in flat(err)  # kept, as any archive that says something else
    rc, _, err = bounded("rank", "--year", "2024", "--save", "--force", cwd=tmp_path, seconds=30)
    assert rc == 0 and (tmp_path / "archive" / "2024.json").is_file()


@pytest.mark.parametrize("make, says", [(lambda p: os.mkfifo(p), "不是普通文件"),
                                        (lambda p: p.write_bytes("year: 2024\ntitle: 细则\n".encode("gbk")), "GBK")])
def test_init_reads_last_years_rubric_as_rubric_check_does(tmp_path, make, says):
    (tmp_path / "rubric").mkdir()
    make(tmp_path / "rubric" / "2024.yaml")
    rc, out, err = bounded("init", "--year", "2025", cwd=tmp_path, seconds=30)
    assert rc == 2 and "[R001]" in err and says in flat(err) and "内部错误" not in err


def test_the_csv_report_and_its_companions_are_replaced_together(ranked, tmp_path, monkeypatch, capsys):
    from qp_eval.cli import app as cli

    target = tmp_path / "r.csv"
    monkeypatch.chdir(ranked)
    monkeypatch.setattr(sys, "argv", ["qp-eval", "-q", "report", "--year", "2024", "--format", "csv", "--out", str(target)])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 0
    before = {p: p.read_bytes() for p in tmp_path.glob("*.csv")}
    assert len(before) == 3
    real_replace = os.replace

    def third_fails(src, dst):  # noqa: ANN001
        if str(dst).endswith("_自评问题对照.csv"):
            raise OSError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", third_fails)
    monkeypatch.setattr(sys, "argv", ["qp-eval", "-q", "report", "--year", "2024", "--format", "csv", "--out", str(target),
                                      "--force", "--date", "2030-01-01"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    said = flat(capsys.readouterr().err)
    assert done.value.code == 2 and "没有写入权限" in said and "此前已写好并换上的" in said
    assert "已有的文件没有改动" not in said and _temp_files(tmp_path) == []


def test_text_reports_show_control_characters_as_codes(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    folder = tmp_path / "scores" / "2024"
    os.rename(folder / "问题登记.xlsx", folder / "问题登记\x1b[2J\u202e.xlsx")  # listed among the inputs
    for fmt in ("md", "html"):
        rc, _, err = bounded("report", "--year", "2024", "--format", fmt, "--out", str(tmp_path / f"r.{fmt}"),
                             cwd=tmp_path)
        text = (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
        assert rc == 0 and "\x1b" not in text and "\u202e" not in text, err
        assert re.search(r"问题登记\\+x1b", text) and re.search(r"\\+u202e\.xlsx", text)  # shown, as codes


@pytest.mark.parametrize("force", [False, True])
def test_an_archive_that_fails_halfway_leaves_the_saved_one_and_no_temporary_file(ranked, monkeypatch, capsys, force):
    """The archive is written piece by piece to a file beside it: a disk that fills after the first pieces
    leaves the saved archive (one that says something else, so --force would replace it) as it was."""
    from qp_eval.cli import app as cli
    from qp_eval.io import archive as io_archive

    saved = ranked / "archive" / "2024.json"
    original = saved.read_bytes()
    saved.write_bytes(original.replace(b'"year": 2024', b'"year":  2024', 1))  # says something else
    before, backups = saved.read_bytes(), set((ranked / "archive").glob("备份-*"))
    real = io_archive.json_pieces

    def full_after_two(data):  # noqa: ANN001, ANN202
        for n, piece in enumerate(real(data, batch=64)):
            if n == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            yield piece

    monkeypatch.setattr(io_archive, "json_pieces", full_after_two)
    monkeypatch.chdir(ranked)
    monkeypatch.setattr(sys, "argv", ["qp-eval", "-q", "rank", "--year", "2024", "--save", *(["--force"] if force else [])])
    try:
        with pytest.raises(SystemExit) as done:
            cli.main()
        said = flat(capsys.readouterr().err)
        assert done.value.code == 2 and "磁盘空间不足" in said and "archive/2024.json" in said
        assert saved.read_bytes() == before and _temp_files(ranked / "archive") == []
        assert set((ranked / "archive").glob("备份-*")) == backups  # nothing replaced, so nothing copied aside
    finally:
        saved.write_bytes(original)


def test_an_archive_that_says_something_else_is_kept_with_no_temporary_file(ranked):
    saved = ranked / "archive" / "2024.json"
    original = saved.read_bytes()
    saved.write_bytes(original + b" ")
    try:
        rc, _, err = bounded("rank", "--year", "2024", "--save", cwd=ranked)
        assert rc == 1 and "未覆盖" in flat(err) and saved.read_bytes() == original + b" "
        assert _temp_files(ranked / "archive") == []
    finally:
        saved.write_bytes(original)
    rc, _, err = bounded("rank", "--year", "2024", "--save", cwd=ranked)
    assert rc == 0 and saved.read_bytes() == original and "备份" not in err
