"""The report as Markdown or one self-contained HTML page: every section of the workbook.

排名, 分项得分, 科室评分, 加减分, 差距跟进, 自评对照 (when the towns' self-evaluations arrived)
and 溯源, from the same row builders as the workbook (``report_data``, ``selfcompare``). Every
text from the inputs is escaped: a note reading ``<script>`` or ``| x |`` is shown as that text,
never as markup. The HTML needs no network and no script; wide tables scroll inside their own
box, so the page reads from a phone's width to a desktop's, town names on one line.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ...core import report_data as R
from ...core.analysis_view import Analysis, TrendView
from ...core.evaluate import Evaluation
from ...core.names import companion
from ...core.numbers import fmt
from ...core.results import columns_of, records, to_csv, to_json
from ...core.selfcompare import ITEM_HEADERS, problems_csv
from ...core.selfcompare import item_rows as self_rows
from ...core.selfcompare import sections as self_sections
from ...core.selfcompare import to_csv as items_csv
from ...core.text import terminal_safe
from ..atomic import atomic_paths
from ..oserrors import writing_to


@dataclass(frozen=True)
class Section:
    """A section of the report. Its rows are made again each time they are read (``rows()``), as they
    are written: the 科室评分 and 溯源 of 40,000 towns (1.6 million rows) are never held as text."""

    title: str
    headers: list[str]
    source: Callable[[], Iterable[Sequence[object]]]
    numeric: set[int]  # columns aligned right
    names: set[int]  # columns that never wrap (town names)
    notes: list[str]

    def rows(self) -> Iterator[list[str]]:
        return ([_text(v) for v in r] for r in self.source())

    def empty(self) -> bool:
        return next(iter(self.source()), None) is None


def _text(v: object) -> str:
    """A value as report text; control characters shown as codes (``cat 报告.md`` must not act on them)."""
    if v is None:
        return ""
    return format(v, "f") if isinstance(v, Decimal) else terminal_safe(str(v))


def _section(title: str, headers, rows, numeric=frozenset(), names=frozenset({0}), notes=()) -> Section:  # noqa: ANN001
    """``rows``: a list, or a function that makes the rows (called for each pass over them)."""
    source = rows if callable(rows) else (lambda: rows)
    return Section(title, list(headers), source, set(numeric), set(names), list(notes))


def sections(ev: Evaluation, made: dt.date, analysis: Analysis | None = None) -> list[Section]:
    """The report's sections, in the workbook's order (the analysis after the meeting's sheets)."""
    del made
    rubric = ev.rubric
    ranked = columns_of(ev)
    def rank_rows() -> Iterator[list[object]]:
        return ([rec[c.key] if rec[c.key] not in (None, "") else ("—" if c.key == "change" else "") for c in ranked]
                for rec in records(ev))

    columns = R.matrix_columns(ev)
    def item_rows() -> Iterator[list[object]]:
        return ([x.rank, rubric.unit[x.unit_id].name, *[R.matrix_value(c, ev.published[x.unit_id]) for c in columns]]
                for x in ev.ranking)

    legend = "；".join(f"{i.number}. {i.name}（{fmt(i.points)} 分）" for i in rubric.items)
    out = [
        _section(f"排名（{ev.decision.said()}）", [c.header for c in ranked], rank_rows,
                 numeric={k for k, c in enumerate(ranked) if c.numeric}, names={1},
                 notes=[f"注：{ev.previous_problem}。"] if ev.previous_problem else []),
        *([_section("审定调整", R.DECISION_HEADERS, R.decision_rows(ev), numeric={2, 3, 4, 5})] if ev.decision.decided
          else []),
        _section("分项得分", ["位次", "街镇"] + [c.short for c in columns], item_rows,
                 numeric=set(range(2, 2 + len(columns))) | {0}, names={1},
                 notes=[f"注：{n}" for n in R.matrix_notes(ev)] + [f"项目：{legend}"]),
        _section("科室评分", ["科室", "街镇", "编号", "细则", "分值", "得分", "得分方式", "扣分说明", "来源"],
                 lambda: R.department_rows(ev), numeric={4, 5}, names={1}),
        _section("加减分", ["街镇", "类型", "项目", "分值", "依据", "来源"], lambda: R.adjustment_rows(ev), numeric={3}),
        _section("差距跟进", R.GAP_HEADERS, lambda: R.gap_rows(ev), numeric={3, 4}, names={1}),
    ]
    if ev.validation.tables.self_reports:
        out.append(_section("自评对照", ITEM_HEADERS, lambda: self_rows(ev, ev.comparison), numeric={3, 4, 5, 6}))
        for title, headers, rows, numeric in self_sections(ev, ev.comparison):
            keep = [k for k, h in enumerate(headers) if h]  # the workbook's spacer columns are not needed here
            out.append(_section(title, [headers[k] for k in keep], [[r[k] if k < len(r) else "" for k in keep] for r in rows],
                                numeric={keep.index(k) for k in numeric if k in keep}))
    if analysis is not None:
        out += analysis_sections(analysis)
    out.append(_section("溯源", ["街镇", "项目", "数值", "文件", "工作表", "单元格"], lambda: R.trace_rows(ev), numeric={2}))
    out.append(_section("输入文件", R.FILE_HEADERS, R.input_file_rows(ev), names=set(),
                        notes=[f"评估细则指纹：{rubric.fingerprint}"]))
    return out


STABILITY_TITLE = "位次稳定性"
TREND_TITLE = "历年趋势"


def analysis_sections(a: Analysis) -> list[Section]:
    """稳定性 (its three tables) and 历年趋势 (towns, then items), as the workbook's sheets of those names."""
    first, *rest = a.tables
    lead = [a.method, *(["最接近互换位次的街镇：" + "；".join(a.closest) + "。"] if a.closest else []), *a.notes]
    out = [_section(STABILITY_TITLE, first.headers, first.rows, numeric=first.numeric, names={1},
                    notes=[f"注：{n}" for n in lead])]
    out += [_section(t.title, t.headers, t.rows, numeric=t.numeric, names={1, 2}) for t in rest]
    t = a.trend
    if t is not None:
        out.append(_section(f"{TREND_TITLE}（{t.years[0]}–{t.years[-1]} 年度）", t.towns.headers, t.towns.rows,
                            numeric=t.towns.numeric, notes=list(t.lines)))
        if t.items is not None:
            out.append(_section(t.items.title, t.items.headers, t.items.rows, numeric=t.items.numeric, names={1},
                                notes=[f"注：{n}。" for n in t.notes]))
        elif t.notes:
            out[-1].notes.extend(f"注：{n}。" for n in t.notes)
    return out


# --- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = set("\\`*_[]<>|#~")


def md_escape(text: str) -> str:
    """A cell's text as literal Markdown: no character of it starts markup or ends the cell."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text.replace("\n", " ").replace("\r", " "))


def _md_table(headers: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The table's lines, each after a line break but the first."""
    yield "| " + " | ".join(map(md_escape, headers)) + " |"
    yield "\n|" + "---|" * len(headers)
    for r in rows:
        yield "\n| " + " | ".join(map(md_escape, r)) + " |"


def markdown_parts(ev: Evaluation, made: dt.date, analysis: Analysis | None = None) -> Iterator[str]:
    """The Markdown report piece by piece, as it is written: paragraphs apart by a blank line, the file ending in one
    line break."""
    yield f"# {md_escape(ev.rubric.title)} 考评结果"
    yield f"\n\n{made.isoformat()} 生成；细则指纹 {ev.rubric.fingerprint}。"
    for sec in sections(ev, made, analysis):
        yield f"\n\n## {md_escape(sec.title)}\n\n"
        if sec.empty():
            yield "无"
        else:
            yield from _md_table(sec.headers, sec.rows())
        for n in sec.notes:
            yield "\n\n" + md_escape(n)
    yield "\n"


def to_markdown(ev: Evaluation, made: dt.date, analysis: Analysis | None = None) -> str:
    return "".join(markdown_parts(ev, made, analysis))


# --- HTML -----------------------------------------------------------------------------------

CSS = """body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:1em;color:#222;
line-height:1.5}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}nav a{margin-right:.8em;white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;margin:.5em 0;font-size:14px}
th,td{border:1px solid #bbb;padding:4px 8px;vertical-align:top}th{background:#ddebf7;white-space:nowrap}
td.n{text-align:right;white-space:nowrap}td.name{white-space:nowrap}td.t{min-width:14em}p.note{color:#555}
.chart{max-width:600px;display:block}table.compact td,table.compact th{padding:4px 6px}
@media print{.scroll{overflow:visible}}"""


def _html_table(sec: Section) -> Iterator[str]:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in sec.headers)

    # a column of long text keeps a reading width (it scrolls with the table rather than one character a line);
    # a first pass over the rows, so that no row is held while the table is written
    width = len(sec.headers)
    wide: set[int] = set()
    for r in sec.rows():
        wide.update(k for k, v in enumerate(r) if k < width and len(v) > 12)

    def cell(k: int, v: str) -> str:
        cls = ' class="n"' if k in sec.numeric else ' class="name"' if k in sec.names else \
            ' class="t"' if k in wide else ""
        return f"<td{cls}>{e(v)}</td>"

    yield f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>'
    for r in sec.rows():
        yield "<tr>" + "".join(cell(k, v) for k, v in enumerate(r)) + "</tr>"
    yield "</tbody></table></div>"


