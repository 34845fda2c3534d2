"""Rendering for the terminal with rich: the only package that imports rich.

Each module turns a result of the core into tables and lines; ``cli`` decides what to show
and the exit code. Imported only by the commands that print, so ``--help`` does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console


class ZhConsole(Console):
    """rich's console, except that a plain line of text (``markup=False``) is wrapped by
    ``text.wrap``: Chinese may break anywhere, a command, path or number never does, and closing
    punctuation never starts a line (rich breaks only at spaces, and inside words)."""

    def print(self, *objects, **kwargs) -> None:  # noqa: ANN002, ANN003 - rich's signature
        if kwargs.get("markup") is False:  # plain text: never a control sequence, however it is styled
            from ...core.text import terminal_safe

            objects = tuple(terminal_safe(x) if isinstance(x, str) else x for x in objects)
        if (len(objects) == 1 and isinstance(objects[0], str) and kwargs.get("markup") is False
                and not kwargs.get("soft_wrap") and not kwargs.get("style")):
            from ...core.linebreak import wrap
            from ...core.text import terminal_safe

            text = "\n".join(terminal_safe(p) for p in objects[0].split("\n"))
            lines = [line for para in text.split("\n") for line in wrap(para, max(self.width, 20))]
            self.file.write("\n".join(lines) + "\n")
            return
        super().print(*objects, **kwargs)


def literal(text: object) -> str:
    """Text from a file, a path or the rubric, for a line that also holds rich markup: shown as it is
    (a ``[`` is never taken for markup) and without control characters."""
    from rich.markup import escape

    from ...core.text import terminal_safe

    return escape(terminal_safe(str(text)))


def make_console(stderr: bool = False, plain: bool = False) -> Console:
    """``plain`` (--plain): laid out as for a pipe even on a terminal (``plain_output``)."""
    console = ZhConsole(stderr=stderr, highlight=False, soft_wrap=False)
    console.plain = plain
    return console


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


STEPS_OWN_NEXT = "qp_eval.run_says_next"  # set by ``run``: its steps say no 下一步 of their own, run says it once


def print_next(steps: list[str], out: Console, final: bool = False) -> None:
    """下一步: one each, wrapped by the line-breaking rules: the command at its end is never split.
    Inside ``run`` only what run itself says at its end (``final``)."""
    from ..help import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(STEPS_OWN_NEXT) and not final:
        return
    for step in steps:
        out.print(f"下一步：{step}", markup=False)


def plain_output(console: Console) -> bool:
    """One line per finding and tables without boxes: when the stream is no terminal, or with --plain."""
    return getattr(console, "plain", False) or not console.is_terminal
