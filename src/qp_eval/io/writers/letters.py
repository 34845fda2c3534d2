"""The documents written as .docx: letters to each town (函告), the highlights booklet (亮点汇编), the
brief for the director's meeting (审议稿) and the reminder to senders (催报通知); the content from
``core.letters``, ``core.brief`` and ``core.notice``, the layout from ``official``."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

from ...core.analysis_view import Analysis
from ...core.brief import brief_blocks
from ...core.brief import title as brief_title
from ...core.document import Para
from ...core.errors import WorkspaceError
from ...core.evaluate import Evaluation
from ...core.letters import DRAFT_MARK, booklet_paragraphs, follow_ups, letter_paragraphs
from ...core.names import letter_name
from ...core.notice import title as notice_title
from ...core.ranking import Ranked
from ...core.rubric import Rubric
from ..atomic import atomic_paths
from ..oserrors import writing_to
from .official import Layouts, render, save


def write_letters(ev: Evaluation, out: Path, made: dt.date, number: str = "", draft: bool = False) -> list[Path]:
    """One letter per town, replaced all together (``atomic_paths``): a failure leaves every earlier
    letter as it was. Returns the files written, each once (what the count printed says). ``draft``:
    the 征求意见稿, named apart so that it never stands where the decided letter goes."""

    letters: dict[str, tuple[Path, Ranked]] = {}  # case-folded name -> (file, town): A and a are one file on Windows
    for x in ev.ranking:
        target = out / letter_name(ev.rubric.year, ev.rubric.unit[x.unit_id].name, draft)
        if target.resolve().parent != out.resolve():  # a name can never leave the folder
            raise ValueError(f"unsafe letter name for {x.unit_id}")
        if target.name.casefold() in letters:  # rubric check refuses such names (R020); never overwrite one
            raise WorkspaceError(f"两个街镇的函告文件名相同：{target.name}。请在评估细则中改用能区分的名称（R020）。")
        letters[target.name.casefold()] = (target, x)
    targets = [t for t, _ in letters.values()]
    gaps = follow_ups(ev)
    layouts = Layouts()  # the letters' paragraphs and tables look alike: each look laid out once for all
    with atomic_paths(targets) as temps:
        for tmp, (target, x) in zip(temps, letters.values(), strict=True):
            name = ev.rubric.unit[x.unit_id].name
            title = f"关于{ev.rubric.year}年度民政工作综合评估结果的函（{name}）" + (DRAFT_MARK if draft else "")
            with writing_to(target):
                render(letter_paragraphs(ev, x, made, number, draft, gaps), title, ev.rubric.issuer, made,
                       layouts=layouts).save(str(tmp))
            # a document's XML objects hold one another in cycles; under the run's rare full collections
            # (``cli.runtime``) 215 letters kept 750 MB alive. The young generations hold them: freed here
            gc.collect(1)
    return targets


def write_combined(ev: Evaluation, target: Path, made: dt.date, number: str = "", draft: bool = False) -> None:
    """Every town's letter in one file, for printing: each from a new page, its page numbers from 1."""
    blocks: list = []
    gaps = follow_ups(ev)
    for k, x in enumerate(ev.ranking):
        if k:
            blocks.append(Para("", "section"))
        blocks += letter_paragraphs(ev, x, made, number, draft, gaps)
    title = f"关于{ev.rubric.year}年度民政工作综合评估结果的函（合并打印）" + (DRAFT_MARK if draft else "")
    save(render(blocks, title, ev.rubric.issuer, made), target)


def write_booklet(ev: Evaluation, target: Path, made: dt.date, grades: bool = False) -> None:
    title = f"{ev.rubric.year}年度青浦区民政特色亮点工作汇编"
    save(render(booklet_paragraphs(ev, made, grades), title, ev.rubric.issuer, made, cover=True), target)


def write_brief(ev: Evaluation, target: Path, made: dt.date, analysis: Analysis | None = None) -> None:
    """The 审议稿 for the director's meeting (``core.brief``)."""
    save(render(brief_blocks(ev, made, analysis), brief_title(ev.rubric.year), ev.rubric.issuer, made), target)


def write_notice(rubric: Rubric, blocks: list, target: Path, made: dt.date) -> None:
    """The 催报通知 (``core.notice``)."""
    save(render(blocks, notice_title(rubric.year), rubric.issuer, made), target)
