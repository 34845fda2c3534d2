"""CLI wiring: help texts, exit codes, streams, start-up imports."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from qp_eval.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "qp_eval" / "example"
MINI = Path(__file__).parent / "data" / "mini.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str, cwd: Path | None = None):  # noqa: ANN201 - support.run.Ran
    from support.run import qp

    return qp(*args, cwd=cwd or ROOT)


def walk(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, path + (name,))


def modules_loaded_by(args: list[str], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` a run of qp-eval with ``args`` imported."""
    code = (
        "import sys\n"
        f"sys.argv = ['qp-eval', *{args!r}]\n"
        "from qp_eval.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', [m for m in {names!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    return ast.literal_eval(out.split("LOADED", 1)[1].strip())


def test_help_does_not_import_heavy_libraries():
    assert modules_loaded_by(["--help"], ("pandas", "openpyxl", "docx", "python_calamine", "numpy")) == []


def test_every_command_has_chinese_help():
    root = typer.main.get_command(app)
    seen = 0
    for path, command in walk(root):
        text = command.help or ""
        assert CJK.search(text), f"{' '.join(path) or 'qp-eval'} has no Chinese help"
        examples = [line.strip() for line in text.splitlines() if line.strip().startswith("qp-eval ")]
        assert examples, f"{' '.join(path) or 'qp-eval'} shows no example"
        ctx = command.context_class(command)
        for param in command.get_params(ctx):  # the options as help shows them
            if getattr(param, "help", None) is not None:
                assert CJK.search(param.help), f"{path} option {param.name} help not Chinese"
        seen += 1
    assert seen >= 3


@pytest.mark.parametrize("args", [["--help"], ["rubric", "--help"], ["rubric", "check", "--help"], ["rubric", "show", "--help"]])
def test_help_pages_render_in_chinese(args):
    r = run(*args)
    assert r.returncode == 0
    assert "显示本帮助并退出" in r.stdout


def test_help_imports_neither_rich_nor_markdown():
    assert modules_loaded_by(["rank", "--help"], ("rich", "markdown_it")) == []


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize("args", [["-h"], ["rank", "-h"], ["template", "--help"], ["rubric", "check", "-h"]])
def test_help_is_chinese_and_fits_the_terminal(args, columns):
    from support.run import qp

    from qp_eval.core.linebreak import width_of

    r = qp(*args, cwd=ROOT, columns=columns)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法：qp-eval") and "选项：" in r.stdout
    assert "Usage" not in r.stdout and "Options" not in r.stdout and "[OPTIONS]" not in r.stdout
    too_wide = [line for line in r.stdout.splitlines() if width_of(line) > columns]
    assert too_wide == []


def test_wrap_breaks_chinese_by_display_width_and_keeps_latin_words():
    from qp_eval.core.linebreak import width_of, wrap

    lines = wrap("评分表目录；默认为工作目录下的 scores/<年度>/。", 20)
    assert lines == ["评分表目录；默认为工", "作目录下的", "scores/<年度>/。"]  # a path is never split
    assert all(width_of(line) <= 20 for line in lines)
    # closing punctuation is kept with the character before it rather than starting a line
    assert wrap("一二三四五，六", 10) == ["一二三四", "五，六"]


def test_rubric_check_sound_file_exits_0_on_stdout():
    r = run("rubric", "check", str(MINI))
    assert r.returncode == 0, r.stderr
    assert "检查通过" in r.stdout and r.stderr == ""


def test_rubric_check_broken_file_exits_1_with_findings_on_stderr(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.read_text(encoding="utf-8").replace("total_points: 20", "total_points: 21"), encoding="utf-8")
    r = run("rubric", "check", str(bad))
    assert r.returncode == 1
    assert "R007" in r.stderr and "bad.yaml:" in r.stderr
    assert "Traceback" not in r.stderr


def test_rubric_show_lists_departments_items_and_totals():
    r = run("rubric", "show", "--year", "2024")
    assert r.returncode == 0, r.stderr
    for text in ("老龄工作和养老服务科", "27. 信息报送", "1.3 特殊困难老年人探访关爱工作", "总分", "优秀 ≥ 90"):
        assert text in r.stdout


def test_rubric_is_found_in_the_package_outside_the_repository(tmp_path):
    r = run("rubric", "show", "--year", "2024", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "自带" not in r.stderr


def test_workspace_rubric_overrides_the_shipped_one(tmp_path):
    (tmp_path / "rubric").mkdir()
    (tmp_path / "rubric" / "2024.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    r = run("rubric", "show", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "测试细则" in r.stdout


def test_missing_year_is_a_chinese_error_with_exit_2(tmp_path):
    r = run("rubric", "show", "--year", "1999", cwd=tmp_path)
    assert r.returncode == 2
    assert "找不到 1999 年度的评估细则" in r.stderr
    assert "Traceback" not in r.stderr


def test_readme_code_table_matches_the_catalogue():
    from qp_eval.core.findings import CATALOGUE, catalogue_markdown

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- codes:start -->\n", 1)[1].split("<!-- codes:end -->", 1)[0]
    assert block == catalogue_markdown()
    assert all(f"| {code} |" in block for code in CATALOGUE)


@pytest.mark.parametrize("args, says", [
    (["rank", "--bogus"], "没有这个选项：--bogus"),
    (["rank", "--yaer", "2024"], "没有这个选项：--yaer（是否为 --year、--save？）"),  # the closest first
    (["init"], "缺少选项 --year / -y"),
    (["rank", "--year", "abc"], "--year / -y 的值无效：“abc”不是有效的评估年度"),
    (["rank", "--year"], "选项 --year 后面需要跟一个值"),
    (["rank", "extra"], "多余的参数：extra"),
    (["ranx"], "没有这个命令：ranx（是否为 rank？）"),
])
def test_usage_errors_are_chinese(args, says):
    r = run(*args)
    assert r.returncode == 2
    assert f"错误：{says}" in r.stderr
    english = re.compile(r"Usage:|Error:|Try '|No such|Missing|Invalid value|Got unexpected|requires an argument|Did you mean")
    assert not english.search(r.stdout + r.stderr), r.stderr


def test_version():
    from importlib.metadata import version

    for flag in ("--version", "-V"):
        r = run(flag)
        assert r.returncode == 0 and r.stdout.strip() == f"qp-eval {version('qp-eval')}"


def test_ctrl_c_ends_with_130_and_no_traceback(monkeypatch, capsys, tmp_path):
    import qp_eval.io.intake
    from qp_eval.cli import app as cli

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(qp_eval.io.intake, "evaluate_folder", interrupted)
    (tmp_path / "scores" / "2024").mkdir(parents=True)
    monkeypatch.setattr(sys, "argv", ["qp-eval", "rank", "--year", "2024", "--workspace", str(tmp_path)])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 130
    err = capsys.readouterr().err
    assert "已中断" in err and "Traceback" not in err


def test_quiet_keeps_data_and_errors_and_drops_the_rest(tmp_path):
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE / "scores", ws / "scores")
    loud = run("rank", "--format", "csv", cwd=ws)
    quiet = run("-q", "rank", "--format", "csv", cwd=ws)
    assert loud.returncode == quiet.returncode == 0
    assert quiet.stdout == loud.stdout  # the data is the same
    assert "未指定 --year" in loud.stderr and "条警告，运行 qp-eval validate" in loud.stderr  # the year note, warnings in a line
    assert quiet.stderr == ""
    verbose = run("-v", "validate", cwd=ws)
    assert "读取 " in verbose.stderr and "用时 " in verbose.stderr


def test_progress_is_reported_per_file(tmp_path, mini):
    from conftest import fill_all

    from qp_eval.io.intake import validate_paths
    from qp_eval.io.writers.template import write_templates

    write_templates(mini, tmp_path)
    fill_all(tmp_path, mini)
    heard = []
    validate_paths(mini, [tmp_path], progress=lambda done, total, path: heard.append((done, total, bool(path))))
    assert heard == [(0, 5, True), (1, 5, True), (2, 5, True), (3, 5, True), (4, 5, True), (5, 5, False)]


def test_shell_completion_is_offered():
    """The bash script, asked for by name: what the parent process is (a shell or not) plays no part."""
    from support.run import qp

    r = qp("--show-completion", "bash", cwd=ROOT, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert r.returncode == 0 and "_qp_eval_completion()" in r.stdout and "complete " in r.stdout


def test_escape_sequences_and_brackets_from_inputs_never_act_on_the_terminal(tmp_path, mini):
    """A cell can hold an escape sequence (clear the screen, an OSC-8 link) or rich markup: shown as text."""
    from conftest import dept_file, edit, fill_all, find_row, header_map

    from qp_eval.core import layout as L
    from qp_eval.io.writers.template import write_templates

    scores = tmp_path / "scores" / "2024"
    write_templates(mini, scores)
    fill_all(scores, mini)

    def go(wb):
        ws = wb[L.SCORE_SHEET]
        r = find_row(ws, "甲镇", "1.1")
        # how Excel stores control characters; calamine reads them back as the characters
        ws.cell(r, header_map(ws)["得分"]).value = "_x001B_[2J_x001B_]8;;http://x_x0007_满分[bold]"

    edit(dept_file(scores, mini, "d1"), go)
    (tmp_path / "rubric").mkdir()
    (tmp_path / "rubric" / "2024.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    r = run("validate", "--year", "2024", cwd=tmp_path)
    assert r.returncode == 1
    out = r.stdout + r.stderr
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J" in out.replace("\n", "").replace("│", "").replace(" ", "") and "[bold]" in out.replace("\n", "")


@pytest.mark.parametrize("written", ["2024", "2024年", "2024年度", "２０２４", "二〇二四", "二零二四年", " 2024 "])
def test_a_year_is_read_as_the_office_writes_it(written):
    from qp_eval.cli.options import parse_year

    assert parse_year(written) == 2024


def test_usage_errors_give_the_commands_own_example_and_shared_flags_go_after_the_name(tmp_path):
    r = run("rank", "--yaer", "2024")
    assert "例如：qp-eval rank --year 2024" in r.stderr
    import shutil

    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    after = run("rank", "--year", "二〇二四", "-q", "--format", "csv", cwd=tmp_path)
    before = run("-q", "rank", "--year", "2024", "--format", "csv", cwd=tmp_path)
    assert after.returncode == before.returncode == 0 and after.stdout == before.stdout and after.stderr == ""


def test_every_command_the_readme_shows_exists_with_the_options_it_shows():
    """Each ``qp-eval …`` line of the README's code blocks parses as the command line would (options
    and arguments known), without running it."""
    import shlex

    import typer

    from qp_eval.cli.app import app, hoist

    group = typer.main.get_command(app)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.strip() for block in re.findall(r"```\n(.*?)```", text, re.S) for line in block.splitlines()
             if line.strip().startswith("qp-eval ")]
    assert len(lines) > 30
    bad = []
    for line in lines:
        words = shlex.split(re.split(r"\s+#\s", line)[0].split(" > ")[0])
        args = [w for w in hoist(words)[1:] if w not in ("-q", "--quiet", "-v", "--verbose", "--plain")]
        try:
            ctx = group.make_context("qp-eval", [], resilient_parsing=True)
            cmd = group.get_command(ctx, args[0])
            rest = args[1:]
            if hasattr(cmd, "get_command"):  # a group: rubric check / show
                cmd, rest = cmd.get_command(ctx, rest[0]), rest[1:]
            cmd.make_context(args[0], rest, parent=ctx)
        except Exception as e:  # noqa: BLE001 - any parse failure is the finding
            bad.append((line, type(e).__name__, str(e)))
    assert bad == []
