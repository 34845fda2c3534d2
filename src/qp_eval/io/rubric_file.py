"""Reading a rubric file: only a regular file, never more than a rubric can be, in UTF-8; then
``core.rubric_checks.load_text`` checks it."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import RubricError
from ..core.findings import Finding
from ..core.rubric import Rubric
from ..core.rubric_checks import stray_years
from ..core.rubric_load import decode_rubric, load_text
from ..core.yamlsource import MAX_BYTES, YamlLimit
from .files import NotRegularFile, TooLarge, read_regular
from .oserrors import os_reason


def read_rubric_text(path: Path) -> str:
    """The rubric file's text (UTF-8, with or without a BOM); ValueError in Chinese, never errno text
    (YamlLimit when it is larger than any rubric)."""
    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise ValueError("找不到这个文件") from None
    except IsADirectoryError:
        raise ValueError("这是一个目录，不是评估细则文件") from None
    except PermissionError:
        raise ValueError("没有读取这个文件的权限") from None
    except NotRegularFile:
        raise ValueError("不是普通文件（是管道、设备或套接字），无法作为评估细则读取") from None
    except TooLarge as e:
        raise YamlLimit(f"文件有 {e.size / 1_000_000:.1f} MB，超过评估细则的上限 {MAX_BYTES // 1_000_000} MB", None) from None
    except OSError as e:
        raise ValueError(f"无法读取这个文件（{os_reason(e, writing=False)}）") from None
    return decode_rubric(raw)


def load_rubric(path: str | Path) -> Rubric:
    """Load and check a rubric file; raises ``RubricError`` listing every problem."""
    name = str(path)
    try:
        text = read_rubric_text(Path(path))
    except YamlLimit as e:
        raise RubricError(name, [Finding.of(e.code, str(e), file=name)]) from None
    except ValueError as e:
        raise RubricError(name, [Finding.of("R001", str(e), file=name)]) from None
    return load_text(text, name)


def rubric_warnings(path: str | Path, rubric: Rubric) -> list[Finding]:
    """What ``rubric check`` notes of a rubric it passes: criterion text naming a year that is neither
    the rubric's nor the year before (R024), with its line."""
    try:
        text = read_rubric_text(Path(path))
    except (ValueError, YamlLimit):
        return []
    return [Finding.of("R024", f"提到 {'、'.join(str(y) for y in years)} 年：{_clip(line)}", file=str(path), line=n)
            for n, line, years in stray_years(text, {rubric.year, rubric.year - 1})]


def _clip(line: str, most: int = 40) -> str:
    return line if len(line) <= most else line[:most] + "…"
