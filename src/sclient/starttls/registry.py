"""Keyword -> dialogue: the ``-starttls`` values, in OpenSSL's order (the order
of its ``Value must be one of:`` list). The command-line table reads
:data:`PROTOCOLS`; dialogue modules are imported only when one is used."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # the dialogues' machinery is imported with the first dialogue
    from sclient.starttls.steps import Context, Dialogue

#: keyword -> (module, function) under ``sclient.starttls``
_TABLE: dict[str, tuple[str, str]] = {
    "smtp": ("smtp", "smtp"),
    "pop3": ("pop3", "pop3"),
    "imap": ("imap", "imap"),
    "ftp": ("ftp", "ftp"),
    "xmpp": ("xmpp", "xmpp"),
    "xmpp-server": ("xmpp", "xmpp_server"),
    "telnet": ("telnet", "telnet"),
    "irc": ("irc", "irc"),
    "mysql": ("mysql", "mysql"),
    "postgres": ("postgres", "postgres"),
    "lmtp": ("smtp", "lmtp"),
    "nntp": ("nntp", "nntp"),
    "sieve": ("sieve", "sieve"),
    "ldap": ("ldap", "ldap"),
}

PROTOCOLS: tuple[str, ...] = tuple(_TABLE)

DialogueFactory: TypeAlias = "Callable[[Context], Dialogue]"


def dialogue(keyword: str) -> DialogueFactory:
    """The dialogue for ``keyword``; KeyError for an unknown keyword."""
    module, name = _TABLE[keyword]
    factory: DialogueFactory = getattr(importlib.import_module(f"sclient.starttls.{module}"), name)
    return factory
