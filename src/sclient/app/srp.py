"""SRP (RFC 5054) for the ClientConfig: ``-srpuser``, ``-srppass``,
``-srp_lateuser``, ``-srp_moregroups``, ``-srp_strength``, as s_client 3.0
sets them up (``set_up_srp_arg`` in apps/lib/tlssrp_depr.c)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from sclient.app.common import Exit
from sclient.tls.config import SrpLogin

if TYPE_CHECKING:
    from sclient.app.console import Console
    from sclient.cli.optionsclass import Options

#: s_client's default smallest N (``srp_arg.strength``).
DEFAULT_STRENGTH = 1024


def srp_password_source(o: Options, console: Console) -> str | None:
    """``-srppass``, as read when the files are loaded (``app_passwd``): None
    when not given; a bad source ends the program as OpenSSL does."""
    if o.srp_password_error is not None:
        console.err(o.srp_password_error + "Error getting password\n")
        raise Exit(1)
    return o.srp_password


def _password(given: str | None) -> Callable[[], bytes]:
    """The password callback: ``-srppass``'s password, or (none, or an empty
    one) ``Enter pass phrase for SRP user:`` on the terminal, asked once; no
    answer is the empty password, as OpenSSL's callback then gives."""
    answer: list[bytes] = []

    def password() -> bytes:
        if not answer:
            if given:
                answer.append(os.fsencode(given))
            else:
                from sclient.app.credentials import console_prompt

                typed = console_prompt("SRP user")
                answer.append(os.fsencode(typed) if typed is not None else b"")
        return answer[0]

    return password


def srp_login(o: Options, console: Console, password: str | None) -> SrpLogin:
    """The SRP settings of ``-srpuser`` (``Unable to set SRP username`` for a
    name of no or more than 255 bytes, unless ``-srp_lateuser`` keeps it out
    of the ClientHello)."""
    assert o.srpuser is not None
    user = os.fsencode(o.srpuser)
    if not o.srp_lateuser and not 1 <= len(user) <= 255:
        console.err("Unable to set SRP username\n")
        raise Exit(1)
    strength = o.srp_strength if o.srp_strength is not None else DEFAULT_STRENGTH
    return SrpLogin(
        user=None if o.srp_lateuser else user,
        password=_password(password),
        strength=strength,
        more_groups=o.srp_moregroups,
        # s_client sets its parameter callback unless -srp_moregroups is given
        # without -msg or -debug; without it only RFC 5054's groups pass.
        verify_callback=o.msg or o.debug or not o.srp_moregroups,
        show=o.msg or o.debug or o.srp_moregroups,
        debug=o.debug,
    )
