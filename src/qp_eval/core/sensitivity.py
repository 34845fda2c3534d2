"""How firm is the ranking: the year's published item scores re-weighted (docs/sensitivity.md).

The model. Each town's published item scores are read as shares of the points that count for it
(its applicable points: the item's points, or under ``not_applicable: prorate`` the points of the
criteria that apply). With item points ``w`` (adding up to the rubric's total ``T``) a town's base is

- under ``full``: ``Σ share·w``;
- under ``prorate``: ``T · Σ share·reach·w / Σ reach·w``, where ``reach`` is the applicable part of
  each item's points (the whole base scaled to the total, as scoring does).

Bonus, deductions and the meeting's adjustments are carried unchanged: each town's *carried* part is
its published final less the model's base at the rubric's points, so that at those points the model
gives every published final exactly (the 舍入调整 cent included). Under the model finals are rounded
to the rubric's precision (half up), ranked with the rubric's tie-breakers and graded by its bands,
quotas and vetoes; grades the meeting set stand in every sample.

Three questions are answered:

- **swap margins**: for two towns, the fewest points that, moved from one item to another (the rest
  unchanged, no item below zero), would make them change places (at that many they tie);
- **stability**: with every item's points multiplied by a factor drawn uniformly from ``1 ± spread``
  and then all scaled to add up to the total again, over ``samples`` draws of a seeded generator, each
  town's rank range (5th and 95th percentile), the share of draws in which it keeps its rank, and its
  chance of each grade;
- **which items move the ranking**: each item's points alone times ``1 ± spread`` (the others scaled
  to keep the total), and how many towns change rank.

numpy is imported by this module only; nothing on the way to ``rank`` or ``--help`` imports it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from .evaluate import Evaluation
from .ranking import place_grades  # the rules of quotas and tied groups, as the ranking applies them
from .rubric import Rubric

BATCH_CELLS = 500_000  # samples × towns worked out at once: 4 MB for each array of a batch (a dozen live at once)
PAIR_CELLS = 500_000  # pairs × items² of swap margins at once (a dozen arrays of it: about 50 MB)
RANKS_BYTES = 64_000_000  # the ranks of every draw are kept up to this, then counted in two passes
EPS = 1e-9


@dataclass(frozen=True)
class Basis:
    """The year's published figures as arrays, the towns in ranking order."""

    rubric: Rubric
    ids: tuple[str, ...]
    names: tuple[str, ...]
    numbers: tuple[int, ...]  # the items
    item_names: tuple[str, ...]
    points: np.ndarray  # (items,) the rubric's points
    share: np.ndarray  # (towns, items) published score / applicable points (1 where nothing applies)
    reach: np.ndarray  # (towns, items) applicable points / points (1 under ``full``)
    final: np.ndarray  # (towns,) published finals
    base: np.ndarray  # published bases (the tie-breaker ``higher_base``)
    bonus: np.ndarray
    deductions: np.ndarray
    rank: np.ndarray  # (towns,) published ranks
    grade: tuple[str, ...]
    vetoed: np.ndarray  # (towns,) bool
    fixed: dict[int, str] = field(default_factory=dict)  # position -> the grade the meeting set
    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # rubric order of each town

    @property
    def total(self) -> float:
        return float(self.rubric.total_points)

    @property
    def prorate(self) -> bool:
        return self.rubric.not_applicable == "prorate"

    def base_at(self, weights: np.ndarray) -> np.ndarray:
        """The model's base of every town for each row of item points: (rows, towns)."""
        weights = np.atleast_2d(weights)
        if not self.prorate:
            return weights @ self.share.T
        num = weights @ (self.share * self.reach).T
        den = weights @ self.reach.T
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > EPS, self.total * num / np.where(den > EPS, den, 1.0), 0.0)

    @property
    def carried(self) -> np.ndarray:
        """Published final less the model's base at the rubric's points: bonus, deductions, adjustments, rounding."""
        return self.final - self.base_at(self.points)[0]


