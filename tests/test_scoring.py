"""Scoring and ranking on the small rubric, with every expected number worked out by hand.

The hand-worked year (tests/data/mini.yaml: 甲镇 a, 乙街道 b, 丙镇 c; total 20):

甲镇  1.1 = 2; 1.2 quarters 4, 3.5, 3, 4 -> mean 14.5/4 = 3.625; 2.1 beds 70 / elderly 2000
      = 3.5% -> full 4; 3.1 = 1.5; 3.2 = 3; 4.1 = 4.5.  base = 18.625
      highlights A + A = 2, capped at 1.5;  problem 重大安全生产责任事故 entered as 1 (veto)
      final 18.625 + 1.5 - 1 = 19.125 -> published 19.13 (>= 18, 优秀) but vetoed -> 良好
乙街道 1.1 = 1.8; 1.2 quarters all 4 -> 4; 2.1 beds 60 / 2000 = 3% -> 4 x 3 / 3.5 = 24/7;
      3.1 not applicable -> full 2; 3.2 = 2.5; 4.1 = 5.  base = 15.3 + 24/7
      highlights B + C = 0.8;  problem 进京上访 with the default 2
      final = 14.1 + 24/7 = 17.528571... -> published 17.53, 良好
丙镇  1.1 = 2; 1.2 quarters 4, 4, 4, 3 -> 3.75; 2.1 beds 100 / 2000 = 5% -> 4; 3.1 n/a -> 2;
      3.2 = 3; 4.1 = 4.5.  base = 19.25;  no rating;  problem 进京上访 entered as 1.72
      final 19.25 - 1.72 = 17.53 -> published 17.53, 良好: tied with 乙街道
Ranks: 甲镇 1, 乙街道 2, 丙镇 2.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MINI_PATH, dept_file, edit
from support.year import build_year

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.rubric_file import load_rubric

D = Decimal

@pytest.fixture
def year(tmp_path, mini) -> Path:
    return build_year(tmp_path / "scores", mini)


def by_unit(ev):
    return {r.unit_id: r for r in ev.ranking}


def test_hand_worked_finals_grades_and_ranks(year, mini):
    ev = evaluate(mini, year)
    assert ev.findings == []
    got = by_unit(ev)
    a, b, c = got["a"], got["b"], got["c"]
    assert a.result.base == D("18.625")
    assert a.result.bonus == D("1.5") and a.result.deductions == D("1")
    assert a.result.final == D("19.125") and a.final == D("19.13")
    assert b.result.base == D("15.3") + D(24) / D(7)
    assert b.result.bonus == D("0.8") and b.result.deductions == D("2")
    assert b.final == D("17.53")
    assert c.result.base == D("19.25") and c.result.bonus == 0 and c.result.deductions == D("1.72")
    assert c.result.final == D("17.53") and c.final == D("17.53")
    assert [(r.unit_id, r.rank) for r in ev.ranking] == [("a", 1), ("b", 2), ("c", 2)]
    assert (a.grade, b.grade, c.grade) == ("良好", "良好", "良好")
    assert "一票否决" in a.grade_note and "重大安全生产责任事故" in a.grade_note


def test_quarterly_mean_and_measured_criteria(year, mini):
    ev = evaluate(mini, year)
    a = by_unit(ev)["a"].result
    crit = {c.criterion_id: c for c in a.criteria}
    assert crit["1.2"].score == D("3.625") and crit["1.2"].status == "entered"
    assert crit["2.1"].score == D(4) and crit["2.1"].status == "measured"
    b = {c.criterion_id: c for c in by_unit(ev)["b"].result.criteria}
    assert b["2.1"].score == D(24) / D(7)
    assert b["3.1"].status == "not_applicable" and b["3.1"].score == D(2)


def test_tie_breaker_lower_deductions(year, tmp_path):
    rubric = _variant(tmp_path, "tie_breakers: []", "tie_breakers: [lower_deductions]")
    ev = evaluate(rubric, year_for(rubric, tmp_path))
    assert [(r.unit_id, r.rank) for r in ev.ranking] == [("a", 1), ("c", 2), ("b", 3)]


def test_prorate_scales_the_base(tmp_path):
    rubric = _variant(tmp_path, "not_applicable: full", "not_applicable: prorate")
    ev = evaluate(rubric, year_for(rubric, tmp_path))
    got = by_unit(ev)
    # 丙镇: applicable scores 17.25 of 18 applicable points -> 17.25 x 20 / 18 = 19.1666...; minus 1.72
    assert got["c"].result.base == D("17.25") * 20 / 18
    assert got["c"].final == D("17.45")
    # 甲镇: every criterion applies, so nothing changes
    assert got["a"].result.base == D("18.625")


def test_quota_keeps_the_higher_ranked(tmp_path):
    # 良好 for at most 1/3 of 3 units: 乙街道 and 丙镇 are tied at rank 2 after 甲镇 took the one place
    rubric = _variant(tmp_path, "{name: 良好, min: 15}", "{name: 良好, min: 15, quota: 0.34}")
    ev = evaluate(rubric, year_for(rubric, tmp_path))
    got = by_unit(ev)
    assert got["a"].grade == "良好"
    assert got["b"].grade == "合格" and got["c"].grade == "合格"
    assert "名额" in got["b"].grade_note


def test_missing_department_blocks_ranking_unless_allowed(year, mini):
    dept_file(year, mini, "d2").unlink()
    ev = evaluate(mini, year)
    assert ev.blocked and ev.ranking == []
    assert [f.code for f in ev.findings] == ["F109"]
    ev2 = evaluate(mini, year, allow_missing=True)
    assert not ev2.blocked
    a = by_unit(ev2)["a"].result
    # without d2, 甲镇 keeps 1.1 + 1.2 + 2.1 = 2 + 3.625 + 4; 3.1/3.2/4.1 missing count 0
    assert a.base == D("9.625")
    assert set(a.missing) == {"3.1", "3.2", "4.1"}
    b = by_unit(ev2)["b"].result
    assert {c.criterion_id: c.status for c in b.criteria}["3.1"] == "not_applicable"


def test_validation_errors_block_ranking(year, mini):
    def go(wb):
        wb[L.SCORE_SHEET]["F2"] = 9
    edit(dept_file(year, mini, "d1"), go)
    ev = evaluate(mini, year)
    assert ev.blocked and ev.ranking == []
    assert [f.code for f in ev.findings] == ["V404"]


def test_previous_ranks_give_the_change(year, mini):
    ev = evaluate(mini, year, previous={"a": 3, "b": 1})
    got = by_unit(ev)
    assert got["a"].change == 2 and got["b"].change == -1 and got["c"].change is None


# helpers for variants of the small rubric ------------------------------------------------


def _variant(tmp_path: Path, old: str, new: str):
    text = MINI_PATH.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "variant.yaml"
    p.write_text(text.replace(old, new), encoding="utf-8")
    return load_rubric(p)


def year_for(rubric, tmp_path: Path) -> Path:
    return build_year(tmp_path / f"scores_{rubric.fingerprint}", rubric)




def test_missing_register_is_a_warning_and_counts_nothing(year, mini):
    (year / names.HIGHLIGHT_FILE).unlink()
    ev = evaluate(mini, year)
    assert [(f.code, f.severity) for f in ev.findings] == [("F110", "warning")]
    assert not ev.blocked
    assert by_unit(ev)["a"].result.bonus == 0
    assert by_unit(ev)["a"].final == D("17.63")  # 18.625 - 1


def test_grid_scoring_on_a_hand_built_table(mini):
    """score_all sums a grid made criterion by criterion; explain's results are read from the same grid.

    甲镇 1.1 entered twice (1, then 1.5: the later row counts); 1.2 three quarters only -> missing, 0;
    3.1 = 2, 3.2 = 3, 4.1 has a row without a value -> missing; 2.1 no figures -> missing.
    base = 1.5 + 0 + 0 + 2 + 3 + 0 = 6.5; missing in rubric order: 1.2, 2.1, 4.1."""
    from qp_eval.core.scoring import score_all
    from qp_eval.core.tables import ScoreEntry, Source, Tables

    at = Source("f.xlsx", "评分", "A1")
    entries = [ScoreEntry("a", "1.1", None, D(1), "", at), ScoreEntry("a", "1.1", None, D("1.5"), "后填", at),
               ScoreEntry("a", "1.2", "Q1", D(4), "", at), ScoreEntry("a", "1.2", "Q2", D(4), "", at),
               ScoreEntry("a", "1.2", "Q4", D(4), "", at),
               ScoreEntry("a", "3.1", None, D(2), "", at), ScoreEntry("a", "3.2", None, D(3), "", at),
               ScoreEntry("a", "4.1", None, None, "", at)]
    a = score_all(mini, Tables(scores=entries))[0]
    assert a.unit_id == "a" and a.base == D("6.5") and a.final == D("6.5")
    assert a.missing == ("1.2", "2.1", "4.1")
    crit = {c.criterion_id: c for c in a.criteria}
    assert crit["1.1"].score == D("1.5") and crit["1.1"].note == "后填" and crit["1.1"].status == "entered"
    assert crit["1.2"].status == "missing" and "Q3" in crit["1.2"].detail
    assert crit["4.1"].status == "missing" and crit["4.1"].score == 0
    assert sum((c.score for c in a.criteria), D(0)) == a.base
    b = score_all(mini, Tables(scores=entries))[1]  # nothing entered for 乙街道: 3.1 does not apply (full 2)
    assert b.base == D(2) and b.missing == ("1.1", "1.2", "2.1", "3.2", "4.1")
