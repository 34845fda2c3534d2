"""One published number everywhere, and per-item views that agree with the base under prorate.

The mini year of tests/test_scoring.py, worked by hand once more.

Under ``not_applicable: prorate`` (3.1 applies to 甲镇 only; follow_up_share 0.7 here):
  甲镇  items 5.625 -> 5.63, 4, 4.5, 4.5; base 18.625 -> 18.63 = 5.63 + 4.00 + 4.50 + 4.50, no prorate;
        final 19.125 -> 19.13.
  乙街道 items 1.8 + 4 = 5.8; 24/7 = 3.428571... -> 3.43; 2.5 of 3 applicable; 5.  Applicable scores
        13.3 + 24/7 = 16.728571...; base = that x 20 / 18 = 18.587301... -> 18.59.  Shown items
        5.80 + 3.43 + 2.50 + 5.00 = 16.73; prorate 18.587301 - 16.728571 = 1.858730... -> 1.86;
        16.73 + 1.86 = 18.59, no rounding line.  final 18.587301 + 0.8 - 2 = 17.387301... -> 17.39.
  丙镇  items 2 + 3.75 = 5.75, 4, 3 of 3 applicable, 4.5: 17.25; base 17.25 x 20 / 18 = 19.1666... -> 19.17;
        prorate 1.91666... -> 1.92; 17.25 + 1.92 = 19.17.  final 19.1666... - 1.72 = 17.4466... -> 17.45.
  Ranks: 甲镇 1 (19.13), 丙镇 2 (17.45), 乙街道 3 (17.39).
  Follow-up (below 70% of the applicable points, or the lowest share of the district):
    item 1: shares 5.63/6, 5.80/6, 5.75/6 -> 甲镇 lowest.   item 2: 乙街道 3.43/4 lowest.
    item 3: 甲镇 4.5/5 = 0.9, 乙街道 2.5/3 = 0.833, 丙镇 3/3 = 1 -> 乙街道 lowest; 丙镇 earned all it
            could (before, it was told 3/5 and was below 70% of 5).
    item 4: 甲镇 4.5/5 and 丙镇 4.5/5 lowest.  Nobody is below 70% of the applicable points.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import MINI_PATH, record_meeting
from support.run import cli
from support.year import build_year

from qp_eval.core.published import publish_unit
from qp_eval.core.report_data import gaps, matrix_columns, matrix_value
from qp_eval.core.rubric import Rubric
from qp_eval.core.scoring import CriterionResult, UnitResult
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.rubric_file import load_rubric

D = Decimal
NAMES = {"a": "甲镇", "b": "乙街道", "c": "丙镇"}


def workspace(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, object]:
    text = MINI_PATH.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "rubric").mkdir()
    path = tmp_path / "rubric" / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    rubric = load_rubric(path)
    build_year(tmp_path / "scores" / "2024", rubric)
    return tmp_path, rubric


@pytest.fixture
def prorated(tmp_path):
    return workspace(tmp_path, ("not_applicable: full", "not_applicable: prorate"),
                     ("precision: 2", "precision: 2\nfollow_up_share: 0.7"))


def test_prorate_items_reconcile_with_the_base(prorated):
    ws, rubric = prorated
    ev = evaluate(rubric, ws / "scores" / "2024")
    pub = {u: ev.published[u] for u in NAMES}
    assert [(i.shown, i.applicable) for i in pub["b"].items] == [
        (D("5.80"), 6), (D("3.43"), 4), (D("2.50"), 3), (D("5.00"), 5)]
    assert (pub["b"].prorate, pub["b"].rounding, pub["b"].base, pub["b"].final) == (
        D("1.86"), 0, D("18.59"), D("17.39"))
    assert [(i.shown, i.applicable) for i in pub["c"].items] == [
        (D("5.75"), 6), (D("4.00"), 4), (D("3.00"), 3), (D("4.50"), 5)]
    assert (pub["c"].prorate, pub["c"].base, pub["c"].final) == (D("1.92"), D("19.17"), D("17.45"))
    assert (pub["a"].prorate, pub["a"].base, pub["a"].final) == (0, D("18.63"), D("19.13"))
    # the matrix shows exactly these, and its row adds up to the base shown beside it
    cols = matrix_columns(ev)
    kinds = [c.kind for c in cols]
    assert kinds == ["item", "item", "subtotal", "item", "item", "subtotal", "prorate", "base"]
    for u in NAMES:
        row = {k: [] for k in ("item", "prorate", "base")}
        for c in cols:
            if c.kind in row:
                row[c.kind].append(matrix_value(c, pub[u]))
        assert sum(row["item"]) + row["prorate"][0] == row["base"][0]


def test_prorate_follow_up_uses_the_applicable_points(prorated):
    ws, rubric = prorated
    ev = evaluate(rubric, ws / "scores" / "2024")
    got = [(g.unit_id, g.item_no, g.score, g.points, g.reason) for g in gaps(ev)]
    assert got == [
        ("a", 1, D("5.63"), 6, "全区最低"),
        ("b", 2, D("3.43"), 4, "全区最低"),
        ("b", 3, D("2.50"), 3, "全区最低"),
        ("a", 4, D("4.50"), 5, "全区最低"),
        ("c", 4, D("4.50"), 5, "全区最低"),
    ]


def test_prorate_report_and_letters_agree(prorated):
    ws, _ = prorated
    assert cli("report", "--date", "2024-12-30", cwd=ws).returncode == 0
    record_meeting(ws / "scores" / "2024")
    assert cli("letters", "--date", "2025-01-10", cwd=ws).returncode == 0
    wb = openpyxl.load_workbook(ws / "reports" / "2024" / "2024年度民政工作综合评估结果.xlsx")
    gap_rows = [[c.value for c in row] for row in wb["差距跟进"].iter_rows(min_row=2)]
    assert [(r[1], r[2][:2]) for r in gap_rows] == [("甲镇", "1."), ("乙街道", "2."), ("乙街道", "3."), ("甲镇", "4."),
                                                 ("丙镇", "4.")]
    matrix = wb["分项得分"]
    head = [c.value for c in matrix[1]]
    assert head[-2:] == ["按比例折算", "重点工作得分"]
    c_row = next(r for r in matrix.iter_rows(min_row=2, values_only=True) if r[1] == "丙镇")
    assert [D(str(v)) for v in c_row[-2:]] == [D("1.92"), D("19.17")]
    # item 3 is out of different points for different towns: no colour scale that would compare 3.00 with 4.50
    scaled = {str(rng.sqref) for rng in matrix.conditional_formatting}
    assert "F2:F4" not in scaled and "C2:C4" in scaled
    notes = [r[1] for r in matrix.iter_rows(min_row=2, values_only=True) if str(r[1]).startswith("注：")]
    assert any("丙镇、乙街道的适用分值为 3 分" in n for n in notes)
    letter = _docx_text(ws / "reports" / "2024" / "函告" / "2024年度综合评估结果函_丙镇.docx")
    assert "3.00/3 分，不适用的细则不计" in letter
    assert "项目三（3.00/5" not in letter and "3. 项目三" not in letter  # not followed up on item 3
    assert "最终得分 17.45 分" in letter and "得分 19.17 分" in letter


def test_shown_items_that_round_apart_get_a_rounding_line(mini):
    # 甲镇 in full mode with made-up results: item 1 = 2 + 3.625 = 5.625 -> 5.63; item 2 = 24/7 =
    # 3.428571... -> 3.43; item 3 = 2 + 2 = 4; item 4 = 4.5.  Shown items: 5.63 + 3.43 + 4.00 + 4.50 = 17.56.
    # Exact base 5.625 + 3.428571... + 4 + 4.5 = 17.553571... -> 17.55: a rounding line of 17.55 - 17.56 = -0.01.
    crit = [("1.1", 1, 2, D(2)), ("1.2", 1, 4, D("3.625")), ("2.1", 2, 4, D(24) / D(7)), ("3.1", 3, 2, D(2)),
            ("3.2", 3, 3, D(2)), ("4.1", 4, 5, D("4.5"))]
    results = tuple(CriterionResult(cid, no, D(p), s, "entered", "", "", ()) for cid, no, p, s in crit)
    base = sum((c.score for c in results), D(0))
    pub = publish_unit(mini, UnitResult("a", results, base, "", (), D(0), (), D(0), ()))
    assert [i.shown for i in pub.items] == [D("5.63"), D("3.43"), D("4.00"), D("4.50")]
    assert (pub.base, pub.prorate, pub.rounding) == (D("17.55"), 0, D("-0.01"))
    # each item keeps its exact score beside the shown one, and the points that count for the town
    assert [(i.score, i.applicable) for i in pub.items] == [(D("5.625"), D(6)), (D(24) / D(7), D(4)), (D(4), D(5)),
                                                           (D("4.5"), D(5))]


def test_an_item_is_found_by_its_number_when_the_items_are_not_numbered_from_one(mini):
    """Items numbered 1, 2, 5, 7 (a rubric whose items were renumbered): item 5 is the third, item 7 the
    fourth, looked up by number rather than by place; its exact score 4.5 is kept."""
    data = mini.model_dump()
    data["items"][2]["number"], data["items"][3]["number"] = 5, 7
    renumbered = Rubric.model_validate(data)
    crit = [("1.1", 1, 2, D(2)), ("1.2", 1, 4, D(3)), ("2.1", 2, 4, D(4)), ("3.1", 5, 2, D(2)), ("3.2", 5, 3, D("2.5")),
            ("4.1", 7, 5, D("4.5"))]
    results = tuple(CriterionResult(cid, no, D(p), s, "entered", "", "", ()) for cid, no, p, s in crit)
    pub = publish_unit(renumbered, UnitResult("a", results, D(18), "", (), D(0), (), D(0), ()))
    assert (pub.item(5).number, pub.item(5).score, pub.item(5).shown) == (5, D("4.5"), D("4.50"))
    assert (pub.item(7).number, pub.item(7).score) == (7, D("4.5"))
    assert (pub.item(2).number, pub.item(2).score) == (2, D(4))


# --- every output of one workspace shows the same published finals ----------------------------


def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_every_output_shows_the_same_published_finals_and_the_tie_note(tmp_path):
    # full mode: 甲镇 19.13; 乙街道 and 丙镇 both 17.53, separated by lower deductions (丙镇 1.72 < 乙街道 2.00)
    ws, _ = workspace(tmp_path, ("tie_breakers: []", "tie_breakers: [lower_deductions]"))
    expected = {"甲镇": "19.13", "丙镇": "17.53", "乙街道": "17.53"}
    order = ["甲镇", "丙镇", "乙街道"]
    seen: dict[str, dict[str, str]] = {}
    for fmt in ("xlsx", "csv", "json", "md", "html"):
        assert cli("report", "--format", fmt, "--date", "2024-12-30", cwd=ws).returncode == 0
    base = ws / "reports" / "2024" / "2024年度民政工作综合评估结果"
    wb = openpyxl.load_workbook(base.with_suffix(".xlsx"))
    rank = wb["排名"]
    seen["xlsx"] = {rank.cell(r, 2).value: f"{D(str(rank.cell(r, 6).value)):.2f}" for r in range(3, 6)}
    assert rank.cell(3, 1).value == 1 and isinstance(rank.cell(3, 1).value, int)
    xlsx_notes = {rank.cell(r, 2).value: rank.cell(r, 9).value or "" for r in range(3, 6)}
    rows = list(csv.DictReader(io.StringIO(base.with_suffix(".csv").read_text(encoding="utf-8-sig"))))
    seen["csv"] = {r["街镇"]: r["最终得分"] for r in rows}
    data = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
    seen["json"] = {r["unit"]: r["final"] for r in data["ranking"]}
    md = base.with_suffix(".md").read_text(encoding="utf-8")
    ranking_md = md.split("## 分项得分")[0]  # the 排名 section
    seen["md"] = {m.group(1): m.group(2) for m in
                  re.finditer(r"^\| \d+ \| (\S+) \| [\d.]+ \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|", ranking_md, re.M)}
    page = base.with_suffix(".html").read_text(encoding="utf-8")
    seen["html"] = {m.group(1): m.group(2) for m in re.finditer(
        r'<tr><td class="n">\d+</td><td class="name">([^<]+)</td>(?:<td class="n">[\d.]+</td>){3}'
        r'<td class="n">([\d.]+)</td>', page.split("<h2>分项得分")[0])}
    r = cli("rank", "--format", "json", cwd=ws)
    seen["rank json"] = {x["unit"]: x["final"] for x in json.loads(r.stdout)["ranking"]}
    record_meeting(ws / "scores" / "2024")
    assert cli("letters", "--date", "2025-01-10", cwd=ws).returncode == 0
    seen["letters"] = {}
    for name in expected:
        text = _docx_text(ws / "reports" / "2024" / "函告" / f"2024年度综合评估结果函_{name}.docx")
        seen["letters"][name] = re.search(r"最终得分 ([\d.]+) 分", text).group(1)
        if name != "甲镇":
            assert "按同分排序规则“问题扣分较少者在前”" in text
    for where, finals in seen.items():
        assert finals == expected, where
    assert [x["unit"] for x in data["ranking"]] == order
    assert "排在其前" in xlsx_notes["丙镇"] and "排在其后" in xlsx_notes["乙街道"]
    assert "问题扣分 丙镇 1.72、乙街道 2.00" in md and "问题扣分 丙镇 1.72、乙街道 2.00" in page
    assert "排在其后" in [x for x in rows if x["街镇"] == "乙街道"][0]["说明"]
