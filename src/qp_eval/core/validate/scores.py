"""Checks of a department's 评分 and 指标 sheets, as columns: one small function per rule.

A sheet's data rows are read once into a ``Frame`` (one list per column: row, town, id,
value, note). Each rule is a function over the frame and the rows still in play that returns
the rows it flags, each with its message; the driver turns them into findings (sorted by
row, so a sheet reads top to bottom) and drops the rows whose rule stops them. The rows no
rule stopped become table entries. There is one code path: what a rule decides, it decides
for every row alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .. import layout as L
from ..book import RawBook, SheetStream
from ..cells import show
from ..rubric import Criterion
from ..tables import FigureEntry, SheetRef
from . import values
from .context import FileContext, open_stream
from .frame import NOT_APPLICABLE, Findings, Flagged, Frame, _key, error_values, formulas_without_value, read_frame


def check_department(ctx: FileContext, book: RawBook, dept_id: str) -> None:
    opened = open_stream(ctx, book, L.SCORE_SHEET, L.SCORE_COLUMNS, L.SCORE_REQUIRED)
    if opened is not None:
        check_score_sheet(ctx, *opened, dept_id)
    if L.measured_criteria(ctx.rubric, dept_id):
        opened = open_stream(ctx, book, L.FIGURE_SHEET, L.FIGURE_COLUMNS, L.FIGURE_REQUIRED)
        if opened is not None:
            check_figure_sheet(ctx, *opened, dept_id)


# --- 评分: the rules ----------------------------------------------------------------------------


@dataclass
class ScoreRules:
    """What the score rules need to know beyond the frame: the rubric's rows of this department."""

    ctx: FileContext
    frame: Frame
    dept_id: str
    allowed: dict[str, L.ScoreRow]

    def where(self, i: int) -> str:
        return f"{self.ctx.rubric.unit[self.frame.unit[i]].name} {self.frame.key[i]}"  # type: ignore[index]

    def __post_init__(self) -> None:
        self.crits = [row.criterion if (row := self.allowed.get(k)) else None for k in self.frame.key]

    def crit(self, i: int) -> Criterion:
        return self.crits[i]  # type: ignore[return-value]

    def unknown_id(self, rows: Iterable[int]) -> Flagged:
        """T303: an id this department does not score."""
        rubric, out = self.ctx.rubric, []
        for i in rows:
            rid = self.frame.key[i]
            if rid in self.allowed:
                continue
            cid = L.criterion_of_row(rubric, rid)
            if cid in rubric.criteria and rubric.department_of(cid) != self.dept_id:
                out.append((i, f"细则 {cid} 由{rubric.department[rubric.department_of(cid)].name}评分"))
            elif cid in rubric.criteria and rubric.criteria[cid].measure is not None:
                out.append((i, f"细则 {cid} 是量化细则，请在“{L.FIGURE_SHEET}”表填写指标数值"))
            else:
                out.append((i, f"编号“{show(rid)}”不是本科室负责的细则"))
        return out

    def duplicate(self, rows: Iterable[int]) -> Flagged:
        """T304: a town's row id a second time (the first one counts)."""
        seen: set[tuple[str | None, str]] = set()
        out = []
        for i in rows:
            k = (self.frame.unit[i], self.frame.key[i])
            if k in seen:
                out.append((i, f"{self.ctx.rubric.unit[k[0]].name} 的 {k[1]} 出现了多行"))  # type: ignore[index]
            seen.add(k)
        return out

    def error_value(self, rows: Iterable[int], column: str) -> Flagged:
        """F117: the cell's formula gives an error value (read as a blank, it would be 得分为空 or no note)."""
        return error_values(self.frame, list(rows), column, self._who)

    def _who(self, i: int) -> str:
        unit = self.frame.unit[i]
        return f"{self.ctx.rubric.unit[unit].name} {self.frame.key[i]} " if unit is not None else ""

    def merged(self, rows: Iterable[int]) -> Flagged:
        """V408: the score cell is part of a merged range."""
        sheet, c = self.frame.sheet, self.frame.col["得分"]
        if not sheet.merged:
            return []
        return [(i, f"{self.where(i)} 的得分单元格与其他单元格合并") for i in rows
                if sheet.merged_range_of(self.frame.row[i], c) is not None]

    def formula_without_value(self, rows: Iterable[int]) -> Flagged:
        """F107: a formula with no cached value (it reads as empty)."""
        return formulas_without_value(self.frame, list(rows), "得分", lambda i: f"{self.where(i)} ")

    def not_applicable_filled(self, rows: Iterable[int]) -> Flagged:
        """V410 (warning): a score in a row that does not apply; it is ignored."""
        v, empty = self.frame.value, self.frame.blank
        return [(i, f"{self.where(i)} 不适用于该街镇，所填“{show(v[i])}”已忽略") for i in rows
                if not empty[i] and not (isinstance(v[i], str) and _key(v[i]) == NOT_APPLICABLE)]

    def blank(self, rows: Iterable[int]) -> Flagged:
        """T306: no score."""
        empty = self.frame.blank
        return [(i, f"{self.where(i)} 的得分为空") for i in rows if empty[i]]

    def not_applicable_text(self, rows: Iterable[int]) -> Flagged:
        """V407: 不适用 written in a row that applies."""
        rubric, v = self.ctx.rubric, self.frame.value
        return [(i, f"细则 {self.crit(i).id} 适用于{rubric.unit[self.frame.unit[i]].name}，不能填写“{L.NOT_APPLICABLE}”")  # type: ignore[index]
                for i in rows if isinstance(v[i], str) and _key(v[i]) == NOT_APPLICABLE]

    def subject(self, i: int) -> str:
        return f"{self.where(i)} 的得分"

    @property
    def points(self) -> list:  # noqa: ANN201 - each position's points (0 where the id is unknown)
        return [c.points if c is not None else 0 for c in self.crits]

    def not_a_number(self, rows: Iterable[int], code: str) -> Flagged:
        """V401 (not a number) and V406 (NaN, infinity)."""
        return values.not_a_number(self.frame, rows, code, self.subject)

    def full_width(self, rows: Iterable[int]) -> Flagged:
        """V402 (warning): full-width characters read as half-width."""
        return values.full_width(self.frame, rows, self.subject)

    def negative(self, rows: Iterable[int]) -> Flagged:
        """V403: below 0."""
        return values.negative(self.frame, rows, self.subject)

    def above_points(self, rows: Iterable[int]) -> Flagged:
        """V404: above the row's points."""
        return values.above_points(self.frame, rows, self.subject, self.points)

    def too_many_places(self, rows: Iterable[int]) -> Flagged:
        """V405: more decimal places than the rubric's precision."""
        return values.too_many_decimals(self.frame, rows, self.subject, self.ctx.rubric.precision)

    def no_note(self, rows: Iterable[int]) -> Flagged:
        """V409 (warning): points lost and no 扣分说明."""
        d, crits, note = self.frame.decimals, self.crits, self.frame.note
        return [(i, f"{self.where(i)} 得 {d[i]} 分（满分 {crits[i].points}），没有填写扣分说明") for i in rows
                if not note[i] and d[i] < crits[i].points]  # type: ignore[operator, union-attr]


