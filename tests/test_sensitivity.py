"""Sensitivity of the ranking to the items' points (core.sensitivity, docs/sensitivity.md).

Every expected figure is worked out by hand in the test's docstring. The years are made of results
written here (a town's criterion scores, bonus and deductions), ranked and published by the same code
as a real year, so that the model reads what the report shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from conftest import MINI_PATH, ROOT

from qp_eval.core.evaluate import Evaluation
from qp_eval.core.ranking import rank_units
from qp_eval.core.rubric import Rubric
from qp_eval.core.sensitivity import basis, grades_at, influence, margins, ranks_at, sensitivity, stability
from qp_eval.core.yamlsource import parse

D = Decimal
BASE = parse(MINI_PATH.read_text(encoding="utf-8")).data


@dataclass(frozen=True)
class Town:
    """What ranking and publishing read of a town's result."""

    unit_id: str
    given: tuple[tuple[str, Decimal, bool], ...]  # (criterion, score, counted)
    base: Decimal
    bonus: Decimal = D(0)
    deductions: Decimal = D(0)
    vetoes: tuple[str, ...] = ()

    @property
    def final(self) -> Decimal:
        return self.base + self.bonus - self.deductions

    def scores(self):  # noqa: ANN201
        return iter(self.given)


def two_items(not_applicable: str = "full", split: bool = False, grades=None, tie_breakers=()) -> Rubric:
    """Item 1 of 55 points and item 2 of 45 (100 in all); with ``split`` item 1 is criteria 1.1 (30) and
    1.2 (25, for 甲镇 and 乙街道 only)."""
    data = dict(BASE)
    data["total_points"] = 100
    data["not_applicable"] = not_applicable
    first = ([{"id": "1.1", "name": "甲", "standard": "甲", "points": 30},
              {"id": "1.2", "name": "乙", "standard": "乙", "points": 25, "applies_to": ["a", "b"]}]
             if split else [{"id": "1.1", "name": "甲", "standard": "甲", "points": 55}])
    data["items"] = [
        {"number": 1, "name": "项目一", "department": "d1", "points": 55, "criteria": first},
        {"number": 2, "name": "项目二", "department": "d2", "points": 45,
         "criteria": [{"id": "2.1", "name": "丙", "standard": "丙", "points": 45}]},
    ]
    data["grades"] = grades or [{"name": "优秀", "min": 90}, {"name": "良好", "min": 60}, {"name": "不合格"}]
    data["tie_breakers"] = list(tie_breakers)
    return Rubric.model_validate(data)


def year(rubric: Rubric, towns: list[Town]) -> Evaluation:
    ev = Evaluation(rubric, None)  # type: ignore[arg-type]  # no sheets: the results are given
    ev.results = towns  # type: ignore[assignment]
    ev.ranking = ev.proposal = rank_units(rubric, towns)  # type: ignore[arg-type]
    return ev


def town(unit_id: str, s1: str, s2: str, bonus: str = "0", deductions: str = "0", vetoed: bool = False) -> Town:
    a, b = D(s1), D(s2)
    return Town(unit_id, (("1.1", a, True), ("2.1", b, True)), a + b, D(bonus), D(deductions),
                ("重大安全生产责任事故",) if vetoed else ())


def abc(**b_extra: str) -> Evaluation:
    """A = 0.9·55 + 0.5·45 = 49.5 + 22.5 = 72.0; B = 0.6·55 + 0.8·45 = 33 + 36 = 69.0;
    C = 0.3·55 + 0.3·45 = 16.5 + 13.5 = 30.0."""
    return year(two_items(), [town("a", "49.5", "22.5"), town("b", "33", "36", **b_extra), town("c", "16.5", "13.5")])


def by_names(ev: Evaluation) -> dict[tuple[str, str], tuple]:
    b = basis(ev)
    return {(b.names[m.upper], b.names[m.lower]): (None if m.points is None else round(m.points, 6), m.source, m.target)
            for m in margins(b)}


