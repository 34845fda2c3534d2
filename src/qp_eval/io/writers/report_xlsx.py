"""The report workbook for the director's meeting (局长办公会议), written with xlsxwriter.

Sheets: 排名 (with a bar chart, title row, print setup), 分项得分, 科室评分, 加减分, 差距跟进,
溯源. Rows are built as data first (``report_data``); this module only lays them out, row by
row, in xlsxwriter's constant-memory mode (measured faster than openpyxl's write-only mode on
this report's two million cells: benchmarks/RESULTS.md). Text from inputs is always written as
text, never as a formula; numbers as numbers, shown to the rubric's precision. The file is
written atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook

from ...core import report_data as R
from ...core.analysis_view import CHARTED_TOWNS, Analysis, Table, TrendView
from ...core.evaluate import Evaluation
from ...core.layout import SHEET_ROWS
from ...core.names import annex_name
from ...core.numbers import publish
from ...core.results import COLUMNS, columns_of, records
from ...core.selfcompare import ITEM_HEADERS, item_rows, sections
from ...core.text import LINE_HEIGHT_PT as LINE_HEIGHT
from ...core.text import printable, spreadsheet_lines
from ..atomic import atomic_paths

SHEETS = ("排名", "分项得分", "科室评分", "加减分", "差距跟进", "溯源")
DECISION_SHEET = "审定调整"  # after 排名, once the director's meeting has decided
SELF_SHEET = "自评对照"  # between 差距跟进 and 溯源, when self-evaluations arrived
STABILITY_SHEET = "稳定性"  # last of the meeting's workbook: how firm the ranking is (core.analysis)
TREND_SHEET = "历年趋势"  # after it, when an earlier year's archive is in the workspace
MARGIN_SHEET = "互换所需分值"  # in 附表: every pair's swap margin
INFLUENCE_SHEET = "项目影响"  # in 附表: how many towns each item moves
TREND_ITEMS = "历年项目得分率"  # in 附表: the items' mean score rates by year
RANK_HEADERS = tuple(c.header for c in COLUMNS)
HEADER = {"bold": True, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
FOOTER = "&C第 &P 页，共 &N 页"
A4 = 9
# an East Asian font (GB2312) in every style; text at the top of its cell, level with wrapped neighbours
FONT = {"font_name": "宋体", "font_size": 11, "font_charset": 134, "valign": "top"}
ROWS = SHEET_ROWS  # a worksheet's rows (xlsxwriter's ``xls_rowmax``): a longer sheet goes on in another
CELL_CHARS = 32_767  # a cell's text in Excel (``xls_strmax``, UTF-16 units): longer text is cut, and says so
HALF_CELL = CELL_CHARS // 2  # text no longer than this fits however it is counted
CUT = "……（全文超过 Excel 单元格 32767 个字符的上限，此处截断；全文见 md 或 json 格式的报告）"
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}  # with FONT as the default format: ``options()``



def options() -> dict:
    """``OPTIONS`` for one workbook. xlsxwriter adds to the default format's properties it is given (a
    theme font): given the same dict twice, a process's second workbook said its default font was the
    theme's (``<scheme val="minor"/>``) and its first did not, so the 附表 differed from the report."""
    return {**OPTIONS, "default_format_properties": {**FONT}}


