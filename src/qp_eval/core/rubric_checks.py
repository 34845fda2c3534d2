"""A rubric from its text: YAML syntax, the model, then the rules across fields (``io.rubric_file`` reads the file).

Every problem becomes a ``Finding`` that names the file and the YAML line; all of them
are collected before ``RubricError`` is raised, so the bureau fixes a file in one pass.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterator
from decimal import Decimal

import yaml
from pydantic import BaseModel, ValidationError

from .errors import RubricError
from .findings import Finding
from .names import MAX_FILE_NAME_BYTES, NAMED_FILES, TEMP_NAME_BYTES
from .numbers import places
from .rubric import Rubric
from .text import normalize_name, safe_file_name
from .yamlsource import Path_, Source, YamlLimit, parse

Problem = tuple[str, Path_, str]  # code, path in the YAML, Chinese message


def decode_rubric(raw: bytes) -> str:
    """A rubric file's text from its bytes (UTF-8, with or without a BOM); ValueError in Chinese naming
    the encoding it is in when it is not UTF-8."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ValueError("文件是 UTF-32 编码，请用记事本或 WPS 打开后“另存为”UTF-8 编码")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:400:2] or b"\x00" in raw[1:400:2]:
        raise ValueError("文件是 UTF-16 编码（或含有 NUL 字节），请用记事本或 WPS 打开后“另存为”UTF-8 编码")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            raw.decode("gb18030")
            what = "GBK（GB2312）"
        except UnicodeDecodeError:
            what = "无法识别的"
        raise ValueError(f"文件是 {what} 编码，不是 UTF-8；请用记事本或 WPS 打开后“另存为”UTF-8 编码") from None


