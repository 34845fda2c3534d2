"""What qp-eval hands on, checked as rendered pages (``make render-check``).

The example workspace's report, letters, booklet, brief and templates (and the notice of a year
nobody has sent anything in yet) are rendered through LibreOffice
to PDF, and the HTML report through headless Chromium; the checks are what can be asserted of a
page: A4 size, every letter page carrying body text (never only the signature), page numbers,
text no smaller than a readable size, no horizontal overflow of the HTML at a phone's width.

Without LibreOffice, poppler-utils or Chromium these tests are skipped, saying which program is
missing; ``make render-check`` installs them where it can and sets QP_RENDER_REQUIRED=1, which
turns a missing program into a failure. With QP_RENDER_DOCS=<folder> the images the README
shows (one page of a letter, the 排名 sheet) are written there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from statistics import median

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "qp_eval" / "example"
A4 = (595.3, 841.9)  # points
PROGRAMS = {"soffice": "LibreOffice", "pdftotext": "poppler-utils", "pdfinfo": "poppler-utils",
            "pdftoppm": "poppler-utils"}
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
MIN_TEXT_PT = 8.0  # the median height of a word's box; 9 pt type makes a box of about 9-11 pt


def _missing() -> list[str]:
    gone = [f"{name}（{pkg}）" for name, pkg in PROGRAMS.items() if shutil.which(name) is None]
    if not any(shutil.which(c) for c in CHROMIUM):
        gone.append("chromium")
    return gone


def _require() -> None:
    gone = _missing()
    if gone:
        why = "缺少渲染所需的程序：" + "、".join(gone) + "（make render-check 会在可以时自动安装）"
        if os.environ.get("QP_RENDER_REQUIRED"):
            pytest.fail(why)
        pytest.skip(why)


def _qp(*args: str, cwd: Path) -> None:
    from support.run import qp

    r = qp(*args, cwd=cwd)
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """The example year's documents, rendered: name -> PDF (and the HTML report)."""
    _require()
    work = tmp_path_factory.mktemp("render")
    ws = work / "ws"
    shutil.copytree(EXAMPLE / "scores", ws / "scores")
    shutil.copytree(EXAMPLE / "archive", ws / "archive")
    _qp("report", "--year", "2024", "--date", "2024-12-31", cwd=ws)
    _qp("report", "--year", "2024", "--format", "html", "--date", "2024-12-31", cwd=ws)
    _qp("letters", "--year", "2024", "--date", "2025-01-10", "--number", "青民函〔2025〕3号", "--combined", cwd=ws)
    _qp("booklet", "--year", "2024", "--date", "2024-12-31", cwd=ws)
    _qp("brief", "--year", "2024", "--date", "2025-01-03", cwd=ws)
    chase = work / "chase"  # nobody has sent anything yet: the longest notice of the district
    chase.mkdir()
    _qp("template", "--year", "2024", cwd=chase)
    _qp("template", "--year", "2024", "--towns", cwd=chase)
    from support.run import qp

    assert qp("status", "--year", "2024", "--notice", "--date", "2024-12-20", cwd=chase).returncode == 1
    reports = ws / "reports" / "2024"
    sources = {
        "notice": chase / "reports" / "2024" / "2024年度综合评估催报通知_2024-12-20.docx",
        "report": reports / "2024年度民政工作综合评估结果.xlsx",
        "letter": next((reports / "函告").glob("*华新镇*.docx")),
        "letter_long": next((reports / "函告").glob("*夏阳街道*.docx")),
        "combined": next((reports / "函告").glob("*合并打印*.docx")),
        "booklet": next(reports.glob("*亮点工作汇编.docx")),
        "brief": reports / "2024年度民政工作综合评估结果（审议稿）.docx",
        "template": ws / "scores" / "2024" / "2024年度评分表_社会事务科.xlsx",
        "town_template": next((ws / "scores" / "2024" / "自评").glob("*华新镇*.xlsx")),
    }
    staged = work / "in"
    staged.mkdir()
    for key, src in sources.items():  # short ASCII names for the converter
        shutil.copy(src, staged / f"{key}{src.suffix}")
    out = work / "pdf"
    profile = (work / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(out), *sorted(str(p) for p in staged.iterdir())], capture_output=True, timeout=600, check=True)
    done = {key: out / f"{key}.pdf" for key in sources}
    assert all(p.exists() for p in done.values()), sorted(p.name for p in out.iterdir())
    done["html"] = reports / "2024年度民政工作综合评估结果.html"
    return done


