"""The boxed text table of console/grid.py: widths by display width, wrapping, narrow fallback."""

from __future__ import annotations

from qp_eval.cli.console.grid import grid
from qp_eval.core.linebreak import width_of


def test_columns_sized_by_display_width_numbers_right_aligned():
    lines = list(grid(["位次", "街镇"], [["1", "华新镇"], ["10", "香花桥街道"]], [True, False], 80))
    assert lines == [
        "┏━━━━━━┳━━━━━━━━━━━━┓",
        "┃ 位次 ┃ 街镇       ┃",
        "┡━━━━━━╇━━━━━━━━━━━━┩",
        "│    1 │ 华新镇     │",
        "│   10 │ 香花桥街道 │",
        "└──────┴────────────┘",
    ]


def test_headers_wrap_before_cells_do():
    # borders take 7 columns, 等级 keeps 4: at width 17 the header 重点工作得分 (12) gets 6
    lines = list(grid(["等级", "重点工作得分"], [["优秀", "91.54"]], [False, True], 17))
    assert lines[1:3] == ["┃ 等级 ┃ 重点工 ┃", "┃      ┃ 作得分 ┃"]
    assert lines[4] == "│ 优秀 │  91.54 │"
    assert all(width_of(line) <= 17 for line in lines)


def test_too_narrow_for_columns_gives_one_block_per_row():
    lines = list(grid(["位次", "街镇", "最终得分"], [["1", "华新镇", "93.74"]], [True, False, True], 20, title="位次"))
    assert lines == ["位次", "位次 1，街镇 华新", "镇，最终得分 93.74", ""]
