"""The director's meeting decides (审议决定), on the hand-worked year (tests/test_scoring.py).

The proposal (初评), worked by hand there: 甲镇 19.125 -> 19.13, rank 1, 良好 (优秀 by score, vetoed);
乙街道 17.5285... -> 17.53 and 丙镇 17.53 exactly, both rank 2, 良好. Total 20, highlight cap 1.5, so a
decided final may lie between 0 and 21.5.

Each case below adds the meeting's decisions to that proposal, by hand:

- 丙镇 +1.7: 17.53 + 1.7 = 19.23 > 19.13, so 丙镇 is first, and 19.23 >= 18 with no veto: 优秀.
  甲镇 moves to 2 (still 良好: vetoed), 乙街道 to 3.
- with 优秀 from 17 and a quota of 0.34 (floor(0.34 x 3) = 1 place): in the proposal 乙街道 and 丙镇 tie
  at 17.53 for the one place, so both go down to 良好. 乙街道 +0.1 gives 17.63: alone at rank 2, it
  takes the place (优秀); 丙镇, rank 3, finds the band full (良好) -- and the meeting sets 丙镇 to 优秀,
  which stands beyond the quota: two towns in 优秀 where the rubric allows one. Had the meeting only set
  丙镇 to 优秀, 乙街道 would stay 良好: a band set for one town moves no other.
- 甲镇 −1.6: 19.125 − 1.6 = 17.525, published half up as 17.53: all three share 17.53 and rank 1. With
  the tie-breaker 问题扣分较少者在前 (甲镇 1, 丙镇 1.72, 乙街道 2) the order is 甲镇, 丙镇, 乙街道.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import MEETING_DAY, edit, record_meeting
from support.run import cli, flat
from support.year import year_workspace

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.rubric_file import load_rubric

D = Decimal
REASON = "承办全区现场会，工作量未在细则中体现"


@pytest.fixture
def year(tmp_path, mini) -> Path:
    return year_workspace(tmp_path, mini)


def scores(year: Path) -> Path:
    return year / "scores" / "2024"


def rubric_with(year: Path, old: str, new: str):
    path = year / "rubric" / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_rubric(path)


def placed(ev) -> list[tuple[str, str, int, str]]:
    return [(x.unit_id, str(x.final), x.rank, x.grade) for x in ev.ranking]


def test_an_adjustment_changes_a_rank_and_a_grade(year, mini):
    record_meeting(scores(year), decisions=[["丙镇", "调整最终得分", 1.7, None, REASON, "纪要第二项"]])
    ev = evaluate(mini, scores(year))
    assert ev.findings == [] and ev.decision.decided
    assert placed(ev) == [("c", "19.23", 1, "优秀"), ("a", "19.13", 2, "良好"), ("b", "17.53", 3, "良好")]
    assert [(x.unit_id, str(x.final), x.rank, x.grade) for x in ev.proposal] == [
        ("a", "19.13", 1, "良好"), ("b", "17.53", 2, "良好"), ("c", "17.53", 2, "良好")]
    c = next(x for x in ev.ranking if x.unit_id == "c")
    assert c.exact == D("19.23") and c.adjustment == D("1.7")

    data = json.loads(cli("rank", "--format", "json", cwd=year).stdout)
    assert data["decision"] == {"status": "审定", "date": "2025-01-06", "minutes": "青民纪〔2025〕1号"}
    town = {x["unit"]: x for x in data["ranking"]}
    assert (town["丙镇"]["final"], town["丙镇"]["rank"], town["丙镇"]["grade"]) == ("19.23", 1, "优秀")
    assert town["丙镇"]["proposed"] == {"final": "17.53", "rank": 2, "grade": "良好"}
    assert town["丙镇"]["adjustments"] == [{
        "what": "调整最终得分", "amount": "1.7", "grade": None, "reason": REASON, "note": "纪要第二项",
        "source": f"scores/2024/{names.DECISION_FILE} {L.DECISION_SHEET}!C2"}]
    assert town["乙街道"]["adjustments"] == [] and town["乙街道"]["proposed"]["rank"] == 2
    assert {x["status"] for x in data["ranking"]} == {"审定"}

    rows = cli("rank", "--format", "csv", cwd=year).stdout.splitlines()
    assert rows[0].endswith(",状态,初评得分,初评位次,初评等级")
    assert rows[1] == "1,丙镇,19.25,0.00,1.72,19.23,优秀,,经局长办公会议审议，最终得分调整 +1.70 分（理由：" \
                      f"{REASON}）,审定,17.53,2,良好"

    said = flat(cli("explain", "丙镇", "--year", "2024", cwd=year).stdout)
    assert "审议调整" in said and REASON in said and f"{L.DECISION_SHEET}!C2" in said and "初评" in said


def test_a_band_the_meeting_sets_stands_beyond_the_quota(year):
    rubric = rubric_with(year, "{name: 优秀, min: 18}", "{name: 优秀, min: 17, quota: 0.34}")
    proposal = evaluate(rubric, scores(year))
    assert placed(proposal) == [("a", "19.13", 1, "良好"), ("b", "17.53", 2, "良好"), ("c", "17.53", 2, "良好")]
    assert "名额" in proposal.ranking[1].grade_note  # the tie did not fit the one place
    record_meeting(scores(year), decisions=[["丙镇", "确定等次", None, "优秀", REASON]])
    alone = evaluate(rubric, scores(year))  # a band set for 丙镇 moves nobody else: 乙街道's tie still did not fit
    assert placed(alone) == [("a", "19.13", 1, "良好"), ("b", "17.53", 2, "良好"), ("c", "17.53", 2, "优秀")]
    record_meeting(scores(year), decisions=[["乙街道", "调整最终得分", 0.1, None, REASON],
                                            ["丙镇", "确定等次", None, "优秀", "全年无安全事故，工作成效突出"]])
    ev = evaluate(rubric, scores(year))
    assert ev.findings == []
    assert placed(ev) == [("a", "19.13", 1, "良好"), ("b", "17.63", 2, "优秀"), ("c", "17.53", 3, "优秀")]
    c = ev.ranking[2]
    assert c.grade_note == "经局长办公会议审议，等次确定为优秀（全年无安全事故，工作成效突出）"
    assert "一票否决" in ev.ranking[0].grade_note  # the others' grades as the rules give them
    town = {x["unit"]: x for x in json.loads(cli("rank", "--format", "json", cwd=year).stdout)["ranking"]}
    assert town["丙镇"]["adjustments"][0]["grade"] == "优秀"
    assert town["丙镇"]["adjustments"][0]["source"].endswith(f"{L.DECISION_SHEET}!D3")


def test_an_adjustment_that_creates_a_tie(year, mini):
    record_meeting(scores(year), decisions=[["甲镇", "调整最终得分", -1.6, None, REASON]])
    ev = evaluate(mini, scores(year))
    assert placed(ev) == [("a", "17.53", 1, "良好"), ("b", "17.53", 1, "良好"), ("c", "17.53", 1, "良好")]
    assert ev.ranking[0].exact == D("17.525")

    rubric = rubric_with(year, "tie_breakers: []", "tie_breakers: [lower_deductions]")
    ev = evaluate(rubric, scores(year))
    assert placed(ev) == [("a", "17.53", 1, "良好"), ("c", "17.53", 2, "良好"), ("b", "17.53", 3, "良好")]
    assert "问题扣分较少者在前" in ev.ranking[0].tie_note


def test_an_empty_register_with_a_date_approves_the_proposal(year, mini):
    proposed = evaluate(mini, scores(year))
    record_meeting(scores(year))
    ev = evaluate(mini, scores(year))
    assert ev.decision.decided and placed(ev) == placed(proposed) and ev.adjustments == {}
    said = cli("rank", "--year", "2024", cwd=year).stdout
    assert "审定：2025-01-06 局长办公会议" in said


def test_without_the_register_every_output_says_proposed(year, tmp_path):
    (scores(year) / names.DECISION_FILE).unlink()
    data = json.loads(cli("rank", "--format", "json", cwd=year).stdout)
    assert data["decision"] == {"status": "初评", "date": None, "minutes": None}
    assert {x["status"] for x in data["ranking"]} == {"初评"}
    assert all(x["adjustments"] == [] for x in data["ranking"])
    assert "初评：待局长办公会议审议" in flat(cli("rank", "--year", "2024", cwd=year).stdout)
    assert {r.split(",")[9] for r in cli("rank", "--format", "csv", cwd=year).stdout.splitlines()[1:]} == {"初评"}
    assert cli("report", "--year", "2024", "--out", str(tmp_path / "r.xlsx"), cwd=year).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert "审定调整" not in wb.sheetnames and "初评" in str(wb["排名"]["A1"].value)


# --- every register error, at its cell ---------------------------------------------------------------


def findings_of(year: Path, mini) -> set[tuple[str, str, str]]:
    ev = evaluate(mini, scores(year))
    return {(f.code, f.sheet, f.cell) for f in ev.findings if f.file.endswith(names.DECISION_FILE)}


@pytest.mark.parametrize(("day", "rows", "want"), [
    ("明天", [], ("D901", L.MEETING_SHEET, "B2")),
    (MEETING_DAY.replace(year=2024, month=12, day=1), [], ("D901", L.MEETING_SHEET, "B2")),  # before the deadline
    (None, [["甲镇", "调整最终得分", 0.5, None, REASON]], ("D902", L.MEETING_SHEET, "")),
    (MEETING_DAY, [["丁镇", "调整最终得分", 0.5, None, REASON]], ("T301", L.DECISION_SHEET, "A2")),
    (MEETING_DAY, [["甲镇", "加分", 0.5, None, REASON]], ("D903", L.DECISION_SHEET, "B2")),
    (MEETING_DAY, [["甲镇", "确定等次", None, "特优", REASON]], ("D904", L.DECISION_SHEET, "D2")),
    (MEETING_DAY, [["甲镇", "调整最终得分", 0.5, None, None]], ("D905", L.DECISION_SHEET, "E2")),
    (MEETING_DAY, [["甲镇", "调整最终得分", None, None, REASON]], ("D906", L.DECISION_SHEET, "C2")),
    (MEETING_DAY, [["甲镇", "调整最终得分", 0, None, REASON]], ("D906", L.DECISION_SHEET, "C2")),
    (MEETING_DAY, [["甲镇", "调整最终得分", 0.125, None, REASON]], ("V405", L.DECISION_SHEET, "C2")),
    (MEETING_DAY, [["乙街道", "调整最终得分", 0.5, None, REASON], ["乙街道", "调整最终得分", 1, None, REASON]],
     ("D908", L.DECISION_SHEET, "B3")),
])
def test_each_register_error_is_said_at_its_cell(year, mini, day, rows, want):
    record_meeting(scores(year), day=day, decisions=rows)
    got = findings_of(year, mini)
    assert want in got, got
    r = cli("rank", "--year", "2024", cwd=year)
    assert r.returncode == 1
    assert want[0] in flat(r.stderr)


def test_an_adjusted_final_beyond_the_maximum_stops_rank_at_its_cell(year, mini):
    record_meeting(scores(year), decisions=[["乙街道", "调整最终得分", -18, None, REASON],  # 17.53 − 18 < 0
                                            ["甲镇", "调整最终得分", 3, None, REASON]])  # 19.125 + 3 > 21.5
    assert findings_of(year, mini) == {("D907", L.DECISION_SHEET, "C2"), ("D907", L.DECISION_SHEET, "C3")}
    r = cli("rank", "--year", "2024", cwd=year)
    assert r.returncode == 1 and "-0.47" in flat(r.stderr) and "22.13" in flat(r.stderr)


def test_a_meeting_without_minutes_is_a_warning(year, mini):
    record_meeting(scores(year), minutes=None)
    assert findings_of(year, mini) == {("D909", L.MEETING_SHEET, "B3")}
    assert cli("rank", "--year", "2024", cwd=year).returncode == 0


# --- letters before and after the decision ----------------------------------------------------------


def _letters(year: Path) -> dict[str, str]:
    folder = year / "reports" / "2024" / names.LETTERS_FOLDER
    return {p.name: "\n".join(x.text for x in docx.Document(str(p)).paragraphs) for p in sorted(folder.glob("*.docx"))}


def test_letters_wait_for_the_decision_unless_a_draft_is_asked_for(year):
    r = cli("letters", "--year", "2024", cwd=year)
    assert r.returncode == 1 and "D910" in r.stderr and "--draft" in flat(r.stderr)
    assert not (year / "reports").exists()  # nothing written

    assert cli("letters", "--year", "2024", "--draft", "--date", "2024-12-30", cwd=year).returncode == 0
    drafts = _letters(year)
    assert sorted(drafts) == [f"2024年度综合评估结果函（征求意见稿）_{t}.docx" for t in ("丙镇", "乙街道", "甲镇")]
    a = drafts["2024年度综合评估结果函（征求意见稿）_甲镇.docx"].splitlines()
    assert a[1:3] == ["关于2024年度民政工作综合评估结果的函", "（征求意见稿）"]
    assert "尚待局长办公会议审议决定" in a[4] and "初评最终得分 19.13 分" in a[6]


def test_letters_after_the_decision_say_it_and_tell_the_changed_town_why(year):
    record_meeting(scores(year), decisions=[["丙镇", "调整最终得分", 1.7, None, REASON]])
    r = cli("letters", "--year", "2024", "--date", "2025-01-03", cwd=year)
    assert r.returncode == 2 and "早于局长办公会议日期 2025-01-06" in r.stderr
    assert cli("letters", "--year", "2024", "--date", "2025-01-10", cwd=year).returncode == 0
    text = _letters(year)
    c = text["2024年度综合评估结果函_丙镇.docx"]
    assert "并经2025年1月6日局长办公会议审议决定（青民纪〔2025〕1号）" in c and "提请" not in c
    assert "最终得分 19.23 分，在全区 3 个街镇中位列第 1 名，评定等次为“优秀”" in c
    assert "存在问题扣 1.72 分，经局长办公会议审议加 1.70 分。" in c  # 19.25 − 1.72 + 1.70 = 19.23
    assert f"局长办公会议审议加分的理由：{REASON}。你镇初评最终得分 17.53 分，位列第 2 名，等次“良好”。" in c
    b = text["2024年度综合评估结果函_乙街道.docx"]
    assert "因局长办公会议审议调整了其他街镇的评估结果，你街道得分不变，位次由初评第 2 名调整为第 3 名。" in b
    assert "审议加" not in text["2024年度综合评估结果函_甲镇.docx"]
    again = cli("letters", "--year", "2024", "--draft", cwd=year)
    assert again.returncode == 2 and "请去掉--draft" in flat(again.stderr)


# --- the archive and verify ------------------------------------------------------------------------------


def test_the_archive_keeps_the_proposal_and_the_decision_and_verify_sees_an_edited_register(year):
    register = record_meeting(scores(year), decisions=[["丙镇", "调整最终得分", 1.7, None, REASON]])
    assert cli("rank", "--year", "2024", "--save", cwd=year).returncode == 0
    saved = json.loads((year / "archive" / "2024.json").read_text(encoding="utf-8"))
    assert saved["decision"]["status"] == "审定" and saved["decision"]["date"] == "2025-01-06"
    town = {x["unit"]: x for x in saved["results"]}
    assert town["丙镇"]["final_exact"] == "19.23" and town["丙镇"]["proposed"]["final_exact"] == "17.53"
    assert [f["kind"] for f in saved["inputs"] if f["path"].endswith(names.DECISION_FILE)] == [L.KIND_DECISIONS]
    assert cli("verify", "--year", "2024", cwd=year).returncode == 0
    edit(register, lambda wb: wb[L.DECISION_SHEET].cell(2, 5, "理由改过"))
    v = cli("verify", "--year", "2024", cwd=year)
    assert v.returncode == 1 and names.DECISION_FILE in flat(v.stdout)


def test_the_register_round_trips_through_libreoffice(year, mini, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装（make render-check 会安装）")
    register = record_meeting(scores(year), decisions=[["丙镇", "调整最终得分", 1.7, None, REASON]])
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xlsx",
                    "--outdir", str(out), str(register)], check=True, capture_output=True, timeout=180)
    shutil.copyfile(out / register.name, register)
    ev = evaluate(mini, scores(year))
    assert ev.findings == [] and ev.decision.date == MEETING_DAY
    assert placed(ev)[0] == ("c", "19.23", 1, "优秀")
