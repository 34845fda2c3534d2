"""A crash at any filesystem step (issue 22): collect, migrate and letters killed right after each of their
filesystem calls in turn, as by a power cut or kill -9 (no ``finally`` runs). After every such crash
``scores/<年度>/`` still holds each register and sheet (the old file or the new one, never neither) and
every value that was filled in (in place or in its 备份- copy); the next run of the same command
finishes, removes what the killed run left behind, and gives what an uninterrupted run gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI_PATH, edit, record_meeting
from support.run import killed_after, run_in_process
from support.year import build_year, fill_town, town_file, year_workspace

from qp_eval.core import layout as L
from qp_eval.core import names
from qp_eval.core.book import ReadFailure
from qp_eval.core.cells import text_of
from qp_eval.core.entered import claim
from qp_eval.io.intake import file_entries
from qp_eval.io.read import open_book
from qp_eval.io.rubric_file import load_rubric
from qp_eval.io.writers.sheets import highlight_workbook
from qp_eval.io.writers.template import write_templates

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork (Linux, macOS)")
MAX_STEPS = 200


def values(folder: Path, backups: bool = True) -> set[tuple[str, tuple, str, str]]:
    """Every filled value in the workbooks under ``folder`` (with the 备份- copies, or without)."""
    out = set()
    for p in folder.rglob("*.xlsx"):
        if not backups and any(part.startswith("备份-") for part in p.relative_to(folder).parts):
            continue
        try:
            _, entries = file_entries(p)
        except ReadFailure:
            continue
        out |= {(e.sheet, e.key, e.column, text_of(e.value)) for e in entries}
    return out


def claims(folder: Path) -> list[tuple[str, str | None]]:
    """What each workbook outside the 备份- folders claims to be."""
    out = []
    for p in folder.rglob("*.xlsx"):
        if any(part.startswith("备份-") for part in p.relative_to(folder).parts):
            continue
        try:
            book = open_book(p)
        except ReadFailure:
            continue
        try:
            who = claim(book)
        finally:
            book.close()
        if who is not None:
            out.append(who)
    return out


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob(".*.tmp"))


def crash_everywhere(make: callable, args: list[str], check: callable, tmp_path: Path) -> int:
    """Kill ``args`` after its 1st, 2nd, ... filesystem call, each time on a fresh copy of the workspace
    ``make`` builds, and ``check(workspace)`` after the kill; then run it again to the end and compare with
    an uninterrupted run. Returns the number of crash points tried."""
    base = tmp_path / "base"
    make(base)
    clean = tmp_path / "clean"
    shutil.copytree(base, clean)
    assert run_in_process(args, clean) == 0
    expected = values(clean / "scores" / "2024", backups=False)
    for n in range(1, MAX_STEPS):
        ws = tmp_path / f"crash{n}"
        shutil.copytree(base, ws)
        if not killed_after(n, args, ws):
            return n - 1
        check(ws)
        assert run_in_process(args, ws) == 0, f"the run after a crash at step {n}"
        assert values(ws / "scores" / "2024", backups=False) == expected, f"after a crash at step {n}"
        assert leftovers(ws) == [], f"after a crash at step {n}"
        shutil.rmtree(ws)
    pytest.fail(f"{args} made more than {MAX_STEPS} filesystem calls")


def kept(before: set, claimed: list) -> callable:
    """The check after a crash: every value filled before is still in scores/2024 (maybe in a 备份- copy),
    and each workbook claimed before is there outside the backups (the old one or the new)."""
    def check(ws: Path) -> None:
        folder = ws / "scores" / "2024"
        assert before <= values(folder), sorted(before - values(folder))[:5]
        assert set(claimed) == set(claims(folder))
    return check


def test_collect_survives_a_crash_at_every_step(tmp_path, mini):
    def make(ws: Path) -> None:
        folder = ws / "scores" / "2024"
        (ws / "rubric").mkdir(parents=True)
        (ws / "rubric" / "2024.yaml").write_bytes(MINI_PATH.read_bytes())
        build_year(folder, mini)
        wb = highlight_workbook(mini)  # a register with the office's rating and own name typed in
        wb[L.HIGHLIGHT_SHEET]["G2"] = "A"
        wb[L.HIGHLIGHT_SHEET]["C5"] = "办公室改写的名称"
        wb.save(folder / names.HIGHLIGHT_FILE)
        write_templates(mini, folder, towns=True)
        for u in mini.units:
            edit(town_file(folder, mini, u.id), fill_town)

    probe = tmp_path / "probe"
    make(probe)
    folder = probe / "scores" / "2024"
    steps = crash_everywhere(make, ["collect", "--year", "2024"], kept(values(folder), claims(folder)), tmp_path)
    assert steps >= 4  # the temporary file, its save, the backup copy, the rename at least


def test_migrate_survives_a_crash_at_every_step(tmp_path, mini):
    from support.year import MINI, REVISION

    def make(ws: Path) -> None:
        build_year(ws / "scores" / "2024", mini)
        shutil.copyfile(ws / "scores" / "2024" / names.score_file_name(2024, "一科"), ws / "scores" / "2024" / "一科（副本）.xlsx")
        text = MINI
        for old, new in REVISION:
            text = text.replace(old, new, 1)
        (ws / "rubric").mkdir()
        (ws / "rubric" / "2024.yaml").write_text(text, encoding="utf-8")

    probe = tmp_path / "probe"
    make(probe)
    folder = probe / "scores" / "2024"
    steps = crash_everywhere(make, ["migrate", "--year", "2024"], kept(values(folder), claims(folder)), tmp_path)
    assert steps >= 16  # four sheets, each written, backed up and renamed; a copy of one moved aside


def test_letters_survive_a_crash_at_every_step(tmp_path, mini):
    import docx

    def make(ws: Path) -> None:
        record_meeting(year_workspace(ws, mini) / "scores" / "2024")
        assert run_in_process(["letters", "--year", "2024", "--date", "2025-01-09"], ws) == 0  # yesterday's

    def check(ws: Path) -> None:
        letters = sorted((ws / "reports" / "2024" / "函告").glob("*.docx"))
        assert len(letters) == 3
        for p in letters:  # each whole: the old letter or the new one
            text = "".join(par.text for par in docx.Document(str(p)).paragraphs)
            assert "2025年1月9日" in text or "2025年1月10日" in text

    args = ["letters", "--year", "2024", "--date", "2025-01-10"]
    steps = crash_everywhere(make, args, check, tmp_path)
    assert steps >= 6


def test_a_killed_run_leaves_nothing_that_validate_reads(tmp_path, mini):
    """A crash before the rename leaves a hidden temporary file, which validate never takes for a sheet."""
    ws = tmp_path / "ws"
    year_workspace(ws, mini)
    write_templates(mini, ws / "scores" / "2024", towns=True)
    for u in mini.units:
        edit(town_file(ws / "scores" / "2024", mini, u.id), fill_town)
    wb = highlight_workbook(mini)
    wb.save(ws / "scores" / "2024" / names.HIGHLIGHT_FILE)
    n = 1
    while killed_after(n, ["collect", "--year", "2024"], ws) and not leftovers(ws / "scores" / "2024"):
        n += 1
    assert leftovers(ws / "scores" / "2024"), "no crash point left a temporary file"
    assert run_in_process(["validate", "--year", "2024"], ws) in (0, 1)
    rubric = load_rubric(ws / "rubric" / "2024.yaml")
    from qp_eval.io.intake import validate_paths

    assert not any(".tmp" in f.file for f in validate_paths(rubric, [ws / "scores" / "2024"]).findings)
