"""The towns over the years, from the archives the years were saved in (``rank --save``).

- per town: final, rank and grade of every archived year, and the change from the year before;
- per item, where the items match across years: an item matches another year's when its name is the
  same (its number may differ: said as renumbered); an item whose name is not in every year is listed
  as not matched, with the years it appears in;
- the rank correlation (Spearman's: Pearson's of the ranks, ties at their mean) between consecutive
  years, over the towns ranked in both;
- towns rising or falling three years running: ranked better (or worse) in each of three consecutive
  archived years than in the one before.

pandas is imported by this module only: nothing on the way to ``rank`` or ``--help`` imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class ItemMatch:
    name: str
    numbers: dict[int, int]  # year -> the item's number that year
    points: dict[int, str]
    mean_share: dict[int, float]  # year -> the district's mean score as a share of the item's points

    @property
    def renumbered(self) -> bool:
        return len(set(self.numbers.values())) > 1


@dataclass(frozen=True)
class Run:
    unit_id: str
    unit: str
    rising: bool
    years: tuple[int, ...]  # the three (or more) years, first to last
    ranks: tuple[int, ...]


@dataclass
class Trend:
    years: list[int]
    towns: pd.DataFrame  # index unit_id; columns (field, year) for field in unit, rank, final, grade
    items: list[ItemMatch]
    unmatched: list[tuple[str, tuple[int, ...], tuple[int, ...]]]  # (name, the years it appears, its numbers)
    correlations: list[tuple[int, int, float | None, int]]  # (year, next year, Spearman, towns in both)
    runs: list[Run]
    item_scores: pd.DataFrame = field(default_factory=pd.DataFrame)  # rows (unit_id, item name), columns years

    def name(self, unit_id: str) -> str:
        names = self.towns.loc[unit_id, "unit"].dropna()
        return str(names.iloc[-1]) if len(names) else unit_id

    def change(self, unit_id: str) -> int | None:
        """Places gained from the year before the last to the last (positive = up), None when either is missing."""
        if len(self.years) < 2:
            return None
        ranks = self.towns.loc[unit_id, "rank"]
        a, b = ranks.get(self.years[-2]), ranks.get(self.years[-1])
        return None if pd.isna(a) or pd.isna(b) else int(a) - int(b)


def trend(archives: list[dict]) -> Trend:
    """``archives``: parsed archives (``core.verify.parse_archive``), any order, one per year."""
    archives = sorted(archives, key=lambda a: a["year"])
    years = [int(a["year"]) for a in archives]
    rows = []
    for a in archives:
        for r in a["results"]:
            rows.append({"year": int(a["year"]), "unit_id": r["unit_id"], "unit": r.get("unit", r["unit_id"]),
                         "rank": int(r["rank"]), "final": r.get("final"), "grade": r.get("grade")})
    long = pd.DataFrame(rows, columns=["year", "unit_id", "unit", "rank", "final", "grade"])
    towns = long.pivot(index="unit_id", columns="year", values=["unit", "rank", "final", "grade"])
    last = long.sort_values("year").groupby("unit_id")[["year", "rank"]].last()  # the latest year that ranked each
    order = sorted(towns.index, key=lambda u: (-int(last.at[u, "year"]), int(last.at[u, "rank"]), str(u)))
    items, unmatched, scores = _items(archives, years)
    towns = towns.loc[order]
    return Trend(years, towns, items, unmatched, _correlations(towns, years), _runs(towns, years), scores)


def _correlations(towns: pd.DataFrame, years: list[int]) -> list[tuple[int, int, float | None, int]]:
    out = []
    ranks = towns["rank"]
    for a, b in zip(years, years[1:], strict=False):
        both = ranks[[a, b]].dropna().astype(float)
        n = len(both)
        if n < 3:
            out.append((a, b, None, n))
            continue
        ra, rb = both[a].rank(), both[b].rank()  # ties at their mean rank
        if ra.std() == 0 or rb.std() == 0:
            out.append((a, b, None, n))
            continue
        out.append((a, b, round(float(ra.corr(rb)), 4), n))
    return out


def _runs(towns: pd.DataFrame, years: list[int]) -> list[Run]:
    """Three or more consecutive archived years, each ranked better (or worse) than the one before."""
    out = []
    for unit_id, ranks in towns["rank"].iterrows():
        seq = [(y, ranks.get(y)) for y in years]
        k = 0
        while k < len(seq):
            for rising in (True, False):
                j = k
                while j + 1 < len(seq) and not pd.isna(seq[j][1]) and not pd.isna(seq[j + 1][1]) and (
                        seq[j + 1][1] < seq[j][1] if rising else seq[j + 1][1] > seq[j][1]):
                    j += 1
                if j - k >= 2:
                    out.append(Run(str(unit_id), "", rising, tuple(y for y, _ in seq[k:j + 1]),
                                   tuple(int(r) for _, r in seq[k:j + 1])))
                    k = j - 1
                    break
            k += 1
    names = towns["unit"].ffill(axis=1).iloc[:, -1]
    return [Run(r.unit_id, str(names[r.unit_id]), r.rising, r.years, r.ranks) for r in out]


def _items(archives: list[dict], years: list[int]):  # noqa: ANN202 - (matches, unmatched, scores)
    """Items matched by name across every archived year that lists its items."""
    listed = [a for a in archives if isinstance(a.get("items"), list)]
    if not listed:
        return [], [], pd.DataFrame()
    seen: dict[str, dict[int, dict]] = {}
    for a in listed:
        for i in a["items"]:
            seen.setdefault(str(i["name"]), {})[int(a["year"])] = i
    with_items = [int(a["year"]) for a in listed]
    matched, unmatched = [], []
    rows = []
    for name, by_year in seen.items():
        if sorted(by_year) != with_items:
            unmatched.append((name, tuple(sorted(by_year)), tuple(int(by_year[y]["number"]) for y in sorted(by_year))))
            continue
        shares: dict[int, float] = {}
        for a in listed:
            y = int(a["year"])
            at = [int(i["number"]) for i in a["items"]].index(int(by_year[y]["number"]))
            points = float(by_year[y]["points"])
            got = [float(r["item_scores"][at]) for r in a["results"] if len(r.get("item_scores", ())) > at]
            for r in a["results"]:
                if len(r.get("item_scores", ())) > at:
                    rows.append({"unit_id": r["unit_id"], "item": name, "year": y, "score": r["item_scores"][at]})
            shares[y] = round(sum(got) / len(got) / points, 4) if got and points else float("nan")
        matched.append(ItemMatch(name, {y: int(by_year[y]["number"]) for y in with_items},
                                 {y: str(by_year[y]["points"]) for y in with_items}, shares))
    matched.sort(key=lambda m: m.numbers[with_items[-1]])
    unmatched.sort(key=lambda u: (u[1], u[2]))
    scores = (pd.DataFrame(rows).pivot(index=["unit_id", "item"], columns="year", values="score")
              if rows else pd.DataFrame())
    return matched, unmatched, scores
