"""Fuzz: random but plausible score sheets. validate always ends, reports only catalogue codes,
and rank succeeds exactly when validate reports no errors.

``make test`` runs a few examples; ``make fuzz`` runs many (QP_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl
from conftest import MINI_PATH, fill_all
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.findings import CATALOGUE
from qp_eval.io.intake import evaluate_folder as evaluate
from qp_eval.io.intake import validate_paths
from qp_eval.io.rubric_file import load_rubric
from qp_eval.io.writers.template import write_templates

EXAMPLES = int(os.environ.get("QP_FUZZ_EXAMPLES", "12"))
RUBRIC = load_rubric(MINI_PATH)
JUNK = st.one_of(
    st.none(), st.just(""), st.just("八"), st.just("8分"), st.just("N/A"), st.just("不适用"), st.just("４.５"),
    st.just(True), st.just(dt.datetime(2024, 1, 5)), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.integers(min_value=-5, max_value=10),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
)
Edit = tuple[str, int, int, object]  # ("set", row, col, value) | ("dup", row, 0, None) | ("del", row, 0, None)
edits = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(2, 16), st.integers(1, 7), JUNK),
        st.tuples(st.just("dup"), st.integers(2, 16), st.just(0), st.none()),
        st.tuples(st.just("del"), st.integers(2, 16), st.just(0), st.none()),
    ),
    max_size=6,
)


def _template_dir(tmp: Path) -> Path:
    base = tmp / "base"
    if not base.exists():
        write_templates(RUBRIC, base)
        fill_all(base, RUBRIC)
    return base


def _apply(path: Path, changes: list[Edit], shuffle_rows: bool, swap_cols: bool, rnd) -> None:  # noqa: ANN001
    wb = openpyxl.load_workbook(path)
    ws = wb[L.SCORE_SHEET]
    for kind, r, c, v in changes:
        if r > ws.max_row:
            continue
        if kind == "set":
            cell = ws.cell(r, c)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # typed text, never a formula
        elif kind == "dup":
            ws.append([ws.cell(r, k).value for k in range(1, 8)])
        else:
            ws.delete_rows(r)
    rows = [[ws.cell(r, k).value for k in range(1, ws.max_column + 1)] for r in range(2, ws.max_row + 1)]
    if shuffle_rows:
        rnd.shuffle(rows)
    header = [ws.cell(1, k).value for k in range(1, ws.max_column + 1)]
    order = list(range(len(header)))
    if swap_cols:
        rnd.shuffle(order)
    ws.delete_rows(1, ws.max_row)
    ws.append([header[k] for k in order])
    for row in rows:
        ws.append([row[k] if k < len(row) else None for k in order])
    wb.save(path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=edits, which=st.sampled_from(["d1", "d2"]), shuffle_rows=st.booleans(), swap_cols=st.booleans(),
       rnd=st.randoms(use_true_random=False))
def test_fuzzed_sheets(tmp_path_factory, changes, which, shuffle_rows, swap_cols, rnd):
    tmp = tmp_path_factory.mktemp("fuzz")
    base = _template_dir(tmp_path_factory.getbasetemp())
    folder = tmp / "scores"
    shutil.copytree(base, folder)
    name = names.score_file_name(RUBRIC.year, RUBRIC.department[which].name)
    _apply(folder / name, changes, shuffle_rows, swap_cols, rnd)
    result = validate_paths(RUBRIC, [folder])
    assert {f.code for f in result.findings} <= set(CATALOGUE)
    ev = evaluate(RUBRIC, folder)
    assert (ev.ranking != []) == result.ok
    if result.ok:
        assert len(ev.ranking) == len(RUBRIC.units)