YAML_PROBLEMS = (  # what PyYAML says, and what it means for a person editing the file
    ("did not find expected ',' or ']'", "方括号 [ ] 中缺少逗号，或没有右方括号 ]"),
    ("did not find expected ',' or '}'", "花括号 { } 中缺少逗号，或没有右花括号 }"),
    ("mapping values are not allowed", "这里不能出现冒号；值里含冒号时，请给整个值加引号"),
    ("found a tab character", "含有制表符（Tab），请改用空格缩进"),
    ("found character '\\t' that cannot start any token", "含有制表符（Tab），请改用空格缩进"),
    ("found character '\t' that cannot start any token", "含有制表符（Tab），请改用空格缩进"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("did not find expected key", "缩进不对，或缺少键名"),
    ("did not find expected '-' indicator", "列表项缩进不对，或缺少“- ”"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found undefined alias", "使用了没有定义的别名（*名称）"),
    ("expected <block end>, but found", "缩进不一致"),
    ("found duplicate anchor", "锚点（&名称）重复"),
    ("found character that cannot start any token", "含有不能出现在这里的字符（常见的是制表符 Tab：请改用空格缩进）"),
    ("unacceptable character", "含有不允许出现的控制字符（如 NUL、ESC）；评估细则应是纯文本"),
    ("could not determine a constructor for the tag", "使用了评估细则不支持的标签（以 ! 开头，如 !foo）"),
    ("but found another document", "文件中有不止一个文档（用 --- 分隔）；评估细则只能有一个"),
    ("expected a single document", "文件中有不止一个文档（用 --- 分隔）；评估细则只能有一个"),
    ("exceeded maximum nesting depth", "嵌套过深"),
    ("found unknown escape character", "引号中有无法识别的转义字符（\\ 后面的字符）"),
)


def yaml_problem(problem: str, context: str | None = None) -> str:
    """PyYAML's problem in Chinese where we know it; otherwise its own words, marked as such."""
    for english, chinese in YAML_PROBLEMS:
        if problem.startswith(english) or (context and context.startswith(english)):
            return chinese
    return f"格式不正确（解析器提示：{problem}）"


def load_text(text: str, name: str) -> Rubric:
    """A rubric from its text (``name``: the file it is or will be, for the findings)."""
    try:
        src = parse(text)
    except YamlLimit as e:
        raise RubricError(name, [Finding.of(e.code, str(e), file=name, line=e.line)]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        if isinstance(e, yaml.reader.ReaderError):  # a character no YAML may hold: its place from the position
            before = text.encode("utf-8")[:e.position].decode("utf-8", "replace")  # libyaml counts bytes
            mark = yaml.Mark(name, e.position, before.count("\n"), len(before) - (before.rfind("\n") + 1), None, None)
        elif "quoted scalar" in str(getattr(e, "context", "")) and getattr(e, "context_mark", None) is not None:
            mark = e.context_mark  # an unclosed quote: where it opens, not where the file ends
        line = mark.line + 1 if mark is not None else None
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark is not None else ""
        said = getattr(e, "problem", None) or str(e)
        problem = yaml_problem(said, getattr(e, "context", None))
        code = "R022" if said.startswith("exceeded maximum nesting depth") else "R001"
        raise RubricError(name, [Finding.of(code, f"YAML 格式错误，{where}{problem}", file=name, line=line)]) from None
    findings = [
        Finding.of("R014", f"键 “{p[-1]}” 在同一层级重复出现", file=name, line=line)
        for p, line in src.duplicate_keys
    ]
    if not isinstance(src.data, dict):
        findings.append(Finding.of("R001", "文件内容不是一个映射（键: 值）", file=name, line=1))
        raise RubricError(name, findings)
    findings += _renamed_keys(src, name)
    try:
        rubric = Rubric.model_validate(src.data)
    except ValidationError as e:
        errors = e.errors()
        findings += [_from_pydantic(err, src, name) for err in errors[:MAX_LISTED]]
        if len(errors) > MAX_LISTED:  # a file of thousands of mistakes: the first ones say what is wrong
            findings.append(Finding.of("R003", f"另有 {len(errors) - MAX_LISTED} 处问题未列出；请先修正以上各处", file=name))
        raise RubricError(name, findings) from None
    findings += [
        Finding.of(code, msg, file=name, line=src.line_of(p)) for code, p, msg in cross_checks(rubric)
    ]
    if findings:
        raise RubricError(name, findings)
    return rubric


def _renamed_keys(src: Source, name: str) -> list[Finding]:
    """Keys of older rubrics, reported under their new name and read as it (so one pass finds the rest)."""
    out: list[Finding] = []
    items = src.data.get("items") if isinstance(src.data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and "no" in item and "number" not in item:
            line = src.lines.get(("items", i, "no"))
            out.append(Finding.of("R016", f"项目的序号键 “no: {item['no']}” 请改为 “number: {item['no']}”", file=name,
                                  line=line))
            item["number"] = item.pop("no")
            if line is not None:
                src.lines[("items", i, "number")] = line
    return out


# --- pydantic errors to findings ---------------------------------------------------


def _data_path(data: object, loc: tuple[object, ...]) -> Path_:
    """The part of a pydantic ``loc`` that exists in the data (drops union tags)."""
    out: list[object] = []
    cur = data
    for el in loc:
        if isinstance(cur, dict) and el in cur:
            cur = cur[el]
            out.append(el)
        elif isinstance(cur, list) and isinstance(el, int) and 0 <= el < len(cur):
            cur = cur[el]
            out.append(el)
        elif isinstance(cur, dict | list):
            continue  # a tag such as 'ratio_at_least', or a missing field
        else:
            break
    return tuple(out)


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out += _models_in(arg)
    return out


def _model_at(data: object, path: Path_) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Rubric
    cur = data
    for el in path:
        if isinstance(el, int):
            cur = cur[el]  # type: ignore[index]
            continue
        if model is None or el not in model.model_fields:
            return None
        cur = cur[el]  # type: ignore[index]
        candidates = _models_in(model.model_fields[el].annotation)
        model = _pick(candidates, cur)
    return model


def _pick(candidates: list[type[BaseModel]], value: object) -> type[BaseModel] | None:
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    items = value if isinstance(value, list) else [value]
    kind = next((v.get("kind") for v in items if isinstance(v, dict)), None)
    for m in candidates:
        ann = m.model_fields.get("kind")
        if ann is not None and kind in typing.get_args(ann.annotation):
            return m
    return None


MAX_LISTED = 200  # problems listed from one rubric


def _from_pydantic(err: dict, src: Source, file: str) -> Finding:
    loc = tuple(err["loc"])
    path = _data_path(src.data, loc)
    line = src.line_of(path)
    where = ".".join(str(x) for x in loc)
    etype = err["type"]
    if etype == "extra_forbidden":
        key = loc[-1]
        model = _model_at(src.data, path[:-1])
        allowed = sorted(model.model_fields) if model else []
        near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
        hint = f"是否想写 “{near[0]}”？" if near else ("可用的键：" + "、".join(allowed) if allowed else "")
        return Finding.of("R002", f"未知的键 “{key}”（位置 {where}）。{hint}", file=file, line=line)
    if etype.startswith("date") or etype.startswith("datetime"):
        return Finding.of("R011", f"{where} 的值 “{err.get('input')}” 不是有效日期", file=file, line=line)
    if etype == "missing":
        return Finding.of("R003", f"缺少必填项 {where}", file=file, line=line)
    if etype == "union_tag_invalid":
        return Finding.of("R003", f"{where} 的规则类型 kind 无效：{err.get('input')!r}", file=file, line=line)
    return Finding.of("R003", f"{where}：{_msg_zh(err)}（输入值 {_short(err.get('input'))}）", file=file, line=line)


_ZH = {
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "必须不小于 {ge}",
    "less_than_equal": "必须不大于 {le}",
    "too_short": "至少需要 {min_length} 项",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "decimal_parsing": "必须是数字",
    "decimal_type": "必须是数字",
    "string_type": "必须是文字",
    "bool_type": "必须是 true 或 false",
    "bool_parsing": "必须是 true 或 false",
    "literal_error": "只能是 {expected}",
    "tuple_type": "必须是列表",
    "model_type": "必须是一个映射（键: 值）",
    "model_attributes_type": "必须是一个映射（键: 值）",
    "union_tag_not_found": "缺少规则类型 kind",
    "finite_number": "必须是有限的数",
    "value_error": "{error}",
    "less_than": "必须小于 {lt}",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "int_from_float": "必须是整数",
    "dict_type": "必须是一个映射（键: 值）",
    "list_type": "必须是列表",
    "too_long": "最多 {max_length} 项",
    "string_too_short": "至少 {min_length} 个字",
    "string_too_long": "最多 {max_length} 个字",
    "decimal_max_digits": "最多 {max_digits} 位数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分最多 {whole_digits} 位",
    "enum": "只能是 {expected}",
    "frozen_set_type": "必须是列表",
    "set_type": "必须是列表",
    "date_from_datetime_inexact": "必须是日期",
}


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _msg_zh(err: dict) -> str:
    template = _ZH.get(err["type"])
    if template is None:
        return f"值无效（{err['type']}）"  # never pydantic's English sentence
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


# --- rules across fields ------------------------------------------------------------


def cross_checks(r: Rubric) -> Iterator[Problem]:
    yield from _duplicates(r)
    yield from _references(r)
    yield from _aliases(r)
    yield from _points(r)
    yield from _rules(r)
    yield from _grades(r)
    yield from _file_names(r)




def _file_names(r: Rubric) -> Iterator[Problem]:
    """Names that become file names (letters, templates): never blank or with control characters, never
    two that become the same file name (on a system that ignores case, too), never too long."""
    for key, what in (("units", "街镇"), ("departments", "科室")):
        seen: dict[str, str] = {}
        for i, x in enumerate(getattr(r, key)):
            name = x.name
            if not name.strip() or any(not ch.isprintable() for ch in name):
                yield ("R019", (key, i, "name"), f"{what}名称 “{name!r}” 为空、只有空格或含有控制字符")
                continue
            file = safe_file_name(name).casefold()
            if file in seen:
                yield ("R020", (key, i, "name"),
                       f"{what} “{name}” 和 “{seen[file]}” 生成的文件名相同（{safe_file_name(name)}），函告或评分表会互相覆盖")
            seen.setdefault(file, name)
            longest = max(len(made(r.year, safe_file_name(name)).encode("utf-8")) for made in NAMED_FILES[key])
            if longest + TEMP_NAME_BYTES > MAX_FILE_NAME_BYTES:
                yield ("R021", (key, i, "name"), f"{what}名称 “{name[:20]}…” 过长：生成的文件名有 {longest} 字节，"
                                                 f"加上写入时的临时后缀（{TEMP_NAME_BYTES} 字节）超过文件系统允许的 "
                                                 f"{MAX_FILE_NAME_BYTES} 字节")


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
    from .layout import row_id
    from .text import normalize_name

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
