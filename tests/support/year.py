"""The hand-worked year of tests/test_scoring.py (its numbers are worked out in that module's docstring),
the towns' self-evaluation forms filled the plain way, and the rubric revision of tests/test_migrate.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
from conftest import MINI_PATH, add_problem, dept_file, edit, header_map

from qp_eval.core import layout as L
from qp_eval.core import names as N
from qp_eval.io.writers.template import write_templates

SCORES = {
    ("甲镇", "1.1"): 2, ("甲镇", "1.2-Q1"): 4, ("甲镇", "1.2-Q2"): 3.5, ("甲镇", "1.2-Q3"): 3, ("甲镇", "1.2-Q4"): 4,
    ("乙街道", "1.1"): 1.8, ("乙街道", "1.2-Q1"): 4, ("乙街道", "1.2-Q2"): 4, ("乙街道", "1.2-Q3"): 4,
    ("乙街道", "1.2-Q4"): 4,
    ("丙镇", "1.1"): 2, ("丙镇", "1.2-Q1"): 4, ("丙镇", "1.2-Q2"): 4, ("丙镇", "1.2-Q3"): 4, ("丙镇", "1.2-Q4"): 3,
    ("甲镇", "3.1"): 1.5, ("甲镇", "3.2"): 3, ("甲镇", "4.1"): 4.5,
    ("乙街道", "3.2"): 2.5, ("乙街道", "4.1"): 5,
    ("丙镇", "3.2"): 3, ("丙镇", "4.1"): 4.5,
}
FIGURES = {("甲镇", "养老床位数"): 70, ("甲镇", "户籍老年人口数"): 2000,
           ("乙街道", "养老床位数"): 60, ("乙街道", "户籍老年人口数"): 2000,
           ("丙镇", "养老床位数"): 100, ("丙镇", "户籍老年人口数"): 2000}
RATINGS = {("甲镇", 1): "A", ("甲镇", 2): "A", ("乙街道", 1): "B", ("乙街道", 2): "C"}


def build_year(folder: Path, rubric) -> Path:
    write_templates(rubric, folder)

    def scores(wb):
        ws = wb[L.SCORE_SHEET]
        col = header_map(ws)
        for r in range(2, ws.max_row + 1):
            key = (ws.cell(r, col["街镇"]).value, ws.cell(r, col["编号"]).value)
            if key in SCORES:
                ws.cell(r, col["得分"]).value = SCORES[key]
                ws.cell(r, col["扣分说明"]).value = "扣分原因"
        if L.FIGURE_SHEET in wb.sheetnames:
            fs = wb[L.FIGURE_SHEET]
            fcol = header_map(fs)
            for r in range(2, fs.max_row + 1):
                key = (fs.cell(r, fcol["街镇"]).value, fs.cell(r, fcol["指标"]).value)
                fs.cell(r, fcol["数值"]).value = FIGURES[key]

    for dept in ("d1", "d2"):
        edit(dept_file(folder, rubric, dept), scores)

    def highlights(wb):
        ws = wb[L.HIGHLIGHT_SHEET]
        col = header_map(ws)
        for r in range(2, ws.max_row + 1):
            key = (ws.cell(r, col["街镇"]).value, ws.cell(r, col["序号"]).value)
            ws.cell(r, col["亮点名称"]).value = f"{key[0]}亮点{key[1]}"
            ws.cell(r, col["类型"]).value = "创新性"
            ws.cell(r, col["佐证材料"]).value = "材料"
            if key in RATINGS:
                ws.cell(r, col["评定等级"]).value = RATINGS[key]

    edit(folder / N.HIGHLIGHT_FILE, highlights)
    add_problem(folder, ["甲镇", "重大安全生产责任事故", "养老机构火灾", dt.datetime(2024, 5, 2), "区应急局", 1, "通报"])
    add_problem(folder, ["乙街道", "服务对象进京上访", "上访一起", dt.datetime(2024, 8, 9), "信访办", None, "记录"])
    add_problem(folder, ["丙镇", "服务对象进京上访", "上访一起", dt.datetime(2024, 9, 9), "信访办", 1.72, "记录"])
    return folder


def year_workspace(ws: Path, rubric) -> Path:
    """The hand-worked year as a workspace: the small rubric as rubric/2024.yaml, the filled sheets in
    scores/2024/ (甲镇 19.13, 乙街道 17.53, 丙镇 17.53). Returns the workspace."""
    (ws / "rubric").mkdir(parents=True)
    (ws / "rubric" / "2024.yaml").write_bytes(MINI_PATH.read_bytes())
    build_year(ws / "scores" / "2024", rubric)
    return ws


def town_file(folder: Path, rubric, unit_id: str) -> Path:
    return folder / N.SELF_FOLDER / N.self_file_name(rubric.year, rubric.unit[unit_id].name)


def fill_town(wb: openpyxl.Workbook, score=lambda cid, points: points) -> None:
    """Every 自评得分 (full points by default, with a 自评说明), every figure 100, two highlights."""
    ws = wb[L.SELF_SHEET]
    col = header_map(ws)
    for r in range(2, ws.max_row + 1):
        cid, points = str(ws.cell(r, col["编号"]).value), Decimal(str(ws.cell(r, col["分值"]).value))
        ws.cell(r, col["自评得分"]).value = score(cid, points)
        ws.cell(r, col["自评说明"]).value = f"{cid} 台账齐全"
    if L.FIGURE_SHEET in wb.sheetnames:
        fs = wb[L.FIGURE_SHEET]
        for r in range(2, fs.max_row + 1):
            fs.cell(r, header_map(fs)["数值"]).value = 100
    hs = wb[L.HIGHLIGHT_SHEET]
    hcol = header_map(hs)
    for r in range(2, hs.max_row + 1):
        hs.cell(r, hcol["亮点名称"]).value = f"亮点{r - 1}"
        hs.cell(r, hcol["简介"]).value = "简介"
        hs.cell(r, hcol["类型"]).value = "创新性"
        hs.cell(r, hcol["佐证材料"]).value = "报道"


MINI = MINI_PATH.read_text(encoding="utf-8")
REVISION = [
    ("total_points: 20", "total_points: 18"),
    ("    points: 6\n    criteria:\n      - {id: \"1.1\", name: 细则一, standard: 标准一, points: 2}\n",
     "    points: 4\n    criteria:\n"),
    ('{id: "3.1", name: 联检, standard: 部分街镇, points: 2, applies_to: [a]}',
     '{id: "3.1", name: 联检, standard: 部分街镇, points: 1, applies_to: [a, b]}'),
    ('{id: "3.2", name: 界桩, standard: 界桩维护, points: 3}', '{id: "3.2", name: 界桩, standard: 界桩维护, points: 4}'),
    ('      - {id: "4.1", name: 信息, standard: 信息报送, points: 5}',
     '      - {id: "4.1", name: 信息, standard: 信息报送, points: 4.5}\n'
     '      - {id: "4.2", name: 宣传, standard: 宣传报道, points: 0.5}'),
    ("    - {grade: C, bonus: 0.2}\n", ""),
    ("{id: petition, name: 服务对象进京上访, deduction: 2}", "{id: petition, name: 信访, deduction: 2}"),
]
