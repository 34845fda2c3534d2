"""A corpus of malformed and hostile inputs, built by code (no opaque binaries in the repo).

Each builder writes one case into an empty folder and returns what ``validate`` must report:
a set of (code, sheet, cell) that must all be present. ``filled`` is a folder of valid filled
sheets for the small rubric to start from.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from qp_eval.core import layout as L
from qp_eval.core import names

Expect = set[tuple[str, str, str]]
CASES: dict[str, Callable[[Path, Path], Expect]] = {}

D1 = "2024年度评分表_一科.xlsx"
D2 = "2024年度评分表_二科.xlsx"


def case(fn: Callable[[Path, Path], Expect]) -> Callable[[Path, Path], Expect]:
    CASES[fn.__name__] = fn
    return fn


def _copy(filled: Path, out: Path, name: str, as_name: str | None = None) -> Path:
    target = out / (as_name or name)
    shutil.copyfile(filled / name, target)
    return target


def _edit(path: Path, fn: Callable[[openpyxl.Workbook], None], save_as: Path | None = None) -> None:
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(save_as or path)


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _xlsx_with_sheet_xml(path: Path, sheet_xml: bytes) -> None:
    """A minimal workbook package whose one sheet is ``sheet_xml`` as given."""
    _zip(path, {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        b"</Types>",
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        b"</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="说明" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        b"</Relationships>",
        "xl/worksheets/sheet1.xml": sheet_xml,
    })


def _score(ws, unit: str, rid: str):  # noqa: ANN001, ANN202
    col = {c.value: c.column for c in ws[1] if c.value}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col["街镇"]).value == unit and ws.cell(r, col["编号"]).value == rid:
            return ws.cell(r, col["得分"])
    raise AssertionError((unit, rid))


# --- files that are not workbooks ---------------------------------------------------------------

@case
def zero_byte(filled: Path, out: Path) -> Expect:
    (out / "empty.xlsx").write_bytes(b"")
    return {("F101", "", "")}


@case
def truncated_zip(filled: Path, out: Path) -> Expect:
    data = (filled / D1).read_bytes()
    (out / "cut.xlsx").write_bytes(data[: len(data) // 3])
    return {("F101", "", "")}


@case
def zip_bomb(filled: Path, out: Path) -> Expect:
    _zip(out / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"<a>" + b"0" * (300 * 1024 * 1024) + b"</a>"})
    return {("F101", "", "")}


@case
def many_small_members_past_the_limit(filled: Path, out: Path) -> Expect:
    _zip(out / "wide.xlsx", {f"xl/m{i}.xml": b" " * (30 * 1024 * 1024) for i in range(8)})
    return {("F101", "", "")}


@case
def billion_laughs(filled: Path, out: Path) -> Expect:
    ents = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY l0 "ha">{ents}]>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>')
    _xlsx_with_sheet_xml(out / "laughs.xlsx", xml.encode())
    return {("F102", "", "")} | {("F101", "", "")}  # either is acceptable: see the test


@case
def external_entity(filled: Path, out: Path) -> Expect:
    xml = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>')
    _xlsx_with_sheet_xml(out / "xxe.xlsx", xml.encode())
    return {("F102", "", "")} | {("F101", "", "")}


@case
def ole_container_like_an_encrypted_workbook(filled: Path, out: Path) -> Expect:
    (out / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    return {("F101", "", "")}


@case
def csv_renamed_xlsx(filled: Path, out: Path) -> Expect:
    (out / "scores.xlsx").write_text("街镇,编号,得分\n甲镇,1.1,2\n", encoding="utf-8")
    return {("F101", "", "")}


@case
def text_renamed_xlsx(filled: Path, out: Path) -> Expect:
    (out / "notes.xlsx").write_text("这不是表格\n", encoding="utf-8")
    return {("F101", "", "")}


@case
def html_table_saved_as_xls(filled: Path, out: Path) -> Expect:
    (out / "export.xls").write_text("<html><body><table><tr><td>甲镇</td></tr></table></body></html>", encoding="utf-8")
    return {("F101", "", "")}


@case
def zip_that_is_not_a_workbook(filled: Path, out: Path) -> Expect:
    _zip(out / "archive.xlsx", {"readme.txt": b"hello", "../../evil.txt": b"x"})
    return {("F101", "", "")}


@case
def fifo_named_xlsx(filled: Path, out: Path) -> Expect:
    os.mkfifo(out / "pipe.xlsx")
    return {("F101", "", "")}


@case
def dangling_symlink(filled: Path, out: Path) -> Expect:
    os.symlink(out / "nowhere.xlsx", out / "link.xlsx")
    return {("F101", "", "")}


@case
def symlink_loop_in_folder(filled: Path, out: Path) -> Expect:
    (out / "sub").mkdir()
    os.symlink(out, out / "sub" / "loop")
    _copy(filled, out, D1)
    _edit(out / D1, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "甲镇", "1.1"), "value", 9))
    return {("F108", "", ""), ("V404", L.SCORE_SHEET, "F2")}


@case
def same_department_twice_with_different_scores(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D1)
    _edit(filled / D1, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "甲镇", "1.1"), "value", 1.5),
          save_as=out / "一科评分表（最终版）.xlsx")
    return {("F106", L.INFO_SHEET, "")}


# --- files that are workbooks but not ours, or not this year's ---------------------------------------

@case
def workbook_without_info_sheet(filled: Path, out: Path) -> Expect:
    wb = openpyxl.Workbook()
    wb.active.title = "评分"
    wb.save(out / "plain.xlsx")
    return {("F102", "", "")}


@case
def info_sheet_with_unknown_kind(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D1)
    _edit(out / D1, lambda wb: wb[L.INFO_SHEET].cell(2, 2, "随便什么"))
    return {("F102", L.INFO_SHEET, "B2")}


@case
def last_years_sheet(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D1)
    _edit(out / D1, lambda wb: wb[L.INFO_SHEET].cell(3, 2, 2023))
    return {("F103", L.INFO_SHEET, "B3")}


@case
def sheet_from_another_rubric(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D1)
    _edit(out / D1, lambda wb: wb[L.INFO_SHEET].cell(7, 2, "ffffffffffffffff"))
    return {("F104", L.INFO_SHEET, "B7")}


@case
def unknown_department(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D1)
    _edit(out / D1, lambda wb: wb[L.INFO_SHEET].cell(4, 2, "=HYPERLINK(\"x\")"))
    return {("F105", L.INFO_SHEET, "B4")}


@case
def score_sheet_deleted(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: wb.remove(wb[L.SCORE_SHEET]))
    return {("S201", "", "")}


@case
def macro_workbook_xlsm(filled: Path, out: Path) -> Expect:
    target = out / "一科.xlsm"
    _edit(filled / D1, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "甲镇", "1.1"), "value", "两分"), save_as=target)
    with zipfile.ZipFile(target, "a") as z:
        z.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nShell \"calc\"\nEnd Sub\n")
    return {("V401", L.SCORE_SHEET, "F2")}


# --- structure ------------------------------------------------------------------------------------

@case
def duplicated_header(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: wb[L.SCORE_SHEET].cell(1, 8, "街镇"))
    return {("S203", L.SCORE_SHEET, "H1")}


@case
def header_not_in_row_one(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.insert_rows(1, 3)
        ws.cell(1, 1, "2024年度评分表")
        ws["F7"] = "八"  # 甲镇 4.1 was row 4, now row 7
    _copy(filled, out, D2)
    _edit(out / D2, go)
    return {("V401", L.SCORE_SHEET, "F7")}


@case
def column_header_renamed(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: wb[L.SCORE_SHEET].cell(1, 2, "序号"))
    return {("S202", L.SCORE_SHEET, "A1")}


@case
def blank_rows_between_data(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.insert_rows(3, 5)
        ws.insert_rows(12, 2)
        _score(ws, "丙镇", "4.1").value = -2
    _copy(filled, out, D2)
    _edit(out / D2, go)
    return {("V403", L.SCORE_SHEET, "F17")}


@case
def very_long_sheet(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        for _ in range(30_000):
            ws.append(["丁镇", "4.1", "", "", 5, 5, ""])
    _copy(filled, out, D2)
    _edit(out / D2, go)
    # rows past 1,220 (twice the 200 rows a sheet of the small rubric needs, at least 1,000 more, and the 20
    # header rows) are cut before reading and said once; the 1,210 unknown towns above are 50 lines and a count
    return {("T301", L.SCORE_SHEET, "A11"), ("F118", L.SCORE_SHEET, "A1221"), ("T301", L.SCORE_SHEET, "")}


@case
def very_wide_sheet(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        for c in range(8, 3000):
            ws.cell(2, c, "x")
        _score(ws, "甲镇", "3.1").value = "满分"
    _copy(filled, out, D2)
    _edit(out / D2, go)
    return {("V401", L.SCORE_SHEET, "F2")}


@case
def hidden_sheet_and_hidden_rows(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.append(["甲镇", "1.1", "", "", 2, 1, "隐藏行中的重复"])
        ws.row_dimensions[ws.max_row].hidden = True
        wb[L.FIGURE_SHEET].sheet_state = "hidden"
        wb[L.FIGURE_SHEET]["D2"] = "很多"
    _copy(filled, out, D1)
    _edit(out / D1, go)
    return {("T304", L.SCORE_SHEET, "B17"), ("I702", L.FIGURE_SHEET, "D2")}


@case
def merged_cells_over_scores(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: wb[L.SCORE_SHEET].merge_cells("F5:F7"))
    return {("V408", L.SCORE_SHEET, "F5"), ("V408", L.SCORE_SHEET, "F6"), ("V408", L.SCORE_SHEET, "F7")}


@case
def trailing_space_in_sheet_name(filled: Path, out: Path) -> Expect:
    def go(wb):
        wb[L.SCORE_SHEET].title = "评分 "
        _score(wb["评分 "], "乙街道", "4.1").value = 7
    _copy(filled, out, D2)
    _edit(out / D2, go)
    return {("V404", "评分 ", "F7")}


# --- cells ----------------------------------------------------------------------------------------

@case
def formula_without_cached_value(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "乙街道", "3.2"), "value", "=SUM(1,2)"))
    return {("F107", L.SCORE_SHEET, "F6")}


@case
def date_in_score_cell(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "乙街道", "3.2"), "value", dt.datetime(2024, 3, 3)))
    return {("V401", L.SCORE_SHEET, "F6")}


@case
def boolean_in_score_cell(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "乙街道", "3.2"), "value", True))
    return {("V401", L.SCORE_SHEET, "F6")}


@case
def huge_number_in_score_cell(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "乙街道", "3.2"), "value", 1e308))
    return {("V404", L.SCORE_SHEET, "F6")}


@case
def text_number_with_unit(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "乙街道", "3.2"), "value", "2.5分"))
    return {("V401", L.SCORE_SHEET, "F6")}


@case
def nan_text(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "乙街道", "3.2"), "value", "nan"))
    return {("V406", L.SCORE_SHEET, "F6")}


@case
def ten_thousand_character_string(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws["A2"] = "甲" * 10_000
        ws["G3"] = "说明" * 5_000
    _copy(filled, out, D2)
    _edit(out / D2, go)
    return {("T301", L.SCORE_SHEET, "A2")}


@case
def control_characters_in_town(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    # as Excel stores control characters in XML: _x0007_ is BEL, _x001B_ is ESC
    _edit(out / D2, lambda wb: wb[L.SCORE_SHEET].cell(2, 1, "甲_x0007_镇_x001B_[31m"))
    return {("T301", L.SCORE_SHEET, "A2")}


@case
def zero_width_and_look_alike_town(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws["A2"] = "甲\u200d镇"  # zero-width joiner: removed with a warning
        ws["A3"] = "甲鎮"  # traditional form, looks alike: unknown, nearest suggested
    _copy(filled, out, D2)
    _edit(out / D2, go)
    return {("T302", L.SCORE_SHEET, "A2"), ("T301", L.SCORE_SHEET, "A3")}


@case
def not_applicable_where_it_applies(filled: Path, out: Path) -> Expect:
    _copy(filled, out, D2)
    _edit(out / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "甲镇", "3.1"), "value", "不适用"))
    return {("V407", L.SCORE_SHEET, "F2")}


@case
def formula_injection_in_note(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        _score(ws, "乙街道", "4.1").value = 6
        ws["G7"] = "=cmd|'/C calc'!A0"
        ws["G7"].data_type = "s"
    _copy(filled, out, D2)
    _edit(out / D2, go)
    return {("V404", L.SCORE_SHEET, "F7")}


# --- registers and indicators ---------------------------------------------------------------------

def _problem(out: Path, filled: Path, row: list[object]) -> None:
    _copy(filled, out, names.PROBLEM_FILE)
    _edit(out / names.PROBLEM_FILE, lambda wb: [wb[L.PROBLEM_SHEET].cell(2, c, v) for c, v in enumerate(row, 1)])


@case
def problem_with_bad_date(filled: Path, out: Path) -> Expect:
    _problem(out, filled, ["甲镇", "服务对象进京上访", "", "2024-02-30", "", None, ""])
    return {("P503", L.PROBLEM_SHEET, "D2")}


@case
def problem_with_unknown_category(filled: Path, out: Path) -> Expect:
    _problem(out, filled, ["甲镇", "=1+1", "", dt.datetime(2024, 2, 3), "", None, ""])
    return {("F107", L.PROBLEM_SHEET, "B2")}  # openpyxl writes the formula without a value: never read as blank


@case
def problem_with_huge_deduction(filled: Path, out: Path) -> Expect:
    _problem(out, filled, ["甲镇", "服务对象进京上访", "", dt.datetime(2024, 2, 3), "", 1e9, ""])
    return {("P502", L.PROBLEM_SHEET, "F2")}


@case
def highlight_rating_and_number_garbled(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.HIGHLIGHT_SHEET]
        ws["G2"] = "A+"
        ws["B3"] = 1
    _copy(filled, out, names.HIGHLIGHT_FILE)
    _edit(out / names.HIGHLIGHT_FILE, go)
    return {("H602", L.HIGHLIGHT_SHEET, "G2"), ("H603", L.HIGHLIGHT_SHEET, "B3")}


@case
def indicator_zero_and_text(filled: Path, out: Path) -> Expect:
    def go(wb):
        ws = wb[L.FIGURE_SHEET]
        ws["D3"] = 0  # 甲镇 户籍老年人口数: a denominator
        ws["D4"] = "约 60"
        ws["D6"] = -5
    _copy(filled, out, D1)
    _edit(out / D1, go)
    return {("I704", L.FIGURE_SHEET, "D3"), ("I702", L.FIGURE_SHEET, "D4"), ("I703", L.FIGURE_SHEET, "D6")}


@case
def file_name_that_looks_like_a_formula(filled: Path, out: Path) -> Expect:
    (out / "=HYPERLINK(1).xlsx").write_bytes(b"not a workbook")
    return {("F101", "", "")}


# --- office life (issue 22): error values, stray far cells, columns filled to the bottom, names -----------

def set_cell_xml(path: Path, sheet: str, ref: str, xml: str) -> None:
    """Put the raw cell ``xml`` at ``ref`` of ``sheet`` in a saved workbook, as Excel or WPS would have
    written it (openpyxl cannot write a formula's cached value): replaces the cell, or adds it to its row."""
    import re

    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    book = members["xl/workbook.xml"].decode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(\w+)"', book).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    part = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
    text = members[part].decode()
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    cell = re.compile(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)', re.S)
    if cell.search(text):
        text = cell.sub(lambda m: xml, text, count=1)
    elif re.search(rf'<row r="{row}"[^>]*>', text):
        text = re.sub(rf'(<row r="{row}"[^>]*>.*?)(</row>)', lambda m: m.group(1) + xml + m.group(2), text, count=1,
                      flags=re.S)
    else:  # a row of its own, after the others (rows are in order)
        text = text.replace("</sheetData>", f'<row r="{row}">{xml}</row></sheetData>')
        text = text.replace("<sheetData/>", f'<sheetData><row r="{row}">{xml}</row></sheetData>')
    members[part] = text.encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)


