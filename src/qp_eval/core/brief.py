"""The 审议稿: what the office puts before the director's meeting (plan 四(三): 提请局长办公会议审议决定).

Two to four A4 pages for the district's eleven towns, in the layout of the letters:

一、评估开展情况 — the plan's steps and their dates, who evaluated what, the sheets received and
    what their checks found;
二、初评结果 — the proposed ranking as a table, with the spread of the finals and the grades;
三、提请关注的事项 — what the meeting should look at before it decides: towns within the rubric's
    ``boundary_margin`` of a grade's line, ties and how they were broken, grades set by a quota or
    a veto, the towns whose 自评 differs most from the departments' scores, problems registered
    but left out of a town's own report, and how firm the ranking is under other item points;
四、各科室评分中差距较大的项目 — per department, the items followed up and the largest gaps;
五、提请审议事项 — what is asked of the meeting.

Every figure is the published one of the proposal (初评), from the same records as ``rank``: the
brief is written for the meeting, so it shows the proposal even once a decision is recorded. Lists
that grow with the district (ties, gaps, differences) name the largest few and count the rest, so
the brief stays short for a large one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from . import layout as L
from . import report_data as R
from .analysis_view import Analysis
from .document import Block, Para, Table, cn_date, cn_number
from .evaluate import Evaluation
from .findings import count
from .numbers import fmt, publish
from .ranking import TIE_BREAKER_RULES, Ranked
from .results import COLUMNS, records

ZERO = Decimal(0)
MOST = 5  # towns named in one list of the brief; the rest are counted
GAPS_PER_DEPARTMENT = 2
TABLE_KEYS = ("rank", "unit", "base", "bonus", "deductions", "final", "grade", "change")
# in points of the 156 mm type area, for 小四: 街镇 names and four-character headers on one line
TABLE_WIDTHS = (36, 74, 61, 61, 61, 61, 38, 50)


def title(year: int) -> str:
    return f"{year}年度民政工作综合评估结果（审议稿）"


def _names(units: list[str], most: int = MOST) -> str:
    """甲镇、乙街道、丙镇 (…等 n 个街镇 when there are more than ``most``)."""
    if len(units) <= most:
        return "、".join(units)
    return "、".join(units[:most]) + f"等 {len(units)} 个街镇"


def brief_blocks(ev: Evaluation, made: dt.date, analysis: Analysis | None = None) -> list[Block]:
    """``analysis``: how firm the ranking is, said as the last matter to look at (``core.analysis``)."""
    rubric = ev.rubric
    out: list[Block] = [
        Para(title(rubric.year), "title", keep=True),
        Para(f"局办公室　{cn_date(made)}", "subtitle"),
        Para(f"根据《{rubric.year}年度青浦区民政工作综合评估方案》，局办公室汇总了各评估科室（单位）对全区 "
             f"{len(rubric.units)} 个街镇民政部门{rubric.year}年度民政工作的评估意见，计算了最终评估得分，按照从高分到"
             "低分的原则提出考评位次（初评）。现将有关情况报告如下，提请局长办公会议审议。"),
    ]
    out += _how_it_was_done(ev)
    out += _proposal(ev)
    out += _to_look_at(ev, analysis)
    out += _gaps(ev)
    out += [
        Para("五、提请审议事项", "heading", keep=True),
        Para("提请局长办公会议审议上述初评结果和提请关注的事项。会议如调整个别街镇的最终得分或等次，请一并明确理由，"
             "由局办公室登记入审议决定，按审定结果以区民政局名义函告各街镇；对存在较大差距的项目，由相关科室（单位）"
             "与街镇沟通，进一步加强指导和督查。"),
    ]
    return out


def _how_it_was_done(ev: Evaluation) -> list[Block]:
    rubric = ev.rubric
    d = rubric.deadlines
    seen = Counter(s.kind for s in ev.validation.seen if s.adopted)
    criteria = sum(len(i.criteria) for i in rubric.items)
    selfs = len(ev.comparison.sent)
    steps = (f"评估按方案分三步进行：各街镇于{cn_date(d.self_report)}前报送自评报告（收到 {selfs} 个街镇的自评表）；"
             f"{len(L.scoring_departments(rubric))} 个评估科室（单位）于{cn_date(d.department_scoring)}前按职责分工对口评定、评估打分，"
             f"共 {len(rubric.items)} 个项目、{criteria} 条细则，满分 {fmt(rubric.total_points)} 分；局办公室登记特色亮点"
             f"和存在问题，于{cn_date(d.office_ranking)}前汇总计算最终得分、提出考评位次。")
    by_department: dict[str, list] = {}
    for item in rubric.items:
        by_department.setdefault(item.department, []).append(item)
    who = "评估分工：" + "；".join(
        f"{rubric.department[dep].name} {len(items)} 项（{fmt(sum((i.points for i in items), ZERO))} 分）"
        for dep, items in by_department.items()) + "。"
    tables = ev.validation.tables
    rated = Counter(h.rating for h in tables.highlights if h.name and h.rating)
    ratings = "、".join(f"{r.grade}级 {rated[r.grade]} 项" for r in rubric.highlights.ratings if rated[r.grade])
    named = sum(1 for h in tables.highlights if h.name)
    registers = (f"特色亮点共 {named} 项" + (f"，评定{ratings}" if ratings else "") +
                 f"；存在问题登记 {len(tables.problems)} 起，涉及 {len({p.unit_id for p in tables.problems})} 个街镇。")
    findings = ev.findings
    listed = (L.KIND_SCORES, L.KIND_PROBLEMS, L.KIND_HIGHLIGHTS, L.KIND_SELF)
    files = (f"共收到并校验输入文件 {sum(seen[k] for k in listed)} 份（科室评分表 {seen[L.KIND_SCORES]} 份、问题登记 "
             f"{seen[L.KIND_PROBLEMS]} 份、亮点登记 {seen[L.KIND_HIGHLIGHTS]} 份、街镇自评表 {seen[L.KIND_SELF]} 份），"
             + _checked(count(findings, "error"), count(findings, "warning")) + "。")
    missing = [x for x in ev.proposal if x.result.missing]
    if missing:
        files += (f"{_names([rubric.unit[x.unit_id].name for x in missing])}缺少部分评分，"
                  "按 0 分计入（已在结果中标注），请会议知悉。")
    return [Para("一、评估开展情况", "heading", keep=True), Para(steps), Para(who), Para(registers + files)]


def _checked(errors: int, warnings: int) -> str:
    said = f"校验发现错误 {errors} 个" if errors else "校验未发现错误"
    return said + (f"，有警告 {warnings} 个" if warnings else "，也没有警告")


def _proposal(ev: Evaluation) -> list[Block]:
    rubric = ev.rubric
    rows = records(ev, proposed=True)
    finals = [x.final for x in ev.proposal]
    grades = Counter(x.grade for x in ev.proposal)
    mean = publish(rubric, sum(finals, ZERO) / len(finals))
    spread = (f"全区 {len(finals)} 个街镇的初评最终得分在 {min(finals)} 至 {max(finals)} 分之间，平均 {mean} 分；"
              + "、".join(f"{g.name} {grades[g.name]} 个" for g in rubric.grades if grades[g.name]) + "。")
    headers = {c.key: c.header for c in COLUMNS}
    table = Table(tuple(headers[k] for k in TABLE_KEYS),
                  tuple(tuple(str(rec[k]) if rec[k] not in (None, "") else "—" for k in TABLE_KEYS) for rec in rows),
                  TABLE_WIDTHS)
    notes = "注：最终得分 = 重点工作得分 + 亮点加分 − 问题扣分，按四舍五入保留 " \
            f"{rubric.precision} 位小数后排序；同分者{'按同分排序规则排序' if rubric.tie_breakers else '并列'}。"
    if ev.previous_problem:
        notes += f"较上年变化：{ev.previous_problem}。"
    return [Para("二、初评结果", "heading", keep=True), Para(spread, keep=True), table, Para(notes, "note")]


def _boundaries(ev: Evaluation) -> list[str]:
    """Towns whose final lies within the margin of a grade's line, nearest first."""
    rubric = ev.rubric
    margin = rubric.boundary_margin
    near: list[tuple[Decimal, int, str]] = []
    for x in ev.proposal:
        for band in rubric.grades:
            if band.min is None:
                continue
            gap = x.final - band.min
            if abs(gap) <= margin:
                said = (f"高出“{band.name}”分数线 {fmt(band.min)} 分 {publish(rubric, gap)} 分" if gap >= 0 else
                        f"距“{band.name}”分数线 {fmt(band.min)} 分差 {publish(rubric, -gap)} 分")
                near.append((abs(gap), x.rank, f"{rubric.unit[x.unit_id].name} {x.final} 分，{said}"))
    near.sort(key=lambda t: (t[0], t[1]))
    shown = [t for _, _, t in near[:MOST]]
    if len(near) > MOST:
        shown.append(f"另有 {len(near) - MOST} 个街镇")
    return shown