def _svg_chart(ev: Evaluation) -> str:
    """The ranking as a bar chart in inline SVG (no script, no network): a bar per town, longest first,
    its final score at its end; the axis starts a little below the lowest score, as the workbook's does."""
    e = html.escape
    finals = [x.final for x in ev.ranking]
    low = max((int(min(finals)) // 5) * 5 - 5, 0)
    high = max(int(max(finals)) + 1, low + 1)
    left, width, bar, gap = 130, 400, 22, 6
    height = len(ev.ranking) * (bar + gap) + 34
    out = [f'<svg class="chart" viewBox="0 0 600 {height}" width="100%" role="img" '
           f'aria-label="{e(ev.rubric.title)}最终得分">']
    for k, x in enumerate(ev.ranking):
        y = 10 + k * (bar + gap)
        w = max(float((x.final - low) / (high - low)) * width, 1)
        name = ev.rubric.unit[x.unit_id].name
        out.append(f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end" font-size="16">{e(name)}</text>'
                   f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="#4472c4"/>'
                   f'<text x="{left + w + 4:.1f}" y="{y + bar - 5}" font-size="16">{x.final}</text>')
    axis = height - 14
    out.append(f'<line x1="{left}" y1="{axis - 6}" x2="{left + width}" y2="{axis - 6}" stroke="#888"/>'
               f'<text x="{left}" y="{axis + 8}" font-size="13" fill="#555">{low}</text>'
               f'<text x="{left + width}" y="{axis + 8}" font-size="13" fill="#555" text-anchor="end">{high}</text>'
               "</svg>")
    return "".join(out)


PALETTE = ("#4472c4", "#ed7d31", "#a5a5a5", "#ffc000", "#5b9bd5", "#70ad47", "#264478", "#9e480e", "#636363",
           "#997300", "#255e91", "#43682b", "#698ed0", "#f1975a", "#b7b7b7", "#ffcd33", "#7cafdd", "#8cc168",
           "#335aa1", "#d26012")


def _svg_trend(t: TrendView) -> str:
    """Each town's rank by year as a line in inline SVG, rank 1 at the top, the town's name at its line's end."""
    e = html.escape
    n = max(1, len(t.by_town))
    years = len(t.years)
    left, top, plot_w, row = 40, 16, 380, 22
    plot_h = max(1, n - 1) * row
    height = top + plot_h + 40

    def x(k: int) -> float:
        return left + (plot_w * k / (years - 1) if years > 1 else plot_w / 2)

    def y(rank: int) -> float:
        return top + (rank - 1) * plot_h / max(1, n - 1)

    out = [f'<svg class="chart" viewBox="0 0 600 {height}" width="100%" role="img" aria-label="各街镇历年位次">']
    for k, year in enumerate(t.years):
        out.append(f'<line x1="{x(k):.1f}" y1="{top}" x2="{x(k):.1f}" y2="{top + plot_h}" stroke="#ddd"/>'
                   f'<text x="{x(k):.1f}" y="{top + plot_h + 24}" font-size="13" fill="#555" text-anchor="middle">'
                   f'{year}</text>')
    for rank in range(1, n + 1):
        out.append(f'<text x="{left - 8}" y="{y(rank) + 4:.1f}" font-size="12" fill="#555" text-anchor="end">{rank}</text>')
    for c, town in enumerate(t.by_town):
        colour = PALETTE[c % len(PALETTE)]
        points = [(x(k), y(r)) for k, r in enumerate(town.ranks) if r is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for px, py in points:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        if points:
            px, py = points[-1]
            out.append(f'<text x="{px + 8:.1f}" y="{py + 4:.1f}" font-size="13" fill="{colour}">{e(town.town)}</text>')
    out.append("</svg>")
    return "".join(out)


def _compact_ranking(ev: Evaluation) -> str:
    """What a phone shows first: rank, town, final score and grade (the rest in the table below)."""
    e = html.escape
    rows = "".join(f'<tr><td class="n">{x.rank}</td><td class="name">{e(ev.rubric.unit[x.unit_id].name)}</td>'
                   f'<td class="n">{x.final}</td><td class="name">{e(x.grade)}</td></tr>' for x in ev.ranking)
    return ('<table class="compact"><thead><tr><th>位次</th><th>街镇</th><th>最终得分</th><th>等级</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def html_parts(ev: Evaluation, made: dt.date, analysis: Analysis | None = None) -> Iterator[str]:
    """The HTML page piece by piece, as it is written."""
    e = html.escape
    secs = sections(ev, made, analysis)
    trend = analysis.trend if analysis is not None else None
    nav = "".join(f'<a href="#s{k}">{e(sec.title.split("（")[0])}</a>' for k, sec in enumerate(secs))
    files = len(ev.validation.tables.files)
    header = (f"<p>年度：{ev.rubric.year}　细则：{e(ev.rubric.title)}细则　结果：{e(ev.decision.said())}<br>"
              f"生成时间：{made.isoformat()}　数据来源：{files} 个输入文件（见“输入文件”）</p>"
              f"<details><summary>技术信息</summary><p>评估细则指纹 {e(ev.rubric.fingerprint)}（细则内容的校验值，"
              "用于核对报告与存档是否出自同一份细则）。</p></details>")
    yield ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           f"<title>{e(ev.rubric.title)} 考评结果</title><style>{CSS}</style></head><body>"
           f"<h1>{e(ev.rubric.title)} 考评结果</h1>{header}"
           f"<nav>{nav}</nav>")
    for k, sec in enumerate(secs):
        yield f'<section id="s{k}"><h2>{e(sec.title)}</h2>'
        if k == 0:  # the ranking: its chart and the four columns that matter first, the whole table below
            yield _svg_chart(ev) + _compact_ranking(ev) + '<p class="note">各项得分见下表（可左右滑动）。</p>'
        elif trend is not None and trend.charted and len(trend.years) > 1 and sec.title.startswith(TREND_TITLE):
            yield _svg_trend(trend)
        if sec.empty():
            yield "<p>无</p>"
        else:
            yield from _html_table(sec)
        yield "".join(f'<p class="note">{e(n)}</p>' for n in sec.notes) + "</section>"
    yield "</body></html>\n"


def to_html(ev: Evaluation, made: dt.date, analysis: Analysis | None = None) -> str:
    return "".join(html_parts(ev, made, analysis))


def write_text_report(ev: Evaluation, fmt: str, target: Path, made: dt.date,
                      analysis: Analysis | None = None) -> list[Path]:
    """``report --format csv|json|md|html``: the file at ``target`` (written atomically), and with csv,
    once self-evaluations arrived, the comparison beside it: ``<name>_自评对照.csv`` (per town and item)
    and ``<name>_自评问题对照.csv`` (the problems the register and the towns disagree on). ``analysis``:
    the 位次稳定性 and 历年趋势 sections of the Markdown and HTML reports."""
    parts = {
        "csv": lambda: iter(("\ufeff", to_csv(ev))),  # BOM: Excel opens UTF-8 CSV correctly
        "json": lambda: iter((to_json(ev),)),
        "md": lambda: markdown_parts(ev, made, analysis),  # written as made: a large year's page is never held whole
        "html": lambda: html_parts(ev, made, analysis),
    }[fmt]
    files: list[tuple[Path, Callable[[], Iterator[str]]]] = [(target, parts)]
    if fmt == "csv" and ev.validation.tables.self_reports:
        for suffix, text in (("自评对照", items_csv(ev, ev.comparison)), ("自评问题对照", problems_csv(ev.comparison))):
            files.append((target.with_name(companion(target.stem, suffix)), lambda text=text: iter(("\ufeff", text))))
    written = [path for path, _ in files]
    with atomic_paths(written) as temps:  # the files go together: all are written before any is replaced
        for tmp, (path, make) in zip(temps, files, strict=True):
            with writing_to(path), tmp.open("w", encoding="utf-8", newline="") as out:
                out.writelines(make())
    return written
