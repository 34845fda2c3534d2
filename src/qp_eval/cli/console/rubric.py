"""The rubric as a rich tree and tables, for ``qp-eval rubric show``."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from ...core import layout as L
from ...core.numbers import fmt
from ...core.rubric import Rubric
from ...core.rules import RULE_NAMES
from . import literal

NA_NAMES = {"full": "按满分计", "prorate": "按比例折算"}
COMBINE_NAMES = {"mean": "取平均", "min": "取最低"}
TIE_NAMES = {"lower_deductions": "扣分少者在前", "higher_base": "重点工作得分高者在前", "higher_bonus": "亮点加分高者在前"}


def _criterion_label(r: Rubric, cid: str) -> str:
    c = r.criteria[cid]
    notes = []
    if c.periods:
        notes.append(f"按{'、'.join(c.periods.labels)}分期评分，{COMBINE_NAMES[c.periods.combine]}")
    if c.applies_to is not None:
        notes.append("仅适用于" + "、".join(r.unit[u].name for u in c.applies_to))
    if c.measure:
        notes.append(f"量化：{RULE_NAMES[c.measure.rule.kind]}（" + "、".join(i.name for i in c.measure.inputs) + "）")
    extra = f"  [dim]{_e('；'.join(notes))}[/dim]" if notes else ""
    return f"{_e(c.id)} {_e(c.name)}  [bold]{c.points}[/bold] 分{extra}"


_e = literal  # rubric text in rich markup: literal, and without control characters


def render_rubric(r: Rubric, source: str, console: Console) -> None:
    console.print(f"[bold]{_e(r.title)}[/bold]  （{_e(source)}，指纹 {r.fingerprint}）")
    units = _e("、".join(f"{u.name}" for u in r.units))
    console.print(f"评估对象：{len(r.units)} 个街镇：{units}")
    tree = Tree(f"评估科室 {len(r.departments)} 个，项目 {len(r.items)} 个，细则 {len(r.criteria)} 条")
    for d in r.departments:
        mine = [cid for cid in r.criteria if r.department_of(cid) == d.id]
        subtotal = sum((r.criteria[c].points for c in mine), Decimal(0))
        assists = [i.number for i in r.items if d.id in i.assists]
        label = f"[bold cyan]{_e(d.name)}[/bold cyan]  {fmt(subtotal)} 分"
        if assists:
            label += f"  [dim]协评第 {'、'.join(map(str, assists))} 项[/dim]"
        branch = tree.add(label)
        for item in r.items:
            own = [c.id for c in item.criteria if r.department_of(c.id) == d.id]
            if not own:
                continue
            node = branch.add(f"{item.number}. {_e(item.name)}  {item.points} 分")
            for cid in own:
                node.add(_criterion_label(r, cid))
    console.print(tree)

    t = Table(title="合计与政策", show_header=False)
    t.add_column(no_wrap=True)
    t.add_column(overflow="fold")  # long policy text folds, never cut
    t.add_row("总分", f"{r.total_points}（各项目合计 {sum((i.points for i in r.items), Decimal(0))}）")
    t.add_row("得分精度", f"保留 {r.precision} 位小数")
    t.add_row("不适用细则", NA_NAMES[r.not_applicable])
    h = r.highlights
    ratings = "，".join(f"{x.grade} 加 {x.bonus} 分" for x in h.ratings)
    t.add_row("特色亮点", f"每街镇 {h.per_unit} 个（{'、'.join(h.types)}）；{ratings}；加分上限 {h.cap} 分")
    cats = "；".join(
        f"{c.name} 每起扣 {c.deduction} 分" + ("（一票否决优秀）" if c.veto else "") for c in r.problems.categories
    )
    t.add_row("存在问题", f"{cats}；每街镇扣分上限 {r.problems.cap} 分")
    grades = []
    for g in r.grades:
        rng = f"≥ {g.min}" if g.min is not None else "其余"
        grades.append(f"{g.name} {rng}" + (f"（不超过 {g.quota * 100:.0f}%）" if g.quota else ""))
    t.add_row("等次", "；".join(grades))
    t.add_row("同分处理", "、".join(TIE_NAMES[b] for b in r.tie_breakers) if r.tie_breakers else "并列（1, 2, 2, 4）")
    t.add_row("差距跟进", f"得分低于该项分值的 {r.follow_up_share * 100:.0f}% 或为全区最低")
    dl = r.deadlines
    t.add_row("时间节点", f"自评报告 {dl.self_report}；科室评分 {dl.department_scoring}；汇总排名 {dl.office_ranking}")
    console.print(t)


def print_problems(findings: list, err: Console) -> None:  # noqa: ANN001 - the findings of a RubricError
    """``rubric check`` refusing a rubric: each problem with its line and hint, then how many."""
    for f in findings:
        err.print(f"[{f.code}] {f.location}  {f.message}", markup=False, style="red", soft_wrap=True)
        err.print(f"       提示：{f.hint}", markup=False, style="dim", soft_wrap=True)
    err.print(f"共 {len(findings)} 处问题。", markup=False)


def print_passed(r: Rubric, path: str, out: Console, notes: int = 0) -> None:
    out.print(
        f"评估细则 {path} 检查通过：{len(r.units)} 个街镇，{len(r.departments)} 个科室"
        + (f"（其中 {scoring} 个有评分表）" if (scoring := len(L.scoring_departments(r))) != len(r.departments) else "")
        + "，"
        f"{len(r.items)} 个项目，{len(r.criteria)} 条细则，总分 {r.total_points}，指纹 {r.fingerprint}。"
        + (f"另有 {notes} 处警告，见下。" if notes else ""), markup=False
    )


def print_notes(findings: list, err: Console) -> None:  # noqa: ANN001 - warnings of a rubric that passed
    """Warnings of a rubric that passed: each with its line and hint (the hint once for a code)."""
    hinted = set()
    for f in findings:
        err.print(f"警告 [{f.code}] {f.location}  {f.message}", markup=False, style="yellow", soft_wrap=True)
        if f.code not in hinted:
            err.print(f"       提示：{f.hint}", markup=False, style="dim", soft_wrap=True)
            hinted.add(f.code)
