"""Findings: what qp-eval reports about an input, and the one catalogue of codes.

A finding is data: a stable code, a severity, a place the user can find (file, sheet and
A1 cell as the sheet shows them, or a line of the rubric YAML), a Chinese message and a
hint. Every code that qp-eval can report is declared in ``CATALOGUE``; the README's code
table is generated from it. This module imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str  # short Chinese meaning
    hint: str  # how to fix it, in Chinese


def _catalogue(*codes: Code) -> dict[str, Code]:
    out: dict[str, Code] = {}
    for c in codes:
        if c.code in out:  # pragma: no cover - guards the table below
            raise ValueError(f"duplicate finding code {c.code}")
        out[c.code] = c
    return out


CATALOGUE: dict[str, Code] = _catalogue(
    # --- the rubric (R) ---
    Code("R001", "error", "评估细则文件无法读取或不是有效的 YAML", "检查文件路径与 YAML 缩进、冒号、引号。"),
    Code("R002", "error", "评估细则中有未知的键", "检查拼写；提示中给出最接近的有效键名。"),
    Code("R003", "error", "评估细则中的值缺失或类型不对", "按提示补齐该项，或改成正确的类型（数字、文字、列表）。"),
    Code("R004", "error", "引用了不存在的科室、街镇或指标", "引用的编号必须在 departments、units 或该细则的 inputs 中定义。"),
    Code("R005", "error", "编号重复", "每个街镇、科室、项目、细则、指标、问题类别的编号必须唯一。"),
    Code("R006", "error", "细则分值之和不等于项目分值", "调整细则分值或项目分值，使二者相等。"),
    Code("R007", "error", "各项目分值之和不等于总分", "调整项目分值或 total_points，使二者相等。"),
    Code("R008", "error", "别名对应到两个街镇", "一个简称只能指向一个街镇，删去重复的别名。"),
    Code("R009", "error", "量化规则缺少所需的指标", "在该细则的 inputs 中声明规则用到的指标，或修正规则里的指标编号。"),
    Code("R010", "error", "目标值或参数超出允许范围", "比例目标须大于 0，百分比阈值须在 0 到 100 之间，扣分须大于 0。"),
    Code("R011", "error", "日期不是有效日期", "日期写成 YYYY-MM-DD，例如 2024-12-10。"),
    Code("R012", "error", "等次分数段重叠", "相邻等次的分数段应首尾相接、互不重叠。"),
    Code("R013", "error", "等次分数段之间有空档", "相邻等次的分数段应首尾相接，最低等次应从 0 分起。"),
    Code("R014", "error", "同一层级中出现重复的键", "删去重复的键，只保留一个。"),
    Code("R015", "error", "分值的小数位数超过规定精度", "分值的小数位数不能多于 precision。"),
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    line: int | None = None
    hint: str = ""
    severity: Severity = field(default="error")

    @classmethod
    def of(cls, code: str, message: str, **where: object) -> Finding:
        """A finding whose severity and default hint come from the catalogue."""
        entry = CATALOGUE[code]
        hint = str(where.pop("hint", "") or entry.hint)
        return cls(code=code, message=message, severity=entry.severity, hint=hint, **where)  # type: ignore[arg-type]

    @property
    def location(self) -> str:
        """The place as a user reads it: ``file 评分!F12`` or ``file:12``."""
        if self.line is not None:
            return f"{self.file}:{self.line}" if self.file else f"第 {self.line} 行"
        place = self.file
        if self.sheet:
            where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
            place = f"{place} {where}" if place else where
        return place

    def as_error(self) -> Finding:
        return replace(self, severity="error")

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
