"""The ``qp-eval`` command line: parse, call the core, render, choose the exit code.

Exit codes (computed in ``main`` and by each command): 0 clean; 1 findings of severity
error (or, for ``status``, anything missing); 2 the tool could not run (usage error, bad
rubric, no workspace). Heavy libraries (openpyxl, python-docx) are imported inside
the commands that use them, so ``qp-eval --help`` pays only for typer.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from ..core.errors import QpError
from .help import ZhCommand, ZhGroup, typer_click

app = typer.Typer(
    name="qp-eval",
    help="青浦区民政工作综合评估工具：评估细则、评分表、校验、计分排名与报告。\n\n"
         "一年的顺序：init → template（各科室）和 template --towns（各街镇自评）→ status → collect → validate "
         "→ rank → report、letters、booklet。\n\nqp-eval rank --year 2024",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=ZhGroup,
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("qp-eval")
        except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
            v = "未安装"
        sys.stdout.write(f"qp-eval {v}\n")
        raise typer.Exit()


SETTINGS = {"quiet": False, "verbose": False}


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", help="显示版本号并退出。", is_eager=True,
                                          callback=_show_version)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只显示错误和所要的数据：不显示警告、进度和完成提示。")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="另外显示读取了哪些文件和用时。")] = False,
) -> None:
    # the options every command shares; the app's help text is given to typer.Typer above
    SETTINGS["quiet"], SETTINGS["verbose"] = quiet, verbose and not quiet


rubric_app = typer.Typer(help="查看和检查评估细则（rubric/<年度>.yaml）。\n\nqp-eval rubric check --year 2024", no_args_is_help=True, cls=ZhGroup,
                         rich_markup_mode=None)
app.add_typer(rubric_app, name="rubric")

# --- shared options, defined once ------------------------------------------------------
YearOpt = Annotated[
    int | None, typer.Option("--year", "-y", help="评估年度；省略时取工作目录中最新的年度。", show_default=False,
                             metavar="年度")
]
WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", metavar="目录", help="工作目录（含 rubric/、scores/、archive/、reports/）。")
]
RubricOpt = Annotated[
    Path | None, typer.Option("--rubric", metavar="文件", help="评估细则文件；省略时按工作目录约定查找。", show_default=False)
]


TableOrJson = Annotated[str, typer.Option("--format", "-f", metavar="格式", help="输出格式：table（表格）或 json（见 docs/json.md）。")]


def _table_or_json(fmt: str) -> bool:
    """True for json; a usage error (exit 2) for anything but table and json."""
    if fmt not in ("table", "json"):
        raise typer.BadParameter("只能是 table 或 json", param_hint="--format")
    return fmt == "json"


def _print_json(data: object) -> None:
    import json

    from .streams import data as write_data

    write_data(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _say(text: str) -> None:
    """An informational line on stderr (what was written, which year was used); silent with --quiet."""
    if not SETTINGS["quiet"]:
        from ..core.text import terminal_safe

        sys.stderr.write(terminal_safe(text) + "\n")


def _progress():  # noqa: ANN202 - a context manager yielding a progress callback or None
    """A progress bar on stderr while files are read, when stderr is a terminal (never in a pipe)."""
    import contextlib

    if SETTINGS["quiet"] or not sys.stderr.isatty():
        if SETTINGS["verbose"]:
            return contextlib.nullcontext(lambda done, total, path: path and _say(f"读取 {path}"))
        return contextlib.nullcontext(None)
    from .console import progress_bar

    return progress_bar("读取表格")


def _console(stderr: bool = False):  # noqa: ANN202 - rich is imported lazily
    from .console import make_console

    return make_console(stderr)


def _year(workspace: Path, year: int | None) -> int:
    """The year asked for; when none was, the workspace's latest, said on stderr (stdout may be data)."""
    from ..io.workspace import Workspace

    ws = Workspace(workspace)
    chosen = ws.year(year)
    if year is None:
        own = ws.has_years()
        _say(f"未指定 --year，使用{'工作目录中最新的' if own else ' qp-eval 自带细则的'} {chosen} 年度。")
    return chosen


