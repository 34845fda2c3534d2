"""``template``: every sheet a year hands out, written where it belongs and never over filled work.

The workbooks themselves are built by ``sheets``; this module decides what to write where (a sheet
already in the folder under any name is not written again; an existing file at a template's name is
replaced only with ``--force`` and only when nothing was entered in it) and carries entered values into
a sheet we write (``put_value``: text stays text, never a formula).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ...core import layout as L
from ...core import names
from ...core.rubric import Rubric
from ...core.text import printable
from ...core.validate import read_limits
from ..atomic import atomic_path, copy_aside
from ..intake import claims_in
from ..oserrors import WriteFailure
from ..workspace import backup_dir
from .sheets import decision_workbook, department_workbook, highlight_workbook, problem_workbook, town_workbook


@dataclass(frozen=True)
class Written:
    path: Path
    kind: str
    rows: int


def put_value(ws: Worksheet, row: int, col: int, value: object) -> None:
    """A value entered by a person, carried into a sheet we write: text stays text (never a formula)."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        value = printable(value)
        cell.value = value
        if value.startswith("="):
            cell.data_type = "s"  # typed as text by the clerk: it stays text
    else:
        cell.value = value


def text_only(wb: Workbook) -> Workbook:
    """No cell of ours holds a formula: text from the rubric (a town, a criterion, a department name)
    that starts with "=" is typed as text, as the report writer does, so a sheet sent to a department
    can never carry a formula (a DDE payload, say) that a rubric smuggled in."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb


def save(wb: Workbook, target: Path) -> None:
    text_only(wb)
    with atomic_path(target) as tmp:
        wb.save(tmp)


@dataclass(frozen=True)
class Kept:
    """A template that was not written, and why; ``filled``: cells filled in the sheet that stands there."""

    path: Path
    reason: str
    filled: int = 0


@dataclass
class TemplateRun:
    written: list[Written] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # (from, to): set aside before writing

    @property
    def filled_kept(self) -> bool:
        """Whether a filled sheet stands where a template would go (after a rubric edit: migrate carries it)."""
        return any(k.filled for k in self.kept)


def town_plans(rubric: Rubric, out: Path) -> list[tuple[Path, tuple[str, str | None]]]:
    """Where each town's 自评 workbook goes (``out``/自评/), and the (kind, town) it claims."""
    folder = out / names.SELF_FOLDER
    return [(folder / names.self_file_name(rubric.year, u.name), (L.KIND_SELF, u.id))
            for u in rubric.units]


def template_plans(rubric: Rubric, out: Path) -> list[tuple[Path, tuple[str, str | None]]]:
    """Where each template goes, and the (kind, department) its 说明 sheet will claim."""
    plans: list[tuple[Path, tuple[str, str | None]]] = []
    for dept_id in L.scoring_departments(rubric):
        name = names.score_file_name(rubric.year, rubric.department[dept_id].name)
        plans.append((out / name, (L.KIND_SCORES, dept_id)))
    plans.append((out / names.PROBLEM_FILE, (L.KIND_PROBLEMS, None)))
    plans.append((out / names.HIGHLIGHT_FILE, (L.KIND_HIGHLIGHTS, None)))
    plans.append((out / names.DECISION_FILE, (L.KIND_DECISIONS, None)))
    return plans


def build(rubric: Rubric, claim: tuple[str, str | None]) -> tuple[Workbook, str, int]:
    """The blank workbook for one claim: (workbook, what it is, rows)."""
    wb, what, rows = _build(rubric, claim)
    return text_only(wb), what, rows


def _build(rubric: Rubric, claim: tuple[str, str | None]) -> tuple[Workbook, str, int]:
    kind, dept_id = claim
    if kind == L.KIND_PROBLEMS:
        return problem_workbook(rubric), kind, 0
    if kind == L.KIND_SELF:
        assert dept_id is not None
        wb, rows = town_workbook(rubric, dept_id)
        return wb, f"{rubric.unit[dept_id].name}自评表", rows
    if kind == L.KIND_DECISIONS:
        return decision_workbook(rubric), kind, 0
    if kind == L.KIND_HIGHLIGHTS:
        return highlight_workbook(rubric), kind, len(rubric.units) * rubric.highlights.per_unit
    assert dept_id is not None
    wb, rows = department_workbook(rubric, dept_id)
    return wb, rubric.department[dept_id].name, rows


def write_templates(rubric: Rubric, out: Path, force: bool = False, towns: bool = False) -> TemplateRun:
    """Write every template into ``out``, never over filled work.

    A sheet that is already in the folder under any name (its 说明 sheet says so) is not written
    again: a second, blank copy would only stand beside the filled one. An existing file at the
    template's own name is replaced only with ``force`` and only when nothing was entered in it;
    a file there that is not a qp-eval workbook (or cannot be read) is first moved to a dated
    备份- folder. Filled work is never replaced: ``migrate`` carries it into new templates.
    """
    run = TemplateRun()
    existing = claims_in(out, read_limits(rubric))
    backup: Path | None = None
    plans = town_plans(rubric, out) if towns else template_plans(rubric, out)
    made: set[str] = set()  # case-folded names written in this run: one file is never written twice
    for path, claim in plans:
        if path.name.casefold() in made:  # names that rubric check refuses (R020); never overwrite our own
            run.kept.append(Kept(path, f"{_what(rubric, claim)}的文件名与另一张表相同，未生成；请改用能区分的名称（R020）"))
            continue
        here = dict(existing.get(claim, []))
        others = {p: n for p, n in here.items() if p.resolve() != path.resolve()}
        if others:
            p, n = next(iter(others.items()))
            state = f"已填写 {n} 个单元格" if n else "空白"
            run.kept.append(Kept(path, f"{_what(rubric, claim)}已在 {p}（{state}），未重复生成", n))
            continue
        if path.exists():
            n = next((n for p, n in here.items()), None)  # None: not a qp-eval workbook of this sheet
            if n:
                run.kept.append(Kept(path, f"已填写 {n} 个单元格，未覆盖", n))
                continue
            if not force:
                run.kept.append(Kept(path, "已存在（空白），未覆盖；如需重新生成请加 --force"))
                continue
            if n is None:
                backup = backup or backup_dir(out)
                run.moved.append((path, copy_aside(path, backup)))  # it stays until the template replaces it
        wb, what, rows = build(rubric, claim)
        try:
            save(wb, path)
        except WriteFailure as e:  # each template stands alone: say which are already written
            e.done = [str(w.path) for w in run.written]
            raise
        made.add(path.name.casefold())
        run.written.append(Written(path, what, rows))
    return run


def _what(rubric: Rubric, claim: tuple[str, str | None]) -> str:
    kind, who = claim
    if kind == L.KIND_SELF and who in rubric.unit:
        return f"{rubric.unit[who].name}的自评表"
    return f"{rubric.department[who].name}的评分表" if who else kind

