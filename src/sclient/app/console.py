"""s_client's two output channels (output.md §1).

``out`` is the buffered stdout channel (``bio_c_out``): a null sink under
``-quiet``/``-brief`` unless ``-debug``; flushed at the points OpenSSL flushes.
``err`` is unbuffered stderr. ``data`` writes application data raw to fd 1,
after flushing the channel so the logical order is kept.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import IO


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


class Console:
    def __init__(self, quiet: bool = False, keep_data: bool = True) -> None:
        self.quiet = quiet
        #: False under -json: application data is counted, not written to stdout.
        self.keep_data = keep_data
        self.data_received = 0  # bytes of application data handed to data()
        #: Every stderr text, in order (-json reports a failure's message from it).
        self.err_log: list[str] = []
        self._buf: list[bytes] = []

    def out(self, text: str) -> None:
        """Text for stdout, written at once (line-buffered, as on a terminal):
        every caller passes whole lines or whole blocks."""
        if not self.quiet and text:
            self._buf.append(text.encode("utf-8", "surrogateescape"))
            self.flush()

    def msg_channel(self, file: IO[str] | None = None) -> MessageChannel:
        """``bio_c_msg``: where ``-msg``/``-trace`` write. The ``-msgfile``
        ``file`` if given; else stdout, also under ``-quiet``/``-brief``
        (OpenSSL then gives them a stdout of their own); in ``-json`` mode,
        whose stdout is the document, stderr."""
        return MessageChannel(self, file)

    def flush(self) -> None:
        if self._buf:
            data = b"".join(self._buf)
            self._buf.clear()
            with contextlib.suppress(OSError):
                _write_all(1, data)

    def err(self, text: str) -> None:
        """Unbuffered stderr; pending stdout text goes first (logical order)."""
        if text:
            self.err_log.append(text)
            self.flush()
            try:
                sys.stderr.flush()
                _write_all(2, text.encode("utf-8", "surrogateescape"))
            except OSError:
                pass

    def err_bytes(self, data: bytes) -> None:
        """Bytes a peer sent, for stderr as they came (``surrogateescape``)."""
        self.err(data.decode("utf-8", "surrogateescape"))

    def data(self, data: bytes | memoryview) -> bool:
        """Application data to fd 1; False when stdout is gone."""
        self.data_received += len(data)
        if not self.keep_data:
            return True
        self.flush()
        try:
            _write_all(1, data)
        except OSError:
            return False
        return True


class MessageChannel:
    """The tracing renderers' sink (see :meth:`Console.msg_channel`)."""

    def __init__(self, console: Console, file: IO[str] | None = None) -> None:
        self.console = console
        self.file = file
        #: errno of each failed flush of the file (-msg flushes after a message)
        self.failed_flushes: list[int] = []

    def out(self, text: str) -> None:
        if not text:
            return
        c = self.console
        if self.file is not None:
            with contextlib.suppress(OSError):  # as BIO_printf: a full disk is not fatal
                self.file.write(text)
                self.file.flush()
        elif not c.keep_data:  # -json: not on stdout, and not in the stderr log
            c.flush()
            with contextlib.suppress(OSError):
                sys.stderr.write(text)
                sys.stderr.flush()
        else:
            c._buf.append(text.encode("utf-8", "surrogateescape"))
            c.flush()

    def flush(self) -> None:
        """``BIO_flush``: -msg's after each message. A file that cannot be
        written keeps what it failed to write, and the failure is counted."""
        if self.file is None:
            self.console.flush()
            return
        try:
            self.file.flush()
        except OSError as exc:
            self.failed_flushes.append(exc.errno or 0)