def _load(workspace: Path, year: int | None, rubric: Path | None):  # noqa: ANN202
    from ..io.rubric_file import load_rubric
    from ..io.workspace import Workspace

    path = rubric if rubric is not None else Workspace(workspace).rubric_path(_year(workspace, year))
    return load_rubric(path), path


def _scores_dir_or_stop(folder: Path, year: int) -> None:
    """A year's scores folder that is not there stops every command the same way (exit 2)."""
    if not folder.is_dir():
        from ..core.errors import WorkspaceError

        raise WorkspaceError(f"找不到评分表目录 {folder}。请先运行 qp-eval template --year {year}，"
                             "收齐评分表后放入该目录，或用 --scores 指定。")


def _scores_folder(workspace: Path, year: int | None, rubric: Path | None, nothing: str):  # noqa: ANN202
    """(rubric, scores/<year>/) for a command that changes files there; WorkspaceError when it is absent."""
    from ..io.workspace import Workspace

    r, _ = _load(workspace, year, rubric)
    folder = Workspace(workspace).scores_dir(r.year)
    if not folder.is_dir():
        from ..core.errors import WorkspaceError

        raise WorkspaceError(f"找不到评分表目录 {folder}，{nothing}。")
    return r, folder


# --- rubric ----------------------------------------------------------------------------
@rubric_app.command("check", cls=ZhCommand)
def rubric_check(
    file: Annotated[Path | None, typer.Argument(metavar="细则文件", help="要检查的评估细则 YAML 文件；省略时检查当前年度的细则。", show_default=False)] = None,
    workspace: WorkspaceOpt = Path("."),
    year: YearOpt = None,
) -> None:
    """检查评估细则：键名、引用、分值合计、量化规则、日期、等次分数段。无误时退出码为 0，有问题时为 1。

    qp-eval rubric check --year 2024
    qp-eval rubric check rubric/2025.yaml
    """
    from ..core.errors import RubricError, WorkspaceError
    from ..io.rubric_file import load_rubric
    from ..io.workspace import Workspace

    if file is not None and not file.exists():  # nothing to check: the command cannot run (exit 2)
        raise WorkspaceError(f"找不到评估细则文件 {file}。")
    path = file if file is not None else Workspace(workspace).rubric_path(_year(workspace, year))
    out = _console()
    try:
        r = load_rubric(path)
    except RubricError as e:
        err = _console(stderr=True)
        for f in e.findings:
            err.print(f"[{f.code}] {f.location}  {f.message}", markup=False, style="red", soft_wrap=True)
            err.print(f"       提示：{f.hint}", markup=False, style="dim", soft_wrap=True)
        err.print(f"共 {len(e.findings)} 处问题。", markup=False)
        raise typer.Exit(1) from None
    out.print(
        f"评估细则 {path} 检查通过：{len(r.units)} 个街镇，{len(r.departments)} 个科室，"
        f"{len(r.items)} 个项目，{len(r.criteria)} 条细则，总分 {r.total_points}，指纹 {r.fingerprint}。", markup=False
    )


@rubric_app.command("show", cls=ZhCommand)
def rubric_show(
    workspace: WorkspaceOpt = Path("."),
    year: YearOpt = None,
    rubric: RubricOpt = None,
    fmt: TableOrJson = "table",
) -> None:
    """显示评估细则：科室 → 项目 → 细则及分值，然后是合计与各项政策。

    qp-eval rubric show --year 2024
    """
    as_json = _table_or_json(fmt)
    r, path = _load(workspace, year, rubric)
    if as_json:
        _print_json({"format": "qp-eval-rubric/1", "path": str(path), "fingerprint": r.fingerprint,
                     "rubric": r.model_dump(mode="json")})
        return
    from .console.rubric import render_rubric

    render_rubric(r, str(path), _console())


