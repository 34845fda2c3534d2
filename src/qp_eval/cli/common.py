"""What many commands do first: find the year and its rubric in the workspace, the scores folder, and
the year's evaluation (with its findings shown when they matter)."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import WorkspaceError
from . import runtime


def year_of(workspace: Path, year: int | None) -> int:
    """The year asked for; when none was, the workspace's latest, said on stderr (stdout may be data)."""
    from ..io.workspace import Workspace

    ws = Workspace(workspace)
    chosen = ws.year(year)
    if year is None:
        own = ws.has_years()
        runtime.say(f"未指定 --year，使用{'工作目录中最新的' if own else ' qp-eval 自带细则的'} {chosen} 年度。")
    return chosen


def load(workspace: Path, year: int | None, rubric: Path | None):  # noqa: ANN201 - (Rubric, its path)
    from ..io.rubric_file import load_rubric  # defers pydantic and PyYAML (the rubric's model and parser)
    from ..io.workspace import Workspace

    path = rubric if rubric is not None else Workspace(workspace).rubric_path(year_of(workspace, year))
    return load_rubric(path), path


def scores_dir_or_stop(folder: Path, year: int) -> None:
    """A year's scores folder that is not there stops every command the same way (exit 2)."""
    if not folder.is_dir():
        raise WorkspaceError(f"找不到评分表目录 {folder}。请先运行 qp-eval template --year {year}，"
                             "收齐评分表后放入该目录，或用 --scores 指定。")


def scores_folder(workspace: Path, year: int | None, rubric: Path | None, nothing: str):  # noqa: ANN201
    """(rubric, scores/<year>/) for a command that changes files there; WorkspaceError when it is absent."""
    from ..io.workspace import Workspace

    r, _ = load(workspace, year, rubric)
    folder = Workspace(workspace).scores_dir(r.year)
    if not folder.is_dir():
        raise WorkspaceError(f"找不到评分表目录 {folder}，{nothing}。")
    return r, folder


def evaluation(workspace: Path, year: int | None, rubric: Path | None, scores: Path | None,
               previous: Path | None, allow_missing: bool, loaded=None):  # noqa: ANN001, ANN201 - (Evaluation, Workspace)
    """The year evaluated. When errors stop it, they are shown in full on stderr (exit 1); otherwise the
    year's warnings are one line, said after the command's own output (``validate`` lists them).
    ``loaded``: the rubric when the command has it already."""
    from ..core.advice import BEARING, after_validate
    from ..io.archive import previous_ranks
    from ..io.intake import evaluate_folder  # defers python-calamine (and the checks)
    from ..io.workspace import Workspace
    from .console import print_next
    from .console.findings import print_blocked, print_findings

    r = loaded if loaded is not None else load(workspace, year, rubric)[0]
    ws = Workspace(workspace)
    scores_dir = scores if scores is not None else ws.scores_dir(r.year)
    scores_dir_or_stop(scores_dir, r.year)
    prev, why = previous_ranks(previous if previous is not None else ws.archive_path(r.year - 1), r.year - 1)
    with runtime.progress() as progress:
        ev = evaluate_folder(r, scores_dir, prev, allow_missing=allow_missing, progress=progress, previous_problem=why,
                             jobs=runtime.settings().jobs,
                             each_file=runtime.settings().verbose)
    err = runtime.console(stderr=True)
    if ev.blocked:
        errors = [f for f in ev.findings if f.severity == "error"]
        print_findings(ev.validation, err, shown=errors, summary=False)
        print_blocked(ev, err)
        print_next(after_validate(r.year, ev.findings), err)
        _warnings_line(ev.findings, r.year, workspace)
    else:
        from .help import get_current_context

        ctx = get_current_context(silent=True)
        if ctx is not None and ctx.meta.get(_SAID):  # ``run``: each step evaluates the year; said once
            runtime.exit_with(ev.return_code)
            return ev, ws
        bearing = [f for f in ev.findings if f.code in BEARING]
        if bearing and not runtime.settings().quiet:
            print_findings(ev.validation, err, shown=bearing, summary=False)
        rest = [f for f in ev.findings if f.code not in BEARING]
        if ctx is not None:  # after what the command was asked for
            ctx.meta[_SAID] = True
            ctx.call_on_close(lambda: _warnings_line(rest, r.year, workspace))
    runtime.exit_with(ev.return_code)
    return ev, ws


_SAID = "qp_eval.warnings_said"  # the year's bearing warnings and its warnings line, once a command


def _warnings_line(findings: list, year: int, workspace: Path) -> None:  # noqa: ANN001
    n = sum(f.count for f in findings if f.severity == "warning")
    if n:
        runtime.say(f"另有 {n} 条警告，运行 qp-eval validate --year {year}{in_workspace(workspace)} 查看。")


def in_workspace(workspace: Path) -> str:
    """`` -w <目录>`` for a command said to be run next, when the workspace is not the current folder."""
    if Path(workspace) == Path("."):
        return ""
    shown = str(workspace)
    return f' -w "{shown}"' if " " in shown else f" -w {shown}"


def analysis(ev, workspace: Path):  # noqa: ANN001, ANN201 - (Evaluation) -> core.analysis_view.Analysis | None
    """The year's sensitivity and trend for the report and the brief (numpy and pandas, imported here):
    None when nothing was ranked. Earlier years come from the workspace's archive/ (one that cannot be
    relied on is left out, and said)."""
    return analysis_to_make(ev, workspace)()


def analysis_to_make(ev, workspace: Path):  # noqa: ANN001, ANN201 - (Evaluation) -> () -> Analysis | None
    """``analysis``, the earlier archives read and what is wrong with them said now, the computation
    itself (pure: it reads and says nothing) left to the function given back (``io.parallel.aside``)."""
    if len(ev.ranking) < 2:
        return lambda: None
    from ..core.analysis import analyse
    from ..io.archive import archives_in

    earlier, problems = archives_in([Path(workspace) / "archive"], before=ev.rubric.year) if (Path(workspace) / "archive").is_dir() else ([], [])
    for p in problems:
        runtime.say(f"注意：{p}，历年趋势中不含该年度。")
    return lambda: analyse(ev, earlier)
