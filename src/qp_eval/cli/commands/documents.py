"""What goes out: ``report``, ``brief``, ``letters`` and ``booklet``."""

from pathlib import Path
from typing import Annotated

import typer

from .. import common, runtime
from ..options import (
    AllowMissingOpt,
    DateOpt,
    PreviousOpt,
    ReportFormat,
    RubricOpt,
    ScoresOpt,
    WorkspaceOpt,
    YearOpt,
    made,
)


def report(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    previous: PreviousOpt = None,
    allow_missing: AllowMissingOpt = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", metavar="格式", help="格式：xlsx（默认，提交局长办公会议的工作簿）、csv、json、md 或 html。")] = ReportFormat.xlsx,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="文件", help="输出文件；默认写入 reports/<年度>/。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 --out 指定的已有文件。")] = False,
    date: DateOpt = None,
) -> None:
    """生成评估结果报告：排名（含图表）、分项得分、科室评分、加减分、差距跟进、溯源。

    qp-eval report --year 2024
    qp-eval report --year 2024 --format html --out 评估结果.html
    """
    from ...core.names import report_name
    from ...io.workspace import Workspace, output_target

    kind = fmt.value
    if out is not None and out.suffix.lower() != f".{kind}":
        raise typer.BadParameter(f"文件扩展名 {out.suffix or '（无）'} 与 --format {kind} 不符；"
                                 f"请改为 .{kind}，或用 --format 指定与扩展名相同的格式", param_hint="--out")
    when = made(date)
    r, _ = common.load(workspace, year, rubric)
    target = output_target(out, Workspace(workspace).reports_dir(r.year) / report_name(r.year, kind), force)  # refused first
    ev, ws = common.evaluation(workspace, year, rubric, scores, previous, allow_missing, loaded=r)
    if fmt is ReportFormat.xlsx:
        from ...io.parallel import aside
        from ...io.writers.report_xlsx import write  # defers xlsxwriter

        # the analysis made on the other core while the 附表's detail sheets are laid out
        with aside(common.analysis_to_make(ev, workspace), runtime.settings().jobs, len(ev.ranking)) as extra:
            written = write(ev, target, when, extra)
    else:
        from ...io.writers.report_text import write_text_report

        analysed = common.analysis(ev, workspace) if fmt in (ReportFormat.md, ReportFormat.html) else None
        written = write_text_report(ev, kind, target, when, analysed)
    for path in written:
        runtime.say(f"已生成报告：{path}")