def _pages(pdf: Path) -> list[dict]:
    """Each page: size in points, its text, and the heights of its words' boxes."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
        words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', m.group(3))
        pages.append({"size": (float(m.group(1)), float(m.group(2))), "words": [w[2] for w in words],
                      "heights": [float(w[1]) - float(w[0]) for w in words]})
    return pages


def _a4(size: tuple[float, float]) -> bool:
    w, h = sorted(size)
    return abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2


@pytest.mark.parametrize("key", ["letter", "letter_long"])
def test_letters_render_on_a4_with_page_numbers_and_no_lonely_signature(rendered, key):
    pages = _pages(rendered[key])
    assert pages
    for n, page in enumerate(pages, 1):
        assert _a4(page["size"]) and page["size"][0] < page["size"][1]  # A4, upright
        text = "".join(page["words"])
        assert f"—{n}—" in text  # "— n —"
        body = text.replace("青浦区民政局", "").replace("2025年1月10日", "").replace(f"—{n}—", "")
        assert len(body) >= 20, f"page {n} holds only the signature: {text}"
    first = "".join(pages[0]["words"])
    assert "青民函〔2025〕3号" in first and "关于2024年度民政工作综合评估结果的函" in first
    assert median(h for p in pages for h in p["heights"]) >= 14  # 三号 body type
    annex = next(n for n, p in enumerate(pages) if p["words"][:1] == ["附件"])  # 附件 heads its own page
    assert annex <= 2, f"the body takes {annex} pages before its 附件"
    assert "青浦区民政局" in "".join(pages[annex - 1]["words"])  # the signature closes the body


def test_every_letter_body_is_at_most_two_pages_and_the_combined_file_restarts_its_numbers(rendered):
    pages = _pages(rendered["combined"])
    starts = [n for n, p in enumerate(pages) if "关于2024年度民政工作综合评估结果的函" in "".join(p["words"][:40])]
    assert len(starts) == 11
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(pages)
        mine = pages[start:end]
        annex = next(n for n, p in enumerate(mine) if p["words"][:1] == ["附件"])
        assert annex <= 2, f"letter {k + 1}: the body takes {annex} pages"
        assert "—1—" in "".join(mine[0]["words"])  # each letter numbered from 1


def test_booklet_renders_with_cover_contents_and_page_numbers(rendered):
    pages = _pages(rendered["booklet"])
    assert len(pages) >= 3 and all(_a4(p["size"]) for p in pages)
    assert "亮点工作汇编" in "".join(pages[0]["words"]) and "—1—" not in "".join(pages[0]["words"])
    assert "目" in "".join(pages[1]["words"])
    assert all(f"—{n}—" in "".join(p["words"]) for n, p in enumerate(pages[1:], 2))


def test_the_booklets_contents_give_the_page_each_town_starts_on_and_no_title_line_is_one_character(rendered):
    text = subprocess.run(["pdftotext", "-layout", str(rendered["booklet"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    listed = dict(re.findall(r"^([一二三四五六七八九十]+、\S+?)（\d+ 项）\.*\s*(\d+)\s*$", pages[1], re.M))
    starts = {m.group(1): n for n, page in enumerate(pages, 1) if n > 2
              for m in [re.search(r"^\s*([一二三四五六七八九十]+、\S+?)\s*$", page, re.M)] if m}
    assert len(listed) == 11 and {k: int(v) for k, v in listed.items()} == starts
    cover = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert all(len(line) > 1 for line in cover), cover  # the title breaks between words


def test_the_brief_is_at_most_four_a4_pages_with_the_proposal_and_what_to_look_at(rendered):
    pages = _pages(rendered["brief"])
    assert 2 <= len(pages) <= 4 and all(_a4(p["size"]) and p["size"][0] < p["size"][1] for p in pages)
    assert all(f"—{n}—" in "".join(p["words"]) for n, p in enumerate(pages, 1))
    text = "".join(w for p in pages for w in p["words"])
    assert text.startswith("2024年度民政工作综合评估结果（审议稿）局办公室2025年1月3日")
    for part in ("一、评估开展情况", "二、初评结果", "三、提请关注的事项", "四、各科室评分中差距较大的项目", "五、提请审议事项"):
        assert part in text
    # the proposal, as rank publishes it before the meeting: 朱家角镇 89.70 良好 at 8 (decided: 90.20 优秀)
    assert "8朱家角镇86.303.400.0089.70良好↓7" in text
    assert "朱家角镇89.70分，距“优秀”分数线90分差0.30分" in text
    assert "夏阳街道（92.73分，良好）：因“重大安全生产责任事故”一票否决" in text
    assert "白鹤镇：被主流新闻媒体曝光批评、产生严重舆情（2024年11月3日）" in text
    assert median(h for p in pages for h in p["heights"]) >= 11  # 三号 body, 小四 in the tables


def test_the_notice_to_every_sender_is_one_a4_page(rendered):
    pages = _pages(rendered["notice"])
    assert len(pages) == 1 and _a4(pages[0]["size"])
    text = "".join(pages[0]["words"])
    assert text.startswith("关于催报2024年度综合评估材料的通知") and "白鹤镇" in text and "办公室。" in text
    assert "青浦区民政局办公室2024年12月20日" in text
    assert median(pages[0]["heights"]) >= 14  # 三号 body type


@pytest.mark.parametrize("key", ["report", "template", "town_template"])
def test_workbooks_print_on_a4_at_a_readable_size(rendered, key):
    pages = _pages(rendered[key])
    assert pages and all(_a4(p["size"]) for p in pages)
    for n, page in enumerate(pages, 1):
        if len(page["heights"]) >= 10:
            assert median(page["heights"]) >= MIN_TEXT_PT, f"{key} page {n}: text printed too small"


def test_template_instructions_fit_one_page(rendered):
    first = "".join(_pages(rendered["template"])[0]["words"])
    assert "填写说明" in first and "请勿改动" in first and "2024年度青浦区民政工作综合评估" in first


def _chromium(profile: Path) -> list[str]:
    """Headless Chromium as this machine runs it: no sandbox (root), no background network."""
    exe = next(c for c in CHROMIUM if shutil.which(c))
    return [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}"]


@pytest.mark.parametrize("width", [390, 1280])
def test_html_report_does_not_overflow_sideways(rendered, tmp_path, width):
    """The page (without a script of its own) is measured in a copy that writes its width into the title."""
    probe = tmp_path / "probe.html"
    page = rendered["html"].read_text(encoding="utf-8")
    assert "<script" not in page
    assert page.count("<svg") == 2 and "<rect" in page and "<polyline" in page  # the ranking's and the years' charts
    probe.write_text(page.replace("</body>", "<script>document.title='W'+document.documentElement.scrollWidth+"
                                              "'/'+window.innerWidth+'/'+Math.ceil(document.querySelector("
                                              "'table.compact').getBoundingClientRect().right)</script></body>"),
                     encoding="utf-8")
    r = subprocess.run([*_chromium(tmp_path / "profile"), f"--window-size={width},900", "--dump-dom", probe.as_uri()],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"<title>W(\d+)/(\d+)/(\d+)</title>", r.stdout)
    assert m, r.stderr[-500:]
    assert int(m.group(1)) <= int(m.group(2)), f"page {m.group(1)} px wide in a {m.group(2)} px window"
    assert int(m.group(3)) <= int(m.group(2)), "rank, town, final and grade are not all in view"
    if os.environ.get("QP_RENDER_DOCS") and width == 390:
        shot = Path(os.environ["QP_RENDER_DOCS"]) / "report-phone.png"
        subprocess.run([*_chromium(tmp_path / "profile2"), "--hide-scrollbars", f"--window-size={width},1200",
                        f"--screenshot={shot}", rendered["html"].as_uri()], capture_output=True, timeout=120)


def test_readme_images(rendered):
    """With QP_RENDER_DOCS set, the README's images: the first page of a letter and the 排名 sheet."""
    folder = os.environ.get("QP_RENDER_DOCS")
    if not folder:
        pytest.skip("QP_RENDER_DOCS 未设置：不写 README 的图片")
    Path(folder).mkdir(parents=True, exist_ok=True)
    for key, name in (("letter", "letter-page1"), ("report", "report-ranking")):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(rendered[key]),
                        str(Path(folder) / name)], check=True, timeout=120)
        assert (Path(folder) / f"{name}.png").stat().st_size > 1000


