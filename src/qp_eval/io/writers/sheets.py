"""The workbooks qp-eval hands out, built in memory with openpyxl: a department's score sheet, the two
registers and a town's self-evaluation form. Rows come from ``core.layout`` (shared with the reader);
openpyxl only lays them out: frozen header, autofilter, widths, wrapped text with rows as tall as their
text, protection with only the cells to fill unlocked, inline dropdowns and decimal validations, A4
landscape fit to width."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...core import layout as L
from ...core import sheetspec
from ...core.numbers import fmt
from ...core.rubric import Rubric
from ...core.text import row_height

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
NA_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
MAX_INLINE_LIST = 255  # Excel's limit for an inline list validation


def _header(ws: Worksheet, columns: tuple[str, ...], widths: dict[str, int]) -> None:
    ws.append(list(columns))
    for i, name in enumerate(columns, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 12)
    ws.freeze_panes = "A2"


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # filtering stays allowed
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _info(wb: Workbook, rubric: Rubric, kind: str, pairs: list[tuple[str, object]], notes: list[str],
          department_id: str | None = None) -> None:
    ws = wb.active
    ws.title = L.INFO_SHEET
    ws.append([f"{rubric.title} — {kind}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([L.KEY_KIND, kind])
    ws.append([L.KEY_YEAR, rubric.year])
    for key, value in pairs:
        ws.append([key, value])
        if key in (L.KEY_DEPT_ID, L.KEY_UNIT_ID):  # the rubric's own id, for qp-eval: hidden, the name shows
            ws.row_dimensions[ws.max_row].hidden = True
    spec = sheetspec.spec_of(rubric, kind, department_id)
    ws.append([L.KEY_FINGERPRINT, sheetspec.fingerprint(spec)])
    ws.append([L.KEY_LAYOUT, sheetspec.dumps(spec)])
    ws.row_dimensions[ws.max_row].hidden = True  # for qp-eval only: what F104 compares with
    ws.append([])
    ws.append(["填写说明"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for n, note in enumerate(notes, 1):
        ws.append([f"{n}.", note])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 80
    ws.merge_cells("A1:B1")
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 40
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
        value = row[1].value if len(row) > 1 else None
        if isinstance(value, str) and not ws.row_dimensions[row[0].row].hidden:
            _fit_height(ws, row[0].row, [(value, 80)])
    # one A4 page, upright: what a clerk prints to keep beside the sheet
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)


def _fit_height(ws: Worksheet, row: int, texts: list[tuple[object, float]]) -> None:
    """The row's height for its wrapped texts, each with its column's width (``text.row_height``)."""
    height = row_height(texts)
    if height is not None:
        ws.row_dimensions[row].height = height


def _inline_list(values: list[str]) -> str | None:
    text = ",".join(values)
    if len(text) > MAX_INLINE_LIST or any("," in v or '"' in v for v in values):
        return None
    return f'"{text}"'


def _dropdown(ws: Worksheet, values: list[str], cells: str, title: str) -> None:
    formula = _inline_list(values)
    if formula is None:
        return
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    dv.errorTitle = title
    dv.error = f"请从下拉列表中选择{title}。"
    dv.add(cells)
    ws.add_data_validation(dv)


def _figure_column(ws: Worksheet, letter: str) -> None:
    """The 数值 column of an 指标 sheet: open for input, numbers not below 0."""
    last = ws.max_row
    dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                        showErrorMessage=True)
    dv.errorTitle = "数值无效"
    dv.error = "请填写不小于 0 的数字。"
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)
    for (cell,) in ws[f"{letter}2:{letter}{last}"]:
        cell.protection = UNLOCKED
        cell.fill = INPUT_FILL


def _points_validation(ws: Worksheet, validations: dict[str, DataValidation], points: Decimal,
                       what: str) -> DataValidation:
    """The sheet's one 0..points decimal validation for rows worth ``points`` (made on first use)."""
    key = fmt(points)
    if key not in validations:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=key,
                            allow_blank=True, showErrorMessage=True)
        dv.errorTitle = f"{what}超出范围"
        dv.error = f"{what}应为 0 到 {key} 之间的数字。"
        validations[key] = dv
        ws.add_data_validation(dv)
    return validations[key]


