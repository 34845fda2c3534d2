"""``qp-eval sensitivity`` on the example year: wiring, widths, formats, and what it does not import."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import EXAMPLE
from support.run import qp
from test_cli import modules_loaded_by

from qp_eval.core.linebreak import width_of


@pytest.fixture(scope="module")
def ws(tmp_path_factory):  # noqa: ANN201
    root = tmp_path_factory.mktemp("sens") / "ws"
    shutil.copytree(EXAMPLE, root)
    return root


def test_rank_and_help_import_neither_numpy_nor_pandas(ws):
    assert modules_loaded_by(["rank", "--year", "2024", "-w", str(ws)], ("numpy", "pandas")) == []
    assert modules_loaded_by(["--help"], ("numpy", "pandas")) == []
    assert modules_loaded_by(["sensitivity", "--year", "2024", "-w", str(ws), "--samples", "10"], ("numpy",)) == ["numpy"]


def test_the_table_fits_80_columns_and_names_the_closest_swaps(ws):
    r = qp("sensitivity", "--year", "2024", "--samples", "200", cwd=ws)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(width_of(x) for x in lines) <= 80
    text = r.stdout
    for title in ("最接近互换位次的街镇", "互换位次所需分值", "位次稳定性", "位次改变的街镇数"):
        assert title in text
    assert "即两者同分，再多即互换位次" in text
    assert "华新镇" in text and "优秀/良好" in text


def test_json_is_the_same_run_to_run_and_with_one_job(ws):
    args = ("sensitivity", "--year", "2024", "--samples", "300", "--seed", "5", "--format", "json")
    one = qp(*args, cwd=ws)
    two = qp("--jobs", "1", *args, cwd=ws)
    assert one.returncode == 0, one.stderr
    assert one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert data["method"]["samples"] == 300 and data["method"]["seed"] == 5
    assert len(data["stability"]) == 11 and len(data["items"]) == 27
    assert all(abs(sum(t["grades"].values()) - 1) < 1e-3 for t in data["stability"])
    other = json.loads(qp(*args[:-4], "--seed", "6", "--format", "json", "--samples", "300", cwd=ws).stdout)
    assert other["stability"] != data["stability"]  # the seed is what the draws depend on


def test_csv_holds_the_three_tables_under_their_titles(ws):
    r = qp("sensitivity", "--year", "2024", "--samples", "50", "--format", "csv", cwd=ws)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("\ufeff互换位次所需分值")
    assert "\r\n\r\n位次稳定性\r\n" in r.stdout and "\r\n\r\n各项目对位次的影响\r\n" in r.stdout


def test_each_margin_on_the_example_year_is_where_the_pair_changes_places(ws, rubric2024):
    """Moved a cent less than the margin, the upper town is still ahead; a cent more, the lower one is (their
    finals before rounding: a cent of points moves a final by less than a cent)."""
    from qp_eval.core.sensitivity import basis, margins
    from qp_eval.io.intake import evaluate_folder

    b = basis(evaluate_folder(rubric2024, ws / "scores" / "2024", None))
    found = [m for m in margins(b) if m.points is not None and not m.tied]
    assert len(found) >= 10
    for m in found:
        j, k = b.numbers.index(m.source), b.numbers.index(m.target)
        rows = []
        for t in (m.points - 0.01, m.points + 0.01):
            w = b.points.copy()
            w[j] -= t
            w[k] += t
            rows.append(w)
        finals = b.base_at(np.array(rows)) + b.carried
        assert finals[0][m.upper] > finals[0][m.lower], (b.names[m.upper], b.names[m.lower])
        assert finals[1][m.upper] < finals[1][m.lower], (b.names[m.upper], b.names[m.lower])


@pytest.mark.parametrize(("option", "value"), [("--spread", "0"), ("--spread", "95"), ("--samples", "5"), ("--seed", "-1")])
def test_an_option_out_of_range_is_said_in_chinese_before_anything_is_read(ws, option, value):
    r = qp("sensitivity", "--year", "2024", option, value, cwd=ws)
    assert r.returncode == 2
    assert option in r.stderr and "应在" in r.stderr and "Input should" not in r.stderr
