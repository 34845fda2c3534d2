"""The rubric: the shipped 2024 file, and every way a broken rubric is refused.

Each broken rubric is the small valid one (tests/data/mini.yaml) with one change; the test
asserts the code, the file name and the YAML line of the problem.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from qp_eval.core.errors import RubricError
from qp_eval.io.rubric_file import load_rubric
from qp_eval.io.workspace import shipped_rubric

ROOT = Path(__file__).resolve().parents[1]
MINI = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (the expected place)."""
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in MINI, old
    text = MINI.replace(old, new, 1)
    p = tmp_path / "broken.yaml"
    p.write_text(text, encoding="utf-8")
    return p, text


def refusal(path: Path) -> list:
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    return info.value.findings


def only(findings: list, code: str):
    hits = [f for f in findings if f.code == code]
    assert hits, [(f.code, f.message) for f in findings]
    return hits[0]


# --- the shipped 2024 rubric -------------------------------------------------------------


def test_2024_rubric_has_the_plan_structure():
    r = load_rubric(ROOT / "rubric" / "2024.yaml")
    assert len(r.units) == 11
    assert len(r.departments) == 8
    assert [i.number for i in r.items] == list(range(1, 28))
    assert r.total_points == 100
    assert sum(i.points for i in r.items) == Decimal(100)
    assert [u.name for u in r.units if u.kind == "街道"] == ["夏阳街道", "盈浦街道", "香花桥街道"]
    assert r.resolve_unit("朱家角") == "zhujiajiao"
    assert r.resolve_unit(" 白鹤\u3000") == "baihe"
    measurable = sorted(c.id for c in r.criteria.values() if c.measure)
    assert measurable == ["11.5", "2.1", "2.2", "24.1", "5.3", "5.4"]
    assert r.criteria["1.3"].periods is not None and r.criteria["1.3"].periods.combine == "mean"
    assert r.criteria["18.1"].applies_to == ("liantang", "jinze")
    assert {c.name for c in r.problems.categories if c.veto} == {"违反党风廉政有关规定", "重大安全生产责任事故"}
    assert r.highlights.cap == 5 and r.problems.cap == 10
    assert str(r.deadlines.department_scoring) == "2024-12-10"


def test_2024_rubric_points_follow_the_plan_defaults():
    r = load_rubric(ROOT / "rubric" / "2024.yaml")
    expected = {1: 8, 2: 4, 3: 5, 4: 4, 5: 5, 6: 5, 7: 3, 8: 3, 9: 2, 10: 3, 11: 5, 12: 2, 13: 3, 14: 3,
                15: 3, 16: 5, 17: 2, 18: 3, 19: 3, 20: 3, 21: 3, 22: 3, 23: 2, 24: 4, 25: 2, 26: 6, 27: 6}
    assert {i.number: i.points for i in r.items} == {k: Decimal(v) for k, v in expected.items()}


def test_2024_rubric_says_the_plan_sets_no_points():
    head = (ROOT / "rubric" / "2024.yaml").read_text(encoding="utf-8")[:400]
    assert "没有规定任何分值" in head


def test_shipped_rubric_is_the_repository_rubric():
    shipped = shipped_rubric(2024)
    assert shipped is not None
    assert shipped.read_bytes() == (ROOT / "rubric" / "2024.yaml").read_bytes()


def test_fingerprint_ignores_comments_but_not_content(tmp_path):
    base = load_rubric(Path(__file__).parent / "data" / "mini.yaml").fingerprint
    p = tmp_path / "c.yaml"
    p.write_text("# 注释\n" + MINI, encoding="utf-8")
    assert load_rubric(p).fingerprint == base
    p2, _ = broken(tmp_path, "points: 2}", "points: 2.0}")
    assert load_rubric(p2).fingerprint == base  # same number
    p3, _ = broken(tmp_path, "title: 测试细则", "title: 另一个")
    assert load_rubric(p3).fingerprint != base


def test_decimals_are_exact():
    r = load_rubric(Path(__file__).parent / "data" / "mini.yaml")
    assert r.items[1].criteria[0].measure.rule.target == Decimal("3.5")
    assert r.highlights.ratings[1].bonus == Decimal("0.6")


# --- rejections, each naming file and line -------------------------------------------------


