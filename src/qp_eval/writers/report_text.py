"""The report as Markdown or one self-contained HTML page: the ranking and the item matrix."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from .. import report_data as R
from ..evaluate import Evaluation
from ..rules import fmt
from .ranking_out import records

RANK_HEADERS = ["位次", "街镇", "重点工作得分", "亮点加分", "问题扣分", "最终得分", "等级", "较上年变化"]
RANK_KEYS = ["rank", "unit", "base", "bonus", "deductions", "final", "grade", "change"]


def _tables(ev: Evaluation) -> tuple[list[list[str]], list[str], list[list[str]]]:
    rank_rows = [[str(rec[k] if rec[k] is not None else "") or "—" for k in RANK_KEYS] for rec in records(ev)]
    columns = R.matrix_columns(ev)
    item_headers = ["街镇"] + [c.short for c in columns]
    item_rows = [
        [ev.rubric.unit[x.unit_id].name] + [str(R.matrix_value(c, ev.published[x.unit_id])) for c in columns]
        for x in ev.ranking
    ]
    return rank_rows, item_headers, item_rows


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(map(_md_cell, headers)) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(map(_md_cell, r)) + " |" for r in rows]
    return "\n".join(out)


def to_markdown(ev: Evaluation, made: dt.date) -> str:
    rank_rows, item_headers, item_rows = _tables(ev)
    legend = "；".join(f"{i.number}. {i.name}（{fmt(i.points)} 分）" for i in ev.rubric.items)
    notes = "\n".join(f"- {rec['unit']}：{rec['note']}" for rec in records(ev) if rec["note"])
    parts = [
        f"# {ev.rubric.title} 考评位次",
        f"{made.isoformat()} 生成；细则指纹 {ev.rubric.fingerprint}。",
        "## 排名",
        _md_table(RANK_HEADERS, rank_rows),
        notes,
        "## 分项得分",
        _md_table(item_headers, item_rows),
        "\n".join(f"- 注：{n}" for n in R.matrix_notes(ev)),
        f"项目：{legend}",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


CSS = """body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #bbb;padding:4px 8px}
th{background:#ddebf7}td.n{text-align:right}caption{text-align:left;font-weight:bold;margin:.5em 0}
p.note{color:#555}"""


def _html_table(caption: str, headers: list[str], rows: list[list[str]], numeric_from: int) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{e(v)}</td>' if i >= numeric_from else f"<td>{e(v)}</td>"
                         for i, v in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(ev: Evaluation, made: dt.date) -> str:
    e = html.escape
    rank_rows, item_headers, item_rows = _tables(ev)
    notes = "".join(f'<p class="note">{e(str(rec["unit"]))}：{e(str(rec["note"]))}</p>'
                    for rec in records(ev) if rec["note"])
    legend = "；".join(f"{i.number}. {i.name}（{fmt(i.points)} 分）" for i in ev.rubric.items)
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{e(ev.rubric.title)} 考评位次</title><style>{CSS}</style></head><body>"
        f"<h1>{e(ev.rubric.title)} 考评位次</h1><p>{made.isoformat()} 生成；细则指纹 {e(ev.rubric.fingerprint)}。</p>"
        + _html_table("排名", RANK_HEADERS, rank_rows, 2) + notes
        + _html_table("分项得分", item_headers, item_rows, 1)
        + "".join(f'<p class="note">注：{e(n)}</p>' for n in R.matrix_notes(ev))
        + f'<p class="note">项目：{e(legend)}</p></body></html>\n'
    )


def write_text_report(ev: Evaluation, fmt: str, target: Path, made: dt.date) -> list[Path]:
    """``report --format csv|json|md|html``: the file at ``target`` (written atomically), and with csv,
    once self-evaluations arrived, the comparison beside it: ``<name>_自评对照.csv`` (per town and item)
    and ``<name>_自评问题对照.csv`` (the problems the register and the towns disagree on)."""
    from ..workspace import atomic_write_bytes
    from . import ranking_out

    text = {
        "csv": lambda: "\ufeff" + ranking_out.to_csv(ev),  # BOM: Excel opens UTF-8 CSV correctly
        "json": lambda: ranking_out.to_json(ev),
        "md": lambda: to_markdown(ev, made),
        "html": lambda: to_html(ev, made),
    }[fmt]()
    atomic_write_bytes(target, text.encode("utf-8"))
    written = [target]
    if fmt == "csv" and ev.validation.tables.self_reports:
        from ..selfcompare import problems_csv, to_csv

        for suffix, text in (("自评对照", to_csv(ev, ev.comparison)), ("自评问题对照", problems_csv(ev.comparison))):
            beside = target.with_name(f"{target.stem}_{suffix}.csv")
            atomic_write_bytes(beside, ("\ufeff" + text).encode("utf-8"))
            written.append(beside)
    return written