# --- template --------------------------------------------------------------------------
@app.command("template", cls=ZhCommand)
def template(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="目录", help="输出目录；默认为工作目录下的 scores/<年度>/。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="重新生成仍是空白的同名表格；已填写的表格从不覆盖。")] = False,
    towns: Annotated[bool, typer.Option("--towns", help="改为给每个街镇生成自评表（写入 scores/<年度>/自评/）。")] = False,
    rubric: RubricOpt = None,
) -> None:
    """为各科室生成评分表，并生成问题登记表和亮点登记表；已填写的表格从不覆盖。

    加 --towns 时改为给每个街镇生成自评表：逐条自评得分和自评说明、本街镇指标、特色亮点和
    如实报告的问题，发给各街镇在自评截止日期前填报。

    某科室（或街镇）的表格已在目录中（无论文件名）时不再生成；--force 只重新生成仍是空白的
    同名表格。细则修改后请用 qp-eval migrate。

    qp-eval template --year 2024
    qp-eval template --year 2024 --towns
    """
    from ..io.workspace import Workspace
    from ..io.writers.template import write_templates

    r, _ = _load(workspace, year, rubric)
    target = out if out is not None else Workspace(workspace).scores_dir(r.year)
    from .console.intake import print_templates

    run = write_templates(r, target, force=force, towns=towns)
    print_templates(run, _console(), _console(stderr=True))
    if any("已填写" in k.reason for k in run.kept):
        _say(f"评估细则修改后，请运行 qp-eval migrate --year {r.year}，把已填内容转入新表。")
    con = _console()
    idle = [d.name for d in r.departments if not r.criteria_of(d.id)]
    if idle and not towns:
        con.print(f"以下科室在细则中没有评分项，未生成评分表：{'、'.join(idle)}", markup=False)


@app.command("migrate", cls=ZhCommand)
def migrate(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
) -> None:
    """细则修改后（F104）：按新细则重新生成表格，已填内容逐格转入，原文件备份。

    按街镇、细则编号、季度（指标、亮点序号）对应转入得分、扣分说明、指标数值、登记内容和评定等级；
    无法转入的（细则已删除、得分超过新的分值、细则现不适用等）逐条列出原文件和单元格。
    原文件原样移到 scores/<年度>/备份-<日期时间>/，校验和计分不读取该目录。没有改动的表格保持不动。

    qp-eval migrate --year 2024
    """
    from ..io.migrate import migrate as run_migrate

    r, folder = _scores_folder(workspace, year, rubric, "没有可以转换的表格")
    run = run_migrate(r, folder)
    from .console.intake import print_migration

    print_migration(run, _console(), _console(stderr=True))
    if run.refused:
        raise typer.Exit(1)


# --- validate --------------------------------------------------------------------------
@app.command("collect", cls=ZhCommand)
def collect(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
) -> None:
    """把各街镇自评表中的特色亮点填入局办公室的亮点登记表，不必再逐条录入。

    亮点登记表中空着的亮点名称、简介、类型、佐证材料按街镇自评表填入；已录入的内容保持不变
    （与自评表不同的逐条列出），评定等级从不改动。原登记表原样移到 scores/<年度>/备份-<日期时间>/。
    没有需要填入的内容时不写任何文件，重复运行不会改变什么。

    qp-eval collect --year 2024
    """
    from ..io.collect import collect_highlights
    from .console.intake import print_collect

    r, folder = _scores_folder(workspace, year, rubric, "没有可以收集的自评表")
    run = collect_highlights(r, folder)
    print_collect(run, _console(), _console(stderr=True))
    if run.refused:
        raise typer.Exit(1)


