"""Benchmarks of qp-eval as whole processes, against their floors (``make bench``).

For synthetic workspaces of 11, 215 and 2,000 units (40,000 with ``--large``) in the real
template layout (benchmarks/synth.py), each command runs as its own process several times;
the median wall time and the child's peak memory (``os.wait4``) are recorded, beside:

- ``qp-eval --help`` against ``python -c "import typer"``;
- ``validate`` and ``rank`` against reading the same files' cells with python-calamine alone;
- ``report --format xlsx`` against writing the same number of cells with xlsxwriter in constant-memory mode.

The table is printed and written to benchmarks/RESULTS.md with the machine's description,
followed by benchmarks/NOTES.md (profiles and figures measured by hand).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import make_workspace  # noqa: E402

PY = sys.executable
READ_FLOOR = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for p in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    wb = CalamineWorkbook.from_path(str(p))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""
WRITE_FLOOR = """
import sys
import xlsxwriter
cells, width = int(sys.argv[1]), 8
wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
row = [1.25, "第1号街镇", "2024年度评分表_社会救助与儿童福利科.xlsx", 3, "评分", "F12", 0.5, "x"]
rows = 1_048_576  # a sheet's rows: xlsxwriter drops any row past them, which would time nothing
for r in range(cells // width):
    if r % rows == 0:
        ws = wb.add_worksheet(f"s{r // rows}")
    ws.write_row(r % rows, 0, row)
wb.close()
"""
COUNT_CELLS = """
import sys
from python_calamine import CalamineWorkbook
total = 0
for path in sys.argv[1:]:
    wb = CalamineWorkbook.from_path(path)
    total += sum(1 for n in wb.sheet_names for row in wb.get_sheet_by_name(n).to_python() for v in row if v != "")
print(total)
"""
LARGE = 40000
MEMORY_MIB = 1024  # every command at 40,000 units


@dataclass
class Measure:
    wall: float  # median seconds
    peak_mib: float  # largest peak RSS of any run


def run(cmd: list[str], cwd: Path, runs: int) -> Measure:
    walls, peaks = [], []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - t)
        peaks.append(usage.ru_maxrss / 1024)
        err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
        if os.waitstatus_to_exitcode(status) not in (0,):
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return Measure(statistics.median(walls), max(peaks))


@dataclass
class Row:
    size: int
    command: str
    m: Measure
    floor_name: str
    floor: Measure | None
    target: str

    @property
    def ratio(self) -> float | None:
        return None if self.floor is None else self.m.wall / self.floor.wall


def bench_size(n: int, runs: int, work: Path, typer_floor: Measure) -> tuple[list[Row], dict[str, int]]:
    ws = work / f"ws{n}"
    counts = make_workspace(ws, n)
    qp = [PY, "-m", "qp_eval"]
    scores = ws / "scores" / "2024"
    rows: list[Row] = []
    read = run([PY, "-c", READ_FLOOR, str(scores)], ws, runs)
    read_target = "≤ 1.0 × floor" if n >= LARGE else "≤ 1.5 × floor" if n >= 2000 else ""
    rows.append(Row(n, "validate", run([*qp, "validate"], ws, runs), "calamine read", read, read_target))
    ranked = run([*qp, "rank", "--format", "json"], ws, runs)
    if n == 11:  # a district: against the start-up of the CLI library itself
        rows.append(Row(n, "rank", ranked, "import typer", typer_floor, "≤ 5 × floor"))
    else:
        rows.append(Row(n, "rank", ranked, "calamine read", read, read_target))
    report_runs = runs if n <= 2000 else 1
    out = ws / "report.xlsx"
    rep = run([*qp, "report", "--format", "xlsx", "--out", str(out), "--force"], ws, report_runs)
    annex = out.with_name(f"{out.stem}（附表）{out.suffix}")  # the report is two workbooks: both are written
    cells = int(subprocess.run([PY, "-c", COUNT_CELLS, str(out), str(annex)], capture_output=True, text=True,
                               check=True).stdout)
    floor_out = ws / "floor.xlsx"
    write = run([PY, "-c", WRITE_FLOOR, str(cells), str(floor_out)], ws, report_runs)
    rows.append(Row(n, "report --format xlsx", rep, f"xlsxwriter constant-memory, {cells:,} cells", write,
                    "≤ 2.0 × floor" if n >= LARGE else "≤ 1.5 × floor" if n >= 2000 else ""))
    counts["report_cells"] = cells
    rows += the_rest(n, ws, qp, read, runs, report_runs)
    return rows, counts


def the_rest(n: int, ws: Path, qp: list[str], read: Measure, runs: int, heavy_runs: int) -> list[Row]:
    """Every other command, timed with its peak memory (issue 29: linear and bounded): validate in one
    process (what the workers save), the report's other formats, explain, sensitivity, verify, status,
    trend, the booklet and the letters (to 2,000 units: a booklet of 200,000 highlights or 40,000 letters
    is no document a bureau prints). No floor of their own: the trend across sizes says
    whether each is linear."""
    out: list[Row] = [Row(n, "validate --jobs 1", run([*qp, "--jobs", "1", "validate"], ws, runs), "calamine read", read, "")]
    for fmt in ("csv", "json", "md", "html"):
        target = ws / f"report.{fmt}"
        out.append(Row(n, f"report --format {fmt}", run([*qp, "report", "--format", fmt, "--out", str(target), "--force"],
                                                       ws, heavy_runs), "", None, ""))
    out.append(Row(n, "explain (one town)", run([*qp, "explain", "u00001"], ws, runs), "", None, ""))
    samples = 10_000 if n <= 2000 else 2_000  # at 40,000 towns 2,000 draws take the two-pass percentiles
    out.append(Row(n, f"sensitivity ({samples:,} draws)", run([*qp, "sensitivity", "--format", "json", "--samples",
                                                              str(samples)], ws, heavy_runs), "", None, ""))
    subprocess.run([*qp, "-q", "rank", "--save", "--force"], cwd=ws, check=True, capture_output=True)
    out.append(Row(n, "verify", run([*qp, "verify"], ws, runs), "", None, ""))
    out.append(Row(n, "status", run([*qp, "status"], ws, runs), "", None, ""))
    out.append(Row(n, "trend (the year's archive)", run([*qp, "trend", "--format", "json"], ws, runs), "", None, ""))
    if n <= 2000:  # the documents where they apply: a booklet of 10,000 highlights, 2,000 letters (one run)
        out.append(Row(n, "booklet", run([*qp, "booklet", "--out", str(ws / "booklet.docx"), "--force"], ws,
                                         heavy_runs), "", None, ""))
        out.append(Row(n, "letters --draft", run([*qp, "letters", "--draft", "--out", str(ws / "letters"), "--force"],
                                                 ws, heavy_runs if n < 2000 else 1), "", None, ""))
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description="qp-eval benchmarks against their floors")
    ap.add_argument("--sizes", default="11,215,2000")
    ap.add_argument("--large", action="store_true", help="also 40,000 units")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print only; do not write RESULTS.md")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")] + ([LARGE] if args.large else [])
    rows: list[Row] = []
    counts: dict[int, dict[str, int]] = {}
    # as installed from a wheel or the offline bundle (pip compiles the bytecode at install): an editable
    # install on a machine that sets PYTHONDONTWRITEBYTECODE would otherwise compile every module of qp-eval
    # on every run (about 40 ms of --help's 120), a cost no user's install pays and the floors do not
    subprocess.run([PY, "-m", "compileall", "-q", str(Path(__import__("qp_eval").__file__).parent)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        help_floor = run([PY, "-c", "import typer"], work, max(args.runs, 5))
        rows.append(Row(0, "qp-eval --help", run([PY, "-m", "qp_eval", "--help"], work, max(args.runs, 5)),
                        "import typer", help_floor, "≤ 1.5 × floor"))
        for n in sizes:
            r, c = bench_size(n, args.runs if n < LARGE else 1, work, help_floor)
            rows += r
            counts[n] = c
    text = render(rows, counts, args.runs)
    notes = HERE / "NOTES.md"  # hand-written: profiles, measurements by hand, what explains a miss
    if notes.exists():
        text += "\n" + notes.read_text(encoding="utf-8")
    print(text)
    if not args.no_write:
        (HERE / "RESULTS.md").write_text(text, encoding="utf-8")


def render(rows: list[Row], counts: dict[int, dict[str, int]], runs: int) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Median of {runs} runs per figure (5 for --help; 1 at 40,000 units),",
        "each command a whole process started from the shell; peak memory is the child's maximum RSS.",
        "",
        "| units | command | wall s | peak MiB | floor | floor s | ratio | target | met |",
        "|---:|---|---:|---:|---|---:|---:|---|---|",
    ]
    for r in rows:
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        floor_s = "" if r.floor is None else f"{r.floor.wall:.3f}"
        met = _met(r)
        size = "—" if r.size == 0 else f"{r.size:,}"
        lines.append(f"| {size} | {r.command} | {r.m.wall:.3f} | {r.m.peak_mib:.0f} | {r.floor_name} | {floor_s} | "
                     f"{ratio} | {r.target} | {met} |")
    lines += ["", "## Linearity (rank, time per scored cell)", "",
              "Scored cells are the score and indicator cells the departments fill in. The net figure",
              "subtracts the 11-unit time (start-up and the fixed per-run cost) before dividing.", "",
              "| units | scored cells | rank s | µs per cell | net µs per cell |", "|---:|---:|---:|---:|---:|"]
    base = next((r.m.wall for r in rows if r.size == 11 and r.command == "rank"), 0.0)
    per: dict[int, float] = {}
    for r in rows:
        if r.command != "rank" or r.size not in counts:
            continue
        cells = counts[r.size]["score_cells"] + counts[r.size]["figure_cells"]
        net = (r.m.wall - base) / cells * 1e6 if r.size > 11 else float("nan")
        per[r.size] = net
        lines.append(f"| {r.size:,} | {cells:,} | {r.m.wall:.3f} | {r.m.wall / cells * 1e6:.1f} | {net:.1f} |")
    if 215 in per and 2000 in per:
        spread = abs(per[2000] - per[215]) / per[215]
        lines.append("")
        lines.append(f"Net time per cell from 215 to 2,000 units differs by {spread:.0%} (target: within 25%).")
        if LARGE in per:
            lines.append(f"From 2,000 to 40,000 units: {abs(per[LARGE] - per[2000]) / per[2000]:.0%} (target: within 15%).")
    large = [r for r in rows if r.size == LARGE]
    if large:
        worst = max(large, key=lambda r: r.m.peak_mib)
        lines.append(f"Largest peak memory at 40,000 units: {worst.m.peak_mib:,.0f} MiB ({worst.command}; target: "
                     f"every command under {MEMORY_MIB:,} MiB).")
    return "\n".join(lines) + "\n"


def _met(r: Row) -> str:
    """Against the ratio its target names (``≤ k × floor``) and, at 40,000 units, peak memory under 1 GiB."""
    verdicts = []
    if r.target.startswith("≤ "):
        limit = float(r.target.split()[1])
        verdicts.append(r.ratio is not None and r.ratio <= limit)
    if r.size >= LARGE:
        verdicts.append(r.m.peak_mib < MEMORY_MIB)
    if not verdicts:
        return ""
    if all(verdicts):
        return "yes"
    heavy = r.size >= LARGE and r.m.peak_mib >= MEMORY_MIB
    return f"no ({r.m.peak_mib:,.0f} MiB)" if heavy else "no"


if __name__ == "__main__":
    main()
