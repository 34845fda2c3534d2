"""``validate``: every input file of a year checked down to the cell.

Each file is identified by its 说明 sheet (kind, year, department, rubric fingerprint), not
by its name; then the checks of its kind run. The result holds every finding and the clean
tables that scoring reads. Input files are only ever opened for reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import layout as L
from .. import sheetspec
from ..findings import Finding, has_errors
from ..read import RawBook, ReadFailure, find_spreadsheets, open_book, unzip_limit
from ..rubric import Rubric, normalize_name
from ..tables import InputFile, Tables
from ..workspace import sha256_file
from .cells import number, show, text_of
from .context import FileContext
from .registers import check_highlights, check_problems
from .scores import check_department


@dataclass(frozen=True)
class Seen:
    """A file as its 说明 sheet names it (kind and department), whether or not it passed."""

    path: str
    kind: str
    department_id: str | None


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    tables: Tables = field(default_factory=Tables)
    files: int = 0
    seen: list[Seen] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def validate_paths(rubric: Rubric, paths: list[Path], strict: bool = False) -> Result:
    result = Result()
    files, problems = find_spreadsheets(paths)
    for p, why in problems:
        result.findings.append(Finding.of("F108", f"{p}：{why}", file=str(p)))
    owners: dict[tuple[str, str | None], str] = {}
    limit = unzip_limit(_expected_rows(rubric))
    for path in files:
        result.files += 1
        ctx = FileContext(rubric, str(path))
        seen = _check_file(ctx, path, owners, limit)
        if seen is not None:
            result.seen.append(seen)
        result.findings += ctx.findings
        _merge(result.tables, ctx.tables)
    if strict:
        result.findings = [f.as_error() for f in result.findings]
    return result


def _merge(into: Tables, part: Tables) -> None:
    into.scores += part.scores
    into.figures += part.figures
    into.problems += part.problems
    into.highlights += part.highlights
    into.files += part.files
    into.rows += part.rows


def _expected_rows(rubric: Rubric) -> int:
    """The most rows any one input file of this rubric should hold (a bound for the size guard)."""
    per_unit = sum((len(c.periods.labels) if c.periods else 1) + (len(c.measure.inputs) if c.measure else 0)
                   for c in rubric.criteria.values())
    return len(rubric.units) * max(per_unit, rubric.highlights.per_unit) + L.PROBLEM_BLANK_ROWS * 50


def _check_file(ctx: FileContext, path: Path, owners: dict[tuple[str, str | None], str], limit: int) -> Seen | None:
    try:
        book = open_book(path, limit)
    except ReadFailure as e:
        ctx.add("F101", e.message)
        return None
    seen = None
    try:
        info = read_info(book) or {}
        kind = normalize_name(text_of(info.get(L.KEY_KIND, ("", 0))[0]))
        if kind in L.KINDS:
            dept = text_of(info.get(L.KEY_DEPT_ID, ("", 0))[0]) if kind == L.KIND_SCORES else None
            seen = Seen(ctx.file, kind, dept or None)
        ident = identify(ctx, book)
        if ident is None:
            return seen
        kind, dept_id = ident
        other = owners.get((kind, dept_id))
        if other is not None:
            what = ctx.rubric.department[dept_id].name if dept_id else kind
            ctx.add("F106", f"{what}已有文件 {other}，本文件重复，未采用", L.INFO_SHEET)
            return seen
        owners[(kind, dept_id)] = ctx.file
        if kind == L.KIND_SCORES:
            assert dept_id is not None
            check_department(ctx, book, dept_id)
        elif kind == L.KIND_PROBLEMS:
            check_problems(ctx, book)
        else:
            check_highlights(ctx, book)
        ctx.tables.files.append(InputFile(ctx.file, kind, dept_id, sha256_file(path)))
    except ReadFailure as e:
        ctx.add("F101", e.message)
    finally:
        book.close()
    return seen


def read_info(book: RawBook) -> dict[str, tuple[object, int]] | None:
    """Key → (value, 0-based row) from the 说明 sheet, or None when there is none."""
    sheet = book.sheet(L.INFO_SHEET)
    if sheet is None:
        return None
    keys = {normalize_name(k): k for k in (L.KEY_KIND, L.KEY_YEAR, L.KEY_DEPT_ID, L.KEY_DEPT_NAME,
                                           L.KEY_FINGERPRINT, L.KEY_LAYOUT, L.KEY_DEADLINE)}
    out: dict[str, tuple[object, int]] = {}
    for r, row in enumerate(sheet.rows[:40]):
        if len(row) >= 2 and isinstance(row[0], str):
            key = keys.get(normalize_name(row[0]))
            if key and key not in out:
                out[key] = (row[1], r)
    return out


def _layout_message(kind: str, dept_id: str | None, rubric: Rubric, stored: object, spec: sheetspec.Spec) -> str:
    what = rubric.department[dept_id].name + "评分表" if dept_id else kind + "表"
    old = sheetspec.loads(stored)
    if old is None:
        return f"{what}是按修改前的评估细则生成的（旧版 qp-eval 的表格未记录布局，无法逐项列出改动）"
    listed = sheetspec.changes(old, spec) or ["本表涉及的内容已修改"]
    return f"评估细则修改后，{what}的布局已变：" + "；".join(listed)


def identify(ctx: FileContext, book: RawBook) -> tuple[str, str | None] | None:
    """(kind, department id) from the 说明 sheet, with F102–F105 when it does not fit."""
    info = read_info(book)
    sheet = L.INFO_SHEET
    if info is None:
        ctx.add("F102", f"文件中没有“{L.INFO_SHEET}”工作表，无法识别是哪个科室的评分表或哪种登记表")
        return None
    kind_value, kind_row = info.get(L.KEY_KIND, ("", None))
    kind = normalize_name(text_of(kind_value))
    if kind not in L.KINDS:
        ctx.add("F102", f"“{L.KEY_KIND}”为“{show(kind_value)}”，应为{'、'.join(L.KINDS)}之一", sheet,
                kind_row, 1 if kind_row is not None else None)
        return None
    rubric = ctx.rubric
    year_value, year_row = info.get(L.KEY_YEAR, ("", None))
    year = number(year_value).value
    ok = True
    if year is None or year != rubric.year:
        ctx.add("F103", f"表格年度为“{show(year_value)}”，当前评估年度为 {rubric.year}", sheet,
                year_row, 1 if year_row is not None else None)
        ok = False
    dept_id = None
    if kind == L.KIND_SCORES:
        dept_value, dept_row = info.get(L.KEY_DEPT_ID, ("", None))
        dept_id = text_of(dept_value)
        if dept_id not in rubric.department or not rubric.criteria_of(dept_id):
            ctx.add("F105", f"科室编号“{show(dept_value)}”不是评估细则中负责评分的科室", sheet,
                    dept_row, 1 if dept_row is not None else None)
            return None
    fp_value, fp_row = info.get(L.KEY_FINGERPRINT, ("", None))
    spec = sheetspec.spec_of(rubric, kind, dept_id)
    if text_of(fp_value) != sheetspec.fingerprint(spec):
        ctx.add("F104", _layout_message(kind, dept_id, rubric, info.get(L.KEY_LAYOUT, ("", 0))[0], spec), sheet,
                fp_row, 1 if fp_row is not None else None)
        ok = False
    return (kind, dept_id) if ok else None
