"""A rubric from its text: YAML syntax, then the model (``io.rubric_file`` reads the file; the rules across
fields are ``rubric_checks``).

Every problem becomes a ``Finding`` that names the file and the YAML line; all of them are collected
before ``RubricError`` is raised, so the bureau fixes a file in one pass. PyYAML's and pydantic's
messages are said in Chinese.
"""

from __future__ import annotations

import difflib
import typing

import yaml
from pydantic import BaseModel, ValidationError

from .errors import RubricError
from .findings import Finding
from .rubric import Rubric
from .rubric_checks import cross_checks
from .yamlsource import Path_, Source, YamlLimit, parse


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
