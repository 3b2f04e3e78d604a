"""Files that hold secrets: ``-keylogfile`` (traffic secrets) and ``-sess_out``
(the session's master secret).

Whoever reads one of them can decrypt the recorded traffic, so a file sclient
creates is readable by its owner only: mode 0600 from the moment it exists
(``os.open`` with the mode, never a ``chmod`` afterwards, which would leave a
window in which the file is readable by all). ``openssl s_client`` creates
them with the umask, usually 0644; docs/compatibility.md lists the deviation.
A file that already exists keeps its mode, as with OpenSSL.
"""

from __future__ import annotations

import os
from typing import IO

__all__ = ["SECRET_FILE_MODE", "open_secret_file"]

SECRET_FILE_MODE = 0o600


def open_secret_file(path: str, append: bool) -> IO[bytes]:
    """Open ``path`` for writing in binary mode, creating it with mode 0600:
    appended to (``-keylogfile``, fopen ``"a"``) or truncated (``-sess_out``,
    fopen ``"w"``). Raises OSError as ``open`` does."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    flags |= getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, SECRET_FILE_MODE)
    try:
        return os.fdopen(fd, "ab" if append else "wb")
    except BaseException:
        os.close(fd)
        raise
