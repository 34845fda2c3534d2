"""The year's paperwork: ``template``, ``migrate``, ``collect``, ``return``, ``init`` and ``status``."""

from pathlib import Path
from typing import Annotated

import typer

from .. import common, runtime
from ..options import RubricOpt, ScoresOpt, TableFormat, TableOrJson, WorkspaceOpt, YearOpt, made, parse_year


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
    from ...core import layout as L
    from ...io.workspace import Workspace
    from ...io.writers.template import write_templates  # defers openpyxl
    from ..console.intake import print_templates

    r, _ = common.load(workspace, year, rubric)
    target = out if out is not None else Workspace(workspace).scores_dir(r.year)
    run = write_templates(r, target, force=force, towns=towns)
    print_templates(run, runtime.console(), runtime.console(stderr=True))
    if run.filled_kept:
        runtime.say(f"评估细则修改后，请运行 qp-eval migrate --year {r.year}，把已填内容转入新表。")
    idle = [r.department[d].name for d in L.idle_departments(r)]
    if idle and not towns:
        runtime.console().print(f"以下科室在细则中没有评分项，未生成评分表：{'、'.join(idle)}", markup=False)


def migrate(
    files: Annotated[list[Path] | None, typer.Argument(metavar="[文件…]", help="另外要重建的表格（如取消了工作表保护、删除了下拉列表的）。", show_default=False)] = None,
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
) -> None:
    """按现行细则重建表格，已填内容逐格转入，原文件备份：细则修改后（F104），或表格缺行、缺列、缺工作表时（T305、S202、S201）。

    按街镇、细则编号、季度（指标、亮点序号）对应转入得分、扣分说明、指标数值、登记内容和评定等级；
    无法转入的（细则已删除、得分超过新的分值、细则现不适用等）逐条列出原文件和单元格。
    原文件原样备份到 scores/<年度>/备份-<日期时间>/，校验和计分不读取该目录。没有改动的表格保持不动；
    尚未填写的街镇自评表也保持不动。取消了工作表保护或删除了下拉列表的表格，把文件名写在命令后即可重建。

    qp-eval migrate --year 2024
    qp-eval migrate --year 2024 scores/2024/2024年度评分表_社会事务科.xlsx
    """
    from ...io.migrate import migrate as run_migrate  # defers openpyxl
    from ..console.intake import print_migration

    r, folder = common.scores_folder(workspace, year, rubric, "没有可以转换的表格")
    for f in files or ():
        if not f.is_file():
            raise typer.BadParameter(f"找不到文件 {f}", param_hint="文件")
        if folder.resolve() not in f.resolve().parents:
            raise typer.BadParameter(f"{f} 不在评分表目录 {folder} 中：只能重建该目录中的表格", param_hint="文件")
    run = run_migrate(r, folder, rebuild=tuple(files or ()))
    print_migration(run, runtime.console(), runtime.console(stderr=True))
    runtime.exit_with(run.return_code)


def return_(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="目录", help="输出目录；默认为 reports/<年度>/退回/。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 --out 目录中已有的同名文件。")] = False,
    date: Annotated[str | None, typer.Option("--date", metavar="日期", help="退回说明上的日期，如 2024-12-05；默认为今天。", show_default=False)] = None,
    warnings: Annotated[bool, typer.Option("--warnings", help="只有警告的表格也退回（默认只退回有错误的表格，其中的警告一并标出）。")] = False,
) -> None:
    """退回修改：把有问题的评分表、登记表和自评表各复制一份，标出每个有问题的单元格，发回给填表的科室或街镇。

    复制件在 reports/<年度>/退回/，文件名与收到的相同：有问题的单元格标为红色（错误）或黄色（警告）并附批注，
    第一张工作表“退回说明”逐条列出问题、位置和处理办法。收到的文件从不改动。对方在复制件上修改后发回，
    放入 scores/<年度>/ 替换原文件即可，再运行 qp-eval validate。

    qp-eval return --year 2024
    """
    from ...core.names import RETURNS_FOLDER
    from ...io.returns import return_sheets  # defers openpyxl
    from ...io.workspace import Workspace, output_folder
    from ..console.intake import print_returns

    when = made(date)
    r, folder = common.scores_folder(workspace, year, rubric, "没有可以退回的表格")
    target = output_folder(out, Workspace(workspace).reports_dir(r.year) / RETURNS_FOLDER, [], force)
    run = return_sheets(r, folder, target, when, force=force or out is None, warnings=warnings, own=out is None)
    print_returns(run, r.year, runtime.console(), runtime.console(stderr=True))
    runtime.exit_with(run.return_code)


