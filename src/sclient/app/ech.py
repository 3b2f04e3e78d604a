"""Encrypted Client Hello options (OpenSSL 4.x's ``-ech_*``) -> the engine's
:class:`~sclient.tls.ech.EchSettings`, checked the way s_client checks them
before it connects: one line on stderr and exit status 1 for a value that
cannot be used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sclient.app.common import Exit

if TYPE_CHECKING:
    from sclient.app.console import Console
    from sclient.cli.optionsclass import Options
    from sclient.tls.ech import EchSettings

__all__ = ["ech_settings"]


def _alpn_list(text: str) -> tuple[bytes, ...]:
    return tuple(p.encode() for p in text.split(",") if p)


def ech_settings(o: Options, hi: int, console: Console) -> EchSettings:
    """The EchSettings of the command line, given an ECH option (the caller,
    ``build_settings``, looks for one, sparing a run without any this module)."""
    from sclient.tls import ech
    from sclient.tls.registry import protocol as P

    prog = "s_client"
    config_list: bytes | None = None
    if o.ech_config_list is not None:
        try:
            config_list = ech.parse_config_list_b64(o.ech_config_list)
        except ValueError as e:
            console.err(f"{prog}: Invalid -ech_config_list value: {e}\n")
            raise Exit(1) from None
    if config_list is not None and ech.choose_config(config_list) is None:
        console.err(
            f"{prog}: No usable ECHConfig in the ECHConfigList "
            "(sclient knows version 0xfe0d with DHKEM(X25519) or DHKEM(P-256))\n"
        )
        raise Exit(1)
    if config_list is None and not o.ech_grease:
        console.err(f"{prog}: ECH options need -ech_config_list or -ech_grease\n")
        raise Exit(1)
    if o.dtls or o.dtls1 or o.dtls1_2 or hi < P.TLS1_3:
        console.err(f"{prog}: ECH needs TLSv1.3\n")
        raise Exit(1)
    if o.early_data is not None and config_list is not None:
        console.err(f"{prog}: -early_data with ECH is not supported yet by sclient\n")
        raise Exit(1)
    outer_sni: str | None = o.ech_outer_sni
    if o.ech_no_outer_sni:
        outer_sni = ""
    outer_alpn = _alpn_list(o.ech_outer_alpn) if o.ech_outer_alpn is not None else None
    return ech.EchSettings(
        config_list=config_list,
        outer_sni=outer_sni,
        outer_alpn=outer_alpn,
        grease=o.ech_grease and config_list is None,
    )