def test_unknown_key_suggests_the_nearest(tmp_path):
    p, text = broken(tmp_path, "    department: d1\n    points: 6", "    departmnet: d1\n    points: 6")
    f = only(refusal(p), "R002")
    assert f.file == str(p)
    assert f.line == line_of(text, "departmnet")
    assert "department" in f.message and "departmnet" in f.message


def test_unknown_key_inside_a_rule_suggests_the_nearest(tmp_path):
    p, text = broken(tmp_path, "target: 3.5", "traget: 3.5")
    f = only(refusal(p), "R002")
    assert f.line == line_of(text, "traget")
    assert "“target”" in f.message


def test_unknown_department_reference(tmp_path):
    p, text = broken(tmp_path, "department: d2\n    points: 5\n    criteria:\n      - {id: \"3.1\"",
                     "department: d9\n    points: 5\n    criteria:\n      - {id: \"3.1\"")
    f = only(refusal(p), "R004")
    assert "d9" in f.message
    assert f.line == line_of(text, "department: d9")


def test_unknown_unit_reference(tmp_path):
    p, text = broken(tmp_path, "applies_to: [a]", "applies_to: [zz]")
    f = only(refusal(p), "R004")
    assert "zz" in f.message and f.line == line_of(text, "applies_to: [zz]")


def test_duplicate_criterion_id(tmp_path):
    p, text = broken(tmp_path, '{id: "3.2"', '{id: "3.1"')
    f = only(refusal(p), "R005")
    assert "3.1" in f.message
    assert f.line == line_of(text, 'name: 界桩')


def test_duplicate_unit_id(tmp_path):
    p, text = broken(tmp_path, "{id: c, name: 丙镇", "{id: b, name: 丙镇")
    f = only(refusal(p), "R005")
    assert f.line == line_of(text, "name: 丙镇")


def test_criteria_points_must_add_up_to_the_item(tmp_path):
    p, text = broken(tmp_path, "{id: \"3.2\", name: 界桩, standard: 界桩维护, points: 3}",
                     "{id: \"3.2\", name: 界桩, standard: 界桩维护, points: 2}")
    findings = refusal(p)
    f = only(findings, "R006")
    assert "5" in f.message and "4" in f.message
    lines = MINI.splitlines()
    item3 = line_of(text, "name: 项目三")
    assert f.line == item3 + 2 and "points: 5" in lines[f.line - 1]


def test_items_must_add_up_to_the_total(tmp_path):
    p, text = broken(tmp_path, "total_points: 20", "total_points: 21")
    f = only(refusal(p), "R007")
    assert f.line == line_of(text, "total_points: 21")


def test_alias_resolving_to_two_units(tmp_path):
    p, text = broken(tmp_path, "{id: c, name: 丙镇, kind: 镇}", "{id: c, name: 丙镇, kind: 镇, aliases: [甲]}")
    f = only(refusal(p), "R008")
    assert "甲" in f.message
    assert f.line == line_of(text, "name: 丙镇")


def test_alias_equal_to_another_units_name_after_spaces(tmp_path):
    p, _ = broken(tmp_path, "{id: c, name: 丙镇, kind: 镇}", "{id: c, name: 丙镇, kind: 镇, aliases: [' 乙街道 ']}")
    assert only(refusal(p), "R008")


def test_rule_missing_an_input(tmp_path):
    p, text = broken(tmp_path, "denominator: elderly_pop", "denominator: elderly_population")
    f = only(refusal(p), "R009")
    assert "elderly_population" in f.message
    assert f.line == line_of(text, "rule: {kind: ratio_at_least")


def test_target_outside_its_range(tmp_path):
    p, text = broken(tmp_path, "target: 3.5", "target: -1")
    f = only(refusal(p), "R010")
    assert f.line == line_of(text, "target: -1")


def test_step_threshold_above_100_is_refused(tmp_path):
    new = "rule: {kind: step_below, numerator: beds, denominator: elderly_pop, threshold: 180, per_point: 0.2}"
    p, text = broken(
        tmp_path,
        "rule: {kind: ratio_at_least, numerator: beds, denominator: elderly_pop, scale: 100, target: 3.5, credit: linear}",
        new,
    )
    f = only(refusal(p), "R010")
    assert "180" in f.message and f.line == line_of(text, "step_below")


