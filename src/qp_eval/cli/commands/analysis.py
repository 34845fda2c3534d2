"""How firm the ranking is and how the towns move over the years: ``sensitivity`` and ``trend``.

numpy (and pandas for ``trend``) are imported inside these commands only: ``--help`` and ``rank`` never
pay for them (tests/test_sensitivity_cli.py checks it)."""

from pathlib import Path
from typing import Annotated

import typer

from .. import common, runtime
from ..options import AllowMissingOpt, RankFormat, RubricOpt, ScoresOpt, WorkspaceOpt, YearOpt


def sensitivity(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    allow_missing: AllowMissingOpt = False,
    spread: Annotated[float, typer.Option("--spread", metavar="百分比",
                                          help="各项目分值上下变动的幅度（%），0.1–90，默认 ±20%。")] = 20.0,
    samples: Annotated[int, typer.Option("--samples", metavar="次数",
                                         help="随机抽样次数，10–1000000，默认 10000。")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", metavar="种子", help="随机种子（不小于 0 的整数）：同样的种子得出同样的结果。")] = 1,
    fmt: Annotated[RankFormat, typer.Option("--format", "-f", metavar="格式",
                                            help="输出格式：table（表格）、json 或 csv。")] = RankFormat.table,
) -> None:
    """位次有多稳：各项目分值稍作变动时，排名会不会变（方法见 docs/sensitivity.md）。

    列出相邻位次（和等次分界两侧）的两个街镇之间，从一个项目移多少分到另一个项目即互换位次；
    各项目分值在 ±--spread 内随机变动时每个街镇的位次范围、保持原位次的比例和各等次的概率；
    以及每个项目单独变动时有多少个街镇位次改变。

    qp-eval sensitivity --year 2024
    qp-eval sensitivity --year 2024 --spread 10 --format csv > 稳定性.csv
    """
    import gc

    for name, value, low, high in (("--spread", spread, 0.1, 90), ("--samples", samples, 10, 1_000_000),
                                   ("--seed", seed, 0, 2**63 - 1)):
        if not low <= value <= high:  # said before any file is read
            said = [f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in (low, high, value)]
            raise typer.BadParameter(f"应在 {said[0]} 到 {said[1]} 之间，现为 {said[2]}", param_hint=name)

    from ...core.sensitivity import basis
    from ...core.sensitivity import sensitivity as analyse  # defers numpy
    from ...core.sensitivity_view import to_csv, to_data

    ev, _ = common.evaluation(workspace, year, rubric, scores, None, allow_missing)
    arrays = basis(ev)
    del ev  # the sheets' tables are not needed any more: at 40,000 towns they are most of the memory
    gc.collect()
    found = analyse(arrays, spread / 100, samples, seed)
    _emit(fmt, lambda: to_data(found), lambda: to_csv(found), "print_sensitivity", found)


def trend(
    workspace: WorkspaceOpt = Path("."),
    archive: Annotated[list[Path] | None, typer.Option("--archive", metavar="目录",
                                                       help="另外读取该目录中的 <年度>.json 存档（可以写多次）；工作目录的 archive/ 总会读取。",
                                                       show_default=False)] = None,
    fmt: Annotated[RankFormat, typer.Option("--format", "-f", metavar="格式",
                                            help="输出格式：table（表格）、json 或 csv。")] = RankFormat.table,
) -> None:
    """历年趋势：按各年度存档 archive/<年度>.json 列出每个街镇历年的最终得分、位次和等次，各项目的全区平均得分率，
    相邻年度的位次相关系数，以及连续三年上升或下降的街镇。

    存档由 qp-eval rank --save 写入；本年度未存档时不在其中。

    qp-eval trend
    qp-eval trend --archive 旧存档 --format csv > 历年趋势.csv
    """
    from ...core.errors import WorkspaceError
    from ...core.trend import trend as over_years  # defers pandas
    from ...core.trend_view import to_csv, to_data
    from ...io.archive import archives_in

    folders = [Path(workspace) / "archive", *(archive or [])]
    found, problems = archives_in(folders)
    err = runtime.console(stderr=True)
    for p in problems:
        err.print(f"警告：{p}。", markup=False)
    if not found:
        raise WorkspaceError(f"在 {'、'.join(str(f) for f in folders)} 中没有可用的年度存档，请先运行 qp-eval rank --save。")
    t = over_years(found)
    _emit(fmt, lambda: to_data(t), lambda: to_csv(t), "print_trend", t)


def _emit(fmt: RankFormat, data, csv, printer: str, value) -> None:  # noqa: ANN001
    """JSON or CSV (UTF-8 with a BOM) on stdout, or the table ``console.analysis.<printer>`` draws."""
    from .. import streams

    if fmt is RankFormat.json:
        runtime.print_json(data())
    elif fmt is RankFormat.csv:
        streams.data("\ufeff" + csv())
    else:
        from ..console import analysis as tables  # defers rich

        getattr(tables, printer)(value, runtime.console())
