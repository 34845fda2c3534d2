"""Who has sent what: per department, register and (once the towns' step is in use) town's
self-evaluation: arrived, valid, how complete, how late.

A blank template still in the folder counts as not yet received; a filled sheet of a layout the
rubric has since changed is 需要迁移 with what it holds counted, never blank. The rows are plain data;
``Status.return_code`` is 1 while anything is missing or invalid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import layout as L
from .findings import Finding
from .rubric import Rubric
from .validate import Result

RECEIVED, BLANK, INVALID, MISSING, DUPLICATE = "已收到", "空白未填", "有错误", "未收到", "重复，未采用"
MIGRATE = "需要迁移"  # filled in on a layout the rubric has since changed (F104): qp-eval migrate carries it over


@dataclass(frozen=True)
class StatusRow:
    name: str
    file: str | None
    state: str
    errors: int
    warnings: int
    filled: int
    expected: int | None  # None: open-ended (problem register)
    modified: dt.datetime | None
    deadline: dt.date
    days_left: int
    kind: str = ""  # layout's KIND_*: who sends it (a department, a town, the office's registers)
    sender: str = ""  # the department's or town's name, as a notice addresses it

    @property
    def ok(self) -> bool:
        return self.state in (RECEIVED, DUPLICATE)  # a duplicate is listed only when another copy is scored


def expected_cells(rubric: Rubric, dept_id: str) -> int:
    scores = sum(1 for row in L.score_rows(rubric, dept_id) if row.criterion.applies(row.unit_id))
    return scores + sum(1 for _ in L.figure_rows(rubric, dept_id))


def status_rows(rubric: Rubric, result: Result, today: dt.date) -> list[StatusRow]:
    counts: dict[str, tuple[int, int]] = {}
    for f in result.findings:
        e, w = counts.get(f.file, (0, 0))
        counts[f.file] = (e + f.count * (f.severity == "error"), w + f.count * (f.severity == "warning"))
    differing = {f.file for f in result.findings if f.code == "F106"}
    outdated = {f.file for f in result.findings if f.code == "F104"}
    filled: dict[str, int] = {}
    scores = result.tables.scores
    for i, value in enumerate(scores.value):
        if value is not None:
            file = scores.file(i)
            filled[file] = filled.get(file, 0) + 1
    for x in [*result.tables.figures, *result.tables.problems, *result.tables.highlights]:
        filled[x.source.file] = filled.get(x.source.file, 0) + 1
    for rep in result.tables.self_reports.values():
        filled[rep.file] = len(rep.scores) + len(rep.figures) + len(rep.highlights)  # as ``expected`` counts

    def rows_for(name: str, seen: list, expected: int | None, deadline: dt.date, blank_ok: bool,
                 kind: str, sender: str) -> list[StatusRow]:
        days = (deadline - today).days
        if not seen:
            return [StatusRow(name, None, MISSING, 0, 0, 0, expected, None, deadline, days, kind, sender)]
        out = []
        any_adopted = any(s.adopted for s in seen)
        for s in sorted(seen, key=lambda s: not s.adopted):  # the file that is scored first
            path = s.path
            errors, warnings = counts.get(path, (0, 0))
            n = filled.get(path, 0) if s.entered is None else s.entered
            if any_adopted and not s.adopted:
                state = DUPLICATE
            elif path in differing:  # two filled copies that differ: both refused, neither is blank
                state = INVALID
            elif n == 0 and not blank_ok:
                state = BLANK
            elif path in outdated:
                state = MIGRATE
            elif errors:
                state = INVALID
            else:
                state = RECEIVED
            modified = dt.datetime.fromtimestamp(s.modified) if s.modified is not None else None
            out.append(StatusRow(name, path, state, errors, warnings, n, expected, modified, deadline, days, kind, sender))
        return out

    rows: list[StatusRow] = []
    for dept_id in L.scoring_departments(rubric):
        files = [s for s in result.seen if s.kind == L.KIND_SCORES and s.department_id == dept_id]
        name = rubric.department[dept_id].name
        rows += rows_for(name, files, expected_cells(rubric, dept_id), rubric.deadlines.department_scoring,
                         False, L.KIND_SCORES, name)
    for kind, expected, blank_ok in (
        (L.KIND_PROBLEMS, None, True),
        (L.KIND_HIGHLIGHTS, len(rubric.units) * rubric.highlights.per_unit, False),
    ):
        files = [s for s in result.seen if s.kind == kind]
        rows += rows_for(kind, files, expected, rubric.deadlines.office_ranking, blank_ok, kind, "")
    if any(s.kind == L.KIND_SELF for s in result.seen):  # the towns' step is in use this year
        for u in rubric.units:
            files = [s for s in result.seen if s.kind == L.KIND_SELF and s.department_id == u.id]
            expected = (len(L.self_criteria(rubric, u.id)) + sum(1 for _ in L.self_figure_rows(rubric, u.id))
                        + rubric.highlights.per_unit)
            rows += rows_for(f"{u.name}（自评）", files, expected, rubric.deadlines.self_report, False, L.KIND_SELF, u.name)
    return rows


def strays_of(result: Result, rows: list[StatusRow]) -> list[Finding]:
    """What ``status`` lists below its table: spreadsheets that cannot be read or told apart (F112,
    F113), and every error that would make ``rank`` refuse but belongs to no listed file (a broken
    workbook whose kind cannot be told, say). So ``status`` never says all is in while ``rank`` refuses."""
    listed = {r.file for r in rows if r.file}
    return [f for f in result.scoring_findings()
            if f.code in ("F112", "F113") or (f.severity == "error" and f.file not in listed)]


def complete(rows: list[StatusRow], strays: list[Finding]) -> bool:
    """Every row received without error, and nothing else that would stop ``rank``."""
    return all(r.ok for r in rows) and not any(f.severity == "error" for f in strays)


def status_data(year: int, today: dt.date, folder: str, rows: list[StatusRow], strays: list) -> dict:  # noqa: ANN001
    """``status --format json`` (docs/json.md): complete when every row is received without error and
    no unreadable spreadsheet lies in the folder."""
    return {
        "format": "qp-eval-status/1", "year": year, "date": today.isoformat(), "folder": folder,
        "complete": complete(rows, strays),
        "rows": [{"name": r.name, "file": r.file, "state": r.state, "errors": r.errors, "warnings": r.warnings,
                  "filled": r.filled, "expected": r.expected,
                  "modified": r.modified.isoformat(timespec="minutes") if r.modified else None,
                  "deadline": r.deadline.isoformat(), "days_left": r.days_left} for r in rows],
        "strays": [f.to_dict() for f in strays],
    }


@dataclass
class Status:
    """``status`` as data: the rows, the files below them, and what the command answers."""

    year: int
    today: dt.date
    folder: str
    rows: list[StatusRow]
    strays: list[Finding]
    returned: frozenset[str] = frozenset()  # files a marked copy has gone back for since they came in

    @property
    def complete(self) -> bool:
        return complete(self.rows, self.strays)

    @property
    def return_code(self) -> int:
        """0 when everything has arrived without an error; 1 while anything is missing or wrong (for scripts)."""
        return 0 if self.complete else 1

    def to_data(self) -> dict:
        return status_data(self.year, self.today, self.folder, self.rows, self.strays)

    def next_steps(self) -> list[str]:
        """What to do about the rows that are not in yet, each with the command that does it."""
        y = self.year
        out = []
        outdated = [r for r in self.rows if r.state == MIGRATE]
        if outdated:
            out.append(f"{len(outdated)} 个表格按修改前的细则填写，已填内容可转入现行表格（原文件备份）："
                       f"qp-eval migrate --year {y}")
        wrong = [r for r in self.rows if r.state == INVALID and r.file not in self.returned]
        if wrong:
            out.append(f"{len(wrong)} 个表格有错误，把标出问题单元格的复制件退回填表的科室或街镇：qp-eval return --year {y}")
        owed = [r for r in self.rows if r.state in (MISSING, BLANK) and r.sender]
        if owed:
            out.append(f"{len(owed)} 个科室或街镇的表格未收到或仍是空白表，生成催报通知：qp-eval status --year {y} --notice")
        return out


def status_of(rubric: Rubric, result: Result, today: dt.date, folder: str,
              returned: frozenset[str] = frozenset()) -> Status:
    rows = status_rows(rubric, result, today)
    return Status(rubric.year, today, folder, rows, strays_of(result, rows), returned)
