"""``validate``: every input file of a year checked down to the cell.

Each file is identified by its 说明 sheet (kind, year, department, rubric fingerprint), not
by its name; then the checks of its kind run. The result holds every finding and the clean
tables that scoring reads. The files come as ``Inputs``: what a search found and how to open
each (``io.intake`` searches folders and opens files; a test hands in books made in memory).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from .. import layout as L
from .. import names, sheetspec
from ..book import HEAD_ROWS, MAX_UNZIPPED_BYTES, UNREADABLE_SHEETS, CellError, Limits, RawBook, ReadFailure, suffix_of
from ..cells import number, show, text_of
from ..entered import claim, differences, entries, filled_rows, read_info
from ..findings import Finding, capped, count, has_errors
from ..rubric import Rubric
from ..tables import InputFile, Tables
from ..text import normalize_name, shown_path
from .context import FileContext
from .decisions import check_decisions
from .registers import check_highlights, check_problems
from .scores import check_department
from .selfeval import check_self


@dataclass(frozen=True)
class Seen:
    """A file as its 说明 sheet names it (kind and department), whether or not it passed."""

    path: str
    kind: str
    department_id: str | None
    adopted: bool = False  # its values are the ones scored
    modified: float | None = None  # the file's modification time (seconds since the epoch)
    entered: int | None = None  # cells filled in, for a file not read for scoring (another year's, an old layout)


@dataclass
class Inputs:
    """What a search of the paths asked for found, and how to open a workbook (``ReadFailure`` when it
    cannot be): the spreadsheets in order, every other file (with whether it lies in a folder that was
    asked for rather than in a subfolder of one), and what could not be searched, with why."""

    spreadsheets: list[PurePath]
    open: Callable[[PurePath], RawBook]
    others: list[tuple[PurePath, bool]] = field(default_factory=list)
    problems: list[tuple[PurePath, str]] = field(default_factory=list)
    # how the spreadsheets are checked, each by ``check_file`` and in their order (the io layer may do
    # it in worker processes); None: here, one after another
    check_all: Callable[[Rubric, list[PurePath], Progress | None], list[Checked]] | None = None


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    tables: Tables = field(default_factory=Tables)
    files: int = 0
    seen: list[Seen] = field(default_factory=list)
    self_files: set[str] = field(default_factory=set)  # a town's 自评表, or any file in a 自评 folder

    def scoring_findings(self) -> list[Finding]:
        """The findings as they bear on scoring: a town's self-evaluation never changes a score, so
        what is wrong in one is a warning for ``rank`` (``validate`` still reports it as an error)."""
        return [f.as_warning() if f.file in self.self_files and f.severity == "error" else f for f in self.findings]

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def errors(self) -> int:
        return count(self.findings, "error")

    def warnings(self) -> int:
        return count(self.findings, "warning")


@dataclass
class Checked:
    """One file after its checks, before the files that claim the same sheet are weighed."""

    path: PurePath
    ctx: FileContext
    claim: tuple[str, str | None] | None  # what its 说明 says it is
    accepted: tuple[str, str | None] | None  # the same, when it fits the rubric (year, layout)
    modified: float | None = None
    entered: int | None = None  # cells filled in, when it claims a kind but does not fit (``Seen.entered``)

    def parcel(self) -> tuple:
        """What crosses from a worker process: everything but the rubric (which each side has)."""
        return (self.path, self.ctx.file, self.ctx.findings, self.ctx.tables, self.claim, self.accepted,
                self.modified, self.entered)

    @classmethod
    def unparcel(cls, rubric: Rubric, parcel: tuple) -> Checked:
        path, file, findings, tables, claim_, accepted, modified, entered = parcel
        return cls(path, FileContext.received(rubric, file, findings, tables), claim_, accepted, modified, entered)


Progress = Callable[[int, int, str], None]  # (files done, files in all, the file being read)
BYTES_PER_EXPECTED_ROW = 2048  # far above what a filled template row takes in sheet XML: the unzip limit


def validate(rubric: Rubric, inputs: Inputs, strict: bool = False, progress: Progress | None = None,
             each_file: bool = False) -> Result:
    """Every input checked; ``progress`` (if given) hears of each file as it is read. Files that are
    no spreadsheet (photos, documents) are said once per folder, or one by one with ``each_file``."""
    result = Result()
    for p, why in inputs.problems:
        result.findings.append(Finding.of("F108", f"{p}：{why}", file=str(p)))
    ignored: dict[PurePath, list[PurePath]] = {}
    for p, top in inputs.others:
        result.files += 1
        finding = _other_file(p, top=top)
        if finding.code == "F113" and not each_file and UNREADABLE_SHEETS.get(suffix_of(p)) is None:
            ignored.setdefault(p.parent, []).append(p)
        else:
            result.findings.append(finding)
    for folder, group in ignored.items():
        if len(group) == 1:
            result.findings.append(_other_file(group[0], top=True))
            continue
        kinds = Counter(suffix_of(p) or "无扩展名" for p in group)
        listed = "、".join(f"{k} {n:,} 个" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        result.findings.append(Finding.of("F113", f"目录中有 {len(group):,} 个不是电子表格的文件（{listed}），已忽略"
                                                  "（加 -v 逐个列出）", file=shown_path(folder)))
    files = inputs.spreadsheets
    result.files += len(files)
    if inputs.check_all is not None:
        checked = inputs.check_all(rubric, files, progress)
    else:
        checked = []
        for n, path in enumerate(files):
            if progress is not None:
                progress(n, len(files), str(path))
            checked.append(check_file(rubric, path, inputs.open))
    if progress is not None:
        progress(len(files), len(files), "")
    claimants: dict[tuple[str, str | None], list[Checked]] = {}
    for c in checked:
        if c.accepted is not None:
            claimants.setdefault(c.accepted, []).append(c)
    chosen = [c for group in claimants.values() for c in _adopt(rubric, group, inputs.open)]
    adopted = {id(c) for c in chosen}
    scored = {c.accepted: c.ctx.file for c in chosen}
    for c in checked:
        if c.claim is not None and c.accepted is None and c.claim in scored:  # e.g. an old copy kept in 旧版/
            c.ctx.add("F106", f"同一{_what(rubric, c.claim)}已采用 {scored[c.claim]}；本文件是另一份副本，"
                              f"请删去，或移到 scores/{rubric.year}/ 之外（或其中以“备份-”开头的目录）", L.INFO_SHEET)
    for c in checked:
        if (c.claim is not None and c.claim[0] == L.KIND_SELF) or names.SELF_FOLDER in c.path.parts:
            result.self_files.add(c.ctx.file)  # what the towns sent, readable or not: it never blocks scoring
        if c.claim is not None:
            result.seen.append(Seen(c.ctx.file, c.claim[0], c.claim[1], id(c) in adopted, c.modified, c.entered))
        if c.accepted is None or id(c) in adopted:
            result.findings += capped(c.ctx.findings)
            _merge(result.tables, c.ctx.tables)
        else:
            result.findings += [f for f in c.ctx.findings if f.code in ("F106", "F111")]
    _waiting_highlights(rubric, result)
    if strict:
        result.findings = [f.as_error() for f in result.findings]
    return result


def _waiting_highlights(rubric: Rubric, result: Result) -> None:
    """An H601 of a town whose own self-evaluation holds more highlights than the office's register says
    so, and that ``collect`` fills them in (before ``collect`` every town shows 0)."""
    named = Counter(h.unit_id for h in result.tables.highlights if h.name)
    own = {u: sum(1 for h in rep.highlights if h.name) for u, rep in result.tables.self_reports.items()}
    for k, f in enumerate(result.findings):
        if f.code != "H601":
            continue
        unit = next((u for u in rubric.units if f.message.startswith(f"{u.name} 报送了 ")), None)
        if unit is None or own.get(unit.id, 0) <= named[unit.id]:
            continue
        result.findings[k] = replace(
            f, message=f"{f.message}；该街镇自评表中有 {own[unit.id]} 个亮点，尚未填入登记表",
            hint=f"运行 qp-eval collect --year {rubric.year}，把各街镇自评表中的亮点填入亮点登记表（已录入的内容不变）。")


def _adopt(rubric: Rubric, group: list[Checked], open_book: Callable[[PurePath], RawBook]) -> list[Checked]:
    """Which of the files claiming one sheet are scored: decided by their content, never by their names.

    A filled file beats a blank template; identical filled copies count once; two filled files
    that differ are both refused (F106), naming the cells in which they differ.
    """
    if len(group) == 1:
        return group
    content = {}
    for c in group:
        try:
            book = open_book(c.path)
            try:
                content[id(c)] = entries(book, c.accepted[0])  # type: ignore[index]
            finally:
                book.close()
        except ReadFailure:
            content[id(c)] = []
    filled = [c for c in group if content[id(c)]]
    what = _what(rubric, group[0].accepted)  # type: ignore[arg-type]
    if not filled:
        keep = group[0]
        for c in group[1:]:
            c.ctx.add("F111", f"与 {keep.ctx.file} 同为{what}的空白表格，已采用后者，本文件未采用", L.INFO_SHEET)
        return [keep]
    keep = filled[0]
    differing = [c for c in filled[1:] if differences(content[id(keep)], content[id(c)])]
    if not differing:
        for c in group:
            if c is keep:
                continue
            why = "是空白模板" if not content[id(c)] else "内容与之完全相同"
            c.ctx.add("F111", f"{what}已采用已填写的 {keep.ctx.file}；本文件{why}，未采用", L.INFO_SHEET)
        return [keep]
    for c in filled:
        others = [o for o in filled if o is not c]
        listed = "；".join(_diff_text(content[id(c)], content[id(o)], o.ctx.file) for o in others)
        c.ctx.add("F106", f"{what}有 {len(filled)} 个已填写的文件，内容不同，均未采用：{listed}", L.INFO_SHEET)
    for c in group:
        if c not in filled:
            c.ctx.add("F111", f"{what}已有已填写的文件，本文件是空白模板，未采用", L.INFO_SHEET)
    return []


def _what(rubric: Rubric, claim: tuple[str, str | None]) -> str:
    kind, who = claim
    if kind == L.KIND_SELF:
        return (rubric.unit[who].name if who in rubric.unit else str(who)) + "的自评表"
    return rubric.department[who].name + "的评分表" if who in rubric.department else kind


def _diff_text(mine: list, theirs: list, other: str, most: int = 5) -> str:
    diffs = differences(mine, theirs)
    parts = []
    for a, b in diffs[:most]:
        e = a or b
        assert e is not None
        here = f"{a.where} 为“{show(a.value)}”" if a else "本文件未填"
        there = f"{b.where} 为“{show(b.value)}”" if b else "未填"
        parts.append(f"{e.what}：{here}，{other} 中{there}")
    more = f"等 {len(diffs)} 处" if len(diffs) > most else f"共 {len(diffs)} 处"
    return f"与 {other} 不同的单元格{more}：" + "；".join(parts)


def _other_file(path: PurePath, top: bool) -> Finding:
    """A file in the folder that qp-eval does not read: a spreadsheet format it cannot open (an error: it may
    be a department's sheet), or something that is no spreadsheet at all (a warning: it is left alone).
    In a subfolder (旧版/ and the like) an unreadable spreadsheet only warns: such folders keep old copies."""
    what = UNREADABLE_SHEETS.get(suffix_of(path))
    if what is not None and top:
        return Finding.of("F112", f"{what}文件无法读取，未计入", file=str(path))
    if what is not None:
        return Finding.of("F113", f"子目录中的{what}文件无法读取，已忽略（如是本年度的表格，请另存为 .xlsx 放到上一级目录）",
                          file=str(path))
    return Finding.of("F113", f"不是电子表格（{suffix_of(path) or '无扩展名'}），已忽略", file=str(path))


def _merge(into: Tables, part: Tables) -> None:
    into.self_reports.update(part.self_reports)
    into.scores += part.scores
    into.figures += part.figures
    into.problems += part.problems
    into.highlights += part.highlights
    into.files += part.files
    into.rows += part.rows
    into.decisions += part.decisions
    if part.meeting is not None:
        into.meeting = part.meeting


def _expected_rows(rubric: Rubric) -> int:
    """The most rows any one input file of this rubric should hold (a bound for the size guard)."""
    return _rows_per_sheet(rubric) + L.PROBLEM_BLANK_ROWS * 50


def _rows_per_sheet(rubric: Rubric) -> int:
    """The most data rows one sheet of this rubric holds: a department's 评分 with every criterion, or a register."""
    per_unit = sum((len(c.periods.labels) if c.periods else 1) + (len(c.measure.inputs) if c.measure else 0)
                   for c in rubric.criteria.values())
    return max(len(rubric.units) * max(per_unit, rubric.highlights.per_unit), L.PROBLEM_BLANK_ROWS)


def read_limits(rubric: Rubric) -> Limits:
    """What one input workbook of this rubric may hold: its unzipped size, and per sheet twice the rows
    it needs (at least a thousand more); cells past that, or right of column BL, are cut and reported (F118)."""
    rows = _rows_per_sheet(rubric)
    unzipped = max(MAX_UNZIPPED_BYTES, _expected_rows(rubric) * BYTES_PER_EXPECTED_ROW)
    return Limits(unzipped=unzipped, rows=max(2 * rows, rows + 1000) + HEAD_ROWS)


def check_file(rubric: Rubric, path: PurePath, open_book: Callable[[PurePath], RawBook]) -> Checked:
    """One spreadsheet read and checked on its own: what it claims, its findings and its tables."""
    return _check_file(FileContext(rubric, shown_path(path)), path, open_book)


def _check_file(ctx: FileContext, path: PurePath, open_book: Callable[[PurePath], RawBook]) -> Checked:
    if ctx.file != str(path):  # the name is not UTF-8 (``shown_path``)
        ctx.add("F101", "文件名不是 UTF-8 编码（多半是解压 Windows 压缩包时产生的乱码文件名），无法可靠地记录和核对；"
                        "请在文件管理器中把它重命名为正常的中文名后重试",
                hint="在文件管理器中把文件重命名（如“2024年度评分表_某科.xlsx”），再运行一次。")
        return Checked(path, ctx, None, None)
    try:
        book = open_book(path)
    except ReadFailure as e:
        ctx.add("F101", e.message)
        return Checked(path, ctx, None, None)
    if path.name != path.name.rstrip(" ."):
        ctx.add("F119", f"文件名“{path.name}”以空格或句点结尾；已按 {suffix_of(path)} 文件读取")
    if book.actual_format:
        ctx.add("F114", f"文件内容是 .{book.actual_format} 格式，扩展名却是 {suffix_of(path)}；已按实际格式读取")
    who = ident = None
    try:
        who = claim(book)
        ident = identify(ctx, book)
        if ident is None:  # what it holds is still counted: a filled sheet of an old layout is never "blank"
            return Checked(path, ctx, who, None, book.modified, filled_rows(entries(book, who[0])) if who else None)
        kind, dept_id = ident
        if kind == L.KIND_SCORES:
            assert dept_id is not None
            check_department(ctx, book, dept_id)
        elif kind == L.KIND_SELF:
            assert dept_id is not None
            check_self(ctx, book, dept_id)
        elif kind == L.KIND_PROBLEMS:
            check_problems(ctx, book)
        elif kind == L.KIND_DECISIONS:
            check_decisions(ctx, book)
        else:
            check_highlights(ctx, book)
        ctx.tables.files.append(InputFile(ctx.file, kind, dept_id, book.digest()))
    except ReadFailure as e:
        ctx.add("F101", e.message)
        ident = None
    finally:
        book.close()
    return Checked(path, ctx, who, ident, book.modified)


def _layout_message(kind: str, dept_id: str | None, rubric: Rubric, stored: object, spec: sheetspec.Spec) -> str:
    if kind == L.KIND_SELF:
        what = rubric.unit[dept_id].name + "自评表" if dept_id in rubric.unit else kind
    else:
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
    info_sheet = book.sheet(L.INFO_SHEET)
    assert info_sheet is not None
    ctx.far(info_sheet)
    broken = [(key, value, row) for key, (value, row) in info.items() if isinstance(value, CellError)]
    for key, value, row in broken:
        ctx.add("F117", f"“{key}”的公式结果为错误值 {value}，无法识别这是哪张表", sheet, row, 1)
    if broken:
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
    if kind == L.KIND_SELF:
        unit_value, unit_row = info.get(L.KEY_UNIT_ID, ("", None))
        dept_id = text_of(unit_value)
        if dept_id not in rubric.unit:
            ctx.add("F115", f"街镇编号“{show(unit_value)}”不是评估细则中的街镇", sheet,
                    unit_row, 1 if unit_row is not None else None)
            return None
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
                fp_row, 1 if fp_row is not None else None,
                hint=f"运行 qp-eval migrate --year {rubric.year}：按现行细则重新生成表格，已填内容逐格转入，"
                     f"原文件备份到 scores/{rubric.year}/备份-<日期时间>/。")
        ok = False
    return (kind, dept_id) if ok else None