def check_score_sheet(ctx: FileContext, sheet: SheetStream, head: int, col: dict[str, int], dept_id: str) -> None:
    rubric = ctx.rubric
    found = Findings(ctx, Frame(sheet, col))
    frame = found.frame = read_frame(ctx, sheet, head, col, "编号", "得分", "扣分说明", found)
    allowed = {row.id: row for row in L.score_rows_of_unit(rubric, dept_id, rubric.units[0].id)}
    rules = ScoreRules(ctx, frame, dept_id, allowed)
    score = "得分"

    def stop(rows: list[int], code: str, rule: Callable[[list[int]], Flagged], column: str = score) -> list[int]:
        gone = found.flag(code, rule(rows), column)
        return [i for i in rows if i not in gone] if gone else rows

    rows = list(range(len(frame.row)))
    errors = bool(sheet.errors)
    if errors:
        rows = stop(rows, "F117", lambda rs: rules.error_value(rs, "编号"), "编号")
    rows = stop(rows, "T303", rules.unknown_id, "编号")
    # a row whose town is unknown (T301 said so) stands for a town's missing row: one mistake, one finding
    unknown_town = Counter(frame.key[i] for i in rows if frame.unit[i] is None)
    rows = [i for i in rows if frame.unit[i] is not None]
    rows = stop(rows, "T304", rules.duplicate, "编号")
    present = {(frame.unit[i], frame.key[i]) for i in rows}
    if errors:
        for column in (score, "扣分说明"):
            rows = stop(rows, "F117", lambda rs, column=column: rules.error_value(rs, column), column)
    rows = stop(rows, "V408", rules.merged)
    rows = stop(rows, "F107", rules.formula_without_value)
    applies = [i for i in rows if rules.crit(i).applies(frame.unit[i])]  # type: ignore[arg-type]
    not_applicable = [i for i in rows if not rules.crit(i).applies(frame.unit[i])]  # type: ignore[arg-type]
    found.flag("V410", rules.not_applicable_filled(not_applicable), score)
    rows = stop(applies, "T306", rules.blank)
    rows = stop(rows, "V407", rules.not_applicable_text)
    rows = values.check_scores(found, rows, score, rules.subject, rules.points, rubric.precision)
    found.flag("V409", rules.no_note(rows), "扣分说明")
    ignored = set(not_applicable)  # their value is not read: the criterion does not apply
    order = sorted(rows + not_applicable)
    score_rows = [allowed[frame.key[i]] for i in order]
    notes: dict[str, str] = {}  # one string per distinct note: the same reasons repeat down a sheet
    d = frame.decimals if rows else []
    ctx.tables.scores.add_columns(
        [frame.unit[i] for i in order], [x.criterion.id for x in score_rows], [x.period for x in score_rows],  # type: ignore[misc]
        [None if i in ignored else d[i] for i in order],
        [notes.setdefault(n, n) for n in (frame.note[i] for i in order)], [frame.row[i] for i in order],
        SheetRef(ctx.file, sheet.name, col[score]))
    found.done()
    for unit in rubric.units:
        for rid, row in allowed.items():
            if (unit.id, rid) not in present:
                if unknown_town[rid]:
                    unknown_town[rid] -= 1
                    continue
                ctx.add("T305", f"缺少 {unit.name} 细则 {rid}（{row.criterion.name}）的行", sheet.name)