@app.command("validate", cls=ZhCommand)
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="文件或目录", help="要检查的文件或目录（递归查找 .xlsx/.xlsm/.xls/.ods）；省略时检查 scores/<年度>/。", show_default=False)] = None,
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    fmt: TableOrJson = "table",
    strict: Annotated[bool, typer.Option("--strict", help="把警告也当作错误。")] = False,
) -> None:
    """逐个单元格检查评分表、指标和登记表。无错误时退出码为 0，有错误时为 1。输入文件不会被修改。

    qp-eval validate --year 2024
    qp-eval validate 下载/2024年度评分表_社会事务科.xlsx
    """
    from ..io.intake import validate_paths
    from ..io.workspace import Workspace
    from .console.findings import print_findings, print_json

    _table_or_json(fmt)
    from ..core.evaluate import completeness

    r, _ = _load(workspace, year, rubric)
    year_dir = Workspace(workspace).scores_dir(r.year)
    if not paths:
        _scores_dir_or_stop(year_dir, r.year)
    targets = list(paths) if paths else [year_dir]
    with _progress() as progress:
        result = validate_paths(r, targets, strict=strict, progress=progress, each_file=SETTINGS["verbose"])
    # the whole year's folder: also what has not arrived (a single file says nothing about the others)
    whole_year = len(targets) == 1 and targets[0].resolve() == year_dir.resolve()
    extra = completeness(r, result) if whole_year else []
    if strict:
        extra = [f.as_error() for f in extra]
    if fmt == "json":
        print_json(result.findings + extra)
    else:
        print_findings(result, _console(), extra=extra, whole_year=whole_year)
    ok = result.ok and not any(f.severity == "error" for f in extra)
    raise typer.Exit(0 if ok else 1)


# --- rank, explain, verify ---------------------------------------------------------------
ScoresOpt = Annotated[
    Path | None, typer.Option("--scores", metavar="目录", help="评分表目录；默认为工作目录下的 scores/<年度>/。", show_default=False)
]
ArchiveOpt = Annotated[
    Path | None, typer.Option("--archive", metavar="文件", help="本年度存档文件；默认为 archive/<年度>.json。", show_default=False)
]
PreviousOpt = Annotated[
    Path | None, typer.Option("--previous", metavar="文件", help="上年度存档文件（用于较上年位次）；默认为 archive/<上一年度>.json。", show_default=False)
]
AllowMissingOpt = Annotated[
    bool, typer.Option("--allow-missing", help="缺少评分表或评分时仍然计分：缺少的按 0 分计并在结果中标注。")
]


def _evaluate(workspace: Path, year: int | None, rubric: Path | None, scores: Path | None,
              previous: Path | None, allow_missing: bool):  # noqa: ANN202
    from ..io.archive import previous_ranks
    from ..io.intake import evaluate_folder
    from ..io.workspace import Workspace
    from .console.findings import print_findings

    r, _ = _load(workspace, year, rubric)
    ws = Workspace(workspace)
    scores_dir = scores if scores is not None else ws.scores_dir(r.year)
    _scores_dir_or_stop(scores_dir, r.year)
    prev, why = previous_ranks(previous if previous is not None else ws.archive_path(r.year - 1), r.year - 1)
    with _progress() as progress:
        ev = evaluate_folder(r, scores_dir, prev, allow_missing=allow_missing, progress=progress, previous_problem=why,
                      each_file=SETTINGS["verbose"])
    err = _console(stderr=True)
    if ev.blocked or (ev.findings and not SETTINGS["quiet"]):
        print_findings(ev.validation, err, shown=ev.findings)
    if ev.blocked:
        missing = any(f.code == "F109" for f in ev.completeness)
        err.print("[red]存在错误，未计分。[/red]请按上表修正后重试"
                  + ("（缺少评分表时可加 --allow-missing 先行计分）。" if missing else "。"))
        raise typer.Exit(1)
    return ev, ws


