"""Chinese line breaking (core.linebreak) on real messages at 40, 60 and 80 columns.

Each expectation is written out by hand from the rules: no line begins with closing punctuation
or ends with opening punctuation; a number, id, cell, date and time, file name, path and command
are never split, nor a count from what it counts; a command or path wider than the line stands
on a line of its own, whole.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qp_eval.core.linebreak import NO_LINE_END, NO_LINE_START, width_of, wrap

REAL = [
    "不必取消工作表保护手工补行：运行 qp-eval migrate --year 2024 重建表格补上缺少的行，已填内容逐格转入，原文件备份；"
    "补上的行请科室填写（qp-eval return --year 2024 生成退回件）。",
    "共检查 19 个文件、1258 行数据：错误 2 个，警告 4 个。已移到 scores/2024/自评/2024年度自评表_华新镇.xlsx，以免误发。",
    "香花桥街道 27.1 的得分“五分”不是有效数字，自评得分：3.1-Q2 超过分值 1.5，位置 评分!F12，"
    "最后修改 2026-12-02 02:41，共 41 条细则，位列第 3 名。",
    "得分不能超过该行的“分值”。社会事务科（1 处）。局办公室已退回标出问题单元格的表格，请在退回的表格上修改后报送。",
    "下一步：1 个表格有错误，把标出问题单元格的复制件退回填表的科室或街镇：qp-eval return --year 2024",
]
UNITS = ["qp-eval migrate --year 2024", "qp-eval return --year 2024", "scores/2024/自评/2024年度自评表_华新镇.xlsx",
         "27.1", "3.1-Q2", "评分!F12", "2026-12-02 02:41", "41 条", "第 3 名", "1 处", "1258 行", "19 个"]


def units_whole(lines: list[str], text: str) -> list[str]:
    """The units of ``text`` that no line holds whole."""
    return [u for u in UNITS if u in text and not any(u in line for line in lines)]


@pytest.mark.parametrize("width", [40, 60, 80])
@pytest.mark.parametrize("text", REAL)
def test_real_messages_break_by_the_rules(text, width):
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost, only spaces at breaks
    assert units_whole(lines, text) == []
    for line in lines[1:]:
        assert line[0] not in NO_LINE_START, lines
    for line in lines[:-1]:
        assert line[-1] not in NO_LINE_END, lines
    wide = [line for line in lines if width_of(line) > width]
    assert all(re.search(r"qp-eval|/|\.xlsx", line) for line in wide), wide  # only a whole command or path


def test_by_hand_at_40_columns():
    assert wrap(REAL[1], 40) == [
        "共检查 19 个文件、1258 行数据：错误",
        "2 个，警告 4 个。已移到",
        "scores/2024/自评/2024年度自评表_华新镇.xlsx，",  # 45 wide: the path whole, its comma with it
        "以免误发。",
    ]
    assert wrap(REAL[3], 40)[:2] == ["得分不能超过该行的“分值”。社会事务科", "（1 处）。局办公室已退回标出问题单元格的"]


def test_a_command_wider_than_the_line_stands_alone_and_whole():
    assert wrap("请运行 qp-eval init ../2025评估 --year 2025 --previous \"2024 评估\" 重新建立", 30) == [
        "请运行", 'qp-eval init ../2025评估 --year 2025 --previous "2024 评估"', "重新建立"]


def test_indentation_at_the_start_of_a_paragraph_is_kept():
    assert wrap("  1. 核对并修改细则", 80) == ["  1. 核对并修改细则"]


_WORD = st.text(alphabet="一二三四五六七八九十街镇得分0123456789.-abQ/", min_size=1, max_size=12)
_PUNCT = st.sampled_from(["，", "。", "、", "；", "：", "）", "”", " ", "（", "“", " qp-eval rank --year 2024 "])


@given(st.lists(st.tuples(_WORD, _PUNCT), max_size=20), st.integers(min_value=16, max_value=90))
def test_no_line_begins_with_closing_or_ends_with_opening_punctuation_whatever_the_text(parts, width):
    text = "".join(w + p for w, p in parts)
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[:1] in NO_LINE_START for line in lines[1:]), lines
    assert not any(line[-1:] in NO_LINE_END for line in lines[:-1]), lines


def test_a_document_number_is_never_split():
    """At 80 columns the line has room for 青民纪 but not for the rest: the number moves down whole."""
    lines = wrap("2024年度青浦区民政工作综合评估 考评位次（审定：2025-01-06 局长办公会议，青民纪〔2025〕1号）", 80)
    assert lines[-1] == "青民纪〔2025〕1号）"
    assert "“〔发文字号〕”待填。" in wrap("函告的发文字号，如 青民函〔2024〕12号；省略时函中留“〔发文字号〕”待填。", 50)[-1]


def test_the_common_ranges_are_measured_as_wcwidth_measures_them():
    """width_of measures ASCII, Latin-1, punctuation, arrows, maths, box drawing, CJK and full-width forms
    itself (so that --help does not import wcwidth): every one of those characters as wcwidth has it."""
    from wcwidth import wcwidth

    from qp_eval.core import linebreak as LB

    checked = 0
    for n in range(0x20, 0x10000):
        ch = chr(n)
        if LB._SIMPLE.fullmatch(ch):
            assert LB.width_of(ch) == wcwidth(ch), f"U+{n:04X}"
            checked += 1
    assert checked > 20000  # 22,244 characters: the ranges are really walked
