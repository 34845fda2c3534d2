"""Text in one place: how names and ids are compared, and text made safe to write.

``normalize_name`` is the one way qp-eval compares what people type (town names, ids, sheet
names, headers, categories): NFKC (full-width to half-width, U+3000 to a space), no zero-width
characters, no spaces at all. ``printable`` strips what XML (and so xlsx and docx) cannot hold.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """NFKC, no zero-width characters, no spaces (memoised: the same names and ids repeat on every row)."""
    t = unicodedata.normalize("NFKC", str(text)).translate(ZERO_WIDTH)
    return "".join(t.split())


def printable(text: str) -> str:
    """``text`` without the control characters that XML (and so xlsx and docx) cannot hold."""
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def places(d: Decimal) -> int:
    """Decimal places of a number as a person means it: 2.50 has 1, 3 and 3.0 have 0."""
    exp = d.as_tuple().exponent
    if isinstance(exp, int) and exp >= 0:
        return 0
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0
