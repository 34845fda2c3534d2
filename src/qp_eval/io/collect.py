"""``collect``: the towns' highlights from their self-evaluations into the office's 亮点登记.

The office no longer retypes 55 highlights. For every town and highlight number, each of
亮点名称, 简介, 类型 and 佐证材料 that the register leaves blank is filled with the town's own
text; whatever the office already entered stays as it is (where it differs from the town's,
it is listed for review), and 评定等级 is never touched. The register is rebuilt from the
template and the old file moved, untouched, into a dated 备份- folder (as ``migrate`` does);
when there is nothing to fill, nothing is written, so collecting twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..core import layout as L
from ..core import names
from ..core.cells import text_of
from ..core.rubric import Rubric
from ..core.text import normalize_name
from ..core.validate import read_limits
from .atomic import install
from .intake import file_entries, validate_paths
from .writers.sheets import highlight_workbook
from .writers.template import put_value

TEXT_COLUMNS = ("亮点名称", "简介", "类型", "佐证材料")  # 评定等级 is the office's alone


@dataclass
class CollectRun:
    target: Path
    filled: int = 0  # cells filled from the towns' text
    towns: list[str] = field(default_factory=list)  # towns whose highlights went in
    kept: list[str] = field(default_factory=list)  # the office's text kept where the town's differs
    skipped: list[str] = field(default_factory=list)  # the town's text not taken (a type the rubric lacks)
    missing: list[str] = field(default_factory=list)  # towns without a self-evaluation
    refused: str = ""  # why nothing was done
    moved: list[tuple[Path, Path]] = field(default_factory=list)

    @property
    def return_code(self) -> int:
        """0 when it did what it could; 1 when it refused (the files are left as they were)."""
        return 1 if self.refused else 0

    @property
    def written(self) -> bool:
        return self.filled > 0


def collect_highlights(rubric: Rubric, scores_dir: Path, now: dt.datetime | None = None) -> CollectRun:
    result = validate_paths(rubric, [scores_dir])
    registers = [s for s in result.seen if s.kind == L.KIND_HIGHLIGHTS]
    adopted = [s for s in registers if s.adopted]
    target = Path(adopted[0].path) if adopted else scores_dir / names.HIGHLIGHT_FILE
    run = CollectRun(target)
    if registers and not adopted:
        run.refused = (f"亮点登记表（{'、'.join(s.path for s in registers)}）未能采用，请先运行 qp-eval validate "
                       "按提示处理后再收集")
        return run
    errors = [f for f in result.findings if f.file == str(target) and f.severity == "error"]
    if errors:
        run.refused = f"亮点登记表 {target} 有 {len(errors)} 处错误，请先运行 qp-eval validate 按提示修正后再收集"
        return run
    office: dict[tuple[str, str], dict[str, object]] = {}
    if adopted:
        for e in file_entries(target, read_limits(rubric))[1]:
            unit_id = rubric.resolve_unit(e.labels[0]) or ""
            office.setdefault((unit_id, normalize_name(e.labels[1])), {})[e.column] = e.value
    reports = result.tables.self_reports
    run.missing = [u.name for u in rubric.units if u.id not in reports]

    wb = highlight_workbook(rubric)
    ws = wb[L.HIGHLIGHT_SHEET]
    head = {str(c.value): c.column for c in ws[1] if c.value}
    for r in range(2, ws.max_row + 1):
        unit_id = rubric.resolve_unit(text_of(ws.cell(r, head["街镇"]).value)) or ""
        seq = text_of(ws.cell(r, head["序号"]).value)
        entered = office.get((unit_id, seq), {})
        for column, value in entered.items():
            put_value(ws, r, head[column], value)
        report = reports.get(unit_id)
        own = next((h for h in report.highlights if str(h.seq) == seq), None) if report else None
        if own is None:
            continue
        theirs = {"亮点名称": own.name, "简介": own.summary, "类型": own.type, "佐证材料": own.evidence}
        for column in TEXT_COLUMNS:
            mine, town = text_of(entered.get(column)), theirs[column]
            if not town:
                continue
            if column == "类型" and town not in rubric.highlights.types:  # H605 in the town's sheet
                run.skipped.append(f"{rubric.unit[unit_id].name} 第 {seq} 个亮点的类型“{town}”不是细则规定的类型，未填入")
                continue
            if not mine:
                put_value(ws, r, head[column], town)
                run.filled += 1
                name = rubric.unit[unit_id].name
                if name not in run.towns:
                    run.towns.append(name)
            elif mine != town:
                run.kept.append(f"{rubric.unit[unit_id].name} 第 {seq} 个亮点的{column}：登记表为“{mine}”，"
                                f"自评表为“{town}”，保留登记表的")
    if run.written:
        _, run.moved = install(wb, target, [target] if adopted else [], scores_dir, None, now)
    return run