def _ties(ev: Evaluation) -> list[str]:
    """Towns that share a published final: tied, or put in order by the rubric's tie-breakers."""
    rubric = ev.rubric
    by_final: dict[Decimal, list[Ranked]] = {}
    for x in ev.proposal:
        by_final.setdefault(x.final, []).append(x)
    rules = "、".join(TIE_BREAKER_RULES[b][0] for b in rubric.tie_breakers)
    out = []
    for final, group in by_final.items():
        if len(group) < 2:
            continue
        names = "、".join(rubric.unit[x.unit_id].name for x in group)
        ranks = [x.rank for x in group]
        if len(set(ranks)) == 1:
            out.append(f"{names}最终得分同为 {final} 分，并列第 {ranks[0]} 名")
        else:
            out.append(f"{names}最终得分同为 {final} 分，按同分排序规则（{rules}）依次列第 "
                       f"{'、'.join(map(str, ranks))} 名")
    return out


def _graded_apart(ev: Evaluation) -> list[str]:
    """Towns whose grade is not the one their score alone gives: a quota or a veto."""
    return [f"{ev.rubric.unit[x.unit_id].name}（{x.final} 分，{x.grade}）：{x.grade_note}"
            for x in ev.proposal if x.grade_note]


def _self_differences(ev: Evaluation) -> list[str]:
    """The towns whose self-evaluation differs most from the departments' scores, over the items
    both scored in full."""
    cmp = ev.comparison
    rubric = ev.rubric
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for g in cmp.items:
        if g.self_score is None:
            continue
        own, scored = totals.get(g.unit_id, (ZERO, ZERO))
        totals[g.unit_id] = (own + g.self_score, scored + g.scored)
    ranks = {x.unit_id: x.rank for x in ev.proposal}
    ordered = sorted(((abs(o - s), ranks[u], u, o, s) for u, (o, s) in totals.items() if o != s),
                     key=lambda t: (-t[0], t[1]))
    out = []
    for _, _, unit_id, own, scored in ordered[:3]:
        largest = max((g for g in cmp.of_unit(unit_id) if g.difference), key=lambda g: abs(g.difference))  # type: ignore[arg-type]
        higher = "高" if own > scored else "低"
        out.append(f"{rubric.unit[unit_id].name}自评比考评{higher} {abs(own - scored)} 分（可比项目自评合计 {own} 分、"
                   f"考评 {scored} 分；差异最大的是“{largest.item}”，自评 {largest.self_score} 分、考评 {largest.scored} 分）")
    return out