@app.command("rank", cls=ZhCommand)
def rank(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    archive: ArchiveOpt = None,
    previous: PreviousOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="格式", help="输出格式：table（表格）、json 或 csv。")] = "table",
    save: Annotated[bool, typer.Option("--save", help="把结果、细则指纹和每个输入文件的 SHA-256 存入 archive/<年度>.json。")] = False,
    force: Annotated[bool, typer.Option("--force", help="与 --save 同用：覆盖内容不同的已有存档。")] = False,
) -> None:
    """校验全部输入后计算最终得分，按从高分到低分排出考评位次。有错误时不计分，退出码为 1。

    qp-eval rank --year 2024
    qp-eval rank --year 2024 --save
    qp-eval rank --year 2024 --format csv > 排名.csv
    """
    from ..core import results as out

    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter("只能是 table、json 或 csv", param_hint="--format")
    ev, ws = _evaluate(workspace, year, rubric, scores, previous, allow_missing)
    from .streams import data as write_data

    if fmt == "json":
        write_data(out.to_json(ev))
    elif fmt == "csv":
        write_data("\ufeff" + out.to_csv(ev))  # UTF-8 with a BOM, whatever the locale: a zh-CN Excel opens it
    else:
        from .console.ranking import print_ranking

        print_ranking(ev, _console())
    if save:
        from ..io.archive import archive_text, save_archive

        target = archive if archive is not None else ws.archive_path(ev.rubric.year)
        if not save_archive(target, archive_text(ev, workspace).encode("utf-8"), force):
            _console(stderr=True).print(f"存档 {target} 已存在且内容不同，未覆盖（如需覆盖请加 --force）。", markup=False)
            raise typer.Exit(1)
        _say(f"已存档：{target}")


@app.command("explain", cls=ZhCommand)
def explain(
    unit: Annotated[str, typer.Argument(metavar="街镇", help="街镇名称或简称，如 朱家角。", show_default=False)],
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: TableOrJson = "table",
) -> None:
    """列出某街镇最终得分背后的每一个数：每条细则的得分及来源单元格、指标计算、加分和扣分。

    qp-eval explain 朱家角 --year 2024
    """
    from ..core.explain import explain_unit

    _table_or_json(fmt)
    r, _ = _load(workspace, year, rubric)
    if r.resolve_unit(unit) is None:  # said before any file is read
        raise typer.BadParameter(f"未知的街镇“{unit}”，可用：{'、'.join(r.unit_names())}", param_hint="街镇")
    ev, _ = _evaluate(workspace, r.year, rubric, scores, None, allow_missing)
    unit_id = ev.rubric.resolve_unit(unit)
    assert unit_id is not None
    if fmt == "json":
        import json

        from ..core.explain import explain_data
        from .streams import data as write_data

        write_data(json.dumps(explain_data(ev, unit_id), ensure_ascii=False, indent=2) + "\n")
        return
    ranked, lines = explain_unit(ev, unit_id)
    from .console.ranking import print_explain

    print_explain(ev, ranked, lines, _console())


@app.command("verify", cls=ZhCommand)
def verify(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    archive: ArchiveOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: TableOrJson = "table",
) -> None:
    """按现有输入重新计算，核对存档 archive/<年度>.json 是否仍然一致；列出被修改的输入文件和不一致的结果。

    qp-eval verify --year 2024
    """
    from ..core.verify import differences
    from ..io.archive import archive as archive_of
    from ..io.archive import load_archive

    as_json = _table_or_json(fmt)
    ev, ws = _evaluate(workspace, year, rubric, scores, None, allow_missing)
    target = archive if archive is not None else ws.archive_path(ev.rubric.year)
    saved = load_archive(target, ev.rubric.year)
    diffs = list(differences(saved, archive_of(ev, workspace)))
    if as_json:
        _print_json({"format": "qp-eval-verify/1", "archive": str(target), "consistent": not diffs,
                     "differences": diffs})
        raise typer.Exit(1 if diffs else 0)
    con = _console()
    if not diffs:
        con.print(f"存档 {target} 与现有输入一致：{len(ev.ranking)} 个街镇的结果和 {len(ev.validation.tables.files)} 个输入文件均未变化。", markup=False)
        return
    con.print(f"存档 {target} 与现有输入不一致（{len(diffs)} 处）：", markup=False)
    for d in diffs:
        con.print(f"  - {d}", markup=False)
    raise typer.Exit(1)


