"""YAML to plain Python values, remembering the line of every key and item.

Numbers with a fraction become ``Decimal`` from their written text (0.035 stays 0.035),
dates stay text for the model to parse (so "2024-13-45" is a finding, not a crash), and a
key written twice in one mapping is reported rather than silently overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml

Path_ = tuple[object, ...]


# libyaml's parser where available (ten times faster on a province-sized rubric)
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return loader.construct_yaml_float(node)  # .inf, .nan


def _plain(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    return str(loader.construct_scalar(node))


# YAML 1.2 booleans only: in YAML 1.1 a key "no" (an item's number) would become False.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _plain)


MAX_BYTES = 5_000_000  # a province's rubric is a few hundred kilobytes
MAX_NODES = 200_000  # values read, counting every expansion of an alias (a nested-alias bomb is refused early)
MAX_DEPTH = 40  # mappings and lists inside each other


class YamlLimit(Exception):
    """The file asks for more than a rubric can need; ``line`` is where it was noticed."""

    code = "R022"

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


class YamlNumber(YamlLimit):
    """A number no rubric means: not finite, too many digits, or out of any sane range."""

    code = "R023"


class YamlShape(YamlLimit):
    """Valid YAML that no rubric can be: a key that is a list, a mapping or empty."""

    code = "R001"


MAX_DIGITS = 15  # digits of one number (points, targets, dates' parts): more is a typing accident
MAX_MAGNITUDE = Decimal(10) ** 9
_EXPONENT = re.compile(r"^[-+]?[0-9][0-9_]*(\.[0-9_]*)?[eE][-+]?[0-9]+$")
_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


def _check_number(node: yaml.ScalarNode, value: object) -> None:
    """Refuse, with its line, a number that cannot be meant (Python refuses to read ints of 4,300 digits)."""
    line = node.start_mark.line + 1
    text = str(node.value)
    if sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        raise YamlNumber(f"数字“{text[:20]}{'…' if len(text) > 20 else ''}”有 {sum(ch.isdigit() for ch in text)} 位，"
                         f"超过 {MAX_DIGITS} 位", line)
    if isinstance(value, float) or (isinstance(value, Decimal) and not value.is_finite()):
        raise YamlNumber(f"“{text}”不是有限的数（评估细则中不能写 .nan、.inf）", line)
    if isinstance(value, Decimal | int) and not isinstance(value, bool) and abs(value) >= MAX_MAGNITUDE:
        raise YamlNumber(f"数字 {text} 超出合理范围（应小于 10 亿）", line)


@dataclass
class Source:
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)  # path -> 1-based line
    duplicate_keys: list[tuple[Path_, int]] = field(default_factory=list)
    nodes: int = 0

    def line_of(self, path: Path_) -> int | None:
        """The line of the deepest known prefix of ``path``."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


def parse(text: str) -> Source:
    """Parse YAML text; raises ``yaml.YAMLError`` (with a mark) on bad syntax and ``YamlLimit`` when the
    text, its nesting or its alias expansions are larger than any rubric needs."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlLimit(f"文件有 {len(text.encode('utf-8')) // 1_000_000} MB，超过评估细则的上限 {MAX_BYTES // 1_000_000} MB", None)
    if len(text) > _COUNT_FIRST:
        _count_events(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        src = Source(data=None)
        if node is not None:
            src.data = _build(loader, node, (), src)
        return src
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null",
                                                             "timestamp"))
_COUNT_FIRST = 512_000  # characters: a larger text is counted as a stream first, before any node is built
_MAX_EVENTS = 3 * MAX_NODES  # a key, a value and the ends of mappings and lists: about two events per value


def _count_events(text: str) -> None:
    """Refuse a text of more values than a rubric can hold while streaming it, in a fraction of the
    memory that building its nodes would take (a 5 MB flat list makes millions of them)."""
    for n, event in enumerate(yaml.parse(text, Loader=_Loader)):
        if n > _MAX_EVENTS:
            raise YamlLimit(f"内容超过 {MAX_NODES:,} 个值", event.start_mark.line + 1)


def _build(loader: _Loader, node: yaml.Node, path: Path_, src: Source) -> object:
    src.nodes += 1
    if src.nodes > MAX_NODES:
        raise YamlLimit(f"内容展开后超过 {MAX_NODES:,} 个值（多半是层层嵌套的别名 *名称）", node.start_mark.line + 1)
    if len(path) > MAX_DEPTH:
        raise YamlLimit(f"嵌套超过 {MAX_DEPTH} 层", node.start_mark.line + 1)
    src.lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:  # !!python/object and the like: never constructed, always refused
        raise YamlShape(f"使用了评估细则不支持的标签 {node.tag.replace('tag:yaml.org,2002:', '!!')}",
                        node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[object, object] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, Decimal) or (isinstance(key, int) and not isinstance(key, bool)):
                key = str(key)  # a key written as a number (1:) is the text it shows
            elif key is None or isinstance(key, list | dict):
                what = "空（~ 或 null）" if key is None else "列表或映射"
                raise YamlShape(f"键不能是{what}", key_node.start_mark.line + 1)
            line = key_node.start_mark.line + 1
            if key in out:
                src.duplicate_keys.append((path + (key,), line))
            src.lines[path + (key,)] = line
            out[key] = _build(loader, value_node, path + (key,), src)
            src.lines[path + (key,)] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, child, path + (i,), src) for i, child in enumerate(node.value)]
    if node.tag == _INT_TAG and sum(ch.isdigit() for ch in str(node.value)) > MAX_DIGITS:
        _check_number(node, None)  # before reading it: Python refuses ints of 4,300 digits
    value = loader.construct_object(node, deep=True)
    if node.tag in (_INT_TAG, _FLOAT_TAG):
        _check_number(node, value)
    elif not node.style and isinstance(value, str) and _EXPONENT.match(value):  # 1e400: YAML 1.1 reads
        _check_number(node, Decimal(value.replace("_", "")))  # it as text, and the model as a number
    return value
