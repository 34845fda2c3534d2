"""Rendering for the terminal with rich: the only package that imports rich.

Each module turns a result of the core into tables and lines; ``cli`` decides what to show
and the exit code. Imported only by the commands that print, so ``--help`` does not pay for it.
"""

from __future__ import annotations

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)
