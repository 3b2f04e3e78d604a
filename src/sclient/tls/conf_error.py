"""The error an SSL_CONF command raises, carrying what ``openssl s_client`` prints.

``openssl s_client`` applies ``-cipher``, ``-ciphersuites``, ``-groups`` ... with
``SSL_CONF_cmd``; when one fails it prints ``Call to SSL_CONF_cmd(<option>,
<value>) failed`` followed by OpenSSL's error queue (``ERR_print_errors``) on
stderr and exits 1.  :class:`ConfError` holds those lines; the thread id that
starts each error-queue line is left as the placeholder ``{tid}``.
"""

from __future__ import annotations

#: Placeholder for the thread id at the start of an error-queue line.
TID = "{tid}"


def queue_line(code: int, func: str, reason: str, file: str, line: int, data: str = "") -> str:
    """One ``ERR_print_errors`` line of the SSL library (``ERR_LIB_SSL``)."""
    return f"{TID}:error:{code:08X}:SSL routines:{func}:{reason}:{file}:{line}:{data}"


class ConfError(Exception):
    """An SSL_CONF command that OpenSSL 3.0.19 rejects.

    ``lines`` is everything s_client prints to stderr, in order: the
    ``Call to SSL_CONF_cmd(...) failed`` line, then the error-queue lines (none
    for commands that fail without queueing an error, e.g. a bad ``-sigalgs``).
    """

    option: str
    value: str
    lines: list[str]

    def __init__(self, option: str, value: str, queue: list[str] | None = None) -> None:
        self.option = option if option.startswith("-") else "-" + option
        self.value = value
        self.lines = [f"Call to SSL_CONF_cmd({self.option}, {value}) failed", *(queue or [])]
        super().__init__("\n".join(self.lines))

    def render(self, tid: str) -> str:
        """The stderr text, one ``\\n``-terminated line each, with ``tid`` filled in."""
        return "".join(line.replace(TID, tid) + "\n" for line in self.lines)