def basis(ev: Evaluation) -> Basis:
    """The ranked year as the model reads it."""
    r = ev.rubric
    items = r.items
    rows = ev.ranking
    published = [ev.published[x.unit_id] for x in rows]
    shown = np.array([[float(f.shown) for f in pub.items] for pub in published]).reshape(len(rows), len(items))
    applicable = np.array([[float(f.applicable) for f in pub.items] for pub in published]).reshape(len(rows), len(items))
    points = np.array([float(i.points) for i in items])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(applicable > 0, shown / np.where(applicable > 0, applicable, 1.0), 1.0)
    reach = applicable / points[None, :] if r.not_applicable == "prorate" else np.ones_like(share)
    fixed: dict[int, str] = {}
    unit_order = {u.id: i for i, u in enumerate(r.units)}
    for pos, x in enumerate(rows):
        for d in ev.adjustments.get(x.unit_id, ()):
            if d.band:
                fixed[pos] = d.band

    def col(get) -> np.ndarray:  # noqa: ANN001
        return np.array([float(get(x)) for x in rows])

    return Basis(
        r, tuple(x.unit_id for x in rows), tuple(r.unit[x.unit_id].name for x in rows),
        tuple(i.number for i in items), tuple(i.name for i in items), points,
        share, reach, col(lambda x: x.final), col(lambda x: ev.published[x.unit_id].base),
        col(lambda x: ev.published[x.unit_id].bonus), col(lambda x: ev.published[x.unit_id].deductions),
        np.array([x.rank for x in rows], dtype=np.int64), tuple(x.grade for x in rows),
        np.array([bool(x.result.vetoes) for x in rows]), fixed,
        np.array([unit_order[x.unit_id] for x in rows], dtype=np.int64),
    )


# --- ranking and grading under other points, many draws at once -------------------------------------------

def _cents(b: Basis, values: np.ndarray) -> np.ndarray:
    """Rounded half up to the rubric's precision, as integers of its last place."""
    scale = 10.0 ** b.rubric.precision
    return np.floor(values * scale + 0.5 + EPS).astype(np.int64)


def ranks_at(b: Basis, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ranks, rounded finals) of every town for each row of item points, as ``core.ranking`` ranks:
    competition ranks of the rounded finals, then the rubric's tie-breakers."""
    weights = np.atleast_2d(weights)
    model = b.base_at(weights)
    at_points = b.base_at(b.points)[0]
    finals = _cents(b, model + b.carried)
    shape = finals.shape
    keys = [-finals]
    for rule in b.rubric.tie_breakers:
        if rule == "lower_deductions":
            keys.append(np.broadcast_to(_cents(b, b.deductions), shape))
        elif rule == "higher_base":
            keys.append(-_cents(b, model + (b.base - at_points)))
        else:
            keys.append(np.broadcast_to(-_cents(b, b.bonus), shape))
    packed = _pack(keys, shape[1])
    if packed is not None:  # one integer per town and draw: one sort, and equal keys are equal integers
        key = packed * shape[1] + b.order[None, :]
        order = np.argsort(key, axis=-1)
        ordered_key = np.take_along_axis(packed, order, axis=-1)
        same = ordered_key[:, 1:] == ordered_key[:, :-1]
    else:
        order = np.lexsort([np.broadcast_to(b.order, shape), *reversed(keys)], axis=-1)
        same = np.ones((shape[0], shape[1] - 1), dtype=bool)
        for k in keys:
            ordered = np.take_along_axis(k, order, axis=-1)
            same &= ordered[:, 1:] == ordered[:, :-1]
    place = np.arange(1, shape[1] + 1)
    starts = np.concatenate([np.ones((shape[0], 1), dtype=bool), ~same], axis=1)
    sorted_ranks = np.maximum.accumulate(np.where(starts, place, 0), axis=1)
    ranks = np.empty(shape, dtype=np.int64)
    np.put_along_axis(ranks, order, sorted_ranks, axis=-1)
    return ranks, finals


def _pack(keys: list[np.ndarray], towns: int) -> np.ndarray | None:
    """The sort keys as one non-negative integer each, the first the most significant, when they fit in 62
    bits with room for the towns' order (else None)."""
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - lo + 1 for k, lo in zip(keys, lows, strict=True)]
    if math.prod(spans) * towns >= 2 ** 62:
        return None
    packed = np.zeros(keys[0].shape, dtype=np.int64)
    for k, lo, span in zip(keys, lows, spans, strict=True):
        packed = packed * span + (k - lo)
    return packed