class _Sheet:
    """One worksheet written top to bottom: the next row, and the formats it uses."""

    def __init__(self, wb: Workbook, name: str, number_format: str):
        self.wb, self.ws, self.r = wb, wb.add_worksheet(name), 0
        self.name, self.rows, self.parts = name, ROWS, 1  # rows a sheet holds; sheets the rows have taken
        self._layout: tuple[int, list[int], tuple[int, int] | None, tuple[int, ...], int] | None = None
        self._headers: list[str] | None = None  # the header at the top, repeated on a continuation sheet
        self.filtered = 0  # columns of the header that get an autofilter over the sheet's rows (0: none)
        self.widths: list[int] = []
        self.wrap: tuple[int, ...] = ()  # columns whose text wraps; rows get the height it needs
        self.long = False  # a detail sheet of a row per town and criterion: heights of written rows let go
        self._sized: deque[int] = deque()  # rows given a height that xlsxwriter still holds
        self.formats = {
            "header": wb.add_format(HEADER),
            "number": wb.add_format({"num_format": number_format}),
            "bold_number": wb.add_format({"num_format": number_format, "bold": True}),
            "subtotal": wb.add_format({"num_format": number_format, "bold": True, "bg_color": "#F2F2F2"}),
            "bold": wb.add_format({"bold": True}),
            "title": wb.add_format({"bold": True, "font_size": 12}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        }

    def prepare(self, header_row: int, widths: list[int], freeze: tuple[int, int] | None = None,
                wrap: tuple[int, ...] = (), across: int = 0) -> None:
        """Print set-up and column widths: A4 landscape, header row repeated, page numbers; one page
        wide, or (``across``: the first columns repeated on every page) as many pages across as the
        columns need, at full size. ``wrap``: columns whose long text wraps within the width."""
        ws = self.ws
        self.widths, self.wrap = widths, wrap
        self._layout = (header_row, widths, freeze, wrap, across)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.set_landscape()
        ws.set_paper(A4)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        if across:
            ws.repeat_columns(0, across - 1)
        else:
            ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row - 1)
        ws.set_footer(FOOTER)
        ws.freeze_panes(*(freeze or (header_row, 0)))

    def height(self, values: list[object]) -> None:
        """Give the next row the height its wrapped text needs (``text.spreadsheet_lines``)."""
        lines = 1
        for c in self.wrap:
            v = values[c] if c < len(values) else None
            if type(v) is str and len(v) > 6:
                need = spreadsheet_lines(v, self.widths[c])
                if need > lines:
                    lines = need
        if lines > 1:
            self.ws.set_row(self.r, LINE_HEIGHT * lines)
            if self.long:
                self._let_go(self.r)

    def _let_go(self, r: int) -> None:
        """Forget the heights of rows already written out. xlsxwriter keeps every height it is given
        for the whole sheet (``row_info``, and ``row_sizes`` to place images), although in
        constant-memory mode a row is written to disk as soon as the next one begins and its height
        is never read again: 130 bytes a row, 600 MiB for the 溯源 and 科室评分 of 40,000 towns. Only
        in sheets with no image or chart, and only while the writer is in that mode; should a later
        xlsxwriter rename these, nothing is forgotten and the sheet is the same."""
        ws, sized = self.ws, self._sized
        info, sizes = getattr(ws, "row_info", None), getattr(ws, "row_sizes", None)
        if not getattr(ws, "constant_memory", False) or not isinstance(info, dict) or not isinstance(sizes, dict):
            return
        sized.append(r)
        while sized[0] < r - 1:  # the row before r is written out when r's first cell is
            done = sized.popleft()
            info.pop(done, None)
            sizes.pop(done, None)

    def row(self, values: list[object], style: str | None = None, numeric: set[int] | None = None,
            styles: dict[int, str] | None = None) -> None:
        """One row: text as text (never a formula), numbers with the number format where asked."""
        self.writer(len(values), style, numeric, styles)(values)

    def writer(self, width: int, style: str | None = None, numeric: set[int] | None = None,
               styles: dict[int, str] | None = None) -> Callable[[list[object]], None]:
        """A function that writes rows of one shape, its formats worked out once (a sheet has 100,000 rows)."""
        wraps = {c: "wrap" for c in self.wrap}
        names = [(styles or {}).get(c) or style or ("number" if numeric is not None and c in numeric or numeric is None
                                                     else wraps.get(c))
                 for c in range(width)]
        fmts = [self.formats.get(n) if n else None for n in names]
        blank = [n in ("header", "subtotal") for n in names]
        write_number, write_string, write_blank = _cell_writers(self.ws)

        height = self.height if self.wrap else None

        def write(values: list[object]) -> None:
            nonlocal write_number, write_string, write_blank
            if self.r >= self.rows:
                self._continue()
                write_number, write_string, write_blank = _cell_writers(self.ws)
            if height is not None:
                height(values)
            r = self.r
            for c, v in enumerate(values):
                fmt = fmts[c] if c < width else None
                t = type(v)
                if t is str:
                    if v:
                        v = printable(v)  # type: ignore[arg-type]
                        if len(v) > HALF_CELL:  # type: ignore[arg-type]
                            v = _cut(v)  # type: ignore[arg-type]
                        write_string(r, c, v, fmt)  # type: ignore[arg-type]
                    elif c < width and blank[c]:
                        write_blank(r, c, None, fmt)
                elif t is Decimal or t is int or t is float:
                    write_number(r, c, float(v), fmt)  # type: ignore[arg-type]
                elif v is None:
                    if c < width and blank[c]:
                        write_blank(r, c, None, fmt)
                else:
                    write_string(r, c, _cut(printable(str(v))), fmt)
            self.r = r + 1

        return write

    def header(self, headers: list[str] | tuple[str, ...]) -> None:
        at_top = self.r == 0
        self.row(list(headers), style="header")
        if at_top:
            self._headers = list(headers)

    def filter(self) -> None:
        """The autofilter over the header and the rows written (``filtered``: its columns)."""
        if self.filtered:
            self.ws.autofilter(0, 0, max(1, self.r - 1), self.filtered - 1)

    def _continue(self) -> None:
        """The sheet holds all the rows Excel allows: the rows go on in a sheet after it, 溯源（续1）,
        溯源（续2）…, of the same layout under the same header. Only a sheet with its header on the first
        row goes on (the detail sheets); any other has no row to lose before Excel's last."""
        if self._layout is None or self._layout[0] != 1 or self._headers is None:
            raise AssertionError(f"sheet {self.name} has more rows than Excel's {self.rows:,}")
        self.filter()
        self.ws = self.wb.add_worksheet(f"{self.name}（续{self.parts}）")
        self.parts += 1
        self.r = 0
        self._sized.clear()
        self.prepare(*self._layout)
        self.header(self._headers)


