"""Make the example 2024 workspace shipped in the package (src/qp_eval/example/, which ``qp-eval demo`` copies): fictional but plausible data for the 11 towns.

Run ``python examples/generate.py`` (``make examples``). It writes the blank templates with
the same writer users get (``qp-eval template``), fills them with openpyxl from a fixed random
seed (the director's meeting records one adjustment in 审议决定.xlsx), and writes archive/2023.json
and archive/2022.json so that 较上年 shows movement and the trend three years (one item renamed and two
renumbered in 2022); then each town's 自评表
(scores/2024/自评/), from the departments' figures with a town's usual optimism. Running it again gives the
same cell contents. All figures and cases are invented for demonstration.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

from qp_eval.core import layout as L
from qp_eval.core import names as N
from qp_eval.core.rubric import Rubric
from qp_eval.io.atomic import atomic_write_bytes
from qp_eval.io.rubric_file import load_rubric
from qp_eval.io.workspace import shipped_rubric
from qp_eval.io.writers.template import write_templates

SEED = 20241210
HERE = Path(__file__).resolve().parent.parent / "src" / "qp_eval" / "example"

# town id -> (resident population, registered elderly population, quality 0..1)
TOWNS = {
    "xiayang": (118_000, 21_500, 0.9), "yingpu": (104_000, 19_800, 0.8), "xianghuaqiao": (126_000, 17_900, 0.72),
    "zhujiajiao": (98_000, 26_300, 0.93), "liantang": (57_000, 19_400, 0.62), "jinze": (61_000, 21_000, 0.76),
    "zhaoxiang": (92_000, 12_600, 0.66), "xujing": (213_000, 16_800, 0.86), "huaxin": (152_000, 18_900, 0.7),
    "chonggu": (36_000, 9_100, 0.55), "baihe": (83_000, 17_200, 0.6),
}

REASONS = {
    "elderly": ["长者食堂日常监测发现留样记录不全", "探访关爱记录填写不完整，个别季度未按时上传",
                "公办养老机构等级评定整改未按期完成", "助餐平台工单处理超时较多", "消防安全检查发现通道堆物未及时整改",
                "“云监管”数据更新不及时", "人户分离老年人居住地补贴政策宣传不到位"],
    "assistance": ["低保定期复审有2户超时限", "特困人员照护需求评估资料缺失", "临时救助审批材料缺少公示记录",
                   "“社区云”服务记录有月份缺漏", "重复领取停发后追回资金未全部到位", "近亲属备案信息更新不及时",
                   "困境儿童走访排摸数据与系统不一致", "优秀案例报送材料较简单", "抽样调查满意度略低于全区平均",
                   "核对业务个别件超过规定时限"],
    "rescue_station": ["发现本辖区户籍流浪乞讨人员后接回不够及时"],
    "approval": ["社会组织党组织覆盖率提升不明显", "“僵尸型”社会组织清理进度滞后", "社区群众活动团队备案不全",
                 "年检材料报送延迟", "信息报送数量偏少"],
    "social_affairs": ["界桩巡查记录不完整", "遗产管理人相关案件配合材料不齐", "居委会更名材料归档不规范",
                       "祭扫期间现场安全保障方案不够细化", "公益性公墓财务台账不规范", "移风易俗宣传活动偏少",
                       "一墓一档更新不及时"],
    "charity_center": ["“上海慈善周”活动开展形式较单一", "慈善超市活动信息上报不及时", "慈善先进推选材料不完整"],
    "office": ["宣传信息报送数量偏少", "报送信息质量有待提高"],
}

HIGHLIGHT_TOPICS = [
    ("长者食堂“15分钟助餐服务圈”", "创新性"), ("“政策找人”困难群众主动发现机制", "创新性"),
    ("未成年人保护工作站“一站多点”", "示范性"), ("睦邻点互助养老", "示范性"), ("智慧养老“一键通”全覆盖", "试点性"),
    ("慈善超市+公益项目联动", "创新性"), ("认知障碍友好社区建设", "试点性"), ("社区社会组织孵化基地", "示范性"),
    ("“时间银行”志愿服务", "试点性"), ("家门口服务站养老服务延伸", "示范性"), ("困境儿童“一人一档”精准关爱", "创新性"),
    ("节地生态葬推广", "示范性"), ("救助顾问“金牌工作室”", "创新性"), ("居村委会规范化建设", "示范性"),
    ("适老化改造“一户一方案”", "试点性"), ("乡村长者照护之家", "试点性"),
]
EVIDENCE = ["区民政局简报刊发", "市民政局工作信息录用", "新闻媒体报道", "获评市级示范项目", "工作总结及照片",
            "服务台账及满意度调查", "区委区政府领导批示肯定"]


def q(value: float | Decimal, step: str = "0.05") -> Decimal:
    return (Decimal(str(value)) / Decimal(step)).to_integral_value(ROUND_HALF_UP) * Decimal(step)


def score_for(rng: random.Random, points: Decimal, quality: float) -> Decimal:
    draw = rng.random()
    if draw < 0.05 + 0.65 * quality:
        return points
    loss = rng.uniform(0.1, 0.3 if draw < 0.95 else 0.6)
    return max(Decimal(0), min(points, q(float(points) * (1 - loss))))


def header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def fill_department(path: Path, rubric: Rubric, dept_id: str, rng: random.Random) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[L.SCORE_SHEET]
    col = header(ws)
    names = {u.name: u.id for u in rubric.units}
    for r in range(2, ws.max_row + 1):
        score = ws.cell(r, col["得分"])
        if score.value == L.NOT_APPLICABLE:
            continue
        unit_id = names[ws.cell(r, col["街镇"]).value]
        points = Decimal(str(ws.cell(r, col["分值"]).value))
        value = score_for(rng, points, TOWNS[unit_id][2])
        score.value = float(value)
        if value < points:
            ws.cell(r, col["扣分说明"]).value = rng.choice(REASONS[dept_id])
    if L.FIGURE_SHEET in wb.sheetnames:
        fs = wb[L.FIGURE_SHEET]
        fcol = header(fs)
        for r in range(2, fs.max_row + 1):
            unit_id = names[fs.cell(r, fcol["街镇"]).value]
            cid = str(fs.cell(r, fcol["编号"]).value)
            name = fs.cell(r, fcol["指标"]).value
            fs.cell(r, fcol["数值"]).value = figure(rng, unit_id, cid, name)
    wb.save(path)


_memo: dict[tuple[str, str], int] = {}


def figure(rng: random.Random, unit_id: str, cid: str, name: str) -> int:
    resident, elderly, quality = TOWNS[unit_id]
    key = (unit_id, cid)
    if cid == "2.1":
        return elderly if "人口" in name else int(elderly * rng.uniform(0.031, 0.047) * (0.9 + 0.15 * quality))
    if cid == "2.2":
        return resident if "人口" in name else int(resident / 1000 * rng.uniform(38, 58) * (0.9 + 0.12 * quality))
    if cid in ("5.3", "5.4"):
        base = _memo.setdefault(key, int(resident / 1000 * rng.uniform(0.8, 2.6)))
        return base if "上年" in name else int(base * rng.uniform(0.9, 1.25))
    if cid == "11.5":
        staff = _memo.setdefault(key, rng.randint(22, 78))
        return staff if "总人数" in name else (staff if rng.random() < 0.7 + 0.25 * quality else staff - rng.randint(1, 3))
    if cid == "24.1":
        target = _memo.setdefault(key, rng.randint(15, 120))
        return target if "目标" in name else min(target, int(target * rng.uniform(0.74, 1.0)))
    raise ValueError(f"no generator for {cid} {name}")


def fill_highlights(path: Path, rubric: Rubric, rng: random.Random) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[L.HIGHLIGHT_SHEET]
    col = header(ws)
    names = {u.name: u for u in rubric.units}
    picks: dict[str, list] = {}
    for r in range(2, ws.max_row + 1):
        unit = names[ws.cell(r, col["街镇"]).value]
        seq = int(ws.cell(r, col["序号"]).value)
        topics = picks.setdefault(unit.id, rng.sample(HIGHLIGHT_TOPICS, rubric.highlights.per_unit))
        topic, kind = topics[seq - 1]
        short = unit.aliases[0] if unit.aliases else unit.name
        quality = TOWNS[unit.id][2]
        rating = rng.choices(["A", "B", "C"], weights=[quality * 3, 3, 2 - quality])[0]
        ws.cell(r, col["亮点名称"]).value = f"{short}：{topic}"
        ws.cell(r, col["简介"]).value = (
            f"{unit.name}结合本地实际，推进{topic}，年内覆盖{rng.randint(6, 30)}个村居，服务群众"
            f"{rng.randint(800, 9000)}人次，形成可复制推广的工作机制。"
        )
        ws.cell(r, col["类型"]).value = kind
        ws.cell(r, col["佐证材料"]).value = rng.choice(EVIDENCE)
        ws.cell(r, col["评定等级"]).value = rating
    wb.save(path)


def fill_problems(path: Path) -> None:
    rows = [
        ["香花桥街道", "服务对象进京上访", "一名救助对象因低保待遇问题赴京上访", dt.datetime(2024, 4, 16), "区信访办", None, "青信访通报〔2024〕7号"],
        ["赵巷镇", "被巡视、审计、纪检、财政等部门指出问题", "区审计指出临时救助资金发放台账不规范", dt.datetime(2024, 6, 20), "区审计局", None, "审计报告第3条"],
        ["重固镇", "被巡视、审计、纪检、财政等部门指出问题", "财政检查指出慈善超市专项资金使用不规范", dt.datetime(2024, 9, 5), "区财政局", 1.5, "财政检查意见书"],
        ["夏阳街道", "重大安全生产责任事故", "辖区养老机构厨房燃气泄漏致人员受伤", dt.datetime(2024, 8, 12), "区应急管理局", None, "事故调查报告"],
        ["白鹤镇", "被主流新闻媒体曝光批评、产生严重舆情", "长者食堂服务质量问题被媒体曝光", dt.datetime(2024, 11, 3), "区融媒体中心", None, "舆情专报"],
    ]
    wb = openpyxl.load_workbook(path)
    ws = wb[L.PROBLEM_SHEET]
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            ws.cell(r, c).value = v
    wb.save(path)


MEETING = (dt.datetime(2025, 1, 6), "青民纪〔2025〕1号")
DECISIONS = [  # what the director's meeting decided: one adjustment, with its reason
    ["朱家角镇", L.DECIDE_FINAL, 0.5, None, "承办全市养老服务工作现场推进会，相关工作量未在评分细则中体现",
     "会议纪要第二项"],
]


def fill_decisions(path: Path) -> None:
    """The register of the director's meeting: its date and minutes, and its one decision."""
    wb = openpyxl.load_workbook(path)
    meeting = wb[L.MEETING_SHEET]
    meeting["B2"], meeting["B3"] = MEETING
    meeting["B2"].number_format = "yyyy-mm-dd"
    ws = wb[L.DECISION_SHEET]
    for r, row in enumerate(DECISIONS, 2):
        for c, v in enumerate(row, 1):
            ws.cell(r, c).value = v
    wb.save(path)


