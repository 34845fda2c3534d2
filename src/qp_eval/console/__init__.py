"""Rendering for the terminal with rich: the only package that imports rich.

Each module turns a result of the core into tables and lines; ``cli`` decides what to show
and the exit code. Imported only by the commands that print, so ``--help`` does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A transient rich progress bar on stderr; yields the callback the core calls per file."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total)

        yield update
