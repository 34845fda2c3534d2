"""The rules across a rubric's fields, each a generator of (code, path in the YAML, Chinese message):
duplicate ids, references, aliases, points that add up, rule parameters, grade bands, and names that
make good file names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from .layout import SHEET_ROWS, measured_criteria, row_id, scored_criteria
from .names import MAX_FILE_NAME_BYTES, MAX_PATH, TEMP_NAME_BYTES, WORKSPACE_ROOM, made_from, name_part, windows_trouble
from .numbers import places
from .rubric import Rubric
from .text import normalize_name
from .yamlsource import Path_

Problem = tuple[str, Path_, str]  # code, path in the YAML, Chinese message


# --- rules across fields ------------------------------------------------------------


def cross_checks(r: Rubric) -> Iterator[Problem]:
    yield from _duplicates(r)
    yield from _references(r)
    yield from _aliases(r)
    yield from _points(r)
    yield from _rules(r)
    yield from _grades(r)
    yield from _file_names(r)
    yield from _sheet_rows(r)




def _file_names(r: Rubric) -> Iterator[Problem]:
    """Names that become file names (letters, templates, their copies): never blank or with control
    characters, never two that become the same file name (on a system that ignores case, too), never one
    Windows cannot hold, never too long for a file name or for a Windows path in the default layout."""
    for key, what in (("units", "街镇"), ("departments", "科室")):
        seen: dict[str, str] = {}
        for i, x in enumerate(getattr(r, key)):
            name = x.name
            if not name.strip() or any(not ch.isprintable() for ch in name):
                yield ("R019", (key, i, "name"), f"{what}名称 “{name!r}” 为空、只有空格或含有控制字符")
                continue
            trouble = windows_trouble(name, characters=False)  # those become _ (R020 tells two such names apart)
            if trouble:
                yield ("R025", (key, i, "name"), f"{what}名称 “{name}” {trouble}")
            file = name_part(name).casefold()
            if file in seen:
                yield ("R020", (key, i, "name"),
                       f"{what} “{name}” 和 “{seen[file]}” 生成的文件名相同（{name_part(name)}），函告或评分表会互相覆盖")
            seen.setdefault(file, name)
            paths = made_from(key, r.year, name)
            longest = max(len(p.rsplit("/", 1)[1].encode("utf-8")) for p in paths)
            if longest + TEMP_NAME_BYTES > MAX_FILE_NAME_BYTES:
                yield ("R021", (key, i, "name"), f"{what}名称 “{name[:20]}…” 过长：生成的文件名有 {longest} 字节，"
                                                 f"加上写入时的临时后缀（{TEMP_NAME_BYTES} 字节）超过文件系统允许的 "
                                                 f"{MAX_FILE_NAME_BYTES} 字节")
                continue
            deepest = max(paths, key=len)
            room = MAX_PATH - 1 - WORKSPACE_ROOM - TEMP_NAME_BYTES  # the final NUL; the workspace's own folder
            if len(deepest) > room:
                yield ("R026", (key, i, "name"), f"{what}名称 “{name[:20]}…” 过长：工作目录中的 {deepest} 有 {len(deepest)} 个字符，"
                                                 f"在 Windows 上加上工作目录本身（按 {WORKSPACE_ROOM} 个字符计）和写入时的临时后缀，"
                                                 f"超过 {MAX_PATH} 个字符的路径限制")


def _dups(values: list[object], path: Path_, field: str, what: str) -> Iterator[Problem]:
    seen: set[object] = set()
    for i, v in enumerate(values):
        if v in seen:
            yield ("R005", path + (i, field), f"{what}编号 “{v}” 重复")
        seen.add(v)


def _duplicates(r: Rubric) -> Iterator[Problem]:
    yield from _dups([u.id for u in r.units], ("units",), "id", "街镇")
    yield from _dups([d.id for d in r.departments], ("departments",), "id", "科室")
    yield from _dups([i.number for i in r.items], ("items",), "number", "项目")

    seen: set[str] = set()
    rows: dict[str, str] = {}  # each score row's id (1.2, or 1.2-Q1 for a quarter) -> the criterion it is of
    for i, item in enumerate(r.items):
        for j, c in enumerate(item.criteria):
            if c.id in seen:
                yield ("R005", ("items", i, "criteria", j, "id"), f"细则编号 “{c.id}” 重复")
            seen.add(c.id)
            labels = c.periods.labels if c.periods else (None,)
            if c.periods:
                odd = [x for x in labels if not x or normalize_name(x) != x]
                if odd:
                    yield ("R005", ("items", i, "criteria", j, "periods", "labels"),
                           f"细则 {c.id} 的分期名称 “{odd[0]}” 为空或含有空格")
                yield from _dups(list(labels), ("items", i, "criteria", j, "periods"), "labels", f"细则 {c.id} 的分期")
            for label in labels:
                rid = row_id(c.id, label)
                if rid in rows and rows[rid] != c.id:
                    yield ("R005", ("items", i, "criteria", j, "id"),
                           f"评分表中的编号 “{rid}” 既是细则 {rows[rid]} 的，又是细则 {c.id} 的")
                rows.setdefault(rid, c.id)
            if c.measure:
                base = ("items", i, "criteria", j, "measure", "inputs")
                yield from _dups([x.id for x in c.measure.inputs], base, "id", "指标")
    yield from _dups([c.id for c in r.problems.categories], ("problems", "categories"), "id", "问题类别")
    yield from _dups([x.grade for x in r.highlights.ratings], ("highlights", "ratings"), "grade", "亮点等级")
    yield from _dups([g.name for g in r.grades], ("grades",), "name", "等次")


def _references(r: Rubric) -> Iterator[Problem]:
    depts = set(r.department)
    units = set(r.unit)
    for i, item in enumerate(r.items):
        if item.department not in depts:
            yield ("R004", ("items", i, "department"), f"第 {item.number} 项的评估科室 “{item.department}” 未定义")
        for k, a in enumerate(item.assists):
            if a not in depts:
                yield ("R004", ("items", i, "assists", k), f"第 {item.number} 项的协评科室 “{a}” 未定义")
        for j, c in enumerate(item.criteria):
            p = ("items", i, "criteria", j)
            if c.department is not None and c.department not in depts:
                yield ("R004", p + ("department",), f"细则 {c.id} 的评估科室 “{c.department}” 未定义")
            for k, u in enumerate(c.applies_to or ()):
                if u not in units:
                    yield ("R004", p + ("applies_to", k), f"细则 {c.id} 适用的街镇 “{u}” 未定义")


def _aliases(r: Rubric) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for i, u in enumerate(r.units):
        for k, key in enumerate((u.id, u.name, *u.aliases)):
            n = normalize_name(key)
            if n in owner and owner[n] != u.id:
                p: Path_ = ("units", i, "aliases", k - 2) if k >= 2 else ("units", i)
                yield ("R008", p, f"“{key}” 同时指向 {owner[n]} 和 {u.id}")
            owner.setdefault(n, u.id)


def _points(r: Rubric) -> Iterator[Problem]:
    total = Decimal(0)
    for i, item in enumerate(r.items):
        total += item.points
        s = sum((c.points for c in item.criteria), Decimal(0))
        if s != item.points:
            yield ("R006", ("items", i, "points"), f"第 {item.number} 项分值 {item.points}，其细则分值之和为 {s}")
        for j, c in enumerate(item.criteria):
            if places(c.points) > r.precision:
                yield ("R015", ("items", i, "criteria", j, "points"), f"细则 {c.id} 分值 {c.points} 的小数位多于 {r.precision} 位")
    amounts: list[tuple[Path_, Decimal]] = [(("highlights", "cap"), r.highlights.cap), (("problems", "cap"), r.problems.cap)]
    amounts += [(("highlights", "ratings", k, "bonus"), x.bonus) for k, x in enumerate(r.highlights.ratings)]
    for k, cat in enumerate(r.problems.categories):
        amounts.append((("problems", "categories", k, "deduction"), cat.deduction))
        if cat.max_per_case is not None:
            amounts.append((("problems", "categories", k, "max_per_case"), cat.max_per_case))
    for k, cat in enumerate(r.problems.categories):
        if cat.max_per_case is not None and cat.deduction > cat.max_per_case:
            yield ("R010", ("problems", "categories", k, "deduction"),
                   f"问题类别 “{cat.name}” 的默认扣分 {cat.deduction} 超过每起上限 {cat.max_per_case}")
    for i, u in enumerate(r.units):
        if not any(c.applies(u.id) for c in r.criteria.values()):
            yield ("R018", ("units", i), f"街镇 “{u.name}” 没有任何适用的细则，无法计分")
    for path, value in amounts:  # bonus and deductions stay at the precision, so the published parts add up
        if places(value) > r.precision:
            yield ("R015", path, f"{'.'.join(map(str, path))} 的值 {value} 的小数位多于 {r.precision} 位")
    if total != r.total_points:
        yield ("R007", ("total_points",), f"总分 {r.total_points}，各项目分值之和为 {total}")


def _rules(r: Rubric) -> Iterator[Problem]:
    for i, item in enumerate(r.items):
        for j, c in enumerate(item.criteria):
            if c.measure is None:
                continue
            p = ("items", i, "criteria", j, "measure", "rule")
            declared = {x.id for x in c.measure.inputs}
            for used in c.measure.rule.input_ids():
                if used not in declared:
                    yield ("R009", p, f"细则 {c.id} 的规则用到指标 “{used}”，但 inputs 中没有声明")
            for fld, msg in c.measure.rule.range_problems():
                yield ("R010", p + (fld,), f"细则 {c.id}：{msg}")


def _grades(r: Rubric) -> Iterator[Problem]:
    bands = r.grades
    top = bands[0]
    if top.max is not None:
        yield ("R013", ("grades", 0, "max"), f"最高等次 “{top.name}” 不应设上限，否则高于 {top.max} 分的得分没有等次")
    for i, band in enumerate(bands):
        last = i == len(bands) - 1
        if band.min is None and not last:
            yield ("R013", ("grades", i), f"等次 “{band.name}” 缺少最低分 min（只有最低等次可以省略）")
            return
        if last and band.quota is not None and i > 0:
            yield ("R017", ("grades", i, "quota"), f"最低等次 “{band.name}” 接收其余所有街镇，不能设名额比例 quota")
        if last and band.min is not None and band.min > 0:
            yield ("R013", ("grades", i, "min"), f"最低等次 “{band.name}” 从 {band.min} 分起，低于此分的得分没有等次")
        if i == 0:
            continue
        higher = bands[i - 1]
        assert higher.min is not None
        if band.min is not None and band.min >= higher.min:
            yield ("R012", ("grades", i, "min"), f"等次 “{band.name}” 的最低分 {band.min} 不低于上一等次 “{higher.name}” 的 {higher.min}")
        elif band.max is not None and band.max > higher.min:
            yield ("R012", ("grades", i, "max"), f"等次 “{band.name}” 的上限 {band.max} 与 “{higher.name}”（≥ {higher.min}）重叠")
        elif band.max is not None and band.max < higher.min:
            yield ("R013", ("grades", i, "max"), f"等次 “{band.name}” 的上限 {band.max} 与 “{higher.name}”（≥ {higher.min}）之间有空档")


# --- years named in the text ------------------------------------------------------

# 2023年度, 2024年, a span 2024-2026年 / 2024至2026年 (a 年 after the year: 2024-12-10 is a date, not this)
_YEAR_MENTION = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-—–~～至到]\s*((?:19|20)\d{2}))?\s*年")
_KEY_DATE = re.compile(r"^\s*[A-Za-z_]+:\s*\d{4}-\d{2}-\d{2}\s*(?:#.*)?$")


def stray_years(text: str, allowed: set[int]) -> list[tuple[int, str, list[int]]]:
    """Lines of a rubric's text that name a year outside ``allowed`` (a span counts when it holds none of
    them): (line number, the line, the years). Comments, ``year:`` and dates are left out: ``init``
    moves those on itself."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        body = re.sub(r"\s#.*$", "", line)
        if body.lstrip().startswith("#") or body.lstrip().startswith("year:") or _KEY_DATE.match(body):
            continue
        years = []
        for m in _YEAR_MENTION.finditer(body):
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else lo
            if not any(lo <= y <= hi for y in allowed):
                years.append(lo if lo == hi else hi)
        if years:
            out.append((n, line.strip(), years))
    return out



def _sheet_rows(r: Rubric) -> Iterator[Problem]:
    """A department's 评分 sheet (a row per town, criterion and quarter) or 指标 sheet (a row per town and
    figure) that Excel could not hold: Excel and WPS open such a file without its last rows, or not at all."""
    towns = len(r.units)
    for i, d in enumerate(r.departments):
        scores = towns * sum(len(c.periods.labels) if c.periods else 1 for c in scored_criteria(r, d.id))
        figures = sum((towns if c.applies_to is None else len(c.applies_to)) * len(c.measure.inputs)
                      for c in measured_criteria(r, d.id) if c.measure is not None)
        for sheet, rows in (("评分", scores), ("指标", figures)):
            if rows + 1 > SHEET_ROWS:
                yield ("R027", ("departments", i), f"科室 “{d.name}” 的“{sheet}”表将有 {rows:,} 行（另有表头一行），"
                                                   f"超过 Excel 和 WPS 一张工作表最多 {SHEET_ROWS:,} 行的上限")
