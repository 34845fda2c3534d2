"""validate: one test per finding code, each on a small workbook, asserting the code and the cell."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import (
    MINI_PATH,
    add_problem,
    dept_file,
    edit,
    fill_all,
    fill_highlights,
    fill_scores,
    find_row,
    header_map,
)

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.findings import CATALOGUE
from qp_eval.io.intake import validate_paths
from qp_eval.io.writers.template import write_templates


def codes_at(result) -> set[tuple[str, str, str]]:
    return {(f.code, f.sheet, f.cell) for f in result.findings}


def run_on(mini, folder, **kw):
    return validate_paths(mini, [folder], **kw)


@pytest.fixture
def filled(blank, mini) -> Path:
    fill_all(blank, mini)
    return blank


def set_score(folder, mini, dept, unit, rid, value, note=None):
    path = dept_file(folder, mini, dept)
    holder = {}

    def go(wb):
        ws = wb[L.SCORE_SHEET]
        r = find_row(ws, unit, rid)
        col = header_map(ws)
        ws.cell(r, col["得分"]).value = value
        if note is not None:
            ws.cell(r, col["扣分说明"]).value = note
        holder["cell"] = ws.cell(r, col["得分"]).coordinate

    edit(path, go)
    return holder["cell"]


# --- round trip ---------------------------------------------------------------------------


def test_filled_templates_validate_clean(filled, mini):
    result = run_on(mini, filled)
    assert result.findings == []
    assert result.files == 5  # 一科, 二科, 问题登记, 亮点登记, 审议决定
    # 3 units x (1.1 + 4 quarters of 1.2) + 3 units x (3.1, 3.2, 4.1)
    assert len(result.tables.scores) == 15 + 9
    assert len(result.tables.figures) == 6  # 3 units x 2 inputs of 2.1
    assert sum(1 for s in result.tables.scores if s.value is None) == 2  # 3.1 for b and c


def test_round_trip_for_every_2024_department(tmp_path, rubric2024):
    write_templates(rubric2024, tmp_path)
    fill_all(tmp_path, rubric2024)
    result = validate_paths(rubric2024, [tmp_path])
    assert [f for f in result.findings if f.severity == "error"] == []
    assert result.files == 10
    departments = {f.department_id for f in result.tables.files if f.department_id}
    assert departments == {"elderly", "assistance", "rescue_station", "approval", "social_affairs",
                           "charity_center", "office"}


def test_template_is_not_overwritten_without_force(tmp_path, mini):
    written = write_templates(mini, tmp_path).written
    target = written[0].path
    before = target.read_bytes()
    again = write_templates(mini, tmp_path)
    assert again.written == [] and target in [k.path for k in again.kept]
    assert target.read_bytes() == before
    assert len(write_templates(mini, tmp_path, force=True).written) == len(written)  # still blank: regenerated


def test_template_layout(blank, mini):
    wb = openpyxl.load_workbook(dept_file(blank, mini, "d1"))
    assert wb.sheetnames == [L.INFO_SHEET, L.SCORE_SHEET, L.FIGURE_SHEET]
    ws = wb[L.SCORE_SHEET]
    assert [c.value for c in ws[1]] == list(L.SCORE_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.protection.sheet
    col = header_map(ws)
    assert ws.cell(2, col["得分"]).protection.locked is False
    assert ws.cell(2, col["扣分说明"]).protection.locked is False
    assert ws.cell(2, col["分值"]).protection.locked is True
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    ids = [ws.cell(r, col["编号"]).value for r in range(2, 7)]
    assert ids == ["1.1", "1.2-Q1", "1.2-Q2", "1.2-Q3", "1.2-Q4"]
    dvs = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    assert {dv.formula2 for dv in dvs} == {"2", "4"}
    ws2 = openpyxl.load_workbook(dept_file(blank, mini, "d2"))[L.SCORE_SHEET]
    r = find_row(ws2, "乙街道", "3.1")
    assert ws2.cell(r, header_map(ws2)["得分"]).value == L.NOT_APPLICABLE
    reg = openpyxl.load_workbook(blank / names.PROBLEM_FILE)[L.PROBLEM_SHEET]
    lists = [dv.formula1 for dv in reg.data_validations.dataValidation if dv.type == "list"]
    assert '"服务对象进京上访,重大安全生产责任事故"' in lists
    hl = openpyxl.load_workbook(blank / names.HIGHLIGHT_FILE)[L.HIGHLIGHT_SHEET]
    assert [c.value for c in hl[1]] == list(L.HIGHLIGHT_COLUMNS)
    assert hl.max_row == 1 + 3 * 2


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04broken", b"just text, not a workbook\n", b"a,b,c\n1,2,3\n"])
def test_unreadable_file_is_one_finding(tmp_path, mini, content):
    p = tmp_path / "x.xlsx"
    p.write_bytes(content)
    result = run_on(mini, tmp_path)
    assert [(f.code, f.file) for f in result.findings] == [("F101", str(p))]


def test_truncated_workbook(filled, mini):
    src = dept_file(filled, mini, "d1")
    data = src.read_bytes()
    src.write_bytes(data[: len(data) // 2])
    result = run_on(mini, filled)
    assert ("F101", "", "") in codes_at(result)


def test_workbook_without_info_sheet(tmp_path, mini):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "other.xlsx")
    assert codes_at(run_on(mini, tmp_path)) == {("F102", "", "")}


def test_year_mismatch(filled, mini):
    edit(dept_file(filled, mini, "d1"), lambda wb: wb[L.INFO_SHEET].cell(3, 2, 2023))
    assert ("F103", L.INFO_SHEET, "B3") in codes_at(run_on(mini, filled))


def test_fingerprint_mismatch(filled, mini):
    def go(wb):
        ws = wb[L.INFO_SHEET]
        for r in range(1, 12):
            if ws.cell(r, 1).value == L.KEY_FINGERPRINT:
                ws.cell(r, 2).value = "0000000000000000"

    edit(dept_file(filled, mini, "d1"), go)
    result = run_on(mini, filled)
    assert any(f.code == "F104" and f.sheet == L.INFO_SHEET and f.cell.startswith("B") for f in result.findings)


def test_unknown_department(filled, mini):
    edit(dept_file(filled, mini, "d1"), lambda wb: wb[L.INFO_SHEET].cell(4, 2, "d9"))
    assert ("F105", L.INFO_SHEET, "B4") in codes_at(run_on(mini, filled))


def test_an_identical_copy_counts_once(filled, mini):
    src = dept_file(filled, mini, "d1")
    (filled / "sub").mkdir()
    (filled / "sub" / "copy.xlsx").write_bytes(src.read_bytes())
    result = run_on(mini, filled)
    assert [(f.code, f.severity, Path(f.file).name) for f in result.findings] == [("F111", "warning", "copy.xlsx")]
    assert "内容与之完全相同" in result.findings[0].message and str(src) in result.findings[0].message
    assert len([s for s in result.tables.scores if s.unit_id == "a" and s.criterion_id == "1.1"]) == 1


def test_a_renamed_filled_file_beats_a_fresh_blank_template(filled, mini, _mini_templates):
    src = dept_file(filled, mini, "d1")
    renamed = filled / "一科-已填.xlsx"
    src.rename(renamed)
    shutil.copyfile(dept_file(_mini_templates, mini, "d1"), src)  # `template` run again: a blank one by the old name
    result = run_on(mini, filled)
    assert [(f.code, f.severity, f.file) for f in result.findings] == [("F111", "warning", str(src))]
    assert "是空白模板" in result.findings[0].message and str(renamed) in result.findings[0].message
    assert {s.source.file for s in result.tables.scores if s.criterion_id == "1.1"} == {str(renamed)}
    assert [(s.path, s.adopted) for s in result.seen if s.department_id == "d1"] == [
        (str(src), False), (str(renamed), True)]


def test_two_different_filled_files_are_both_refused_and_their_differences_named(filled, mini):
    src = dept_file(filled, mini, "d1")
    (filled / "旧版").mkdir()
    other = filled / "旧版" / "一科.xlsx"
    other.write_bytes(src.read_bytes())
    set_score(filled, mini, "d1", "甲镇", "1.1", 1.5)  # the copy in scores/ changes; 旧版/ keeps the old one
    result = run_on(mini, filled)
    f106 = [f for f in result.findings if f.code == "F106"]
    assert sorted(f.file for f in f106) == sorted([str(src), str(other)])
    text = next(f.message for f in f106 if f.file == str(src))
    assert str(other) in text and "甲镇 1.1 得分：评分!F2 为“1.5”" in text and "共 1 处" in text
    assert not [s for s in result.tables.scores if s.criterion_id in ("1.1", "1.2")]  # neither is scored


def test_formula_without_cached_value(filled, mini):
    cell = set_score(filled, mini, "d1", "甲镇", "1.1", "=1+1")
    assert ("F107", L.SCORE_SHEET, cell) in codes_at(run_on(mini, filled))


def test_missing_path(tmp_path, mini):
    result = validate_paths(mini, [tmp_path / "nope"])
    assert [f.code for f in result.findings] == ["F108"]


# --- structure --------------------------------------------------------------------------------


def test_missing_sheet(filled, mini):
    edit(dept_file(filled, mini, "d1"), lambda wb: wb.remove(wb[L.FIGURE_SHEET]))
    assert ("S201", "", "") in codes_at(run_on(mini, filled))


def test_missing_column(filled, mini):
    edit(dept_file(filled, mini, "d2"), lambda wb: wb[L.SCORE_SHEET].cell(1, 6, "分数"))
    result = run_on(mini, filled)
    assert ("S202", L.SCORE_SHEET, "A1") in codes_at(result)
    assert "得分" in result.findings[0].message


def test_duplicated_header(filled, mini):
    edit(dept_file(filled, mini, "d2"), lambda wb: wb[L.SCORE_SHEET].cell(1, 9, "得分"))
    assert ("S203", L.SCORE_SHEET, "I1") in codes_at(run_on(mini, filled))


def test_reordered_and_extra_columns_are_read(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.insert_cols(1)
        ws.cell(1, 1, "备注")
        ws.move_range(f"G1:G{ws.max_row}", cols=3)  # 得分 from G to J
    edit(dept_file(filled, mini, "d2"), go)
    result = run_on(mini, filled)
    assert result.findings == []
    assert any(s.source.cell.startswith("J") for s in result.tables.scores)


def test_header_below_a_title_row_reports_sheet_positions(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.insert_rows(1)
        ws.cell(1, 1, "2024年度评分表")
        assert (ws["A5"].value, ws["B5"].value) == ("甲镇", "4.1")  # d2 rows: 3.1, 3.2, 4.1 per unit
        ws["F5"] = "八"
    edit(dept_file(filled, mini, "d2"), go)
    assert codes_at(run_on(mini, filled)) == {("V401", L.SCORE_SHEET, "F5")}


# --- towns and rows --------------------------------------------------------------------------


def test_unknown_town_suggests_the_nearest(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.cell(find_row(ws, "甲镇", "1.1"), 1, "甲真镇")
    edit(dept_file(filled, mini, "d1"), go)
    result = run_on(mini, filled)
    f = next(f for f in result.findings if f.code == "T301")
    assert f.cell == "A2" and "甲镇" in f.message
    # one mistake, one finding: the misspelt row is not reported again as 甲镇's missing 1.1 (T305)
    assert codes_at(result) == {("T301", L.SCORE_SHEET, "A2")}


def test_short_names_and_spaces_resolve_silently(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.cell(find_row(ws, "甲镇", "1.1"), 1, " 甲\u3000")
        ws.cell(find_row(ws, "乙街道", "1.1"), 1, "乙 街道")
    edit(dept_file(filled, mini, "d1"), go)
    assert run_on(mini, filled).findings == []


def test_zero_width_characters_are_removed_with_a_warning(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.cell(find_row(ws, "甲镇", "1.1"), 1, "甲\u200b镇")
    edit(dept_file(filled, mini, "d1"), go)
    result = run_on(mini, filled)
    assert codes_at(result) == {("T302", L.SCORE_SHEET, "A2")}
    assert result.ok


def test_criterion_of_another_department(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.append(["甲镇", "4.1", "", "", 5, 5, ""])
    edit(dept_file(filled, mini, "d1"), go)
    result = run_on(mini, filled)
    f = next(f for f in result.findings if f.code == "T303")
    assert f.cell == "B17" and "二科" in f.message


def test_duplicated_row(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.append(["甲镇", "1.1", "", "", 2, 2, ""])
    edit(dept_file(filled, mini, "d1"), go)
    assert ("T304", L.SCORE_SHEET, "B17") in codes_at(run_on(mini, filled))


def test_missing_row(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        ws.delete_rows(find_row(ws, "丙镇", "1.2-Q3"))
    edit(dept_file(filled, mini, "d1"), go)
    result = run_on(mini, filled)
    f = next(f for f in result.findings if f.code == "T305")
    assert "丙镇" in f.message and "1.2-Q3" in f.message and f.sheet == L.SCORE_SHEET


def test_empty_score(filled, mini):
    cell = set_score(filled, mini, "d2", "丙镇", "3.2", None)
    assert codes_at(run_on(mini, filled)) == {("T306", L.SCORE_SHEET, cell)}


def test_blank_rows_between_data_are_skipped(filled, mini):
    edit(dept_file(filled, mini, "d2"), lambda wb: wb[L.SCORE_SHEET].insert_rows(4, 3))
    assert run_on(mini, filled).findings == []


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["八", "8分", "N/A", dt.datetime(2024, 5, 1), True, "1,5"])
def test_score_that_is_not_a_number(filled, mini, value):
    cell = set_score(filled, mini, "d2", "乙街道", "4.1", value, note="说明")
    assert codes_at(run_on(mini, filled)) == {("V401", L.SCORE_SHEET, cell)}


def test_full_width_digits_are_accepted_with_a_warning(filled, mini):
    cell = set_score(filled, mini, "d2", "乙街道", "4.1", "４.５", note="资料不全")
    result = run_on(mini, filled)
    assert codes_at(result) == {("V402", L.SCORE_SHEET, cell)}
    entry = next(s for s in result.tables.scores if s.source.cell == cell and s.source.file.endswith("二科.xlsx"))
    assert entry.value == Decimal("4.5")


def test_typed_decimal_is_exact(filled, mini):
    cell = set_score(filled, mini, "d2", "乙街道", "4.1", 4.7, note="扣0.3")
    result = run_on(mini, filled)
    entry = next(s for s in result.tables.scores if s.source.cell == cell and s.source.file.endswith("二科.xlsx"))
    assert entry.value == Decimal("4.7") and str(entry.value) == "4.7"


def test_negative_score(filled, mini):
    """V403, and the row stops there: no score of −1 goes on to be ranked, whatever the later checks find."""
    cell = set_score(filled, mini, "d2", "乙街道", "4.1", -1, note="x")
    result = run_on(mini, filled)
    assert codes_at(result) == {("V403", L.SCORE_SHEET, cell)}
    assert not [s for s in result.tables.scores if s.source.cell == cell and s.source.file.endswith("二科.xlsx")]


def test_score_above_points_is_an_error(filled, mini):
    cell = set_score(filled, mini, "d2", "乙街道", "4.1", 5.5)
    assert codes_at(run_on(mini, filled)) == {("V404", L.SCORE_SHEET, cell)}


def test_too_many_decimals(filled, mini):
    cell = set_score(filled, mini, "d2", "乙街道", "4.1", 4.125, note="x")
    assert codes_at(run_on(mini, filled)) == {("V405", L.SCORE_SHEET, cell)}


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity"])
def test_nan_or_infinity(filled, mini, value):
    cell = set_score(filled, mini, "d2", "乙街道", "4.1", value)
    assert codes_at(run_on(mini, filled)) == {("V406", L.SCORE_SHEET, cell)}


def test_not_applicable_where_the_criterion_applies(filled, mini):
    cell = set_score(filled, mini, "d2", "甲镇", "3.1", "不适用")
    assert codes_at(run_on(mini, filled)) == {("V407", L.SCORE_SHEET, cell)}


def test_merged_score_cell(filled, mini):
    def go(wb):
        ws = wb[L.SCORE_SHEET]
        r = find_row(ws, "甲镇", "3.2")
        col = header_map(ws)["得分"]
        ws.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
    edit(dept_file(filled, mini, "d2"), go)
    result = run_on(mini, filled)
    assert {f.code for f in result.findings} == {"V408"}
    assert {f.cell for f in result.findings} == {"F3", "F4"}


def test_lost_points_without_a_note_is_a_warning(filled, mini):
    set_score(filled, mini, "d2", "乙街道", "4.1", 4)
    result = run_on(mini, filled)
    assert [(f.code, f.severity, f.cell) for f in result.findings] == [("V409", "warning", "G7")]
    assert not validate_paths(mini, [filled], strict=True).ok


def test_score_on_a_not_applicable_row_is_ignored_with_a_warning(filled, mini):
    cell = set_score(filled, mini, "d2", "乙街道", "3.1", 2)
    result = run_on(mini, filled)
    assert codes_at(result) == {("V410", L.SCORE_SHEET, cell)}
    entry = next(s for s in result.tables.scores if s.source.cell == cell and s.source.file.endswith("二科.xlsx"))
    assert entry.value is None


# --- problem register ---------------------------------------------------------------------------


def test_problem_register_rows(filled, mini):
    add_problem(filled, ["甲", "服务对象进京上访", "描述", dt.datetime(2024, 3, 1), "信访办", None, "文号"])
    add_problem(filled, ["乙街道", "重大安全生产责任事故", "描述", "2024-07-01", "", 2.5, ""])
    result = run_on(mini, filled)
    assert result.findings == []
    assert [(p.unit_id, p.category_id, p.deduction) for p in result.tables.problems] == [
        ("a", "petition", None), ("b", "safety_accident", Decimal("2.5"))]


def test_unknown_problem_category(filled, mini):
    add_problem(filled, ["甲镇", "迟到", "", dt.datetime(2024, 3, 1), "", None, ""])
    assert codes_at(run_on(mini, filled)) == {("P501", L.PROBLEM_SHEET, "B2")}


@pytest.mark.parametrize("value", [0, -1, 4.5, "两分"])
def test_deduction_outside_bounds(filled, mini, value):
    add_problem(filled, ["甲镇", "服务对象进京上访", "", dt.datetime(2024, 3, 1), "", value, ""])
    assert codes_at(run_on(mini, filled)) == {("P502", L.PROBLEM_SHEET, "F2")}


def test_deduction_with_too_many_places_is_about_places(filled, mini):
    add_problem(filled, ["甲镇", "服务对象进京上访", "", dt.datetime(2024, 3, 1), "", 1.234, ""])
    result = run_on(mini, filled)
    assert codes_at(result) == {("V405", L.PROBLEM_SHEET, "F2")}
    found = result.findings
    assert "1.234" in found[0].message and "2 位小数" in found[0].message


@pytest.mark.parametrize("value", [dt.datetime(2023, 12, 31), "明年", None])
def test_problem_date_outside_the_year(filled, mini, value):
    add_problem(filled, ["甲镇", "服务对象进京上访", "", value, "", None, ""])
    assert codes_at(run_on(mini, filled)) == {("P503", L.PROBLEM_SHEET, "D2")}


def test_problem_unknown_town(filled, mini):
    add_problem(filled, ["丁镇", "服务对象进京上访", "", dt.datetime(2024, 3, 1), "", None, ""])
    assert codes_at(run_on(mini, filled)) == {("T301", L.PROBLEM_SHEET, "A2")}


# --- highlights --------------------------------------------------------------------------------


def _hl(folder, fn):
    edit(folder / names.HIGHLIGHT_FILE, lambda wb: fn(wb[L.HIGHLIGHT_SHEET]))


def test_highlight_count_not_as_required(filled, mini):
    _hl(filled, lambda ws: ws.delete_rows(2))
    result = run_on(mini, filled)
    assert [(f.code, f.severity) for f in result.findings] == [("H601", "warning")]
    assert "甲镇" in result.findings[0].message


def test_unknown_rating(filled, mini):
    _hl(filled, lambda ws: ws.cell(3, 7, "S"))
    assert ("H602", L.HIGHLIGHT_SHEET, "G3") in codes_at(run_on(mini, filled))


def test_duplicated_highlight_number(filled, mini):
    _hl(filled, lambda ws: ws.cell(3, 2, 1))
    assert ("H603", L.HIGHLIGHT_SHEET, "B3") in codes_at(run_on(mini, filled))


def test_rated_highlight_without_evidence(filled, mini):
    _hl(filled, lambda ws: setattr(ws.cell(4, 6), "value", None))
    assert codes_at(run_on(mini, filled)) == {("H604", L.HIGHLIGHT_SHEET, "F4")}


def test_unknown_highlight_type(filled, mini):
    _hl(filled, lambda ws: ws.cell(4, 5, "好"))
    assert codes_at(run_on(mini, filled)) == {("H605", L.HIGHLIGHT_SHEET, "E4")}


def test_highlight_number_not_an_integer(filled, mini):
    _hl(filled, lambda ws: ws.cell(4, 2, "二"))
    assert ("H606", L.HIGHLIGHT_SHEET, "B4") in codes_at(run_on(mini, filled))


# --- indicators ----------------------------------------------------------------------------------


def _fig(folder, mini, fn):
    edit(dept_file(folder, mini, "d1"), lambda wb: fn(wb[L.FIGURE_SHEET]))


def test_missing_figure(filled, mini):
    _fig(filled, mini, lambda ws: setattr(ws.cell(2, 4), "value", None))
    assert codes_at(run_on(mini, filled)) == {("I701", L.FIGURE_SHEET, "D2")}


def test_non_numeric_figure(filled, mini):
    _fig(filled, mini, lambda ws: ws.cell(2, 4, "约100张"))
    result = run_on(mini, filled)
    assert codes_at(result) == {("I702", L.FIGURE_SHEET, "D2")}
    assert "“约100张”不是数字" in result.findings[0].message


def test_full_width_figure_is_read_with_a_warning_that_shows_what_was_typed(filled, mini):
    """１００ typed in full-width digits: V402 (a warning, not an error), saying what was typed and what
    was read, and the figure counts as 100."""
    _fig(filled, mini, lambda ws: ws.cell(2, 4, "１００"))
    result = run_on(mini, filled)
    assert codes_at(result) == {("V402", L.FIGURE_SHEET, "D2")}
    assert "“１００”含全角字符，已按 100 读取" in result.findings[0].message
    assert [f.value for f in result.tables.figures if f.source.cell == "D2"] == [Decimal(100)]


def test_negative_figure(filled, mini):
    _fig(filled, mini, lambda ws: ws.cell(2, 4, -3))
    assert codes_at(run_on(mini, filled)) == {("I703", L.FIGURE_SHEET, "D2")}


def test_zero_denominator(filled, mini):
    _fig(filled, mini, lambda ws: ws.cell(3, 4, 0))  # row 3: 甲镇 户籍老年人口数
    assert codes_at(run_on(mini, filled)) == {("I704", L.FIGURE_SHEET, "D3")}


def test_unknown_figure_row(filled, mini):
    _fig(filled, mini, lambda ws: ws.append(["甲镇", "2.1", "床位", 5, "张"]))
    assert ("I705", L.FIGURE_SHEET, "C8") in codes_at(run_on(mini, filled))


def test_duplicated_figure_row(filled, mini):
    _fig(filled, mini, lambda ws: ws.append(["甲镇", "2.1", "养老床位数", 5, "张"]))
    assert ("I706", L.FIGURE_SHEET, "C8") in codes_at(run_on(mini, filled))


# --- whole-command behaviour ---------------------------------------------------------------------


def test_every_catalogue_code_of_a_sheet_has_a_test():
    text = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    sheet_codes = [c for c in CATALOGUE if c[0] in "FSTVPHIZ"]
    missing = [c for c in sheet_codes if f'"{c}"' not in text]
    assert missing == []


def _cli(*args, cwd):  # noqa: ANN202 - support.run.Ran
    from support.run import qp

    return qp(*args, cwd=cwd, columns=250)


def test_validate_cli_json_and_exit_codes(filled, mini, tmp_path):
    set_score(filled, mini, "d2", "乙街道", "4.1", 9)
    r = _cli("validate", str(filled), "--rubric", str(MINI_PATH), "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["format"] == "qp-eval-findings/1" and data["errors"] == 1
    data = data["findings"]
    assert data[0]["code"] == "V404"
    assert set(data[0]) >= {"code", "severity", "file", "sheet", "cell", "message"}
    assert "Traceback" not in r.stderr


def test_validate_cli_clean_exit_0_and_inputs_unchanged(filled, tmp_path):
    before = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in filled.rglob("*.xlsx")}
    r = _cli("validate", str(filled), "--rubric", str(MINI_PATH), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "错误 0 个" in r.stdout
    after = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in filled.rglob("*.xlsx")}
    assert after == before


PLAIN = re.compile(r"^(?P<file>[^:]+):(?P<sheet>[^!:]+)!(?P<cell>[A-Z]+\d+): (?P<code>[A-Z]\d{3}) (?P<level>错误|警告) "
                   r"(?P<message>.+?)（处理办法：(?P<fix>.+)）$")


def test_piped_validate_says_each_finding_on_one_line_a_program_can_read(filled, mini, tmp_path):
    set_score(filled, mini, "d2", "乙街道", "4.1", "五分")

    def misspelt(wb):
        ws = wb[L.SCORE_SHEET]
        ws.cell(find_row(ws, "甲镇", "1.1"), 1, "甲真镇")
    edit(dept_file(filled, mini, "d1"), misspelt)
    from support.run import qp

    r = qp("validate", str(filled), "--rubric", str(MINI_PATH), cwd=tmp_path, columns=80)
    assert r.returncode == 1 and "│" not in r.stdout and "┃" not in r.stdout
    found = [m.groupdict() for line in r.stdout.splitlines() if (m := PLAIN.match(line))]
    t301 = next(f for f in found if f["code"] == "T301")
    assert t301["file"] == str(dept_file(filled, mini, "d1")) and (t301["sheet"], t301["cell"]) == (L.SCORE_SHEET, "A2")
    assert t301["level"] == "错误" and "甲镇" in t301["message"]  # the suggestion
    assert t301["fix"] == "填写评估细则中的街镇名称或简称；提示中给出最接近的名称。"  # the catalogue's whole fix
    v = next(f for f in found if f["code"] == "V401")
    assert v["message"] == "乙街道 4.1 的得分“五分”不是有效数字"
    assert v["fix"] == "只填写数字，如 8 或 8.5；不要写“分”字、汉字数字、日期或其他文字。"


def test_validate_cli_usage_error_exit_2(filled, tmp_path):
    r = _cli("validate", str(filled), "--rubric", str(MINI_PATH), "--format", "xml", cwd=tmp_path)
    assert r.returncode == 2


def test_template_cli_writes_into_the_workspace(tmp_path):
    r = _cli("template", "--year", "2024", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    files = sorted(p.name for p in (tmp_path / "scores" / "2024").iterdir())
    assert names.PROBLEM_FILE in files and names.HIGHLIGHT_FILE in files and names.DECISION_FILE in files
    assert len(files) == 10
    r2 = _cli("template", "--year", "2024", cwd=tmp_path)
    assert "未覆盖" in r2.stderr


def test_zip_bomb_is_refused_unopened(tmp_path, mini):
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (64 * 1024 * 1024))
    result = run_on(mini, tmp_path)
    assert [f.code for f in result.findings] == ["F101"]
    assert "压缩" in result.findings[0].message


def test_fill_helpers_are_used(mini, blank):
    # guards the helpers the tests rely on: a filled highlight register has per_unit rows per unit
    edit(blank / names.HIGHLIGHT_FILE, lambda wb: fill_highlights(wb, mini))
    edit(dept_file(blank, mini, "d1"), fill_scores)
    result = validate_paths(mini, [blank / names.HIGHLIGHT_FILE, dept_file(blank, mini, "d1")])
    assert result.findings == [] and len(result.tables.highlights) == 6


def test_unknown_town_in_figures_is_one_finding(filled, mini):
    _fig(filled, mini, lambda ws: ws.cell(2, 1, "甲真镇"))
    assert codes_at(run_on(mini, filled)) == {("T301", L.FIGURE_SHEET, "A2")}
