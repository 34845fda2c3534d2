"""Reading on every core (``io.parallel``): the same bytes out with one process and with workers, the
findings in the same order, and ``--jobs`` accepted where the other shared options are."""

from __future__ import annotations

import shutil
import sys

import pytest
from conftest import EXAMPLE, ROOT
from support.run import qp

from qp_eval.cli.app import hoist

sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):  # noqa: ANN201 - a 215-unit year with a few errors and warnings in it
    import openpyxl

    root = tmp_path_factory.mktemp("synthetic")
    synth.make_workspace(root, 215)
    sheet = root / "scores" / "2024" / "2024年度评分表_社会事务科.xlsx"
    wb = openpyxl.load_workbook(sheet)
    ws = wb["评分"]
    head = {c.value: c.column for c in ws[1]}
    ws.cell(5, head["得分"]).value = "九十"  # an error
    ws.cell(9, head["得分"]).value = 0  # a warning: no 扣分说明
    wb.save(sheet)
    return root


def workers_used(monkeypatch) -> list[int]:
    """Workers for any size; how many each parallel read had, one entry a read."""
    import qp_eval.io.parallel as P

    monkeypatch.setattr(P, "PARALLEL_BYTES", 0)
    used: list[int] = []
    real = P._in_workers

    def counted(rubric, files, limits, jobs, progress):  # noqa: ANN001, ANN202
        used.append(jobs)
        return real(rubric, files, limits, jobs, progress)

    monkeypatch.setattr(P, "_in_workers", counted)
    return used


def outputs(root, monkeypatch, jobs: str) -> list[str]:
    used = workers_used(monkeypatch)
    said = []
    for args in (["validate", "--format", "json"], ["rank", "--format", "json", "--allow-missing"],
                 ["validate"]):
        r = qp("--jobs", jobs, *args, "--year", "2024", cwd=root, columns=200)
        said.append((r.returncode, r.stdout, r.stderr))
    assert used == ([] if jobs == "1" else [int(jobs)] * 3)
    return said


def test_workers_give_the_bytes_one_process_gives_at_215_units(synthetic, monkeypatch):
    one = outputs(synthetic, monkeypatch, "1")
    assert one[0][0] == 1 and '"code": "V' in one[0][1]  # the spoiled cell is found
    assert outputs(synthetic, monkeypatch, "2") == one


def test_workers_give_the_example_years_ranking_byte_for_byte(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws)
    used = workers_used(monkeypatch)
    runs = [qp("--jobs", j, "rank", "--year", "2024", "--format", "json", cwd=ws) for j in ("1", "2")]
    assert used == [2]
    assert runs[0].returncode == 0 and runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr


def test_jobs_is_taken_after_the_command_name_too():
    assert hoist(["qp-eval", "rank", "--jobs", "2", "--year", "2024"]) == ["qp-eval", "--jobs", "2", "rank", "--year", "2024"]
    assert hoist(["qp-eval", "rank", "-q", "--jobs=1"]) == ["qp-eval", "-q", "--jobs=1", "rank"]
    assert hoist(["qp-eval", "explain", "--", "--jobs", "2"]) == ["qp-eval", "explain", "--", "--jobs", "2"]


def test_a_jobs_count_below_one_is_refused(tmp_path):
    r = qp("--jobs", "0", "rank", cwd=tmp_path)
    assert r.returncode == 2 and "--jobs" in r.stderr


def test_spawned_workers_as_on_windows_check_as_one_process_does(monkeypatch):
    """Windows and macOS start each worker as a new interpreter (spawn): the same checks come back."""
    from pathlib import Path

    import qp_eval.io.parallel as P
    from qp_eval.core.validate import read_limits
    from qp_eval.io.rubric_file import load_rubric
    from qp_eval.io.workspace import shipped_rubric

    monkeypatch.setattr(P, "_start_method", lambda: "spawn")
    rubric = load_rubric(shipped_rubric(2024))
    limits = read_limits(rubric)
    files = sorted(Path(EXAMPLE / "scores" / "2024").rglob("*.xlsx"))
    apart = P._in_workers(rubric, files, limits, 2, None)
    here = [P._here(rubric, f, limits, None, 0, 0) for f in files]
    assert [(c.claim, c.accepted, c.ctx.findings, c.ctx.tables.files) for c in apart] == [
        (c.claim, c.accepted, c.ctx.findings, c.ctx.tables.files) for c in here]


def _forks() -> bool:
    import qp_eval.io.parallel as P

    return P._start_method() == "fork"


@pytest.mark.skipif(not _forks(), reason="this platform or process does not fork: the work is done in it")
def test_work_set_aside_runs_in_another_process_and_its_error_comes_back():
    import multiprocessing
    import os

    import qp_eval.io.parallel as P

    with P.aside(os.getpid, 2, P.ASIDE_UNITS) as got:
        assert got() != os.getpid()
    with P.aside(lambda: 1 / 0, 2, P.ASIDE_UNITS) as got, pytest.raises(ZeroDivisionError):
        got()
    with pytest.raises(KeyboardInterrupt), P.aside(lambda: __import__("time").sleep(60), 2, P.ASIDE_UNITS):
        raise KeyboardInterrupt  # Ctrl-C while it works: the process is ended, not waited for
    assert multiprocessing.active_children() == []


def test_work_is_done_here_with_one_job_or_a_small_year_or_a_very_large_one():
    import os

    import qp_eval.io.parallel as P

    for jobs, units in ((1, P.ASIDE_UNITS), (2, P.ASIDE_UNITS - 1), (2, P.ASIDE_MAX_UNITS + 1)):
        with P.aside(os.getpid, jobs, units) as got:
            assert got() == os.getpid()


def test_the_report_is_the_same_with_its_analysis_made_aside(tmp_path, monkeypatch):
    """The example year's workbook and 附表 with the analysis made in a second process (any size here) and
    in one: every part the same but the time of writing."""
    import zipfile

    import qp_eval.io.parallel as P

    monkeypatch.setattr(P, "ASIDE_UNITS", 0)
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLE, ws)
    parts = []
    for j in ("1", "2"):
        out = ws / f"j{j}.xlsx"
        r = qp("--jobs", j, "report", "--year", "2024", "--date", "2025-01-03", "--out", str(out), cwd=ws)
        assert r.returncode == 0, r.stderr
        parts.append([{n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}
                      for z in (zipfile.ZipFile(out), zipfile.ZipFile(ws / f"j{j}（附表）.xlsx"))])
    assert parts[0] == parts[1] and "xl/worksheets/sheet4.xml" in parts[0][0]
