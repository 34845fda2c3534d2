"""What template, migrate, collect, init and status say in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ...core import layout as L
from ...core.names import DECISION_FILE
from ...core.status import INVALID, MIGRATE
from . import plain_output, print_next
from .grid import grid

if TYPE_CHECKING:  # the results only as annotations: rendering a status never loads openpyxl
    from ...core.status import Status
    from ...io.collect import CollectRun
    from ...io.migrate import MigrateRun
    from ...io.newyear import NewYear
    from ...io.returns import ReturnRun
    from ...io.writers.template import TemplateRun


def print_templates(run: TemplateRun, out: Console, err: Console) -> None:
    for src, dst in run.moved:
        err.print(f"{src} 不是 qp-eval 的表格或无法读取，已原样备份到 {dst}，原位置换成新生成的表格", markup=False)
    for w in run.written:
        out.print(f"已生成 {w.path}（{w.kind}，{w.rows} 行）", markup=False)
    for k in run.kept:
        err.print(f"未生成 {k.path}：{k.reason}", markup=False)


def print_migration(run: MigrateRun, out: Console, err: Console) -> None:
    same = [x for x in run.sheets if x.unchanged]
    if same:
        out.print(f"{len(same)} 个表格的布局与现行细则一致，保持不动：{'、'.join(x.what for x in same)}", markup=False)
    for x in run.sheets:
        if x.unchanged:
            continue
        if x.repaired:
            out.print(f"已修复：{x.path}（{x.what}：{x.repaired}，已按现行细则重建，转入 {x.carried} 个单元格）", markup=False)
        elif x.sources:
            out.print(f"已转换：{x.path}（{x.what}，转入 {x.carried} 个单元格）", markup=False)
        else:
            out.print(f"已生成：{x.path}（{x.what}，此前没有收到，空白）", markup=False)
    if run.backup is not None:
        out.print(f"原文件已原样备份到 {run.backup}（共 {len(run.moved)} 个，校验和计分不读取该目录）", markup=False)
    if run.lost:
        err.print(f"以下 {len(run.lost)} 个已填写的单元格无法转入新表（原值保存在备份中）：", markup=False)
        for x in run.lost:
            err.print(f"  {x.file} {x.where}  {x.what}：“{x.value}”——{x.why}", markup=False)
    if run.review:
        err.print("以下内容已照录，但按现行细则需要复核：", markup=False)
        for x in run.review:
            err.print(f"  {x.file} {x.where}  {x.what}：“{x.value}”——{x.why}", markup=False)
    if run.blank:
        err.print("新表中以下行尚待填写：", markup=False)
        for b in run.blank:
            err.print(f"  {b.file} {b.where} 起  {b.what}：{b.count} 行", markup=False)
    for path, why in run.unreadable:
        err.print(f"无法读取，未处理：{path}（{why}）", markup=False)
    for why in run.refused:
        err.print(f"未转换：{why}", markup=False)
    if run.untouched:
        out.print(f"{len(run.untouched)} 份街镇自评表尚未填写，保持原样：{'、'.join(run.untouched)}", markup=False)
    steps = []
    if run.blank or run.review:
        steps.append(f"新表中待填写或需复核的内容，请把表格退回各科室（单位）：qp-eval return --year {run.year}")
    if run.untouched:
        steps.append(f"需要重新下发空白自评表时：qp-eval template --year {run.year} --towns --force")
    print_next(steps, out)


def print_returns(run: ReturnRun, year: int, out: Console, err: Console) -> None:
    """Which marked copies were written for whom, what is not returned and why, and what comes next."""
    if run.written:
        out.print(f"已生成 {len(run.written)} 份退回件，请发回给各填表单位修改：", markup=False)
        for x in run.written:
            said = f"错误 {x.errors} 处、警告 {x.warnings} 处" if x.errors else f"警告 {x.warnings} 处"
            extra = f"，其中 {x.unplaced} 处不在某个单元格，见“退回说明”" if x.unplaced else ""
            out.print(f"  {x.who}：{x.target}（{said}{extra}）", markup=False)
    else:
        out.print("没有需要退回修改的表格：收到的表格都没有错误。", markup=False)
    for file, why in run.held:
        err.print(f"未退回：{file}——{why}", markup=False, soft_wrap=True)
    if run.warned:
        err.print(f"只有警告、未退回：{'、'.join(run.warned)}（如也需要退回：qp-eval return --year {year} --warnings）",
                  markup=False, soft_wrap=True)
    if run.written:
        print_next([f"对方修改后发回的文件放回 scores/{year}/ 中原文件所在的位置（与退回件在 退回/ 中的位置相同），"
                    f"替换原文件，再校验：qp-eval validate --year {year}"], out)
    if run.stale:
        out.print(f"上次退回、现已不需要退回的 {len(run.stale)} 份退回件已移到 {run.stale_folder}，以免误发。", markup=False)


def print_collect(run: CollectRun, out: Console, err: Console) -> None:
    if run.refused:
        err.print(f"未收集：{run.refused}", markup=False)
        return
    if run.written:
        out.print(f"已把 {len(run.towns)} 个街镇自评表中的亮点填入 {run.target}（{run.filled} 个单元格）："
                  f"{'、'.join(run.towns)}", markup=False)
        for _old, new in run.moved:
            out.print(f"原登记表已原样备份到 {new}", markup=False)
    else:
        out.print(f"亮点登记表 {run.target} 已包含各街镇自评表中的亮点，无需更新。", markup=False)
    if run.kept:
        err.print(f"以下 {len(run.kept)} 处登记表与自评表不同，保留了登记表中的：", markup=False)
        for k in run.kept:  # one line each, wrapped by the terminal, never broken mid-phrase
            err.print(f"  {k}", markup=False, soft_wrap=True)
    for s in run.skipped:
        err.print(s, markup=False, soft_wrap=True)
    if run.missing:
        err.print(f"尚未收到自评表的街镇：{'、'.join(run.missing)}", markup=False)


def print_new_year(made: NewYear, out: Console) -> None:
    year, folder, run = made.year, made.folder, made.templates
    out.print(f"已建立 {year} 年度工作目录 {folder}（评估细则复制自 {made.source_year} 年度：{made.source}）", markup=False)
    if made.kept_rubric is not None:
        out.print(f"  原有的评估细则已备份为 {made.kept_rubric}", markup=False)
    out.print(f"  评估细则：{made.rubric_path}", markup=False)
    if made.archive_from is not None:
        out.print(f"  上年度存档：已从 {made.archive_from} 带入 {made.archive}（“较上年”用）", markup=False)
    elif made.archive is not None and not made.archive_note:
        out.print(f"  上年度存档：{made.archive}（“较上年”用）", markup=False)
    if made.archive_note:
        out.print(f"  注意：{made.archive_note}", markup=False)
    out.print(f"  空白评分表和登记表：{made.scores_dir}（新生成 {len(run.written)} 个文件"
              + (f"，{len(run.kept)} 个未生成，见下" if run.kept else "") + "）", markup=False)
    for k in run.kept:
        out.print(f"    未生成 {k.path.name}：{k.reason}", markup=False)
    for src, dst in run.moved:
        out.print(f"    {src.name} 不是 qp-eval 的表格，已原样备份到 {dst}", markup=False)
    rel = Path("rubric") / f"{year}.yaml"
    if made.other_years:
        out.print(f"  细则中有 {len(made.other_years)} 处文字仍提到其他年份，请逐条核对（{rel} 的行号）：", markup=False)
        for n, line, years in made.other_years:
            shown = line if len(line) <= 48 else line[:48] + "…"
            out.print(f"    第 {n} 行（{'、'.join(map(str, years))} 年）：{shown}", markup=False, soft_wrap=True)
    out.print("下一步（一年的顺序）：", markup=False)
    steps = [] if folder.resolve() == Path.cwd().resolve() else [f"进入工作目录：cd {folder}"]
    steps += [
        f"核对并修改 {rel}（分值、评估标准、时间节点），再检查：qp-eval rubric check {rel}",
        f"细则在评分表发出后又有改动时，已填内容转入新表：qp-eval migrate --year {year}",
        f"生成各街镇自评表（在 scores/{year}/自评/），发给各街镇：qp-eval template --year {year} --towns",
        f"把 scores/{year}/ 中的评分表发给各科室；收回的表格放回该目录，查看收齐情况：qp-eval status --year {year}",
        f"未收齐时生成催报通知：qp-eval status --year {year} --notice",
        f"有错误的表格标注后退回：qp-eval return --year {year}",
        f"把自评表中的亮点填入亮点登记表：qp-eval collect --year {year}",
        f"全部收齐后校验：qp-eval validate --year {year}",
        f"计分排名并存档：qp-eval rank --year {year} --save",
        f"提请局长办公会议审议的审议稿：qp-eval brief --year {year}",
        f"会议决定登记在 scores/{year}/{DECISION_FILE} 后，生成报告：qp-eval report --year {year}",
        f"按审定结果函告各街镇：qp-eval letters --year {year}",
        f"特色亮点汇编：qp-eval booklet --year {year}",
    ]
    for n, step in enumerate(steps, 1):
        out.print(f"  {n}. {step}", markup=False, soft_wrap=True)


def print_status(report: Status, out: Console) -> None:
    """The table of who has sent what, and files that cannot be read, then what that means."""
    rows, strays = report.rows, report.strays
    title = f"{report.year} 年度收齐情况（{report.today.isoformat()}，目录 {report.folder}）"
    # 80 columns: who, state, progress, errors/warnings, when last changed, days left; the rest below
    headers = ["表格", "状态", "进度", "错误/警告", "最后修改", "距截止"]
    cells = []
    for x in rows:
        progress = f"{x.filled}/{x.expected}" if x.expected else f"{x.filled} 条"
        left = f"剩 {x.days_left} 天" if x.days_left >= 0 else f"超期 {-x.days_left} 天"
        cells.append([x.name, x.state, progress, f"{x.errors}/{x.warnings}",
                      x.modified.strftime("%m-%d %H:%M") if x.modified else "—", left])
    lines = grid(headers, cells, [False, False, True, True, False, False], out.width, title=title,
                 wraps=(0,), boxed=not plain_output(out))
    out.file.write("\n".join(lines) + "\n")
    deadlines: dict[str, object] = {}
    for x in rows:
        group = {L.KIND_SCORES: "科室评分表", L.KIND_SELF: "街镇自评表"}.get(x.kind, "登记表")
        deadlines.setdefault(group, x.deadline)
    out.print("截止日期：" + "；".join(f"{g} {d}" for g, d in deadlines.items()) + "。", markup=False)
    for x in rows:  # the files to open: those with errors, and those to carry over
        if x.file and x.state in (INVALID, MIGRATE):
            out.print(f"{x.name}，{x.state}：{x.file}", markup=False)
    for f in strays:
        what = {"F112": "无法读取", "F113": "已忽略"}.get(f.code, "有错误" if f.severity == "error" else "注意")
        out.print(f"{what}：{f.file or '—'}（{f.code} {f.message}）", markup=False)
    bad = [x for x in rows if not x.ok]
    unreadable = [f for f in strays if f.severity == "error"]
    if not report.complete:
        parts = [f"尚有 {len(bad)} 项未收齐或有错误"] if bad else ["各项均已收到且无错误"]
        if unreadable:
            parts.append(f"但有 {len(unreadable)} 个文件无法读取或有错误（见上；计分时会被拒绝，请修正、另存为 .xlsx 或移出该目录）")
        out.print("，".join(parts) + "。", markup=False)
        print_next(report.next_steps(), out)
        return
    out.print("全部收齐，均无错误。", markup=False)
