"""``-rand`` and ``-writerand``: OpenSSL's seed files (``app_RAND_load``,
``app_RAND_write``, ``RAND_load_file``, ``RAND_write_file``).

sclient's randomness comes from the operating system whatever these files
hold: ``-rand`` files are read (and their errors reported) as OpenSSL reads
them, ``-writerand`` writes fresh random bytes where OpenSSL would.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence

__all__ = ["load_rand_files", "write_rand_file"]

#: RAND_DRBG_STRENGTH: what RAND_load_file reads of a file that is not regular.
_NON_REGULAR_BYTES = 256
#: RAND_BUF_SIZE: what RAND_write_file writes.
_WRITE_BYTES = 1024
_LIB = "random number generator"
_FILE = "../crypto/rand/randfile.c"
_CANNOT_OPEN = 0x12000079
_NOT_REGULAR = 0x1200007A


def _error(code: int, func: str, reason: str, line: int, path: str) -> str:
    from sclient.report.errors import thread_id

    return f"{thread_id()}:error:{code:08X}:{_LIB}:{func}:{reason}:{_FILE}:{line}:Filename={path}\n"


def _load_one(path: str) -> bool:
    """RAND_load_file(path, -1) >= 0: the file opens (its bytes are read, unused)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except (OSError, ValueError):
        return False
    try:
        st = os.fstat(fd)
        want = st.st_size if stat.S_ISREG(st.st_mode) else _NON_REGULAR_BYTES
        with contextlib.suppress(OSError):  # fread errors end the read, not the load
            while want > 0:
                chunk = os.read(fd, min(want, 1 << 16))
                if not chunk:
                    break
                want -= len(chunk)
    finally:
        os.close(fd)
    return True


def load_rand_files(values: Sequence[str]) -> str:
    """Each ``-rand`` value, a ``:``-separated list of files (a trailing ``:``
    ends the list), loaded in order; returns what OpenSSL prints for the files
    that cannot be opened (empty: all loaded; else s_client stops, status 1)."""
    out: list[str] = []
    for value in values:
        names = value.split(":")
        if len(names) > 1 and names[-1] == "":
            names.pop()
        for name in names:
            if not _load_one(name):
                out.append(f"Can't load {name} into RNG\n")
                out.append(_error(_CANNOT_OPEN, "RAND_load_file", "Cannot open file", 106, name))
    return "".join(out)


def write_rand_file(path: str) -> str:
    """``-writerand``: 1024 random bytes written over the start of ``path``
    (created owner-only; a longer file keeps its tail, as OpenSSL opens it
    without truncating); returns OpenSSL's message if that fails."""
    head = "Cannot write random bytes:\n"
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        pass
    else:
        if not stat.S_ISREG(st.st_mode):
            return head + _error(_NOT_REGULAR, "RAND_write_file", "Not a regular file", 194, path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    except (OSError, ValueError):
        return head + _error(_CANNOT_OPEN, "RAND_write_file", "Cannot open file", 251, path)
    try:
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
        os.write(fd, os.urandom(_WRITE_BYTES))
    except OSError:
        pass
    finally:
        os.close(fd)
    return ""
