"""Synthetic workspaces for the benchmark: N units, the 2024 items, filled sheets in the real layout.

The rubric is the shipped 2024 rubric with its 11 towns replaced by N generated units. The
workbooks use the sheet names, headers and 说明 keys of ``qp_eval.core.layout`` and are written
with openpyxl's write-only mode, already filled (full points with a small spread), so a
workspace of 2,000 units is made in seconds.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from qp_eval.core import layout as L
from qp_eval.core import names as N
from qp_eval.core.rubric import Rubric
from qp_eval.core.sheetspec import sheet_fingerprint
from qp_eval.io.rubric_file import load_rubric
from qp_eval.io.workspace import shipped_rubric


def rubric_text(n: int) -> str:
    base = shipped_rubric(2024)
    assert base is not None
    text = base.read_text(encoding="utf-8")
    head, rest = text.split("\nunits:\n", 1)
    _, tail = rest.split("\ndepartments:\n", 1)
    units = "".join(
        f"  - {{id: u{i:05d}, name: 第{i}号街镇, kind: {'街道' if i % 4 == 0 else '镇'}}}\n" for i in range(1, n + 1)
    )
    # 18.1 applies to two towns in 2024: keep it applying to the first two generated units
    tail = tail.replace("applies_to: [liantang, jinze]", "applies_to: [u00001, u00002]")
    return f"{head}\nunits:\n{units}\ndepartments:\n{tail}"


def _info(wb: Workbook, rubric: Rubric, kind: str, dept_id: str | None) -> None:
    ws = wb.create_sheet(L.INFO_SHEET)
    ws.append([f"{rubric.title} — {kind}"])
    ws.append([L.KEY_KIND, kind])
    ws.append([L.KEY_YEAR, rubric.year])
    if dept_id:
        ws.append([L.KEY_DEPT_ID, dept_id])
        ws.append([L.KEY_DEPT_NAME, rubric.department[dept_id].name])
    ws.append([L.KEY_FINGERPRINT, sheet_fingerprint(rubric, kind, dept_id)])


def make_workspace(root: Path, n: int, seed: int = 7) -> dict[str, int]:
    """Write rubric/2024.yaml and scores/2024/*.xlsx under ``root``; returns cell counts."""
    rng = random.Random(seed)
    (root / "rubric").mkdir(parents=True, exist_ok=True)
    path = root / "rubric" / "2024.yaml"
    path.write_text(rubric_text(n), encoding="utf-8")
    rubric = load_rubric(path)
    scores = root / "scores" / "2024"
    scores.mkdir(parents=True, exist_ok=True)
    names = {u.id: u.name for u in rubric.units}
    counts = {"score_cells": 0, "figure_cells": 0, "rows": 0}
    for dept_id in L.scoring_departments(rubric):
        wb = Workbook(write_only=True)
        _info(wb, rubric, L.KIND_SCORES, dept_id)
        ws = wb.create_sheet(L.SCORE_SHEET)
        ws.append(list(L.SCORE_COLUMNS))
        for row in L.score_rows(rubric, dept_id):
            c = row.criterion
            if c.applies(row.unit_id):
                value: object = float(c.points if rng.random() < 0.7 else (c.points * Decimal("0.9")).quantize(Decimal("0.01")))
                note = "" if value == float(c.points) else "资料不全"
                counts["score_cells"] += 1
            else:
                value, note = L.NOT_APPLICABLE, ""
            ws.append([names[row.unit_id], row.id, c.name, c.standard[:30], float(c.points), value, note])
            counts["rows"] += 1
        figures = list(L.figure_rows(rubric, dept_id))
        if figures:
            fs = wb.create_sheet(L.FIGURE_SHEET)
            fs.append(list(L.FIGURE_COLUMNS))
            for fr in figures:
                fs.append([names[fr.unit_id], fr.criterion.id, fr.input.name, rng.randint(50, 5000), fr.input.unit])
                counts["figure_cells"] += 1
                counts["rows"] += 1
        wb.save(scores / N.score_file_name(rubric.year, rubric.department[dept_id].name))
    wb = Workbook(write_only=True)
    _info(wb, rubric, L.KIND_PROBLEMS, None)
    ps = wb.create_sheet(L.PROBLEM_SHEET)
    ps.append(list(L.PROBLEM_COLUMNS))
    for i, u in enumerate(rubric.units):
        if i % 9 == 0:
            ps.append([u.name, "服务对象进京上访", "上访一起", "2024-06-01", "信访办", None, "记录"])
            counts["rows"] += 1
    wb.save(scores / N.PROBLEM_FILE)
    wb = Workbook(write_only=True)
    _info(wb, rubric, L.KIND_HIGHLIGHTS, None)
    hs = wb.create_sheet(L.HIGHLIGHT_SHEET)
    hs.append(list(L.HIGHLIGHT_COLUMNS))
    for u in rubric.units:
        for seq in range(1, rubric.highlights.per_unit + 1):
            hs.append([u.name, seq, f"亮点{seq}", "简介", "创新性", "材料", rng.choice("ABC")])
            counts["rows"] += 1
    wb.save(scores / N.HIGHLIGHT_FILE)
    return counts


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    print(make_workspace(Path(sys.argv[1]), int(sys.argv[2])))