def _cell_writers(ws: Any) -> tuple[Callable[..., int], Callable[..., int], Callable[..., int]]:
    """A worksheet's number, string and blank writers for (row, column) cells: xlsxwriter's own, without
    the wrapper that first tries whether the cell is given in A1 notation (a tenth of the report's time
    at two million cells); the documented methods where a later xlsxwriter has renamed these."""
    names = ("_write_number", "_write_string", "_write_blank")
    found = [getattr(ws, n, None) for n in names]
    if all(callable(f) for f in found):
        return found[0], found[1], found[2]  # type: ignore[return-value]
    return ws.write_number, ws.write_string, ws.write_blank


def _cut(text: str) -> str:
    """Text that fits an Excel cell: cut, with a note that it is, when longer than ``CELL_CHARS``."""
    if len(text) <= HALF_CELL or len(text.encode("utf-16-le")) // 2 <= CELL_CHARS:
        return text
    keep = CELL_CHARS - len(CUT) - 1  # UTF-16 units, with room for a split pair
    cut = text.encode("utf-16-le")[:keep * 2].decode("utf-16-le", "ignore")
    return cut + CUT


def _number_format(ev: Evaluation) -> str:
    return "0" if ev.rubric.precision == 0 else "0." + "0" * ev.rubric.precision


def _fill(wb: Workbook, ev: Evaluation, made: dt.date, analysis: Analysis | None = None) -> None:
    """The workbook for the meeting, every sheet of which is meant to be printed (附表 holds the rest)."""
    fmt = _number_format(ev)
    _ranking(_Sheet(wb, SHEETS[0], fmt), ev, made)
    if ev.decision.decided:
        _rows(_Sheet(wb, DECISION_SHEET, fmt), R.DECISION_HEADERS, R.decision_rows(ev),
              [10, 44, 9, 9, 8, 8, 8, 8, 24, 30], {2, 3}, wrap=(1, 8, 9))
    _matrix(_Sheet(wb, SHEETS[1], fmt), ev)
    _gaps(_Sheet(wb, SHEETS[4], fmt), ev)
    if ev.validation.tables.self_reports:
        _self(wb, ev, fmt)
    if analysis is not None:
        _stability(_Sheet(wb, STABILITY_SHEET, fmt), analysis)
        if analysis.trend is not None:
            _trend(_Sheet(wb, TREND_SHEET, fmt), analysis.trend)


