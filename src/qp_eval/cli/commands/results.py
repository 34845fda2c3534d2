"""The year's results: ``rank``, ``explain`` and ``verify``."""

from pathlib import Path
from typing import Annotated

import typer

from .. import common, runtime
from ..options import (
    AllowMissingOpt,
    ArchiveOpt,
    PreviousOpt,
    RankFormat,
    RubricOpt,
    ScoresOpt,
    TableFormat,
    TableOrJson,
    WorkspaceOpt,
    YearOpt,
)


def rank(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    archive: ArchiveOpt = None,
    previous: PreviousOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: Annotated[RankFormat, typer.Option("--format", "-f", metavar="格式", help="输出格式：table（表格）、json 或 csv。")] = RankFormat.table,
    save: Annotated[bool, typer.Option("--save", help="把结果、细则指纹和每个输入文件的 SHA-256 存入 archive/<年度>.json。")] = False,
    force: Annotated[bool, typer.Option("--force", help="与 --save 同用：覆盖内容不同的已有存档（原存档先备份到 archive/备份-<日期时间>/）。")] = False,
) -> None:
    """校验全部输入后计算最终得分，按从高分到低分排出考评位次。有错误时不计分，退出码为 1。

    qp-eval rank --year 2024
    qp-eval rank --year 2024 --save
    qp-eval rank --year 2024 --format csv > 排名.csv
    """
    from ...core import results
    from .. import streams

    ev, ws = common.evaluation(workspace, year, rubric, scores, previous, allow_missing)
    if fmt is RankFormat.json:
        streams.data(results.to_json(ev))
    elif fmt is RankFormat.csv:
        streams.data("\ufeff" + results.to_csv(ev))  # UTF-8 with a BOM, whatever the locale: a zh-CN Excel opens it
    else:
        from ..console.ranking import print_ranking  # defers rich

        print_ranking(ev, runtime.console())
    if save:
        from ...io.archive import archive_pieces, save_archive

        target = archive if archive is not None else ws.archive_path(ev.rubric.year)
        written, kept = save_archive(target, archive_pieces(ev, workspace), force)
        if not written:
            runtime.console(stderr=True).print(f"存档 {target} 已存在且内容不同，未覆盖（如需覆盖请加 --force）。", markup=False)
            raise typer.Exit(1)
        runtime.say(f"已存档：{target}" + (f"（原存档已备份到 {kept}）" if kept else ""))


def explain(
    unit: Annotated[str, typer.Argument(metavar="街镇", help="街镇名称或简称，如 朱家角。", show_default=False)],
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: TableOrJson = TableFormat.table,
) -> None:
    """列出某街镇最终得分背后的每一个数：每条细则的得分及来源单元格、指标计算、加分和扣分。

    qp-eval explain 朱家角 --year 2024
    """
    from ...core.explain import explain_data, explain_unit

    r, _ = common.load(workspace, year, rubric)
    unit_id = r.resolve_unit(unit)
    if unit_id is None:  # said before any file is read
        raise typer.BadParameter(f"未知的街镇“{unit}”，可用：{'、'.join(r.unit_names())}", param_hint="街镇")
    ev, _ = common.evaluation(workspace, r.year, rubric, scores, None, allow_missing, loaded=r)
    if fmt is TableFormat.json:
        runtime.print_json(explain_data(ev, unit_id))
        return
    from ..console.ranking import print_explain  # defers rich

    ranked, lines = explain_unit(ev, unit_id)
    print_explain(ev, ranked, lines, runtime.console())


def verify(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    archive: ArchiveOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: TableOrJson = TableFormat.table,
) -> None:
    """按现有输入重新计算，核对存档 archive/<年度>.json 是否仍然一致；列出被修改的输入文件和不一致的结果。

    qp-eval verify --year 2024
    """
    from ...core.verify import Verification, input_differences, result_differences
    from ...io.archive import archive as archive_of
    from ...io.archive import load_archive

    ev, ws = common.evaluation(workspace, year, rubric, scores, None, allow_missing)
    target = archive if archive is not None else ws.archive_path(ev.rubric.year)
    saved = load_archive(target, ev.rubric.year)
    now = archive_of(ev, workspace, compared_only=True)
    found = Verification(str(target), list(input_differences(saved, now)), list(result_differences(saved, now)))
    if fmt is TableFormat.json:
        runtime.print_json(found.to_data())
    else:
        from ..console.ranking import print_verification  # defers rich

        print_verification(found, ev, runtime.console())
    runtime.exit_with(found.return_code)