def error_cell(ref: str, error: str = "#REF!", formula: str = "#REF!+1") -> str:
    return f'<c r="{ref}" t="e"><f>{formula}</f><v>{error}</v></c>'


@case
def error_value_in_a_score(filled: Path, out: Path) -> Expect:
    target = _copy(filled, out, D2)
    set_cell_xml(target, L.SCORE_SHEET, "F6", error_cell("F6"))  # 乙街道 3.2
    return {("F117", L.SCORE_SHEET, "F6")}


@case
def error_value_in_a_figure(filled: Path, out: Path) -> Expect:
    target = _copy(filled, out, D1)
    set_cell_xml(target, L.FIGURE_SHEET, "D3", error_cell("D3", "#DIV/0!", "1/0"))
    return {("F117", L.FIGURE_SHEET, "D3")}


@case
def error_value_as_a_deduction(filled: Path, out: Path) -> Expect:
    _problem(out, filled, ["甲镇", "服务对象进京上访", "上访", dt.datetime(2024, 2, 3), "信访办", 1.5, "通报"])
    set_cell_xml(out / names.PROBLEM_FILE, L.PROBLEM_SHEET, "F2", error_cell("F2"))
    return {("F117", L.PROBLEM_SHEET, "F2")}


@case
def error_value_as_a_rating(filled: Path, out: Path) -> Expect:
    target = _copy(filled, out, names.HIGHLIGHT_FILE)
    set_cell_xml(target, L.HIGHLIGHT_SHEET, "G2", error_cell("G2", "#N/A", "VLOOKUP(A2,X:Y,2,0)"))
    return {("F117", L.HIGHLIGHT_SHEET, "G2")}


