"""The report workbook for the director's meeting (局长办公会议).

Sheets: 排名 (with a bar chart, title row, print setup), 分项得分, 科室评分, 加减分, 差距跟进,
溯源. Text from inputs is always written as text, never as a formula; numbers as numbers,
shown to the rubric's precision. The file is written atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import report_data as R
from ..evaluate import Evaluation
from ..ranking import publish
from ..text import printable
from ..workspace import atomic_path
from .ranking_out import FORMULA_START, records

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
PAPERSIZE_A4 = Worksheet.PAPERSIZE_A4
WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
SHEETS = ("排名", "分项得分", "科室评分", "加减分", "差距跟进", "溯源")
RANK_HEADERS = ("位次", "街镇", "重点工作得分", "亮点加分", "问题扣分", "最终得分", "等级", "较上年变化", "说明")


def _cell(ws: Worksheet, value: object, number_format: str | None = None, bold: bool = False,
          fill: PatternFill | None = None, wrap: bool = False) -> object:
    """One cell for a write-only sheet: text stays text (never a formula), numbers stay numbers.

    Plain values are returned as they are (the cheap path for the long sheets); a cell object
    is made only when it needs a format, a style, or protection from being read as a formula.
    """
    is_text = isinstance(value, str)
    if is_text:
        value = printable(value)  # type: ignore[arg-type]
    needs_cell = (is_text and value.startswith(FORMULA_START)) or bold or fill is not None or wrap or (
        number_format is not None and isinstance(value, int | float | Decimal) and not isinstance(value, bool))
    if not needs_cell:
        return value
    cell = WriteOnlyCell(ws, value=value)
    if is_text:
        cell.data_type = "s"  # "=..." from an input is text, not a formula
    elif number_format and isinstance(value, int | float | Decimal):
        cell.number_format = number_format
    if bold:
        cell.font = BOLD
    if fill is not None:
        cell.fill = fill
    if wrap:
        cell.alignment = WRAP
    return cell


def _header(ws: Worksheet, headers: tuple[str, ...] | list[str]) -> None:
    ws.append([_cell(ws, h, bold=True, fill=HEADER_FILL, wrap=True) for h in headers])


def _prepare(ws: Worksheet, header_row: int, widths: list[int] | None = None, freeze: str | None = None) -> None:
    """Sheet-level settings. A write-only sheet writes them with its first row: call this first."""
    for c, w in enumerate(widths or [], 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = freeze or f"A{header_row + 1}"


def build(ev: Evaluation, made: dt.date) -> Workbook:
    fmt = "0" if ev.rubric.precision == 0 else "0." + "0" * ev.rubric.precision
    wb = Workbook(write_only=True)  # styles per cell cost more than the cells: see benchmarks/
    _ranking(wb.create_sheet(SHEETS[0]), ev, made, fmt)
    _matrix(wb.create_sheet(SHEETS[1]), ev, fmt)
    _rows(wb.create_sheet(SHEETS[2]), ("科室", "街镇", "编号", "细则", "分值", "得分", "得分方式", "扣分说明", "来源"),
          R.department_rows(ev), fmt, [20, 10, 8, 24, 7, 8, 10, 36, 40], {4, 5})
    _rows(wb.create_sheet(SHEETS[3]), ("街镇", "类型", "项目", "分值", "依据", "来源"),
          R.adjustment_rows(ev), fmt, [10, 10, 40, 8, 30, 40], {3})
    _gaps(wb.create_sheet(SHEETS[4]), ev, fmt)
    _trace(wb.create_sheet(SHEETS[5]), ev, fmt)
    return wb


def _ranking(ws: Worksheet, ev: Evaluation, made: dt.date, fmt: str) -> None:
    _prepare(ws, 2, [6, 12, 13, 10, 10, 10, 8, 12, 40])
    title = f"{ev.rubric.title} 考评位次（{made.year}年{made.month}月{made.day}日生成）"
    ws.append([_cell(ws, title, bold=True)])
    ws.merged_cells.add(f"A1:{get_column_letter(len(RANK_HEADERS))}1")
    _header(ws, RANK_HEADERS)
    for rec, x in zip(records(ev), ev.ranking, strict=True):
        pub = ev.published[x.unit_id]
        values: list[object] = [rec["rank"], rec["unit"], pub.base, pub.bonus, pub.deductions, pub.final,
                                rec["grade"], rec["change"] or "—", rec["note"]]
        ws.append([_cell(ws, v, None if k == 0 else fmt) for k, v in enumerate(values)])
    last = 2 + len(ev.ranking)
    chart = BarChart()
    chart.type = "col"
    chart.title = "各街镇最终得分"
    chart.y_axis.title = "最终得分"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=6, min_row=2, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=last))
    chart.width, chart.height = 22, 9
    ws.add_chart(chart, f"A{last + 3}")


def _matrix(ws: Worksheet, ev: Evaluation, fmt: str) -> None:
    """分项得分: the published item scores, subtotals, and the lines that reconcile them with the base."""
    rubric = ev.rubric
    columns = R.matrix_columns(ev)
    _prepare(ws, 1, [6, 12], freeze="C2")  # keep rank and town in view
    ws.row_dimensions[1].height = 90
    _header(ws, ["位次", "街镇"] + [c.header for c in columns])
    col_values: list[list[Decimal]] = [[] for _ in columns]
    for x in ev.ranking:
        pub = ev.published[x.unit_id]
        row: list[object] = [x.rank, rubric.unit[x.unit_id].name]
        for k, col in enumerate(columns):
            v = R.matrix_value(col, pub)
            strong = col.kind in ("subtotal", "base")
            row.append(_cell(ws, v, fmt, bold=strong, fill=SUBTOTAL_FILL if col.kind == "subtotal" else None))
            if isinstance(v, Decimal):
                col_values[k].append(v)
        ws.append(row)
    last = 1 + len(ev.ranking)
    for offset, label in enumerate(("全区平均", "最高", "最低")):
        ws.append([None, _cell(ws, label, bold=True)]
                  + [_cell(ws, publish(rubric, R.column_stats(values)[offset]), fmt) if values else None
                     for values in col_values])
    for note in R.matrix_notes(ev):
        ws.append([None, _cell(ws, f"注：{note}")])
    for k, col in enumerate(columns):
        reduced = col.kind == "item" and any(ev.published[x.unit_id].item(col.items[0].number).reduced
                                             for x in ev.ranking)
        if col.kind == "item" and not reduced:  # colours compare raw scores: only where all are out of the same points
            letter = get_column_letter(3 + k)
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{last}",
                ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50,
                               mid_color="FFEB84", end_type="max", end_color="63BE7B"),
            )


def _rows(ws: Worksheet, headers: tuple[str, ...], rows: list[list[object]], fmt: str, widths: list[int],
          numeric: set[int]) -> None:
    """A long detail sheet: plain values, a number format on the numeric columns (0-based)."""
    _prepare(ws, 1, widths)
    _header(ws, headers)
    for row in rows:
        ws.append([_cell(ws, v, fmt if c in numeric else None) for c, v in enumerate(row)])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(2, len(rows) + 1)}"


def _gaps(ws: Worksheet, ev: Evaluation, fmt: str) -> None:
    rubric = ev.rubric
    names = {i.number: i.name for i in rubric.items}
    rows = [[rubric.department[g.department_id].name, rubric.unit[g.unit_id].name, f"{g.item_no}. {names[g.item_no]}",
             g.score, g.points, g.reason] for g in R.gaps(ev)]
    _rows(ws, ("评估科室", "街镇", "项目", "得分", "分值", "跟进原因"), rows, fmt, [26, 10, 40, 8, 8, 24], {3, 4})


def _trace(ws: Worksheet, ev: Evaluation, fmt: str) -> None:
    rows = R.trace_rows(ev)
    files = sorted(ev.validation.tables.files, key=lambda f: f.path)
    tail: list[list[object]] = [[], ["输入文件"], ["文件", "类型", "科室", "SHA-256"]]
    for f in files:
        dept = ev.rubric.department[f.department_id].name if f.department_id else ""
        tail.append([f.path, f.kind, dept, f.sha256])
    tail += [[], [f"评估细则指纹：{ev.rubric.fingerprint}"]]
    _rows(ws, ("街镇", "项目", "数值", "文件", "工作表", "单元格"), rows + tail, fmt, [10, 20, 8, 50, 8, 14], {2})


def write(ev: Evaluation, target: Path, made: dt.date) -> None:
    wb = build(ev, made)
    try:
        with atomic_path(target) as tmp:
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Workbook) -> None:
    """Finish the streams of an abandoned write-only workbook, so nothing is left half-open."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()
