"""The inputs of a year: every file under the paths asked for, found without following a folder forever,
opened by the reader, and validated (``core.validate``) as one folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..core.book import SPREADSHEET_SUFFIXES, Limits, ReadFailure, suffix_of
from ..core.entered import Entry, claim, entries, read_info
from ..core.evaluate import Evaluation, evaluate
from ..core.names import BACKUP_PREFIX
from ..core.rubric import Rubric
from ..core.validate import Inputs, Progress, Result, read_limits, validate
from .oserrors import os_reason
from .parallel import checker
from .read import open_book


def find_inputs(paths: list[Path], limits: Limits, jobs: int | None = None) -> Inputs:
    """What ``validate`` reads under ``paths``: the files found (``find_files``), how to open each, and
    how many worker processes check them (``io.parallel``; None: one per core, 1: this process only)."""
    files, others, problems = find_files(paths)
    tops = {q.resolve() for q in paths if q.is_dir()}
    return Inputs(files, lambda path: open_book(Path(path), limits),  # type: ignore[arg-type, return-value]
                  [(p, p.parent.resolve() in tops or p in paths) for p in others], problems,  # type: ignore[misc]
                  checker(limits, jobs))


def evaluate_folder(rubric: Rubric, scores_dir: Path, previous: dict[str, int] | None = None,
                    allow_missing: bool = False, progress: Progress | None = None, previous_problem: str = "",
                    each_file: bool = False, jobs: int | None = None) -> Evaluation:
    """Validate every input of ``scores_dir``, then score and rank when nothing blocks (``core.evaluate``)."""
    validation = validate_paths(rubric, [scores_dir], progress=progress, each_file=each_file, jobs=jobs)
    return evaluate(rubric, validation, previous, allow_missing, previous_problem)


def validate_paths(rubric: Rubric, paths: list[Path], strict: bool = False, progress: Progress | None = None,
                   each_file: bool = False, jobs: int | None = None) -> Result:
    """Every input under ``paths`` checked (``core.validate.validate``)."""
    return validate(rubric, find_inputs(paths, read_limits(rubric), jobs), strict, progress, each_file)




MAX_DEPTH = 32  # folders inside folders: a deeper tree is a copying accident (or a loop of links)


def find_spreadsheets(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Spreadsheet files under ``paths`` (recursively, sorted), and paths that could not be searched."""
    found, _, problems = find_files(paths)
    return found, problems


def find_files(paths: list[Path]) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(spreadsheets, every other file, paths that could not be searched, each with its reason in Chinese)
    under ``paths``, recursively and sorted; hidden files, Office lock files and qp-eval's 备份- folders
    aside. A folder that cannot be entered is one problem, and the rest is still searched."""
    found: list[Path] = []
    others: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen_dirs: set[tuple[int, int]] = set()

    def entries_of(folder: Path, depth: int) -> Iterator[Path] | None:
        if depth > MAX_DEPTH:
            problems.append((folder, f"目录嵌套超过 {MAX_DEPTH} 层，其中的内容未检查"))
            return None
        try:
            st = folder.stat()
        except OSError as e:
            problems.append((folder, f"无法访问：{os_reason(e, writing=False)}"))
            return None
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            problems.append((folder, "目录链接形成循环，已跳过"))
            return None
        seen_dirs.add(key)
        try:
            return iter(sorted(folder.iterdir(), key=lambda p: p.name))
        except OSError as e:
            problems.append((folder, f"无法读取目录：{os_reason(e, writing=False)}"))
            return None

    def walk(top: Path) -> None:
        """Depth first in name order, with a stack of folders instead of recursion: any depth is an answer."""
        first = entries_of(top, 0)
        stack: list[Iterator[Path]] = [first] if first is not None else []
        while stack:
            p = next(stack[-1], None)
            if p is None:
                stack.pop()
                continue
            if p.name.startswith((".", "~$")):
                continue  # hidden files, Office lock files
            try:
                is_dir = p.is_dir()
            except OSError as e:  # in a folder that can be listed but not entered, its entries cannot be looked at
                problems.append((p, f"无法访问：{os_reason(e, writing=False)}"))
                continue
            if is_dir:
                if not p.name.startswith(BACKUP_PREFIX):  # what qp-eval moved aside is not input
                    inner = entries_of(p, len(stack))
                    if inner is not None:
                        stack.append(inner)
            elif suffix_of(p) in SPREADSHEET_SUFFIXES:
                found.append(p)
            else:
                others.append(p)

    for p in paths:
        try:
            is_dir, there = p.is_dir(), p.exists() or p.is_symlink()
        except OSError as e:
            problems.append((p, f"无法访问：{os_reason(e, writing=False)}"))
            continue
        if is_dir:
            walk(p)
        elif there:
            found.append(p)
        else:
            problems.append((p, "文件或目录不存在"))
    return found, others, problems


def file_content(path: Path, limits: Limits | None = None) -> tuple[tuple[str, str | None] | None, list[Entry],
                                                                    dict[str, tuple[object, int]]]:
    """(claim, entries, 说明 values) of a file, read once; raises ``ReadFailure`` when it cannot be read."""
    book = open_book(path, limits)
    try:
        who = claim(book)
        return who, (entries(book, who[0]) if who else []), read_info(book) or {}
    finally:
        book.close()


def file_entries(path: Path, limits: Limits | None = None) -> tuple[tuple[str, str | None] | None, list[Entry]]:
    """(claim, entries) of a file; raises ``ReadFailure`` when it cannot be read."""
    who, found, _ = file_content(path, limits)
    return who, found


def claims_in(folder: Path, limits: Limits | None = None) -> dict[tuple[str, str | None], list[tuple[Path, int]]]:
    """Every readable qp-eval workbook under ``folder`` (backups aside): what it claims to be, and how many
    cells in it were filled in."""
    out: dict[tuple[str, str | None], list[tuple[Path, int]]] = {}
    if not folder.is_dir():
        return out
    for path in find_spreadsheets([folder])[0]:
        try:
            who, found = file_entries(path, limits)
        except ReadFailure:
            continue
        if who is not None:
            out.setdefault(who, []).append((path, len(found)))
    return out