def _rows_of_column(pdf: Path, before: str, header: str, after: str, key: str) -> dict[str, str]:
    """The text of one column of a printed sheet, row by row: the words left-aligned under ``header``
    (between the columns ``before`` and ``after``) from the top of a row (its ``key`` column's word,
    such as 编号) to the top of the next, keyed by that word. Text a row is too short for spills into
    the next row's band (LibreOffice prints it clipped there), so a cut row's text is not whole."""
    from collections import Counter

    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out: dict[str, str] = {}
    for page in re.findall(r"<page .*?</page>", xml, re.S):
        words = [(float(a), float(b), float(c), w) for a, b, c, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]
        heads = {w[3]: w for w in words if w[3] in (before, header, after, key)}
        if header not in heads:
            continue
        top = heads[header][1] + 1
        keys = sorted((w for w in words if abs(w[0] - heads[key][0]) < 15 and w[1] > top
                       and re.fullmatch(r"\d+\.\d+", w[3])), key=lambda w: w[1])
        left = Counter(round(w[0]) for w in words if heads[before][2] < w[0] < heads[header][0] and w[1] > top)
        x0, x1 = left.most_common(1)[0][0] - 1, heads[after][0]
        footer = min((w[1] for w in words if "页，共" in w[3]), default=1e9)  # the footer: 第 2 页，共 7 页
        col = sorted((w for w in words if x0 <= w[0] and w[2] <= x1 and top < w[1] < footer - 1),
                     key=lambda w: (round(w[1]), w[0]))
        for k, row in enumerate(keys):
            y0, y1 = row[1] - 1, keys[k + 1][1] - 1 if k + 1 < len(keys) else 1e9
            out[row[3]] = "".join(w[3] for w in col if y0 <= w[1] < y1)
    return out


