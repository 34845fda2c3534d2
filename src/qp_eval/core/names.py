"""Every file and folder name qp-eval makes, in one place: the templates it hands out, the registers, the
reports, letters and booklet, the files beside them, and what a name made from a town or department may
be (rubric check refuses names that would make bad file names, R019-R021)."""

from __future__ import annotations

import datetime as dt

from .text import safe_file_name

PROBLEM_FILE = "问题登记.xlsx"
HIGHLIGHT_FILE = "亮点登记.xlsx"
DECISION_FILE = "审议决定.xlsx"
SELF_FOLDER = "自评"  # scores/<year>/自评/: where the towns' workbooks go
LETTERS_FOLDER = "函告"  # reports/<year>/函告/
RETURNS_FOLDER = "退回"  # reports/<year>/退回/: sheets marked for their senders (``return``)
BACKUP_PREFIX = "备份-"  # scores/<year>/备份-YYYYMMDD-HHMMSS/: files qp-eval set aside, never read as input
MAX_FILE_NAME_BYTES = 255  # what ext4, NTFS and APFS allow in one file name
TEMP_NAME_BYTES = 24  # a file is written as ".<name>.qp<pid>-XXXXXXXX.tmp" beside its place, then renamed


def score_file_name(year: int, department_name: str) -> str:
    return f"{year}年度评分表_{department_name}.xlsx"


def self_file_name(year: int, unit_name: str) -> str:
    return f"{year}年度自评表_{unit_name}.xlsx"


def letter_name(year: int, unit_name: str, draft: bool = False) -> str:
    """A town's letter; the 征求意见稿 written before the meeting is named apart from the decided one."""
    return f"{year}年度综合评估结果函{'（征求意见稿）' if draft else ''}_{safe_file_name(unit_name)}.docx"


def combined_letters_name(year: int, draft: bool = False) -> str:
    """All the letters in one file, for printing (``letters --combined``)."""
    return f"{year}年度综合评估结果函{'（征求意见稿）' if draft else ''}（合并打印）.docx"


def report_name(year: int, fmt: str) -> str:
    return f"{year}年度民政工作综合评估结果.{fmt}"


def annex_name(report: str) -> str:
    """The report workbook's 附表 (the working sheets), beside it: ``<名称>（附表）.xlsx``."""
    stem, dot, ext = report.rpartition(".")
    return f"{stem}（附表）.{ext}" if dot else f"{report}（附表）"


def booklet_name(year: int) -> str:
    return f"{year}年度民政特色亮点工作汇编.docx"


def brief_name(year: int) -> str:
    return f"{year}年度民政工作综合评估结果（审议稿）.docx"


def notice_name(year: int, day: dt.date) -> str:
    """The 催报通知 of one day (``status --notice``): an earlier one stays as it was sent."""
    return f"{year}年度综合评估催报通知_{day.isoformat()}.docx"


def companion(stem: str, what: str) -> str:
    """A CSV written beside a CSV report (``<name>_自评对照.csv``)."""
    return f"{stem}_{what}.csv"


def archive_name(year: int) -> str:
    return f"{year}.json"


# the longest file names made from a name (letters and the towns' self-evaluations; department sheets)
NAMED_FILES = {"units": (lambda year, name: letter_name(year, name, draft=True), lambda year, name: self_file_name(year, name)),
               "departments": (lambda year, name: score_file_name(year, name),)}
