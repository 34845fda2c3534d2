"""A rubric edited after the sheets went out: policy never invalidates a sheet; layout changes are named.

The year is the hand-worked mini year of tests/test_scoring.py, filled, then the rubric is edited.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import MINI_PATH
from support.year import build_year

from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.rubric_file import load_rubric

D = Decimal
MINI = MINI_PATH.read_text(encoding="utf-8")

POLICY_EDITS = [  # every policy key the mini rubric has, each changed
    ("title: 测试细则", "title: 测试细则（修订）"),
    ("precision: 2", "precision: 3"),
    ("not_applicable: full", "not_applicable: prorate\nfollow_up_share: 0.8\nissuer: 青浦区民政局办公室"),
    ("self_report: 2024-11-08", "self_report: 2024-11-15"),
    ("department_scoring: 2024-12-10", "department_scoring: 2024-12-20"),
    ("office_ranking: 2024-12-31", "office_ranking: 2025-01-10"),
    ("combine: mean", "combine: min"),
    ("target: 3.5, credit: linear", "target: 3, credit: linear"),
    ("name: 床位比例\n        standard: 床位数不低于老年人口的3.5%", "name: 养老床位比例\n        standard: 床位数不低于老年人口的3%"),
    ("name: 项目四", "name: 信息报送"),
    ("{grade: A, bonus: 1}", "{grade: A, bonus: 0.8}"),
    ("  cap: 1.5", "  cap: 2"),
    ("  cap: 4", "  cap: 5"),
    ("{id: petition, name: 服务对象进京上访, deduction: 2}",
     "{id: petition, name: 服务对象进京上访, deduction: 1.5, max_per_case: 3}"),
    ("deduction: 3, veto: true}", "deduction: 4, veto: false}"),
    ("{name: 优秀, min: 18}", "{name: 优秀, min: 18.5, quota: 0.5}"),
    ("{name: 良好, min: 15}", "{name: 良好, min: 15.5}"),
    ("tie_breakers: []", "tie_breakers: [lower_deductions]\nquota_ties: exceed"),
]


def edited(tmp_path: Path, edits: list[tuple[str, str]]) -> object:
    text = MINI
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    p = tmp_path / "edited.yaml"
    p.write_text(text, encoding="utf-8")
    return load_rubric(p)


def test_policy_edits_never_invalidate_a_received_sheet_and_rank_uses_the_new_policy(tmp_path, mini):
    scores = build_year(tmp_path / "scores", mini)
    rubric = edited(tmp_path, POLICY_EDITS)
    assert rubric.fingerprint != mini.fingerprint
    ev = evaluate(rubric, scores)
    assert ev.findings == []
    got = {x.unit_id: x for x in ev.ranking}
    # By hand, under the new policy (prorate; quarters by their minimum; ratio target 3; A = 0.8, cap 2;
    # petition default 1.5):
    # 甲镇 1.1 2 + 1.2 min(4, 3.5, 3, 4) = 3 + 2.1 3.5% >= 3 -> 4 + 3.1 1.5 + 3.2 3 + 4.1 4.5 = 18 (all apply);
    #      bonus A + A = 1.6; safety accident entered as 1 (no longer a veto) -> 18.6
    # 乙街道 1.8 + 4 + 3% >= 3 -> 4 + 2.5 + 5 = 17.3 of 18 applicable -> 17.3 x 20 / 18 = 19.2222...;
    #      bonus B + C = 0.8; petition default 1.5 -> 18.5222... -> 18.522 (3 places)
    # 丙镇 2 + min(4, 4, 4, 3) = 3 + 4 + 3 + 4.5 = 16.5 -> 16.5 x 20 / 18 = 18.3333...; petition 1.72 -> 16.613
    assert got["a"].result.final == D("18.6") and got["a"].final == D("18.600")
    assert got["b"].result.bonus == D("0.8") and got["b"].result.deductions == D("1.5")
    assert got["b"].final == D("18.522") and got["c"].final == D("16.613")
    assert [x.unit_id for x in ev.ranking] == ["a", "b", "c"]
    # 优秀 >= 18.5 with floor(0.5 x 3) = 1 place: 甲镇 takes it; 乙街道 18.522 goes to 良好 (>= 15.5)
    assert (got["a"].grade, got["b"].grade, got["c"].grade) == ("优秀", "良好", "良好")


def test_a_layout_edit_names_each_change_per_sheet(tmp_path, mini):
    scores = build_year(tmp_path / "scores", mini)
    rubric = edited(tmp_path, [
        ('{id: "3.1", name: 联检, standard: 部分街镇, points: 2, applies_to: [a]}',
         '{id: "3.1", name: 联检, standard: 部分街镇, points: 3, applies_to: [a, b]}'),
        ('{id: "3.2", name: 界桩, standard: 界桩维护, points: 3}', '{id: "3.2", name: 界桩, standard: 界桩维护, points: 2}'),
        ('      - {id: "4.1", name: 信息, standard: 信息报送, points: 5}',
         '      - {id: "4.1", name: 信息, standard: 信息报送, points: 4}\n'
         '      - {id: "4.2", name: 宣传, standard: 宣传报道, points: 1}'),
        ("{id: petition, name: 服务对象进京上访, deduction: 2}", "{id: petition, name: 信访, deduction: 2}"),
    ])
    ev = evaluate(rubric, scores)
    f104 = {Path(f.file).name: f.message for f in ev.findings if f.code == "F104"}
    assert set(f104) == {"2024年度评分表_二科.xlsx", "问题登记.xlsx"}  # 一科's sheet and 亮点登记 are untouched
    assert f104["2024年度评分表_二科.xlsx"] == (
        "评估细则修改后，二科评分表的布局已变：细则 3.1：分值 2 → 3；细则 3.1：适用街镇 a → a、b；"
        "细则 3.2：分值 3 → 2；细则 4.1：分值 5 → 4；细则 4.2 新增")
    assert "问题类别 服务对象进京上访、重大安全生产责任事故 → 信访、重大安全生产责任事故" in f104["问题登记.xlsx"]
    # a sheet refused for its layout is not also reported as not received
    assert [f.code for f in ev.findings if f.code in ("F109", "F110")] == []


def test_rank_hints_allow_missing_only_when_a_sheet_is_missing(tmp_path, mini):
    from conftest import dept_file
    from support.run import cli

    build_year(tmp_path / "scores" / "2024", mini)
    (tmp_path / "rubric").mkdir()
    (tmp_path / "rubric" / "2024.yaml").write_text(MINI.replace(
        '{id: "3.2", name: 界桩, standard: 界桩维护, points: 3}', '{id: "3.2", name: 界桩, standard: 界桩维护, points: 3.0}'
    ), encoding="utf-8")
    r = cli("rank", cwd=tmp_path)
    assert r.returncode == 0  # 3.0 is 3: nothing in the layout changed
    (tmp_path / "rubric" / "2024.yaml").write_text(MINI.replace(
        '{id: "4.1", name: 信息, standard: 信息报送, points: 5}',
        '{id: "4.1", name: 信息, standard: 信息报送, points: 4}\n      - {id: "4.2", name: 宣传, standard: 宣传, points: 1}'),
        encoding="utf-8")
    r = cli("rank", cwd=tmp_path)
    assert r.returncode == 1 and "F104" in r.stderr and "F109" not in r.stderr and "--allow-missing" not in r.stderr
    dept_file(tmp_path / "scores" / "2024", mini, "d1").unlink()
    r = cli("rank", cwd=tmp_path)
    assert "F109" in r.stderr and "--allow-missing" in r.stderr


def test_a_sheet_from_an_older_qp_eval_gets_a_plain_f104(tmp_path, mini):
    from conftest import dept_file, edit

    from qp_eval.core import layout as L

    scores = build_year(tmp_path / "scores", mini)

    def older(wb):  # as qp-eval wrote it before sheets carried their layout
        ws = wb[L.INFO_SHEET]
        for r in range(1, 20):
            if ws.cell(r, 1).value == L.KEY_FINGERPRINT:
                ws.cell(r, 2).value = "b3a90075c5073e24"
            if ws.cell(r, 1).value == L.KEY_LAYOUT:
                ws.cell(r, 1).value = ws.cell(r, 2).value = None

    edit(dept_file(scores, mini, "d1"), older)
    f104 = [f for f in evaluate(mini, scores).findings if f.code == "F104"]
    assert len(f104) == 1 and "旧版 qp-eval" in f104[0].message and f104[0].cell == "B7"