def test_date_that_is_not_a_date(tmp_path):
    p, text = broken(tmp_path, "department_scoring: 2024-12-10", "department_scoring: 2024-13-45")
    f = only(refusal(p), "R011")
    assert "2024-13-45" in f.message
    assert f.line == line_of(text, "2024-13-45")


def test_grade_band_overlap(tmp_path):
    p, text = broken(tmp_path, "{name: 良好, min: 15}", "{name: 良好, min: 15, max: 19}")
    f = only(refusal(p), "R012")
    assert f.line == line_of(text, "max: 19")


def test_grade_band_gap(tmp_path):
    p, text = broken(tmp_path, "{name: 良好, min: 15}", "{name: 良好, min: 15, max: 17}")
    f = only(refusal(p), "R013")
    assert f.line == line_of(text, "max: 17")


def test_lowest_grade_band_must_start_at_zero(tmp_path):
    p, text = broken(tmp_path, "{name: 不合格}", "{name: 不合格, min: 5}")
    f = only(refusal(p), "R013")
    assert f.line == line_of(text, "{name: 不合格, min: 5}")


def test_duplicate_yaml_key(tmp_path):
    p, text = broken(tmp_path, "precision: 2\n", "precision: 2\nprecision: 3\n")
    f = only(refusal(p), "R014")
    assert f.line == line_of(text, "precision: 3")


def test_yaml_syntax_error_names_the_line(tmp_path):
    p, text = broken(tmp_path, "title: 测试细则", "title: [测试细则")
    f = only(refusal(p), "R001")
    assert f.file == str(p) and f.line is not None


def test_missing_field_and_wrong_type(tmp_path):
    p, text = broken(tmp_path, "    name: 项目二\n", "")
    f = only(refusal(p), "R003")
    assert "name" in f.message
    p2, text2 = broken(tmp_path, "precision: 2", "precision: 两位")
    f2 = only(refusal(p2), "R003")
    assert f2.line == line_of(text2, "precision: 两位")


def test_points_with_more_decimals_than_precision(tmp_path):
    p, text = broken(tmp_path, "precision: 2", "precision: 0")
    # criteria here are whole numbers, but the 0.6 bonus could not be published at 0 places
    assert {(f.code, f.line) for f in refusal(p)} == {
        ("R015", line_of(text, "cap: 1.5")), ("R015", line_of(text, "bonus: 0.6")), ("R015", line_of(text, "bonus: 0.2"))}
    p2, text2 = broken(tmp_path, "{id: \"1.1\", name: 细则一, standard: 标准一, points: 2}",
                       "{id: \"1.1\", name: 细则一, standard: 标准一, points: 2.125}")
    f = only(refusal(p2), "R015")
    assert f.line == line_of(text2, "points: 2.125")


def test_bonus_and_deduction_amounts_keep_the_precision(tmp_path):
    p, text = broken(tmp_path, "{grade: B, bonus: 0.6}", "{grade: B, bonus: 0.625}")
    f = only(refusal(p), "R015")
    assert f.line == line_of(text, "bonus: 0.625") and "0.625" in f.message
    p2, text2 = broken(tmp_path, "deduction: 2}", "deduction: 2.005}")
    assert only(refusal(p2), "R015").line == line_of(text2, "deduction: 2.005")


def test_all_problems_are_reported_at_once(tmp_path):
    text = MINI.replace("total_points: 20", "total_points: 21").replace("applies_to: [a]", "applies_to: [zz]")
    p = tmp_path / "two.yaml"
    p.write_text(text, encoding="utf-8")
    codes = {f.code for f in refusal(p)}
    assert {"R004", "R007"} <= codes


def test_missing_file_is_a_finding(tmp_path):
    f = only(refusal(tmp_path / "nope.yaml"), "R001")
    assert "nope.yaml" in f.file


# --- the rubric reads the same in every YAML reader ----------------------------------------