def brief(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    previous: PreviousOpt = None,
    allow_missing: AllowMissingOpt = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="文件", help="输出文件；默认为 reports/<年度>/ 下的审议稿。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 --out 指定的已有文件。")] = False,
    date: DateOpt = None,
) -> None:
    """生成提请局长办公会议审议的评估结果审议稿（.docx，按党政机关公文格式排版，11 个街镇不超过 4 页）。

    含评估开展情况、初评结果、提请关注的事项（接近等次分数线、同分、名额与一票否决、自评与考评差异、未报告的问题）、各科室差距较大的项目和提请审议事项。

    qp-eval brief --year 2024 --date 2025-01-03
    """
    from ...core.names import brief_name
    from ...io.writers.letters import write_brief  # defers python-docx

    ev = _word_document("审议稿", brief_name, write_brief, out, force, date,
                        (workspace, year, rubric, scores, previous, allow_missing), write_analysis=True)
    if ev.decision.decided:
        runtime.say(f"注意：本年度已经审定（{ev.decision.said()}）；审议稿列的是会前的初评结果。")


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
    draft: Annotated[bool, typer.Option("--draft", help="局长办公会议审议前，按初评结果生成征求意见稿（标题下注明“（征求意见稿）”）。")] = False,
    combined: Annotated[bool, typer.Option("--combined", help="另把所有函告合成一个文件，便于一次打印（每份另起一页，页码各自从 1 开始）。")] = False,
) -> None:
    """为每个街镇生成评估结果函（.docx，按党政机关公文格式排版）：位次、得分、等次、强弱项目、扣分及原因、跟进事项。

    函告按局长办公会议审议决定的结果生成（审议决定.xlsx 记录了会议日期）；会前只能加 --draft 生成征求意见稿。

    qp-eval letters --year 2024 --number "青民函〔2024〕12号" --date 2025-01-10
    qp-eval letters --year 2024 --draft
    qp-eval letters --year 2024 --combined
    """
    from ...core.decisions import undecided
    from ...core.errors import WorkspaceError
    from ...core.names import LETTERS_FOLDER, combined_letters_name, letter_name
    from ...io.workspace import Workspace, output_folder
    from ...io.writers.letters import write_letters  # defers python-docx
    from ..console.findings import print_findings

    when = made(date)
    r, _ = common.load(workspace, year, rubric)
    names = [letter_name(r.year, u.name, draft) for u in r.units] + ([combined_letters_name(r.year, draft)] if combined else [])
    folder = output_folder(out, Workspace(workspace).reports_dir(r.year) / LETTERS_FOLDER, names, force)  # refused first
    ev, ws = common.evaluation(workspace, year, rubric, scores, None, allow_missing, loaded=r)
    if ev.decision.decided and draft:
        raise WorkspaceError(f"本年度评估结果已经审定（{ev.decision.said()}），函告按审定结果生成；"
                             "请去掉 --draft。")
    if ev.decision.decided and when < ev.decision.date:
        raise WorkspaceError(f"成文日期 {when} 早于局长办公会议日期 {ev.decision.date}：函告在审议决定之后发出，"
                             f"请用 --date 指定 {ev.decision.date} 或之后的日期。")
    if not ev.decision.decided and not draft:
        err = runtime.console(stderr=True)
        print_findings(ev.validation, err, shown=[undecided(ev.validation, ev.rubric.year)])
        err.print("未生成函告。函告应在局长办公会议审议决定后发出；会前征求意见请加 --draft。", markup=False)
        runtime.exit_with(1)
    written = write_letters(ev, folder, when, number.strip(), draft)
    runtime.say(f"已生成 {len(written)} 份函告{'（征求意见稿）' if draft else ''}：{folder}")
    if combined:
        from ...io.writers.letters import write_combined

        target = folder / combined_letters_name(ev.rubric.year, draft)
        write_combined(ev, target, when, number.strip(), draft)
        runtime.say(f"已生成合并打印的函告：{target}")


def booklet(
    year: YearOpt = None,
    workspace: WorkspaceOpt = Path("."),
    rubric: RubricOpt = None,
    scores: ScoresOpt = None,
    allow_missing: AllowMissingOpt = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="文件", help="输出文件；默认为 reports/<年度>/ 下的亮点汇编。", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖 --out 指定的已有文件。")] = False,
    date: DateOpt = None,
    with_grades: Annotated[bool, typer.Option("--with-grades", help="同时印出每个亮点的评定等级（A/B/C）；默认不印，汇编要发给各街镇。")] = False,
) -> None:
    """把各街镇的特色亮点工作汇编成册（.docx），每个街镇一章。

    qp-eval booklet --year 2024
    """
    from ...core.names import booklet_name
    from ...io.writers.letters import write_booklet  # defers python-docx

    def write(ev, target, when) -> None:  # noqa: ANN001
        write_booklet(ev, target, when, grades=with_grades)

    _word_document("亮点汇编", booklet_name, write, out, force, date,
                   (workspace, year, rubric, scores, None, allow_missing))


def _word_document(what: str, name_of, write, out: Path | None, force: bool, date,  # noqa: ANN001
                   evaluating: tuple, write_analysis: bool = False):  # noqa: ANN202 - the Evaluation
    """One .docx (``brief``, ``booklet``): --out checked, the year evaluated, the file written where the
    workspace puts it (or --out), and said."""
    from ...io.workspace import Workspace, output_target

    if out is not None and out.suffix.lower() != ".docx":
        raise typer.BadParameter(f"{what}是 Word 文档，文件扩展名应为 .docx（现为 {out.suffix or '无'}）", param_hint="--out")
    when = made(date)
    workspace, year, rubric, *rest = evaluating
    r, _ = common.load(workspace, year, rubric)
    target = output_target(out, Workspace(workspace).reports_dir(r.year) / name_of(r.year), force)  # refused first
    ev, _ = common.evaluation(workspace, year, rubric, *rest, loaded=r)
    if write_analysis:
        write(ev, target, when, common.analysis(ev, workspace))
    else:
        write(ev, target, when)
    runtime.say(f"已生成{what}：{target}")
    return ev
