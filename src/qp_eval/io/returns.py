"""``return`` (退回修改): each received workbook with errors, copied and marked for its sender.

The copy is the received file itself, opened and saved again with openpyxl, so every value, the
sheet protection, the dropdowns and the 说明 sheet (which says what the file is) stay as they were;
what is added never counts as content:

- every cell a finding names is filled (errors light red, warnings light yellow) and carries a
  comment: the code, the message and the fix;
- a first sheet 退回说明 lists every finding with its place and fix, those that belong to no cell
  (a missing row, column or sheet) with what to add where.

The sender fixes that very copy and sends it back; the clerk puts it into scores/<年度>/ in place of
the old one, and validate reads it as the same sheet (an extra sheet is never read; fills and
comments are not values). A copy made again from a file that was returned before starts clean: the
earlier 退回说明 and comments are taken out, and the marked cells get the template's fill back.

What the sender cannot fix is not sent back but said: a sheet of an old layout (F104: the office
runs migrate), two copies of one sheet (F106, F111: the office keeps one), a file that cannot be
read. The received files are never written; each copy is written atomically into reports/<年度>/退回/,
at the same path as under scores/<年度>/.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from ..core import layout as L
from ..core.advice import HELD
from ..core.errors import WorkspaceError
from ..core.findings import Finding
from ..core.names import BACKUP_PREFIX
from ..core.rubric import Rubric
from ..core.text import LINE_HEIGHT_PT, printable, row_height
from .atomic import atomic_path, move_aside
from .intake import validate_paths
from .oserrors import writing_to
from .workspace import backup_dir, returned_copy
from .writers.template import build, put_value

RETURN_SHEET = "退回说明"
MARKER = "qp-eval 退回修改"  # the comments' author: how a later return knows its own marks
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")


@dataclass(frozen=True)
class Returned:
    """A marked copy: whose sheet it is, where it was written, and what it says."""

    who: str
    source: Path
    target: Path
    errors: int
    warnings: int
    unplaced: int  # findings that belong to no cell, listed on 退回说明 only


@dataclass
class ReturnRun:
    written: list[Returned] = field(default_factory=list)
    held: list[tuple[str, str]] = field(default_factory=list)  # (file, why it is not returned)
    warned: list[str] = field(default_factory=list)  # whose files have warnings only (not returned)
    stale: list[Path] = field(default_factory=list)  # copies of an earlier round no longer to be sent
    stale_folder: Path | None = None

    @property
    def return_code(self) -> int:
        return 0


def return_sheets(rubric: Rubric, scores_dir: Path, out_dir: Path, today: dt.date, force: bool = True,
                  warnings: bool = False, own: bool = False) -> ReturnRun:
    """A copy of each file with an error (its warnings marked too); ``warnings``: of each file with only
    warnings as well. ``force``: replace copies already in ``out_dir`` (the default folder is qp-eval's
    own); without it an existing copy stops everything before anything is written (``WorkspaceError``).
    ``own``: ``out_dir`` is qp-eval's folder, where copies of an earlier round that are not written again
    are moved into a 备份- folder, so that the folder holds only what is to be sent now."""
    result = validate_paths(rubric, [scores_dir])
    by_file: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.file:
            by_file.setdefault(f.file, []).append(f)
    seen = {s.path: s for s in result.seen}
    run = ReturnRun()
    todo = []
    for file, findings in sorted(by_file.items()):
        held = next((HELD[f.code] for f in findings if f.code in HELD), None)
        s = seen.get(file)
        if s is None or held is not None:
            run.held.append((file, (held or "不是 qp-eval 的表格，或无法识别是哪个科室的").format(year=rubric.year)))
            continue
        if not warnings and not any(f.severity == "error" for f in findings):
            run.warned.append(_who(rubric, s.kind, s.department_id))
            continue
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            run.held.append((file, f"是 {path.suffix or '无扩展名'} 文件，请发件人另存为 .xlsx 后重新发送"))
            continue
        todo.append((path, s, findings, returned_copy(scores_dir, out_dir, path)))
    there = [t for *_, t in todo if t.exists()]
    if there and not force:
        more = f"等 {len(there)} 个文件" if len(there) > 1 else ""
        raise WorkspaceError(f"{there[0]}{more}已存在，未覆盖。如需覆盖请加 --force。")
    for path, s, findings, target in todo:
        try:
            wb = openpyxl.load_workbook(path)
        except Exception as e:  # noqa: BLE001 - what openpyxl cannot open is said, never a traceback
            run.held.append((str(path), f"无法打开（{type(e).__name__}），请发件人重新保存为 .xlsx 后发送"))
            continue
        who = _who(rubric, s.kind, s.department_id)
        with writing_to(target):
            template = build(rubric, (s.kind, s.department_id))[0]
            _unmark(wb, template)
            unplaced = _mark(wb, findings)
            _explain(wb, who, findings, rubric.year, today)
            with atomic_path(target) as tmp:
                wb.save(tmp)
        counts = Counter(f.severity for f in findings)
        run.written.append(Returned(who, path, target, counts["error"], counts["warning"], unplaced))
    if own and out_dir.is_dir():
        _set_aside_stale(run, out_dir, {x.target.resolve() for x in run.written})
    return run


def _set_aside_stale(run: ReturnRun, out_dir: Path, current: set[Path]) -> None:
    old = [p for p in sorted(out_dir.rglob("*.xlsx")) if p.resolve() not in current
           and not any(part.startswith(BACKUP_PREFIX) for part in p.relative_to(out_dir).parts)]
    if not old:
        return
    run.stale_folder = backup_dir(out_dir)
    for p in old:  # qp-eval's own copies, each also standing as the received file it was made from
        move_aside(p, run.stale_folder)
        run.stale.append(p)


def _who(rubric: Rubric, kind: str, dept_id: str | None) -> str:
    if kind == L.KIND_SCORES and dept_id in rubric.department:
        return rubric.department[dept_id].name
    if kind == L.KIND_SELF and dept_id in rubric.unit:
        return rubric.unit[dept_id].name
    return kind


def _unmark(wb: Workbook, template: Workbook) -> None:
    """What an earlier return added, taken out: its sheet, its comments, its fills."""
    if RETURN_SHEET in wb.sheetnames:
        del wb[RETURN_SHEET]
    for ws in wb.worksheets:
        blank = template[ws.title] if ws.title in template.sheetnames else None
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == MARKER:
                    cell.comment = None
                    cell.fill = copy(blank[cell.coordinate].fill) if blank is not None else PatternFill()


def _mark(wb: Workbook, findings: list[Finding]) -> int:
    """Each finding's cell filled and commented; returns how many findings have no cell to mark."""
    at: dict[tuple[str, str], list[Finding]] = {}
    unplaced = 0
    for f in findings:
        if f.cell and f.sheet in wb.sheetnames:
            at.setdefault((f.sheet, f.cell), []).append(f)
        else:
            unplaced += 1
    for (sheet, ref), here in at.items():
        cell = wb[sheet][ref]
        cell.fill = ERROR_FILL if any(f.severity == "error" for f in here) else WARNING_FILL
        text = "\n".join(f"{f.code} {printable(f.message)}\n处理：{printable(f.hint)}" for f in here)
        note = Comment(text, MARKER)
        note.width, note.height = 320, min(60 + 45 * len(here) + len(text) // 2, 400)
        cell.comment = note
    return unplaced


HEADERS = ("序号", "级别", "代码", "位置", "问题", "处理办法")
WIDTHS = (5, 6, 6, 12, 40, 46)


def _explain(wb: Workbook, who: str, findings: list[Finding], year: int, today: dt.date) -> None:
    """The first sheet: what to fix, where, and how to send it back."""
    ws = wb.create_sheet(RETURN_SHEET, 0)
    errors = sum(f.severity == "error" for f in findings)
    put_value(ws, 1, 1, f"{year} 年度综合评估 — 退回修改（{who}，{today.year}年{today.month}月{today.day}日）")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    lines = [
        f"局办公室校验本表时发现 {len(findings)} 处问题（错误 {errors} 处，警告 {len(findings) - errors} 处），列在下表中；"
        "表中相应的单元格已标为红色（错误）或黄色（警告），鼠标移到单元格上可看到说明。",
        "请直接在本文件中逐项修改，保存后按原文件名发回局办公室。请不要删除或改名本工作表和“说明”工作表，"
        "也不要取消工作表保护；“位置”中没有单元格的问题，按“处理办法”办理或与局办公室联系。",
    ]
    for r, line in enumerate(lines, 2):
        put_value(ws, r, 1, line)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADERS))
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 36
    head = len(lines) + 3
    for c, (h, w) in enumerate(zip(HEADERS, WIDTHS, strict=True), 1):
        put_value(ws, head, c, h)
        ws.cell(head, c).font = Font(bold=True)
        ws.cell(head, c).fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(c)].width = w
    order = sorted(findings, key=lambda f: (f.severity != "error", f.sheet, _row_of(f.cell), f.cell, f.code))
    for n, f in enumerate(order, 1):
        r = head + n
        place = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "整个文件")
        values = (n, "错误" if f.severity == "error" else "警告", f.code, place, f.message, f.hint)
        for c, v in enumerate(values, 1):
            put_value(ws, r, c, v)
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
        # spreadsheets do not grow a row for wrapped text in a file they did not lay out
        ws.row_dimensions[r].height = row_height([(str(v), w) for v, w in zip(values, WIDTHS, strict=True)]) or LINE_HEIGHT_PT
        if f.cell and f.sheet in wb.sheetnames:
            ws.cell(r, 4).hyperlink = f"#'{f.sheet}'!{f.cell}"
            ws.cell(r, 4).font = Font(color="0563C1", underline="single")
        ws.cell(r, 2).fill = ERROR_FILL if f.severity == "error" else WARNING_FILL
    ws.freeze_panes = ws.cell(head + 1, 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0
