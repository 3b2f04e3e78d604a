"""One client connection with application data both ways, against any peer."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Sequence
from typing import Protocol

from support.peers import HOST, client_line
from support.procs import CLIENT_TIMEOUT, Result, start_sclient

_counter = itertools.count(1)


class Peer(Protocol):
    port: int

    def expect_client_line(self, token: str, timeout: float = ...) -> bool: ...

    def reply(self, token: str) -> bytes: ...


def new_token(label: str = "t") -> str:
    return f"{label}-{os.getpid()}-{next(_counter)}"


def exchange(
    peer: Peer,
    args: Sequence[str] = (),
    *,
    port: int | None = None,
    token: str | None = None,
    timeout: float = CLIENT_TIMEOUT,
    target: str | None = None,
) -> Result:
    """Connect sclient to ``peer``, send a line, have the peer answer, then EOF.

    Fails (AssertionError with the client's output so far) when the server does
    not see the client's line or the client does not print the server's answer.
    ``port`` overrides ``peer.port`` (to go through a relay); ``target`` replaces
    the whole ``-connect`` value.
    """
    token = token or new_token()
    target = target or f"{HOST}:{port or peer.port}"
    with start_sclient(["-connect", target, *args]) as proc:
        with contextlib.suppress(BrokenPipeError):
            proc.write(client_line(token))

        def fail(what: str) -> AssertionError:
            proc.kill()
            return AssertionError(
                f"{what}\n--- client stdout ---\n{proc.out.data.decode(errors='replace')}"
                f"\n--- client stderr ---\n{proc.err.data.decode(errors='replace')}"
            )

        deadline = time.monotonic() + timeout
        while not peer.expect_client_line(token, 0.05):
            if not proc.running():
                # give the peer a last chance, then report the client's exit
                if peer.expect_client_line(token, 0.5):
                    break
                raise fail(
                    f"client exited (status {proc.p.returncode}) before the server "
                    f"received {client_line(token)!r}"
                )
            if time.monotonic() > deadline:
                raise fail(f"server did not receive {client_line(token)!r} within {timeout}s")
        expected = peer.reply(token)
        if not proc.wait_stdout(expected.rstrip(b"\n"), timeout):
            raise fail(f"client did not print the server's {expected!r} within {timeout}s")
        return proc.finish(timeout)
