"""The core on plain values: a workbook made in memory is validated, scored and ranked without a file
(``core.validate.validate`` and ``core.evaluate.evaluate`` are functions of the rubric and the books)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath

import pytest

from qp_eval.core import layout as L
from qp_eval.core import sheetspec
from qp_eval.core.book import RawBook
from qp_eval.core.evaluate import evaluate
from qp_eval.core.validate import Inputs, validate


def info(mini, kind: str, dept: str | None) -> list[list[object]]:
    rows = [["标题"], [L.KEY_KIND, kind], [L.KEY_YEAR, mini.year]]
    if dept:
        rows.append([L.KEY_DEPT_ID, dept])
    rows.append([L.KEY_FINGERPRINT, sheetspec.sheet_fingerprint(mini, kind, dept)])
    return rows


def d2_book(mini, score_41_of_b: object) -> RawBook:
    """二科's sheet: 3.1 (甲镇 only, 2 points), 3.2 (3 points) and 4.1 (5 points) for the three towns."""
    head = list(L.SCORE_COLUMNS)
    rows = [head]
    for unit in mini.units:
        for row in L.score_rows_of_unit(mini, "d2", unit.id):
            applies = row.criterion.applies(unit.id)
            value = (score_41_of_b if (unit.id, row.id) == ("b", "4.1") else row.criterion.points) if applies \
                else L.NOT_APPLICABLE
            rows.append([unit.name, row.id, "", "", row.criterion.points, value, "依据"])
    return RawBook.of_rows("二科.xlsx", {L.INFO_SHEET: info(mini, L.KIND_SCORES, "d2"), L.SCORE_SHEET: rows},
                           digest="0" * 64)


def test_a_book_made_in_memory_is_checked_down_to_the_cell(mini):
    book = d2_book(mini, 7)  # 乙街道 4.1 above its 5 points, in row 7 (the header is row 1)
    result = validate(mini, Inputs([PurePath("二科.xlsx")], lambda path: book))
    assert [(f.code, f.sheet, f.cell) for f in result.findings] == [("V404", L.SCORE_SHEET, "F7")]
    assert result.files == 1 and not result.ok


def test_books_made_in_memory_are_scored(mini):
    """二科 alone, every score full but 乙街道 4.1 at 4.5: its 3.1 does not apply (full under
    not_applicable: full, 2), 3.2 is 3, so 二科's criteria give 乙街道 2 + 3 + 4.5 = 9.5 of 10;
    the other towns score 10. Without 一科's sheet, --allow-missing counts its criteria as 0."""
    result = validate(mini, Inputs([PurePath("二科.xlsx")], lambda path: d2_book(mini, 4.5)))
    ev = evaluate(mini, result, allow_missing=True)
    assert not ev.blocked and ev.return_code == 0
    base = {x.unit_id: x.result.base for x in ev.ranking}
    assert base == {"a": Decimal(10), "b": Decimal("9.5"), "c": Decimal(10)}


@pytest.mark.parametrize(("k", "said"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九"),
                                         (100, "一百"), (101, "一百零一"), (110, "一百一十"), (215, "二百一十五"),
                                         (1001, "一千零一"), (1010, "一千零一十"), (2000, "二千"), (10000, "一万"),
                                         (10001, "一万零一"), (12345, "一万二千三百四十五"), (40000, "四万")])
def test_chinese_numerals_for_headings_past_a_hundred(k, said):
    """The booklet numbers one chapter a town: a synthetic year of 215 towns crashed at 100."""
    from qp_eval.core.document import cn_number

    assert cn_number(k) == said