# --- 指标 ---------------------------------------------------------------------------------------


def check_figure_sheet(ctx: FileContext, sheet: SheetStream, head: int, col: dict[str, int], dept_id: str) -> None:
    rubric = ctx.rubric
    expected = {(fr.unit_id, fr.criterion.id, _key(fr.input.name)): fr for fr in L.figure_rows(rubric, dept_id)}
    found = Findings(ctx, Frame(sheet, col))
    frame = found.frame = read_frame(ctx, sheet, head, col, "编号", "数值", "指标", found)
    value = "数值"

    names: dict[str, str] = {}  # the indicator names repeat on every town's rows
    keys = [(u, k, names.get(n) or names.setdefault(n, _key(n)))
            for u, k, n in zip(frame.unit, frame.key, frame.note, strict=True)]
    rows_of = [expected.get(k) for k in keys]  # type: ignore[call-overload]

    def key(i: int) -> tuple[str, str, str]:
        return keys[i]  # type: ignore[return-value]

    def where(i: int) -> str:
        fr = rows_of[i]
        return f"{rubric.unit[fr.unit_id].name} {fr.criterion.id} {fr.input.name}"  # type: ignore[union-attr]

    def stop(rows: list[int], code: str, flagged: Flagged, column: str = value) -> list[int]:
        gone = found.flag(code, flagged, column)
        return [i for i in rows if i not in gone] if gone else rows

    unknown_town = Counter(keys[i][1:] for i in range(len(frame.row)) if frame.unit[i] is None)
    rows = [i for i in range(len(frame.row)) if frame.unit[i] is not None]
    errors = sheet.errors

    def town(i: int) -> str:
        return f"{rubric.unit[frame.unit[i]].name} "  # type: ignore[index]

    if errors:  # an error value is never a blank, and never a name (F117)
        for column in ("编号", "指标"):
            rows = stop(rows, "F117", error_values(frame, rows, column, town), column)
    rows = stop(rows, "I705", [(i, f"{rubric.unit[frame.unit[i]].name} 的指标“{show(frame.key[i])} "  # type: ignore[index]
                                   f"{show(frame.note[i])}”不在评估细则中") for i in rows if rows_of[i] is None], "指标")
    seen: set[tuple[str, str, str]] = set()
    twice = []
    for i in rows:
        if key(i) in seen:
            twice.append((i, f"{rubric.unit[frame.unit[i]].name} 的指标“{rows_of[i].input.name}”出现了多行"))  # type: ignore[index, union-attr]
        seen.add(key(i))
    rows = stop(rows, "I706", twice, "指标")
    if errors:
        rows = stop(rows, "F117", error_values(frame, rows, value, town), value)
    rows = stop(rows, "F107", formulas_without_value(frame, rows, value, lambda i: f"{where(i)} ", named=False), value)
    empty = frame.blank
    rows = stop(rows, "I701", [(i, f"{where(i)} 没有填写数值") for i in rows if empty[i]])
    rows = values.check_figures(
        found, rows, value, lambda i: f"{where(i)} 的数值",
        divides=lambda i: rows_of[i].criterion.divides_by(rows_of[i].input.id),  # type: ignore[union-attr]
        zero=lambda i: f"{rubric.unit[rows_of[i].unit_id].name} {rows_of[i].criterion.id} 的“{rows_of[i].input.name}”")  # type: ignore[union-attr]
    d = frame.decimals
    ref = SheetRef(ctx.file, sheet.name, col[value])
    ctx.tables.figures += [FigureEntry(fr.unit_id, fr.criterion.id, fr.input.id, d[i], frame.row[i], ref)  # type: ignore[arg-type]
                           for i in rows if (fr := rows_of[i]) is not None]
    found.done()
    for k, fr in expected.items():
        if k not in seen:
            if unknown_town[k[1:]]:  # the row with the misspelt town (T301) is this one
                unknown_town[k[1:]] -= 1
                continue
            ctx.add("I701", f"缺少 {rubric.unit[fr.unit_id].name} {fr.criterion.id} 指标“{fr.input.name}”的行", sheet.name)
