"""Grades with quotas, vetoes and ties, and tie-breakers that say what they did.

The rules are the ones docs/rubric.md writes down (and ``ranking``'s docstring repeats):
a band with a quota holds floor(quota x units) towns; towns are placed in rank order, a tied
group together; a group that does not fit moves down and closes the band for everyone below.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import MINI_PATH
from hypothesis import given, settings
from hypothesis import strategies as st

from qp_eval.core.ranking import rank_units
from qp_eval.core.rubric import Rubric
from qp_eval.core.scoring import UnitResult
from qp_eval.core.yamlsource import parse

D = Decimal
BASE = parse(MINI_PATH.read_text(encoding="utf-8")).data
LETTERS = "ABCDEFGHIJKL"


def rubric_with(n_units: int, grades: list[dict], quota_ties: str = "down", tie_breakers=()) -> Rubric:
    data = dict(BASE)
    data["units"] = [{"id": x.lower(), "name": f"{x}镇", "kind": "镇"} for x in LETTERS[:n_units]]
    data["items"] = [dict(i) for i in BASE["items"]]
    for item in data["items"]:  # 3.1 applies to unit "a" only, which exists in every variant
        item["criteria"] = [dict(c) for c in item["criteria"]]
    data["grades"] = grades
    data["quota_ties"] = quota_ties
    data["tie_breakers"] = list(tie_breakers)
    return Rubric.model_validate(data)


def result(unit_id: str, final: str, vetoed: bool = False, deductions: str = "0", bonus: str = "0") -> UnitResult:
    ded, bon = D(deductions), D(bonus)
    return UnitResult(unit_id, (), D(final) - bon + ded, "", (), bon, (), ded,
                      ("重大安全生产责任事故",) if vetoed else ())


BANDS = [{"name": "优秀", "min": 90, "quota": D("0.3")}, {"name": "良好", "min": 80, "quota": D("0.5")},
         {"name": "合格", "min": 60}, {"name": "不合格"}]
FINALS = {"a": "95", "b": "93", "c": "93", "d": "91", "e": "85", "f": "84", "g": "70"}


def grades(rubric: Rubric, vetoed: set[str] = frozenset()) -> dict[str, str]:
    rows = rank_units(rubric, [result(u, f, u in vetoed) for u, f in FINALS.items()])
    return {r.unit_id: r.grade for r in rows}


def test_a_tied_group_that_does_not_fit_closes_the_band_for_everyone_below():
    # 7 towns: 优秀 floor(0.3 x 7) = 2 places, 良好 floor(0.5 x 7) = 3 places.
    # A 95 takes 优秀 (1 of 2). B and C tied at 93 need 2 places, 1 is left: both go to 良好 and
    # 优秀 is closed, so D (91) cannot take the place they left: D is 良好 (3 of 3, now full).
    # E 85 and F 84 would be 良好 by score, but 良好 is full: 合格. G 70 is 合格 by score.
    got = grades(rubric_with(7, BANDS))
    assert got == {"a": "优秀", "b": "良好", "c": "良好", "d": "良好", "e": "合格", "f": "合格", "g": "合格"}


def test_notes_say_why_a_grade_is_lower_than_the_score():
    rows = {r.unit_id: r for r in rank_units(rubric_with(7, BANDS), [result(u, f) for u, f in FINALS.items()])}
    assert "剩余 1 个" in rows["b"].grade_note and "并列的 2 个" in rows["b"].grade_note
    assert rows["d"].grade_note == "优秀因位次在前的同分街镇放不下剩余名额，已不再评定，评为下一等次"
    assert rows["e"].grade_note == "良好名额为 50%，即 3 个，已满，评为下一等次"
    assert rows["a"].grade_note == "" and rows["g"].grade_note == ""


def test_quota_ties_exceed_lets_a_straddling_group_in_together():
    # The same towns with quota_ties: exceed. B and C come when 优秀 has 1 place left: both take
    # 优秀 (3 towns, beyond its 2) and 优秀 closes. D 91 -> 良好 (1 of 3), E -> 良好 (2),
    # F -> 良好 (3, full), G -> 合格.
    got = grades(rubric_with(7, BANDS, quota_ties="exceed"))
    assert got == {"a": "优秀", "b": "优秀", "c": "优秀", "d": "良好", "e": "良好", "f": "良好", "g": "合格"}


def test_a_vetoed_town_takes_a_place_in_the_band_it_is_given_not_in_the_top_band():
    # A (95) is vetoed: 良好, 1 of 3 良好 places. B and C fit into 优秀 (2 of 2, now full).
    # D 91 -> 良好 (2 of 3), E 85 -> 良好 (3 of 3), F 84 -> 合格, G -> 合格.
    got = grades(rubric_with(7, BANDS), vetoed={"a"})
    assert got == {"a": "良好", "b": "优秀", "c": "优秀", "d": "良好", "e": "良好", "f": "合格", "g": "合格"}


def test_a_veto_that_fills_the_next_band_does_not_close_the_top_band():
    # 10 towns: 优秀 floor(0.3 x 10) = 3 places, 良好 floor(0.1 x 10) = 1 place.  甲 95 is vetoed: 良好,
    # which is then full.  乙 94 and 丙 92 still take 优秀 (3 places, 2 used); the rest (70) are 合格.
    rubric = rubric_with(10, [{"name": "优秀", "min": 90, "quota": D("0.3")}, {"name": "良好", "min": 80, "quota": D("0.1")},
                              {"name": "合格", "min": 60}, {"name": "不合格"}])
    finals = ["95", "94", "92"] + ["70"] * 7
    rows = rank_units(rubric, [result(u.id, f, u.id == "a") for u, f in zip(rubric.units, finals, strict=True)])
    assert [r.grade for r in rows[:4]] == ["良好", "优秀", "优秀", "合格"]


def test_a_tied_group_with_a_vetoed_member_stays_together():
    # 6 towns: 优秀 floor(0.5 x 6) = 3, 良好 floor(0.34 x 6) = 2.  A 95 优秀 (1 of 3); B 94 优秀 (2 of 3).
    # C, D, E tie at 93 and E is vetoed: C and D need 2 优秀 places, 1 is left -> down to 良好, where E
    # starts; the three need 3 良好 places, 2 are left -> all three go to 合格.  F 85: 良好 is closed -> 合格.
    rubric = rubric_with(6, [{"name": "优秀", "min": 90, "quota": D("0.5")}, {"name": "良好", "min": 80, "quota": D("0.34")},
                             {"name": "合格", "min": 60}, {"name": "不合格"}])
    finals = {"a": "95", "b": "94", "c": "93", "d": "93", "e": "93", "f": "85"}
    rows = {r.unit_id: r for r in rank_units(rubric, [result(u, f, u == "e") for u, f in finals.items()])}
    assert {u: r.grade for u, r in rows.items()} == {"a": "优秀", "b": "优秀", "c": "合格", "d": "合格", "e": "合格",
                                                     "f": "合格"}
    assert "一票否决" in rows["e"].grade_note and "不足以容纳同分并列的 3 个街镇" in rows["e"].grade_note
    assert "剩余 1 个，不足以容纳同分并列的 2 个街镇" in rows["c"].grade_note


def test_quota_count_is_rounded_down():
    # 优秀 quota 0.3 of 3 towns = 0.9 -> 0 places: nobody is 优秀, whatever the score.
    rubric = rubric_with(3, BANDS)
    rows = rank_units(rubric, [result("a", "99"), result("b", "95"), result("c", "91")])
    assert [r.grade for r in rows] == ["良好", "合格", "合格"]  # 良好: floor(1.5) = 1 place


def test_a_tie_broken_by_a_tie_breaker_says_which_rule_and_which_towns():
    rubric = rubric_with(3, BANDS[2:], tie_breakers=["lower_deductions", "higher_bonus"])
    rows = rank_units(rubric, [result("a", "88", deductions="2"), result("b", "88", deductions="1"),
                               result("c", "80")])
    got = {r.unit_id: r for r in rows}
    assert [(r.unit_id, r.rank) for r in rows] == [("b", 1), ("a", 2), ("c", 3)]
    assert got["b"].tie_note == ("与A镇最终得分同为 88.00 分，按同分排序规则“问题扣分较少者在前”"
                                 "（问题扣分 B镇 1.00、A镇 2.00）排在其前")
    assert "排在其后" in got["a"].tie_note and "B镇" in got["a"].tie_note
    assert got["c"].tie_note == ""


def test_the_second_tie_breaker_is_named_when_the_first_is_equal():
    rubric = rubric_with(3, BANDS[2:], tie_breakers=["lower_deductions", "higher_bonus"])
    rows = rank_units(rubric, [result("a", "88", bonus="1"), result("b", "88", bonus="2"), result("c", "88", bonus="2")])
    got = {r.unit_id: r for r in rows}
    assert [(r.unit_id, r.rank) for r in rows] == [("b", 1), ("c", 1), ("a", 3)]
    # b and c stay tied with each other; the rule separated the two of them from a
    assert got["b"].tie_note == got["c"].tie_note == (
        "与A镇最终得分同为 88.00 分，按同分排序规则“亮点加分较高者在前”（亮点加分 B镇、C镇 2.00、A镇 1.00）排在其前")
    assert "与B镇、C镇最终得分同为" in got["a"].tie_note and got["a"].tie_note.endswith("排在其后")


# --- the property ---------------------------------------------------------------------------

shares = st.one_of(st.none(), st.sampled_from([D("0.1"), D("0.2"), D("0.25"), D("0.3"), D("0.5"), D("0.8"), D(1)]))


@st.composite
def cases(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    quotas = [draw(shares) for _ in range(3)]
    bands = [{"name": "优秀", "min": 90, "quota": quotas[0]}, {"name": "良好", "min": 80, "quota": quotas[1]},
             {"name": "合格", "min": 60, "quota": quotas[2]}, {"name": "不合格"}]
    ties = draw(st.sampled_from(["down", "exceed"]))
    finals = [draw(st.sampled_from(["95", "92.5", "90", "89.99", "85", "80", "75", "60", "59.5", "30"]))
              for _ in range(n)]
    vetoed = [draw(st.booleans()) for _ in range(n)]
    return rubric_with(n, bands, quota_ties=ties), finals, vetoed


@settings(max_examples=300, deadline=None)
@given(cases())
def test_grade_never_improves_as_rank_worsens_and_quotas_hold(case):
    rubric, finals, vetoed = case
    ids = [u.id for u in rubric.units]
    veto = dict(zip(ids, vetoed, strict=True))
    rows = rank_units(rubric, [result(u, f, veto[u]) for u, f in zip(ids, finals, strict=True)])
    index = {b.name: i for i, b in enumerate(rubric.grades)}
    g = [index[r.grade] for r in rows]
    for i, upper in enumerate(rows):
        # never better than the score's own band, never the top band when vetoed
        by_score = next(k for k, b in enumerate(rubric.grades) if b.min is None or upper.final >= b.min)
        assert g[i] >= by_score
        assert not (veto[upper.unit_id] and g[i] == 0)
        for j in range(i + 1, len(rows)):
            lower = rows[j]
            if lower.rank == upper.rank:
                continue
            # a lower-ranked town is never graded better, except the top band a veto kept from the upper one
            assert g[j] >= g[i] or (veto[upper.unit_id] and g[j] == 0), (upper, lower)
    biggest_tie = max(sum(1 for r in rows if r.rank == x.rank) for x in rows)
    for k, band in enumerate(rubric.grades[:-1]):
        if band.quota is None:
            continue
        places = int(band.quota * len(ids))  # floor for these positive shares
        held = g.count(k)
        if rubric.quota_ties == "down":
            assert held <= places
        else:
            assert held <= places + biggest_tie - 1


def test_tie_notes_name_every_town_of_a_group_and_a_town_between_two_groups_has_both():
    """Four towns on 85.00, separated by lower_deductions: A 0, B 1, C and D 2 (tied, rank 3). B is behind
    A and ahead of C and D: its two notes are joined by "；", and the group below it is named as one."""
    rubric = rubric_with(4, [{"name": "良好", "min": 80}, {"name": "合格"}], tie_breakers=["lower_deductions"])
    rows = rank_units(rubric, [result("a", "85"), result("b", "85", deductions="1"), result("c", "85", deductions="2"),
                               result("d", "85", deductions="2")])
    said = {r.unit_id: (r.rank, r.tie_note) for r in rows}
    rule = "按同分排序规则“问题扣分较少者在前”"
    assert said["a"] == (1, f"与B镇最终得分同为 85.00 分，{rule}（问题扣分 A镇 0.00、B镇 1.00）排在其前")
    assert said["b"] == (2, f"与A镇最终得分同为 85.00 分，{rule}（问题扣分 A镇 0.00、B镇 1.00）排在其后；"
                            f"与C镇、D镇最终得分同为 85.00 分，{rule}（问题扣分 B镇 1.00、C镇、D镇 2.00）排在其前")
    assert said["c"] == said["d"] == (3, f"与B镇最终得分同为 85.00 分，{rule}（问题扣分 B镇 1.00、C镇、D镇 2.00）排在其后")


def test_a_final_below_the_lowest_bands_minimum_still_gets_the_lowest_band():
    """The lowest band 合格 starts at 0; a town with a base of 2 and 3 points deducted ends on −1.00, below
    every band's minimum: it is 合格 (the lowest band takes everyone left), not 良好 and not an error."""
    rubric = rubric_with(2, [{"name": "良好", "min": 80}, {"name": "合格", "min": 0}])
    rows = rank_units(rubric, [result("a", "85"), result("b", "-1", deductions="3")])
    assert [(r.unit_id, r.final, r.grade) for r in rows] == [("a", D("85.00"), "良好"), ("b", D("-1.00"), "合格")]


