"""The process around a command: the run's settings, the standard streams, signals, the private
temporary folder, and the one map from what happened to the exit code.

Exit codes: 0 clean; 1 findings of severity error or something missing (the command's result says
which: its ``return_code``); 2 the tool could not run (a usage error, a bad rubric, no workspace, a
file that cannot be written: a ``QpError``); 130 Ctrl-C; 143 SIGTERM.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass

import typer

from ..core.errors import QpError
from . import streams
from .help import get_current_context, show_usage_error, typer_click


@dataclass(frozen=True)
class Settings:
    """What every command is told by the options before its name (``qp-eval -q rank``)."""

    quiet: bool = False
    verbose: bool = False
    plain: bool = False  # one finding per line, tables without boxes (as in a pipe), on a terminal too
    jobs: int | None = None  # worker processes that read the files (None: one per core; ``io.parallel``)


def settings() -> Settings:
    """This run's settings, kept by the root command's context (the defaults outside a run)."""
    ctx = get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Settings) else Settings()


def begin(ctx: typer.Context, quiet: bool, verbose: bool, plain: bool = False, jobs: int | None = None) -> None:
    """What the root command does before any command: keep the settings; with -v, say the time taken
    when the command is done."""
    ctx.obj = Settings(quiet=quiet, verbose=verbose and not quiet, plain=plain, jobs=jobs)
    if ctx.obj.verbose:
        started = time.perf_counter()
        ctx.call_on_close(lambda: _say_always(f"用时 {time.perf_counter() - started:.1f} 秒。"))


def say(text: str) -> None:
    """An informational line on stderr (what was written, which year was used); silent with --quiet."""
    if not settings().quiet:
        from ..core.text import terminal_safe

        sys.stderr.write(terminal_safe(text) + "\n")


def console(stderr: bool = False):  # noqa: ANN201 - a rich Console (rich is imported when a command prints)
    from .console import make_console  # defers rich

    return make_console(stderr, settings().plain)


def progress():  # noqa: ANN201 - a context manager yielding a progress callback or None
    """A progress bar on stderr while files are read, when stderr is a terminal (never in a pipe)."""
    s = settings()
    if s.quiet or not sys.stderr.isatty():
        if s.verbose:
            return contextlib.nullcontext(lambda done, total, path: path and say(f"读取 {path}"))
        return contextlib.nullcontext(None)
    from .console import progress_bar  # defers rich

    return progress_bar("读取表格")


def print_json(data: object) -> None:
    """A command's JSON (docs/json.md) on stdout: UTF-8 whatever the locale."""
    from ..core.text import json_pieces

    streams.data(json_pieces(data))  # a 40,000-town trend is 85 MB of JSON: never held whole


def exit_with(code: int) -> None:
    """End the command with ``code`` (its result's ``return_code``) when it is not 0."""
    if code:
        raise typer.Exit(code)


def show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("qp-eval")
        except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
            v = "未安装"
        sys.stdout.write(f"qp-eval {v}\n")
        raise typer.Exit()


# --- the process -----------------------------------------------------------------------------


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that every ``finally`` (temporary files) runs."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def _private_tempdir() -> str:
    """A temporary folder of this run for everything that libraries write aside (openpyxl's sheets,
    xlsxwriter's rows in constant-memory mode); removed when the run ends, however it ends."""
    scratch = tempfile.mkdtemp(prefix="qp-eval-")
    tempfile.tempdir = scratch
    return scratch


def _say_always(text: str) -> None:
    from ..core.text import terminal_safe

    sys.stderr.write(terminal_safe(text) + "\n")


def run(command: typer_click.Command) -> None:
    """Run the app: usage errors are shown in Chinese (exit 2), a QpError once in Chinese (exit 2),
    Ctrl-C ends quietly with 130 and SIGTERM with 143 (temporary files removed), and nothing else
    reaches the user as a traceback."""
    streams.utf8_mode()
    # A short-lived process that makes ~10^5 small objects per 1,000 towns: the default
    # collector thresholds made reading superlinear (benchmarks/RESULTS.md). Collect less often.
    gc.set_threshold(100_000, 50, 100)
    streams.prepare()  # any encoding (a GBK redirect, an ASCII locale), and a closed stdout or stderr
    scratch = _private_tempdir()
    signal.signal(signal.SIGTERM, _terminated)
    if not os.environ.get("QP_EVAL_DEBUG"):  # a library's half-written zip closed by the collector after a write
        sys.unraisablehook = lambda unraisable: None  # failure (disk full) would print a traceback; it was said
    try:
        _streams_guarded(command)
    finally:  # every temporary file, ours or a library's, goes with the run: after an error, Ctrl-C or SIGTERM
        tempfile.tempdir = None
        shutil.rmtree(scratch, ignore_errors=True)


def _streams_guarded(command: typer_click.Command) -> None:
    try:
        code = _exit_code(command)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except streams.StreamClosed:  # the result had nowhere to go
        _say_always("标准输出已关闭，结果无法输出（在计划任务中运行时，请把输出重定向到文件，如 > 结果.txt）。")
        code = 2
    except BrokenPipeError:  # the program reading our output has ended (qp-eval rank | head)
        streams.silence_stdout()
        _say_always("输出管道已关闭（读取输出的程序已结束），其余结果未写出。")
        code = 2
    kept = streams.kept_diagnostics()
    if code and kept and not streams.stdout_closed():  # stderr was closed: what went wrong is said on stdout
        with contextlib.suppress(OSError):
            sys.stdout.write(kept)
            sys.stdout.flush()
    sys.exit(code)


def _exit_code(command: typer_click.Command) -> int:
    """Run ``command``; what happened, as the exit code (see the module's docstring)."""
    try:
        code = command.main(prog_name="qp-eval", standalone_mode=False)
    except typer_click.UsageError as e:
        show_usage_error(e, _say_always)
        return 2
    except typer.Abort:
        _say_always("已取消。")
        return 1
    except KeyboardInterrupt:  # typer turns Ctrl-C into exit code 130 itself (below); this is if it did not
        code = 130
    except Terminated:
        _say_always("已终止（收到结束信号）。正在写的文件没有留下：每个输出都是写完后才换上的。")
        return 143
    except QpError as e:
        console(stderr=True).print(str(e), markup=False)
        return 2
    except (streams.StreamClosed, BrokenPipeError):
        raise  # the streams themselves: said by ``_streams_guarded``
    except OSError as e:  # a file or folder the system refused, met outside the writers (they say WriteFailure)
        from ..io.oserrors import os_reason

        where = f" {e.filename}" if e.filename else ""
        console(stderr=True).print(f"无法访问{where}：{os_reason(e, writing=False)}。", markup=False)
        return 2
    except Exception as e:  # never a traceback for the office staff
        if os.environ.get("QP_EVAL_DEBUG"):
            raise
        console(stderr=True).print(
            f"qp-eval 内部错误：{type(e).__name__}: {e}\n请把这条信息和所用的文件交给维护人员（设置 QP_EVAL_DEBUG=1 可看到详细信息）。",
            markup=False,
        )
        return 2
    if code == 130:
        _say_always("已中断（Ctrl-C）。正在写的文件没有留下：每个输出都是写完后才换上的。")
    return code if isinstance(code, int) else 0
