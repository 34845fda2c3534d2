"""Text from inputs made safe to write into xlsx and docx: no XML-illegal control characters."""

from __future__ import annotations

import re

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` without the control characters that XML (and so xlsx and docx) cannot hold."""
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text