def department_workbook(rubric: Rubric, department_id: str) -> tuple[Workbook, int]:
    dept = rubric.department[department_id]
    wb = Workbook()
    notes = [
        f"本表由{dept.name}填写，{rubric.deadlines.department_scoring} 前交局办公室。",
        "只需填写“评分”表的“得分”和“扣分说明”两列（黄色单元格），其他单元格已锁定。",
        "得分填写数字，不得超过该行“分值”，"
        f"最多保留 {rubric.precision} 位小数；不要填“分”字或其他文字。",
        "未得满分的，请在“扣分说明”中写明扣分原因。",
        f"编号形如“1.3-Q1”的行为分季度评分，每个季度填写一行。得分已填“{L.NOT_APPLICABLE}”的行表示该细则不适用于该街镇，无需填写。",
        "请勿改动“说明”表，也不要增删“评分”表的行；文件名可以修改。",
    ]
    if L.measured_criteria(rubric, department_id):
        notes.append("“指标”表填写量化细则所需的数值（只填数字），得分由系统按评估细则自动计算。")
    _info(wb, rubric, L.KIND_SCORES, [(L.KEY_DEPT_ID, dept.id), (L.KEY_DEPT_NAME, dept.name),
                                      (L.KEY_DEADLINE, str(rubric.deadlines.department_scoring))], notes,
          department_id)

    ws = wb.create_sheet(L.SCORE_SHEET)
    widths = {"街镇": 12, "编号": 9, "评估项目": 24, "评估内容": 60, "分值": 7, "得分": 9, "扣分说明": 36}
    _header(ws, L.SCORE_COLUMNS, widths)
    col = {name: i for i, name in enumerate(L.SCORE_COLUMNS, 1)}
    validations: dict[str, DataValidation] = {}
    rows = 0
    for row in L.score_rows(rubric, department_id):
        c = row.criterion
        item = rubric.item_of[c.id]
        applies = c.applies(row.unit_id)
        content = f"{c.name}：{c.standard}"
        if row.period:
            content = f"【{row.period}】{content}"
        item_name = f"{item.number}. {item.name}"
        ws.append([rubric.unit[row.unit_id].name, row.id, item_name, content,
                   float(c.points), None if applies else L.NOT_APPLICABLE, None])
        r = ws.max_row
        _fit_height(ws, r, [(item_name, widths["评估项目"]), (content, widths["评估内容"])])
        rows += 1
        for cell in ws[r]:
            cell.alignment = WRAP
        score, note = ws.cell(r, col["得分"]), ws.cell(r, col["扣分说明"])
        if applies:
            score.protection = UNLOCKED
            score.fill = INPUT_FILL
            note.protection = UNLOCKED
            note.fill = INPUT_FILL
            _points_validation(ws, validations, c.points, "得分").add(score.coordinate)
        else:
            score.fill = NA_FILL
    ws.auto_filter.ref = f"A1:{get_column_letter(len(L.SCORE_COLUMNS))}{max(ws.max_row, 2)}"
    _print_setup(ws)
    _protect(ws)

    figures = list(L.figure_rows(rubric, department_id))
    if figures:
        fs = wb.create_sheet(L.FIGURE_SHEET)
        _header(fs, L.FIGURE_COLUMNS, {"街镇": 12, "编号": 9, "指标": 40, "数值": 14, "单位": 10})
        for fr in figures:
            fs.append([rubric.unit[fr.unit_id].name, fr.criterion.id, fr.input.name, None, fr.input.unit])
        _figure_column(fs, "D")
        fs.auto_filter.ref = f"A1:E{fs.max_row}"
        _print_setup(fs)
        _protect(fs)
    wb.active = 1
    return wb, rows


def _date_column(ws: Worksheet, year: int, column: int, last: int) -> None:
    """Rows 2..last of ``column`` take dates of ``year`` only, shown as yyyy-mm-dd."""
    letter = get_column_letter(column)
    dv = DataValidation(type="date", operator="between", formula1=f"DATE({year},1,1)",
                        formula2=f"DATE({year},12,31)", allow_blank=True, showErrorMessage=True)
    dv.error = f"请填写 {year} 年内的日期。"
    dv.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(dv)
    for r in range(2, last + 1):
        ws.cell(r, column).number_format = "yyyy-mm-dd"


def problem_workbook(rubric: Rubric) -> Workbook:
    wb = Workbook()
    cats = "、".join(f"{c.name}（每起 {c.deduction} 分）" for c in rubric.problems.categories)
    _info(wb, rubric, L.KIND_PROBLEMS, [], [
        "本表由局办公室登记各街镇民政工作中存在的问题，每起问题一行。",
        f"问题类别从下拉列表选择：{cats}。",
        f"“扣分”留空时按该类别的默认扣分计；每街镇扣分合计不超过 {rubric.problems.cap} 分。",
        f"“发生日期”填写 {rubric.year} 年内的日期，如 {rubric.year}-06-30。",
        "“依据”填写文件号或情况说明，供函告和复核使用。",
    ])
    ws = wb.create_sheet(L.PROBLEM_SHEET)
    _header(ws, L.PROBLEM_COLUMNS, {"街镇": 12, "问题类别": 28, "问题描述": 44, "发生日期": 12, "来源": 14,
                                    "扣分": 8, "依据": 30})
    last = L.PROBLEM_BLANK_ROWS + 1
    _dropdown(ws, rubric.unit_names(), f"A2:A{last}", "街镇")
    _dropdown(ws, [c.name for c in rubric.problems.categories], f"B2:B{last}", "问题类别")
    _date_column(ws, rubric.year, 4, last)
    ws.auto_filter.ref = f"A1:G{last}"
    _print_setup(ws)
    wb.active = 1
    return wb


