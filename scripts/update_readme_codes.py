"""Rewrite the README code table (出错时) from the finding catalogue: make docs."""
import re
import sys

sys.path.insert(0, "src")
from qp_eval.core.findings import catalogue_markdown

p = "README.md"
s = open(p, encoding="utf-8").read()
block = "<!-- codes:start -->\n" + catalogue_markdown() + "<!-- codes:end -->"
if "<!-- codes:start -->" in s:
    s = re.sub(r"<!-- codes:start -->.*?<!-- codes:end -->", lambda m: block, s, flags=re.S)
else:
    s = s.replace("## 退出码", "## 出错时\n\n每个问题都有固定的代码。下表列出全部代码、含义和处理办法（由程序中的代码表生成）。\n\n" + block + "\n\n## 退出码")
open(p, "w", encoding="utf-8").write(s)
