"""JSON on stdout written piece by piece (a 40,000-town trend is 85 MB): the same text as json.dumps."""

from __future__ import annotations

import io
import json
import sys

from qp_eval.cli import runtime


class _Locale(io.TextIOWrapper):
    """stdout as a GBK console's pipe: text must reach the buffer as UTF-8 bytes."""


def test_print_json_writes_what_json_dumps_gives_in_utf8_whatever_the_locale(monkeypatch):
    data = {"format": "x", "towns": [{"unit": f"第{k}号街镇", "years": {"2024": {"rank": k, "final": "91.25"}}}
                                      for k in range(1, 5000)], "empty": [], "none": None}
    raw = io.BytesIO()
    out = _Locale(raw, encoding="gbk")
    monkeypatch.setattr(sys, "stdout", out)
    runtime.print_json(data)
    out.flush()
    assert raw.getvalue().decode("utf-8") == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_the_pieces_join_to_json_dumps_whatever_the_batch():
    from qp_eval.core.text import json_pieces

    data = {"年度": 2024, "results": [{"unit_id": f"u{k}", "final": "90.50", "items": [1, 2.5, None]} for k in range(7)],
            "empty": {}, "list": []}
    whole = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    tokens = len(list(json.JSONEncoder(indent=2).iterencode(data))) + 1  # and the line end
    for batch in (1, 3, 4096):
        pieces = list(json_pieces(data, batch))
        assert "".join(pieces) == whole and len(pieces) == -(-tokens // batch)
