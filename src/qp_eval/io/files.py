"""Reading a small file (a rubric, an archive) safely: only a regular file, and never more than a limit.

A FIFO or device opened for reading waits forever or never ends (/dev/zero), and a sparse file can
claim gigabytes: the file is opened without blocking, checked to be a regular file, and read up to
its limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotRegularFile(ValueError):
    """A FIFO, device or socket where a file was expected."""


class TooLarge(ValueError):
    def __init__(self, size: int, limit: int):
        super().__init__(size)
        self.size, self.limit = size, limit


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path``; NotRegularFile, TooLarge, or the OSError of opening it
    (FileNotFoundError, IsADirectoryError, PermissionError ...)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(str(path))
        if st.st_size > limit:
            raise TooLarge(st.st_size, limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            raise TooLarge(size, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def holds_file(path: Path, written: Path) -> bool:
    """``holds`` for bytes in a file (one just written): whether ``path`` is a regular file of the same
    size and bytes, compared a megabyte at a time."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    with open(fd, "rb") as old:
        try:
            st = os.fstat(old.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size != os.stat(written).st_size:
                return False
            with open(written, "rb") as new:
                while True:
                    a, b = old.read(1 << 20), new.read(1 << 20)
                    if a != b:
                        return False
                    if not a:
                        return True
        except OSError:
            return False


def holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file with exactly ``data`` in it (read no further than that:
    a FIFO, a device or a larger file simply does not hold it)."""
    try:
        return read_regular(path, len(data)) == data
    except (OSError, ValueError):
        return False
