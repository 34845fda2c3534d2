"""The benchmark still runs (tiny size, one run, nothing written): no timing is asserted here."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_benchmark_runs_at_district_size():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--sizes", "11", "--runs", "1",
                        "--no-write"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "| 11 | rank |" in r.stdout and "qp-eval --help" in r.stdout
