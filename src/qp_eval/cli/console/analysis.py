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
