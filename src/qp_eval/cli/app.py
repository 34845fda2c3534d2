"""The ``qp-eval`` command line: the typer app, its global options, and the commands registered from
``cli.commands`` (one module per group). Heavy libraries are imported inside the commands that use
them, so ``qp-eval --help`` pays only for typer."""

from typing import Annotated

import typer

from . import runtime
from .commands import analysis, check, documents, intake, results, year
from .commands import rubric as rubric_commands
from .help import ZhCommand, ZhGroup

app = typer.Typer(
    name="qp-eval",
    help="青浦区民政工作综合评估工具：评估细则、评分表、校验、计分排名与报告。\n\n"
         "一年的顺序：init → template（各科室）和 template --towns（各街镇自评）→ status → collect → validate "
         "→ rank → report、brief（提请局长办公会议审议）→ 审议决定.xlsx 登记会议决定 → rank --save → letters、booklet；run 按这个顺序一次做完，demo 在示例年度上演示。\n\nqp-eval rank --year 2024",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=ZhGroup,
)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", help="显示版本号并退出。", is_eager=True,
                                          callback=runtime.show_version)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只显示错误和所要的数据：不显示警告、进度和完成提示。")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="另外显示读取了哪些文件和用时。")] = False,
    plain: Annotated[bool, typer.Option("--plain", help="每条问题一行、表格不画边框（输出到文件或管道时总是如此），便于复制和 grep。")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", metavar="个数", min=1, show_default=False,
                                             help="同时读取表格的进程数；默认每个处理器核心一个，1 表示只用一个进程。")] = None,
) -> None:
    # the options every command shares (also accepted after the command's name: ``hoist``)
    runtime.begin(ctx, quiet, verbose, plain, jobs)


rubric_app = typer.Typer(help="查看和检查评估细则（rubric/<年度>.yaml）。\n\nqp-eval rubric check --year 2024",
                         no_args_is_help=True, cls=ZhGroup, rich_markup_mode=None)
app.add_typer(rubric_app, name="rubric")
rubric_app.command("check", cls=ZhCommand)(rubric_commands.check)
rubric_app.command("show", cls=ZhCommand)(rubric_commands.show)

for name, command in (
    ("template", intake.template), ("migrate", intake.migrate), ("collect", intake.collect),
    ("return", intake.return_),
    ("validate", check.validate),
    ("rank", results.rank), ("explain", results.explain), ("verify", results.verify),
    ("report", documents.report), ("brief", documents.brief), ("letters", documents.letters),
    ("booklet", documents.booklet),
    ("sensitivity", analysis.sensitivity), ("trend", analysis.trend),
    ("init", intake.init), ("status", intake.status),
    ("run", year.run), ("demo", year.demo),
):
    app.command(name, cls=ZhCommand)(command)


SHARED = ("-q", "--quiet", "-v", "--verbose", "--plain")  # the root's flags
VALUED = ("-j", "--jobs")  # the root's options that take a value (the next word, or after =)


def hoist(argv: list[str]) -> list[str]:
    """The root's options moved before the command's name, where typer reads them: ``qp-eval rank -q``
    is ``qp-eval -q rank``, ``qp-eval rank --jobs 2`` is ``qp-eval --jobs 2 rank`` (never after ``--``,
    and never a flag's own value)."""
    if len(argv) < 2:
        return argv
    words = argv[1:]
    start = next((k for k, w in enumerate(words) if not w.startswith("-")), None)
    if start is None:
        return argv
    end = words.index("--") if "--" in words else len(words)
    moved: list[str] = []
    taken: set[int] = set()
    k = start + 1
    while k < end:
        w = words[k]
        if w in SHARED or w.split("=", 1)[0] in VALUED and "=" in w:
            moved.append(w)
            taken.add(k)
        elif w in VALUED and k + 1 < end:
            moved += [w, words[k + 1]]
            taken |= {k, k + 1}
            k += 1
        k += 1
    if not moved:
        return argv
    return [argv[0], *moved, *(w for k, w in enumerate(words) if k not in taken)]


def main() -> None:
    """The console script: runs the app in its runtime (exit codes, streams, signals: ``cli.runtime``)."""
    import sys

    sys.argv = hoist(sys.argv)
    runtime.run(typer.main.get_command(app))