@case
def error_value_as_the_year(filled: Path, out: Path) -> Expect:
    target = _copy(filled, out, D2)
    set_cell_xml(target, L.INFO_SHEET, "B3", error_cell("B3", "#VALUE!", "A3+1"))
    return {("F117", L.INFO_SHEET, "B3")}


@case
def stray_key_far_away_on_the_info_sheet(filled: Path, out: Path) -> Expect:
    target = _copy(filled, out, D2)
    set_cell_xml(target, L.INFO_SHEET, "XFD1048576", '<c r="XFD1048576" t="inlineStr"><is><t>k</t></is></c>')
    set_cell_xml(target, L.SCORE_SHEET, "F7", '<c r="F7"><v>7</v></c>')  # the rest is read as ever: 4.1 above 5 points
    return {("F118", L.INFO_SHEET, "XFD1048576"), ("V404", L.SCORE_SHEET, "F7")}


@case
def stray_key_at_the_bottom_of_the_scores(filled: Path, out: Path) -> Expect:
    target = _copy(filled, out, D2)
    set_cell_xml(target, L.SCORE_SHEET, "Z1048576", '<c r="Z1048576" t="inlineStr"><is><t>k</t></is></c>')
    set_cell_xml(target, L.SCORE_SHEET, "F7", '<c r="F7"><v>7</v></c>')  # 乙街道 4.1, above its 5 points
    return {("F118", L.SCORE_SHEET, "Z1048576"), ("V404", L.SCORE_SHEET, "F7")}


