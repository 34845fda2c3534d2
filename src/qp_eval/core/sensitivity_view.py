"""The sensitivity figures as the office reads them: sentences, table rows, JSON and CSV (docs/sensitivity.md).

Points are said at the rubric's precision and shares as percentages with one place; JSON carries the
same figures (points as text, shares as numbers to four places), so that every output agrees."""

from __future__ import annotations

from .sensitivity import Margin, Sensitivity
from .text import csv_text

SENSITIVITY_FORMAT = "qp-eval/sensitivity/1"
CLOSEST = 5  # the closest swaps the brief and the table's summary name


def points_text(s: Sensitivity, value: float) -> str:
    return f"{value:.{s.basis.rubric.precision}f}"


def margin_text(s: Sensitivity, m: Margin) -> str:
    """朱家角镇与华新镇：从第 5 项移 3.20 分到第 12 项即互换位次."""
    b = s.basis
    upper, lower = b.names[m.upper], b.names[m.lower]
    line = f"（{m.boundary}分界）" if m.boundary else ""
    if m.tied:
        return f"{upper}与{lower}{line}：最终得分相同，位次由同分规则决定"
    if m.points is None:
        return f"{upper}与{lower}{line}：在任意两项之间移动分值都不能使两者互换位次"
    return (f"{upper}与{lower}{line}：从第 {m.source} 项移 {points_text(s, m.points)} 分到第 {m.target} 项"
            f"即两者同分，再多即互换位次")


def closest(s: Sensitivity, n: int = CLOSEST) -> list[Margin]:
    """The pairs that the fewest points would swap (ties first), in that order, then by ranking."""
    movable = [m for m in s.margins if m.points is not None]
    return sorted(movable, key=lambda m: (m.points, m.upper, m.lower))[:n]


def share_text(value: float) -> str:
    """87.3%; a share that is not quite 0 or 1 is never shown as one (<0.1%, >99.9%)."""
    if 0 < value < 0.0005:
        return "<0.1%"
    if 0.9995 <= value < 1:
        return ">99.9%"
    return f"{value * 100:.1f}%"


def grade_chances(s: Sensitivity, chances: tuple[float, ...]) -> str:
    """优秀 12.0%、良好 88.0% (grades with no chance left out)."""
    names = [g.name for g in s.basis.rubric.grades]
    return "、".join(f"{n} {share_text(c)}" for n, c in zip(names, chances, strict=True) if c > 0)


def method_text(s: Sensitivity) -> str:
    b = s.basis
    how = ("按各街镇适用细则的分值折算" if b.prorate else "不适用细则按满分计")
    return (f"以各项目公布得分占该项目分值（{how}）的比例为基础，亮点加分、问题扣分和会议调整保持不变；"
            f"各项目分值在 ±{s.spread * 100:g}% 内随机变动并保持总分 {b.rubric.total_points} 分，"
            f"共 {s.samples:,} 次（随机种子 {s.seed}）。")


def paragraph(s: Sensitivity) -> str:
    """One paragraph for the meeting brief: how firm the ranking is, the item that moves it most, and the
    two closest swaps (the report and ``qp-eval sensitivity`` hold the rest)."""
    b = s.basis
    n = len(b.ids)
    firm = sum(1 for x in s.stability if x.keep >= 0.95)
    top = s.stability[0] if s.stability else None
    text = (f"各项目分值在 ±{s.spread * 100:g}% 内变动（总分不变，抽样 {s.samples:,} 次）时，{n} 个街镇中有 {firm} 个"
            f"在 95% 以上的抽样中保持原位次")
    if top is not None:
        text += f"，{b.names[0]}保持第 1 名的比例为 {share_text(top.keep)}"
    moving = sorted((i for i in s.influence if i.either), key=lambda i: (-i.either, i.number))
    if moving:
        text += f"；单独变动时对位次影响最大的是第 {moving[0].number} 项（{moving[0].either} 个街镇位次改变）"
    text += "。"
    near = closest(s, 2)
    if near:
        text += "最接近互换的是" + "；".join(_near_text(s, m) for m in near) + "。"
    return text