def _unreported(ev: Evaluation) -> list[str]:
    by_unit: dict[str, list[str]] = {}
    for p in ev.comparison.unreported:
        when = cn_date(dt.date.fromisoformat(p.date)) if p.date else ""
        by_unit.setdefault(p.unit, []).append(f"{p.category}（{when}）" if when else p.category)
    return [f"{unit}：{'、'.join(items)}" for unit, items in by_unit.items()]


def _to_look_at(ev: Evaluation, analysis: Analysis | None = None) -> list[Block]:
    rubric = ev.rubric
    margin = fmt(rubric.boundary_margin)
    sent = bool(ev.comparison.sent)
    parts: list[tuple[str, list[str], str]] = [
        (f"接近等次分数线的街镇（上下 {margin} 分以内）", _boundaries(ev), f"没有街镇的最终得分在等次分数线上下 {margin} 分以内。"),
        ("同分街镇及排序", _ties(ev), "没有最终得分相同的街镇。"),
        ("受名额限制或一票否决的等次", _graded_apart(ev), "各街镇的等次均按分数线评定，没有受名额限制或一票否决的情形。"),
        ("自评与考评差异较大的街镇", _self_differences(ev) if sent else [],
         "各街镇的自评与考评一致。" if sent else "未收到街镇自评表。"),
        ("已登记扣分但街镇自评未报告的问题", _unreported(ev) if sent else [],
         "各街镇的自评均如实报告了登记扣分的问题。" if sent else "未收到街镇自评表，无法对照。"),
    ]
    out: list[Block] = [Para("三、提请关注的事项", "heading", keep=True)]
    for k, (head, lines, none) in enumerate(parts, 1):
        text = "；".join(lines) + "。" if lines else none
        out.append(Para(f"（{cn_number(k)}）{head}。{text}", "lead"))
    if analysis is not None:
        out.append(Para(f"（{cn_number(len(parts) + 1)}）位次的稳定性。{analysis.paragraph}", "lead"))
    return out


def _gaps(ev: Evaluation) -> list[Block]:
    """Per department: how many (town, item) gaps it follows up, and the largest of them."""
    rubric = ev.rubric
    names = {i.number: i.name for i in rubric.items}
    by_department: dict[str, list[R.Gap]] = {}
    for g in R.gaps(ev):
        by_department.setdefault(g.department_id, []).append(g)
    out: list[Block] = [Para("四、各科室评分中差距较大的项目", "heading", keep=True)]
    if not by_department:
        out.append(Para("各项目得分均未低于跟进标准。"))
        return out
    out.append(Para(f"得分低于该项适用分值的 {fmt(rubric.follow_up_share * 100)}% 或为全区最低的，列入差距跟进，"
                    f"共 {sum(len(v) for v in by_department.values())} 项次，由相关科室（单位）跟进：", keep=True))
    rows = []
    for dep in rubric.departments:
        gaps = by_department.get(dep.id)
        if not gaps:
            continue
        worst = sorted(gaps, key=lambda g: (g.score / g.points, g.item_no))[:GAPS_PER_DEPARTMENT]
        rows.append((dep.name, str(len(gaps)), "\n".join(
            f"{rubric.unit[g.unit_id].name}“{names[g.item_no]}”{g.score}/{fmt(g.points)} 分" for g in worst)))
    out.append(Table(("评估科室", "项次", "差距最大的项目（得分/适用分值）"), tuple(rows), (150, 36, 256),
                     frozenset({0, 2})))
    return out