def test_the_issue_example_swaps_a_and_b_at_five_points_from_item_one_to_item_two():
    """Moving t points from item 1 to item 2: A = 72 − 0.9t + 0.5t = 72 − 0.4t, B = 69 − 0.6t + 0.8t =
    69 + 0.2t. A's lead 3 closes by 0.6 a point: they tie at t = 5 and any more swaps them. The other way
    (item 2 to item 1) widens the lead. C trails B by 39: moving t from item 2 to item 1 closes it by
    (0.8 − 0.3) − (0.6 − 0.3) = 0.2 a point, so it needs 195 points, but item 2 has 45; from item 1 to 2
    the gap widens by 0.2 a point. So C cannot reach B by any move."""
    got = by_names(abc())
    assert got[("甲镇", "乙街道")] == (5.0, 1, 2)
    assert got[("乙街道", "丙镇")] == (None, None, None)


def test_bonus_and_deductions_are_carried_unchanged():
    """B with a bonus of 2 and deductions of 1: B = 69 + 1 = 70 at the rubric's points, and 70 + 0.2t
    after moving t from item 1 to item 2; A = 72 − 0.4t. The lead 2 closes by 0.6 a point: t = 3.33."""
    ev = abc(bonus="2", deductions="1")
    assert [x.final for x in ev.ranking] == [D("72.0"), D("70.0"), D("30.0")]
    assert by_names(ev)[("甲镇", "乙街道")] == (round(2 / 0.6, 6), 1, 2)


def test_an_item_may_give_all_its_points_but_no_more():
    """A = 72 − 0.4t as above; D = 0.3·55 + 0.5·45 = 16.5 + 22.5 = 39, and 39 − 0.3t + 0.5t = 39 + 0.2t.
    The lead 33 closes by 0.6 a point: t = 55, all of item 1 (left with 0 points): reported. With D a
    cent lower (38.99) the tie needs 33.01 / 0.6 = 55.02 points, more than item 1 has; the other way the
    lead widens: no move swaps them."""
    r = two_items()
    exact = year(r, [town("a", "49.5", "22.5"), town("b", "16.5", "22.5")])
    assert by_names(exact)[("甲镇", "乙街道")] == (55.0, 1, 2)
    short = year(r, [town("a", "49.5", "22.5"), town("b", "16.5", "22.49")])
    assert by_names(short)[("甲镇", "乙街道")] == (None, None, None)


def test_prorate_reads_a_town_with_a_criterion_that_does_not_apply_by_its_applicable_points():
    """Under prorate, 丙镇 has no criterion 1.2 (25 of item 1's 55): it scores 15 of 1.1's 30 (a share
    0.5 of its applicable 30 points) and 27 of 2.1's 45 (0.6); its base is 100·(15 + 27)/(30 + 45) = 56.
    乙街道 scores 24 + 20 of item 1 (0.8) and 18 of 45 (0.4): 62. Move t points from item 1 to item 2;
    丙镇's applicable part of item 1 is 30/55 of its points:
      乙 = 0.8(55 − t) + 0.4(45 + t) = 62 − 0.4t
      丙 = 100·[0.5·(30/55)(55 − t) + 0.6(45 + t)] / [(30/55)(55 − t) + 45 + t]
         = 100·(42 + (18/55)t) / (75 + (25/55)t)
    Equal when (62 − 0.4t)(75 + (5/11)t) = 4200 + (360/11)t, i.e. 450 − (380/11)t − (2/11)t² = 0,
    t² + 190t − 2475 = 0, t = (−190 + √46000)/2 = 12.2381 (reading 丙 as 0.5 of all 55 points would give
    12). The other way 丙 falls further: 100·(42 − (18/55)t)/(75 − (25/55)t) is 50 at t = 45."""
    r = two_items("prorate", split=True)
    a = Town("a", (("1.1", D(30), True), ("1.2", D(25), True), ("2.1", D(45), True)), D(100))
    b = Town("b", (("1.1", D(24), True), ("1.2", D(20), True), ("2.1", D(18), True)), D(62))
    c = Town("c", (("1.1", D(15), True), ("1.2", D(0), False), ("2.1", D(27), True)), D(56))
    ev = year(r, [a, b, c])
    got = by_names(ev)[("乙街道", "丙镇")]
    assert got[1:] == (1, 2)
    assert got[0] == pytest.approx((-190 + 46000 ** 0.5) / 2, abs=1e-6)
    assert got[0] == pytest.approx(12.238053, abs=1e-6)


