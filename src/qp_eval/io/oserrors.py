"""System errors as the office reads them: the reason in Chinese (never errno text), and the one place
where a failed write becomes a ``WriteFailure`` naming the file we meant to write."""

from __future__ import annotations

import contextlib
import errno as _errno
from collections.abc import Iterator

from ..core.errors import QpError

# errno -> what it means for the office, in Chinese
_WRITE_REASONS = {
    "EACCES": "没有写入权限（文件可能正在 Excel/WPS 中打开，或该目录不允许写入）",
    "EPERM": "没有写入权限（文件可能正在 Excel/WPS 中打开，或该目录不允许写入）",
    "EROFS": "所在位置是只读的（例如只读的 U 盘或共享目录）",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "磁盘配额已用完",
    "ENAMETOOLONG": "文件名或路径过长",
    "ENOTDIR": "路径中有一段不是目录",
    "EISDIR": "同名的目录已存在",
    "ENOENT": "所在目录不存在或已被移走",
    "EEXIST": "同名文件已存在",
    "EIO": "磁盘读写出错",
}


class WriteFailure(QpError):
    """An output that could not be written: the file we meant to write (never our temporary file)
    and the reason in Chinese. Earlier outputs are intact: nothing replaces a file until it is whole."""

    def __init__(self, target: object, error: BaseException, done: list | None = None):
        super().__init__(str(target))
        self.target = str(target)
        self.error = error
        self.done = [str(x) for x in done or []]  # files of the same run already in place

    @property
    def reason(self) -> str:
        e = os_error_in(self.error)
        return os_reason(e) if e is not None else "写入时出错"

    def __str__(self) -> str:
        text = f"无法写入 {self.target}：{self.reason}。"
        if not self.done:
            return text + "已有的文件没有改动。"
        return (text + "此前已写好并换上的（其余文件没有改动）：\n"
                + "\n".join(f"  {x}" for x in self.done))


def os_reason(e: OSError, writing: bool = True) -> str:
    """What a system error means for the office, in Chinese (never errno text); ``writing``: the
    file was being written (else it may have been read: no permission, not no permission to write)."""
    name = _errno.errorcode.get(e.errno or 0, "")
    if not writing and name in ("EACCES", "EPERM"):
        return "没有访问权限"
    return _WRITE_REASONS.get(name, f"系统错误 {name or e.errno}")


def os_error_in(error: BaseException) -> OSError | None:
    """The OSError behind ``error`` (itself, or the one a library wrapped: xlsxwriter's FileCreateError), if any."""
    e: BaseException = error
    for _ in range(3):
        if isinstance(e, OSError):
            return e
        if not (e.args and isinstance(e.args[0], BaseException)):
            return None
        e = e.args[0]
    return None


@contextlib.contextmanager
def writing_to(target: object) -> Iterator[None]:
    """A system error inside the block (raised by us or wrapped by a library) becomes a ``WriteFailure``
    naming ``target``; every other exception passes as it is."""
    try:
        yield
    except WriteFailure:
        raise
    except Exception as e:
        if os_error_in(e) is None:
            raise
        raise WriteFailure(target, e) from None