SELF_REASONS = ["个别台账归档不及时，已整改", "部分工作记录不够完整，正在补齐", "与年度目标尚有差距，已制定整改计划"]
UNREPORTED = "baihe"  # leaves its registered media exposure out of its self-evaluation
SHORT_OF_HIGHLIGHTS = "chonggu"  # sends four highlights of five
EXTRA_PROBLEM = ("jinze", "服务对象进京上访", "一名困难群众因医疗救助问题到京反映，已劝返", dt.datetime(2024, 7, 9),
                 "已落实医疗救助，当事人息诉")


def fill_towns(scores: Path, rubric: Rubric, rng: random.Random) -> None:
    """Each town's 自评表: its self-scores mostly at or above what the departments gave, its own
    figures as the departments entered them, its highlights as the register holds them, and its
    problems as registered -- except the towns the module names above."""
    from qp_eval.io.intake import validate_paths

    tables = validate_paths(rubric, [scores]).tables
    given: dict[tuple[str, str], list[Decimal]] = {}
    for e in tables.scores:
        if e.value is not None:
            given.setdefault((e.unit_id, e.criterion_id), []).append(e.value)
    figures = {(f.unit_id, f.criterion_id, f.input_id): f.value for f in tables.figures}
    highlights = {(h.unit_id, h.seq): h for h in tables.highlights}
    problems = {p.unit_id: p for p in tables.problems}
    write_templates(rubric, scores, towns=True)
    for unit in rubric.units:
        path = scores / N.SELF_FOLDER / N.self_file_name(rubric.year, unit.name)
        wb = openpyxl.load_workbook(path)
        ws = wb[L.SELF_SHEET]
        col = header(ws)
        for r in range(2, ws.max_row + 1):
            cid = str(ws.cell(r, col["编号"]).value)
            points = Decimal(str(ws.cell(r, col["分值"]).value))
            values = given[(unit.id, cid)]
            scored = q(sum(values, Decimal(0)) / len(values))
            draw = rng.random()
            own = scored if draw < 0.6 else min(points, q(scored + (points - scored) * Decimal(str(rng.uniform(0.3, 1)))))
            if draw > 0.95:
                own = max(Decimal(0), q(scored - Decimal("0.1")))
            ws.cell(r, col["自评得分"]).value = float(own)
            ws.cell(r, col["自评说明"]).value = (rng.choice(SELF_REASONS) if own < points else
                                               f"按细则要求完成，{rng.choice(EVIDENCE)}可查")
            ws.cell(r, col["佐证材料"]).value = rng.choice(EVIDENCE)
        if L.FIGURE_SHEET in wb.sheetnames:
            fs = wb[L.FIGURE_SHEET]
            fcol = header(fs)
            names = {(c.id, i.name): i.id for c in rubric.criteria.values() if c.measure for i in c.measure.inputs}
            for r in range(2, fs.max_row + 1):
                cid, name = str(fs.cell(r, fcol["编号"]).value), fs.cell(r, fcol["指标"]).value
                fs.cell(r, fcol["数值"]).value = int(figures[(unit.id, cid, names[(cid, name)])])
        hs = wb[L.HIGHLIGHT_SHEET]
        hcol = header(hs)
        sent = rubric.highlights.per_unit - (1 if unit.id == SHORT_OF_HIGHLIGHTS else 0)
        for r in range(2, 2 + sent):
            h = highlights[(unit.id, int(hs.cell(r, hcol["序号"]).value))]
            for column, value in (("亮点名称", h.name), ("简介", h.summary), ("类型", h.type), ("佐证材料", h.evidence)):
                hs.cell(r, hcol[column]).value = value
        ps = wb[L.PROBLEM_SHEET]
        own_problems = []
        p = problems.get(unit.id)
        if p is not None and unit.id != UNREPORTED:
            cat = rubric.problems.category(p.category_id)
            assert cat is not None
            own_problems.append((cat.name, p.description, dt.datetime.combine(p.date, dt.time()), "已完成整改"))
        if unit.id == EXTRA_PROBLEM[0]:
            own_problems.append(EXTRA_PROBLEM[1:])
        for r, row in enumerate(own_problems, 2):
            for c, v in enumerate(row, 1):
                ps.cell(r, c).value = v
        wb.save(path)