def collect(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
) -> None:
    """把各街镇自评表中的特色亮点填入局办公室的亮点登记表，不必再逐条录入。

    亮点登记表中空着的亮点名称、简介、类型、佐证材料按街镇自评表填入；已录入的内容保持不变
    （与自评表不同的逐条列出），评定等级从不改动。原登记表原样备份到 scores/<年度>/备份-<日期时间>/。
    没有需要填入的内容时不写任何文件，重复运行不会改变什么。

    qp-eval collect --year 2024
    """
    from ...io.collect import collect_highlights  # defers openpyxl
    from ..console.intake import print_collect

    r, folder = common.scores_folder(workspace, year, rubric, "没有可以收集的自评表")
    run = collect_highlights(r, folder)
    print_collect(run, runtime.console(), runtime.console(stderr=True))
    runtime.exit_with(run.return_code)


def init(
    folder: Annotated[Path, typer.Argument(metavar="目录", help="新工作目录；默认为当前目录。")] = Path("."),
    year: Annotated[int, typer.Option("--year", "-y", metavar="年度", help="新的评估年度，如 2025。", parser=parse_year)] = ...,  # type: ignore[assignment]
    from_year: Annotated[int | None, typer.Option("--from", metavar="年度", help="复制哪一年度的评估细则；默认为上一年度。", show_default=False)] = None,
    previous: Annotated[Path | None, typer.Option("--previous", metavar="目录", help="上一年度的工作目录：从中复制评估细则和存档 archive/<上年>.json；默认为当前目录（是工作目录时）。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="重新建立：原细则文件先备份；空白评分表重新生成，已填写的不覆盖。")] = False,
) -> None:
    """建立新年度的工作目录：复制并顺延评估细则，带入上年度存档（“较上年”用），建立 scores、archive、reports 目录，生成空白评分表。

    在上年度的工作目录中运行：新年度放在同一目录（qp-eval init . --year 2025），或放在旁边（qp-eval init ../2025年度 --year 2025）。
    不会在一个工作目录中再建工作目录。

    qp-eval init . --year 2025
    qp-eval init 2025年度 --year 2025 --previous 2024年度
    """
    from ...io.newyear import start_year  # defers openpyxl (the blank templates)
    from ..console.intake import print_new_year

    print_new_year(start_year(folder, year, from_year, force, previous), runtime.console())


def status(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    date: Annotated[str | None, typer.Option("--date", metavar="日期", help="按哪一天计算距截止日期的天数，格式 YYYY-MM-DD；默认为今天。",
                                             show_default=False)] = None,
    notice: Annotated[bool, typer.Option("--notice", help="生成催报通知（.docx，一页），列出各科室和街镇未报送、空白或有错误的表格及截止日期，并在屏幕上显示通知内容。")] = False,
    fmt: TableOrJson = TableFormat.table,
) -> None:
    """各科室评分表和两张登记表（以及街镇自评表）的收齐情况：是否收到、是否有错、填写进度、最后修改时间、距截止日期天数。有缺失或错误时退出码为 1。

    加 --notice 时生成催报通知，保存在 reports/<年度>/ 下，文件名带日期。

    qp-eval status --year 2024
    qp-eval status --year 2024 --date 2024-12-01
    qp-eval status --year 2024 --notice
    """
    from ...core.names import RETURNS_FOLDER
    from ...core.status import status_of
    from ...core.validate import Result
    from ...io.intake import validate_paths  # defers python-calamine
    from ...io.workspace import Workspace, returned

    today = made(date)
    r, _ = common.load(workspace, year, rubric)
    ws = Workspace(workspace)
    folder = scores if scores is not None else ws.scores_dir(r.year)
    result = validate_paths(r, [folder], each_file=runtime.settings().verbose,
                            jobs=runtime.settings().jobs) if folder.exists() else Result()
    back = returned(folder, ws.reports_dir(r.year) / RETURNS_FOLDER, [s.path for s in result.seen])
    report = status_of(r, result, today, str(folder), frozenset(back))
    if notice:
        _notice(r, report, ws)
    elif fmt is TableFormat.json:
        runtime.print_json(report.to_data())
    else:
        from ..console.intake import print_status

        print_status(report, runtime.console())
    runtime.exit_with(report.return_code)


def _notice(r, report, ws) -> None:  # noqa: ANN001
    """``status --notice``: the notice on the terminal and as .docx, or why there is none."""
    from ...core.names import notice_name
    from ...core.notice import notice_blocks, notice_text, owed
    from ...io.writers.letters import write_notice  # defers python-docx
    from ..console import print_next

    out = runtime.console()
    rows = owed(report)
    if not rows:
        out.print("各科室和街镇的表格均已收到且无错误，无需催报。", markup=False)
        print_next([s for s in report.next_steps() if "--notice" not in s], out)
        return
    blocks = notice_blocks(r, report)
    for line in notice_text(blocks):
        out.print(line, markup=False)
    target = ws.reports_dir(r.year) / notice_name(r.year, report.today)
    write_notice(r, blocks, target, report.today)
    out.print("", markup=False)
    runtime.say(f"已生成催报通知：{target}")
    print_next([s for s in report.next_steps() if "--notice" not in s], out)
