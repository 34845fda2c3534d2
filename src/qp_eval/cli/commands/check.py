"""``qp-eval validate``: every input checked down to the cell."""

from pathlib import Path
from typing import Annotated

import typer

from .. import common, runtime
from ..help import get_current_context
from ..options import RubricOpt, TableFormat, TableOrJson, WorkspaceOpt, YearOpt

FINDINGS = "qp_eval.validate_findings"


def validate(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="文件或目录", help="要检查的文件或目录（递归查找 .xlsx/.xlsm/.xls/.ods）；省略时检查 scores/<年度>/。", show_default=False)] = None,
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    fmt: TableOrJson = TableFormat.table,
    strict: Annotated[bool, typer.Option("--strict", help="把警告也当作错误。")] = False,
) -> None:
    """逐个单元格检查评分表、指标和登记表。无错误时退出码为 0，有错误时为 1。输入文件不会被修改。

    qp-eval validate --year 2024
    qp-eval validate 下载/2024年度评分表_社会事务科.xlsx
    """
    from ...core.evaluate import check
    from ...io.intake import validate_paths  # defers python-calamine
    from ...io.workspace import Workspace
    from ..console.findings import print_findings, print_json

    r, _ = common.load(workspace, year, rubric)
    year_dir = Workspace(workspace).scores_dir(r.year)
    if not paths:
        common.scores_dir_or_stop(year_dir, r.year)
    targets = list(paths) if paths else [year_dir]
    with runtime.progress() as progress:
        result = validate_paths(r, targets, strict=strict, progress=progress, each_file=runtime.settings().verbose,
                                jobs=runtime.settings().jobs)
    whole_year = len(targets) == 1 and targets[0].resolve() == year_dir.resolve()
    verdict = check(r, result, whole_year, strict)
    ctx = get_current_context(silent=True)
    if ctx is not None:  # for ``run``, which says the next steps once, after the marked copies
        ctx.meta[FINDINGS] = verdict.findings
    if fmt is TableFormat.json:
        print_json(verdict.findings)
    else:
        print_findings(result, runtime.console(), extra=verdict.missing, whole_year=whole_year)
        if whole_year:
            from ...core.advice import after_validate
            from ..console import print_next

            print_next(after_validate(r.year, verdict.findings), runtime.console())
    raise typer.Exit(verdict.return_code)