def _near_text(s: Sensitivity, m: Margin) -> str:
    """盈浦街道与徐泾镇（从第 21 项移 0.11 分到第 16 项即同分）."""
    b = s.basis
    return (f"{b.names[m.upper]}与{b.names[m.lower]}（从第 {m.source} 项移 {points_text(s, m.points or 0)} 分"
            f"到第 {m.target} 项即同分）")


def margin_rows(s: Sensitivity) -> list[list[str]]:
    b = s.basis
    rows = []
    for m in s.margins:
        moved = "" if m.points is None else points_text(s, m.points)
        rows.append([f"{b.rank[m.upper]}/{b.rank[m.lower]}", b.names[m.upper], b.names[m.lower],
                     "" if m.source is None else str(m.source), "" if m.target is None else str(m.target),
                     "—" if m.points is None else moved, m.boundary])
    return rows


MARGIN_HEADERS = ("位次", "在前", "在后", "移出项目", "移入项目", "互换所需分值", "等次分界")
STABILITY_HEADERS = ("位次", "街镇", "最终得分", "等次", "位次范围（5%–95%）", "保持位次", "等次概率")
INFLUENCE_HEADERS = ("项目", "名称", "分值", "上调时", "下调时", "合计")


def stability_rows(s: Sensitivity) -> list[list[str]]:
    b = s.basis
    out = []
    for x in s.stability:
        p = x.position
        spread = str(x.low) if x.low == x.high else f"{x.low}–{x.high}"
        out.append([str(b.rank[p]), b.names[p], points_text(s, b.final[p]), b.grade[p], spread, share_text(x.keep),
                    grade_chances(s, x.grades)])
    return out


def influence_rows(s: Sensitivity) -> list[list[str]]:
    return [[str(i.number), i.name, f"{i.points:g}", str(i.up), str(i.down), str(i.either)] for i in s.influence]


def to_data(s: Sensitivity) -> dict[str, object]:
    b = s.basis
    names = [g.name for g in b.rubric.grades]
    return {
        "format": SENSITIVITY_FORMAT,
        "year": b.rubric.year,
        "method": {"spread": s.spread, "samples": s.samples, "seed": s.seed,
                   "not_applicable": b.rubric.not_applicable, "text": method_text(s)},
        "margins": [{
            "upper_id": b.ids[m.upper], "upper": b.names[m.upper], "upper_rank": int(b.rank[m.upper]),
            "lower_id": b.ids[m.lower], "lower": b.names[m.lower], "lower_rank": int(b.rank[m.lower]),
            "points": None if m.points is None else points_text(s, m.points),
            "from_item": m.source, "to_item": m.target, "boundary": m.boundary, "tied": m.tied,
            "text": margin_text(s, m),
        } for m in s.margins],
        "stability": [{
            "unit_id": b.ids[x.position], "unit": b.names[x.position], "rank": int(b.rank[x.position]),
            "final": points_text(s, b.final[x.position]), "grade": b.grade[x.position],
            "rank_low": x.low, "rank_high": x.high, "keep": round(x.keep, 4),
            "grades": {n: round(c, 4) for n, c in zip(names, x.grades, strict=True)},
        } for x in s.stability],
        "items": [{"number": i.number, "name": i.name, "points": f"{i.points:g}", "changed_up": i.up,
                   "changed_down": i.down, "changed": i.either} for i in s.influence],
    }


def to_csv(s: Sensitivity) -> str:
    """The three tables one after another, each under its title, a blank row between (no BOM)."""
    parts = [
        ("互换位次所需分值", MARGIN_HEADERS, margin_rows(s)),
        ("位次稳定性", STABILITY_HEADERS, stability_rows(s)),
        ("各项目对位次的影响", INFLUENCE_HEADERS, influence_rows(s)),
    ]
    return "\r\n".join(csv_text([title], [list(headers), *rows]) for title, headers, rows in parts)
