"""Does a saved archive still match what the inputs give now? Each difference, in Chinese."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

RESULT_FIELDS = {
    "rank": "位次", "final": "最终得分", "final_exact": "精确得分", "base": "重点工作得分", "bonus": "亮点加分",
    "deductions": "问题扣分", "grade": "等级",
}


ARCHIVE_FORMAT = "qp-eval-archive/1"


MAX_ARCHIVE_BYTES = 100_000_000  # a 40,000-town year's archive is about 15 MB


class ArchiveProblem(ValueError):
    """Why an archive cannot be relied on, in Chinese."""


def parse_archive(raw: bytes, year: int | None = None) -> dict:
    """An archive's bytes read strictly: UTF-8 (a BOM allowed) JSON of qp-eval's archive format and
    version, of ``year`` when given, each result a known-shaped town with a positive whole rank, no town
    twice. ArchiveProblem (Chinese) otherwise."""
    try:
        saved = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ArchiveProblem("不是 UTF-8 编码") from None
    except RecursionError:
        raise ArchiveProblem("不是有效的 JSON（嵌套过深）") from None
    except ValueError as e:
        raise ArchiveProblem(f"不是有效的 JSON（第 {getattr(e, 'lineno', '?')} 行）") from None
    if not isinstance(saved, dict):
        raise ArchiveProblem("内容不是 JSON 对象")
    if saved.get("format") != ARCHIVE_FORMAT:
        raise ArchiveProblem(f"格式为“{saved.get('format')}”，不是 qp-eval 能读的 {ARCHIVE_FORMAT}")
    if year is not None and saved.get("year") != year:
        got = saved.get("year")
        raise ArchiveProblem(f"年度为 {got if type(got) is int else repr(got)}，应为 {year}")
    results = saved.get("results")
    if not isinstance(results, list) or not results:
        raise ArchiveProblem("没有 results（各街镇的结果）")
    seen: set[str] = set()
    for n, x in enumerate(results, 1):
        if not isinstance(x, dict) or not isinstance(x.get("unit_id"), str):
            raise ArchiveProblem(f"第 {n} 个结果没有街镇编号")
        rank = x.get("rank")
        if type(rank) is not int or rank < 1:
            raise ArchiveProblem(f"{x.get('unit') or x['unit_id']} 的位次“{rank}”不是正整数")
        if rank > len(results):
            raise ArchiveProblem(f"{x.get('unit') or x['unit_id']} 的位次 {rank} 大于街镇数 {len(results)}")
        if x["unit_id"] in seen:
            raise ArchiveProblem(f"街镇 {x['unit_id']} 出现了两次")
        seen.add(x["unit_id"])
    items = saved.get("items")
    if items is not None and not (isinstance(items, list) and all(
            isinstance(i, dict) and type(i.get("number")) is int and isinstance(i.get("name"), str)
            and isinstance(i.get("points"), str) for i in items)):
        raise ArchiveProblem("items（评估项目清单）的格式不对")
    for x in results:
        scores = x.get("item_scores")
        if scores is not None and not (isinstance(scores, list) and all(isinstance(v, str) for v in scores)
                                       and len(scores) == len(items or ())):
            raise ArchiveProblem(f"{x.get('unit') or x['unit_id']} 的 item_scores（各项目得分）与 items 不符")
    inputs = saved.get("inputs", [])
    if not isinstance(inputs, list) or not all(
            isinstance(i, dict) and isinstance(i.get("path"), str) and isinstance(i.get("sha256", ""), str)
            for i in inputs):
        raise ArchiveProblem("inputs（输入文件清单）的格式不对")
    return saved


def input_differences(saved: dict, now: dict) -> Iterator[str]:
    """What went into the year: its year, its rubric, its input files."""
    if saved.get("year") != now["year"]:
        yield f"存档年度为 {saved.get('year')}，当前为 {now['year']}"
    if saved.get("rubric_fingerprint") != now["rubric_fingerprint"]:
        yield f"评估细则已修改：存档时指纹 {saved.get('rubric_fingerprint')}，当前 {now['rubric_fingerprint']}"
    old_in = {i["path"]: i for i in saved.get("inputs", []) if isinstance(i, dict) and "path" in i}
    new_in = {i["path"]: i for i in now["inputs"]}
    for path in sorted(old_in.keys() | new_in.keys()):
        if path not in new_in:
            yield f"输入文件已不存在或未被采用：{path}"
        elif path not in old_in:
            yield f"存档后新增了输入文件：{path}"
        elif old_in[path].get("sha256") != new_in[path]["sha256"]:
            yield f"输入文件存档后被修改：{path}"


def result_differences(saved: dict, now: dict) -> Iterator[str]:
    """What came out: each town's rank, scores and grade."""
    old_res = {r.get("unit_id"): r for r in saved.get("results", []) if isinstance(r, dict)}
    new_res = {r["unit_id"]: r for r in now["results"]}
    for unit_id in sorted(old_res.keys() | new_res.keys(), key=str):
        if unit_id not in new_res:
            yield f"存档中有未知街镇 {unit_id}"
            continue
        if unit_id not in old_res:
            yield f"存档中缺少 {new_res[unit_id]['unit']} 的结果"
            continue
        for key, name in RESULT_FIELDS.items():
            if str(old_res[unit_id].get(key)) != str(new_res[unit_id][key]):
                yield (f"{new_res[unit_id]['unit']} 的{name}不一致：存档为 {old_res[unit_id].get(key)}，"
                       f"按现有输入计算为 {new_res[unit_id][key]}")


VERIFY_FORMAT = "qp-eval-verify/1"


@dataclass(frozen=True)
class Verification:
    """``verify`` as data: the archive compared and every difference, in Chinese."""

    archive: str
    inputs: list[str]  # the inputs' differences
    results: list[str]  # the results'

    @property
    def differences(self) -> list[str]:
        return self.inputs + self.results

    @property
    def consistent(self) -> bool:
        return not self.differences

    def next_steps(self, year: int, decided: str = "") -> list[str]:
        """What to do about a difference: save again when the change is a checked correction, else get
        the old inputs back. ``decided``: how the meeting's decision is said, when one is recorded."""
        if self.consistent:
            return []
        changed = "结果也随之变化" if self.results else "结果没有变化"
        out = [f"存档之后输入有改动，{changed}。如果改动是核实过的更正（如科室发回的修改件），重新计分并替换存档"
               f"（原存档先备份到 archive/备份-<日期时间>/）：qp-eval rank --year {year} --save --force",
               f"如果不应有改动，从来件或 scores/{year}/备份-<日期时间>/ 中找回原文件，存档保持不变，再核对：qp-eval verify --year {year}"]
        if decided and self.results:
            out.insert(0, f"本年度结果已经审定（{decided}）：改动使结果与审定的不同，应报局长办公会议同意后再替换存档、重发函告。")
        return out

    @property
    def return_code(self) -> int:
        """0 when the archive still says what the inputs give; 1 when anything differs."""
        return 0 if self.consistent else 1

    def to_data(self) -> dict[str, object]:
        return {"format": VERIFY_FORMAT, "archive": self.archive, "consistent": self.consistent,
                "differences": self.differences}
