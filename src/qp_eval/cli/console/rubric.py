"""The rubric as an outline of plain lines, for ``qp-eval rubric show``; and what ``rubric check`` says."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console

from ...core import layout as L
from ...core.linebreak import wrap
from ...core.numbers import fmt
from ...core.rubric import Rubric
from ...core.rules import RULE_NAMES
from ...core.text import terminal_safe

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
    return f"{c.id} {c.name}  {c.points} 分" + (f"  （{'；'.join(notes)}）" if notes else "")


def _say(console: Console, text: str, indent: int = 0) -> None:
    """A line of the outline, wrapped by the Chinese rules, its continuation under its own text."""
    pad = " " * indent
    lines = wrap(terminal_safe(text), max(console.width - indent, 20))
    console.file.write("".join(f"{pad}{line}\n" for line in lines))


def render_rubric(r: Rubric, source: str, console: Console) -> None:
    """The rubric as an outline (科室 → 项目 → 细则), then its totals and policies; plain lines."""
    _say(console, f"{r.title}（{source}，指纹 {r.fingerprint}）")
    _say(console, f"评估对象：{len(r.units)} 个街镇：" + "、".join(u.name for u in r.units))
    _say(console, f"评估科室 {len(r.departments)} 个，项目 {len(r.items)} 个，细则 {len(r.criteria)} 条")
    for d in r.departments:
        mine = [cid for cid in r.criteria if r.department_of(cid) == d.id]
        subtotal = sum((r.criteria[c].points for c in mine), Decimal(0))
        assists = [i.number for i in r.items if d.id in i.assists]
        _say(console, f"{d.name}  {fmt(subtotal)} 分" + (f"  协评第 {'、'.join(map(str, assists))} 项" if assists else ""), 2)
        for item in r.items:
            own = [c.id for c in item.criteria if r.department_of(c.id) == d.id]
            if not own:
                continue
            _say(console, f"{item.number}. {item.name}  {item.points} 分", 4)
            for cid in own:
                _say(console, _criterion_label(r, cid), 6)
    h = r.highlights
    ratings = "，".join(f"{x.grade} 加 {x.bonus} 分" for x in h.ratings)
    cats = "；".join(
        f"{c.name} 每起扣 {c.deduction} 分" + ("（一票否决优秀）" if c.veto else "") for c in r.problems.categories
    )
    grades = []
    for g in r.grades:
        rng = f"≥ {g.min}" if g.min is not None else "其余"
        grades.append(f"{g.name} {rng}" + (f"（不超过 {g.quota * 100:.0f}%）" if g.quota else ""))
    dl = r.deadlines
    policies = [
        ("总分", f"{r.total_points}（各项目合计 {sum((i.points for i in r.items), Decimal(0))}）"),
        ("得分精度", f"保留 {r.precision} 位小数"),
        ("不适用细则", NA_NAMES[r.not_applicable]),
        ("特色亮点", f"每街镇 {h.per_unit} 个（{'、'.join(h.types)}）；{ratings}；加分上限 {h.cap} 分"),
        ("存在问题", f"{cats}；每街镇扣分上限 {r.problems.cap} 分"),
        ("等次", "；".join(grades)),
        ("同分处理", "、".join(TIE_NAMES[b] for b in r.tie_breakers) if r.tie_breakers else "并列（1, 2, 2, 4）"),
        ("差距跟进", f"得分低于该项分值的 {r.follow_up_share * 100:.0f}% 或为全区最低"),
        ("时间节点", f"自评报告 {dl.self_report}；科室评分 {dl.department_scoring}；汇总排名 {dl.office_ranking}"),
    ]
    _say(console, "合计与政策")
    for key, value in policies:
        _say(console, f"{key}：{value}", 2)


def print_problems(findings: list, err: Console) -> None:  # noqa: ANN001 - the findings of a RubricError
    """``rubric check`` refusing a rubric: each problem with its line and hint, then how many."""
    for f in findings:
        err.print(f"[{f.code}] {f.location}  {f.message}", markup=False)
        err.print(f"       提示：{f.hint}", markup=False)
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
        err.print(f"警告 [{f.code}] {f.location}  {f.message}", markup=False)
        if f.code not in hinted:
            err.print(f"       提示：{f.hint}", markup=False)
            hinted.add(f.code)
