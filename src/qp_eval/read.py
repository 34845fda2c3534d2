"""Opening .xlsx/.xlsm/.xls/.ods files safely into ``RawSheet``s. The only input I/O.

Guards run before any parser sees the file: its size on disk, and for zip containers the
declared uncompressed size and compression ratio (a zip bomb is refused unopened). Values,
never formulas, are read with python-calamine; for .xlsx/.xlsm, formula cells that carry
no cached value are found by a streaming look at the sheet XML (defusedxml).
"""

from __future__ import annotations

import io
import itertools
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # floor of the limit; a large rubric raises it (unzip_limit)
BYTES_PER_EXPECTED_ROW = 2048  # far above what a filled template row takes in sheet XML
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MiB
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
FORMAT_OF_SUFFIX = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".xlsb": "xlsb"}
# spreadsheets of formats qp-eval does not read, and what a clerk should do with them
UNREADABLE_SHEETS = {
    ".et": "WPS 表格（.et）", ".ett": "WPS 表格模板（.ett）", ".csv": "CSV 文本", ".tsv": "制表符分隔的文本",
    ".numbers": "Apple Numbers 表格", ".wps": "WPS 文字文件", ".xltx": "Excel 模板（.xltx）", ".xlt": "Excel 模板（.xlt）",
    ".fods": "OpenDocument 平面表格", ".dbf": "dBASE 表",
}
BACKUP_PREFIX = "备份-"  # scores/<year>/备份-YYYYMMDD-HHMMSS/: files qp-eval moved aside, never read as input

Cell = tuple[int, int]  # 0-based (row, column)


class ReadFailure(Exception):
    """A file that cannot be read; ``message`` is Chinese and says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Place:
    """What a sheet knows besides its values: merged ranges, and formulas that carry no value."""

    name: str
    merged: list[tuple[Cell, Cell]]
    path: Path | None

    @cached_property
    def formula_without_value(self) -> set[Cell]:
        """Formula cells with no cached value (.xlsx/.xlsm); calamine reads them as empty."""
        if self.path is None or self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            return set()
        return _formulas_without_value(self.path, self.name)

    def merged_range_of(self, r: int, c: int) -> tuple[Cell, Cell] | None:
        for (r0, c0), (r1, c1) in self.merged:
            if r0 <= r <= r1 and c0 <= c <= c1 and (r0, c0) != (r1, c1):
                return (r0, c0), (r1, c1)
        return None


@dataclass
class RawSheet(_Place):
    name: str
    rows: list[list[object]]  # values from A1
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)
    path: Path | None = None  # for the formula look, made only when a checked cell is empty

    def value(self, r: int, c: int) -> object:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return ""


HEAD_ROWS = 20  # a header is looked for in a sheet's first rows


@dataclass
class SheetStream(_Place):
    """A sheet read row by row: its first rows (where the header is), then the rest once, as an iterator.

    For the long sheets (评分, 指标): the checks keep the columns they need, never every cell of
    every row as Python objects."""

    name: str
    head: list[list[object]]
    rest: Iterator[list[object]]
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)
    path: Path | None = None

    def rows_after(self, header: int) -> Iterator[tuple[int, list[object]]]:
        """(0-based row, values) of every row below ``header``."""
        yield from enumerate(self.head[header + 1:], start=header + 1)
        try:
            yield from enumerate(self.rest, start=len(self.head))
        except Exception as e:  # calamine raises several kinds on damaged parts
            raise ReadFailure(f"工作表“{self.name}”无法读取：{_reason(e)}") from None


@dataclass
class RawBook:
    path: Path
    sheet_names: list[str]
    _wb: object = None
    _cache: dict[str, RawSheet] = field(default_factory=dict)
    actual_format: str = ""  # set when the content is another format than the extension says (read by content)

    def find(self, wanted: str) -> str | None:
        """The sheet's real name for ``wanted``, ignoring surrounding spaces and zero-width characters."""
        from .text import normalize_name

        key = normalize_name(wanted)
        return next((n for n in self.sheet_names if normalize_name(n) == key), None)

    def sheet(self, wanted: str) -> RawSheet | None:
        name = self.find(wanted)
        if name is None:
            return None
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def stream(self, wanted: str) -> SheetStream | None:
        """The sheet row by row (not cached: its rows can be gone through once)."""
        name = self.find(wanted)
        if name is None:
            return None
        if name in self._cache:
            rows = self._cache[name].rows
            return SheetStream(name, rows[:HEAD_ROWS], iter(rows[HEAD_ROWS:]), self._cache[name].merged, self.path)
        try:
            s = self._wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
            rows_iter = s.iter_rows()
            left = (s.start or (0, 0))[1]  # iter_rows starts at the used range's first column, not at A
            if left:
                pad = [""] * left
                rows_iter = (pad + row for row in rows_iter)
            head = list(itertools.islice(rows_iter, HEAD_ROWS))
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (s.merged_cell_ranges or [])]
        except Exception as e:
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        return SheetStream(name, head, rows_iter, merged, self.path)

    def _load(self, name: str) -> RawSheet:
        try:
            s = self._wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
            rows = s.to_python(skip_empty_area=False)
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (s.merged_cell_ranges or [])]
        except Exception as e:  # calamine raises several kinds on damaged parts
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        return RawSheet(name, rows, merged, self.path)

    def close(self) -> None:
        close = getattr(self._wb, "close", None)
        if close:
            close()