# --- report, letters, booklet -----------------------------------------------------------
DateOpt = Annotated[
    str | None, typer.Option("--date", metavar="日期", help="落款和生成日期，格式 YYYY-MM-DD；默认为今天。", show_default=False)
]
REPORT_FORMATS = ("xlsx", "csv", "json", "md", "html")


def _made(date: str | None):  # noqa: ANN202
    import datetime as dt

    if date is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise typer.BadParameter(f"“{date}”不是有效日期，应为 YYYY-MM-DD", param_hint="--date") from None


def _target(out: Path | None, default: Path, force: bool) -> Path:
    from ..io.workspace import output_target

    return output_target(out, default, force)


@app.command("report", cls=ZhCommand)
def report(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    previous: PreviousOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="格式", help="格式：xlsx（默认，提交局长办公会议的工作簿）、csv、json、md 或 html。")] = "xlsx",
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="文件", help="输出文件；默认写入 reports/<年度>/。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 --out 指定的已有文件。")] = False,
    date: DateOpt = None,
) -> None:
    """生成评估结果报告：排名（含图表）、分项得分、科室评分、加减分、差距跟进、溯源。

    qp-eval report --year 2024
    qp-eval report --year 2024 --format html --out 评估结果.html
    """
    if fmt not in REPORT_FORMATS:
        raise typer.BadParameter("只能是 " + "、".join(REPORT_FORMATS), param_hint="--format")
    if out is not None and out.suffix.lower() != f".{fmt}":
        raise typer.BadParameter(f"文件扩展名 {out.suffix or '（无）'} 与 --format {fmt} 不符；"
                                 f"请改为 .{fmt}，或用 --format 指定与扩展名相同的格式", param_hint="--out")
    made = _made(date)
    ev, ws = _evaluate(workspace, year, rubric, scores, previous, allow_missing)
    default = ws.reports_dir(ev.rubric.year) / f"{ev.rubric.year}年度民政工作综合评估结果.{fmt}"
    target = _target(out, default, force)
    if fmt == "xlsx":
        from ..io.writers.report_xlsx import write

        write(ev, target, made)
        written = [target]
    else:
        from ..io.writers.report_text import write_text_report

        written = write_text_report(ev, fmt, target, made)
    for path in written:
        _say(f"已生成报告：{path}")


@app.command("letters", cls=ZhCommand)
def letters(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    allow_missing: AllowMissingOpt = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="目录", help="输出目录；默认为 reports/<年度>/函告/。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 --out 目录中已有的同名函告。")] = False,
    date: DateOpt = None,
    number: Annotated[str, typer.Option("--number", metavar="文号", help="发文字号，如 青民函〔2024〕12号；省略时函中留“〔发文字号〕”待填。",
                                        show_default=False)] = "",
) -> None:
    """为每个街镇生成评估结果函（.docx，按党政机关公文格式排版）：位次、得分、等次、强弱项目、扣分及原因、跟进事项。

    qp-eval letters --year 2024 --number "青民函〔2024〕12号" --date 2024-12-31
    """
    from ..io.workspace import output_folder
    from ..io.writers.letters import letter_file_name, write_letters

    made = _made(date)
    ev, ws = _evaluate(workspace, year, rubric, scores, None, allow_missing)
    names = [letter_file_name(ev.rubric.year, ev.rubric.unit[x.unit_id].name) for x in ev.ranking]
    folder = output_folder(out, ws.reports_dir(ev.rubric.year) / "函告", names, force)
    written = write_letters(ev, folder, made, number.strip())
    _say(f"已生成 {len(written)} 份函告：{folder}")


