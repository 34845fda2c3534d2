"""The two standard streams as an office PC hands them over: any encoding, possibly closed.

A Windows redirect (``qp-eval rank --format csv > 排名.csv``) is encoded in the code page (GBK), a
C locale in ASCII, and a scheduler may start the program with stdout or stderr closed. Nothing
of that may end in a traceback:

- text for people is written in the stream's own encoding, with what it cannot carry replaced;
- data (CSV, JSON) written to a file or pipe is UTF-8 whatever the locale (CSV with its BOM), so
  the file opens the same in Excel on every PC;
- a closed stdout makes data impossible: ``StreamClosed``, which the CLI turns into exit 2 with a
  message on stderr; a closed stderr keeps what it was told, shown on stdout when the run fails.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable


class StreamClosed(Exception):
    """Data (or the only message) was meant for a standard stream that is closed."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class _Closed(io.TextIOBase):
    """Stands for a standard stream that was closed when the program started."""

    def __init__(self, name: str, keep: bool):
        super().__init__()
        self.name_ = name
        self.keep = keep  # stderr: keep the last lines, to show them on stdout if the run fails
        self.kept: list[str] = []

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not self.keep:
            raise StreamClosed(self.name_)
        self.kept.append(text)
        del self.kept[:-200]
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        raise OSError("closed")


def utf8_mode() -> None:
    """In a locale whose file names are ASCII (LC_ALL=C with Python's UTF-8 mode off), start again in UTF-8
    mode: otherwise every Chinese file name reads as undecodable bytes. Nowhere else does anything."""
    if sys.getfilesystemencoding().lower() not in ("ascii", "us-ascii", "ansi_x3.4-1968") or os.name != "posix":
        return
    if os.environ.get("QP_EVAL_UTF8") or not getattr(sys, "orig_argv", None):
        return
    os.environ["QP_EVAL_UTF8"] = "1"
    try:
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])
    except OSError:
        pass  # carry on as we are: names show their bytes as codes


def prepare() -> None:
    """Make both standard streams safe to write to, whatever the locale; stand in for closed ones; read
    the command line's words as UTF-8 when the locale could not (an ASCII locale)."""
    import codecs

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or _fd_closed(stream):
            setattr(sys, name, _Closed(name, keep=name == "stderr"))
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            ascii_only = codecs.lookup(stream.encoding or "ascii").name == "ascii"
        except LookupError:
            ascii_only = True
        try:  # the C locale means "no locale", not "no Chinese": UTF-8, as Python's own UTF-8 mode does
            reconfigure(errors="replace", **({"encoding": "utf-8"} if ascii_only else {}))
        except (ValueError, OSError, io.UnsupportedOperation):
            pass
    sys.argv = [_word(a) for a in sys.argv]


def _word(arg: str) -> str:
    """A command-line word that the locale could not decode (Python keeps its bytes as lone surrogates),
    read as UTF-8, else GBK; left as it is when neither fits."""
    if not any("\udc80" <= ch <= "\udcff" for ch in arg):
        return arg
    raw = arg.encode("utf-8", "surrogateescape")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return arg


def _fd_closed(stream: object) -> bool:
    try:
        os.fstat(stream.fileno())  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return not hasattr(stream, "getvalue")  # an in-memory stream (a test's) is open
    return False


def data(text: str | Iterable[str]) -> None:
    """Write data (JSON, CSV) to stdout: UTF-8 bytes to a file or pipe whatever the locale, the
    terminal's own encoding on a terminal. ``text``: the whole text, or its pieces in order, each written
    as it comes (``core.text.json_pieces``: a large year's JSON is never held whole). ``StreamClosed`` when stdout is
    closed."""
    out = sys.stdout
    if isinstance(out, _Closed):
        raise StreamClosed("stdout")
    buffer = getattr(out, "buffer", None)
    as_text = buffer is None or out.isatty() or (getattr(out, "encoding", "") or "").lower().replace("-", "") == "utf8"
    if not as_text:
        out.flush()
    for chunk in ([text] if isinstance(text, str) else text):
        if as_text:
            out.write(chunk)
        else:
            buffer.write(chunk.encode("utf-8"))
    if not as_text:
        buffer.flush()


def kept_diagnostics() -> str:
    """What was meant for a closed stderr (to be shown on stdout when the run fails)."""
    err = sys.stderr
    return "".join(err.kept) if isinstance(err, _Closed) else ""


def stdout_closed() -> bool:
    return isinstance(sys.stdout, _Closed)


def silence_stdout() -> None:
    """After a broken pipe: point fd 1 at the null device, so that the interpreter's last flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
