"""The trend as the office reads it: table rows, sentences, JSON and CSV (one definition for every output)."""

from __future__ import annotations

import pandas as pd

from .text import csv_text
from .trend import Trend

TREND_FORMAT = "qp-eval/trend/1"


def value(v: object) -> object:
    """A cell of the trend's table as a plain value: None where the town was not ranked or the archive lacks it."""
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def year_cell(t: Trend, unit_id: str, year: int) -> str:
    """第3名 91.25 优秀 (rank, final, grade), or — when the town was not ranked that year."""
    rank = value(t.towns.at[unit_id, ("rank", year)])
    if rank is None:
        return "—"
    final = value(t.towns.at[unit_id, ("final", year)])
    grade = value(t.towns.at[unit_id, ("grade", year)])
    return " ".join(str(x) for x in (f"第{int(rank)}名", final, grade) if x is not None)


def change_text(t: Trend, unit_id: str) -> str:
    c = t.change(unit_id)
    return "—" if c is None else "持平" if c == 0 else f"↑{c}" if c > 0 else f"↓{-c}"


def town_headers(t: Trend) -> list[str]:
    return ["街镇", *(f"{y}年" for y in t.years), "较上年"]


def town_rows(t: Trend) -> list[list[str]]:
    return [[t.name(u), *(year_cell(t, u, y) for y in t.years), change_text(t, u)] for u in t.towns.index]


def item_headers(t: Trend) -> list[str]:
    return ["项目", "名称", *(f"{y}年" for y in _item_years(t))]


def _item_years(t: Trend) -> list[int]:
    return sorted(t.items[0].numbers) if t.items else []


def item_rows(t: Trend) -> list[list[str]]:
    """Per matched item its number in the latest year and the district's mean score rate by year."""
    years = _item_years(t)
    return [[str(m.numbers[years[-1]]), m.name, *(_rate(m.mean_share[y]) for y in years)] for m in t.items]


def _rate(share: float) -> str:
    return "—" if pd.isna(share) else f"{share * 100:.1f}%"


def correlation_lines(t: Trend) -> list[str]:
    out = []
    for a, b, rho, n in t.correlations:
        if rho is None:
            out.append(f"{a}→{b} 年：共同参评的街镇只有 {n} 个或位次没有差别，不计算位次相关系数")
        else:
            out.append(f"{a}→{b} 年：位次相关系数 {rho:.2f}（{n} 个街镇；1 为位次完全不变，−1 为完全颠倒）")
    return out


def run_lines(t: Trend) -> list[str]:
    out = []
    for r in t.runs:
        way = "连续上升" if r.rising else "连续下降"
        path = " → ".join(f"{y}年第 {k} 名" for y, k in zip(r.years, r.ranks, strict=True))
        out.append(f"{r.unit}{way}：{path}")
    return out


def item_notes(t: Trend) -> list[str]:
    """Renumbered items, and items that could not be matched across the years."""
    out = []
    for m in t.items:
        if m.renumbered:
            years = sorted(m.numbers)
            said = "、".join(f"{y}年为第 {m.numbers[y]} 项" for y in years)
            out.append(f"“{m.name}”各年序号不同（{said}），按名称对应")
    listed = _item_years(t)
    for y in t.years:
        if listed and y not in listed:
            out.append(f"{y}年的存档没有各项目得分（由较早的版本保存；重新运行 qp-eval rank --year {y} --save --force "
                       f"可补上），未列入分项趋势")
    for name, years, numbers in t.unmatched:
        said = "、".join(f"{y}年第 {n} 项" for y, n in zip(years, numbers, strict=True))
        out.append(f"“{name}”不是每年都有（{said}），未列入分项趋势")
    return out


def to_data(t: Trend) -> dict[str, object]:
    towns = []
    for u in t.towns.index:
        by_year = {}
        for y in t.years:
            rank = value(t.towns.at[u, ("rank", y)])
            if rank is not None:
                by_year[str(y)] = {"rank": int(rank), "final": value(t.towns.at[u, ("final", y)]),
                                   "grade": value(t.towns.at[u, ("grade", y)])}
        towns.append({"unit_id": u, "unit": t.name(u), "years": by_year, "change": t.change(u)})
    items = [{"name": m.name, "numbers": {str(y): n for y, n in m.numbers.items()},
              "points": {str(y): p for y, p in m.points.items()},
              "mean_share": {str(y): (None if pd.isna(s) else s) for y, s in m.mean_share.items()}} for m in t.items]
    scores = []
    if not t.item_scores.empty:
        for (unit_id, item), row in t.item_scores.iterrows():
            scores.append({"unit_id": unit_id, "item": item,
                           "scores": {str(y): value(v) for y, v in row.items() if value(v) is not None}})
    return {
        "format": TREND_FORMAT,
        "years": t.years,
        "towns": towns,
        "correlations": [{"from": a, "to": b, "spearman": rho, "towns": n} for a, b, rho, n in t.correlations],
        "runs": [{"unit_id": r.unit_id, "unit": r.unit, "direction": "rising" if r.rising else "falling",
                  "years": list(r.years), "ranks": list(r.ranks)} for r in t.runs],
        "items": items,
        "unmatched_items": [{"name": n, "years": list(y), "numbers": list(k)} for n, y, k in t.unmatched],
        "item_scores": scores,
    }


def to_csv(t: Trend) -> str:
    """Each town's rank, final and grade by year, a column each, then 较上年 (no BOM)."""
    headers = ["街镇"]
    for y in t.years:
        headers += [f"{y}年位次", f"{y}年最终得分", f"{y}年等次"]
    headers.append("较上年")
    rows = []
    for u in t.towns.index:
        row: list[object] = [t.name(u)]
        for y in t.years:
            rank = value(t.towns.at[u, ("rank", y)])
            row += [None if rank is None else int(rank), value(t.towns.at[u, ("final", y)]),
                    value(t.towns.at[u, ("grade", y)])]
        row.append(change_text(t, u))
        rows.append(row)
    return csv_text(headers, rows)