def _note(s: _Sheet, text: str, span: int, style: str = "wrap") -> None:
    """A line of text across the first ``span`` + 1 columns, as high as its wrapped lines need."""
    text = printable(text)
    s.ws.merge_range(s.r, 0, s.r, span, text, s.formats[style])
    s.ws.set_row(s.r, LINE_HEIGHT * spreadsheet_lines(text, sum(s.widths[:span + 1])))
    s.r += 1


def _table(s: _Sheet, t: Table, span: int) -> None:
    """A table of the analysis under its title."""
    _note(s, t.title, span, "title")
    _body(s, t)
    s.r += 1


def _body(s: _Sheet, t: Table) -> None:
    """The table's header and rows: a column of whole numbers as numbers, the rest (2–3, 97.7%) as text."""
    s.header(t.headers)
    write = s.writer(len(t.headers), numeric=set())
    whole = {k for k in t.numeric if all(row[k].isdigit() for row in t.rows)}  # a column of ranges stays text
    for row in t.rows:
        write([int(v) if k in whole else v for k, v in enumerate(row)])


def _stability(s: _Sheet, a: Analysis) -> None:
    """稳定性: the method, the closest swaps, then the three tables of ``qp-eval sensitivity``."""
    s.prepare(1, [8, 14, 12, 10, 18, 12, 40], wrap=(1, 6))
    s.ws.freeze_panes(0, 0)
    span = 6
    _note(s, "位次稳定性", span, "title")
    _note(s, a.method, span)
    if a.closest:
        _note(s, "最接近互换位次的街镇：" + "；".join(a.closest) + "。", span)
    for note in (*a.notes, f"每两个相邻街镇的互换所需分值见附表“{MARGIN_SHEET}”，各项目的影响见附表“{INFLUENCE_SHEET}”。"):
        _note(s, f"注：{note}", span)
    s.r += 1
    _table(s, a.tables[0], span)


def _listed(s: _Sheet, t: Table, widths: list[int], wrap: tuple[int, ...], notes: tuple[str, ...] = ()) -> None:
    """A table of the analysis on a sheet of its own, its header at the top of every printed page."""
    s.prepare(1, widths, wrap=wrap)
    _body(s, t)
    span = min(len(widths) - 1, 6)
    for note in notes:
        _note(s, f"注：{note}。", span)


def _trend(s: _Sheet, t: TrendView) -> None:
    """历年趋势: each town's rank and final by year (numbers, for the chart), 较上年, and a line chart of the
    ranks (rank 1 at the top); then the correlations, the items and their notes."""
    years = len(t.years)
    headers = ["街镇", *(f"{y}年位次" for y in t.years), *(f"{y}年得分" for y in t.years), "较上年"]
    s.prepare(1, [14, *([11] * (2 * years)), 10], wrap=(0,))
    s.header(headers)
    first = s.r
    write = s.writer(len(headers), numeric=set(range(1 + years, 1 + 2 * years)))
    for town in t.by_town:
        write([town.town, *town.ranks, *(None if f is None else Decimal(str(f)) for f in town.finals), town.change])
    last = s.r - 1
    s.r += 1
    span = min(len(headers) - 1, 6)
    for line in t.lines:
        _note(s, line, span)
    if t.charted and years > 1:
        chart = s.wb.add_chart({"type": "line"})
        font = {"name": FONT["font_name"]}
        for row in range(first, last + 1):
            chart.add_series({"name": [TREND_SHEET, row, 0], "categories": [TREND_SHEET, 0, 1, 0, years],
                              "values": [TREND_SHEET, row, 1, row, years], "marker": {"type": "circle"}})
        chart.set_title({"name": "各街镇历年位次", "name_font": {**font, "size": 14}})
        chart.set_y_axis({"name": "位次", "reverse": True, "min": 1, "max": max(1, len(t.by_town)), "major_unit": 1,
                          "name_font": font, "num_font": font})
        chart.set_x_axis({"num_font": font})
        chart.set_legend({"position": "right", "font": font})
        chart.set_size({"width": 830, "height": 300})
        s.ws.insert_chart(s.r, 0, chart)
        s.r += 16  # the chart's rows
    elif not t.charted:
        _note(s, f"注：街镇超过 {CHARTED_TOWNS} 个，不绘制历年位次图。", span)
    if t.items is not None:
        _note(s, f"注：各项目历年全区平均得分率见附表“{TREND_ITEMS}”。", span)
    elif t.notes:
        for note in t.notes:
            _note(s, f"注：{note}。", span)


