"""Opening .xlsx/.xlsm/.xls/.ods files safely into ``RawBook``s (``core.book``). The only input I/O.

Guards run before any parser sees the file: its size on disk, and for zip containers the
declared uncompressed size and compression ratio (a zip bomb is refused unopened). Values,
never formulas, are read with python-calamine, after each .xlsx sheet's XML has been surveyed
(``io.xlsx``: cells past the limits cut, error values kept as such).

A formula's cached float is read as Excel shows it, with 15 significant digits
(``core.validate.cells.number``): 6*0.95 is cached as 5.6999999999999993 and read as 5.7.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..core.book import HEAD_ROWS, Cell, CellError, Far, Limits, RawBook, RawSheet, ReadFailure, SheetStream, suffix_of
from . import xlsx
from .oserrors import os_reason

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MiB
FORMAT_OF_SUFFIX = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".xlsb": "xlsb"}


def _reason(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text[:200]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def open_book(path: Path, limits: Limits | None = None) -> RawBook:
    """Open a workbook for reading values; raises ``ReadFailure`` with a Chinese reason."""
    from python_calamine import CalamineWorkbook  # deferred: loaded when a workbook is first opened

    limits = limits or Limits()
    try:
        st = path.stat()
    except OSError as e:
        raise ReadFailure(f"无法访问文件：{os_reason(e, writing=False)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadFailure("不是普通文件（可能是目录、管道或设备），已跳过")
    size = st.st_size
    if size == 0:
        raise ReadFailure("文件是空的（0 字节）")
    max_file = max(MAX_FILE_BYTES, limits.unzipped // 4)
    if size > max_file:
        raise ReadFailure(f"文件过大（{size // (1024 * 1024)} MB），超过 {max_file // (1024 * 1024)} MB 的上限")
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise ReadFailure(f"无法读取文件：{os_reason(e, writing=False)}") from None
    if head.startswith(b"PK"):
        actual = _zip_guard(path, limits.unzipped)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        actual = "xls"  # OLE: .xls, or an encrypted workbook (calamine says which)
    else:
        raise ReadFailure("不是电子表格文件（可能是改了扩展名的文本、CSV 或其他文件）")
    declared = FORMAT_OF_SUFFIX.get(suffix_of(path))
    try:
        if actual == declared and path.suffix.lower() == suffix_of(path):
            wb = CalamineWorkbook.from_path(str(path))
        else:  # an .xls or .ods saved under an .xlsx name (or a name calamine would misread): read by what it is
            wb = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        names = list(wb.sheet_names)
    except Exception as e:
        raise ReadFailure(_calamine_reason(e)) from None
    reader = _Reader(path, wb, limits, surveyed=actual == declared == "xlsx")
    return RawBook(path, names, reader.load, reader.stream, reader.close,
                   actual_format="" if actual == declared else actual, digest=lambda: sha256_file(path),
                   modified=st.st_mtime)


class _Reader:
    """The sheets of one open calamine workbook, each surveyed first (.xlsx/.xlsm)."""

    def __init__(self, path: Path, wb: object, limits: Limits, surveyed: bool):
        self.path, self.wb, self.limits, self.surveyed = path, wb, limits, surveyed
        self.parts: dict[str, str] | None = None

    def formulas(self, name: str):  # noqa: ANN201 - the function a sheet calls for its formula layer
        if not self.surveyed:
            return None
        return lambda: xlsx.formulas_without_value(self.path, name)

    def load(self, name: str) -> RawSheet:
        wb, errors, far = self._surveyed(name)
        try:
            s = wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
            rows = s.to_python(skip_empty_area=False)
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (s.merged_cell_ranges or [])]
        except Exception as e:  # calamine raises several kinds on damaged parts
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        if errors:
            rows = list(_with_errors(iter(rows), errors))
        return RawSheet(name, rows, merged, errors, far, self.formulas(name))

    def stream(self, name: str) -> SheetStream:
        wb, errors, far = self._surveyed(name)
        try:
            s = wb.get_sheet_by_name(name)  # type: ignore[attr-defined]
            rows_iter = s.iter_rows()
            left = (s.start or (0, 0))[1]  # iter_rows starts at the used range's first column, not at A
            if left:
                pad = [""] * left
                rows_iter = (pad + row for row in rows_iter)
            rows_iter = _guarded(rows_iter, name)
            if errors:
                rows_iter = _with_errors(rows_iter, errors)
            head = list(itertools.islice(rows_iter, HEAD_ROWS))
            merged = [((a[0], a[1]), (b[0], b[1])) for a, b in (s.merged_cell_ranges or [])]
        except ReadFailure:
            raise
        except Exception as e:
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        return SheetStream(name, head, rows_iter, merged, errors, far, self.formulas(name))

    def _surveyed(self, name: str) -> tuple[object, dict[Cell, CellError], Far | None]:
        """(the calamine workbook to read ``name`` from, its error cells, what was cut): the sheet's XML
        looked at first, so that calamine never sees a cell past the limits."""
        if not self.surveyed:
            return self.wb, {}, None
        if self.parts is None:
            self.parts = xlsx.sheet_parts(self.path)
        part = self.parts.get(name)
        if part is None:
            return self.wb, {}, None
        survey = xlsx.survey(self.path, part, self.limits)
        if survey.cut is None:
            return self.wb, survey.errors, None
        from python_calamine import CalamineWorkbook  # deferred: loaded when a workbook is first opened

        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.rezipped(self.path, part, survey.cut)))
        except Exception as e:
            raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None
        return wb, survey.errors, survey.far

    def close(self) -> None:
        close = getattr(self.wb, "close", None)
        if close:
            close()


def _guarded(rows: Iterator[list[object]], name: str) -> Iterator[list[object]]:
    """The rows, with calamine's errors on a damaged part said as a ``ReadFailure``."""
    try:
        yield from rows
    except Exception as e:  # calamine raises several kinds on damaged parts
        raise ReadFailure(f"工作表“{name}”无法读取：{_reason(e)}") from None


def _with_errors(rows: Iterator[list[object]], errors: dict[Cell, CellError]) -> Iterator[list[object]]:
    """The rows with each error cell holding its ``CellError`` (calamine left it empty)."""
    by_row: dict[int, list[tuple[int, CellError]]] = {}
    for (r, c), e in errors.items():
        by_row.setdefault(r, []).append((c, e))
    for r, row in enumerate(rows):
        for c, e in by_row.get(r, ()):
            if c >= len(row):
                row = row + [""] * (c + 1 - len(row))
            row[c] = e
        yield row


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
    except OSError as e:
        raise ReadFailure(f"无法读取文件：{os_reason(e, writing=False)}") from None
    except EOFError:
        raise ReadFailure("文件已损坏（在中途结束，可能未完整复制或下载）") from None
