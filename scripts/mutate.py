"""``make mutate``: mutation testing of the core with mutmut (configured in pyproject.toml).

Runs ``mutmut run`` on every core, then prints the score and every mutant that was not killed, each
with its diff, and checks them against benchmarks/MUTATION.md: a survivor whose name the record does
not mention is *unexplained*. Exit 1 when a survivor (or a mutant with no test) in the scoring or
ranking modules is unexplained, so that a change that lets a new mutant live is seen; 0 otherwise.
The mutants' names follow the code (``qp_eval.core.ranking.x_place_grades__mutmut_12``): after a change
to a mutated function, rerun and record again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "benchmarks" / "MUTATION.md"
STRICT = ("qp_eval.core.scoring.", "qp_eval.core.ranking.")  # no unexplained survivor allowed here
BIN = Path(sys.executable).parent


def mutmut(*args: str, capture: bool = False) -> str:
    done = subprocess.run([str(BIN / "mutmut"), *args], cwd=ROOT, check=True, text=True,
                          capture_output=capture)
    return done.stdout if capture else ""


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def main() -> int:
    mutmut("run", "--max-children", str(cores()))
    mutmut("export-cicd-stats", capture=True)
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text(encoding="utf-8"))
    left = [line.strip().split(": ", 1) for line in mutmut("results", capture=True).splitlines() if ": " in line]
    tested = stats["total"] - stats["skipped"] - stats["no_tests"]
    score = 100 * (stats["killed"] + stats["timeout"]) / tested if tested else 0.0
    print(f"\n变异测试：共 {stats['total']} 个变异体，杀死 {stats['killed']}，超时 {stats['timeout']}，"
          f"存活 {stats['survived']}，无测试覆盖 {stats['no_tests']}；得分 {score:.1f}%")
    record = RECORD.read_text(encoding="utf-8") if RECORD.exists() else ""
    # a survivor is explained by its line in the record, unless that line still says it is not
    named = {name for line in record.splitlines() if "not yet explained" not in line
             for name in re.findall(r"qp_eval\.[\w.ǁ]+__mutmut_\d+", line)}
    unexplained = []
    for name, status in left:
        said = name in named
        print(f"\n# {name}: {status}{'' if said else '（未在 benchmarks/MUTATION.md 中说明）'}")
        print(mutmut("show", name, capture=True).rstrip())
        if not said and status in ("survived", "no tests", "suspicious") and name.startswith(STRICT):
            unexplained.append(name)
    if unexplained:
        print(f"\n评分和排名模块中有 {len(unexplained)} 个存活的变异体未说明：{'、'.join(unexplained)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
