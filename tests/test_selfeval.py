"""The towns' self-evaluation workbooks (自评表): templates, validation down to the cell, rank unaffected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import edit, fill_all, header_map
from support.year import fill_town, town_file

from qp_eval.core import layout as L
from qp_eval.core import names as N
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.intake import validate_paths
from qp_eval.io.writers.template import write_templates


@pytest.fixture
def towns(blank, mini) -> Path:
    """Filled department sheets and registers, and a filled 自评表 for each of the three towns."""
    fill_all(blank, mini)
    run = write_templates(mini, blank, towns=True)
    assert len(run.written) == 3
    for u in mini.units:
        edit(town_file(blank, mini, u.id), fill_town)
    return blank


def codes_at(result) -> set[tuple[str, str, str]]:
    return {(f.code, f.sheet, f.cell) for f in result.findings}


def test_town_template_rows_follow_what_applies(blank, mini):
    write_templates(mini, blank, towns=True)
    wb = openpyxl.load_workbook(town_file(blank, mini, "a"))
    assert wb.sheetnames == [L.INFO_SHEET, L.SELF_SHEET, L.FIGURE_SHEET, L.HIGHLIGHT_SHEET, L.PROBLEM_SHEET]
    ws = wb[L.SELF_SHEET]
    assert [c.value for c in ws[1]] == list(L.SELF_COLUMNS)
    # 甲镇: 1.1, the quarterly 1.2 once, 3.1 (甲镇 only), 3.2, 4.1; the measured 2.1 is in 指标
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == ["1.1", "1.2", "3.1", "3.2", "4.1"]
    assert [ws.cell(r, 4).value for r in range(2, ws.max_row + 1)] == [2, 4, 2, 3, 5]
    assert ws.protection.sheet and ws["E2"].protection.locked is False and ws["D2"].protection.locked is True
    fs = wb[L.FIGURE_SHEET]
    assert [(fs.cell(r, 1).value, fs.cell(r, 2).value) for r in (2, 3)] == [("2.1", "养老床位数"), ("2.1", "户籍老年人口数")]
    assert wb[L.HIGHLIGHT_SHEET].max_row == 3  # per_unit 2
    info = {r[0]: r[1] for r in wb[L.INFO_SHEET].iter_rows(values_only=True) if r and r[0]}
    assert info[L.KEY_KIND] == L.KIND_SELF and info[L.KEY_UNIT_ID] == "a" and info[L.KEY_UNIT_NAME] == "甲镇"
    assert info[L.KEY_DEADLINE] == "2024-11-08"
    rows_b = openpyxl.load_workbook(town_file(blank, mini, "b"))[L.SELF_SHEET]
    assert [rows_b.cell(r, 1).value for r in range(2, rows_b.max_row + 1)] == ["1.1", "1.2", "3.2", "4.1"]


def test_filled_town_workbooks_validate_clean(towns, mini):
    result = validate_paths(mini, [towns])
    assert result.findings == []
    reports = result.tables.self_reports
    assert sorted(reports) == ["a", "b", "c"]
    a = reports["a"]
    assert {k: v.value for k, v in a.scores.items()} == {"1.1": 2, "1.2": 4, "3.1": 2, "3.2": 3, "4.1": 5}
    assert {k: v.value for k, v in a.figures.items()} == {("2.1", "beds"): 100, ("2.1", "elderly_pop"): 100}
    assert [h.name for h in a.highlights] == ["亮点1", "亮点2"]
    assert a.scores["3.2"].source.cell == "E5"


def _self(towns, mini, unit_id, fn):
    edit(town_file(towns, mini, unit_id), fn)


def test_each_mistake_is_found_at_its_cell(towns, mini):
    def break_a(wb):
        ws = wb[L.SELF_SHEET]
        ws["E2"] = "满分"           # 1.1: not a number
        ws["E3"] = 4.5              # 1.2: above its 4 points
        ws["E4"] = 1.555            # 3.1: three decimals
        ws["E5"] = 2                # 3.2: below full ...
        ws["F5"] = None             # ... and no 自评说明
        ws["E6"] = -1               # 4.1: negative
        wb[L.FIGURE_SHEET]["C2"] = "约100"
        wb[L.HIGHLIGHT_SHEET]["D3"] = "先进性"
        ps = wb[L.PROBLEM_SHEET]
        ps["A2"], ps["B2"], ps["C2"] = "上访", "未知类别", dt.date(2024, 3, 1)
        ps["A3"], ps["B3"], ps["C3"] = "服务对象进京上访", "日期在上一年", dt.date(2023, 12, 30)

    _self(towns, mini, "a", break_a)
    found = codes_at(validate_paths(mini, [towns]))
    assert found == {
        ("V401", L.SELF_SHEET, "E2"), ("V404", L.SELF_SHEET, "E3"), ("V405", L.SELF_SHEET, "E4"),
        ("Z801", L.SELF_SHEET, "F5"), ("V403", L.SELF_SHEET, "E6"), ("I702", L.FIGURE_SHEET, "C2"),
        ("H605", L.HIGHLIGHT_SHEET, "D3"), ("P501", L.PROBLEM_SHEET, "A2"), ("P503", L.PROBLEM_SHEET, "C3"),
    }


def test_unknown_duplicated_missing_and_blank_rows(towns, mini):
    def go(wb):
        ws = wb[L.SELF_SHEET]
        ws["A6"] = "9.9"   # 4.1's row now names a criterion that does not exist: Z802, and 4.1 is missing: Z803
        ws["A5"] = "3.1"   # 3.2's row repeats 3.1: Z804 (and 3.2 is missing too)
        ws["E2"] = None    # 1.1 left blank: Z805 (one warning for the sheet)
        hs = wb[L.HIGHLIGHT_SHEET]
        hs["B3"] = None    # the second highlight has no name: Z806, and only one is reported: Z807
    _self(towns, mini, "a", go)
    found = codes_at(validate_paths(mini, [towns]))
    assert found == {("Z802", L.SELF_SHEET, "A6"), ("Z804", L.SELF_SHEET, "A5"), ("Z803", L.SELF_SHEET, ""),
                     ("Z805", L.SELF_SHEET, ""), ("Z806", L.HIGHLIGHT_SHEET, "B3"), ("Z807", L.HIGHLIGHT_SHEET, "")}
    msgs = [f.message for f in validate_paths(mini, [towns]).findings if f.code == "Z803"]
    assert sorted(msgs) == ["缺少细则 3.2（界桩）的行", "缺少细则 4.1（信息）的行"]


def test_unknown_town_and_two_workbooks_for_one_town(towns, mini):
    _self(towns, mini, "c", lambda wb: wb[L.INFO_SHEET].cell(_info_row(wb, L.KEY_UNIT_ID), 2, "x"))
    found = codes_at(validate_paths(mini, [towns]))
    assert ("F115", L.INFO_SHEET, f"B{_info_row(openpyxl.load_workbook(town_file(towns, mini, 'c')), L.KEY_UNIT_ID)}") in found

    # a second, different, filled copy of 甲镇's workbook: both refused (F106)
    copy = towns / "甲镇自评-修改.xlsx"
    wb = openpyxl.load_workbook(town_file(towns, mini, "a"))
    wb[L.SELF_SHEET]["E2"] = 1
    wb.save(copy)
    result = validate_paths(mini, [towns])
    assert {f.code for f in result.findings if f.file.endswith(".xlsx") and "甲镇" in f.file} >= {"F106"}
    assert "a" not in result.tables.self_reports


def _info_row(wb, key: str) -> int:
    ws = wb[L.INFO_SHEET]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)


def test_rank_is_not_blocked_by_a_broken_or_missing_self_evaluation(towns, mini):
    _self(towns, mini, "a", lambda wb: wb[L.SELF_SHEET].cell(2, 5, "满分"))
    town_file(towns, mini, "b").unlink()
    ev = evaluate(mini, towns)
    assert not ev.blocked and len(ev.ranking) == 3
    v401 = [f for f in ev.findings if f.code == "V401"]
    assert len(v401) == 1 and v401[0].severity == "warning"
    z808 = [f for f in ev.findings if f.code == "Z808"]
    assert [f.message for f in z808] == ["尚未收到 1 个街镇的自评表：乙街道"]
    # validate itself still calls the broken cell an error
    assert [f.severity for f in validate_paths(mini, [towns]).findings if f.code == "V401"] == ["error"]


def test_no_self_evaluations_no_warning(blank, mini):
    fill_all(blank, mini)
    ev = evaluate(mini, blank)
    assert [f.code for f in ev.findings] == []


def test_town_templates_never_overwrite_a_filled_one(towns, mini):
    before = town_file(towns, mini, "a").read_bytes()
    run = write_templates(mini, towns, towns=True, force=True)
    assert run.written == [] and len(run.kept) == 3
    assert town_file(towns, mini, "a").read_bytes() == before


# --- 自评 vs 考评 (hand-worked on the mini rubric) ----------------------------------------------


def test_comparison_by_item_and_problems(towns, mini):
    from conftest import add_problem, dept_file, find_row

    from qp_eval.core.selfcompare import compare

    def dept_41(wb):  # 二科 gives 甲镇 3 of 5 on 4.1
        ws = wb[L.SCORE_SHEET]
        r = find_row(ws, "甲镇", "4.1")
        ws.cell(r, header_map(ws)["得分"]).value = 3
        ws.cell(r, header_map(ws)["扣分说明"]).value = "信息报送迟报两次"

    edit(dept_file(towns, mini, "d2"), dept_41)

    def town_a(wb):  # 甲镇 rates 3.2 at 2.5 of 3 (row 5), keeps 4.1 at 5
        ws = wb[L.SELF_SHEET]
        ws["E5"], ws["F5"] = 2.5, "界桩一处损坏，已报修"

    edit(town_file(towns, mini, "a"), town_a)
    def town_b_blank(wb):  # 乙街道 leaves 1.1 without a self-score
        wb[L.SELF_SHEET]["E2"].value = None

    edit(town_file(towns, mini, "b"), town_b_blank)

    def town_b_problem(wb):
        ps = wb[L.PROBLEM_SHEET]
        ps["A2"], ps["B2"], ps["C2"], ps["D2"] = "重大安全生产责任事故", "仓库起火", dt.date(2024, 7, 1), "已整改"

    edit(town_file(towns, mini, "b"), town_b_problem)
    add_problem(towns, ["甲镇", "服务对象进京上访", "赴京信访一起", dt.date(2024, 5, 1), "信访办", None, "青信〔2024〕3号"])

    ev = evaluate(mini, towns)
    assert not ev.blocked
    cmp = compare(ev)
    a = {g.item_no: (g.self_score, g.scored, g.difference) for g in cmp.of_unit("a")}
    # item 1: 1.1 (2) + 1.2 (4); item 2: the measured 2.1 from 甲镇's own figures (100 of 100: full 4);
    # item 3: 3.1 (2) + 3.2 (self 2.5, departments 3); item 4: 4.1 (self 5, departments 3)
    assert a == {1: (6, 6, 0), 2: (4, 4, 0), 3: (Decimal("4.5"), 5, Decimal("-0.5")), 4: (5, 3, 2)}
    assert [g.notes for g in cmp.of_unit("a") if g.item_no == 3] == ["3.2 界桩一处损坏，已报修"]
    b = {g.item_no: (g.self_score, g.difference) for g in cmp.of_unit("b")}
    assert b[1] == (None, None)  # 1.1 left blank: the item is not compared
    assert [(g.unit, g.item_no, g.difference) for g in cmp.largest("二科")] == [("甲镇", 4, 2), ("甲镇", 3, Decimal("-0.5"))]
    assert [(p.unit, p.category, p.description) for p in cmp.unreported] == [("甲镇", "服务对象进京上访", "赴京信访一起")]
    assert [(p.unit, p.category, p.date) for p in cmp.unregistered] == [("乙街道", "重大安全生产责任事故", "2024-07-01")]
    assert cmp.sent == {"a", "b", "c"}


def test_report_has_the_comparison_sheet_and_json(towns, mini, tmp_path):
    import json

    from qp_eval.core import results as ranking_out
    from qp_eval.io.writers.report_xlsx import write

    def town_a(wb):
        wb[L.SELF_SHEET]["E5"], wb[L.SELF_SHEET]["F5"] = 2.5, "界桩一处损坏"

    edit(town_file(towns, mini, "a"), town_a)
    ev = evaluate(mini, towns)
    out = tmp_path / "r.xlsx"
    write(ev, out, dt.date(2024, 12, 31))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[3:] == ["自评对照", "各科室自评与考评差异最大的项目", "登记在册而街镇自评未报告的问题",
                                 "街镇自评报告而问题登记表中没有的问题"]  # each table under its own header
    rows = list(wb["自评对照"].iter_rows(values_only=True))
    assert rows[0][:7] == ("街镇", "项目", "评估科室", "分值", "自评得分", "考评得分", "自评−考评")
    a3 = next(r for r in rows if r[0] == "甲镇" and str(r[1]).startswith("3."))
    assert a3[3:8] == (5, 4.5, 5, -0.5, "3.2 界桩一处损坏")
    data = json.loads(ranking_out.to_json(ev))["self_evaluation"]
    assert next(x for x in data["items"] if x["unit_id"] == "a" and x["item"] == 3)["difference"] == "-0.50"
    assert data["unreported_problems"] == [] and data["received"] == ["a", "b", "c"]


def test_status_lists_each_towns_self_evaluation(towns, mini):
    from qp_eval.core.status import MISSING, RECEIVED, status_rows

    town_file(towns, mini, "c").unlink()
    rows = {r.name: r for r in status_rows(mini, validate_paths(mini, [towns]), dt.date(2024, 11, 1))}
    a = rows["甲镇（自评）"]
    # 甲镇: 5 self-scores + 2 figures + 2 highlights (per_unit) expected and filled; 7 days to 2024-11-08
    assert (a.state, a.filled, a.expected, a.days_left) == (RECEIVED, 9, 9, 7)
    assert rows["丙镇（自评）"].state == MISSING


def test_explain_shows_the_self_score_beside_each_criterion(towns, mini):
    from qp_eval.core.explain import explain_data

    edit(town_file(towns, mini, "a"), lambda wb: wb[L.SELF_SHEET].cell(5, 5, 2.5))
    ev = evaluate(mini, towns)
    lines = {x["label"].split()[0]: x["self_score"] for x in explain_data(ev, "a")["lines"] if x["part"] == "重点工作"}
    assert lines == {"1.1": "2", "1.2": "4", "2.1": "见指标", "3.1": "2", "3.2": "2.5", "4.1": "5"}


def test_letter_names_the_items_where_the_two_views_differ_most(towns, mini):
    from qp_eval.core.letters import letter_paragraphs

    edit(town_file(towns, mini, "a"), lambda wb: wb[L.SELF_SHEET].cell(5, 5, 2.5))  # 3.2: self 2.5 of 3
    ev = evaluate(mini, towns)
    a = next(x for x in ev.ranking if x.unit_id == "a")
    text = "\n".join(p.text for p in letter_paragraphs(ev, a, dt.date(2024, 12, 31), draft=True))
    assert "对照你镇的自评，项目三（自评 4.50 分、考评 5.00 分）自评与考评差异较大，请对照评估细则和科室扣分说明查找原因。" in text
    b = next(x for x in ev.ranking if x.unit_id == "b")  # 乙街道's self-scores equal the departments'
    assert "自评与考评差异" not in "\n".join(p.text for p in letter_paragraphs(ev, b, dt.date(2024, 12, 31), draft=True))


def test_zero_denominator_in_a_towns_own_figures(towns, mini):
    _self(towns, mini, "a", lambda wb: wb[L.FIGURE_SHEET].cell(3, 3, 0))  # 户籍老年人口数 = 0
    assert codes_at(validate_paths(mini, [towns])) == {("I704", L.FIGURE_SHEET, "C3")}


# --- collecting the towns' highlights into 亮点登记 --------------------------------------------


def test_collect_fills_blanks_keeps_the_office_text_and_ratings_and_is_idempotent(towns, mini):
    from qp_eval.io.collect import collect_highlights
    from qp_eval.io.writers.sheets import highlight_workbook

    register = towns / N.HIGHLIGHT_FILE
    wb = highlight_workbook(mini)  # a fresh register: rows 甲镇 1, 2; 乙街道 1, 2; 丙镇 1, 2
    ws = wb[L.HIGHLIGHT_SHEET]
    ws["G2"] = "A"                    # 甲镇 #1 already rated by the office
    ws["C5"] = "办公室改写的名称"      # 乙街道 #2: the office typed its own name
    wb.save(register)
    town_file(towns, mini, "c").unlink()  # 丙镇 has not sent its self-evaluation

    def odd_type(wb):  # 乙街道's first highlight has a type the rubric does not know (H605, a warning)
        wb[L.HIGHLIGHT_SHEET]["D2"] = "引领性"

    edit(town_file(towns, mini, "b"), odd_type)

    run = collect_highlights(mini, towns, now=dt.datetime(2024, 11, 10, 9, 0))
    assert not run.refused and run.written
    # 甲镇 and 乙街道, 2 highlights x 4 columns each, less the one name the office typed
    # less 乙街道 #1's unknown type, which is listed and not taken
    assert run.filled == 14 and run.towns == ["甲镇", "乙街道"] and run.missing == ["丙镇"]
    assert run.skipped == ["乙街道 第 1 个亮点的类型“引领性”不是细则规定的类型，未填入"]
    assert run.kept == ["乙街道 第 2 个亮点的亮点名称：登记表为“办公室改写的名称”，自评表为“亮点2”，保留登记表的"]
    out = openpyxl.load_workbook(register)[L.HIGHLIGHT_SHEET]
    assert [out.cell(2, c).value for c in range(1, 8)] == ["甲镇", 1, "亮点1", "简介", "创新性", "报道", "A"]
    assert [out.cell(5, c).value for c in (1, 2, 3, 7)] == ["乙街道", 2, "办公室改写的名称", None]
    assert out["C6"].value is None  # 丙镇 #1: nothing to collect
    assert out["C4"].value == "亮点1" and out["E4"].value is None  # 乙街道 #1: its name, not its type
    backup = towns / "备份-20241110-090000" / N.HIGHLIGHT_FILE
    assert backup.exists() and openpyxl.load_workbook(backup)[L.HIGHLIGHT_SHEET]["C2"].value is None

    before = register.read_bytes()
    again = collect_highlights(mini, towns)
    assert not again.written and again.filled == 0 and register.read_bytes() == before


def test_collect_command_refuses_a_broken_register_without_touching_it(towns, mini, tmp_path):
    import shutil

    from conftest import MINI_PATH

    ws = tmp_path / "ws"
    shutil.copytree(towns, ws / "scores" / "2024")
    register = ws / "scores" / "2024" / N.HIGHLIGHT_FILE
    edit(register, lambda wb: wb[L.HIGHLIGHT_SHEET].cell(2, 7, "甲等"))  # an unknown rating: H602
    before = register.read_bytes()
    from support.run import qp

    r = qp("collect", "--year", "2024", "--rubric", str(MINI_PATH), cwd=ws)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "未收集：亮点登记表" in r.stderr and "有 1 处错误" in r.stderr
    assert register.read_bytes() == before


def test_migrate_carries_the_towns_self_evaluations(towns, tmp_path):
    from support.year import MINI, REVISION

    from qp_eval.io.migrate import migrate
    from qp_eval.io.rubric_file import load_rubric

    text = MINI
    for old, new in REVISION:
        text = text.replace(old, new, 1)
    path = tmp_path / "2024-revised.yaml"
    path.write_text(text, encoding="utf-8")
    revised = load_rubric(path)
    assert {f.code for f in validate_paths(revised, [towns]).findings if N.SELF_FOLDER in f.file} == {"F104"}

    run = migrate(revised, towns, now=dt.datetime(2024, 11, 20, 8, 0))
    assert not run.refused
    lost = sorted((Path(x.file).stem.split("_")[1], x.where, x.why) for x in run.lost if "自评表" in x.file)
    # per town: 1.1 removed (自评得分 E2 and 自评说明 F2) and 4.1 above its new 4.5 points (5 in E5, or E6 for 甲镇);
    # 甲镇 also 3.1 above its new 1 point (E4)
    assert lost == [
        ("丙镇", "自评!E2", "细则 1.1 已删除、现不适用于该街镇或改变了评分方式"),
        ("丙镇", "自评!E5", "超过新的分值 4.5"),
        ("丙镇", "自评!F2", "细则 1.1 已删除、现不适用于该街镇或改变了评分方式"),
        ("乙街道", "自评!E2", "细则 1.1 已删除、现不适用于该街镇或改变了评分方式"),
        ("乙街道", "自评!E5", "超过新的分值 4.5"),
        ("乙街道", "自评!F2", "细则 1.1 已删除、现不适用于该街镇或改变了评分方式"),
        ("甲镇", "自评!E2", "细则 1.1 已删除、现不适用于该街镇或改变了评分方式"),
        ("甲镇", "自评!E4", "超过新的分值 1"),
        ("甲镇", "自评!E6", "超过新的分值 4.5"),
        ("甲镇", "自评!F2", "细则 1.1 已删除、现不适用于该街镇或改变了评分方式"),
    ]
    wb = openpyxl.load_workbook(town_file(towns, revised, "a"))
    ws = wb[L.SELF_SHEET]
    rows = {ws.cell(r, 1).value: (ws.cell(r, 5).value, ws.cell(r, 6).value) for r in range(2, ws.max_row + 1)}
    assert rows == {"1.2": (4, "1.2 台账齐全"), "3.1": (None, "3.1 台账齐全"), "3.2": (3, "3.2 台账齐全"),
                    "4.1": (None, "4.1 台账齐全"), "4.2": (None, None)}
    assert wb[L.HIGHLIGHT_SHEET]["B2"].value == "亮点1" and wb[L.FIGURE_SHEET]["C2"].value == 100
    assert (towns / "备份-20241120-080000").is_dir()
    assert {f.code for f in validate_paths(revised, [towns]).findings if N.SELF_FOLDER in f.file} <= {"Z805"}


def test_report_csv_has_the_comparison_beside_it(towns, mini, tmp_path):
    from qp_eval.io.writers.report_text import write_text_report

    edit(town_file(towns, mini, "a"), lambda wb: wb[L.SELF_SHEET].cell(5, 5, 2.5))
    ev = evaluate(mini, towns)
    written = write_text_report(ev, "csv", tmp_path / "r.csv", dt.date(2024, 12, 31))
    assert [p.name for p in written] == ["r.csv", "r_自评对照.csv", "r_自评问题对照.csv"]
    assert written[2].read_text(encoding="utf-8-sig").splitlines() == ["对照结果,街镇,问题类别,问题描述,发生日期,位置"]
    lines = written[1].read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "街镇,项目,评估科室,分值,自评得分,考评得分,自评−考评,自评说明"
    assert "甲镇,3. 项目三,二科,5,4.50,5.00,-0.50,3.2 3.2 台账齐全" in lines  # fill_town writes "<id> 台账齐全"


def test_town_templates_for_every_2024_town_validate_clean_when_filled(tmp_path, rubric2024):
    run = write_templates(rubric2024, tmp_path, towns=True)
    assert len(run.written) == 11
    for u in rubric2024.units:
        edit(town_file(tmp_path, rubric2024, u.id), fill_town)
    result = validate_paths(rubric2024, [tmp_path])
    assert result.findings == []
    assert sorted(result.tables.self_reports) == sorted(u.id for u in rubric2024.units)
    # 18.1 applies to 练塘镇 and 金泽镇 only: it is in their self-evaluations and no one else's
    has_181 = sorted(u for u, rep in result.tables.self_reports.items() if "18.1" in rep.scores)
    assert has_181 == sorted(c for c in rubric2024.criteria["18.1"].applies_to or ())


def test_a_broken_file_in_the_self_evaluation_folder_never_blocks_rank(towns, mini):
    (towns / N.SELF_FOLDER / "坏文件.xlsx").write_bytes(b"not a workbook")
    assert [f.severity for f in validate_paths(mini, [towns]).findings if f.code == "F101"] == ["error"]
    ev = evaluate(mini, towns)
    assert not ev.blocked and len(ev.ranking) == 3
    assert [f.severity for f in ev.findings if f.code == "F101"] == ["warning"]


def test_two_differing_self_evaluations_of_one_town_are_named_not_blank(towns, mini):
    from qp_eval.core.selfcompare import sections
    from qp_eval.core.status import INVALID, status_rows

    copy = towns / N.SELF_FOLDER / "甲镇自评-修改.xlsx"
    wb = openpyxl.load_workbook(town_file(towns, mini, "a"))
    wb[L.SELF_SHEET]["E2"] = 1
    wb.save(copy)
    rows = [r for r in status_rows(mini, validate_paths(mini, [towns]), dt.date(2024, 11, 1)) if r.name == "甲镇（自评）"]
    assert [r.state for r in rows] == [INVALID, INVALID]
    ev = evaluate(mini, towns)
    assert ev.comparison.refused == {"a"} and "a" not in ev.comparison.sent
    titles = {t: rows for t, _, rows, _ in sections(ev, ev.comparison)}
    refused = next(rows for t, rows in titles.items() if t.startswith("自评表已收到但未能采用"))
    assert refused == [["甲镇"]] and not any(t.startswith("尚未报送") for t in titles)


def test_a_letter_calls_a_difference_large_only_from_a_tenth_of_the_items_points(towns, mini):
    from qp_eval.core.letters import letter_paragraphs

    # 项目三 is 5 points (3.1: 2, 3.2: 3): self 2.6 on 3.2 makes the item 4.6 against 5, a difference of 0.4 < 0.5
    edit(town_file(towns, mini, "a"), lambda wb: wb[L.SELF_SHEET].cell(5, 5, 2.6))
    ev = evaluate(mini, towns)
    a = next(x for x in ev.ranking if x.unit_id == "a")
    assert "自评与考评差异" not in "\n".join(p.text for p in letter_paragraphs(ev, a, dt.date(2024, 12, 31), draft=True))
