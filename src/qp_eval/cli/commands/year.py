"""The year in one command: ``run`` takes the office's standard path, each step by the code of its own
command; ``demo`` copies the example year shipped in the package into a folder and runs it there."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from .. import common, runtime
from ..options import DateOpt, WorkspaceOpt, YearOpt, made
from . import check, documents, intake, results

NumberOpt = Annotated[str, typer.Option("--number", metavar="文号", help="函告的发文字号，如 青民函〔2024〕12号；省略时函中留“〔发文字号〕”待填。",
                                        show_default=False)]


@dataclass(frozen=True)
class Dates:
    """The date each document carries: the report and the brief before the meeting, the letters and the
    booklet after it (``run`` gives them all one date; the demo the example year's own)."""

    before: dt.date
    after: dt.date


def run(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    date: DateOpt = None,
    number: NumberOpt = "",
) -> None:
    """按常规顺序做完一年的工作：collect → validate → rank --save → report → brief → letters（已登记审议决定时）→ booklet。

    每一步与单独运行该命令相同。校验有错误时，把标出问题的复制件写入 reports/<年度>/退回/ 并停止（退出码 1），
    改正后再运行一次即可；最后列出写了哪些文件和下一步。

    qp-eval run --year 2024
    qp-eval run --year 2024 --number "青民函〔2024〕12号" --date 2025-01-10
    """
    when = made(date)
    run_year(workspace, common.year_of(workspace, year), Dates(when, when), number.strip())


def demo(
    folder: Annotated[Path | None, typer.Argument(metavar="目录", help="复制示例年度的目录；省略时为当前目录下的 qp-eval-示例。",
                                                  show_default=False)] = None,
) -> None:
    """复制随工具提供的 2024 年度示例（11 个街镇、7 个科室，数据均为虚构）到一个新目录，并在其中做完一年的工作。

    不联网，在任何装有 Python 的电脑上都可以运行；最后列出每个输出文件的位置。再次运行时整个替换上次的示例目录。

    qp-eval demo
    qp-eval demo 评估示例
    """
    from ...core.names import DEMO_FOLDER
    from ...io.demo import copy_example

    target = folder if folder is not None else Path(DEMO_FOLDER)
    replaced = copy_example(target)
    runtime.say(f"已{'重新' if replaced else ''}复制示例年度到 {target.resolve()}")
    run_year(target, 2024, Dates(dt.date(2025, 1, 3), dt.date(2025, 1, 10)), "", demo=True)
    out = runtime.console()
    for line in (*DEMO_NOTES, f"可以在示例目录上接着试其他命令，如：qp-eval explain 朱家角 --year 2024{common.in_workspace(target)}"):
        out.print(line, markup=False)


DEMO_NOTES = (
    "示例说明：2025年1月6日局长办公会议的决定登记在 scores/2024/审议决定.xlsx：朱家角镇调整 +0.5 分，审定为优秀。",
    "各街镇自评表在 scores/2024/自评/；白鹤镇未报告已登记的问题，重固镇少报一个亮点（上面的一条警告）。",
)


def run_year(workspace: Path, year: int, dates: Dates, number: str, demo: bool = False) -> None:
    """The steps in order; the first that fails ends the run with its exit code (validate's errors:
    the marked copies first)."""
    from ...core.advice import after_run
    from ...core.decisions import DECIDED
    from ...core.names import RETURNS_FOLDER
    from ...io.archive import saved_status
    from ...io.workspace import Workspace
    from ..console import STEPS_OWN_NEXT, print_next
    from ..help import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[STEPS_OWN_NEXT] = True
    ws = Workspace(workspace)
    where = common.in_workspace(workspace)  # the commands said next name the workspace when it is elsewhere
    before = _files(ws, year)
    common_args = {"year": year, "workspace": workspace}
    _step("收集自评表中的亮点", f"qp-eval collect --year {year}", intake.collect, **common_args)
    if _step("校验", f"qp-eval validate --year {year}", check.validate, **common_args, paths=None):
        _step("退回有错误的表格", f"qp-eval return --year {year}", intake.return_, **common_args,
              date=dates.before.isoformat())
        from ...core.advice import RETURN_STEP, after_validate

        runtime.console(stderr=True).print("校验发现错误，未计分；后面的步骤未运行。", markup=False)
        _written(ws, year, before)
        found = ctx.meta.get(check.FINDINGS, []) if ctx is not None else []
        steps = [s for s in after_validate(year, found) if RETURN_STEP not in s]
        if (ws.reports_dir(year) / RETURNS_FOLDER).is_dir():
            steps.insert(0, f"把 reports/{year}/{RETURNS_FOLDER}/ 中标出问题的复制件发回填表的科室或街镇")
        steps.append(f"改正的表格放回 scores/{year}/ 中原文件的位置后，再运行一次：qp-eval run --year {year}{where}")
        print_next(steps, runtime.console(), final=True)
        raise typer.Exit(1)
    archive = ws.archive_path(year)
    provisional = saved_status(archive, year) not in (None, DECIDED)  # saved before the meeting: replaced, kept aside
    if _step("计分排名并存档", f"qp-eval rank --year {year} --save", results.rank, **common_args, save=True,
             force=provisional):
        why = "是审定后保存的，与现在的结果不同，未覆盖" if saved_status(archive, year) == DECIDED else "未能更新"
        runtime.console(stderr=True).print(
            f"存档 {archive} {why}；后面的步骤未运行。查看哪些输入和结果变了：qp-eval verify --year {year}{where}",
            markup=False)
        raise typer.Exit(1)
    day = dates.before.isoformat()
    failed = _step("评估结果工作簿", f"qp-eval report --year {year}", documents.report, **common_args, date=day)
    failed |= _step("审议稿", f"qp-eval brief --year {year}", documents.brief, **common_args, date=day)
    decided = saved_status(archive, year) == DECIDED
    later = dates.after.isoformat()
    if decided:
        failed |= _step("函告", f"qp-eval letters --year {year}", documents.letters, **common_args, date=later,
                        number=number)
    else:
        runtime.console().print(f"—— 函告：尚未登记局长办公会议的审议决定（scores/{year}/审议决定.xlsx），会后再生成。",
                                markup=False)
    failed |= _step("亮点汇编", f"qp-eval booklet --year {year}", documents.booklet, **common_args, date=later)
    _written(ws, year, before)
    if not demo:
        print_next(after_run(year, decided, bool(number), where), runtime.console(), final=True)
    runtime.exit_with(1 if failed else 0)  # a document that was not written is no success


def _step(title: str, command: str, function: Callable[..., None], **arguments: object) -> int:
    """One step by its command's own function; its exit code (0 when it ended normally). A step that
    stops the whole run (a missing folder, a file that cannot be written) ends it as the command would."""
    if not runtime.settings().quiet:
        runtime.console().print(f"—— {title}：{command}", markup=False)
    try:
        function(**arguments)
    except typer.Exit as e:  # the command's own ending (exit_with)
        return e.exit_code
    return 0


def _files(ws, year: int) -> dict[Path, tuple[int, int]]:  # noqa: ANN001 - a Workspace
    """What ``run`` may write: the year's reports, archive and registers (not what was set aside)."""
    from ...core.names import BACKUP_PREFIX

    found: dict[Path, tuple[int, int]] = {}
    for folder, deep in ((ws.reports_dir(year), True), (ws.archive_path(year).parent, False), (ws.scores_dir(year), False)):
        if not folder.is_dir():
            continue
        for p in folder.rglob("*") if deep else folder.iterdir():
            if p.is_file() and not p.name.startswith(".") and not any(x.startswith(BACKUP_PREFIX) for x in p.parts):
                st = p.stat()
                found[p] = (st.st_mtime_ns, st.st_size)
    return found


def _written(ws, year: int, before: dict[Path, tuple[int, int]]) -> None:  # noqa: ANN001
    """The files the run wrote or changed, a folder of many (the letters, the marked copies) as one line."""
    now = _files(ws, year)
    changed = sorted(p for p, seen in now.items() if before.get(p) != seen)
    if not changed:
        return
    out = runtime.console()
    out.print(f"已写入（工作目录 {ws.root.resolve()}）：", markup=False)
    own = {ws.reports_dir(year), ws.archive_path(year).parent, ws.scores_dir(year)}
    folders: dict[Path, list[Path]] = {}
    for p in changed:
        folders.setdefault(p.parent, []).append(p)
    for folder, files in folders.items():
        if folder not in own and len(files) > 3:  # the letters, the marked copies: a folder of one kind
            out.print(f"  {_shown(ws, folder)}/（{len(files)} 个文件）", markup=False)
        else:
            for p in files:
                out.print(f"  {_shown(ws, p)}", markup=False)


def _shown(ws, path: Path) -> str:  # noqa: ANN001
    try:
        return path.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(path)
