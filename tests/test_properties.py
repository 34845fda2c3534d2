"""Properties of scoring and ranking over random but valid tables (hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

from conftest import MINI_PATH
from hypothesis import given, settings
from hypothesis import strategies as st

from qp_eval.core.evaluate import Evaluation
from qp_eval.core.explain import explain_unit
from qp_eval.core.ranking import rank_units
from qp_eval.core.scoring import score_all
from qp_eval.core.tables import FigureEntry, HighlightEntry, ProblemEntry, ScoreEntry, Source, Tables
from qp_eval.core.validate import Result
from qp_eval.io.rubric_file import load_rubric

RUBRIC = load_rubric(MINI_PATH)
SRC = Source("f.xlsx", "评分", "A1")
cents = st.integers(min_value=0, max_value=100)


@st.composite
def tables(draw) -> Tables:
    t = Tables()
    for u in RUBRIC.units:
        for c in RUBRIC.criteria.values():
            if c.measure is not None:
                if c.applies(u.id):
                    for inp in c.measure.inputs:
                        v = draw(st.integers(min_value=1, max_value=5000))
                        t.figures.append(FigureEntry(u.id, c.id, inp.id, Decimal(v), SRC))
                continue
            for period in c.periods.labels if c.periods else (None,):
                if not c.applies(u.id):
                    t.scores.append(ScoreEntry(u.id, c.id, period, None, "", SRC))
                    continue
                share = draw(cents)
                value = (c.points * share / 100).quantize(Decimal("0.01"))
                t.scores.append(ScoreEntry(u.id, c.id, period, value, "", SRC))
        for seq in range(1, 3):
            rating = draw(st.sampled_from(["", "A", "B", "C"]))
            t.highlights.append(HighlightEntry(u.id, seq, f"h{seq}", "", "创新性", "x", rating, SRC))
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            cat = draw(st.sampled_from(["petition", "safety_accident"]))
            ded = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=300).map(lambda n: Decimal(n) / 100)))
            t.problems.append(ProblemEntry(u.id, cat, "", None, "", ded, "", SRC))
    return t


def ranked(t: Tables):
    return rank_units(RUBRIC, score_all(RUBRIC, t))


@settings(max_examples=60, deadline=None)
@given(tables())
def test_final_is_base_plus_bonus_minus_deductions_and_explain_adds_up(t):
    results = score_all(RUBRIC, t)
    ev = Evaluation(RUBRIC, Result(tables=t), [], results, rank_units(RUBRIC, results))
    for r in results:
        assert r.final == r.base + r.bonus - r.deductions
        assert Decimal(0) <= r.bonus <= RUBRIC.highlights.cap
        assert Decimal(0) <= r.deductions <= RUBRIC.problems.cap
        _, lines = explain_unit(ev, r.unit_id)
        # A ratio such as 24/7 is held to 28 significant digits, so a long sum can differ from the
        # final in the last digit; nothing published (at most 4 places) can see that.
        assert abs(sum((x.amount for x in lines), Decimal(0)) - r.final) < Decimal("1e-20")


@settings(max_examples=60, deadline=None)
@given(tables())
def test_ranks_are_competition_ranks_from_1(t):
    rows = ranked(t)
    assert rows[0].rank == 1
    for i, row in enumerate(rows):
        if i and row.final == rows[i - 1].final:
            assert row.rank == rows[i - 1].rank
        else:
            assert row.rank == i + 1
    finals = [r.final for r in rows]
    assert finals == sorted(finals, reverse=True)


@settings(max_examples=40, deadline=None)
@given(tables(), st.sampled_from([u.id for u in RUBRIC.units]), st.integers(min_value=1, max_value=300))
def test_adding_a_deduction_never_improves_a_rank(t, unit_id, cents_):
    before = {r.unit_id: r.rank for r in ranked(t)}
    t2 = Tables(scores=t.scores, figures=t.figures, highlights=t.highlights,
                problems=t.problems + [ProblemEntry(unit_id, "petition", "", None, "", Decimal(cents_) / 100, "", SRC)])
    after = {r.unit_id: r.rank for r in ranked(t2)}
    assert after[unit_id] >= before[unit_id]


@settings(max_examples=40, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_shuffling_rows_never_changes_the_result(t, rnd: random.Random):
    def shuffled(xs):
        xs = list(xs)
        rnd.shuffle(xs)
        return xs

    t2 = Tables(scores=shuffled(t.scores), figures=shuffled(t.figures), problems=shuffled(t.problems),
                highlights=shuffled(t.highlights))
    a = [(r.unit_id, r.rank, r.final, r.grade, r.result.final) for r in ranked(t)]
    b = [(r.unit_id, r.rank, r.final, r.grade, r.result.final) for r in ranked(t2)]
    assert a == b