@app.command("booklet", cls=ZhCommand)
def booklet(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    allow_missing: AllowMissingOpt = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="文件", help="输出文件；默认为 reports/<年度>/ 下的亮点汇编。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 --out 指定的已有文件。")] = False,
    date: DateOpt = None,
) -> None:
    """把各街镇的特色亮点工作汇编成册（.docx），每个街镇一章。

    qp-eval booklet --year 2024
    """
    from ..io.writers.letters import write_booklet

    if out is not None and out.suffix.lower() != ".docx":
        raise typer.BadParameter(f"亮点汇编是 Word 文档，文件扩展名应为 .docx（现为 {out.suffix or '无'}）",
                                 param_hint="--out")
    made = _made(date)
    ev, ws = _evaluate(workspace, year, rubric, scores, None, allow_missing)
    default = ws.reports_dir(ev.rubric.year) / f"{ev.rubric.year}年度民政特色亮点工作汇编.docx"
    target = _target(out, default, force)
    write_booklet(ev, target, made)
    _say(f"已生成亮点汇编：{target}")


# --- init, status --------------------------------------------------------------------
@app.command("init", cls=ZhCommand)
def init(
    folder: Annotated[Path, typer.Argument(metavar="目录", help="新工作目录；默认为当前目录。")] = Path("."),
    year: Annotated[int, typer.Option("--year", "-y", metavar="年度", help="新的评估年度，如 2025。")] = ...,  # type: ignore[assignment]
    from_year: Annotated[int | None, typer.Option("--from", metavar="年度", help="复制哪一年度的评估细则；默认为上一年度。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="重新建立：原细则文件先备份；空白评分表重新生成，已填写的不覆盖。")] = False,
) -> None:
    """建立新年度的工作目录：复制并顺延评估细则，建立 scores、archive、reports 目录，生成空白评分表。

    qp-eval init 2025年度 --year 2025
    """
    from ..io.newyear import start_year
    from .console.intake import print_new_year

    print_new_year(start_year(folder, year, from_year, force), _console())


@app.command("status", cls=ZhCommand)
def status(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    date: Annotated[str | None, typer.Option("--date", metavar="日期", help="按哪一天计算距截止日期的天数，格式 YYYY-MM-DD；默认为今天。",
                                             show_default=False)] = None,
    fmt: TableOrJson = "table",
) -> None:
    """各科室评分表和两张登记表（以及街镇自评表）的收齐情况：是否收到、是否有错、填写进度、最后修改时间、距截止日期天数。有缺失或错误时退出码为 1。

    qp-eval status --year 2024
    qp-eval status --year 2024 --date 2024-12-01
    """
    from ..core.status import status_data, status_rows, strays_of
    from ..core.validate import Result
    from ..io.intake import validate_paths
    from ..io.workspace import Workspace

    as_json = _table_or_json(fmt)
    today = _made(date)
    r, _ = _load(workspace, year, rubric)
    folder = scores if scores is not None else Workspace(workspace).scores_dir(r.year)
    result = validate_paths(r, [folder], each_file=SETTINGS["verbose"]) if folder.exists() else Result()
    rows = status_rows(r, result, today)
    strays = strays_of(result, rows)
    if as_json:
        data = status_data(r.year, today, str(folder), rows, strays)
        _print_json(data)
        raise typer.Exit(0 if data["complete"] else 1)
    from .console.intake import print_status

    title = f"{r.year} 年度收齐情况（{today.isoformat()}，目录 {folder}）"
    if not print_status(rows, strays, title, _console()):
        raise typer.Exit(1)


def main() -> None:
    """Entry point: runs the app. Usage errors are shown in Chinese (exit 2), a QpError once in Chinese
    (exit 2), Ctrl-C ends quietly with 130 and SIGTERM with 143 (temporary files removed), and nothing
    else reaches the user as a traceback."""
    from . import streams

    streams.utf8_mode()
    # A short-lived process that makes ~10^5 small objects per 1,000 towns: the default
    # collector thresholds made reading superlinear (benchmarks/RESULTS.md). Collect less often.
    gc.set_threshold(100_000, 50, 100)
    command = typer.main.get_command(app)

    def say(text: str) -> None:
        from ..core.text import terminal_safe

        sys.stderr.write(terminal_safe(text) + "\n")

    import time

    streams.prepare()  # any encoding (a GBK redirect, an ASCII locale), and a closed stdout or stderr
    started = time.perf_counter()
    scratch = _private_tempdir()
    signal.signal(signal.SIGTERM, _terminated)
    if not os.environ.get("QP_EVAL_DEBUG"):  # a library's half-written zip closed by the collector after a write
        sys.unraisablehook = lambda unraisable: None  # failure (disk full) would print a traceback; it was said
    try:
        _run(command, say, started)
    finally:  # every temporary file, ours or a library's, goes with the run: after an error, Ctrl-C or SIGTERM
        tempfile.tempdir = None
        shutil.rmtree(scratch, ignore_errors=True)


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that every ``finally`` (temporary files) runs."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def _private_tempdir() -> str:
    """A temporary folder of this run for everything that libraries write aside (openpyxl's sheets,
    xlsxwriter's rows in constant-memory mode); removed when the run ends, however it ends."""
    scratch = tempfile.mkdtemp(prefix="qp-eval-")
    tempfile.tempdir = scratch
    return scratch


def _run(command: typer_click.Command, say: Callable[[str], None], started: float) -> None:
    from .streams import StreamClosed, kept_diagnostics, silence_stdout, stdout_closed

    try:
        code = _main(command, say, started)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except StreamClosed:  # the result had nowhere to go
        say("标准输出已关闭，结果无法输出（在计划任务中运行时，请把输出重定向到文件，如 > 结果.txt）。")
        code = 2
    except BrokenPipeError:  # the program reading our output has ended (qp-eval rank | head)
        silence_stdout()
        say("输出管道已关闭（读取输出的程序已结束），其余结果未写出。")
        code = 2
    kept = kept_diagnostics()
    if code and kept and not stdout_closed():  # stderr was closed: what went wrong is said on stdout
        try:
            sys.stdout.write(kept)
            sys.stdout.flush()
        except OSError:
            pass
    sys.exit(code)


def _main(command: typer_click.Command, say: Callable[[str], None], started: float) -> int:
    import time

    from .help import show_usage_error
    from .streams import StreamClosed

    try:
        code = command.main(prog_name="qp-eval", standalone_mode=False)
    except typer_click.UsageError as e:
        show_usage_error(e, say)
        sys.exit(2)
    except typer.Abort:
        say("已取消。")
        sys.exit(1)
    except KeyboardInterrupt:
        code = 130
    except Terminated:
        say("已终止（收到结束信号）。正在写的文件没有留下：每个输出都是写完后才换上的。")
        sys.exit(143)
    except QpError as e:
        _console(stderr=True).print(str(e), markup=False)
        sys.exit(2)
    except (StreamClosed, BrokenPipeError):
        raise  # the streams themselves: said by ``_run``
    except OSError as e:  # a file or folder the system refused, met outside the writers (they say WriteFailure)
        from ..io.oserrors import os_reason

        where = f" {e.filename}" if e.filename else ""
        _console(stderr=True).print(f"无法访问{where}：{os_reason(e, writing=False)}。", markup=False)
        sys.exit(2)
    except Exception as e:  # never a traceback for the office staff
        if os.environ.get("QP_EVAL_DEBUG"):
            raise
        _console(stderr=True).print(
            f"qp-eval 内部错误：{type(e).__name__}: {e}\n请把这条信息和所用的文件交给维护人员（设置 QP_EVAL_DEBUG=1 可看到详细信息）。",
            markup=False,
        )
        sys.exit(2)
    if code == 130:
        say("已中断（Ctrl-C）。正在写的文件没有留下：每个输出都是写完后才换上的。")
    elif SETTINGS["verbose"]:
        say(f"用时 {time.perf_counter() - started:.1f} 秒。")
    sys.exit(code if isinstance(code, int) else 0)