def highlight_workbook(rubric: Rubric) -> Workbook:
    wb = Workbook()
    h = rubric.highlights
    ratings = "，".join(f"{x.grade} 加 {x.bonus} 分" for x in h.ratings)
    _info(wb, rubric, L.KIND_HIGHLIGHTS, [], [
        f"每个街镇报送 {h.per_unit} 个具有{'、'.join(h.types)}的亮点工作，每个一行，序号 1–{h.per_unit}。",
        "“佐证材料”写明加分所依据的材料（文件、报道、获奖等）。",
        f"“评定等级”由区民政局评定：{ratings}；每街镇加分不超过 {h.cap} 分。",
        "各街镇亮点将汇编成册，作为下一年度民政工作会议的交流材料。",
    ])
    ws = wb.create_sheet(L.HIGHLIGHT_SHEET)
    _header(ws, L.HIGHLIGHT_COLUMNS, {"街镇": 12, "序号": 6, "亮点名称": 30, "简介": 50, "类型": 10,
                                      "佐证材料": 30, "评定等级": 9})
    for u in rubric.units:
        for n in range(1, h.per_unit + 1):
            ws.append([u.name, n, None, None, None, None, None])
    last = ws.max_row
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
    _dropdown(ws, list(h.types), f"E2:E{last}", "类型")
    _dropdown(ws, [x.grade for x in h.ratings], f"G2:G{last}", "评定等级")
    ws.auto_filter.ref = f"A1:G{last}"
    _print_setup(ws)
    wb.active = 1
    return wb


def decision_workbook(rubric: Rubric) -> Workbook:
    """The register of the director's meeting (审议决定): 会议 (its date and the minutes' number) and 决定
    (one row per decision), protected with only the cells to fill open, with dropdowns."""
    wb = Workbook()
    bands = "、".join(g.name for g in rubric.grades)
    _info(wb, rubric, L.KIND_DECISIONS, [], [
        f"本表由局办公室在局长办公会议审议 {rubric.year} 年度综合评估结果后填写。",
        f"“{L.MEETING_SHEET}”表填写会议日期和纪要文号。会议日期为空时，所有结果都标为“初评”；"
        "填写会议日期而“决定”表为空，表示会议按初评结果审定。",
        f"“{L.DECISION_SHEET}”表每条决定一行：决定事项为“{L.DECIDE_FINAL}”时，“调整分值”加分填正数、减分填负数"
        f"（最多 {rubric.precision} 位小数，如 0.5 或 -1）；为“{L.DECIDE_GRADE}”时，“等次”选择 {bands} 之一。",
        "每条决定都须写明“理由”，函告和存档会引用；“备注”可填写会议纪要中的相关表述。",
        "调整后按审定的最终得分重新排出位次；会议确定的等次不受分数段和名额约束，其余街镇仍按细则评定等次。",
    ])
    ws = wb.create_sheet(L.MEETING_SHEET)
    _header(ws, L.MEETING_COLUMNS, {"项目": 14, "内容": 40})
    ws.append([L.KEY_MEETING_DATE, None])
    ws.append([L.KEY_MINUTES, None])
    ws["B2"].number_format = "yyyy-mm-dd"
    dv = DataValidation(type="date", operator="between", formula1=f"DATE({rubric.year},1,1)",
                        formula2=f"DATE({rubric.year + 1},12,31)", allow_blank=True, showErrorMessage=True)
    dv.error = "请填写会议日期，如 2025-01-06。"
    dv.add("B2")
    ws.add_data_validation(dv)
    _unlock(ws, "B2:B3")
    _print_setup(ws)
    _protect(ws)
    ws = wb.create_sheet(L.DECISION_SHEET)
    _header(ws, L.DECISION_COLUMNS, {"街镇": 12, "决定事项": 14, "调整分值": 10, "等次": 9, "理由": 50, "备注": 30})
    last = L.DECISION_BLANK_ROWS + 1
    _dropdown(ws, rubric.unit_names(), f"A2:A{last}", "街镇")
    _dropdown(ws, list(L.DECISION_KINDS), f"B2:B{last}", "决定事项")
    _dropdown(ws, [g.name for g in rubric.grades], f"D2:D{last}", "等次")
    amount = DataValidation(type="decimal", operator="between", formula1=f"-{rubric.total_points}",
                            formula2=str(rubric.total_points), allow_blank=True, showErrorMessage=True)
    amount.error = "请填写调整分值：加分填正数，减分填负数，如 0.5 或 -1。"
    amount.add(f"C2:C{last}")
    ws.add_data_validation(amount)
    _unlock(ws, f"A2:F{last}")
    _print_setup(ws)
    _protect(ws)
    wb.active = 2
    return wb