RENAMED_2022 = {18: "行政区划维护管理工作"}  # the item's name in 2022: the trend says it did not match
RENUMBERED_2022 = {26: 27, 27: 26}  # 2024's item number -> its number in 2022: the trend matches them by name


def archive_2023(rubric: Rubric, rng: random.Random) -> dict:
    order = [u.id for u in sorted(rubric.units, key=lambda u: -TOWNS[u.id][2] + rng.uniform(-0.08, 0.08))]
    return past_year(rubric, 2023, order, random.Random(SEED + 2), "示例数据：虚构的2023年度结果，用于演示“较上年”和历年趋势")


def archive_2022(rubric: Rubric) -> dict:
    rng = random.Random(SEED + 3)
    order = [u.id for u in sorted(rubric.units, key=lambda u: -TOWNS[u.id][2] + rng.uniform(-0.12, 0.12))]
    return past_year(rubric, 2022, order, rng, "示例数据：虚构的2022年度结果，用于演示历年趋势",
                     RENAMED_2022, RENUMBERED_2022)


def past_year(rubric: Rubric, year: int, order: list[str], rng: random.Random, note: str,
              renamed: dict[int, str] | None = None, renumbered: dict[int, int] | None = None) -> dict:
    """An earlier year's archive in ``order`` (best first): item scores drawn around each town's quality,
    a small bonus; the finals are sorted so that the ranks follow ``order``."""
    renamed, renumbered = renamed or {}, renumbered or {}
    cent = Decimal("0.01")
    drawn = []
    for uid in order:
        q = TOWNS[uid][2]
        items = [min(i.points, (i.points * Decimal(str(round(0.77 + 0.14 * q + rng.uniform(-0.06, 0.05), 3))))
                     .quantize(cent, ROUND_HALF_UP)) for i in rubric.items]
        bonus = Decimal(rng.choice(["0", "0.5", "1", "1.5", "2"]))
        drawn.append((sum(items, Decimal(0)) + bonus, items, bonus))
    drawn.sort(key=lambda d: -d[0])
    assert len({d[0] for d in drawn}) == len(drawn), "two towns drawn with the same final"
    listed = sorted(((renumbered.get(i.number, i.number), renamed.get(i.number, i.name), i.points, k)
                     for k, i in enumerate(rubric.items)))
    results = []
    for rank, (uid, (final, items, bonus)) in enumerate(zip(order, drawn, strict=True), 1):
        grade = next(g.name for g in rubric.grades if g.min is None or final >= g.min)
        results.append({"unit_id": uid, "unit": rubric.unit[uid].name, "rank": rank, "final": str(final),
                        "base": str(final - bonus), "bonus": str(bonus), "deductions": "0", "grade": grade,
                        "item_scores": [str(items[k]) for _, _, _, k in listed]})
    return {"format": "qp-eval-archive/1", "year": year, "note": note,
            "items": [{"number": n, "name": name, "points": str(p)} for n, name, p, _ in listed], "results": results}


def write_archive(root: Path, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(root / "archive" / f"{data['year']}.json", text.encode("utf-8"))


def generate(root: Path) -> None:
    rubric_path = shipped_rubric(2024)
    assert rubric_path is not None
    rubric = load_rubric(rubric_path)
    rng = random.Random(SEED)
    _memo.clear()
    scores = root / "scores" / "2024"
    shutil.rmtree(scores, ignore_errors=True)  # the generator owns this folder: start it anew
    write_templates(rubric, scores)
    for dept_id in L.scoring_departments(rubric):
        fill_department(scores / N.score_file_name(rubric.year, rubric.department[dept_id].name), rubric, dept_id, rng)
    fill_highlights(scores / N.HIGHLIGHT_FILE, rubric, rng)
    fill_problems(scores / N.PROBLEM_FILE)
    fill_decisions(scores / N.DECISION_FILE)
    write_archive(root, archive_2023(rubric, rng))
    write_archive(root, archive_2022(rubric))
    fill_towns(scores, rubric, random.Random(SEED + 1))  # its own draws: the departments' data stay as they were


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(f"示例工作目录已生成：{HERE if len(sys.argv) == 1 else sys.argv[1]}")
