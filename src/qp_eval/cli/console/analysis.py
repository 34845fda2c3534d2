"""``sensitivity`` and ``trend`` as tables for the terminal, 80 columns wide (console/grid.py)."""

from __future__ import annotations

from rich.console import Console

from ...core.sensitivity import Sensitivity
from ...core.sensitivity_view import (
    INFLUENCE_HEADERS,
    MARGIN_HEADERS,
    STABILITY_HEADERS,
    closest,
    influence_rows,
    margin_rows,
    margin_text,
    method_text,
    stability_rows,
)
from ...core.trend import Trend
from ...core.trend_view import (
    correlation_lines,
    item_headers,
    item_notes,
    item_rows,
    run_lines,
    town_headers,
    town_rows,
)
from . import plain_output
from .grid import grid


def _table(console: Console, title: str, headers, rows, right) -> None:  # noqa: ANN001
    lines = grid(headers, rows, right, console.width, title=title, boxed=not plain_output(console))
    console.file.write("\n".join(lines) + "\n")


def print_sensitivity(s: Sensitivity, console: Console) -> None:
    r = s.basis.rubric
    console.print(f"{r.title} 位次稳定性", markup=False)
    console.print(method_text(s), markup=False)
    near = closest(s)
    if near:
        console.print("最接近互换位次的街镇：", markup=False)
        for m in near:
            console.print(f"  {margin_text(s, m)}", markup=False)
    console.print("", markup=False)
    _table(console, "互换位次所需分值（相邻位次及等次分界两侧）", MARGIN_HEADERS, margin_rows(s),
           [False, False, False, True, True, True, False])
    console.print("", markup=False)
    _table(console, "位次稳定性", STABILITY_HEADERS, stability_rows(s), [True, False, True, False, True, True, False])
    console.print("", markup=False)
    _table(console, f"各项目单独上调、下调 {s.spread * 100:g}%（其余项目按比例调整，总分不变）时位次改变的街镇数", INFLUENCE_HEADERS, influence_rows(s),
           [True, False, True, True, True, True])


def print_trend(t: Trend, console: Console) -> None:
    span = f"{t.years[0]}–{t.years[-1]}" if len(t.years) > 1 else str(t.years[0])
    _table(console, f"历年趋势（{span} 年度，位次 最终得分 等次）", town_headers(t), town_rows(t),
           [False, *([True] * len(t.years)), True])
    for line in correlation_lines(t) + run_lines(t):
        console.print(line, markup=False)
    if t.items:
        console.print("", markup=False)
        _table(console, "各项目全区平均得分率（得分 ÷ 项目分值）", item_headers(t), item_rows(t),
               [True, False, *([True] * (len(item_headers(t)) - 2))])
    for note in item_notes(t):
        console.print(f"注：{note}。", markup=False)
    if len(t.years) < 2:
        console.print("注：只有一个年度的存档，无法比较。", markup=False)