def _unlock(ws: Worksheet, cells: str) -> None:
    for row in ws[cells]:
        for cell in row:
            cell.protection = UNLOCKED
            cell.fill = INPUT_FILL
            cell.alignment = WRAP


def town_workbook(rubric: Rubric, unit_id: str) -> tuple[Workbook, int]:
    """A town's self-evaluation workbook (自评表): 说明, 自评, 指标 (when the town has measured
    criteria), 亮点 and 问题, protected like the departments' sheets with only the town's cells open."""
    unit = rubric.unit[unit_id]
    h = rubric.highlights
    wb = Workbook()
    _info(wb, rubric, L.KIND_SELF, [(L.KEY_UNIT_ID, unit.id), (L.KEY_UNIT_NAME, unit.name),
                                    (L.KEY_DEADLINE, str(rubric.deadlines.self_report))], [
        f"本表由{unit.name}民政部门对照评估细则逐项自评，{rubric.deadlines.self_report} 前报送区民政局。",
        "“自评”表逐条填写“自评得分”（数字，不超过该行“分值”，"
        f"最多保留 {rubric.precision} 位小数）和“自评说明”：用数据和事实说话；未得满分的必须写明原因。",
        "“佐证材料”写明可供核查的材料（文件、台账、报道等）。",
        "“指标”表填写量化细则所需的本街镇数值（只填数字），自评得分由系统按评估细则计算。",
        f"“亮点”表填写本街镇 {h.per_unit} 个具有{'、'.join(h.types)}的特色亮点工作，随自评报告一并报送。",
        "“问题”表如实报告本年度发生的问题（进京上访、党风廉政、安全事故、舆情、审计等），每起一行。",
        "请勿改动“说明”表，也不要增删“自评”表的行；文件名可以修改。",
    ], unit_id)

    ws = wb.create_sheet(L.SELF_SHEET)
    _header(ws, L.SELF_COLUMNS, {"编号": 8, "评估项目": 22, "评估内容": 50, "分值": 7, "自评得分": 9,
                                 "自评说明": 40, "佐证材料": 26})
    validations: dict[str, DataValidation] = {}
    rows = 0
    for c in L.self_criteria(rubric, unit_id):
        item = rubric.item_of[c.id]
        item_name, content = f"{item.number}. {item.name}", f"{c.name}：{c.standard}"
        ws.append([c.id, item_name, content, float(c.points), None, None, None])
        r = ws.max_row
        _fit_height(ws, r, [(item_name, 22), (content, 50)])
        rows += 1
        for cell in ws[r]:
            cell.alignment = WRAP
        _unlock(ws, f"E{r}:G{r}")
        _points_validation(ws, validations, c.points, "自评得分").add(f"E{r}")
    ws.auto_filter.ref = f"A1:G{max(ws.max_row, 2)}"
    _print_setup(ws)
    _protect(ws)

    figures = list(L.self_figure_rows(rubric, unit_id))
    if figures:
        fs = wb.create_sheet(L.FIGURE_SHEET)
        _header(fs, L.SELF_FIGURE_COLUMNS, {"编号": 9, "指标": 44, "数值": 14, "单位": 10})
        for c, inp in figures:
            fs.append([c.id, inp.name, None, inp.unit])
        _figure_column(fs, "C")
        _print_setup(fs)
        _protect(fs)

    hs = wb.create_sheet(L.HIGHLIGHT_SHEET)
    _header(hs, L.SELF_HIGHLIGHT_COLUMNS, {"序号": 6, "亮点名称": 30, "简介": 56, "类型": 10, "佐证材料": 30})
    for n in range(1, h.per_unit + 1):
        hs.append([n, None, None, None, None])
    last = hs.max_row
    _unlock(hs, f"B2:E{last}")
    _dropdown(hs, list(h.types), f"D2:D{last}", "类型")
    _print_setup(hs)
    _protect(hs)

    ps = wb.create_sheet(L.PROBLEM_SHEET)
    _header(ps, L.SELF_PROBLEM_COLUMNS, {"问题类别": 28, "问题描述": 50, "发生日期": 12, "整改情况": 40})
    last = SELF_PROBLEM_ROWS + 1
    _dropdown(ps, [c.name for c in rubric.problems.categories], f"A2:A{last}", "问题类别")
    _date_column(ps, rubric.year, 3, last)
    _print_setup(ps)
    wb.active = 1
    return wb, rows


SELF_PROBLEM_ROWS = 30
