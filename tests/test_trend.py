"""``qp-eval trend``: the towns over three hand-written archives, one with its items renumbered."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import EXAMPLE
from support.run import qp

from qp_eval.core.linebreak import width_of
from qp_eval.core.trend import trend
from qp_eval.core.trend_view import item_notes, to_data, town_rows

ITEMS = [{"number": 1, "name": "养老", "points": "60"}, {"number": 2, "name": "救助", "points": "40"}]


def archive(year: int, towns: list[tuple[str, int, str, str, list[str]]], items=ITEMS) -> dict:
    return {"format": "qp-eval-archive/1", "year": year, "items": items,
            "results": [{"unit_id": u, "unit": f"{u}镇", "rank": r, "final": f, "grade": g, "item_scores": s}
                        for u, r, f, g, s in towns]}


def three_years() -> list[dict]:
    """2021: 甲 1, 乙 2, 丙 3, 丁 4. 2022: 乙 1, 甲 2, 丁 3, 丙 4. 2023: 乙 1, 丁 2, 甲 3, 丙 4 — with 2023's
    items renumbered (救助 is item 1, 养老 item 2) and a third item 信息 (0 points before) added in 2023."""
    a = archive(2021, [("甲", 1, "90.00", "优秀", ["54", "36"]), ("乙", 2, "85.00", "良好", ["51", "34"]),
                       ("丙", 3, "80.00", "良好", ["48", "32"]), ("丁", 4, "70.00", "合格", ["42", "28"])])
    b = archive(2022, [("乙", 1, "88.00", "良好", ["54", "34"]), ("甲", 2, "86.00", "良好", ["50", "36"]),
                       ("丁", 3, "82.00", "良好", ["48", "34"]), ("丙", 4, "75.00", "合格", ["45", "30"])])
    items_2023 = [{"number": 1, "name": "救助", "points": "40"}, {"number": 2, "name": "养老", "points": "55"},
                  {"number": 3, "name": "信息", "points": "5"}]
    c = archive(2023, [("乙", 1, "92.00", "优秀", ["38", "50", "4"]), ("丁", 2, "86.00", "良好", ["36", "45", "5"]),
                       ("甲", 3, "84.00", "良好", ["34", "46", "4"]), ("丙", 4, "70.00", "合格", ["30", "38", "2"])],
                items_2023)
    return [c, a, b]  # any order


def test_each_town_by_year_in_the_latest_order_with_its_change():
    t = trend(three_years())
    assert t.years == [2021, 2022, 2023]
    rows = town_rows(t)
    assert [r[0] for r in rows] == ["乙镇", "丁镇", "甲镇", "丙镇"]
    assert rows[0] == ["乙镇", "第2名 85.00 良好", "第1名 88.00 良好", "第1名 92.00 优秀", "持平"]
    assert rows[1][-1] == "↑1" and rows[2][-1] == "↓1" and rows[3][-1] == "持平"


def test_rank_correlation_between_consecutive_years_by_hand():
    """Spearman with no ties: 1 − 6Σd²/(n(n² − 1)), n = 4, n(n² − 1) = 60.
    2021→2022: 甲 1→2, 乙 2→1, 丙 3→4, 丁 4→3: Σd² = 4, ρ = 1 − 24/60 = 0.6.
    2022→2023: 乙 1→1, 甲 2→3, 丁 3→2, 丙 4→4: Σd² = 2, ρ = 1 − 12/60 = 0.8."""
    t = trend(three_years())
    assert t.correlations == [(2021, 2022, 0.6, 4), (2022, 2023, 0.8, 4)]


def test_towns_falling_or_rising_three_years_running():
    """甲 1 → 2 → 3: falling three years running. 丁 4 → 3 → 2: rising. 乙 2 → 1 → 1 and 丙 3 → 4 → 4 are not."""
    runs = {(r.unit, r.rising, r.ranks) for r in trend(three_years()).runs}
    assert runs == {("甲镇", False, (1, 2, 3)), ("丁镇", True, (4, 3, 2))}


def test_items_match_by_name_when_renumbered_and_an_item_not_in_every_year_is_said():
    """养老 (60 points, then 55 in 2023) mean shares: 2021 (54 + 51 + 48 + 42)/4/60 = 195/240 = 0.8125;
    2022 (50 + 54 + 45 + 48)/4/60 = 197/240 = 0.8208; 2023 (46 + 50 + 38 + 45)/4/55 = 179/220 = 0.8136.
    救助 (40): 2021 130/160 = 0.8125, 2022 134/160 = 0.8375, 2023 138/160 = 0.8625."""
    t = trend(three_years())
    got = {m.name: (m.numbers, m.mean_share) for m in t.items}
    assert got["养老"] == ({2021: 1, 2022: 1, 2023: 2}, {2021: 0.8125, 2022: 0.8208, 2023: 0.8136})
    assert got["救助"] == ({2021: 2, 2022: 2, 2023: 1}, {2021: 0.8125, 2022: 0.8375, 2023: 0.8625})
    assert [m.name for m in t.items] == ["救助", "养老"]  # in the latest year's order
    notes = item_notes(t)
    assert any("“养老”各年序号不同" in n and "2023年为第 2 项" in n for n in notes)
    assert any("“信息”不是每年都有（2023年第 3 项）" in n for n in notes)


def test_an_archive_saved_before_items_were_kept_still_gives_ranks():
    old = {"format": "qp-eval-archive/1", "year": 2020,
           "results": [{"unit_id": u, "unit": f"{u}镇", "rank": k} for k, u in enumerate("甲乙丙丁", 1)]}
    t = trend([old, *three_years()])
    assert t.years == [2020, 2021, 2022, 2023]
    data = to_data(t)
    jia = next(x for x in data["towns"] if x["unit"] == "甲镇")
    assert jia["years"]["2020"] == {"rank": 1, "final": None, "grade": None}
    assert any("2020年的存档没有各项目得分" in n for n in item_notes(t))
    # 甲 1 → 1 → 2 → 3 is falling from 2021 only: three years
    assert {(r.unit, r.years) for r in t.runs if not r.rising} == {("甲镇", (2021, 2022, 2023))}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):  # noqa: ANN201
    root = tmp_path_factory.mktemp("trend") / "ws"
    shutil.copytree(EXAMPLE, root)
    r = qp("-q", "rank", "--year", "2024", "--save", cwd=root)
    assert r.returncode == 0, r.stderr
    return root


def test_the_example_workspace_shows_three_years_in_80_columns(ws):
    r = qp("trend", cwd=ws)
    assert r.returncode == 0, r.stderr
    assert max(width_of(x) for x in r.stdout.splitlines()) <= 80
    assert "2022年" in r.stdout and "2023年" in r.stdout and "2024年" in r.stdout
    assert "位次相关系数" in r.stdout
    assert "“行政区划维护管理工作”不是每年都有" in r.stdout  # renamed in the example's 2022
    assert "“信息报送”各年序号不同" in r.stdout


def test_json_and_csv(ws):
    data = json.loads(qp("trend", "--format", "json", cwd=ws).stdout)
    assert data["years"] == [2022, 2023, 2024] and len(data["towns"]) == 11
    assert data["towns"][0]["years"]["2024"]["rank"] == 1
    csv = qp("trend", "--format", "csv", cwd=ws).stdout
    assert csv.startswith("\ufeff街镇,2022年位次,2022年最终得分,2022年等次,2023年位次")
    assert len(csv.strip().split("\r\n")) == 12


def test_no_archive_is_said_with_what_to_run(tmp_path):
    r = qp("trend", cwd=tmp_path)
    assert r.returncode == 2
    assert "qp-eval rank --save" in r.stderr


def test_an_archive_with_broken_items_is_said_and_left_out(tmp_path):
    """An archive whose item scores do not match its items cannot be relied on: a warning names it, and
    the years that can be read are still shown (no traceback)."""
    (tmp_path / "archive").mkdir()
    good, broken = three_years()[1], three_years()[2]
    broken["results"][0]["item_scores"] = ["54"]  # one score for two items
    for a in (good, broken):
        (tmp_path / "archive" / f"{a['year']}.json").write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    r = qp("trend", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "2022.json" in r.stderr and "item_scores（各项目得分）与 items 不符" in r.stderr
    assert "2021年" in r.stdout and "2022年" not in r.stdout
    assert "Traceback" not in r.stderr