def _self_items(s: _Sheet, rows: list[list[object]]) -> None:
    s.prepare(1, [10, 30, 26, 7, 9, 9, 10, 44], wrap=(0, 1, 2, 7))
    s.header(ITEM_HEADERS)
    write = s.writer(len(ITEM_HEADERS), numeric={3, 4, 5, 6})
    for row in rows:
        write(row)


def _fill_annex(wb: Workbook, ev: Evaluation, later: Callable[[], Analysis | None]) -> Analysis | None:
    """附表: the working sheets, whole, for looking things up (a score's cell, a file's hash), printed
    only when someone asks for them; the analysis (``later``) is first needed after them. Returns it."""
    fmt = _number_format(ev)
    _rows(_Sheet(wb, SHEETS[2], fmt), ("科室", "街镇", "编号", "细则", "分值", "得分", "得分方式", "扣分说明", "来源"),
          R.department_rows(ev), [18, 10, 8, 24, 7, 8, 10, 36, 24], {4, 5}, wrap=(0, 3, 7, 8))
    _rows(_Sheet(wb, SHEETS[3], fmt), ("街镇", "类型", "项目", "分值", "依据", "来源"),
          R.adjustment_rows(ev), [10, 10, 36, 8, 36, 40], {3}, wrap=(2, 4, 5))
    _trace(_Sheet(wb, SHEETS[5], fmt), ev)
    analysis = later()
    if analysis is not None:
        margins, influence = analysis.tables[1:]
        _listed(_Sheet(wb, MARGIN_SHEET, fmt), margins, [10, 14, 14, 10, 10, 14, 14], (1, 2))
        _listed(_Sheet(wb, INFLUENCE_SHEET, fmt), influence, [8, 44, 8, 10, 10, 10], (1,), (influence.title,))
        t = analysis.trend
        if t is not None and t.items is not None:
            _listed(_Sheet(wb, TREND_ITEMS, fmt), t.items, [8, 44, *([10] * (len(t.items.headers) - 2))], (1,), t.notes)
    return analysis


def _self(wb: Workbook, ev: Evaluation, fmt: str) -> None:
    """自评对照: per town and item the self-score beside the departments'; then, each on a sheet of its
    own so that each prints under its own header, the largest differences and the problems that the
    town and the register disagree on."""
    cmp = ev.comparison
    differing = [row for row, g in zip(item_rows(ev, cmp), cmp.items, strict=True)
                 if g.self_score is None or g.difference]  # the printed sheet: where the two views part
    _self_items(_Sheet(wb, SELF_SHEET, fmt), differing)
    for title, headers, rows, numeric in sections(ev, cmp):
        t = _Sheet(wb, title.split("（")[0][:31], fmt)  # a sheet name of the title, without its aside
        widths = [max(8, min(40, max([len(str(h)) * 2, *(len(str(r[k])) * 2 for r in rows if k < len(r))])))
                  for k, h in enumerate(headers)]
        t.prepare(1, widths, wrap=tuple(k for k, w in enumerate(widths) if w >= 20))
        t.header(headers)
        write = t.writer(len(headers), numeric=numeric)
        for row in rows or [["无"]]:
            write(row)


