"""A corpus of hostile rubrics, names and archives, built by code (the spreadsheet corpus is corpus.py).

Each rubric case is the small rubric (tests/data/mini.yaml) changed one way, as the bytes of a
file, with the code ``rubric check`` must give. Each archive case is last year's archive damaged
one way, with what ``rank`` must say of it (None: still read). The names are accepted by the
rubric but hostile to what is made of them: formulas, markup, terminal escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

MINI = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8")


def _swap(old: str, new: str) -> bytes:
    assert old in MINI, old
    return MINI.replace(old, new, 1).encode("utf-8")


def _alias_bomb() -> bytes:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]  # 10^12 values
    return ("\n".join(lines) + "\n" + MINI).encode("utf-8")


# name -> (the rubric file's bytes, the code it must be refused with)
RUBRICS: dict[str, tuple[Callable[[], bytes], str]] = {
    "alias_bomb": (_alias_bomb, "R022"),
    "nested_60_deep": (lambda: MINI.encode("utf-8") + b"x: " + b"[" * 60 + b"]" * 60 + b"\n", "R022"),
    "six_megabytes": (lambda: MINI.encode("utf-8") + b"# " + b"x" * 6_000_000 + b"\n", "R022"),
    "gbk_encoded": (lambda: MINI.encode("gbk"), "R001"),
    "utf16_encoded": (lambda: MINI.encode("utf-16"), "R001"),
    "yaml_syntax": (lambda: _swap("title: 测试细则", "title: [测试细则"), "R001"),
    "unknown_key": (lambda: _swap("precision: 2", "precision: 2\nprecison: 2"), "R002"),
    "points_as_text": (lambda: _swap("total_points: 20", "total_points: 二十"), "R003"),
    "points_nan": (lambda: _swap("total_points: 20", "total_points: .nan"), "R023"),
    "points_infinite": (lambda: _swap("total_points: 20", "total_points: -.inf"), "R023"),
    "points_5000_digits": (lambda: _swap("total_points: 20", "total_points: " + "9" * 5000), "R023"),
    "points_1e400": (lambda: _swap("total_points: 20", "total_points: 1e400"), "R023"),
    "points_quoted_1e400": (lambda: _swap("total_points: 20", 'total_points: "1e400"'), "R003"),
    "names_one_file": (lambda: _swap("{id: a, name: 甲镇", '{id: a, name: "a/b"').replace(
        "{id: c, name: 丙镇".encode(), b'{id: c, name: "A:B"'), "R020"),
    "name_with_escape": (lambda: _swap("{id: b, name: 乙街道", '{id: b, name: "乙\\e[2J街道"'), "R019"),
    "name_with_bidi_override": (lambda: _swap("{id: b, name: 乙街道", '{id: b, name: "乙\\u202e街道"'), "R019"),
    "name_only_spaces": (lambda: _swap("{id: b, name: 乙街道", '{id: b, name: "   "'), "R019"),
    "name_too_long": (lambda: _swap("{id: c, name: 丙镇", "{id: c, name: " + "丙" * 90), "R021"),
    "name_too_long_with_the_temp_name": (lambda: _swap("{id: c, name: 丙镇", "{id: c, name: " + "丙" * 72 + "ab"), "R021"),
    "per_unit_5e9": (lambda: _swap("  per_unit: 2", "  per_unit: 5000000000"), "R023"),  # 5e9 register rows
    "per_unit_hex": (lambda: _swap("  per_unit: 2", "  per_unit: 0xFFFFFFFFFFFF"), "R023"),
    "per_unit_60": (lambda: _swap("  per_unit: 2", "  per_unit: 60"), "R003"),
    "list_as_key": (lambda: MINI.encode("utf-8") + b"? [a, b]\n: 1\n", "R001"),
    "empty_key": (lambda: MINI.encode("utf-8") + b"~: 1\n", "R001"),
    "nul_byte": (lambda: MINI.encode("utf-8") + b"x: a\x00b\n", "R001"),
    "escape_in_text": (lambda: MINI.encode("utf-8") + b"x: a\x1b[2Jb\n", "R001"),
    "unknown_tag": (lambda: MINI.encode("utf-8") + b"x: !foo 1\n", "R001"),
    "python_object_tag": (lambda: MINI.encode("utf-8") + b"x: !!python/object/apply:os.system [echo hi]\n", "R001"),
    "two_documents": (lambda: MINI.encode("utf-8") + b"---\nyear: 2025\n", "R001"),
    "utf16_without_bom": (lambda: MINI.encode("utf-16-le"), "R001"),
    "utf32": (lambda: MINI.encode("utf-32"), "R001"),
    "nested_1200_deep": (lambda: MINI.encode("utf-8") + b"x: " + b"[" * 1200 + b"]" * 1200 + b"\n", "R022"),
    "no_periods": (lambda: _swap("labels: [Q1, Q2, Q3, Q4]", "labels: []"), "R003"),  # a mean of nothing
    "a_period_twice": (lambda: _swap("labels: [Q1, Q2, Q3, Q4]", "labels: [Q1, Q1, Q3, Q4]"), "R005"),
    "a_period_with_a_space": (lambda: _swap("labels: [Q1, Q2, Q3, Q4]", 'labels: [Q1, "Q2 ", Q3, Q4]'), "R005"),
    "an_id_that_is_a_quarter_row": (lambda: _swap('{id: "1.1"', '{id: "1.2-Q1"'), "R005"),
    "escape_in_the_title": (lambda: _swap("title: 测试细则", 'title: "测试\\e[2J细则"'), "R003"),
    "control_in_a_criterion_name": (lambda: _swap("name: 细则一", 'name: "细则\\x01一"'), "R003"),
    "non_character_in_a_standard": (lambda: _swap("standard: 标准一", 'standard: "标准\\uffff一"'), "R003"),
    "flat_list_5mb": (lambda: MINI.encode("utf-8") + b"x: [" + b"1," * 2_400_000 + b"1]\n", "R022"),
}

# Names a rubric may hold that must never act as what they look like: a formula (a DDE payload),
# rich markup, a link. They are written as text everywhere and printed as they are.
HOSTILE_NAMES = {
    "a": '=HYPERLINK("http://x.invalid","点我")',
    "b": "[bold red]乙街道[/]",
    "c": "+1+cmd|' /C calc'!A0",
}
HOSTILE_DEPARTMENT = "@SUM(1+1)"


def hostile_names_rubric() -> str:
    text = MINI
    for unit_id, name in HOSTILE_NAMES.items():
        old = {"a": "{id: a, name: 甲镇", "b": "{id: b, name: 乙街道", "c": "{id: c, name: 丙镇"}[unit_id]
        quoted = "'" + name.replace("'", "''") + "'"
        text = text.replace(old, "{id: " + unit_id + ", name: " + quoted, 1)
    return text.replace("{id: d1, name: 一科}", "{id: d1, name: '" + HOSTILE_DEPARTMENT + "'}", 1)


def _first_rank(text: str, new: str) -> str:
    out, n = re.subn(r'"rank": \d+', f'"rank": {new}', text, count=1)
    assert n == 1
    return out


# name -> (damage to last year's archive text (bytes: written as they are), what F116 must say; None: read)
ARCHIVES: dict[str, tuple[Callable[[str], str | bytes], str | None]] = {
    "bom_from_notepad": (lambda t: "\ufeff" + t, None),
    "truncated": (lambda t: t[:-20], "不是有效的 JSON"),
    "empty": (lambda t: "", "不是有效的 JSON"),
    "not_json_at_all": (lambda t: "<html>存档</html>", "不是有效的 JSON"),
    "gbk_encoded": (lambda t: t.replace("示例数据", "示例").encode("gbk"), "不是 UTF-8 编码"),
    "a_list": (lambda t: "[1, 2]", "内容不是 JSON 对象"),
    "unknown_version": (lambda t: t.replace('"qp-eval-archive/1"', '"qp-eval-archive/9"'), "不是 qp-eval 能读的"),
    "another_year": (lambda t: t.replace('"year": 2023', '"year": 2019', 1), "年度为 2019，应为 2023"),
    "rank_as_text": (lambda t: _first_rank(t, '"一"'), "不是正整数"),
    "rank_zero": (lambda t: _first_rank(t, "0"), "不是正整数"),
    "rank_fraction": (lambda t: _first_rank(t, "1.5"), "不是正整数"),
    "nested_100000_deep": (lambda t: "[" * 100_000 + "]" * 100_000, "不是有效的 JSON"),
    "rank_past_the_towns": (lambda t: _first_rank(t, "999999999999"), "大于街镇数"),
    "inputs_not_a_list": (lambda t: t.rstrip().rstrip("}") + ', "inputs": 5}', "inputs"),
    "town_twice": (lambda t: re.sub(r'"unit_id": "xujing"', '"unit_id": "zhujiajiao"', t, count=1), "出现了两次"),
}