@case
def register_column_filled_to_the_bottom(filled: Path, out: Path) -> Expect:
    """Select the column, type 无, Ctrl+Enter: every row of 依据 holds 无, down to row 1,048,576."""
    target = _copy(filled, out, names.PROBLEM_FILE)
    with zipfile.ZipFile(target) as z:
        members = {n: z.read(n) for n in z.namelist()}
    part = "xl/worksheets/sheet2.xml"
    text = members[part].decode()
    head, tail = text.split("<sheetData>", 1)
    _, after = tail.split("</sheetData>", 1)
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>街镇</t></is></c><c r="B1" t="inlineStr"><is><t>问题类别</t></is></c>'
            '<c r="C1" t="inlineStr"><is><t>问题描述</t></is></c><c r="D1" t="inlineStr"><is><t>发生日期</t></is></c>'
            '<c r="E1" t="inlineStr"><is><t>来源</t></is></c><c r="F1" t="inlineStr"><is><t>扣分</t></is></c>'
            '<c r="G1" t="inlineStr"><is><t>依据</t></is></c></row>']
    rows += [f'<row r="{r}"><c r="G{r}" t="inlineStr"><is><t>无</t></is></c></row>' for r in range(2, 1_048_577)]
    members[part] = (head + "<sheetData>" + "".join(rows) + "</sheetData>" + after).encode()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)
    return {("F118", L.PROBLEM_SHEET, "G1221"), ("T301", L.PROBLEM_SHEET, "A2")}


@case
def name_ending_in_a_space(filled: Path, out: Path) -> Expect:
    _edit(filled / D2, lambda wb: setattr(_score(wb[L.SCORE_SHEET], "乙街道", "4.1"), "value", 7),
          save_as=out / "scratch.xlsx")
    (out / "scratch.xlsx").rename(out / (D2 + " "))
    return {("F119", "", ""), ("V404", L.SCORE_SHEET, "F7")}