def _ranking(s: _Sheet, ev: Evaluation, made: dt.date) -> None:
    columns = columns_of(ev)
    s.prepare(2, [6, 12, 13, 10, 10, 10, 8, 12, 40, 9, 9, 9][:len(columns)], wrap=(8,))
    title = f"{ev.rubric.title} 考评位次（{ev.decision.said()}；{made.year}年{made.month}月{made.day}日生成）"
    s.ws.merge_range(0, 0, 0, len(columns) - 1, printable(title), s.formats["title"])
    s.r = 1
    s.header([c.header for c in columns])
    decimals = {k for k, c in enumerate(columns) if c.numeric and not c.key.endswith("rank")}  # at the rubric's precision
    for rec, x in zip(records(ev), ev.ranking, strict=True):
        pub = ev.published[x.unit_id]
        values = {**rec, "base": pub.base, "bonus": pub.bonus, "deductions": pub.deductions, "final": x.final,
                  "change": rec["change"] or "—", "proposed_final": ev.proposed[x.unit_id].final}
        s.row([values[c.key] for c in columns], numeric=decimals)
    last = 1 + len(ev.ranking)  # 0-based row of the last town
    if ev.previous_problem:  # 较上年 is 无法比较: the reason, under the table (the chart goes below it)
        s.ws.write_string(last + 1, 0, printable(f"注：{ev.previous_problem}。"))
    chart = s.wb.add_chart({"type": "column"})
    chart.add_series({"name": [SHEETS[0], 1, 5], "categories": [SHEETS[0], 2, 1, last, 1],
                      "values": [SHEETS[0], 2, 5, last, 5]})
    font = {"name": FONT["font_name"]}
    chart.set_title({"name": "各街镇最终得分", "name_font": {**font, "size": 14}})
    chart.set_y_axis({"name": "最终得分", "min": 0, "name_font": font, "num_font": font})  # from 0: no gap exaggerated
    chart.set_x_axis({"num_font": font})
    chart.set_legend({"none": True})
    chart.set_size({"width": 830, "height": 340})
    s.ws.insert_chart(last + 3, 0, chart)


def _matrix(s: _Sheet, ev: Evaluation) -> None:
    """分项得分: the published item scores, subtotals, and the lines that reconcile them with the base."""
    rubric = ev.rubric
    columns = R.matrix_columns(ev)
    # keep rank and town in view, and on every printed page: the items run across pages at full size
    s.prepare(1, [6, 12] + [10] * len(columns), freeze=(1, 2), across=2)
    s.ws.set_row(0, 90)
    s.header(["位次", "街镇"] + [c.header for c in columns])
    styles = {2 + k: ("subtotal" if c.kind == "subtotal" else "bold_number" if c.kind == "base" else "number")
              for k, c in enumerate(columns)}
    col_values: list[list[Decimal]] = [[] for _ in columns]
    for x in ev.ranking:
        pub = ev.published[x.unit_id]
        cells = [R.matrix_value(c, pub) for c in columns]
        for k, v in enumerate(cells):
            if isinstance(v, Decimal):
                col_values[k].append(v)
        s.row([x.rank, rubric.unit[x.unit_id].name, *cells], styles={0: "", 1: "", **styles}, numeric=set())
    last = len(ev.ranking)  # 0-based row of the last town
    for offset, label in enumerate(("全区平均", "最高", "最低")):
        stats = [publish(rubric, R.column_stats(values)[offset]) if values else None for values in col_values]
        s.row([None, label, *stats], styles={1: "bold"}, numeric=set(range(2, 2 + len(columns))))
    span = min(len(s.widths) - 1, 8)  # a note across the first page's columns, wrapped: never cut at a page's edge
    for note in R.matrix_notes(ev):
        text = printable(f"注：{note}")
        s.ws.merge_range(s.r, 1, s.r, span, text, s.formats["wrap"])
        s.ws.set_row(s.r, LINE_HEIGHT * spreadsheet_lines(text, sum(s.widths[1:span + 1])))
        s.r += 1
    for k, col in enumerate(columns):
        reduced = col.kind == "item" and any(ev.published[x.unit_id].item(col.items[0].number).reduced
                                             for x in ev.ranking)
        if col.kind == "item" and not reduced:  # colours compare raw scores: only where all are out of the same points
            s.ws.conditional_format(1, 2 + k, last, 2 + k, {
                "type": "3_color_scale", "min_color": "#F8696B", "mid_type": "percentile", "mid_value": 50,
                "mid_color": "#FFEB84", "max_color": "#63BE7B"})


