"""STARTTLS (level 3): the plaintext exchanges ``-starttls`` runs before the TLS
handshake, one sans-I/O dialogue per protocol (starttls.md). See :mod:`.steps`
for the vocabulary and :mod:`.registry` for the keywords.

A dialogue is a generator that yields steps (send, read a line, wait) and
ends in an ``Outcome``; it never touches a socket (``app`` performs the
steps). May import ``base`` (and ``tls``); a new protocol is one module here
plus one row in :mod:`.registry`."""

from sclient.starttls.registry import PROTOCOLS, dialogue

__all__ = ["PROTOCOLS", "dialogue"]
