"""``qp-eval rubric check`` and ``qp-eval rubric show``."""

from pathlib import Path
from typing import Annotated

import typer

from ...core.errors import RubricError, WorkspaceError
from .. import common, runtime
from ..options import RubricOpt, TableFormat, TableOrJson, WorkspaceOpt, YearOpt


def check(
    file: Annotated[Path | None, typer.Argument(metavar="细则文件", help="要检查的评估细则 YAML 文件；省略时检查当前年度的细则。", show_default=False)] = None,
    workspace: WorkspaceOpt = Path("."),
    year: YearOpt = None,
) -> None:
    """检查评估细则：键名、引用、分值合计、量化规则、日期、等次分数段。无误时退出码为 0，有问题时为 1。

    细则文字中提到的年份既不是本年度也不是上一年度时给出警告（R024，列出行号），退出码仍为 0。

    qp-eval rubric check --year 2024
    qp-eval rubric check rubric/2025.yaml
    """
    from ...io.rubric_file import load_rubric, rubric_warnings  # defers pydantic and PyYAML
    from ...io.workspace import Workspace
    from ..console.rubric import print_notes, print_passed, print_problems

    if file is not None and not file.exists():  # nothing to check: the command cannot run (exit 2)
        raise WorkspaceError(f"找不到评估细则文件 {file}。")
    path = file if file is not None else Workspace(workspace).rubric_path(common.year_of(workspace, year))
    try:
        r = load_rubric(path)
    except RubricError as e:
        print_problems(e.findings, runtime.console(stderr=True))
        raise typer.Exit(1) from None
    notes = rubric_warnings(path, r)
    print_passed(r, str(path), runtime.console(), len(notes))
    print_notes(notes, runtime.console(stderr=True))


def show(
    workspace: WorkspaceOpt = Path("."),
    year: YearOpt = None,
    rubric: RubricOpt = None,
    fmt: TableOrJson = TableFormat.table,
) -> None:
    """显示评估细则：科室 → 项目 → 细则及分值，然后是合计与各项政策。

    qp-eval rubric show --year 2024
    """
    r, path = common.load(workspace, year, rubric)
    if fmt is TableFormat.json:
        from ...core.rubric import rubric_data

        runtime.print_json(rubric_data(r, str(path)))
        return
    from ..console.rubric import render_rubric

    render_rubric(r, str(path), runtime.console())
