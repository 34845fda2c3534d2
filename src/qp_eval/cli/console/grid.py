"""A boxed text table measured by display width, for long tables (the ranking of 2,000 towns).

rich lays out every cell as a renderable (at 2,000 towns the ranking table took longer to
draw than scoring them). This draws the same boxes with plain strings: column widths
from the content, shrunk to the terminal's width when needed, cells wrapped (never cut)
by display width, numbers right-aligned.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...core.linebreak import width_of, wrap
from ...core.text import terminal_safe


def _fit(natural: list[int], floor: list[int], width: int) -> list[int]:
    """Column widths that fit ``width`` with the borders. Headers give way first (down to the
    widest cell below them, ``floor``), then the widest column, never below 4."""
    cols = list(natural)
    room = width - (3 * len(cols) + 1)
    for limit in (floor, [4] * len(cols)):
        while sum(cols) > room:
            shrinkable = [i for i in range(len(cols)) if cols[i] > limit[i]]
            if not shrinkable:
                break
            cols[max(shrinkable, key=lambda i: cols[i])] -= 1
    return cols


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - width_of(text))
    return gap + text if right else text + gap


def _line(cells: Sequence[str], widths: list[int], right: Sequence[bool], edge: str) -> Iterator[str]:
    wrapped = [wrap(c, w, hard=True) if width_of(c) > w else [c] for c, w in zip(cells, widths, strict=True)]
    for k in range(max(len(x) for x in wrapped)):
        parts = [_pad(x[k] if k < len(x) else "", w, r) for x, w, r in zip(wrapped, widths, right, strict=True)]
        yield f"{edge} " + f" {edge} ".join(parts) + f" {edge}"


def grid(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool], width: int,
         title: str = "", wraps: Sequence[int] = (), boxed: bool = True) -> Iterator[str]:
    """The table's lines, none wider than ``width``: a boxed table when the cells fit side by side
    (the ``wraps`` columns, long text such as names, may wrap down to 16 columns), otherwise each
    row as one wrapped block of "header value" pairs. Not ``boxed`` (a pipe, a file, --plain): the
    same columns aligned with two spaces between them and no lines drawn."""
    rows = [[terminal_safe(c) for c in row] for row in rows]  # cells come from the inputs
    title = terminal_safe(title)
    data = [4] * len(headers)
    for row in rows:
        for i, cell in enumerate(row):
            w = width_of(cell)
            if w > data[i]:
                data[i] = w
    natural = [max(d, width_of(h)) for d, h in zip(data, headers, strict=True)]
    for i in wraps:  # long text may wrap inside its cell
        data[i] = min(data[i], 16)
    if title:
        yield from wrap(title, max(width, 20))
    if not boxed and sum(data) + 2 * (len(data) - 1) <= width:  # the same columns, with spaces for the lines
        widths = _fit(natural, data, width + 3 * len(data) + 1 - 2 * (len(data) - 1))  # _fit counts the borders
        for cells in [list(headers), *rows]:
            wrapped = [wrap(c, w, hard=True) if width_of(c) > w else [c] for c, w in zip(cells, widths, strict=True)]
            for k in range(max(len(x) for x in wrapped)):
                yield "  ".join(_pad(x[k] if k < len(x) else "", w, r)
                                for x, w, r in zip(wrapped, widths, right, strict=True)).rstrip()
        return
    if sum(data) + 3 * len(data) + 1 > width:  # too narrow for columns: one block per row
        for row in rows:
            pairs = "，".join(f"{h} {c}" for h, c in zip(headers, row, strict=True) if c)
            yield from wrap(pairs, max(width, 20))
            yield ""
        return
    widths = _fit(natural, data, width)
    yield "┏" + "┳".join("━" * (w + 2) for w in widths) + "┓"
    yield from _line(headers, widths, [False] * len(headers), "┃")
    yield "┡" + "╇".join("━" * (w + 2) for w in widths) + "┩"
    for row in rows:
        yield from _line(row, widths, right, "│")
    yield "└" + "┴".join("─" * (w + 2) for w in widths) + "┘"

