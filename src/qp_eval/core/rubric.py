"""The rubric (评估细则): one validated, frozen object per year, loaded from YAML.

The model is pydantic with ``extra="forbid"``; ``load_rubric`` turns every problem into a
finding with the YAML file and line (see ``rubric_checks`` for the cross-field rules).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from functools import cached_property
from typing import Literal

from pydantic import Field

from .model import Model
from .rules import Rule
from .text import normalize_name

PeriodCombine = Literal["mean", "min"]


class Strict(Model):
    pass


class Unit(Strict):
    id: str
    name: str
    kind: Literal["街道", "镇"]
    aliases: tuple[str, ...] = ()

    @property
    def addressee(self) -> str:
        """主送: a town's government or a street's office."""
        return f"{self.name}人民政府" if self.kind == "镇" else f"{self.name}办事处"


class Department(Strict):
    id: str
    name: str


class Input(Strict):
    id: str
    name: str
    unit: str = ""


class Measure(Strict):
    inputs: tuple[Input, ...]
    rule: Rule


class Periods(Strict):
    labels: tuple[str, ...] = Field(default=("Q1", "Q2", "Q3", "Q4"), min_length=1)
    combine: PeriodCombine = "mean"


class Criterion(Strict):
    id: str
    name: str
    standard: str
    points: Decimal = Field(gt=0)
    department: str | None = None  # overrides the item's department
    periods: Periods | None = None
    applies_to: tuple[str, ...] | None = None  # unit ids; None = every unit
    measure: Measure | None = None

    def applies(self, unit_id: str) -> bool:
        return self.applies_to is None or unit_id in self.applies_to

    def input_names(self) -> dict[str, str]:
        return {i.id: i.name for i in self.measure.inputs} if self.measure else {}

    def divides_by(self, input_id: str) -> bool:
        """Whether the criterion's rule divides by this input (a 0 there cannot be scored: I704)."""
        return self.measure is not None and getattr(self.measure.rule, "denominator", None) == input_id


class Item(Strict):
    number: int = Field(ge=1, le=999)  # 项目序号 (not "no": YAML 1.1 readers take that key for false)
    name: str
    department: str
    assists: tuple[str, ...] = ()
    points: Decimal = Field(gt=0)
    criteria: tuple[Criterion, ...] = Field(min_length=1)


class Rating(Strict):
    grade: str
    bonus: Decimal = Field(ge=0)


class HighlightPolicy(Strict):
    per_unit: int = Field(default=5, ge=1, le=50)  # 亮点 per town: the registers hold units × per_unit rows
    types: tuple[str, ...] = ("创新性", "试点性", "示范性")
    ratings: tuple[Rating, ...]
    cap: Decimal = Field(ge=0)

    def bonus_of(self, grade: str) -> Decimal | None:
        return next((r.bonus for r in self.ratings if r.grade == grade), None)


class ProblemCategory(Strict):
    id: str
    name: str
    deduction: Decimal = Field(gt=0)  # default per case
    max_per_case: Decimal | None = Field(default=None, gt=0)
    veto: bool = False  # 一票否决: keeps the town out of the top grade


class ProblemPolicy(Strict):
    cap: Decimal = Field(gt=0)  # per unit
    categories: tuple[ProblemCategory, ...] = Field(min_length=1)

    def category(self, key: str) -> ProblemCategory | None:
        return next((c for c in self.categories if key in (c.id, c.name)), None)


class GradeBand(Strict):
    name: str
    min: Decimal | None = None  # inclusive; None only for the lowest band
    max: Decimal | None = None  # exclusive; None = up to the next band's min
    quota: Decimal | None = Field(default=None, gt=0, le=1)  # share of units


TieBreaker = Literal["lower_deductions", "higher_base", "higher_bonus"]


class Deadlines(Strict):
    self_report: dt.date  # 街镇自评报告
    department_scoring: dt.date  # 科室评估打分
    office_ranking: dt.date  # 办公室汇总排名


YEAR_MIN, YEAR_MAX = 2000, 2100  # the years a rubric may be for


class Rubric(Strict):
    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    title: str
    issuer: str = "青浦区民政局"
    total_points: Decimal = Field(gt=0)
    precision: int = Field(default=2, ge=0, le=4)
    not_applicable: Literal["full", "prorate"] = "full"
    follow_up_share: Decimal = Field(default=Decimal("0.6"), gt=0, le=1)
    boundary_margin: Decimal = Field(default=Decimal("0.5"), ge=0)  # the brief names towns this close to a band's line
    deadlines: Deadlines
    units: tuple[Unit, ...] = Field(min_length=1)
    departments: tuple[Department, ...] = Field(min_length=1)
    items: tuple[Item, ...] = Field(min_length=1)
    highlights: HighlightPolicy
    problems: ProblemPolicy
    grades: tuple[GradeBand, ...] = Field(min_length=1)
    tie_breakers: tuple[TieBreaker, ...] = ()
    quota_ties: Literal["down", "exceed"] = "down"  # a tied group at a quota boundary: all down, or all in

    # --- lookups -------------------------------------------------------------
    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the rubric's content (not its formatting or comments), first 16 hex. What only
        changes how a document reads and no result (``PRESENTATION``) is left out, so a rubric and its
        archives keep their fingerprint when it is added or changed."""
        text = json.dumps(_canonical(self.model_dump(exclude=PRESENTATION)), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @cached_property
    def criteria(self) -> dict[str, Criterion]:
        return {c.id: c for item in self.items for c in item.criteria}

    @cached_property
    def item_of(self) -> dict[str, Item]:
        return {c.id: item for item in self.items for c in item.criteria}

    def department_of(self, criterion_id: str) -> str:
        c = self.criteria[criterion_id]
        return c.department or self.item_of[criterion_id].department

    def criteria_of(self, department_id: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if self.department_of(c.id) == department_id]

    @cached_property
    def department(self) -> dict[str, Department]:
        return {d.id: d for d in self.departments}

    @cached_property
    def unit(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def _names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for u in self.units:
            for key in (u.id, u.name, *u.aliases):
                out.setdefault(normalize_name(key), u.id)
        return out

    def resolve_unit(self, text: str) -> str | None:
        """A unit id for a name, short form or id, after normalising spaces; else None."""
        return self._names.get(normalize_name(text))

    def unit_names(self) -> list[str]:
        return [u.name for u in self.units]


def _canonical(value: object) -> object:
    """Plain JSON values where equal numbers are equal text (2 and 2.0 alike)."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


PRESENTATION = {"boundary_margin"}  # keys that change no score, rank or grade: outside the fingerprint
RUBRIC_FORMAT = "qp-eval-rubric/1"  # rubric show --format json (docs/json.md)


def rubric_data(r: Rubric, path: str) -> dict[str, object]:
    """``rubric show --format json``: the whole rubric with its fingerprint and where it was read."""
    return {"format": RUBRIC_FORMAT, "path": path, "fingerprint": r.fingerprint, "rubric": r.model_dump(mode="json")}