def _rows(s: _Sheet, headers: tuple[str, ...], rows: Iterable[list[object]], widths: list[int], numeric: set[int],
          wrap: tuple[int, ...] = ()) -> None:
    """A long detail sheet: plain values, a number format on the numeric columns (0-based), long text
    wrapped in the ``wrap`` columns; the rows written as they are made, never held all at once."""
    s.prepare(1, widths, wrap=wrap)
    s.long = True
    s.header(headers)
    s.filtered = len(headers)
    write = s.writer(len(headers), numeric=numeric)
    for row in rows:
        write(row)
    s.filter()


def _gaps(s: _Sheet, ev: Evaluation) -> None:
    _rows(s, R.GAP_HEADERS, R.gap_rows(ev), [26, 12, 40, 8, 8, 24], {3, 4}, wrap=(0, 2, 5))


def _trace(s: _Sheet, ev: Evaluation) -> None:
    tail: list[list[object]] = [[], ["输入文件"], list(R.FILE_HEADERS), *R.input_file_rows(ev)]
    tail += [[], [f"评估细则指纹：{ev.rubric.fingerprint}"]]
    _rows(s, ("街镇", "项目", "数值", "文件", "工作表", "单元格"), itertools.chain(R.trace_rows(ev), tail),
          [12, 20, 8, 60, 8, 14], {2}, wrap=(1, 3))


def write(ev: Evaluation, target: Path, made: dt.date,
          analysis: Analysis | Callable[[], Analysis | None] | None = None) -> list[Path]:
    """The report for the meeting at ``target`` and its 附表 beside it (``names.annex_name``), each laid
    out into a temporary file, then put in place together. Returns both. ``analysis``: the 稳定性 and
    历年趋势 sheets (``core.analysis``), none without it; or a function that gives it (``io.parallel.aside``),
    called once the 附表's detail sheets are written, before the sheets that show it."""
    annex = target.with_name(annex_name(target.name))
    later = analysis if callable(analysis) else lambda: analysis
    with atomic_paths([target, annex]) as (tmp, tmp_annex):
        analysed = _laid_out(tmp_annex, lambda wb: _fill_annex(wb, ev, later))
        _laid_out(tmp, lambda wb: _fill(wb, ev, made, analysed))
    return [target, annex]


def _laid_out(path: Path, fill: Callable[[Workbook], Analysis | None]) -> Analysis | None:
    """One workbook at ``path``, laid out by ``fill`` (what it returns is returned)."""
    wb = xlsxwriter.Workbook(str(path), options())
    try:
        out = fill(wb)
        wb.close()
    except BaseException:
        _discard(wb)
        raise
    return out


def _discard(wb: Workbook) -> None:
    """An abandoned constant-memory workbook: close and remove the temporary files its sheets stream into."""
    for ws in wb.worksheets():
        fh, name = getattr(ws, "row_data_fh", None), getattr(ws, "row_data_filename", None)
        with contextlib.suppress(Exception):
            if fh is not None and not fh.closed:
                fh.close()
        with contextlib.suppress(Exception):
            if name:
                os.unlink(name)
    wb.fileclosed = True  # nothing more will be written: no warning when it is collected
