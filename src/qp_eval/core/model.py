"""The base of every rubric model: unknown keys refused, frozen, and no text or number a person did not mean."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from .text import IN_RUBRIC

MAX_MAGNITUDE = Decimal(10) ** 9
MAX_DIGITS = 15


class Model(BaseModel):
    """Every rubric model: unknown keys refused, frozen, and every decimal a number a person means
    (finite, at most 15 digits, below a billion), however it was written (``"1e400"`` in quotes too)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _sane(cls, v: object, info: ValidationInfo) -> object:
        named = info.field_name == "name" and cls.__name__ in ("Unit", "Department")  # checked with the file
        texts = () if named else (v,) if isinstance(v, str) else v if isinstance(v, tuple) else ()  # names: R019
        for text in texts:
            if isinstance(text, str) and IN_RUBRIC.search(text):  # they cannot be written into xlsx or docx
                raise ValueError(f"“{text[:20]!r}” 含有控制字符（如 ESC、NUL）或不可见的格式符，请删去")
        if isinstance(v, Decimal):
            if not v.is_finite():
                raise ValueError(f"{v} 不是有限的数")
            if abs(v) >= MAX_MAGNITUDE or len(v.as_tuple().digits) > MAX_DIGITS:
                raise ValueError(f"数字 {v} 超出合理范围（应小于 10 亿，最多 {MAX_DIGITS} 位）")
        return v
