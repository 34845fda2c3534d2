"""``init`` that carries a year over: last year's archive brought along (较上年 needs it), never a
workspace inside another, and the rubric's texts that still name another year listed.

The shipped 2024 rubric names other years in four criterion texts: 根据2024年度… (养老服务质量),
完成2023年度社会团体年度检查, 完成2023年度社会服务机构年度检查, 2024年社区社会组织… (and a span
2024-2026年 that holds 2025, which is fine). Rolled to 2025 all four name a year that is not 2025;
only the two 2023s are neither 2025 nor the year before, so ``rubric check`` warns of those two.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE
from support.run import cli

from qp_eval.io.workspace import shipped_rubric

TEXTS_2023 = ("完成2023年度社会团体年度检查", "完成2023年度社会服务机构年度检查")
TEXTS_2024 = ("根据2024年度养老机构服务质量日常监测", "2024年社区社会组织参与乡村振兴")


@pytest.fixture
def last_year(tmp_path) -> Path:
    """The example year, ranked and saved: archive/2024.json is what 2025's 较上年 reads."""
    ws = tmp_path / "2024评估"
    shutil.copytree(EXAMPLE / "scores", ws / "scores")
    shutil.copytree(EXAMPLE / "archive", ws / "archive")
    assert cli("rank", "--year", "2024", "--save", cwd=ws).returncode == 0
    return ws


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_init_beside_last_year_brings_its_archive_and_says_so(last_year):
    r = cli("init", "../2025评估", "--year", "2025", cwd=last_year)
    assert r.returncode == 0, r.stderr
    new = last_year.parent / "2025评估"
    assert (new / "archive" / "2024.json").read_bytes() == (last_year / "archive" / "2024.json").read_bytes()
    assert "上年度存档：已从" in r.stdout and "“较上年”用" in r.stdout


def test_from_the_parent_folder_the_one_sibling_with_last_years_archive_is_used(last_year):
    r = cli("init", "2025评估", "--year", "2025", cwd=last_year.parent)
    assert r.returncode == 0, r.stderr
    assert (last_year.parent / "2025评估" / "archive" / "2024.json").is_file()


def test_previous_names_last_years_workspace_and_its_own_rubric_is_copied(last_year, tmp_path):
    rubric = last_year / "rubric" / "2024.yaml"
    rubric.parent.mkdir()
    rubric.write_text(shipped_rubric(2024).read_text(encoding="utf-8").replace(
        "title: 2024年度青浦区民政工作综合评估", "title: 2024年度青浦区民政工作综合评估（局务会修订）"), encoding="utf-8")
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    r = cli("init", "2025评估", "--year", "2025", "--previous", str(last_year), cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    new = elsewhere / "2025评估"
    assert "title: 2025年度青浦区民政工作综合评估（局务会修订）" in (new / "rubric" / "2025.yaml").read_text(encoding="utf-8")
    assert (new / "archive" / "2024.json").is_file()
    gone = cli("init", "2026评估", "--year", "2026", "--previous", str(tmp_path / "没有"), cwd=elsewhere)
    assert gone.returncode == 2 and "找不到上年度工作目录" in gone.stderr


def test_without_last_years_archive_init_warns_that_the_comparison_is_lost(tmp_path):
    r = cli("init", "2025评估", "--year", "2025", cwd=tmp_path)
    assert r.returncode == 0
    assert "未找到 2024 年度存档 archive/2024.json" in r.stdout and "--previous" in r.stdout


def test_a_workspace_is_never_made_inside_another_and_the_suggestion_works(last_year):
    r = cli("init", "2025评估", "--year", "2025", cwd=last_year)
    assert r.returncode == 2 and not (last_year / "2025评估").exists()
    said = " ".join(r.stderr.split())
    assert "已经是 qp-eval 工作目录（2024 年度）" in said
    suggested = re.findall(r"qp-eval (init \S+ --year 2025)", said)
    assert suggested == ["init . --year 2025", "init ../2025评估 --year 2025"]
    here = cli(*suggested[0].split(), cwd=last_year)
    assert here.returncode == 0, here.stderr
    assert "上年度存档：" in here.stdout and (last_year / "rubric" / "2025.yaml").is_file()


def test_init_lists_the_texts_naming_another_year_and_rubric_check_warns_of_the_older_ones(tmp_path):
    r = cli("init", "2025评估", "--year", "2025", cwd=tmp_path)
    rubric = tmp_path / "2025评估" / "rubric" / "2025.yaml"
    listed = [int(n) for n in re.findall(r"第 (\d+) 行（\d{4} 年）", r.stdout)]
    assert listed == sorted(line_of(rubric, t) for t in TEXTS_2023 + TEXTS_2024)
    assert "细则中有 4 处文字仍提到其他年份" in r.stdout
    check = cli("rubric", "check", "rubric/2025.yaml", cwd=tmp_path / "2025评估")
    assert check.returncode == 0 and "另有 2 处警告" in check.stdout
    warned = [int(n) for n in re.findall(r"R024\] rubric/2025\.yaml:(\d+)", check.stderr)]
    assert warned == sorted(line_of(rubric, t) for t in TEXTS_2023)
    shipped = cli("rubric", "check", "--year", "2024", cwd=tmp_path)
    assert shipped.returncode == 0 and "R024" not in shipped.stderr  # 2023 is the year before 2024


def test_init_names_the_whole_year_in_order(tmp_path):
    out = cli("init", "2025评估", "--year", "2025", cwd=tmp_path).stdout
    steps = out.split("下一步（一年的顺序）：", 1)[1]
    order = ["rubric check", "template --year 2025 --towns", "status --year 2025", "status --year 2025 --notice",
             "return --year 2025", "collect --year 2025", "validate --year 2025", "rank --year 2025 --save",
             "brief --year 2025", "report --year 2025", "letters --year 2025", "booklet --year 2025"]
    places = [steps.index(f"qp-eval {c}") for c in order]
    assert places == sorted(places)