def test_with_one_band_everyone_has_it_vetoed_or_not_and_its_quota_holds_nobody_out():
    """One band, 合格, written with a quota of 50%: the lowest band takes everyone left, so all three towns
    are 合格, and the vetoed one too (there is no lower band to move it to), with no note."""
    rubric = rubric_with(3, [{"name": "合格", "quota": D("0.5")}])
    rows = rank_units(rubric, [result("a", "95", vetoed=True), result("b", "90"), result("c", "80")])
    assert [(r.unit_id, r.grade, r.grade_note) for r in rows] == [("a", "合格", ""), ("b", "合格", ""), ("c", "合格", "")]


def test_a_veto_with_two_bands_moves_the_town_to_the_second_and_names_every_vetoing_category():
    """Two bands: 优秀 from 90 and 合格. 甲 on 95 with two veto problems is 合格, the note naming both
    categories and the band it was kept from; 乙 on 92 is 优秀."""
    rubric = rubric_with(2, [{"name": "优秀", "min": 90}, {"name": "合格"}])
    vetoed = UnitResult("a", (), D(95), "", (), D(0), (), D(0), ("重大安全生产责任事故", "党风廉政问题"))
    rows = rank_units(rubric, [vetoed, result("b", "92")])
    assert [(r.unit_id, r.grade, r.grade_note) for r in rows] == [
        ("a", "合格", "因“重大安全生产责任事故、党风廉政问题”一票否决，不评为优秀"), ("b", "优秀", "")]


def test_a_vetoed_town_in_a_full_band_has_both_reasons_joined():
    """优秀 from 90, quota 20% of 5 = 1 place; 良好 from 80, quota 20% = 1 place; 合格. 甲 95 takes 优秀,
    乙 93 (vetoed) is kept from 优秀 and finds 良好 taken by nobody: 良好. 丙 91 finds 优秀 full and 良好 full: 合格,
    said twice over in one note."""
    bands = [{"name": "优秀", "min": 90, "quota": D("0.2")}, {"name": "良好", "min": 80, "quota": D("0.2")},
             {"name": "合格"}]
    rubric = rubric_with(5, bands)
    rows = rank_units(rubric, [result("a", "95"), result("b", "93", vetoed=True), result("c", "91"),
                               result("d", "70"), result("e", "60")])
    got = {r.unit_id: (r.grade, r.grade_note) for r in rows}
    assert got["a"] == ("优秀", "")
    assert got["b"] == ("良好", "因“重大安全生产责任事故”一票否决，不评为优秀")
    assert got["c"] == ("合格", "优秀名额为 20%，即 1 个，已满，评为下一等次；良好名额为 20%，即 1 个，已满，评为下一等次")
