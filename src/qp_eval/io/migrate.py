"""``migrate``: new templates for a revised rubric, with every filled cell carried across.

When the rubric's layout changes after the sheets went out (F104), each sheet whose layout
changed is rebuilt from the current rubric; so is a sheet that lost a row, a column or a whole
sheet (T305, S202, S201: no one need unprotect a sheet to mend it), and any file named (one that
lost its protection or a dropdown). Each is filled from the received file by what
identifies a value — town, criterion id and period; town, criterion and indicator; town and
highlight number; a problem row by its order — never by its position. What cannot be
carried (a removed criterion, a score above its lowered points, a criterion that no longer
applies, a removed town or rating) is listed with the old file and cell; new rows left blank
are listed with the new cells. The old files are kept, untouched, in a dated 备份- folder
inside scores/<year>/, which validate and rank never read. A town's form that was never filled in
is left as it is: it holds nothing to carry, and it is not the town's (the town fills its own copy).

Safe at every step (``workspace.install``): the new workbook is written first (to a hidden
temporary file beside the filled file it replaces), the filled file is copied into the backup
folder, blank or identical copies are moved there, and only then does the new one take the
filled file's name. A crash at any moment leaves the old file or the new one in place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from ..core import layout as L
from ..core.advice import REBUILT
from ..core.book import CellError, ReadFailure
from ..core.cells import a1, number, text_of
from ..core.entered import Entry, differences
from ..core.numbers import fmt
from ..core.rubric import Rubric
from ..core.sheetspec import loads, sheet_fingerprint
from ..core.text import normalize_name
from ..core.validate import read_limits
from .atomic import install
from .intake import file_content, find_spreadsheets, validate_paths
from .oserrors import WriteFailure
from .writers.template import build, put_value, template_plans, town_plans

Claim = tuple[str, str | None]


@dataclass(frozen=True)
class Lost:
    """An entered value that was not carried (or was carried but needs a look)."""

    file: str
    where: str  # sheet!A1 in the old file
    what: str
    value: str
    why: str


@dataclass(frozen=True)
class Blank:
    """Rows of the new sheet that are new and wait to be filled in."""

    file: str
    where: str  # the first new cell
    what: str
    count: int


@dataclass
class SheetResult:
    path: Path
    what: str
    carried: int = 0
    sources: list[Path] = field(default_factory=list)
    unchanged: bool = False
    repaired: str = ""  # why a sheet of the current layout was rebuilt ("" when it was not)


@dataclass
class MigrateRun:
    year: int
    sheets: list[SheetResult] = field(default_factory=list)
    moved: list[tuple[Path, Path]] = field(default_factory=list)
    lost: list[Lost] = field(default_factory=list)
    review: list[Lost] = field(default_factory=list)  # carried as entered, but no longer valid as it stands
    blank: list[Blank] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # sheets left as they were, and why
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)  # towns' forms never filled in, left as they are

    @property
    def return_code(self) -> int:
        """0 when it did what it could; 1 when it refused (the files are left as they were)."""
        return 1 if self.refused else 0

    @property
    def backup(self) -> Path | None:
        return self.moved[0][1].parent if self.moved else None


@dataclass
class _Source:
    path: Path
    fingerprint: str
    entries: list[Entry]
    points: dict[str, str] = field(default_factory=dict)  # criterion id -> points the sheet was made with


def damaged(rubric: Rubric, scores_dir: Path) -> dict[str, str]:
    """Files (as findings name them) whose sheets lost rows, columns or a sheet, and what they lost."""
    found: dict[str, list[str]] = {}
    for f in validate_paths(rubric, [scores_dir]).findings:
        if f.code in REBUILT and REBUILT[f.code] not in found.setdefault(f.file, []):
            found[f.file].append(REBUILT[f.code])
    return {file: "、".join(what) for file, what in found.items()}


def migrate(rubric: Rubric, scores_dir: Path, now: dt.datetime | None = None,
            rebuild: tuple[Path, ...] = ()) -> MigrateRun:
    """``rebuild``: files to rebuild even if nothing about them is wrong that validate sees (a sheet
    whose protection was taken off, a dropdown deleted)."""
    run = MigrateRun(rubric.year)
    broken = damaged(rubric, scores_dir)
    asked = {p.resolve() for p in rebuild}
    found: dict[Claim, list[_Source]] = {}
    limits = read_limits(rubric)
    for path in find_spreadsheets([scores_dir])[0]:
        try:
            who, entries, info = file_content(path, limits)
            fp, year, points = _stamp_of(info)
        except ReadFailure as e:
            run.unreadable.append((path, e.message))
            continue
        if who is None:
            continue
        if year != str(rubric.year):
            run.refused.append(f"{path} 是 {year or '未注明'} 年度的表格，不是 {rubric.year} 年度的，未转换")
            continue
        found.setdefault(who, []).append(_Source(path, fp, entries, points))
    backup: Path | None = None
    plans = template_plans(rubric, scores_dir)
    if any(kind == L.KIND_SELF for kind, _ in found):  # the towns' step is in use: their workbooks too
        plans += town_plans(rubric, scores_dir)
    for target, claim in plans:
        sources = found.get(claim, [])
        what = _what(rubric, claim)
        filled = [s for s in sources if s.entries]
        if len(filled) > 1 and any(differences(filled[0].entries, s.entries) for s in filled[1:]):
            names = "、".join(str(s.path) for s in filled)
            run.refused.append(f"{what}有 {len(filled)} 个已填写且内容不同的文件（{names}），未转换；"
                               "请先用 qp-eval validate 查看不同之处，只保留正确的一个")
            continue
        source = filled[0] if filled else (sources[0] if sources else None)
        current = sheet_fingerprint(rubric, *claim)
        why = "" if source is None else broken.get(str(source.path)) or ("按要求重建" if source.path.resolve() in asked else "")
        if source is not None and source.fingerprint == current and len(sources) == 1 and not why:
            run.sheets.append(SheetResult(source.path, what, len(source.entries), [source.path], unchanged=True))
            continue
        if claim[0] == L.KIND_SELF and sources and not filled and not why:
            run.untouched.append(what)  # a blank form: nothing to carry, and the town fills its own copy
            continue
        wb, _, _ = build(rubric, claim)
        target = _replaced(target, filled)
        result = SheetResult(target, what, sources=[s.path for s in sources],
                             repaired=why if source is not None and source.fingerprint == current else "")
        if source is not None:
            result.carried = _fill(rubric, claim, wb, source, target, run)
        try:
            backup, moved = install(wb, target, [s.path for s in sources], scores_dir, backup, now)
        except WriteFailure as e:  # each sheet stands alone: say which are already migrated, and where the old went
            e.done = [f"{r.path}" for r in run.sheets if not r.unchanged] + [f"{a}（原文件）" for _, a in run.moved]
            raise
        run.moved += moved
        for old, new in moved:
            _relocate(run, str(old), str(new))
        run.sheets.append(result)
    return run


def _replaced(planned: Path, filled: list[_Source]) -> Path:
    """Which file the new sheet replaces: the filled one (the template's name first, then one beside it),
    so that the filled values stay in place until the new file holding them takes their name. With
    nothing filled, the template's own name."""
    if not filled or any(s.path == planned for s in filled):
        return planned
    beside = [s.path for s in filled if s.path.parent == planned.parent]
    return (beside or [filled[0].path])[0]


def _what(rubric: Rubric, claim: Claim) -> str:
    kind, who = claim
    if kind == L.KIND_SELF:
        return f"{rubric.unit[who].name}自评表" if who in rubric.unit else kind
    return rubric.department[who].name + "评分表" if who else kind


def _relocate(run: MigrateRun, old: str, new: str) -> None:
    """Point what could not be carried at the file's place in the backup, where the value now is."""
    run.lost = [replace(x, file=new) if x.file == old else x for x in run.lost]
    run.review = [replace(x, file=new) if x.file == old else x for x in run.review]


def _stamp_of(info: dict[str, tuple[object, int]]) -> tuple[str, str, dict[str, str]]:
    """(layout fingerprint, year, the points of each criterion) as a file's 说明 sheet states them."""
    spec = loads(info.get(L.KEY_LAYOUT, ("", 0))[0]) or {}
    points = {str(c.get("id")): str(c.get("points")) for c in spec.get("criteria") or [] if isinstance(c, dict)}
    return text_of(info.get(L.KEY_FINGERPRINT, ("", 0))[0]), text_of(info.get(L.KEY_YEAR, ("", 0))[0]), points


# --- carrying values -------------------------------------------------------------------------


def _rows(ws: Worksheet, keys: tuple[str, ...], rubric: Rubric) -> tuple[dict[str, int], dict[tuple[str, ...], int]]:
    """(column of each header, row of each key) in a freshly built sheet; the town given as its id."""
    head = {str(c.value): c.column for c in ws[1] if c.value}
    rows: dict[tuple[str, ...], int] = {}
    for r in range(2, ws.max_row + 1):
        labels = [text_of(ws.cell(r, head[k]).value) for k in keys]
        if not labels[0]:
            continue
        labels[0] = rubric.resolve_unit(labels[0]) or labels[0]
        rows[tuple(normalize_name(x) if i else x for i, x in enumerate(labels))] = r
    return head, rows


def _fill(rubric: Rubric, claim: Claim, wb, source: _Source, target: Path, run: MigrateRun) -> int:  # noqa: ANN001
    kind, dept_id = claim
    broken = [e for e in source.entries if isinstance(e.value, CellError)]
    for e in broken:  # an error value is no value to carry
        run.lost.append(Lost(str(source.path), e.where, e.what, str(e.value), "公式结果为错误值，未转入；请在新表中填写"))
    if broken:
        source = replace(source, entries=[e for e in source.entries if not isinstance(e.value, CellError)])
    if kind == L.KIND_PROBLEMS:
        return _fill_problems(rubric, wb[L.PROBLEM_SHEET], source.entries, str(source.path), run)
    if kind == L.KIND_SELF:
        return _fill_self(rubric, wb, source, run)
    if kind == L.KIND_DECISIONS:
        return _fill_decisions(rubric, wb, source, run)
    carried = 0
    sheets = (L.SCORE_SHEET, L.FIGURE_SHEET) if kind == L.KIND_SCORES else (L.HIGHLIGHT_SHEET,)
    for name in sheets:
        if name not in wb.sheetnames:
            for e in (e for e in source.entries if e.sheet == name):
                run.lost.append(Lost(str(source.path), e.where, e.what, text_of(e.value), "本科室的量化细则已全部删除"))
            continue
        ws = wb[name]
        keys, _ = _KEYS[name]
        head, rows = _rows(ws, keys, rubric)
        old_keys = set()
        for e in (e for e in source.entries if e.sheet == name):
            unit_id = rubric.resolve_unit(e.labels[0]) if e.labels else None
            key = (unit_id or "",) + e.key[1:]
            old_keys.add(key)
            why = _why_not(rubric, name, dept_id, unit_id, e, key in rows)
            if why is None and name == L.SCORE_SHEET:
                why = _score_problem(ws, rows[key], head, e)
            if why is None and name == L.HIGHLIGHT_SHEET and e.column == "评定等级":
                grades = {normalize_name(r.grade) for r in rubric.highlights.ratings}
                if normalize_name(text_of(e.value)) not in grades:
                    why = f"评定等级“{text_of(e.value)}”已不在细则中"
            if why is not None:
                run.lost.append(Lost(str(source.path), e.where, e.what, text_of(e.value), why))
                continue
            put_value(ws, rows[key], head[e.column], e.value)
            carried += 1
            if name == L.SCORE_SHEET and e.column == "得分":
                _changed_points(rubric, source, e, run)
        if name in (L.SCORE_SHEET, L.FIGURE_SHEET):
            same = source.fingerprint == sheet_fingerprint(rubric, *claim)  # a rebuild: nothing in it is new
            _new_rows(rubric, ws, name, head, rows, old_keys, target, run, restored=bool(source.entries), same=same)
    return carried


_KEYS = {
    L.SCORE_SHEET: (("街镇", "编号"), "得分"),
    L.FIGURE_SHEET: (("街镇", "编号", "指标"), "数值"),
    L.HIGHLIGHT_SHEET: (("街镇", "序号"), ""),
}


def _why_not(rubric: Rubric, sheet: str, dept_id: str | None, unit_id: str | None, e: Entry, has_row: bool) -> str | None:
    """Why an entered value has no place in the new sheet (None: it has one)."""
    if unit_id is None:
        return f"街镇“{e.labels[0] if e.labels else ''}”已不在细则中"
    if has_row:
        return None
    if sheet == L.HIGHLIGHT_SHEET:
        return f"每个街镇的亮点改为 {rubric.highlights.per_unit} 个，没有这一行"
    cid = L.criterion_of_row(rubric, e.labels[1]) if len(e.labels) > 1 else ""
    c = rubric.criteria.get(cid)
    if c is None:
        return f"细则 {cid} 已删除"
    if rubric.department_of(cid) != dept_id:
        return f"细则 {cid} 已改由{rubric.department[rubric.department_of(cid)].name}评分"
    if sheet == L.FIGURE_SHEET:
        if c.measure is None:
            return f"细则 {cid} 已不是量化细则"
        if not c.applies(unit_id):
            return f"细则 {cid} 现不适用于该街镇"
        return f"细则 {cid} 已没有指标“{e.labels[2]}”"
    if c.measure is not None:
        return f"细则 {cid} 已改为量化细则，在“指标”表中填写数值"
    return f"细则 {cid} 的分期已改为 {'、'.join(c.periods.labels) if c.periods else '不分季度'}"


def _changed_points(rubric: Rubric, source: _Source, e: Entry, run: MigrateRun) -> None:
    """A score carried into a row whose points changed means something else now: the department should look."""
    cid = L.criterion_of_row(rubric, e.labels[1])
    was, now = source.points.get(cid), fmt(rubric.criteria[cid].points)
    if was is not None and was != now:
        run.review.append(Lost(str(source.path), e.where, e.what, text_of(e.value),
                               f"分值由 {was} 调为 {now}：原得分已照录，请科室按新分值复核"))


def _score_problem(ws: Worksheet, r: int, head: dict[str, int], e: Entry) -> str | None:
    if normalize_name(text_of(ws.cell(r, head["得分"]).value)) == normalize_name(L.NOT_APPLICABLE):
        return "该细则现不适用于该街镇"
    if e.column != "得分":
        return None
    points = number(ws.cell(r, head["分值"]).value).value
    value = number(e.value).value
    if points is not None and value is not None and value > points:
        return f"超过新的分值 {text_of(ws.cell(r, head['分值']).value)}"
    return None


def _new_rows(rubric: Rubric, ws: Worksheet, sheet: str, head: dict[str, int], rows: dict[tuple[str, ...], int],
              old_keys: set[tuple[str, ...]], target: Path, run: MigrateRun, restored: bool = False,
              same: bool = False) -> None:
    """Rows that the old sheet did not have, grouped by criterion (a 不适用 row needs nothing); with
    ``restored``, also a row of a criterion the sheet had for other towns (a row someone deleted).
    ``same``: the old sheet was made for this very layout (a rebuild), so a row it lacks was deleted,
    never new: said as 补上的行, or 补上的工作表 when the whole sheet was gone."""
    column = _KEYS[sheet][1]
    groups: dict[str, list[int]] = {}
    for key, r in rows.items():
        if key in old_keys or ws.cell(r, head[column]).value is not None:
            continue
        cid = L.criterion_of_row(rubric, key[1])
        added = not same and not any(L.criterion_of_row(rubric, k[1]) == cid for k in old_keys)
        newly = not same and not added and sheet == L.SCORE_SHEET and not any(
            k[0] == key[0] and L.criterion_of_row(rubric, k[1]) == cid for k in old_keys)
        if same and not old_keys:
            groups.setdefault(f"{sheet}（补上的工作表）", []).append(r)
        elif added:
            groups.setdefault(f"细则 {cid}（新增）", []).append(r)
        elif newly:
            groups.setdefault(f"细则 {cid}（新适用的街镇）", []).append(r)
        elif same or restored:
            who = f"{rubric.unit[key[0]].name} " if key[0] in rubric.unit else ""
            groups.setdefault(f"{who}细则 {key[1]}（补上的行）", []).append(r)
    for what, rs in groups.items():
        run.blank.append(Blank(str(target), f"{sheet}!{a1(min(rs) - 1, head[column] - 1)}", what, len(rs)))


def _fill_problems(rubric: Rubric, ws: Worksheet, entries: list[Entry], path: str, run: MigrateRun) -> int:
    """Problem rows carried in their order (a problem row is known by nothing else)."""
    head = {str(c.value): c.column for c in ws[1] if c.value}
    by_row: dict[str, list[Entry]] = {}
    for e in entries:
        by_row.setdefault(e.key[0], []).append(e)
    names = {normalize_name(c.name) for c in rubric.problems.categories}
    carried = 0
    for n, (_, cells) in enumerate(sorted(by_row.items(), key=lambda kv: int(kv[0])), start=2):
        for e in cells:
            if e.column not in head:
                continue
            put_value(ws, n, head[e.column], e.value)
            if e.column == "发生日期":
                ws.cell(n, head[e.column]).number_format = "yyyy-mm-dd"
            carried += 1
            if e.column == "问题类别" and normalize_name(text_of(e.value)) not in names:
                run.review.append(Lost(path, e.where, e.what, text_of(e.value), "问题类别已不在细则中：已照录，请改选"))
            if e.column == "街镇" and rubric.resolve_unit(text_of(e.value)) is None:
                run.review.append(Lost(path, e.where, e.what, text_of(e.value), "街镇已不在细则中：已照录，请核对"))
    return carried


def _fill_decisions(rubric: Rubric, wb, source: _Source, run: MigrateRun) -> int:  # noqa: ANN001
    """The meeting's register: its date and minutes by their label, the decisions in their order."""
    path = str(source.path)
    meeting = wb[L.MEETING_SHEET]
    rows = {normalize_name(text_of(meeting.cell(r, 1).value)): r for r in range(2, meeting.max_row + 1)}
    carried = 0
    for e in (e for e in source.entries if e.sheet == L.MEETING_SHEET):
        r = rows.get(e.key[0])
        if r is None:
            run.lost.append(Lost(path, e.where, e.what, text_of(e.value), "新表中没有这一项"))
            continue
        put_value(meeting, r, 2, e.value)
        carried += 1
    ws = wb[L.DECISION_SHEET]
    head = {str(c.value): c.column for c in ws[1] if c.value}
    by_row: dict[str, list[Entry]] = {}
    for e in source.entries:
        if e.sheet == L.DECISION_SHEET:
            by_row.setdefault(e.key[0], []).append(e)
    bands = {normalize_name(g.name) for g in rubric.grades}
    for n, (_, cells) in enumerate(sorted(by_row.items(), key=lambda kv: int(kv[0])), start=2):
        for e in cells:
            if e.column in head:
                put_value(ws, n, head[e.column], e.value)
                carried += 1
                if e.column == "等次" and normalize_name(text_of(e.value)) not in bands:
                    run.review.append(Lost(path, e.where, e.what, text_of(e.value), "等次已不在细则中：已照录，请改选"))
    return carried


def _fill_self(rubric: Rubric, wb, source: _Source, run: MigrateRun) -> int:  # noqa: ANN001
    """A town's 自评表: self-scores by criterion id, figures by criterion and indicator, highlights by
    number, problems in their order. What has no row now (a criterion removed, no longer for this
    town, or now measured; fewer highlights) is listed; a self-score above new points is not carried."""
    path = str(source.path)
    carried = 0
    for name, keys in ((L.SELF_SHEET, ("编号",)), (L.FIGURE_SHEET, ("编号", "指标")), (L.HIGHLIGHT_SHEET, ("序号",))):
        mine = [e for e in source.entries if e.sheet == name]
        ws = wb[name] if name in wb.sheetnames else None
        head = {str(c.value): c.column for c in ws[1] if c.value} if ws is not None else {}
        rows = {tuple(normalize_name(text_of(ws.cell(r, head[k]).value)) for k in keys): r
                for r in range(2, ws.max_row + 1)} if ws is not None else {}
        for e in mine:
            r = rows.get(e.key)
            why = None
            if r is None:
                why = ("每个街镇的亮点改为 " + str(rubric.highlights.per_unit) + " 个，没有这一行" if name == L.HIGHLIGHT_SHEET
                       else f"细则 {e.labels[0]} 已删除、现不适用于该街镇或改变了评分方式")
            elif name == L.SELF_SHEET and e.column == "自评得分":
                points, value = number(ws.cell(r, head["分值"]).value).value, number(e.value).value  # type: ignore[union-attr]
                if points is not None and value is not None and value > points:
                    why = f"超过新的分值 {text_of(ws.cell(r, head['分值']).value)}"  # type: ignore[union-attr]
            if why is not None:
                run.lost.append(Lost(path, e.where, e.what, text_of(e.value), why))
                continue
            put_value(ws, r, head[e.column], e.value)  # type: ignore[arg-type]
            carried += 1
    problems = [e for e in source.entries if e.sheet == L.PROBLEM_SHEET]
    return carried + _fill_problems(rubric, wb[L.PROBLEM_SHEET], problems, path, run)
