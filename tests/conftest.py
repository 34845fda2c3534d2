"""Shared helpers: the small rubric, templates written from it, and filling them in with openpyxl."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.rubric import Rubric
from qp_eval.io.rubric_file import load_rubric
from qp_eval.io.writers.template import write_templates

DATA = Path(__file__).parent / "data"
MINI_PATH = DATA / "mini.yaml"
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "qp_eval" / "example"  # the example year shipped in the package (qp-eval demo)


@pytest.fixture(scope="session")
def mini() -> Rubric:
    return load_rubric(MINI_PATH)


@pytest.fixture(scope="session")
def rubric2024() -> Rubric:
    return load_rubric(ROOT / "rubric" / "2024.yaml")


@pytest.fixture(scope="session")
def _mini_templates(tmp_path_factory, mini) -> Path:
    out = tmp_path_factory.mktemp("mini_templates")
    write_templates(mini, out)
    return out


@pytest.fixture
def blank(tmp_path, _mini_templates) -> Path:
    """A fresh copy of the mini rubric's blank templates in tmp_path/scores."""
    dest = tmp_path / "scores"
    shutil.copytree(_mini_templates, dest)
    return dest


def dept_file(folder: Path, rubric: Rubric, dept_id: str) -> Path:
    return folder / names.score_file_name(rubric.year, rubric.department[dept_id].name)


def edit(path: Path, fn: Callable[[openpyxl.Workbook], None]) -> None:
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)


def header_map(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def find_row(ws, unit_name: str, row_id: str) -> int:
    col = header_map(ws)
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col["街镇"]).value == unit_name and str(ws.cell(r, col["编号"]).value) == row_id:
            return r
    raise AssertionError(f"no row {unit_name} {row_id}")


def fill_scores(wb: openpyxl.Workbook, value: Callable[[float, str, str], object] | None = None) -> None:
    """Fill every applicable 得分 (full points by default) and every 指标 数值 (100)."""
    ws = wb[L.SCORE_SHEET]
    col = header_map(ws)
    for r in range(2, ws.max_row + 1):
        score = ws.cell(r, col["得分"])
        if score.value == L.NOT_APPLICABLE:
            continue
        points = ws.cell(r, col["分值"]).value
        unit = ws.cell(r, col["街镇"]).value
        rid = ws.cell(r, col["编号"]).value
        score.value = value(points, unit, rid) if value else points
    if L.FIGURE_SHEET in wb.sheetnames:
        fs = wb[L.FIGURE_SHEET]
        fcol = header_map(fs)
        for r in range(2, fs.max_row + 1):
            fs.cell(r, fcol["数值"]).value = 100


def fill_all(folder: Path, rubric: Rubric) -> None:
    for dept in L.scoring_departments(rubric):
        edit(dept_file(folder, rubric, dept), fill_scores)
    edit(folder / names.HIGHLIGHT_FILE, lambda wb: fill_highlights(wb, rubric))


def fill_highlights(wb: openpyxl.Workbook, rubric: Rubric) -> None:
    ws = wb[L.HIGHLIGHT_SHEET]
    col = header_map(ws)
    for r in range(2, ws.max_row + 1):
        ws.cell(r, col["亮点名称"]).value = f"亮点{r}"
        ws.cell(r, col["简介"]).value = "简介"
        ws.cell(r, col["类型"]).value = rubric.highlights.types[0]
        ws.cell(r, col["佐证材料"]).value = "文件"
        ws.cell(r, col["评定等级"]).value = "B"


def add_problem(folder: Path, row: list[object]) -> None:
    def go(wb):
        ws = wb[L.PROBLEM_SHEET]
        r = 2
        while ws.cell(r, 1).value not in (None, ""):
            r += 1
        for c, v in enumerate(row, 1):
            ws.cell(r, c).value = v

    edit(folder / names.PROBLEM_FILE, go)


MEETING_DAY = dt.date(2025, 1, 6)  # the director's meeting of the tests' years (after every deadline)


def record_meeting(folder: Path, day: dt.date | None = MEETING_DAY, minutes: str = "青民纪〔2025〕1号",
                   decisions: list[list[object]] = ()) -> Path:  # type: ignore[assignment]
    """Fill the year's register (审议决定.xlsx in ``folder``): the meeting's date and minutes in the 会议
    sheet's 内容 column, and one row per decision (街镇, 决定事项, 调整分值, 等次, 理由, 备注)."""
    def go(wb):
        m = wb[L.MEETING_SHEET]
        for r in range(2, m.max_row + 1):
            key = m.cell(r, 1).value
            if key == L.KEY_MEETING_DATE:
                m.cell(r, 2).value = day
            elif key == L.KEY_MINUTES:
                m.cell(r, 2).value = minutes
        d = wb[L.DECISION_SHEET]
        for r, row in enumerate(decisions, 2):
            for c, v in enumerate(row, 1):
                d.cell(r, c).value = v

    path = folder / names.DECISION_FILE
    edit(path, go)
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001, ARG001
    """One line at the end naming the optional checks that did not run, and why (``-rs`` lists each)."""
    skipped = terminalreporter.stats.get("skipped", [])
    reasons: dict[str, int] = {}
    for rep in skipped:
        why = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        why = why.removeprefix("Skipped: ")
        reasons[why] = reasons.get(why, 0) + 1
    if reasons:
        said = "; ".join(f"{why} ({n})" for why, n in sorted(reasons.items()))
        terminalreporter.write_line(f"optional checks not run ({len(skipped)}): {said}")
