"""One entry of OpenSSL's error queue, the way every layer reports a failure.

The engine, the verifier, the credential loaders and the program all queue
:class:`ErrorEntry` rows; the text renderer prints them as ``ERR_print_errors``
does and ``-json`` lists them.
"""

from __future__ import annotations

from sclient.base.structs import Struct

__all__ = ["ErrorEntry"]


class ErrorEntry(Struct, frozen=True, slots=True):
    """One entry of OpenSSL's error queue (the engine's, the verifier's, the
    program's), printed by ``ERR_print_errors`` as :meth:`line_text`."""

    code: int
    library: str
    func: str
    reason: str
    file: str
    line: int
    data: str = ""

    def line_text(self, tid: str) -> str:
        """``<tid>:error:<code>:<library>:<func>:<reason>:<file>:<line>:<data>``."""
        return (
            f"{tid}:error:{self.code:08X}:{self.library}:{self.func}:{self.reason}:"
            f"{self.file}:{self.line}:{self.data}"
        )
