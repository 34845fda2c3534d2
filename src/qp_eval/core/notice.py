"""The 催报通知 (``status --notice``): one page to the departments and towns whose sheets have not
come in, are still the blank template or have errors, with the deadline, in the letters' layout.

Senders are grouped by what they still owe, so that the notice stays one page however many are
late; a register kept by the office itself, and a sheet the office carries over itself (需要迁移),
are the office's own work and stay out of it (``status`` lists them).
"""

from __future__ import annotations

import datetime as dt

from . import layout as L
from .document import Block, Para, cn_date, cn_number
from .rubric import Rubric
from .status import BLANK, INVALID, MISSING, Status, StatusRow

# who sends what, in the order of the notice: (kind, heading, who they are)
SENDERS = ((L.KIND_SCORES, "科室评分表", "科室（单位）"), (L.KIND_SELF, "街镇自评表", "街镇"))


def title(year: int) -> str:
    return f"关于催报{year}年度综合评估材料的通知"


def owed(status: Status) -> list[StatusRow]:
    """The rows a notice chases: a department's or a town's sheet missing, blank or with errors."""
    kinds = {k for k, *_ in SENDERS}
    return [r for r in status.rows if r.kind in kinds and r.state in (MISSING, BLANK, INVALID)]


def _deadline(rows: list[StatusRow], today: dt.date) -> str:
    deadline = rows[0].deadline
    if deadline > today:
        return f"{cn_date(deadline)}截止，还有 {(deadline - today).days} 天"
    if deadline == today:
        return f"{cn_date(deadline)}截止，即今天"
    return f"{cn_date(deadline)}截止，已超期 {(today - deadline).days} 天"


def _part(rows: list[StatusRow], returned: frozenset[str]) -> list[str]:
    """The lines of one group of senders: who has not sent (a blank sheet in the folder is most often
    the template the office put there), and whose sheet has errors."""
    missing = [r.sender for r in rows if r.state in (MISSING, BLANK)]
    wrong = [r for r in rows if r.state == INVALID]
    lines = []
    if missing:
        said = "未报送或未填写" if any(r.state == BLANK for r in rows) else "未报送"
        lines.append(f"{said}：{'、'.join(missing)}。")
    if wrong:
        said = "、".join(f"{r.sender}（{r.errors} 处）" if r.errors else r.sender for r in wrong)
        how = ("局办公室已退回标出问题单元格的表格，请在退回的表格上修改后报送" if all(r.file in returned for r in wrong)
               else "请按局办公室告知的问题修改后重新报送")
        lines.append(f"有错误需修改：{said}。{how}。")
    return lines


def notice_blocks(rubric: Rubric, status: Status) -> list[Block]:
    today, rows = status.today, owed(status)
    groups = [(heading, who, [r for r in rows if r.kind == kind]) for kind, heading, who in SENDERS]
    groups = [g for g in groups if g[2]]
    out: list[Block] = [
        Para(title(rubric.year), "title", keep=True),
        Para("有关" + "、".join(who for _, who, _ in groups) + "：", "to"),
        Para(f"截至{cn_date(today)}，尚未收齐的评估材料如下："),
    ]
    for k, (heading, _, group) in enumerate(groups, 1):
        out.append(Para(f"{cn_number(k)}、{heading}（{_deadline(group, today)}）", "heading", keep=True))
        out += [Para(line) for line in _part(group, status.returned)]
    late = any(g[2][0].deadline < today for g in groups)
    out += [
        Para(("已超期的请尽快报送。" if late else "请按时报送。") +
             "报送时请使用局办公室下发的表格，不要增删行列、不要修改“说明”页。如有疑问，请与局办公室联系。"),
        Para(f"{rubric.issuer}办公室", "sign", keep=True),
        Para(cn_date(today), "date"),
    ]
    return out


def notice_text(blocks: list[Block]) -> list[str]:
    """The notice as the terminal shows it: the same paragraphs, one line each (the terminal wraps them)."""
    out = []
    for b in blocks:
        if not isinstance(b, Para):
            continue
        if b.style == "sign":
            out.append("")
        out.append(("　　" if b.style in ("body", "heading") else "") + b.text)
        if b.style == "title":
            out.append("")
    return out
