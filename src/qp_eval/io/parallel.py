"""Reading a year on every core: the spreadsheets checked in worker processes (``core.validate.check_file``,
the same code as in one process), their findings and column tables handed back in the files' order, so
that every output is byte for byte what one process gives.

Workers only read: they write no file, ignore Ctrl-C (the parent hears it and ends them) and die with
the parent. Below ``PARALLEL_BYTES`` of input, or with one job, the files are read here: starting
workers costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import TypeVar

from ..core.book import Limits
from ..core.rubric import Rubric
from ..core.validate import Checked, Progress, check_file
from .read import open_book

T = TypeVar("T")
ASIDE_UNITS = 200  # towns from which the report's analysis is made in a second process (benchmarks/NOTES.md)
ASIDE_MAX_UNITS = 10_000  # and up to which: the second process copies each page of the year it reads (CPython
#                           counts references in the objects), 1,375 MiB the two at 40,000 towns against 924 in one
PARALLEL_BYTES = 1_000_000  # input bytes from which workers pay: not at 11 units (1.02 × one process), 0.93 × at 215, 0.72 × at 2,000 (benchmarks/NOTES.md)
_state: dict[str, object] = {}


def default_jobs() -> int:
    """As many workers as the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def checker(limits: Limits, jobs: int | None):  # noqa: ANN201 - the ``Inputs.check_all`` for this run
    """``Inputs.check_all``: the spreadsheets checked in ``jobs`` worker processes when there is enough to
    read (None: one per core), else None (checked in this process)."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1:
        return None

    def check_all(rubric: Rubric, files: list[PurePath], progress: Progress | None) -> list[Checked]:
        if len(files) < 2 or _size(files) < PARALLEL_BYTES:
            return [_here(rubric, f, limits, progress, n, len(files)) for n, f in enumerate(files)]
        return _in_workers(rubric, files, limits, min(jobs, len(files)), progress)

    return check_all


def _here(rubric: Rubric, path: PurePath, limits: Limits, progress: Progress | None, n: int, total: int) -> Checked:
    if progress is not None:
        progress(n, total, str(path))
    return check_file(rubric, path, lambda p: open_book(Path(p), limits))


def _size(files: list[PurePath]) -> int:
    total = 0
    for f in files:
        try:
            total += os.stat(f).st_size
        except OSError:
            pass
    return total


def _in_workers(rubric: Rubric, files: list[PurePath], limits: Limits, jobs: int,
                progress: Progress | None) -> list[Checked]:
    context = multiprocessing.get_context(_start_method())
    # the largest files first, so that no worker is left with a big one at the end; handed back in order
    order = sorted(range(len(files)), key=lambda i: -_size([files[i]]))
    out: list[Checked | None] = [None] * len(files)
    with context.Pool(jobs, initializer=_start, initargs=(rubric, limits)) as pool:  # terminated on the way out
        for done, (i, parcel) in enumerate(pool.imap_unordered(_check, [(i, files[i]) for i in order])):
            if progress is not None:
                progress(done, len(files), str(files[i]))
            out[i] = Checked.unparcel(rubric, parcel)
    return out  # type: ignore[return-value]


def _start_method() -> str:
    """fork on Linux when this process has no other thread (the copy is cheap and safe); otherwise a new
    interpreter per worker (Windows and macOS always; on Linux a progress bar's thread, whose locks a fork
    would copy mid-use)."""
    return "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "spawn"


def _start(rubric: Rubric, limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _state["rubric"], _state["limits"] = rubric, limits


def _check(job: tuple[int, PurePath]) -> tuple[int, tuple]:
    i, path = job
    limits = _state["limits"]
    checked = check_file(_state["rubric"], path, lambda p: open_book(Path(p), limits))  # type: ignore[arg-type]
    return i, checked.parcel()


@contextmanager
def aside(make: Callable[[], T], jobs: int | None, units: int) -> Iterator[Callable[[], T]]:
    """``make`` (a pure computation: it writes nothing and says nothing) begun in a second process while
    this one goes on; the function given back waits for its result. The report's workbook has two
    million cells to lay out before the first that needs the year's analysis: the two run on two cores.
    Here, in this process, when asked, with one job, below ``ASIDE_UNITS`` towns or above ``ASIDE_MAX_UNITS``
    (the two processes would hold more than one does), or where a process
    cannot be forked as it is (Windows; a thread running): the result is the same either way. Leaving
    the block ends the process, however it is left (Ctrl-C is this process's to hear)."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or not ASIDE_UNITS <= units <= ASIDE_MAX_UNITS or _start_method() != "fork":
        yield make
        return
    _state["aside"] = make  # the forked process finds it there: nothing is pickled but the result
    try:
        with multiprocessing.get_context("fork").Pool(1, initializer=_start_aside) as pool:  # terminated on the way out
            pending = pool.apply_async(_run_aside)
            yield pending.get
    finally:
        _state.pop("aside", None)


def _start_aside() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_aside():  # noqa: ANN202 - what the computation gives
    return _state["aside"]()  # type: ignore[operator]