def grades_at(b: Basis, ranks: np.ndarray, finals: np.ndarray) -> np.ndarray:
    """Each town's band (index into the rubric's grades) for each row: the bands' minimums, vetoes, quotas
    (then town by town as ``core.ranking`` places them) and the grades the meeting set."""
    bands = b.rubric.grades
    last = len(bands) - 1
    if any(g.quota is not None for g in bands[:-1]):
        out = np.array([_quota_grades(b, ranks[i], finals[i]) for i in range(ranks.shape[0])], dtype=np.int64)
    else:
        out = np.zeros(finals.shape, dtype=np.int64)
        scale = 10 ** b.rubric.precision
        for g in bands[:-1]:
            if g.min is not None:
                out += finals < int(g.min * scale)
        if last > 0:
            out[(out == 0) & b.vetoed] = 1
    index = {g.name: i for i, g in enumerate(bands)}
    for pos, band in b.fixed.items():
        out[:, pos] = index[band]
    return out


@dataclass(frozen=True, slots=True)
class _Town:  # what core.ranking's grading reads of a town
    unit_id: str
    vetoes: tuple[str, ...]


def _quota_grades(b: Basis, ranks: np.ndarray, finals: np.ndarray) -> list[int]:
    towns = [_Town(str(p), ("否决",) if b.vetoed[p] else ()) for p in range(len(ranks))]
    keyed = [towns[p] for p in np.lexsort((b.order, ranks))]
    exp = -b.rubric.precision
    got = place_grades(b.rubric, keyed, {t.unit_id: Decimal(int(finals[p])).scaleb(exp) for p, t in enumerate(towns)},
                  {t.unit_id: int(ranks[p]) for p, t in enumerate(towns)})  # type: ignore[arg-type]
    index = {g.name: i for i, g in enumerate(b.rubric.grades)}
    return [index[got[str(p)][0]] for p in range(len(ranks))]


# --- swap margins ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Margin:
    upper: int  # position in the ranking of the town ahead
    lower: int
    points: float | None  # None: no move of points between two items swaps them
    source: int | None  # the item number points come from
    target: int | None  # and go to
    boundary: str = ""  # "优秀/良好" when the two are graded either side of a band's line
    tied: bool = False  # the same published final already (a tie-breaker or nothing separates them)


def pairs(b: Basis) -> list[tuple[int, int, str]]:
    """Towns next to each other in the ranking (a tied group counts once), and across each band's line the
    lowest-ranked town of the upper band with the next town below it in the lower band (usually the
    pair next to each other): (upper, lower, the line)."""
    out: dict[tuple[int, int], str] = {}
    n = len(b.ids)
    for p in range(n - 1):
        if b.rank[p + 1] != b.rank[p]:
            out[(p, p + 1)] = ""
    names = [g.name for g in b.rubric.grades]
    for hi, lo in zip(names, names[1:], strict=False):
        upper = [p for p in range(n) if b.grade[p] == hi]
        if upper:
            below = next((p for p in range(upper[-1] + 1, n) if b.grade[p] == lo and b.rank[p] != b.rank[upper[-1]]),
                         None)
            if below is not None:
                out[(upper[-1], below)] = f"{hi}/{lo}"
    return [(u, v, line) for (u, v), line in sorted(out.items())]