def test_at_the_rubrics_points_the_model_gives_every_published_final_and_rank():
    """The carried part makes the model exact at the rubric's points: finals 72.00, 69.00, 30.00 in cents,
    ranks 1, 2, 3."""
    b = basis(abc())
    ranks, finals = ranks_at(b, b.points)
    assert finals.tolist() == [[7200, 6900, 3000]]
    assert ranks.tolist() == [[1, 2, 3]]


def test_a_vetoed_town_never_takes_the_top_band_and_quotas_are_applied_in_each_draw():
    """Bands 优秀 ≥ 90 (quota 0.34: floor(0.34 × 3) = one place), 良好 ≥ 60. A = 0.9·55 + 1·45 = 94.5; B = 55 + 0.8·45 =
    91; C = 30. With equal points A is 优秀 and B, above 90 but with the one place taken, 良好. Vetoed, A is
    良好 and B takes the place."""
    grades = [{"name": "优秀", "min": 90, "quota": D("0.34")}, {"name": "良好", "min": 60}, {"name": "不合格"}]
    r = two_items(grades=grades)
    plain = year(r, [town("a", "49.5", "45"), town("b", "55", "36"), town("c", "16.5", "13.5")])
    b = basis(plain)
    ranks, finals = ranks_at(b, b.points)
    assert grades_at(b, ranks, finals).tolist() == [[0, 1, 2]]
    vetoed = year(r, [town("a", "49.5", "45", vetoed=True), town("b", "55", "36"), town("c", "16.5", "13.5")])
    b = basis(vetoed)
    ranks, finals = ranks_at(b, b.points)
    order = [b.names.index(n) for n in ("甲镇", "乙街道", "丙镇")]
    assert [grades_at(b, ranks, finals)[0][p] for p in order] == [1, 0, 2]


def test_higher_base_breaks_a_tie_under_other_points_too():
    """A = 0.6·55 + 0.2·45 = 33 + 9 = 42, plus a bonus of 6 = 48; B = 0.4·55 + 0.6·45 = 22 + 27 = 49, less
    1 = 48. Tied at 48; with higher_base A's base 42 is below B's 49: B first. Moving 5 points from item 2
    to item 1: A's base 42 + 5·(0.6 − 0.2) = 44, final 50; B's 49 + 5·(0.4 − 0.6) = 48, final 47: A first."""
    r = two_items(tie_breakers=["higher_base"])
    ev = year(r, [town("a", "33", "9", bonus="6"), town("b", "22", "27", deductions="1")])
    b = basis(ev)
    assert b.names[:2] == ("乙街道", "甲镇")
    ranks, _ = ranks_at(b, [b.points, b.points + [5, -5]])
    assert ranks[:, :2].tolist() == [[1, 2], [2, 1]]


def test_stability_is_the_same_run_to_run_and_keeps_a_clear_leader():
    """A leads B by 3 and the closest swap takes 5 points (a ±5% spread moves at most about 2.75 points
    of item 1): A keeps first place in every draw, C keeps third; the 5th–95th percentile of each rank is
    its own rank."""
    ev = abc()
    one = sensitivity(ev, spread=0.05, samples=500, seed=7)
    two = sensitivity(ev, spread=0.05, samples=500, seed=7)
    assert one.stability == two.stability
    assert [(s.low, s.high, s.keep) for s in one.stability] == [(1, 1, 1.0), (2, 2, 1.0), (3, 3, 1.0)]


def test_a_wide_spread_swaps_a_and_b_in_some_draws_but_never_c():
    """With ±50% the points of item 1 can fall from 55 to about 38 (27.5 of 100 scaled), far past the 5
    that swap A and B; C trails by 39 and cannot be reached (at most 45 points move): A and B each keep
    their rank in some draws but not all, C always. The chance of each grade adds up to 1."""
    s = stability(basis(abc()), 0.5, 2000, 3)
    assert 0 < s[0].keep < 1 and 0 < s[1].keep < 1 and s[2].keep == 1.0
    assert (s[0].low, s[0].high) == (1, 2)
    assert all(abs(sum(x.grades) - 1) < 1e-12 for x in s)


