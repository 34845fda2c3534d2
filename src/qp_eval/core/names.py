"""Every file and folder name qp-eval makes, in one place: the templates it hands out, the registers, the
reports, letters and booklet, the files beside them, and what a name made from a town or department may
be. Each name is made by ``file_name``, which holds the rules a name must keep on every system the
bureau's files travel to (a Windows PC, a shared folder, a USB stick); ``rubric check`` refuses the town
and department names that could not keep them (R019-R021, R025, R026)."""

from __future__ import annotations

import datetime as dt
import re

PROBLEM_FILE = "问题登记.xlsx"
HIGHLIGHT_FILE = "亮点登记.xlsx"
DECISION_FILE = "审议决定.xlsx"
SELF_FOLDER = "自评"  # scores/<year>/自评/: where the towns' workbooks go
LETTERS_FOLDER = "函告"  # reports/<year>/函告/
RETURNS_FOLDER = "退回"  # reports/<year>/退回/: sheets marked for their senders (``return``)
DEMO_FOLDER = "qp-eval-示例"  # where ``qp-eval demo`` copies the example year when no folder is named
DEMO_MARK = ".qp-eval-示例"  # a file in a folder the demo made: the next demo replaces that folder
BACKUP_PREFIX = "备份-"  # scores/<year>/备份-YYYYMMDD-HHMMSS/: files qp-eval set aside, never read as input
MAX_FILE_NAME_BYTES = 255  # what ext4, NTFS and APFS allow in one file name
TEMP_NAME_BYTES = 24  # a file is written as ".<name>.qp<pid>-XXXXXXXX.tmp" beside its place, then renamed
BACKUP_STAMP = "20241231-235959-99"  # the dated part of a 备份- folder's name at its longest

# Windows: what a file name may not hold or be (the bureau's PCs; also a shared folder or a USB stick)
WINDOWS_FORBIDDEN = '<>:"/\\|?*'
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")})
MAX_PATH = 260  # characters in a whole path that Windows opens without long-path support (drive and final NUL included)
WORKSPACE_ROOM = 80  # of these, left for the workspace folder itself: C:\\Users\\<用户>\\Desktop\\<工作目录>\\
_NOT_IN_NAMES = re.compile(f"[{re.escape(WINDOWS_FORBIDDEN)}\x00-\x1f\x7f]")


def windows_trouble(name: str, characters: bool = True) -> str | None:
    """Why Windows cannot hold ``name`` as a file or folder name, or None when it can (``characters``
    False: not counting the characters that ``name_part`` replaces)."""
    bad = sorted(set(_NOT_IN_NAMES.findall(name))) if characters else []
    if bad:
        return f"含有 Windows 文件名不允许的字符 {' '.join(repr(ch)[1:-1] for ch in bad)}"
    if name != name.rstrip(". "):
        return "以点或空格结尾（Windows 会去掉结尾的点和空格，文件就对不上了）"
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in WINDOWS_RESERVED:
        return f"“{stem}”是 Windows 保留的设备名，加任何扩展名都不能用作文件名"
    return None


def name_part(name: str) -> str:
    """A town's or department's name as it goes into a file name: what Windows forbids becomes ``_``,
    no control characters, no dots or spaces at either end, a device name followed by ``_`` (the rubric
    check makes sure two names never become the same part, R020)."""
    cleaned = _NOT_IN_NAMES.sub(lambda m: "_" if m.group() in WINDOWS_FORBIDDEN else "", name)
    cleaned = "".join(ch for ch in cleaned if ch.isprintable()).strip(" .")
    stem, dot, rest = cleaned.partition(".")
    if stem.rstrip(" ").upper() in WINDOWS_RESERVED:
        cleaned = f"{stem.rstrip(' ')}_{dot}{rest}"
    return cleaned or "未命名"


def file_name(name: str) -> str:
    """The one door every name qp-eval writes goes through: a name Windows can hold, or ValueError (a slip
    in qp-eval itself: the parts made from the rubric's names pass ``name_part`` first). Its length is
    the rubric check's (R021, R026): a name too long is said there, with its line."""
    trouble = windows_trouble(name) if name else "empty"
    if trouble:
        raise ValueError(f"not a portable file name: {name!r} ({trouble})")
    return name


def score_file_name(year: int, department_name: str) -> str:
    return file_name(f"{year}年度评分表_{name_part(department_name)}.xlsx")


def self_file_name(year: int, unit_name: str) -> str:
    return file_name(f"{year}年度自评表_{name_part(unit_name)}.xlsx")


def letter_name(year: int, unit_name: str, draft: bool = False) -> str:
    """A town's letter; the 征求意见稿 written before the meeting is named apart from the decided one."""
    return file_name(f"{year}年度综合评估结果函{'（征求意见稿）' if draft else ''}_{name_part(unit_name)}.docx")


def combined_letters_name(year: int, draft: bool = False) -> str:
    """All the letters in one file, for printing (``letters --combined``)."""
    return file_name(f"{year}年度综合评估结果函{'（征求意见稿）' if draft else ''}（合并打印）.docx")


def report_name(year: int, fmt: str) -> str:
    return file_name(f"{year}年度民政工作综合评估结果.{fmt}")


def annex_name(report: str) -> str:
    """The report workbook's 附表 (the working sheets), beside it: ``<名称>（附表）.xlsx``."""
    stem, dot, ext = report.rpartition(".")
    return file_name(f"{stem}（附表）.{ext}" if dot else f"{report}（附表）")


def booklet_name(year: int) -> str:
    return file_name(f"{year}年度民政特色亮点工作汇编.docx")


def brief_name(year: int) -> str:
    return file_name(f"{year}年度民政工作综合评估结果（审议稿）.docx")


def notice_name(year: int, day: dt.date) -> str:
    """The 催报通知 of one day (``status --notice``): an earlier one stays as it was sent."""
    return file_name(f"{year}年度综合评估催报通知_{day.isoformat()}.docx")


def companion(stem: str, what: str) -> str:
    """A CSV written beside a CSV report (``<name>_自评对照.csv``)."""
    return file_name(f"{stem}_{what}.csv")


def archive_name(year: int) -> str:
    return file_name(f"{year}.json")


def made_from(key: str, year: int, name: str) -> list[str]:
    """The deepest paths in the default layout (relative to the workspace) whose file is named from a
    town's (``key`` "units") or a department's ("departments") name: the letters, and the marked copies
    and backups of the sheets the town or department sends (``return``, ``migrate``)."""
    backup = BACKUP_PREFIX + BACKUP_STAMP
    if key == "units":
        sheet = f"{SELF_FOLDER}/{self_file_name(year, name)}"
        return [f"reports/{year}/{LETTERS_FOLDER}/{letter_name(year, name, draft=True)}",
                f"reports/{year}/{RETURNS_FOLDER}/{backup}/{sheet}", f"scores/{year}/{backup}/{sheet}"]
    sheet = score_file_name(year, name)
    return [f"reports/{year}/{RETURNS_FOLDER}/{backup}/{sheet}", f"scores/{year}/{backup}/{sheet}"]
