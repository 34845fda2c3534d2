"""Exceptions for "cannot continue": each keeps its context and builds its own message.

The CLI prints ``str(error)`` once and exits with 2. Imports nothing of ours at module
level except for typing. (System errors, said in Chinese, are ``io.oserrors``.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .findings import Finding


class QpError(Exception):
    """Base of every error that stops a command (exit code 2)."""


class RubricError(QpError):
    """A rubric that cannot be used: every problem found, each with its file and line."""

    def __init__(self, path: str, findings: list[Finding]):
        super().__init__(path)
        self.path = path
        self.findings = findings

    def __str__(self) -> str:
        lines = [f"评估细则 {self.path} 有 {len(self.findings)} 处问题，无法使用："]
        for f in self.findings:
            lines.append(f"  [{f.code}] {f.location}  {f.message}")
        return "\n".join(lines)


class RubricNotFound(QpError):
    def __init__(self, year: int, searched: list[str], years: list[int] | None = None):
        super().__init__(year)
        self.year = year
        self.searched = searched
        self.years = years or []

    def __str__(self) -> str:
        where = "、".join(self.searched)
        have = f"可用的年度：{'、'.join(map(str, self.years))}。" if self.years else ""
        return (f"找不到 {self.year} 年度的评估细则（已查找：{where}）。{have}如果工作目录在别处，请先 cd 到含 rubric/ 和 "
                f"scores/ 的目录，或加 --workspace 指定；新年度可用 qp-eval init 建立；也可用 --rubric 指定细则文件。")


class WorkspaceError(QpError):
    """A workspace that lacks what a command needs; the message says what and how to fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
