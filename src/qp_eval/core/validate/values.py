"""The rules for the numbers in a frame's value column, the same for every sheet kind that has them.

A score (the departments' 得分 and the towns' 自评得分) must be a number (V401, V406), is read
half-width with a warning (V402), and lies within 0 and its points with no more decimals than the
rubric's precision (V403, V404, V405). A figure (指标 of both) must be a number (I702), not negative
(I703), and not 0 where the rule divides by it (I704). Each rule is a function over the frame and the
rows still in play that returns the rows it flags with their messages; ``subject`` names a row in them
(``乙街道 4.1 的得分``, ``细则 3.1 的自评得分``, ``甲镇 2.1 养老床位数 的数值``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from ..cells import show, too_many_places
from .frame import Findings, Flagged, Frame, stopping

Subject = Callable[[int], str]  # a frame position -> how its messages name it


def not_a_number(frame: Frame, rows: Iterable[int], code: str, subject: Subject) -> Flagged:
    """V401 (not a number) and V406 (NaN, infinity, past what a cell can hold)."""
    v, nums = frame.value, frame.numbers
    return [(i, f"{subject(i)}“{show(v[i])}”不是有效数字") for i in rows if nums[i].problem == code]


def full_width(frame: Frame, rows: Iterable[int], subject: Subject) -> Flagged:
    """V402 (warning): full-width characters read as half-width."""
    v, nums = frame.value, frame.numbers
    return [(i, f"{subject(i)}“{show(v[i])}”含全角字符，已按 {nums[i].value} 读取") for i in rows if nums[i].widened]


def negative(frame: Frame, rows: Iterable[int], subject: Subject) -> Flagged:
    """V403 (and I703 for a figure): below 0."""
    d = frame.decimals
    return [(i, f"{subject(i)} {d[i]} 为负数") for i in rows if d[i] < 0]  # type: ignore[operator]


def above_points(frame: Frame, rows: Iterable[int], subject: Subject, points: list[Decimal]) -> Flagged:
    """V404: above the row's points (``points``: one per frame position)."""
    d = frame.decimals
    return [(i, f"{subject(i)} {d[i]} 超过分值 {points[i]}") for i in rows if d[i] > points[i]]  # type: ignore[operator]


def too_many_decimals(frame: Frame, rows: Iterable[int], subject: Subject, precision: int) -> Flagged:
    """V405: more decimal places than the rubric's precision."""
    nums = frame.numbers
    return [(i, f"{subject(i)} {nums[i].value} 超过 {precision} 位小数") for i in rows
            if too_many_places(nums[i].value, precision, nums[i].places)]  # type: ignore[arg-type]


def check_scores(found: Findings, rows: list[int], column: str, subject: Subject, points: list[Decimal],
                 precision: int) -> list[int]:
    """V401 and V406 (the row stops), V402 (a warning), then V403, V404 and V405 (the row stops): the
    rows left hold numbers within their points, at the rubric's precision."""
    frame, stop = found.frame, stopping(found)
    rows = stop(rows, "V401", not_a_number(frame, rows, "V401", subject), column)
    rows = stop(rows, "V406", not_a_number(frame, rows, "V406", subject), column)
    found.flag("V402", full_width(frame, rows, subject), column)
    bad = found.flag("V403", negative(frame, rows, subject), column)
    bad |= found.flag("V404", above_points(frame, [i for i in rows if i not in bad], subject, points), column)
    bad |= found.flag("V405", too_many_decimals(frame, rows, subject, precision), column)
    return [i for i in rows if i not in bad]


def check_figures(found: Findings, rows: list[int], column: str, subject: Subject,
                  divides: Callable[[int], bool], zero: Subject) -> list[int]:
    """I702 (the row stops), V402 (a warning), I703 and I704 (the row stops): the rows left hold numbers
    a rule can use. ``divides``: whether a row's figure is a denominator; ``zero``: how I704 names it."""
    frame, stop = found.frame, stopping(found)
    rows = stop(rows, "I702", [(i, f"{subject(i)}“{show(frame.value[i])}”不是数字") for i in rows
                               if frame.decimals[i] is None], column)
    found.flag("V402", full_width(frame, rows, subject), column)
    rows = stop(rows, "I703", negative(frame, rows, subject), column)
    d = frame.decimals
    return stop(rows, "I704", [(i, f"{zero(i)}为 0，无法计算比例") for i in rows if d[i] == 0 and divides(i)], column)
