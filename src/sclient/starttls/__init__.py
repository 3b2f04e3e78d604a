"""STARTTLS: the plaintext exchanges ``-starttls`` runs before the TLS handshake,
one sans-I/O dialogue per protocol (starttls.md). See :mod:`.steps` for the
vocabulary and :mod:`.registry` for the keywords."""

from sclient.starttls.registry import PROTOCOLS, dialogue

__all__ = ["PROTOCOLS", "dialogue"]
