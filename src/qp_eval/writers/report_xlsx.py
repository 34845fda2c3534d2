"""The report workbook for the director's meeting (局长办公会议).

Sheets: 排名 (with a bar chart, title row, print setup), 分项得分, 科室评分, 加减分, 差距跟进,
溯源. Text from inputs is always written as text, never as a formula; numbers as numbers,
shown to the rubric's precision. The file is written atomically.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import report_data as R
from ..evaluate import Evaluation
from ..workspace import atomic_path
from .ranking_out import records

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
SHEETS = ("排名", "分项得分", "科室评分", "加减分", "差距跟进", "溯源")
RANK_HEADERS = ("位次", "街镇", "重点工作得分", "亮点加分", "问题扣分", "最终得分", "等级", "较上年变化", "说明")


def put(ws: Worksheet, row: int, col: int, value: object, number_format: str | None = None):  # noqa: ANN201
    """Write one cell: text stays text (never a formula), numbers stay numbers."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # "=..." from an input is text, not a formula
    else:
        cell.value = value
        if number_format and isinstance(value, int | float | Decimal):
            cell.number_format = number_format
    return cell


def _header(ws: Worksheet, row: int, headers: tuple[str, ...] | list[str], widths: list[int] | None = None) -> None:
    for c, h in enumerate(headers, 1):
        cell = put(ws, row, c, h)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if widths:
            ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]


def _print(ws: Worksheet, header_row: int, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def build(ev: Evaluation, made: dt.date) -> Workbook:
    fmt = "0" if ev.rubric.precision == 0 else "0." + "0" * ev.rubric.precision
    wb = Workbook()
    _ranking(wb.active, ev, made, fmt)
    _matrix(wb.create_sheet(SHEETS[1]), ev, fmt)
    _rows(wb.create_sheet(SHEETS[2]), ("科室", "街镇", "编号", "细则", "分值", "得分", "得分方式", "扣分说明", "来源"),
          R.department_rows(ev), fmt, [20, 10, 8, 24, 7, 8, 10, 36, 40], {5, 6})
    _rows(wb.create_sheet(SHEETS[3]), ("街镇", "类型", "项目", "分值", "依据", "来源"),
          R.adjustment_rows(ev), fmt, [10, 10, 40, 8, 30, 40], {4})
    _gaps(wb.create_sheet(SHEETS[4]), ev, fmt)
    _trace(wb.create_sheet(SHEETS[5]), ev, fmt)
    return wb


def _ranking(ws: Worksheet, ev: Evaluation, made: dt.date, fmt: str) -> None:
    ws.title = SHEETS[0]
    title = put(ws, 1, 1, f"{ev.rubric.title} 考评位次（{made.year}年{made.month}月{made.day}日生成）")
    title.font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RANK_HEADERS))
    _header(ws, 2, RANK_HEADERS, [6, 12, 13, 10, 10, 10, 8, 18, 40])
    for i, rec in enumerate(records(ev), 3):
        x = ev.ranking[i - 3]
        values: list[object] = [rec["rank"], rec["unit"], x.result.base, x.result.bonus, x.result.deductions,
                                x.final, rec["grade"], rec["change"] or "—", rec["grade_note"]]
        for c, v in enumerate(values, 1):
            put(ws, i, c, v, fmt)
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
    _print(ws, 2)


def _matrix(ws: Worksheet, ev: Evaluation, fmt: str) -> None:
    rubric = ev.rubric
    groups = R.items_by_department(ev)
    headers: list[str] = ["位次", "街镇"]
    columns: list[tuple[str, object]] = []  # ("item", Item) or ("subtotal", [items])
    for dept_id, items in groups:
        for item in items:
            headers.append(f"{item.no}. {item.name}（{item.points}）")
            columns.append(("item", item))
        headers.append(f"{rubric.department[dept_id].name} 小计")
        columns.append(("subtotal", items))
    headers.append("重点工作得分")
    _header(ws, 1, headers)
    ws.row_dimensions[1].height = 90
    ws.column_dimensions["B"].width = 12
    matrix = R.item_matrix(ev)
    col_values: list[list[Decimal]] = [[] for _ in columns]
    for r, x in enumerate(ev.ranking, 2):
        put(ws, r, 1, x.rank)
        put(ws, r, 2, rubric.unit[x.unit_id].name)
        scores = matrix[x.unit_id]
        for k, (kind, what) in enumerate(columns):
            if kind == "item":
                v = scores.get(what.no, Decimal(0))  # type: ignore[union-attr]
            else:
                v = sum((scores.get(i.no, Decimal(0)) for i in what), Decimal(0))  # type: ignore[union-attr]
            col_values[k].append(v)
            cell = put(ws, r, 3 + k, v, fmt)
            if kind == "subtotal":
                cell.fill = SUBTOTAL_FILL
                cell.font = Font(bold=True)
        put(ws, r, 3 + len(columns), x.result.base, fmt).font = Font(bold=True)
    last = 1 + len(ev.ranking)
    for offset, label in enumerate(("全区平均", "最高", "最低")):
        row = last + 1 + offset
        put(ws, row, 2, label).font = Font(bold=True)
        for k, values in enumerate(col_values):
            put(ws, row, 3 + k, R.column_stats(values)[offset], fmt)
    for k, (kind, _) in enumerate(columns):
        if kind == "item":
            letter = get_column_letter(3 + k)
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{last}",
                ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50,
                               mid_color="FFEB84", end_type="max", end_color="63BE7B"),
            )
    _print(ws, 1)
    ws.freeze_panes = "C2"  # keep rank and town in view


def _rows(ws: Worksheet, headers: tuple[str, ...], rows: list[list[object]], fmt: str, widths: list[int],
          numeric: set[int]) -> None:
    _header(ws, 1, headers, widths)
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            cell = put(ws, r, c, v, fmt if c in numeric else None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(2, len(rows) + 1)}"
    _print(ws, 1)


def _gaps(ws: Worksheet, ev: Evaluation, fmt: str) -> None:
    rubric = ev.rubric
    rows = [[rubric.department[g.department_id].name, rubric.unit[g.unit_id].name,
             f"{g.item_no}. {next(i.name for i in rubric.items if i.no == g.item_no)}", g.score, g.points, g.reason]
            for g in R.gaps(ev)]
    _rows(ws, ("评估科室", "街镇", "项目", "得分", "分值", "跟进原因"), rows, fmt, [26, 10, 40, 8, 8, 24], {4, 5})


def _trace(ws: Worksheet, ev: Evaluation, fmt: str) -> None:
    rows = R.trace_rows(ev)
    _rows(ws, ("街镇", "项目", "数值", "文件", "工作表", "单元格"), rows, fmt, [10, 20, 8, 50, 8, 14], {3})
    start = len(rows) + 3
    put(ws, start, 1, "输入文件").font = Font(bold=True)
    _header(ws, start + 1, ("文件", "类型", "科室", "SHA-256"))
    for r, f in enumerate(sorted(ev.validation.tables.files, key=lambda f: f.path), start + 2):
        dept = ev.rubric.department[f.department_id].name if f.department_id else ""
        for c, v in enumerate((f.path, f.kind, dept, f.sha256), 1):
            put(ws, r, c, v)
    put(ws, start + 3 + len(ev.validation.tables.files), 1, f"评估细则指纹：{ev.rubric.fingerprint}")


def write(ev: Evaluation, target: Path, made: dt.date) -> None:
    wb = build(ev, made)
    with atomic_path(target) as tmp:
        wb.save(tmp)