def margins(b: Basis, which: list[tuple[int, int, str]] | None = None) -> list[Margin]:
    """For each pair, the fewest points moved between two items that tie them (any more swaps them)."""
    which = pairs(b) if which is None else which
    out: list[Margin] = []
    n_items = len(b.numbers)
    step = max(1, PAIR_CELLS // max(1, n_items * n_items))
    for start in range(0, len(which), step):
        out += _margins(b, which[start:start + step])
    return out


def _margins(b: Basis, chunk: list[tuple[int, int, str]]) -> list[Margin]:
    if not chunk:
        return []
    up = np.array([u for u, _, _ in chunk])
    lo = np.array([v for _, v, _ in chunk])
    t_total = b.total
    s = b.share * b.reach  # the part of each item's points earned
    rr = b.reach
    carried = b.carried
    big_n, big_d = s @ b.points, rr @ b.points
    # moving t from item j to item k: N + t·n, D + t·d with n = s_k − s_j, d = r_k − r_j  (pairs, j, k)
    n_a = s[up][:, None, :] - s[up][:, :, None]
    n_b = s[lo][:, None, :] - s[lo][:, :, None]
    d_a = rr[up][:, None, :] - rr[up][:, :, None]
    d_b = rr[lo][:, None, :] - rr[lo][:, :, None]
    na, nb = big_n[up][:, None, None], big_n[lo][:, None, None]
    da, db = big_d[up][:, None, None], big_d[lo][:, None, None]
    dc = (carried[up] - carried[lo])[:, None, None]
    # (f_A − f_B)·(D_A + t d_A)(D_B + t d_B) = a2 t² + a1 t + a0, with f = T·(N + t n)/(D + t d) + carried
    a2 = t_total * (n_a * d_b - n_b * d_a) + dc * d_a * d_b
    a1 = t_total * (na * d_b + n_a * db - nb * d_a - n_b * da) + dc * (da * d_b + d_a * db)
    a0 = t_total * (na * db - nb * da) + dc * da * db
    a0 = np.broadcast_to(a0, a1.shape)
    with np.errstate(all="ignore"):
        linear = np.abs(a2) <= EPS * np.maximum(1.0, np.abs(a1))
        t_lin = np.where(linear & (a1 < -EPS), -a0 / np.where(a1 == 0, 1.0, a1), np.inf)
        disc = a1 * a1 - 4 * a2 * a0
        root = np.sqrt(np.where(disc >= 0, disc, np.nan))
        r1 = (-a1 - root) / (2 * a2)
        r2 = (-a1 + root) / (2 * a2)
        cands = [np.where(~linear & (r > EPS), r, np.inf) for r in (r1, r2)]
        t = np.where(linear, t_lin, np.fmin(np.nan_to_num(cands[0], nan=np.inf), np.nan_to_num(cands[1], nan=np.inf)))
    t = np.where(t > EPS, t, np.inf)
    limit = b.points[None, :, None]  # item j cannot give more than it has
    tt = np.where(np.isfinite(t), t, 0.0)  # the towns' applicable points stay above 0 up to t
    valid = (t <= limit + EPS) & (da + tt * d_a > EPS) & (db + tt * d_b > EPS)
    n_items = len(b.numbers)
    eye = np.eye(n_items, dtype=bool)[None]
    t = np.where(valid & ~eye, t, np.inf)
    out = []
    for q, (u, v, line) in enumerate(chunk):
        if _cents(b, b.final[u:u + 1])[0] == _cents(b, b.final[v:v + 1])[0]:
            out.append(Margin(u, v, 0.0, None, None, line, tied=True))
            continue
        flat = int(np.argmin(t[q]))  # the first (j, k) in item order among the smallest
        best = float(t[q].flat[flat])
        if not np.isfinite(best):
            out.append(Margin(u, v, None, None, None, line))
            continue
        j, k = divmod(flat, n_items)
        out.append(Margin(u, v, best, b.numbers[j], b.numbers[k], line))
    return out


# --- stability and the items that move the ranking ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Stability:
    position: int
    low: int  # 5th percentile of the rank over the draws
    high: int  # 95th percentile
    keep: float  # share of draws with the published rank
    grades: tuple[float, ...]  # chance of each of the rubric's grades, in its order


@dataclass(frozen=True, slots=True)
class Influence:
    number: int
    name: str
    points: float
    up: int  # towns whose rank changes with this item's points × (1 + spread)
    down: int  # … × (1 − spread)
    either: int


def draws(b: Basis, spread: float, samples: int, seed: int) -> np.ndarray:
    """(samples, items): each item's points times a factor uniform in [1 − spread, 1 + spread], then scaled
    to the total; drawn at once (a seeded PCG64), so the figures never depend on how they are batched."""
    rng = np.random.default_rng(seed)
    factors = 1.0 + spread * (2.0 * rng.random((samples, len(b.numbers))) - 1.0)
    w = b.points[None, :] * factors
    return w * (b.total / w.sum(axis=1, keepdims=True))


def stability(b: Basis, spread: float, samples: int, seed: int, budget: int | None = None) -> list[Stability]:
    """Each town over the draws. The percentiles are the k-th smallest rank, k = ⌈q·samples⌉ (the inverse
    of the empirical distribution, no interpolation). The ranks of every draw are kept while they fit in
    ``budget`` bytes (RANKS_BYTES); beyond it (40,000 towns) they are counted in two passes over the
    same draws, first in bins of ranks and then within the two bins that hold each town's percentiles:
    the same figures in bounded memory."""
    n = len(b.ids)
    weights = draws(b, spread, samples, seed)
    keep = np.zeros(n, dtype=np.int64)
    grade_counts = np.zeros((n, len(b.rubric.grades)), dtype=np.int64)
    wanted = (_kth(5, samples), _kth(95, samples))
    dtype = np.uint16 if n < 65535 else np.uint32
    held = samples * n * np.dtype(dtype).itemsize <= (RANKS_BYTES if budget is None else budget)
    every = np.empty((samples, n), dtype=dtype) if held else None
    width = max(1, math.isqrt(n))  # the bins of ranks of the two passes
    bins = None if held else np.zeros(n * (-(-n // width)), dtype=np.int32)
    for start, ranks, finals in _batches(b, weights):
        keep += (ranks == b.rank[None, :]).sum(axis=0)
        grades = grades_at(b, ranks, finals)
        for g in range(len(b.rubric.grades)):
            grade_counts[:, g] += (grades == g).sum(axis=0)
        if every is not None:
            every[start:start + len(ranks)] = ranks
        else:
            _count(bins, (ranks - 1) // width, -(-n // width))
    if every is not None:
        ordered = np.sort(every, axis=0)
        low, high = (ordered[k - 1].astype(np.int64) for k in wanted)
    else:
        low, high = _two_pass(b, weights, bins.reshape(n, -1), width, wanted)
    return [Stability(p, int(low[p]), int(high[p]), keep[p] / samples, tuple(grade_counts[p] / samples))
            for p in range(n)]


def _kth(q: int, samples: int) -> int:
    """⌈q·samples/100⌉, at least 1: which smallest rank is the q-th percentile."""
    return max(1, -(-q * samples // 100))


def _batches(b: Basis, weights: np.ndarray):  # noqa: ANN202 - yields (first draw, ranks, rounded finals)
    step = max(1, BATCH_CELLS // max(1, len(b.ids)))
    for start in range(0, len(weights), step):
        ranks, finals = ranks_at(b, weights[start:start + step])
        yield start, ranks, finals


def _count(counts: np.ndarray, cells: np.ndarray, per_town: int) -> None:
    """counts[town · per_town + cell] += 1 for every draw's (town, cell)."""
    flat = cells + np.arange(cells.shape[1])[None, :] * per_town
    counts += np.bincount(flat.ravel(), minlength=counts.size)


def _two_pass(b: Basis, weights: np.ndarray, bins: np.ndarray, width: int,
              wanted: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """The k-th smallest rank of each town, for each k in ``wanted``, from the counts per bin of ranks and a
    second pass that counts ranks within the bin holding it."""
    n = len(b.ids)
    cum = bins.cumsum(axis=1)
    which = [np.argmax(cum >= k, axis=1) for k in wanted]  # the bin of the k-th rank
    before = [np.where(w > 0, np.take_along_axis(cum, np.maximum(w - 1, 0)[:, None], axis=1)[:, 0], 0)
              for w in which]
    within = [np.zeros(n * width, dtype=np.int32) for _ in wanted]
    for _, ranks, _ in _batches(b, weights):
        zero = ranks - 1
        for w, counts in zip(which, within, strict=True):
            inside = zero // width == w[None, :]
            towns = np.broadcast_to(np.arange(n)[None, :], zero.shape)[inside]
            counts += np.bincount(towns * width + (zero % width)[inside], minlength=counts.size)
    out = []
    for k, w, start, counts in zip(wanted, which, before, within, strict=True):
        at = np.argmax(counts.reshape(n, width).cumsum(axis=1) >= (k - start)[:, None], axis=1)
        out.append(w * width + at + 1)
    return tuple(out)


def influence(b: Basis, spread: float) -> list[Influence]:
    out = []
    t = b.total
    for i, number in enumerate(b.numbers):
        rows = []
        for sign in (1, -1):
            w = b.points.copy()
            w[i] *= 1 + sign * spread
            rest = t - b.points[i]
            if rest > EPS:
                others = np.arange(len(w)) != i
                w[others] *= (t - w[i]) / rest
            rows.append(w)
        ranks, _ = ranks_at(b, np.array(rows))
        moved = ranks != b.rank[None, :]
        out.append(Influence(number, b.item_names[i], float(b.points[i]), int(moved[0].sum()), int(moved[1].sum()),
                             int((moved[0] | moved[1]).sum())))
    return out


@dataclass(frozen=True)
class Sensitivity:
    basis: Basis
    spread: float
    samples: int
    seed: int
    margins: list[Margin]
    stability: list[Stability]
    influence: list[Influence]


def sensitivity(ev: Evaluation | Basis, spread: float = 0.2, samples: int = 10_000, seed: int = 1) -> Sensitivity:
    """The three analyses of an evaluated year (or of its ``basis``, so that the evaluation can be let go)."""
    b = ev if isinstance(ev, Basis) else basis(ev)
    return Sensitivity(b, spread, samples, seed, margins(b), stability(b, spread, samples, seed), influence(b, spread))
