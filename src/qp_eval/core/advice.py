"""What comes next after a check, as a clerk can act on it: which findings the office settles itself,
which a rebuild mends, which go back to their sender, and the one command for each.

``validate`` and a refused ``rank`` print these as 下一步 lines; ``return`` and ``migrate`` act on the
same sets, so the advice and the commands never disagree.
"""

from __future__ import annotations

from .findings import Finding

# what a rebuild (``migrate``) mends: a sheet that lost rows, columns or a whole sheet
REBUILT = {"T305": "缺少行", "S202": "缺少列", "S201": "缺少工作表"}
# findings that are the office's to settle, not the sender's: ``return`` holds such a file and says why
HELD = {"F104": "按修改前的细则填写，请先运行 qp-eval migrate --year {year} 转入现行表格，再退回",
        "F106": "同一表格有两份内容不同的文件，请局办公室先核对，只保留正确的一份",
        "F111": "是另一份已采用文件的副本，未采用，无需退回",
        "F101": "无法读取",
        "F103": "不是本年度的表格",
        **{code: f"表格{what}，请局办公室先运行 qp-eval migrate --year {{year}} 重建（已填内容逐格转入），再退回"
           for code, what in (("T305", "缺少行"), ("S202", "缺少列"), ("S201", "缺少工作表"))}}
RETURN_STEP = "qp-eval return"  # the step that ``run`` takes itself when validation fails
COLLECT = "qp-eval collect"  # in the hint of an H601 whose highlights wait in the town's own form
UNSENT = ("F109", "Z808")  # a department's sheet or a town's form not in the folder
# warnings that change what a result means (较上年 unavailable, a register taken as empty, a file in the
# folder not read): said in full by every command; the rest of the year's warnings are one line
BEARING = frozenset({"F110", "F112", "F113", "F116"})


def returnable(findings: list[Finding]) -> set[str]:
    """Files with an error that their sender fixes on a marked copy (``return``)."""
    errors = [f for f in findings if f.severity == "error" and f.file]
    office = {f.file for f in errors if f.code in HELD}
    return {f.file for f in errors if f.file not in office}


def after_validate(year: int, findings: list[Finding]) -> list[str]:
    """The next steps for a year's folder, in the order to take them."""
    out = []
    rebuilt = {f.file for f in findings if f.severity == "error" and (f.code in REBUILT or f.code == "F104")}
    if rebuilt:
        out.append(f"{len(rebuilt)} 个表格需要按现行细则重建（已填内容逐格转入，原文件备份）：qp-eval migrate --year {year}")
    back = returnable(findings)
    if back:
        out.append(f"{len(back)} 个表格有错误，把标出问题单元格的复制件退回填表的科室或街镇：{RETURN_STEP} --year {year}")
    if any(f.code == "H601" and COLLECT in f.hint for f in findings):
        out.append(f"街镇自评表中的亮点尚未填入亮点登记表：qp-eval collect --year {year}")
    if any(f.code in UNSENT for f in findings):
        out.append(f"有表格尚未收到，生成催报通知：qp-eval status --year {year} --notice")
    return out


def after_run(year: int, decided: bool, numbered: bool, where: str = "") -> list[str]:
    """What is left for the office after ``run`` has written the year's documents (``where``: `` -w 目录``
    when the workspace is not the current folder)."""
    if not decided:
        return [f"把审议稿提请局长办公会议审议（reports/{year}/ 下的“审议稿”）",
                f"会后在 scores/{year}/审议决定.xlsx 登记会议的决定，再运行一次：qp-eval run --year {year}{where}（生成函告）"]
    out = [f"把函告（reports/{year}/函告/）和亮点汇编发给各街镇"]
    if not numbered:
        out.insert(0, f"函告的发文字号留有“〔发文字号〕”待填；有文号后重新生成：qp-eval run --year {year}{where} --number \"青民函〔{year + 1}〕1号\"")
    return out
