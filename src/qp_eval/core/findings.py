"""Findings: what qp-eval reports about an input, and the one catalogue of codes.

A finding is data: a stable code, a severity, a place the user can find (file, sheet and
A1 cell as the sheet shows them, or a line of the rubric YAML), a Chinese message and a
hint. Every code that qp-eval can report is declared in ``CATALOGUE``; the README's code
table is generated from it. This module imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from .text import shown_path

Severity = Literal["error", "warning"]


YEAR_SLOT = "<年度>"  # in a hint: the year of the rubric in use (``Finding.for_year``)


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str  # short Chinese meaning
    hint: str  # how to fix it, in Chinese


def _catalogue(*codes: Code) -> dict[str, Code]:
    out: dict[str, Code] = {}
    for c in codes:
        if c.code in out:  # pragma: no cover - guards the table below
            raise ValueError(f"duplicate finding code {c.code}")
        out[c.code] = c
    return out


CATALOGUE: dict[str, Code] = _catalogue(
    # --- the rubric (R) ---
    Code("R001", "error", "评估细则文件无法读取或不是有效的 YAML", "检查文件路径与 YAML 缩进、冒号、引号。"),
    Code("R002", "error", "评估细则中有未知的键", "检查拼写；提示中给出最接近的有效键名。"),
    Code("R003", "error", "评估细则中的值缺失或类型不对", "按提示补齐该项，或改成正确的类型（数字、文字、列表）。"),
    Code("R004", "error", "引用了不存在的科室、街镇或指标", "引用的编号必须在 departments、units 或该细则的 inputs 中定义。"),
    Code("R005", "error", "编号重复", "每个街镇、科室、项目、细则、指标、问题类别的编号必须唯一。"),
    Code("R006", "error", "细则分值之和不等于项目分值", "调整细则分值或项目分值，使二者相等。"),
    Code("R007", "error", "各项目分值之和不等于总分", "调整项目分值或 total_points，使二者相等。"),
    Code("R008", "error", "别名对应到两个街镇", "一个简称只能指向一个街镇，删去重复的别名。"),
    Code("R009", "error", "量化规则缺少所需的指标", "在该细则的 inputs 中声明规则用到的指标，或修正规则里的指标编号。"),
    Code("R010", "error", "目标值或参数超出允许范围", "比例目标须大于 0，百分比阈值须在 0 到 100 之间，扣分须大于 0。"),
    Code("R011", "error", "日期不是有效日期", "日期写成 YYYY-MM-DD，例如 2024-12-10。"),
    Code("R012", "error", "等次分数段重叠", "相邻等次的分数段应首尾相接、互不重叠。"),
    Code("R013", "error", "等次分数段之间有空档", "相邻等次的分数段应首尾相接，最低等次应从 0 分起。"),
    Code("R014", "error", "同一层级中出现重复的键", "删去重复的键，只保留一个。"),
    Code("R015", "error", "分值的小数位数超过规定精度", "分值的小数位数不能多于 precision。"),
    Code("R016", "error", "项目序号的键 no 已改名为 number", "把每个项目的 “no:” 改成 “number:”（no 会被很多 YAML 读取程序当作“否”）。"),
    Code("R017", "error", "最低等次设了名额比例", "最低等次接收其余所有街镇，删去它的 quota。"),
    Code("R018", "error", "某街镇没有任何适用的细则", "检查各细则的 applies_to：每个街镇至少要有一条适用的细则。"),
    Code("R019", "error", "街镇或科室名称为空、只有空格或含有控制字符", "填写实际的名称；名称会用作函告和评分表的文件名。"),
    Code("R020", "error", "两个街镇（或科室）的名称生成相同的文件名", "名称中的斜杠、冒号、星号、问号、引号、尖括号和竖线会换成下划线，大小写视为相同；请改用能区分的名称。"),
    Code("R021", "error", "街镇或科室名称过长，生成的文件名超过文件系统的限制", "缩短名称（文件名最多 255 字节，一个汉字占 3 字节）。"),
    Code("R022", "error", "评估细则文件过大、嵌套过深或别名展开过多", "评估细则只需几百 KB；删去层层嵌套的别名（&名称 / *名称），或把文件拆小。"),
    Code("R023", "error", "评估细则中的数字不是有限的数、位数过多或超出合理范围", "分值、目标值等写成普通数字，例如 2、0.5、100；不要写 .nan、.inf 或很长的数字。"),
    Code("R024", "warning", "细则文字提到的年份既不是本年度也不是上一年度", "新年度的细则多由上一年度复制而来：核对这段文字是否应改为本年度或上一年度（如“完成上一年度社会团体年度检查”）；确实要提到该年份的，可以不改。"),
    Code("R025", "error", "街镇或科室名称是 Windows 保留的设备名（CON、PRN、AUX、NUL、COM1、LPT1 等），或以点、空格结尾", "改用实际的名称：评分表和函告以名称命名，这样的文件在 Windows 电脑上无法保存或打开，经共享文件夹、U 盘传到 Windows 电脑时会丢失。"),
    Code("R026", "error", "街镇或科室名称过长，默认目录结构中的路径超过 Windows 的 260 个字符限制", "缩短名称：Windows 电脑打开不了整条路径超过 260 个字符的文件（工作目录本身按 80 个字符计）。"),
    Code("R027", "error", "一个科室的评分表或指标表超过 Excel 一张工作表 1,048,576 行的上限", "把该科室的一部分细则交由另一个科室评分（departments 与各评估项目的 department），或减少分季度评分的细则：Excel 和 WPS 打开超过上限的表格时会丢掉后面的行。"),
    # --- files (F) ---
    Code("F101", "error", "文件无法读取", "文件可能已损坏、加密、为空或不是电子表格；请重新从 Excel/WPS 另存为 .xlsx 后提交。"),
    Code("F102", "error", "不是 qp-eval 评分表或登记表（缺少或无法识别“说明”表）", "请使用 qp-eval template 生成的表格填写，不要删除或改动“说明”表。"),
    Code("F103", "error", "表格年度与评估年度不符", "请使用本年度的评分表。"),
    Code("F104", "error", "表格所依据的评估细则与当前细则不一致（细则指纹不同）", "运行 qp-eval migrate --year <年度>：按现行细则重新生成表格，已填内容逐格转入，原文件备份到 scores/<年度>/备份-<日期时间>/。"),
    Code("F105", "error", "未知的评估科室", "“说明”表中的科室编号必须是评估细则中的科室。"),
    Code("F106", "error", "同一科室（或同一登记表）有两个已填写的文件，内容不同", "核对提示中列出的不同单元格，保留正确的一个文件，把另一个移出 scores/<年度>/（或放入其中的“备份-”目录）。"),
    Code("F107", "error", "公式单元格没有计算结果", "用 Excel 或 WPS 打开文件、确认公式已计算后保存，或直接填写数值。"),
    Code("F108", "error", "找不到或无法访问文件、目录", "检查路径是否正确、是否有读取权限。"),
    Code("F109", "error", "缺少科室评分表或评分", "收齐各科室评分表后再计分；确需先行计分时加 --allow-missing（缺少的按 0 分计并标注）。"),
    Code("F110", "warning", "缺少问题登记表或亮点登记表", "运行 qp-eval template --year <年度> 生成登记表，登记后放入 scores/<年度>/。"),
    Code("F111", "warning", "重复的文件未采用：另一文件已填写，本文件是空白模板或内容相同", "可删去或移走本文件；计分只用已采用的文件。"),
    Code("F112", "error", "无法读取的表格格式（如 WPS 的 .et、.csv）", "用 WPS 或 Excel 打开该文件，“另存为”Excel 工作簿（.xlsx），把 .xlsx 放回原目录并删去原文件。"),
    Code("F113", "warning", "目录中有不是电子表格的文件，已忽略", "评分表目录只放评分表和登记表；佐证材料等其他文件请另行存放。"),
    Code("F114", "warning", "扩展名与文件内容不符，已按实际格式读取", "建议用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）。"),
    Code("F115", "error", "自评表的街镇编号不是评估细则中的街镇", "请使用 qp-eval template --towns 为该街镇生成的自评表，不要改动“说明”表。"),
    Code("F116", "warning", "上年度存档无法使用，较上年不显示", "存档应是 qp-eval rank --save 写出的 archive/<上一年度>.json；用记事本改过时请恢复原文件，或用 --previous 指定正确的存档。"),
    Code("F117", "error", "单元格的公式结果为错误值（如 #REF!、#N/A、#DIV/0!）", "该单元格的公式算出了错误值：请改正公式（常见原因是引用的行、列或工作表已删除），或直接填写数值后保存。"),
    Code("F118", "warning", "工作表远处有内容，超出表格应有的范围，已忽略", "多半是误按了键（如 Ctrl+End 后输入）或整列填充到了底部：选中提示中的单元格所在的行或列，删除后保存。"),
    Code("F119", "warning", "文件名以空格或句点结尾，已照常读取", "Windows 不允许这样的文件名，复制到其他电脑时可能出错：请把文件重命名，去掉末尾的空格或句点。"),
    # --- structure (S) ---
    Code("S201", "error", "缺少工作表", "运行 qp-eval migrate --year <年度>：按现行细则重建该表格，已填内容逐格转入，原文件备份；以后请不要删除或改名工作表。"),
    Code("S202", "error", "缺少列（按表头文字查找）", "恢复该列的表头文字（列的顺序可以调整，可以增加其他列）；或运行 qp-eval migrate --year <年度> 重建表格，已填内容逐格转入，原文件备份。"),
    Code("S203", "error", "表头重复", "同一个表头只能出现一次，删去或改名重复的列。"),
    # --- towns and rows (T) ---
    Code("T301", "error", "未知的街镇", "填写评估细则中的街镇名称或简称；提示中给出最接近的名称。"),
    Code("T302", "warning", "名称中有不可见字符，已自动去除", "通常由复制粘贴带入，可忽略；如需要可重新输入该单元格。"),
    Code("T303", "error", "该科室不负责此细则，或编号不存在", "核对“编号”列，只保留本科室负责的细则。"),
    Code("T304", "error", "同一街镇同一细则出现了多行", "删去重复的行，只保留一行。"),
    Code("T305", "error", "缺少街镇细则行", "不必取消工作表保护手工补行：运行 qp-eval migrate --year <年度> 重建表格补上缺少的行，已填内容逐格转入，原文件备份；补上的行请科室填写（qp-eval return --year <年度> 生成退回件）。"),
    Code("T306", "error", "得分为空", "填写得分；细则不适用时应为“不适用”（由模板预先填好）。"),
    # --- values (V) ---
    Code("V401", "error", "得分不是数字", "只填写数字，如 8 或 8.5；不要写“分”字、汉字数字、日期或其他文字。"),
    Code("V402", "warning", "使用了全角数字或符号，已按半角读取", "建议改为半角数字。"),
    Code("V403", "error", "得分为负数", "得分不能小于 0。"),
    Code("V404", "error", "得分超过分值", "得分不能超过该行的“分值”。"),
    Code("V405", "error", "小数位数超过规定", "按评估细则规定的小数位数填写。"),
    Code("V406", "error", "得分为非数值（NaN）、无穷大或超出表格能表示范围的数", "填写一个普通的数字。"),
    Code("V407", "error", "细则适用于该街镇，却填写了“不适用”", "填写得分；只有模板中预先标为“不适用”的行可以不评分。"),
    Code("V408", "error", "得分单元格与其他单元格合并", "取消合并，每行单独填写得分。"),
    Code("V409", "warning", "未得满分但没有填写扣分说明", "在“扣分说明”中写明扣分原因。"),
    Code("V410", "warning", "不适用的细则填写了分数，已忽略", "不适用的行无需评分，可删去所填分数。"),
    # --- problem register (P) ---
    Code("P501", "error", "未知的问题类别", "从下拉列表中选择评估细则规定的问题类别。"),
    Code("P502", "error", "扣分超出允许范围", "扣分须大于 0，且不超过该类别每起上限；留空则按类别默认扣分。"),
    Code("P503", "error", "发生日期无效或不在评估年度内", "填写评估年度内的日期，如 2024-06-30。"),
    # --- highlights (H) ---
    Code("H601", "warning", "街镇报送的亮点个数不符合要求", "每个街镇应报送规定个数的亮点。"),
    Code("H602", "error", "未知的评定等级", "从下拉列表中选择评估细则规定的等级（如 A/B/C），未评定的留空。"),
    Code("H603", "error", "同一街镇亮点序号重复", "每个街镇的亮点序号应各不相同。"),
    Code("H604", "warning", "已评定等级的亮点没有佐证材料", "填写加分所依据的佐证材料。"),
    Code("H605", "warning", "未知的亮点类型", "从下拉列表中选择创新性、试点性或示范性。"),
    Code("H606", "error", "亮点序号不是有效的整数", "序号填写 1 到规定个数之间的整数。"),
    # --- towns' self-evaluations (Z) ---
    Code("Z801", "error", "自评未得满分但没有填写自评说明", "在“自评说明”中用数据和事实说明未得满分的原因。"),
    Code("Z802", "error", "自评表中的编号不是适用于该街镇的细则", "核对“编号”列；不要增加行，细则以 qp-eval template --towns 生成的为准。"),
    Code("Z803", "error", "自评表缺少细则行", "补上该行，或用 qp-eval template --towns 重新生成自评表。"),
    Code("Z804", "error", "自评表中同一细则出现了多行", "删去重复的行，只保留一行。"),
    Code("Z805", "warning", "自评表中有细则没有填写自评得分", "逐条填写自评得分；未填的细则在自评与考评对照中显示为“未自评”。"),
    Code("Z806", "error", "自评表的亮点没有名称", "填写亮点名称，或删去这一行的其他内容。"),
    Code("Z807", "warning", "自评表报送的亮点个数不符合要求", "按评估细则规定的个数报送特色亮点。"),
    Code("Z808", "warning", "有街镇的自评表尚未收到", "催报自评表；计分不受影响，对照表中该街镇显示为“未报送”。"),
    # --- the director's meeting (D) ---
    Code("D901", "error", "会议日期无效或不在评估之后", "在“会议”表填写局长办公会议的日期，如 2025-01-06；应在科室评分截止日期之后。"),
    Code("D902", "error", "登记了审议决定，却没有会议日期", "在“会议”表填写局长办公会议的日期；会议尚未召开时，请清空“决定”表。"),
    Code("D903", "error", "未知的决定事项", "从下拉列表中选择“调整最终得分”或“确定等次”。"),
    Code("D904", "error", "确定等次时等次为空或不是细则规定的等次", "从下拉列表中选择评估细则规定的等次。"),
    Code("D905", "error", "审议决定没有填写理由", "在“理由”中写明会议作出这一决定的理由，函告和存档都会引用它。"),
    Code("D906", "error", "调整分值为空、不是数字或为 0", "加分填正数、减分填负数，如 0.5 或 -1；只确定等次时请选择“确定等次”。"),
    Code("D907", "error", "调整后的最终得分超出 0 到满分的范围", "核对调整分值：调整后的最终得分不能小于 0，也不能超过总分与亮点加分上限之和。"),
    Code("D908", "error", "同一街镇同一事项有两条审议决定", "同一街镇的同一事项只保留一条决定，分值合并填写。"),
    Code("D909", "warning", "会议日期已填写，但没有纪要文号", "在“会议”表填写会议纪要的文号，函告和存档会引用它。"),
    Code("D910", "error", "尚未记录局长办公会议的审议决定", "会后在 审议决定.xlsx 的“会议”表填写会议日期（没有调整时“决定”表留空即为按初评通过）；会前需要征求意见时加 --draft。"),
    # --- indicators (I) ---
    Code("I701", "error", "缺少指标数值", "在“指标”表中填写该数值。"),
    Code("I702", "error", "指标数值不是数字", "只填写数字，不要带单位或文字。"),
    Code("I703", "error", "指标数值为负数", "指标数值不能小于 0。"),
    Code("I704", "error", "作为分母的指标为 0，无法计算比例", "核对该数值；确实为 0 时请与局办公室联系。"),
    Code("I705", "error", "未知的指标行", "核对“编号”和“指标”列，使其与评估细则一致。"),
    Code("I706", "error", "同一街镇同一指标出现了多行", "删去重复的行，只保留一行。"),
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    line: int | None = None
    hint: str = ""
    severity: Severity = field(default="error")
    count: int = 1  # how many findings this one stands for (more than one: the rest of a code in a file, summed up)

    @classmethod
    def of(cls, code: str, message: str, **where: object) -> Finding:
        """A finding whose severity and default hint come from the catalogue."""
        entry = CATALOGUE[code]
        hint = str(where.pop("hint", "") or entry.hint)
        if isinstance(where.get("file"), str):  # a name not in UTF-8 is shown with its bytes as codes

            where["file"] = shown_path(where["file"])
        return cls(code=code, message=message, severity=entry.severity, hint=hint, **where)  # type: ignore[arg-type]

    def for_year(self, year: int) -> Finding:
        """The finding with the catalogue's ``<年度>`` made the year's own, so that a command in its hint
        works when pasted."""
        if YEAR_SLOT not in self.hint:
            return self
        return replace(self, hint=self.hint.replace(YEAR_SLOT, str(year)))

    @property
    def location(self) -> str:
        """The place as a user reads it: ``file 评分!F12`` or ``file:12``."""
        if self.line is not None:
            return f"{self.file}:{self.line}" if self.file else f"第 {self.line} 行"
        place = self.file
        if self.sheet:
            where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
            place = f"{place} {where}" if place else where
        return place

    def as_error(self) -> Finding:
        return replace(self, severity="error")

    def as_warning(self) -> Finding:
        return replace(self, severity="warning")

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
            "count": self.count,
        }


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def count(findings: list[Finding], severity: Severity) -> int:
    """How many findings of ``severity`` there are, counting what a summed-up one stands for."""
    return sum(f.count for f in findings if f.severity == severity)


PER_CODE = 50  # findings of one code listed for one file; a column filled to the bottom gives thousands


def capped(findings: list[Finding], per_code: int = PER_CODE) -> list[Finding]:
    """The findings with at most ``per_code`` of each code in each file, in their order; the rest of a
    code become one finding that says how many there are (its ``count``), placed after the last one shown."""
    seen: dict[tuple[str, str], int] = {}
    rest: dict[tuple[str, str], list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        k = (f.file, f.code)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= per_code:
            out.append(f)
        else:
            rest.setdefault(k, []).append(f)
    if not rest:
        return findings
    last = {(f.file, f.code): i for i, f in enumerate(out)}
    summaries: dict[int, list[Finding]] = {}
    for (file, code), more in rest.items():
        sheets = {f.sheet for f in more}
        first = more[0]
        where = f"，第一处在 {first.sheet}!{first.cell}" if first.cell else ""
        summaries.setdefault(last[(file, code)], []).append(Finding(
            code, f"另有 {len(more):,} 处同类问题（{CATALOGUE[code].title}）未逐一列出{where}；请先按上面列出的修正，"
                  "再运行一次", file=file, sheet=sheets.pop() if len(sheets) == 1 else "", hint=first.hint,
            severity=first.severity, count=len(more)))
    return [g for i, f in enumerate(out) for g in (f, *summaries.get(i, ()))]


def catalogue_markdown() -> str:
    """The README's table of finding codes, made from the catalogue (a test keeps them equal)."""
    rows = ["| 代码 | 级别 | 含义 | 处理办法 |", "|---|---|---|---|"]
    for c in CATALOGUE.values():
        level = "错误" if c.severity == "error" else "警告"
        rows.append(f"| {c.code} | {level} | {c.title} | {c.hint} |")
    return "\n".join(rows) + "\n"

