"""The 审议稿 for the director's meeting, on the hand-worked year (tests/test_scoring.py).

The proposal by hand: 甲镇 19.13 rank 1 (优秀 by score, 一票否决 -> 良好); 乙街道 17.53 and 丙镇 17.53 tied
at rank 2, 良好. The bands are 优秀 from 18, 良好 from 15, 合格 from 12: with the default margin 0.5,
乙街道 and 丙镇 are 0.47 short of 优秀 (18 − 17.53) and are named; 甲镇 is 1.13 above it and is not.
With a margin of 0.4 nobody is named. Two departments score; the registers hold 3 problems
(甲镇, 乙街道, 丙镇) and 4 rated highlights (A, A, B, C) of 6 named.
"""

from __future__ import annotations

import datetime as dt

import docx
import pytest
from conftest import record_meeting
from support.run import cli
from support.year import year_workspace

from qp_eval.core.brief import brief_blocks
from qp_eval.core.document import Para, Table
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.rubric_file import load_rubric

MADE = dt.date(2025, 1, 3)


@pytest.fixture
def ws(tmp_path, mini):
    return year_workspace(tmp_path, mini)


def text_of(blocks) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, Para))


def test_the_brief_holds_the_proposal_and_what_the_meeting_should_look_at(ws, mini):
    blocks = brief_blocks(evaluate(mini, ws / "scores" / "2024"), MADE)
    text = text_of(blocks)
    assert blocks[0].text == "2024年度民政工作综合评估结果（审议稿）" and blocks[1].text == "局办公室　2025年1月3日"
    ranking = next(b for b in blocks if isinstance(b, Table))
    assert ranking.headers == ("位次", "街镇", "重点工作得分", "亮点加分", "问题扣分", "最终得分", "等级", "较上年变化")
    assert ranking.rows == (("1", "甲镇", "18.63", "1.50", "1.00", "19.13", "良好", "—"),
                            ("2", "乙街道", "18.73", "0.80", "2.00", "17.53", "良好", "—"),
                            ("2", "丙镇", "19.25", "0.00", "1.72", "17.53", "良好", "—"))
    assert "2 个评估科室（单位）" in text and "满分 20 分" in text
    assert "特色亮点共 6 项，评定A级 2 项、B级 1 项、C级 1 项；存在问题登记 3 起，涉及 3 个街镇。" in text
    assert "初评最终得分在 17.53 至 19.13 分之间，平均 18.06 分；良好 3 个。" in text  # (19.13 + 17.53 + 17.53) / 3 = 18.063
    assert ("（一）接近等次分数线的街镇（上下 0.5 分以内）。乙街道 17.53 分，距“优秀”分数线 18 分差 0.47 分；"
            "丙镇 17.53 分，距“优秀”分数线 18 分差 0.47 分。") in text
    assert "（二）同分街镇及排序。乙街道、丙镇最终得分同为 17.53 分，并列第 2 名。" in text
    assert "（三）受名额限制或一票否决的等次。甲镇（19.13 分，良好）：因“重大安全生产责任事故”一票否决，不评为优秀。" in text
    assert "（四）自评与考评差异较大的街镇。未收到街镇自评表。" in text
    assert text.splitlines()[-1].startswith("提请局长办公会议审议上述初评结果")


def test_the_margin_comes_from_the_rubric_and_leaves_the_fingerprint(ws, mini):
    path = ws / "rubric" / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "boundary_margin: 0.4\n", encoding="utf-8")
    rubric = load_rubric(path)
    assert rubric.fingerprint == mini.fingerprint  # a brief's margin changes no result
    text = text_of(brief_blocks(evaluate(rubric, ws / "scores" / "2024"), MADE))
    assert "（一）接近等次分数线的街镇（上下 0.4 分以内）。没有街镇的最终得分在等次分数线上下 0.4 分以内。" in text


def test_tie_breakers_are_said_with_the_order_they_gave(ws):
    path = ws / "rubric" / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("tie_breakers: []", "tie_breakers: [lower_deductions]"),
                    encoding="utf-8")
    rubric = load_rubric(path)
    text = text_of(brief_blocks(evaluate(rubric, ws / "scores" / "2024"), MADE))
    # 丙镇 1.72 deducted, 乙街道 2: 丙镇 first
    assert "丙镇、乙街道最终得分同为 17.53 分，按同分排序规则（问题扣分较少者在前）依次列第 2、3 名" in text


def test_brief_command_writes_the_proposal_even_after_the_decision(ws):
    target = ws / "reports" / "2024" / "2024年度民政工作综合评估结果（审议稿）.docx"
    r = cli("brief", "--year", "2024", "--date", "2025-01-03", cwd=ws)
    assert r.returncode == 0 and target.exists() and "已生成审议稿" in r.stderr
    record_meeting(ws / "scores" / "2024", decisions=[["丙镇", "调整最终得分", 1.7, None, "理由"]])
    again = cli("brief", "--year", "2024", "--date", "2025-01-03", "--out", str(ws / "b.docx"), cwd=ws)
    assert again.returncode == 0 and "审议稿列的是会前的初评结果" in again.stderr
    rows = [[c.text for c in row.cells] for row in docx.Document(str(ws / "b.docx")).tables[0].rows]
    assert rows[3][:2] == ["2", "丙镇"] and rows[3][5] == "17.53"  # the proposal, not the decided 19.23
    wrong = cli("brief", "--year", "2024", "--out", str(ws / "b.pdf"), cwd=ws)
    assert wrong.returncode == 2 and ".docx" in wrong.stderr
