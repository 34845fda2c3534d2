"""Does a saved archive still match what the inputs give now? Each difference, in Chinese."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .errors import WorkspaceError

RESULT_FIELDS = {
    "rank": "位次", "final": "最终得分", "final_exact": "精确得分", "base": "重点工作得分", "bonus": "亮点加分",
    "deductions": "问题扣分", "grade": "等级",
}


def load_archive(target: Path) -> dict:
    """A saved archive's JSON object; WorkspaceError (in Chinese) when it is missing or unreadable."""
    try:
        saved = json.loads(target.read_text(encoding="utf-8"))
        if not isinstance(saved, dict):
            raise ValueError("不是 JSON 对象")
    except FileNotFoundError:
        raise WorkspaceError(f"找不到存档 {target}，请先运行 qp-eval rank --save。") from None
    except (OSError, ValueError) as e:
        raise WorkspaceError(f"存档 {target} 无法读取或不是有效的 JSON：{e}") from None
    return saved


def differences(saved: dict, now: dict) -> Iterator[str]:
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
