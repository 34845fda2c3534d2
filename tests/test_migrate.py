"""migrate: a revised rubric's new templates, with every filled cell carried across or listed.

The filled mini year of tests/test_scoring.py (every scored row has 扣分说明 "扣分原因"), then
a layout revision, each change chosen so that its effect can be written out by hand:

  1.1 removed (item 1 becomes 1.2 alone, 4 points; total 18)  -> 1.1 得分 and 扣分说明 of 3 towns lost
  3.1 points 2 -> 1, applies to 甲镇 and now 乙街道; 3.2 3 -> 4 -> 甲镇 3.1 得分 1.5 lost (above 1),
                                                                 乙街道 gets a new 3.1 row, blank
  4.1 points 5 -> 4.5, new 4.2 (0.5)                            -> 乙街道 4.1 得分 5 lost (above 4.5),
                                                                 4.2 rows new and blank for 3 towns
  highlight rating C removed                                    -> 乙街道 亮点 2 评定等级 C lost
  problem category 服务对象进京上访 renamed 信访                 -> 乙街道 and 丙镇 rows carried, to review
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.run import cli
from support.year import MINI, REVISION, build_year

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.io.intake import file_entries
from qp_eval.io.rubric_file import load_rubric


@pytest.fixture
def revised(tmp_path, mini) -> Path:
    build_year(tmp_path / "scores" / "2024", mini)
    text = MINI
    for old, new in REVISION:
        assert old in text, old
        text = text.replace(old, new, 1)
    (tmp_path / "rubric").mkdir()
    (tmp_path / "rubric" / "2024.yaml").write_text(text, encoding="utf-8")
    load_rubric(tmp_path / "rubric" / "2024.yaml")
    return tmp_path


def _by_key(entries, rubric):
    out = {}
    for e in entries:
        key = e.key if e.sheet == L.PROBLEM_SHEET else (rubric.resolve_unit(e.labels[0]),) + e.key[1:]
        out[(e.sheet, key, e.column)] = e
    return out


def test_migrate_carries_every_filled_cell_or_lists_it(revised):
    scores = revised / "scores" / "2024"
    before = {p.name: p.read_bytes() for p in scores.glob("*.xlsx") if p.name != names.DECISION_FILE}
    unchanged = (scores / names.DECISION_FILE).read_bytes()  # the revision changes no grade band: kept as it is
    v = cli("validate", cwd=revised)
    assert v.returncode == 1 and v.stdout.count("F104") == 4  # 一科, 二科, 问题登记, 亮点登记
    r = cli("migrate", cwd=revised)
    assert r.returncode == 0, r.stderr
    backups = [p for p in scores.iterdir() if p.is_dir() and p.name.startswith("备份-")]
    assert len(backups) == 1
    assert {p.name: p.read_bytes() for p in backups[0].glob("*.xlsx")} == before  # the originals, untouched
    assert (scores / names.DECISION_FILE).read_bytes() == unchanged

    rubric = load_rubric(revised / "rubric" / "2024.yaml")
    lost = [line.strip() for line in r.stderr.splitlines() if "——" in line and "照录" not in line]
    carried = missing = 0
    for name in before:
        _, old = file_entries(backups[0] / name)
        _, new = file_entries(scores / name)
        now = _by_key(new, rubric)
        for key, e in _by_key(old, rubric).items():
            if key in now and now[key].value == e.value:
                carried += 1
            else:
                missing += 1
                assert any(f"{e.where}  {e.what}：“" in line for line in lost), (name, e)
    # by hand: 9 values listed as lost, nothing else missing
    assert missing == len(lost) == 9
    text = "\n".join(lost)
    assert text.count("细则 1.1 已删除") == 6
    assert "甲镇 3.1 得分：“1.5”——超过新的分值 1" in text
    assert "乙街道 4.1 得分：“5”——超过新的分值 4.5" in text
    assert "乙街道 2 评定等级：“C”——评定等级“C”已不在细则中" in text
    assert "细则 4.2（新增）：3 行" in r.stderr and "细则 3.1（新适用的街镇）：1 行" in r.stderr
    assert r.stderr.count("问题类别已不在细则中：已照录，请改选") == 2
    # 3.2 went from 3 to 4 points: its three carried scores mean something else now
    assert r.stderr.count("分值由 3 调为 4：原得分已照录，请科室按新分值复核") == 3
    assert "丙镇 3.2 得分：“3”——分值由 3 调为 4" in r.stderr
    assert carried > 40

    after = cli("validate", cwd=revised)
    assert "F104" not in after.stdout and "T306" in after.stdout  # the blank new rows wait to be filled
    again = cli("migrate", cwd=revised)
    assert again.returncode == 0 and "5 个表格的布局与现行细则一致，保持不动" in again.stdout
    assert len([p for p in scores.iterdir() if p.is_dir()]) == 1  # nothing moved the second time


def test_migrate_refuses_two_different_filled_copies_and_touches_nothing(revised, mini):
    from conftest import dept_file, edit

    scores = revised / "scores" / "2024"
    src = dept_file(scores, mini, "d1")
    other = scores / "一科（另一份）.xlsx"
    other.write_bytes(src.read_bytes())
    edit(other, lambda wb: wb[L.SCORE_SHEET].cell(2, 6, 1.9))
    before = {p: p.read_bytes() for p in (src, other)}
    r = cli("migrate", cwd=revised)
    assert r.returncode == 1 and "一科评分表有 2 个已填写且内容不同的文件" in r.stderr
    assert {p: p.read_bytes() for p in (src, other)} == before
