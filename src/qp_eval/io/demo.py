"""The example year shipped inside the package (``src/qp_eval/example/``), copied into a folder of its
own for ``qp-eval demo``: the same files on every platform, read through ``importlib.resources``."""

from __future__ import annotations

import os
import shutil
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..core.errors import WorkspaceError
from ..core.names import DEMO_MARK


def copy_example(target: Path) -> bool:
    """The example workspace copied into ``target`` (made when absent). A folder that an earlier demo
    made (it holds ``DEMO_MARK``) starts afresh; any other folder with something in it is refused, so
    that a demo never mixes with a real year. Returns whether an earlier demo was replaced."""
    try:
        entries = list(target.iterdir()) if target.is_dir() else None
    except OSError as e:
        raise WorkspaceError(f"无法读取目录 {target}：{e.strerror or e}。") from None
    if target.exists() and entries is None:
        raise WorkspaceError(f"{target} 是一个文件，不是目录；请另指定一个目录：qp-eval demo 示例目录")
    earlier = bool(entries) and (target / DEMO_MARK).is_file()
    if entries and not earlier:
        raise WorkspaceError(f"目录 {target} 中已有其他文件；示例年度要复制到一个新的（或空的）目录，"
                             f"如：qp-eval demo {target.name}-2")
    fresh = target.parent / f".{target.name}.qp{os.getpid()}-new"
    shutil.rmtree(fresh, ignore_errors=True)
    _copy(resources.files("qp_eval") / "example", fresh)
    (fresh / DEMO_MARK).write_text("本目录由 qp-eval demo 生成，再次运行 qp-eval demo 时整个替换。\n", encoding="utf-8")
    if entries is not None:  # the earlier demo (or an empty folder) set aside, then the new one in its place
        old = target.parent / f".{target.name}.qp{os.getpid()}-old"
        target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh.rename(target)
    return earlier


def _copy(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True)
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            _copy(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())