def test_every_criterion_of_a_towns_form_prints_whole(rendered):
    """Rows as tall as their text: no 评估内容 is cut at the bottom of its row on the printed page."""
    from qp_eval.core import layout as L
    from qp_eval.io.rubric_file import load_rubric
    from qp_eval.io.workspace import shipped_rubric

    rubric = load_rubric(shipped_rubric(2024))
    town = next(u for u in rubric.units if u.name == "华新镇")
    printed = _rows_of_column(rendered["town_template"], "评估项目", "评估内容", "分值", "编号")
    cut = [c.id for c in L.self_criteria(rubric, town.id)
           if printed.get(c.id) != re.sub(r"\s", "", f"{c.name}：{c.standard}")]
    assert cut == []


def test_the_report_prints_what_matters_in_at_most_20_pages_each_table_under_its_own_header(rendered):
    text = subprocess.run(["pdftotext", "-layout", str(rendered["report"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) <= 20, f"{len(pages)} pages"
    for n, page in enumerate(pages, 1):
        first = next(line for line in page.splitlines() if line.strip()).split()
        if "问题描述" in page:  # a problems table: its own header at the top of each of its pages
            assert first[:3] == ["街镇", "问题类别", "问题描述"], (n, first)
        if "自评说明" in page:
            assert first[:3] == ["街镇", "项目", "评估科室"], (n, first)
