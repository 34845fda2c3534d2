"""Chinese line breaking, for every text the terminal shows wrapped (plain lines, table cells, help).

The usual rules of Chinese typesetting (避头尾):

- no line begins with closing punctuation (，。、；：？！）》」』”’〕】…—): the unit before it moves
  down with it;
- no line ends with opening punctuation (（《「『“‘〔【): it moves down with what it opens;
- a unit is never split: a Latin word or number, an id such as ``3.1-Q2``, a cell such as
  ``评分!F12``, a date and time, a document number such as ``青民纪〔2025〕1号`` (or its placeholder
  ``〔发文字号〕``), a file name or path, a whole ``qp-eval`` command, and a count with
  what it counts (``41 条``, ``第 3 名``, ``1 处``). A command, file name or path wider than the
  line stands on a line of its own, whole (pasted, it still works); any other unit wider than the
  line is cut at the width.

Widths are measured by ``wcwidth`` (wide and full-width characters take two columns, combining
marks none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# what almost every text we show is made of, with the width wcwidth gives it (tests/test_linebreak.py
# compares every character of these ranges): measured here, so that ``qp-eval --help`` and a district's
# rank need not import wcwidth (17 ms of --help's 110); any other character is measured by wcwidth
_NARROW = re.compile("[\x20-\x7e\u00a1-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2200-\u22ff"
                     "\u2460-\u24ff\u2500-\u257f]")
_WIDE = re.compile("[\u3000-\u3029\u3030-\u303e\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]")
_SIMPLE = re.compile(f"(?:{_NARROW.pattern}|{_WIDE.pattern})*")

# full-width punctuation (half-width punctuation stays with the word or number it is written against)
NO_LINE_START = frozenset("，。、；：？！）》」』”’〕】…—")
NO_LINE_END = frozenset("（《「『“‘〔【")
_CJK_PUNCT = NO_LINE_START | NO_LINE_END  # each a break of its own
_STOP = "\\s，。；、：（）「」“”《》？！"  # what ends a path or an argument of a command
_WHOLE = re.compile(  # units never cut, even when wider than a line
    rf"qp-eval(?: +(?:\"[^\"]*\"|'[^']*'|[-./\\A-Za-z0-9<][^{_STOP}]*))*"  # a command: each argument begins narrow
    rf"|[^{_STOP}]*[/\\][^{_STOP}]*"  # a path
    rf"|[^{_STOP}]+\.(?:xlsx|xlsm|xls|ods|et|csv|docx|json|yaml|yml|md|html|pdf|txt)(?![A-Za-z0-9])"  # a file name
)
_UNIT = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"  # a date (and time)
    rf"|[^{_STOP}]+![A-Z]{{1,3}}\d+"  # a cell of a sheet
    r"|[\u4e00-\u9fff]{0,8}〔[^〔〕\s]{1,8}〕(?:\d+号)?"  # a document number (青民纪〔2025〕1号) or its 〔发文字号〕
    r"|\[默认：[^\]]{0,20}\]"  # an option's default in the help: [默认：.]
)
_COUNTED = re.compile(r"\d[\d.,]*%?$")  # a number that may count what follows it


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    kind: str  # "space" | "wide" (one character: a break may come before and after it) | "unit" | "whole"


@lru_cache(maxsize=65536)
def width_of(text: str) -> int:
    """Columns a line takes in a terminal (wcwidth): wide and full-width characters two, combining marks none."""
    if _SIMPLE.fullmatch(text):
        return len(text) + len(_WIDE.findall(text))
    from wcwidth import wcswidth, wcwidth  # deferred: only for characters outside the common ranges above

    w = wcswidth(text)
    return w if w >= 0 else sum(max(wcwidth(ch), 0) for ch in text)


def _wide(ch: str) -> bool:
    return width_of(ch) == 2


def tokens(text: str) -> list[_Tok]:
    """The text as break opportunities: spaces, single wide characters, and units that never split."""
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == " ":
            out.append(_Tok(" ", "space"))
            i += 1
            continue
        if (m := _WHOLE.match(text, i)) and m.end() > i and (ch != "q" or i == 0 or not text[i - 1].isalnum()):
            out.append(_Tok(m.group(), "whole"))
            i = m.end()
            continue
        if (m := _UNIT.match(text, i)) and m.end() > i:
            out.append(_Tok(m.group(), "unit"))
            i = m.end()
            continue
        if _wide(ch) or ch in _CJK_PUNCT:
            out.append(_Tok(ch, "wide"))
            i += 1
            continue
        j = i  # a narrow run: a Latin word, a number, an id (3.1-Q2), with its own half-width punctuation
        while j < n and text[j] != " " and not _wide(text[j]) and text[j] not in _CJK_PUNCT:
            j += 1
        if j == i:  # narrow punctuation that neither opens nor closes: a unit of its own
            j = i + 1
        out.append(_Tok(text[i:j], "unit"))
        i = j
    return _glue(out)


def _glue(toks: list[_Tok]) -> list[_Tok]:
    """A count stays with what it counts (41 条, 3个), and 第 with its number (第 3 名)."""
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "unit" and _COUNTED.match(t.text):
            text = t.text
            if len(out) >= 2 and out[-1].kind == "space" and out[-2].text == "第":
                out.pop()
                text = "第 " + text
                out.pop()
            elif out and out[-1].text == "第":
                text = "第" + out.pop().text
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            after = toks[k + 2] if k + 2 < len(toks) else None
            if nxt is not None and nxt.kind == "wide" and nxt.text not in NO_LINE_START | NO_LINE_END:
                text += nxt.text
                k += 1
            elif (nxt is not None and nxt.kind == "space" and after is not None and after.kind == "wide"
                  and after.text not in NO_LINE_START | NO_LINE_END):
                text += " " + after.text
                k += 2
            out.append(_Tok(text, "unit"))
        else:
            out.append(t)
        k += 1
    return out


def _cut(tok: _Tok, width: int, hard: bool) -> list[_Tok]:
    """A unit wider than a line, cut at the width (a command, file name or path stays whole unless
    ``hard``)."""
    if (tok.kind == "whole" and not hard) or width_of(tok.text) <= width or width <= 0:
        return [tok]
    pieces, piece = [], ""
    for ch in tok.text:
        if width_of(piece + ch) > width:
            pieces.append(_Tok(piece, "unit"))
            piece = ""
        piece += ch
    return [*pieces, _Tok(piece, "unit")] if piece else pieces


def wrap(text: str, width: int, hard: bool = False) -> list[str]:
    """Lines of at most ``width`` columns (a command, file name or path wider than that on a line of
    its own), broken by the rules above. ``hard``: never wider, even for those (a table's cell)."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line: list[_Tok] = []
        used = 0
        broke = False  # at the start of a line the paragraph broke onto: a space there is dropped
        for tok in (piece for t in tokens(para) for piece in _cut(t, width, hard)):
            w = width_of(tok.text)
            if used + w <= width or not any(t.kind != "space" for t in line):
                if not (tok.kind == "space" and not line and broke):
                    line.append(tok)
                    used += w
                continue
            broke = True
            if tok.kind == "space":  # the break comes with what follows, which may have to take a unit down
                continue
            carry: list[_Tok] = []
            if tok.text[0] in NO_LINE_START:  # closing punctuation: what it closes goes down with it
                while len(line) > 1 and line[-1].text[-1] in NO_LINE_START:
                    carry.insert(0, line.pop())
                if len(line) > 1 and line[-1].kind != "space":
                    carry.insert(0, line.pop())
                elif not hard:  # nothing before it can go down with it (a whole unit fills the line): it stays
                    line += [*carry, tok]
                    used = sum(width_of(t.text) for t in line)
                    continue
            while line and line[-1].text[-1] in NO_LINE_END:  # an opening one goes with what it opens
                carry.insert(0, line.pop())
            if any(t.kind != "space" for t in line):
                lines.append(_join(line))
            line = carry + [tok]
            used = sum(width_of(t.text) for t in line)
        lines.append(_join(line))
    return lines


def _join(line: list[_Tok]) -> str:
    return "".join(t.text for t in line).rstrip()
