"""Benchmarks of qp-eval as whole processes, against their floors.

Run by ``make bench``. For now it measures start-up: ``qp-eval --help`` against the floor
``python -c "import typer"``, and ``qp-eval rubric check`` on the shipped rubric. Each is
run several times and the median wall time and the peak memory of the child are printed.
"""

from __future__ import annotations

import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def measure(cmd: list[str]) -> tuple[float, float]:
    """Median wall seconds and max peak RSS (MiB) of ``cmd`` over RUNS runs."""
    walls, peaks = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - t)
        peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)
    return statistics.median(walls), max(peaks)


def main() -> None:
    py = sys.executable
    rows = []
    floor, floor_mem = measure([py, "-c", "import typer"])
    help_t, help_mem = measure([py, "-m", "qp_eval", "--help"])
    rows.append(("qp-eval --help", help_t, help_mem, "import typer", floor, help_t / floor, "≤ 1.5"))
    check_t, check_mem = measure([py, "-m", "qp_eval", "rubric", "check", "rubric/2024.yaml"])
    rows.append(("rubric check (2024)", check_t, check_mem, "import typer", floor, check_t / floor, "—"))
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(f"{'command':<24}{'wall s':>9}{'peak MiB':>10}  {'floor':<14}{'floor s':>9}{'ratio':>7}  target")
    for name, t, mem, fname, f, ratio, target in rows:
        print(f"{name:<24}{t:>9.3f}{mem:>10.1f}  {fname:<14}{f:>9.3f}{ratio:>7.2f}  {target}")


if __name__ == "__main__":
    main()