def test_plain_yaml_readers_see_integer_item_numbers():
    import yaml

    for path in (ROOT / "rubric" / "2024.yaml", Path(__file__).parent / "data" / "mini.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # YAML 1.1: a key "no" would be False
        assert [item["number"] for item in data["items"]] == list(range(1, len(data["items"]) + 1))
        assert all(False not in item for item in data["items"])


def test_old_key_no_gets_its_new_name_and_the_rest_is_still_checked(tmp_path):
    p, text = broken(tmp_path, "  - number: 2\n", "  - no: 2\n")
    p.write_text(text.replace("total_points: 20", "total_points: 21"), encoding="utf-8")
    findings = refusal(p)
    f = only(findings, "R016")
    assert "number: 2" in f.message and f.line == line_of(text, "- no: 2")
    assert {x.code for x in findings} == {"R016", "R007"}  # no R002/R003 noise for the renamed key


def test_lowest_band_cannot_have_a_quota(tmp_path):
    p, text = broken(tmp_path, "  - {name: 不合格}", "  - {name: 不合格, quota: 0.2}")
    f = only(refusal(p), "R017")
    assert f.line == line_of(text, "不合格, quota")


def test_default_deduction_above_its_per_case_maximum(tmp_path):
    p, text = broken(tmp_path, "{id: petition, name: 服务对象进京上访, deduction: 2}",
                     "{id: petition, name: 服务对象进京上访, deduction: 2, max_per_case: 1}")
    f = only(refusal(p), "R010")
    assert f.line == line_of(text, "max_per_case: 1") and "超过每起上限" in f.message


def test_a_unit_with_no_applicable_criterion(tmp_path):
    text = MINI
    for cid in ("1.1", "3.2", "4.1"):
        text = text.replace(f'{{id: "{cid}", ', f'{{id: "{cid}", applies_to: [a, b], ')
    text = text.replace("        points: 4\n        periods:", "        points: 4\n        applies_to: [a, b]\n        periods:")
    text = text.replace("        points: 4\n        measure:", "        points: 4\n        applies_to: [a, b]\n        measure:")
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    f = only(refusal(p), "R018")
    assert "丙镇" in f.message and f.line == line_of(text, "{id: c, name: 丙镇")


@pytest.mark.parametrize("text, says", [
    ("year: 2024\ntitle: [x\nunits: []\n", "第 3 行第 6 列：方括号 [ ] 中缺少逗号，或没有右方括号 ]"),
    ("year: 2024\ntitle: a: b\n", "这里不能出现冒号"),
    ("year: 2024\n\ttitle: x\n", "含有制表符（Tab），请改用空格缩进"),
    ('title: "abc\n', "引号没有闭合"),
])
def test_yaml_syntax_errors_in_chinese_with_line_and_column(tmp_path, text, says):
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    f = only(refusal(p), "R001")
    assert says in f.message and f.line is not None


@pytest.mark.parametrize("make, says", [
    (lambda p: p.write_bytes("年度: 2024\n".encode("gbk")), "GBK（GB2312） 编码，不是 UTF-8"),
    (lambda p: p.write_bytes("year: 2024\n".encode("utf-16")), "UTF-16 编码"),
    (lambda p: p.mkdir(), "这是一个目录"),
    (lambda p: None, "找不到这个文件"),
])
def test_unreadable_rubric_files_are_named_in_chinese(tmp_path, make, says):
    p = tmp_path / "r.yaml"
    make(p)
    f = only(refusal(p), "R001")
    assert says in f.message and "Errno" not in f.message and "codec" not in f.message


def test_a_name_with_a_slash_alone_is_fine(tmp_path):
    p, _ = broken(tmp_path, "{id: b, name: 乙街道", '{id: b, name: "乙/街道"')
    assert load_rubric(p).unit["b"].name == "乙/街道"


@pytest.mark.parametrize("name", ['"   "', '"乙\\u0007街道"'])
def test_a_blank_name_or_one_with_control_characters(tmp_path, name):
    p, text = broken(tmp_path, "{id: b, name: 乙街道", "{id: b, name: " + name)
    f = only(refusal(p), "R019")
    assert f.line == line_of(text, "{id: b, name:")


def test_two_towns_that_become_one_file_name(tmp_path):
    text = MINI.replace("{id: a, name: 甲镇", '{id: a, name: "a/b"').replace("{id: c, name: 丙镇", '{id: c, name: "A:B"')
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    f = only(refusal(p), "R020")
    assert "“A:B” 和 “a/b” 生成的文件名相同（A_B）" in f.message and f.line == line_of(text, '"A:B"')


def test_a_name_too_long_for_a_file_name(tmp_path):
    p, text = broken(tmp_path, "{id: c, name: 丙镇", "{id: c, name: " + "丙" * 90)
    f = only(refusal(p), "R021")
    assert "超过文件系统允许的 255 字节" in f.message


@pytest.mark.parametrize(("name", "why"), [("CON", "“CON”是 Windows 保留的设备名"), ("aux", "“AUX”是 Windows 保留的设备名"),
                                         ("Lpt1.甲", "“LPT1”是 Windows 保留的设备名"), ('"a."', "以点或空格结尾"),
                                         ('"a "', "以点或空格结尾")])
def test_a_name_windows_cannot_hold_as_a_file_name(tmp_path, name, why):
    p, text = broken(tmp_path, "{id: c, name: 丙镇", "{id: c, name: " + name)
    f = only(refusal(p), "R025")
    assert why in f.message and f.line == line_of(text, "{id: c, name: " + name)


def test_a_name_whose_letter_path_is_over_what_windows_opens(tmp_path):
    """The deepest such path is a town's form set aside among the marked copies:
    reports/2024/退回/ (16) + 备份-20241231-235959-99/ (22) + 自评/ (3) + 2024年度自评表_ (10) + name + .xlsx (5),
    56 + n characters. With the workspace's own 80, a temporary suffix of 24 and the final NUL that leaves
    260 - 1 - 80 - 24 = 155, so an ASCII name of 99 characters (155 - 56) passes and 100 does not. Its
    longest file name (the draft letter: 16 characters of 3 bytes, 10 of 1 and the name's 100 make 158
    bytes, 182 with the suffix) is still under the 255 bytes of R021."""
    p, _ = broken(tmp_path, "{id: c, name: 丙镇", "{id: c, name: " + "c" * 99)
    assert load_rubric(p).unit["c"].name == "c" * 99
    p, _ = broken(tmp_path, "{id: c, name: 丙镇", "{id: c, name: " + "c" * 100)
    f = only(refusal(p), "R026")
    assert "有 156 个字符" in f.message and "260 个字符" in f.message


def test_every_name_qp_eval_writes_is_one_windows_can_hold():
    from qp_eval.core import names as N

    assert N.letter_name(2024, "CON") == "2024年度综合评估结果函_CON_.docx"
    assert N.score_file_name(2024, "a/b:c.") == "2024年度评分表_a_b_c.xlsx"
    assert N.self_file_name(2024, "com1.x") == "2024年度自评表_com1_.x.xlsx"
    for bad in ("NUL.txt", "a.", "a ", "a?b", ""):
        with pytest.raises(ValueError):
            N.file_name(bad)


def test_a_nested_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]  # 10^12 values
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines + ["year: 2024"]) + "\n", encoding="utf-8")
    f = only(refusal(p), "R022")  # refused while counting: expanding 10^12 values would never return
    assert "别名" in f.message and f.line is not None


