"""What ``-targets`` prints: JSON Lines (one ``-json`` document a target, on
one line, in the file's order, each written as soon as the targets before it
are done) or, with ``-brief``, one line a target in aligned columns, written
when the fleet is done: the target, the protocol, the suite, the days until
the server certificate expires, the verify result, and with ``-explain`` the
code of the first explanation (``report.explain``)."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sclient.app.fleet import Job
    from sclient.cli.optionsclass import Options

#: The -brief columns.
HEADER = ("TARGET", "PROTOCOL", "SUITE", "DAYS", "VERIFY", "EXPLAIN")


def _write(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]


class Output:
    def __init__(self, options: Options, jobs: list[Job]) -> None:
        self.brief = options.brief
        self.explain = options.explain
        self.next = 0
        self.closed = False

    def emit_ready(self, jobs: list[Job]) -> None:
        """Write the documents of the targets done, up to the first still running."""
        if self.brief or self.closed:
            return
        import json

        chunks = []
        while self.next < len(jobs) and (doc := jobs[self.next].doc) is not None:
            chunks.append(json.dumps(doc, separators=(",", ":")) + "\n")
            jobs[self.next].doc = _verdict_only(doc)
            self.next += 1
        if chunks:
            try:
                _write("".join(chunks).encode("utf-8"))
            except OSError:
                self.closed = True  # stdout is gone: the fleet still ends

    def close_with(self, jobs: list[Job]) -> None:
        if not self.brief:
            return
        rows = [brief_row(job.target, job.doc or {}, self.explain) for job in jobs]
        header = HEADER if self.explain else HEADER[:-1]
        table = [header, *rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        text = "".join(
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() + "\n"
            for r in table
        )
        with contextlib.suppress(OSError):
            _write(text.encode("utf-8", "surrogateescape"))


def _verdict_only(doc: dict[str, Any]) -> dict[str, Any]:
    """What is kept of a written document: what the exit status needs."""
    return {k: doc.get(k) for k in ("exit_status", "handshake_complete", "verification")}


def brief_row(target: str, doc: dict[str, Any], explain: bool) -> tuple[str, ...]:
    """One -brief line's cells."""
    cipher = doc.get("cipher") or {}
    chain = doc.get("certificate_chain") or []
    days = chain[0].get("days_until_expiry") if chain else None
    verification = doc.get("verification") or {}
    error = doc.get("error")
    if error is not None and not doc.get("handshake_complete"):
        verify = f"{error.get('stage', 'error')}: {_failure(error)}"
    elif verification.get("code") == 0:
        verify = "OK"
    elif verification.get("code") is not None:
        verify = f"{verification['code']} ({verification.get('text')})"
    else:
        verify = "-"
    cells = [
        target,
        doc.get("protocol") or "-",
        cipher.get("openssl") or cipher.get("iana") or "-",
        "-" if days is None else str(days),
        verify,
    ]
    if explain:
        found = doc.get("explanations") or []
        cells.append(",".join(e["code"] for e in found) if found else "-")
    return tuple(cells)


def _failure(error: dict[str, Any]) -> str:
    """What failed, in a few words: the limit that passed, the system's
    reason for a connect error (``Connection refused``), else the reason."""
    timeout = error.get("timeout")
    if timeout is not None:
        return f"timed out (-{timeout['limit']} {timeout['seconds']:g} s)"
    lines = error.get("lines") or []
    if error.get("stage") == "connect" and lines:
        parts = lines[0].split(":")
        if len(parts) > 5 and parts[1] == "error":
            return str(parts[5])
    return str(error.get("reason") or error.get("text") or "failed")
