"""``-expected_rpk FILE`` (sclient): the server raw public keys to trust.

s_client has no option for OpenSSL's ``SSL_add_expected_rpk``; this one does
what that function does for each ``PUBLIC KEY`` of the PEM file: it adds a
DANE-EE(3) SPKI(1) Full(0) TLSA record to the connection's DANE policy,
enabling DANE (without a base domain, so without name checks) when
``-dane_tlsa_domain`` did not. A key is then verified by
:mod:`sclient.x509.rpk`, and an X.509 server's certificate key must match a
record as with any DANE-EE record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.app.common import Exit

PROG = "s_client"

if TYPE_CHECKING:
    from sclient.app.console import Console
    from sclient.cli.optionsclass import Options
    from sclient.x509.dane import Dane

__all__ = ["add_expected_rpks", "read_public_keys"]


def read_public_keys(path: str) -> list[bytes]:
    """The DER SubjectPublicKeyInfo of every ``PUBLIC KEY`` block of ``path``
    (ValueError when there is none, or one does not parse; OSError when the
    file cannot be read)."""
    from sclient.base.pem import read_blocks
    from sclient.base.spki import light_public_key

    with open(path, "rb") as f:
        data = f.read()
    keys = [b.data for b in read_blocks(data) if b.name == "PUBLIC KEY"]
    if not keys:
        raise ValueError("no PUBLIC KEY block")
    for spki in keys:
        if light_public_key(spki) is None:
            from cryptography.hazmat.primitives.serialization import load_der_public_key

            load_der_public_key(spki)  # ValueError / UnsupportedAlgorithm
    return keys


def add_expected_rpks(o: Options, console: Console, dane: Dane | None) -> Dane:
    """The DANE policy with a record for each expected key (``-expected_rpk``)."""
    from cryptography.exceptions import UnsupportedAlgorithm

    from sclient.x509.dane import Dane, make_record

    policy = dane if dane is not None else Dane("")
    for path in o.expected_rpk:
        try:
            keys = read_public_keys(path)
        except OSError as e:
            console.err(f"{PROG}: Could not open file or uri for loading public key from {path}\n")
            console.err(f"{PROG}: {e.strerror or e}\n")
            raise Exit(1) from None
        except (ValueError, UnsupportedAlgorithm):
            console.err(f"{PROG}: Could not read public key from {path}\n")
            raise Exit(1) from None
        for spki in keys:
            policy = policy.add(make_record(3, 1, 0, spki))
    return policy
