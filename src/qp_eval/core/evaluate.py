"""The whole evaluation of a year from its validated inputs: completeness, scores, ranking.

Shared by ``rank``, ``explain``, ``verify`` and the report commands, so each computes the
same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from . import layout as L
from .decisions import PROPOSED, Decision, decide
from .findings import Finding
from .published import Published, publish_unit
from .ranking import Ranked, rank_units
from .rubric import Rubric
from .scoring import UnitResult, score_all
from .selfcompare import Comparison, compare
from .tables import DecisionEntry
from .validate import Result


@dataclass
class Evaluation:
    rubric: Rubric
    validation: Result
    completeness: list[Finding] = field(default_factory=list)
    results: list[UnitResult] = field(default_factory=list)
    ranking: list[Ranked] = field(default_factory=list)  # as decided by the director's meeting (or proposed)
    previous_problem: str = ""  # why last year's archive could not be used: 较上年 is shown as unavailable
    proposal: list[Ranked] = field(default_factory=list)  # the office's proposal (初评)
    decision: Decision = field(default_factory=lambda: Decision(PROPOSED))
    adjustments: dict[str, list[DecisionEntry]] = field(default_factory=dict)  # unit id -> the meeting's decisions
    decision_findings: list[Finding] = field(default_factory=list)  # D907

    @property
    def findings(self) -> list[Finding]:
        return self.validation.scoring_findings() + self.completeness + self.decision_findings

    @cached_property
    def proposed(self) -> dict[str, Ranked]:
        """Unit id -> the office's proposal for it (the same as its ranking while nothing is decided)."""
        return {x.unit_id: x for x in self.proposal}

    @property
    def blocked(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def sheets_missing(self) -> bool:
        """Whether what blocks is (also) a department's sheet or score that has not arrived (F109):
        then ``--allow-missing`` can rank meanwhile."""
        return any(f.code == "F109" for f in self.completeness)

    @property
    def return_code(self) -> int:
        """0 when the year was ranked; 1 when findings of severity error stopped it."""
        return 1 if self.blocked else 0


    @cached_property
    def comparison(self) -> Comparison:
        """自评 vs 考评, worked out once for every output that shows it."""
        return compare(self)

    @cached_property
    def published(self) -> dict[str, Published]:
        """Unit id -> what is published of its result (every output shows these figures)."""
        shared: dict = {}
        return {x.unit_id: publish_unit(self.rubric, x.result, shared) for x in self.ranking}


@dataclass
class Check:
    """What ``validate`` says of the paths it was given: the files' findings, and for a whole year's
    folder what has not arrived as well (a single file says nothing about the others)."""

    validation: Result
    missing: list[Finding]
    whole_year: bool

    @property
    def findings(self) -> list[Finding]:
        return self.validation.findings + self.missing

    @property
    def return_code(self) -> int:
        """0 when nothing is wrong (warnings allowed); 1 when any finding is an error."""
        return 1 if any(f.severity == "error" for f in self.findings) else 0


def check(rubric: Rubric, validation: Result, whole_year: bool, strict: bool = False) -> Check:
    """The verdict of ``validate``: with ``strict`` every warning counts as an error (the files' findings
    were made strict by ``validate`` itself; what has not arrived is made so here)."""
    missing = completeness(rubric, validation) if whole_year else []
    return Check(validation, [f.as_error() for f in missing] if strict else missing, whole_year)


def completeness(rubric: Rubric, validation: Result) -> list[Finding]:
    """F109 for each department whose sheet is absent; F110 (warning) for an absent register.

    A sheet that arrived but was not adopted (an older layout, two differing copies, a broken
    file that still names its department) is not reported again as missing: its own finding
    (F104, F106, ...) says what to do.
    """
    files = validation.tables.files
    have = {f.department_id for f in files if f.kind == L.KIND_SCORES}
    have |= {s.department_id for s in validation.seen if s.kind == L.KIND_SCORES}
    kinds = {f.kind for f in files} | {s.kind for s in validation.seen}
    out = []
    for dept_id in L.scoring_departments(rubric):
        if dept_id not in have:
            name = rubric.department[dept_id].name
            out.append(Finding.of("F109", f"没有收到{name}的评分表"))
    for kind in (L.KIND_PROBLEMS, L.KIND_HIGHLIGHTS):
        if kind not in kinds:
            out.append(Finding.of("F110", f"没有收到{kind}表，按无{'问题扣分' if kind == L.KIND_PROBLEMS else '亮点加分'}计算")
                       .for_year(rubric.year))
    if L.KIND_SELF in kinds:  # the towns' step is in use this year: name who has not sent theirs
        sent = {s.department_id for s in validation.seen if s.kind == L.KIND_SELF}
        missing = [u.name for u in rubric.units if u.id not in sent]
        if missing:
            out.append(Finding.of("Z808", f"尚未收到 {len(missing)} 个街镇的自评表：{'、'.join(missing)}"))
    return out


def evaluate(rubric: Rubric, validation: Result, previous: dict[str, int] | None = None, allow_missing: bool = False,
             previous_problem: str = "") -> Evaluation:
    """The year from its validated inputs: when nothing blocks, score and rank. ``previous``: last year's
    ranks; ``previous_problem``: why last year's archive is not used (a warning, F116)."""
    ev = Evaluation(rubric, validation, completeness(rubric, validation))
    if previous_problem:
        ev.previous_problem = previous_problem
        ev.completeness.append(Finding.of("F116", previous_problem))
    if allow_missing:
        ev.completeness = [f.as_warning() for f in ev.completeness]
    if ev.blocked:
        return ev
    ev.results = score_all(rubric, validation.tables)
    if not allow_missing and any(r.missing for r in ev.results):
        for r in ev.results:
            for cid in r.missing:
                ev.completeness.append(Finding.of(
                    "F109", f"{rubric.unit[r.unit_id].name} 细则 {cid} 缺少评分或指标"))
        return ev
    ev.proposal = rank_units(rubric, ev.results, previous)
    ev.ranking, ev.decision, ev.adjustments, ev.decision_findings = decide(
        rubric, ev.results, ev.proposal, validation.tables, previous)
    if ev.decision_findings:
        ev.ranking = []
    return ev