def test_which_items_move_the_ranking():
    """Item 1 × 1.2 = 66, item 2 scaled to 34: A = 0.9·66 + 0.5·34 = 59.4 + 17 = 76.4, B = 39.6 + 27.2 =
    66.8, no change. Item 1 × 0.8 = 44, item 2 56: A = 39.6 + 28 = 67.6, B = 26.4 + 44.8 = 71.2: A and B
    swap (2 towns), C stays. Item 2 × 1.2 = 54 (item 1 46): A = 41.4 + 27 = 68.4, B = 27.6 + 43.2 = 70.8:
    swap; item 2 × 0.8 = 36 (item 1 64): A = 57.6 + 18 = 75.6, B = 38.4 + 28.8 = 67.2: none."""
    got = {(i.number, i.up, i.down, i.either) for i in influence(basis(abc()), 0.2)}
    assert got == {(1, 0, 2, 2), (2, 2, 0, 2)}


DOC = ROOT / "docs" / "sensitivity.md"


def doc_examples() -> list[dict]:
    import re

    found = [parse(m.group(1)).data for m in
             re.finditer(r"^```yaml sensitivity-example\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)]
    assert found, f"no sensitivity-example in {DOC}"
    return found


@pytest.mark.parametrize("ex", doc_examples())
def test_the_documents_worked_example(ex):
    """docs/sensitivity.md: the example's expected margins were worked out by hand beside it."""
    data = dict(BASE)
    points = {int(k): D(str(v)) for k, v in ex["points"].items()}
    data["total_points"] = sum(points.values())
    data["units"] = [{"id": f"u{k}", "name": t["name"], "kind": "街道" if t["name"].endswith("街道") else "镇"}
                     for k, t in enumerate(ex["towns"])]
    data["items"] = [{"number": n, "name": f"项目{n}", "department": "d1", "points": p,
                      "criteria": [{"id": f"{n}.1", "name": "细则", "standard": "标准", "points": p}]}
                     for n, p in points.items()]
    data["grades"] = [{"name": "合格", "min": 60}, {"name": "不合格"}]
    r = Rubric.model_validate(data)
    towns = []
    for k, t in enumerate(ex["towns"]):
        scores = {int(n): v for n, v in t["scores"].items()}
        given = tuple((f"{n}.1", D(str(scores[n])), True) for n in points)
        towns.append(Town(f"u{k}", given, sum((v for _, v, _ in given), D(0))))
    s = sensitivity(year(r, towns), samples=10, seed=1)
    from qp_eval.core.sensitivity_view import to_data

    got = {(m["upper"], m["lower"]): m for m in to_data(s)["margins"]}
    for want in ex["expect"]:
        m = got[(want["upper"], want["lower"])]
        assert m["points"] == want["points"]
        if want["points"] is not None:
            assert (m["from_item"], m["to_item"]) == (want["from"], want["to"])


def test_the_two_passes_of_a_large_year_give_the_figures_of_the_ranks_kept_whole(rubric2024):
    """With no room to keep every draw's ranks, the percentiles are counted in two passes: the same ranks,
    the same figures (the example year, 11 towns, ±40% to move them about)."""
    from conftest import EXAMPLE

    from qp_eval.io.intake import evaluate_folder

    b = basis(evaluate_folder(rubric2024, EXAMPLE / "scores" / "2024", None))
    whole = stability(b, 0.4, 997, 11)
    counted = stability(b, 0.4, 997, 11, budget=0)
    assert whole == counted
    assert len({(x.low, x.high) for x in whole}) > 3  # ranges that differ: the passes had something to find


def test_keys_too_wide_to_pack_are_sorted_one_by_one_to_the_same_ranks(monkeypatch, rubric2024):
    """The ranks of one integer per key (the fast path) and of a sort key by key agree, ties included."""
    from conftest import EXAMPLE

    from qp_eval.core import sensitivity as S
    from qp_eval.io.intake import evaluate_folder

    b = basis(evaluate_folder(rubric2024, EXAMPLE / "scores" / "2024", None))
    w = S.draws(b, 0.5, 300, 2)
    packed = ranks_at(b, w)[0]
    monkeypatch.setattr(S, "_pack", lambda keys, towns: None)
    assert (ranks_at(b, w)[0] == packed).all()
    assert any(len(set(row)) < len(row) for row in packed.tolist())  # some draws with tied towns
