"""The sheet names, column headers and expected rows shared by the template writer and the reader.

Both sides import from here, so what ``template`` writes and what ``validate`` expects cannot
drift apart. A quarterly criterion's rows use ids such as ``1.3-Q1`` in the 编号 column.
Measurable criteria (量化细则) have no row in 评分: the department enters their figures
in 指标 and the score is computed by the rubric's rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .rubric import Criterion, Input, Rubric

INFO_SHEET = "说明"
SCORE_SHEET = "评分"
FIGURE_SHEET = "指标"
PROBLEM_SHEET = "问题"
HIGHLIGHT_SHEET = "亮点"
SELF_SHEET = "自评"

SCORE_COLUMNS = ("街镇", "编号", "评估项目", "评估内容", "分值", "得分", "扣分说明")
FIGURE_COLUMNS = ("街镇", "编号", "指标", "数值", "单位")
PROBLEM_COLUMNS = ("街镇", "问题类别", "问题描述", "发生日期", "来源", "扣分", "依据")
HIGHLIGHT_COLUMNS = ("街镇", "序号", "亮点名称", "简介", "类型", "佐证材料", "评定等级")

# a town's self-evaluation workbook (自评表): its own sheets 自评, 指标, 亮点, 问题
SELF_COLUMNS = ("编号", "评估项目", "评估内容", "分值", "自评得分", "自评说明", "佐证材料")
SELF_FIGURE_COLUMNS = ("编号", "指标", "数值", "单位")
SELF_HIGHLIGHT_COLUMNS = ("序号", "亮点名称", "简介", "类型", "佐证材料")
SELF_PROBLEM_COLUMNS = ("问题类别", "问题描述", "发生日期", "整改情况")

# the columns a reader cannot do without (others are for people)
SCORE_REQUIRED = ("街镇", "编号", "得分", "扣分说明")
FIGURE_REQUIRED = ("街镇", "编号", "指标", "数值")
PROBLEM_REQUIRED = ("街镇", "问题类别", "发生日期", "扣分")
HIGHLIGHT_REQUIRED = ("街镇", "序号", "亮点名称", "类型", "佐证材料", "评定等级")
SELF_REQUIRED = ("编号", "自评得分", "自评说明")
SELF_FIGURE_REQUIRED = ("编号", "指标", "数值")
SELF_HIGHLIGHT_REQUIRED = ("序号", "亮点名称", "类型")
SELF_PROBLEM_REQUIRED = ("问题类别", "问题描述", "发生日期")

NOT_APPLICABLE = "不适用"

# 说明 sheet: key in column A, value in column B
KEY_KIND = "文件类型"
KEY_YEAR = "年度"
KEY_DEPT_ID = "科室编号"
KEY_DEPT_NAME = "科室名称"
KEY_FINGERPRINT = "细则指纹"  # of this sheet's layout (sheetspec), not of the whole rubric
KEY_LAYOUT = "细则布局"  # the layout itself, JSON, in a hidden row: lets F104 name what changed
KEY_DEADLINE = "截止日期"
KEY_UNIT_ID = "街镇编号"
KEY_UNIT_NAME = "街镇名称"

KIND_SCORES = "科室评分表"
KIND_PROBLEMS = "问题登记"
KIND_HIGHLIGHTS = "亮点登记"
KIND_SELF = "街镇自评表"
KIND_DECISIONS = "审议决定"
KINDS = (KIND_SCORES, KIND_PROBLEMS, KIND_HIGHLIGHTS, KIND_SELF, KIND_DECISIONS)
PROBLEM_BLANK_ROWS = 200

# the register of what the director's meeting decided (审议决定): the meeting on one sheet, decisions on another
MEETING_SHEET = "会议"
MEETING_COLUMNS = ("项目", "内容")
KEY_MEETING_DATE = "会议日期"
KEY_MINUTES = "纪要文号"
DECISION_SHEET = "决定"
DECISION_COLUMNS = ("街镇", "决定事项", "调整分值", "等次", "理由", "备注")
DECISION_REQUIRED = ("街镇", "决定事项", "调整分值", "等次", "理由")
DECIDE_FINAL = "调整最终得分"  # by a signed amount
DECIDE_GRADE = "确定等次"  # a band set by the meeting
DECISION_KINDS = (DECIDE_FINAL, DECIDE_GRADE)
DECISION_BLANK_ROWS = 30


def row_id(criterion_id: str, period: str | None) -> str:
    return f"{criterion_id}-{period}" if period else criterion_id


def criterion_of_row(rubric: Rubric, row: str) -> str:
    """The criterion of a 编号 such as ``1.3-Q1`` (``row_id`` read back; a criterion id may itself hold a
    hyphen, so an id the rubric has is taken whole)."""
    return row if row in rubric.criteria or "-" not in row else row.rsplit("-", 1)[0]


@dataclass(frozen=True, slots=True)
class ScoreRow:
    unit_id: str
    criterion: Criterion
    period: str | None

    @property
    def id(self) -> str:
        return row_id(self.criterion.id, self.period)


SHEET_ROWS = 1_048_576  # a worksheet's rows in Excel and WPS, the header's among them (rubric check R027; the report)


@dataclass(frozen=True, slots=True)
class FigureRow:
    unit_id: str
    criterion: Criterion
    input: Input


def scored_criteria(rubric: Rubric, department_id: str) -> list[Criterion]:
    """The criteria a department enters scores for in 评分 (not the measurable ones)."""
    return [c for c in rubric.criteria_of(department_id) if c.measure is None]


def measured_criteria(rubric: Rubric, department_id: str) -> list[Criterion]:
    return [c for c in rubric.criteria_of(department_id) if c.measure is not None]


def score_rows(rubric: Rubric, department_id: str) -> Iterator[ScoreRow]:
    """Every (town, criterion[, quarter]) row of a department's 评分 sheet, in sheet order."""
    for unit in rubric.units:
        yield from score_rows_of_unit(rubric, department_id, unit.id)


def score_rows_of_unit(rubric: Rubric, department_id: str, unit_id: str) -> Iterator[ScoreRow]:
    for c in scored_criteria(rubric, department_id):
        for period in c.periods.labels if c.periods else (None,):
            yield ScoreRow(unit_id, c, period)


def figure_rows(rubric: Rubric, department_id: str) -> Iterator[FigureRow]:
    criteria = measured_criteria(rubric, department_id)
    for unit in rubric.units:
        for c in criteria:
            if not c.applies(unit.id):
                continue
            assert c.measure is not None
            for inp in c.measure.inputs:
                yield FigureRow(unit.id, c, inp)


def scoring_departments(rubric: Rubric) -> list[str]:
    """Departments that score at least one criterion (an assisting unit may score none)."""
    return [d.id for d in rubric.departments if rubric.criteria_of(d.id)]


def idle_departments(rubric: Rubric) -> list[str]:
    """Departments that score nothing (an assisting unit): no sheet is made for them."""
    return [d.id for d in rubric.departments if not rubric.criteria_of(d.id)]


def self_criteria(rubric: Rubric, unit_id: str) -> list[Criterion]:
    """The criteria a town scores itself on in 自评: those that apply to it and are not measured
    (a measured criterion's self-score comes from the town's own figures in 指标). A quarterly
    criterion is one row: the town evaluates its year."""
    return [c for c in rubric.criteria.values() if c.applies(unit_id) and c.measure is None]


def self_figure_rows(rubric: Rubric, unit_id: str) -> Iterator[tuple[Criterion, Input]]:
    for c in rubric.criteria.values():
        if c.measure is not None and c.applies(unit_id):
            yield from ((c, inp) for inp in c.measure.inputs)
