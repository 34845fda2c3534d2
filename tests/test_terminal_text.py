"""Every command's 80-column output, scanned: no line begins with closing punctuation or ends with
opening punctuation, and no number, id or command is split across lines.

Run on the example year and on a year full of errors (a misspelt town, a score in words, a score
over its points, a deleted row, a deleted sheet, a department's sheet missing, a town's form blank).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import EXAMPLE, header_map
from support.run import qp

from qp_eval.core import layout as L
from qp_eval.core.linebreak import NO_LINE_END, NO_LINE_START

COMMANDS = [
    ["validate"], ["status", "--date", "2024-12-05"], ["status", "--notice", "--date", "2024-12-05"], ["rank"],
    ["rank", "--save"], ["explain", "华新镇"], ["verify"], ["report"], ["brief"], ["letters", "--draft"], ["booklet"],
    ["return"], ["collect"], ["migrate"], ["rubric", "check"], ["rubric", "show"], ["template", "--out", "下发"],
    ["rank", "--help"], ["status", "--help"], ["return", "--help"],
]


def _spoil(scores: Path) -> None:
    def edit(name: str, change) -> None:  # noqa: ANN001
        path = scores / name
        wb = openpyxl.load_workbook(path)
        change(wb)
        wb.save(path)

    def social(wb):
        ws = wb[L.SCORE_SHEET]
        head = header_map(ws)
        ws.cell(2, head["街镇"], "夏阳街")  # misspelt
        ws.cell(3, head["得分"], "五分")
        ws.cell(4, head["得分"], 9)
        ws.protection.sheet = False
        ws.delete_rows(6)
    edit("2024年度评分表_社会事务科.xlsx", social)
    edit("2024年度评分表_办公室.xlsx", lambda wb: wb.remove(wb[L.FIGURE_SHEET]) if L.FIGURE_SHEET in wb.sheetnames
         else wb[L.SCORE_SHEET].delete_cols(7))
    (scores / "2024年度评分表_救助管理站.xlsx").unlink()


@pytest.fixture(scope="module", params=["example", "errors"])
def outputs(request, tmp_path_factory) -> list[tuple[str, str]]:
    ws = tmp_path_factory.mktemp(request.param)
    shutil.copytree(EXAMPLE / "scores", ws / "scores")
    shutil.copytree(EXAMPLE / "archive", ws / "archive")
    if request.param == "errors":
        _spoil(ws / "scores" / "2024")
    out = []
    for args in COMMANDS:
        r = qp(*args, *([] if "--help" in args else ["--year", "2024"]), cwd=ws, columns=80)
        assert "Traceback" not in r.stderr, (args, r.stderr)
        out.append((" ".join(args), r.stdout + r.stderr))
    r = qp("init", "../2025评估", "--year", "2025", cwd=ws, columns=80)
    out.append(("init", r.stdout + r.stderr))
    return out


def test_no_line_begins_or_ends_with_the_wrong_punctuation(outputs):
    bad = []
    for name, text in outputs:
        lines = text.splitlines()
        for k, line in enumerate(lines):
            if k and lines[k - 1].strip() and line[:1] in NO_LINE_START:
                bad.append((name, line))
            if k + 1 < len(lines) and lines[k + 1].strip() and line[-1:] in NO_LINE_END:
                bad.append((name, line))
    assert bad == []


SPLIT = [
    (re.compile(r"\d\.?$"), re.compile(r"^[.\d]")),  # a number (3. / 1, 41 / 2)
    (re.compile(r"\d$"), re.compile(r"^(条|个|处|行|名|分|天|项)")),  # a count torn from what it counts
    (re.compile(r"qp-eval$|qp-eva$|qp-$|--year$"), re.compile(r"")),  # a command cut after its name, or its year
    (re.compile(r""), re.compile(r"^--[a-z]|^l [a-z]")),  # the rest of a command on the next line
    (re.compile(r"[A-Z]$"), re.compile(r"^\d")),  # a cell (F / 12)
    (re.compile(r"\d{4}-\d{2}-\d{2}$"), re.compile(r"^\d{2}:\d{2}")),  # a date and its time
]


def test_no_number_id_or_command_is_split(outputs):
    bad = []
    for name, text in outputs:
        lines = [x.rstrip() for x in text.splitlines()]
        for a, b in zip(lines, lines[1:], strict=False):
            if not a or not b or a.startswith(("│", "┃", "┡", "└")) or b.startswith(("│", "┃", "┡", "└")):
                continue  # a table's cells wrap inside their column
            for end, start in SPLIT:
                if end.search(a) and start.search(b):
                    bad.append((name, a, b))
    assert bad == []


def test_rank_gives_the_ranking_first_and_the_warnings_in_a_line(tmp_path):
    shutil.copytree(EXAMPLE / "scores", tmp_path / "scores")
    r = qp("rank", "--year", "2024", cwd=tmp_path, columns=80)
    lines = (r.stdout + r.stderr).splitlines()
    head = next(k for k, x in enumerate(lines) if x.split()[:2] == ["位次", "街镇"])
    assert head + 11 < 20 and lines[head + 11].split()[:2] == ["11", "重固镇"]  # all 11 towns within 20 lines
    assert len([x for x in lines if "警告" in x]) <= 3
    assert r.stderr.strip().endswith("运行 qp-eval validate --year 2024 查看。")