def _reason(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text[:200]


def unzip_limit(expected_rows: int) -> int:
    """How much a workbook may unpack to: 200 MB, or more when the rubric needs more rows."""
    return max(MAX_UNZIPPED_BYTES, expected_rows * BYTES_PER_EXPECTED_ROW)


def open_book(path: Path, max_unzipped: int = MAX_UNZIPPED_BYTES) -> RawBook:
    """Open a workbook for reading values; raises ``ReadFailure`` with a Chinese reason."""
    from python_calamine import CalamineWorkbook

    try:
        st = path.stat()
    except OSError as e:
        raise ReadFailure(f"无法访问文件：{e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadFailure("不是普通文件（可能是目录、管道或设备），已跳过")
    size = st.st_size
    if size == 0:
        raise ReadFailure("文件是空的（0 字节）")
    max_file = max(MAX_FILE_BYTES, max_unzipped // 4)
    if size > max_file:
        raise ReadFailure(f"文件过大（{size // (1024 * 1024)} MB），超过 {max_file // (1024 * 1024)} MB 的上限")
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise ReadFailure(f"无法读取文件：{e.strerror or e}") from None
    if head.startswith(b"PK"):
        actual = _zip_guard(path, max_unzipped)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        actual = "xls"  # OLE: .xls, or an encrypted workbook (calamine says which)
    else:
        raise ReadFailure("不是电子表格文件（可能是改了扩展名的文本、CSV 或其他文件）")
    declared = FORMAT_OF_SUFFIX.get(path.suffix.lower())
    try:
        if actual == declared:
            wb = CalamineWorkbook.from_path(str(path))
        else:  # an .xls or .ods saved under an .xlsx name: read by what it is
            wb = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        names = list(wb.sheet_names)
    except Exception as e:
        raise ReadFailure(_calamine_reason(e)) from None
    return RawBook(path, names, wb, actual_format="" if actual == declared else actual)


def _calamine_reason(e: Exception) -> str:
    name = type(e).__name__
    text = str(e)
    if name == "PasswordError" or "password" in text.lower() or "encrypt" in text.lower():
        return "文件已加密（设置了打开密码），请去掉密码后另存再提交"
    return f"文件已损坏或不是支持的格式：{_reason(e)}"


def _zip_guard(path: Path, limit: int) -> str:
    """Refuse a zip bomb; return the workbook format the zip holds (xlsx, xlsb or ods)."""
    try:
        with zipfile.ZipFile(path) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise ReadFailure(f"文件内部压缩比异常（{info.filename}），疑似压缩炸弹，已拒绝打开")
            if total > limit:
                raise ReadFailure(
                    f"文件解压后约 {total // (1024 * 1024)} MB，超过 {limit // (1024 * 1024)} MB 的上限，已拒绝打开"
                )
            names = set(z.namelist())
            if "mimetype" in names:
                with z.open("mimetype") as f:
                    if f.read(64).startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                        return "ods"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise ReadFailure("这是 Word 或 PowerPoint 文件，不是电子表格")
            return "xlsx"  # and anything else: calamine says what is wrong with it
    except zipfile.BadZipFile:
        raise ReadFailure("文件已损坏（压缩包结构不完整，可能未完整复制或下载）") from None
    except (OSError, EOFError) as e:
        raise ReadFailure(f"文件已损坏：{_reason(e)}") from None


# --- formulas without a cached value (.xlsx/.xlsm) ------------------------------------------

_REF = re.compile(r"([A-Z]+)(\d+)")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_part(z: zipfile.ZipFile, sheet_name: str) -> str | None:
    from defusedxml import ElementTree as ET

    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rid = None
    for s in wb.iter(f"{_NS_MAIN}sheet"):
        if s.get("name") == sheet_name:
            rid = s.get(f"{_NS_REL}id")
    if rid is None:
        return None
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


def _formulas_without_value(path: Path, sheet_name: str) -> set[Cell]:
    from defusedxml import ElementTree as ET

    out: set[Cell] = set()
    try:
        with zipfile.ZipFile(path) as z:
            part = _sheet_part(z, sheet_name)
            if part is None or part not in z.namelist():
                return out
            data = z.read(part)
            if b"<f" not in data and b":f>" not in data and b":f " not in data:
                return out  # no formula at all: skip the parse
            root = ET.fromstring(data)
    except Exception:
        return out  # calamine read the values; this look is only an extra check
    for c in root.iter(f"{_NS_MAIN}c"):
        f = c.find(f"{_NS_MAIN}f")
        if f is None:
            continue
        v = c.find(f"{_NS_MAIN}v")
        is_ = c.find(f"{_NS_MAIN}is")
        if (v is None or not (v.text or "").strip()) and is_ is None:
            m = _REF.fullmatch(c.get("r", ""))
            if m:
                out.add((int(m.group(2)) - 1, _col_index(m.group(1))))
    return out


def find_spreadsheets(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Spreadsheet files under ``paths`` (recursively, sorted), and paths that could not be searched."""
    found, _, problems = find_files(paths)
    return found, problems


def find_files(paths: list[Path]) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(spreadsheets, every other file, paths that could not be searched) under ``paths``, recursively and
    sorted; hidden files, Office lock files and qp-eval's 备份- folders aside."""
    found: list[Path] = []
    others: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen_dirs: set[tuple[int, int]] = set()

    def walk(folder: Path) -> None:
        try:
            st = folder.stat()
        except OSError as e:
            problems.append((folder, f"无法访问：{e.strerror or e}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            problems.append((folder, "目录链接形成循环，已跳过"))
            return
        seen_dirs.add(key)
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as e:
            problems.append((folder, f"无法读取目录：{e.strerror or e}"))
            return
        for p in entries:
            if p.name.startswith((".", "~$")):
                continue  # hidden files, Office lock files
            if p.is_dir():
                if not p.name.startswith(BACKUP_PREFIX):  # what qp-eval moved aside is not input
                    walk(p)
            elif p.suffix.lower() in SPREADSHEET_SUFFIXES:
                found.append(p)
            else:
                others.append(p)

    for p in paths:
        if p.is_dir():
            walk(p)
        elif p.exists() or p.is_symlink():
            found.append(p)
        else:
            problems.append((p, "文件或目录不存在"))
    return found, others, problems
