"""Running qp-eval: in this process with streams of its own (``qp``: what most tests need, fast), as its
own process with bounds on time and memory (``bounded``), as its own process with another environment
(``process``: locales, encodings, closed streams), or in a forked copy of this process killed right after
one of its filesystem calls (``killed_after``: a power cut, kill -9)."""

from __future__ import annotations

import gc
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

MiB = 1024 * 1024


@dataclass
class Ran:
    """What a run of qp-eval gave, as ``subprocess.CompletedProcess`` has it."""

    returncode: int
    stdout: str
    stderr: str


class _Stream(io.StringIO):
    """A standard stream as a pipe is: not a terminal, UTF-8."""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return False


def qp(*args: str, cwd: Path, columns: int = 80, env: dict[str, str] | None = None) -> Ran:
    """qp-eval ``args`` run in this process as its console script runs it (``cli.app.main``: the exit code,
    the streams, the runtime), from ``cwd``, with stdout and stderr of its own, as a pipe of ``columns``."""
    from qp_eval.cli.app import main

    out, err = _Stream(), _Stream()
    saved = (sys.stdout, sys.stderr, sys.argv, os.getcwd(), signal.getsignal(signal.SIGTERM), sys.unraisablehook,
             gc.get_threshold(), dict(os.environ))
    os.environ.update({"COLUMNS": str(columns), **(env or {})})
    sys.stdout, sys.stderr, sys.argv = out, err, ["qp-eval", *args]
    os.chdir(cwd)
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.stdout, sys.stderr, sys.argv = saved[0], saved[1], saved[2]
        os.chdir(saved[3])
        signal.signal(signal.SIGTERM, saved[4])
        sys.unraisablehook = saved[5]
        gc.set_threshold(*saved[6])
        os.environ.clear()
        os.environ.update(saved[7])
    return Ran(code, out.getvalue(), err.getvalue())


def cli(*args: str, cwd: Path) -> Ran:
    """``qp`` as on an office screen, 250 columns wide: one table row per line."""
    return qp(*args, cwd=cwd, columns=250)


def process(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300,
            text: bool = True) -> subprocess.CompletedProcess:
    """qp-eval as its own process (``python -m qp_eval``), where a process is the point."""
    return subprocess.run([sys.executable, "-m", "qp_eval", *args], capture_output=True, text=text, cwd=cwd,
                          timeout=timeout, env={**os.environ, "COLUMNS": "80", **(env or {})})


def flat(text: str) -> str:
    """Printed text without its wrapping and table rules, to look for a phrase in it."""
    return re.sub(r"[\s│┃]", "", text)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every regular file under ``folder``: its bytes and modification time."""
    out = {}
    for p in folder.rglob("*"):
        try:
            st = p.lstat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            out[str(p)] = (p.read_bytes(), st.st_mtime_ns)
    return out


# Runs qp-eval and writes its peak resident memory (KiB) to argv[1]. A process started straight from
# pytest would report pytest's own peak as its own (Linux carries it through fork and exec), so the
# measure is taken one process further: this small interpreter's child starts clean.
MEASURE = """
import resource, subprocess, sys
code = subprocess.call([sys.executable, "-m", "qp_eval", *sys.argv[2:]])
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def bounded(*args: str, cwd: Path, seconds: float = 60, memory_mib: int = 300,
            env: dict | None = None) -> tuple[int, str, str]:
    """Run qp-eval as its own process; fail when it runs past ``seconds`` (a hang) or its peak resident
    memory passes ``memory_mib`` (a blow-up). Returns (exit code, stdout, stderr)."""
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        p = subprocess.Popen([sys.executable, "-c", MEASURE, str(peak_file), *args], cwd=cwd,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                             env={**os.environ, "COLUMNS": "80", **(env or {})})
        try:
            out, err = p.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            pytest.fail(f"qp-eval {' '.join(args)} still running after {seconds} s")
        peak = int(peak_file.read_text()) * 1024 / MiB  # Linux reports KiB
    assert peak < memory_mib, f"peak memory {peak:.0f} MiB"
    return p.returncode, out.decode("utf-8"), err.decode("utf-8")


# --- a crash right after any filesystem call --------------------------------------------------------

KILLED = 137  # the exit status of a process killed by SIGKILL, as a shell reports it
_CALLS = ("replace", "rename", "link", "unlink", "remove", "rmdir", "mkdir", "open", "chmod", "utime", "truncate")


def run_in_process(args: list[str], cwd: Path) -> int:
    """qp-eval's ``main`` with ``args``, in this process, from ``cwd``; returns its exit code."""
    from qp_eval.cli.app import main

    here, argv = os.getcwd(), sys.argv
    os.chdir(cwd)
    sys.argv = ["qp-eval", *args]
    try:
        main()
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    finally:
        os.chdir(here)
        sys.argv = argv
    return 0


def killed_after(n: int, args: list[str], cwd: Path) -> bool:
    """Run qp-eval ``args`` in a forked copy of this process that dies on the spot (``os._exit``, no
    ``finally``, as after kill -9) right after its ``n``-th filesystem call that can change anything
    (``os.replace``, ``os.link``, ``os.open``, ``shutil.copy2`` ...). True when it died; False when the
    command finished before its ``n``-th call (then every crash point has been tried)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: count the calls, die after the n-th
        os.close(read)
        count = [0]

        def counted(fn: Callable) -> Callable:
            def call(*a, **kw):  # noqa: ANN002, ANN003, ANN202
                result = fn(*a, **kw)
                count[0] += 1
                if count[0] == n:
                    os._exit(KILLED)
                return result
            return call

        for name in _CALLS:
            setattr(os, name, counted(getattr(os, name)))
        shutil.copy2 = counted(shutil.copy2)
        shutil.copyfile = counted(shutil.copyfile)
        try:
            code = run_in_process(args, cwd)
        except BaseException:  # noqa: BLE001 - any escape is a failure the parent sees
            code = 99
        os.write(write, str(count[0]).encode())
        os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    os.close(read)
    code = os.waitstatus_to_exitcode(status)
    assert code in (KILLED, 0, 1), f"qp-eval {' '.join(args)} ended with {code} after {n - 1} calls"
    return code == KILLED