def test_nesting_deeper_than_any_rubric_needs(tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text("year: 2024\nx: " + "[" * 60 + "]" * 60 + "\n", encoding="utf-8")
    assert "嵌套超过" in only(refusal(p), "R022").message


def test_a_department_sheet_longer_than_excel_holds_is_refused(mini):
    """Excel and WPS hold 1,048,576 rows a sheet, the header's among them. The mini rubric's 一科 scores 1.1
    and 1.2 (four quarters): five rows a town, so 209,715 towns make 1,048,575 rows and a header (held),
    one more town 1,048,580 (refused, R027, at the department)."""
    from qp_eval.core.rubric_checks import _sheet_rows

    def with_towns(n: int):
        units = [{"id": f"u{k}", "name": f"第{k}镇"} for k in range(n)]
        criteria = {cid: c.model_copy(update={"applies_to": None}) for cid, c in mini.criteria.items()}
        return mini.model_copy(update={"units": tuple(mini.units[0].model_copy(update=u) for u in units),
                                       "criteria": criteria})

    dept = next(i for i, d in enumerate(mini.departments) if d.name == "一科")
    assert list(_sheet_rows(with_towns(209_715))) == []
    [(code, path, message)] = list(_sheet_rows(with_towns(209_716)))
    assert code == "R027" and path == ("departments", dept) and "1,048,580 行" in message and "一科" in message
