"""The year's sensitivity and trend for the report and the brief (numpy and pandas: imported only by the
commands that write them, never on the way to ``rank`` or ``--help``)."""

from __future__ import annotations

from .analysis_view import CHARTED_TOWNS, Analysis, Table, TownYears, TrendView
from .evaluate import Evaluation
from .results import archive_data
from .sensitivity import sensitivity
from .sensitivity_view import (
    INFLUENCE_HEADERS,
    MARGIN_HEADERS,
    STABILITY_HEADERS,
    closest,
    influence_rows,
    margin_rows,
    margin_text,
    method_text,
    paragraph,
    stability_rows,
)
from .trend import trend
from .trend_view import (
    change_text,
    correlation_lines,
    item_headers,
    item_notes,
    item_rows,
    run_lines,
    town_headers,
    town_rows,
    value,
)

SPREAD = 0.2
SEED = 1


def report_samples(towns: int) -> int:
    """The draws the report makes: the command's 10,000 up to 2,000 towns, then fewer (at 40,000 towns 500)
    so that the report's time stays that of writing it; the sheet says how many."""
    return 10_000 if towns <= 2000 else max(500, 20_000_000 // towns)


def analyse(ev: Evaluation, earlier: list[dict]) -> Analysis:
    """``earlier``: the archives of the workspace (years after this one are left out, this year's is
    replaced by the evaluation itself: the report shows what it computes)."""
    s = sensitivity(ev, SPREAD, report_samples(len(ev.ranking)), SEED)
    tables = (
        Table("各街镇的位次范围、保持原位次的比例和等次概率", STABILITY_HEADERS, _rows(stability_rows(s)), frozenset({0, 2, 4, 5})),
        Table("互换位次所需分值（相邻位次及等次分界两侧）", MARGIN_HEADERS, _rows(margin_rows(s)), frozenset({3, 4, 5})),
        Table(f"各项目单独上调、下调 {SPREAD * 100:g}%（其余项目按比例调整，总分不变）时位次改变的街镇数", INFLUENCE_HEADERS,
              _rows(influence_rows(s)), frozenset({0, 2, 3, 4, 5})),
    )
    before = [a for a in earlier if int(a["year"]) < ev.rubric.year]
    return Analysis(method_text(s), paragraph(s), tuple(margin_text(s, m) for m in closest(s)), tables,
                    _trend([*before, archive_data(ev, {})]) if before else None,
                    ("详见 docs/sensitivity.md；qp-eval sensitivity 可改变变动幅度、抽样次数和随机种子。",))


def _rows(rows: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(r) for r in rows)


def _trend(archives: list[dict]) -> TrendView:
    t = trend(archives)
    def each(u: str, field: str) -> tuple:
        return tuple(value(t.towns.at[u, (field, y)]) for y in t.years)

    by_town = tuple(TownYears(t.name(u), tuple(None if r is None else int(r) for r in each(u, "rank")),
                              each(u, "final"), each(u, "grade"), change_text(t, u)) for u in t.towns.index)
    span = f"{t.years[0]}–{t.years[-1]}"
    return TrendView(
        tuple(t.years),
        Table(f"历年位次、最终得分和等次（{span} 年度）", tuple(town_headers(t)), _rows(town_rows(t)),
              frozenset(range(1, len(t.years) + 2))),
        tuple(correlation_lines(t) + run_lines(t)),
        Table("各项目全区平均得分率（得分 ÷ 项目分值）", tuple(item_headers(t)), _rows(item_rows(t)),
              frozenset(range(2, len(item_headers(t))))) if t.items else None,
        tuple(item_notes(t)),
        by_town,
        len(by_town) <= CHARTED_TOWNS,
    )
