"""sclient's network additions on the command line: ``-connect_timeout`` and
``-max_time`` (seconds, decimals allowed, as curl's ``--connect-timeout`` and
``--max-time``), ``-proxy socks5://…``/``socks5h://…`` and ``-proxy_env``
(the proxy from ``https_proxy``/``all_proxy`` unless ``no_proxy`` names the
host, as curl reads them), and ``-version``."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sclient.cli.optionsclass import Options

#: The SOCKS port when a socks5:// URL names none (curl's default, RFC 1928's).
SOCKS_PORT = "1080"
SOCKS_SCHEMES = ("socks5", "socks5h")


class NetOptError(ValueError):
    """A bad value: ``text`` is the stderr line; ``usage``: add the usage line."""

    def __init__(self, text: str, usage: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.usage = usage


def seconds(name: str, value: str) -> float:
    """A count of seconds: a positive decimal number (``1``, ``2.5``, ``.25``)."""
    try:
        s = float(value) if value.strip() == value and value else math.nan
    except ValueError:
        s = math.nan
    if not math.isfinite(s) or value.lower().startswith(("0x", "+0x", "-0x")):
        raise NetOptError(
            f'Can\'t parse "{value}" as a number of seconds for option {name}\n', True
        )
    if s <= 0:
        raise NetOptError(f'Non-positive number "{value}" for option {name}\n', True)
    return s


def proxy_scheme(value: str) -> tuple[str, str]:
    """``(scheme, rest)``: ``socks5``/``socks5h`` and what follows ``://``, or
    ``("http", value)`` for OpenSSL's plain ``host:port``."""
    head, sep, rest = value.partition("://")
    if sep and head.lower() in SOCKS_SCHEMES:
        return head.lower(), rest
    return "http", value


def split_userinfo(rest: str) -> tuple[str | None, str | None, str]:
    """``user:pass@host:port`` -> (user, password, ``host:port``), percent-decoded
    as curl decodes them; a trailing ``/`` is dropped."""
    from urllib.parse import unquote

    rest = rest.rstrip("/")
    user = password = None
    if "@" in rest:
        info, rest = rest.rsplit("@", 1)
        name, colon, secret = info.partition(":")
        user = unquote(name)
        password = unquote(secret) if colon else None
    return user, password, rest


def no_proxy_matches(host: str | None, no_proxy: str) -> bool:
    """Whether ``no_proxy`` (curl's rules: comma-separated names, ``*`` for
    all; a name matches itself and its subdomains, a leading dot is ignored;
    addresses match exactly) exempts ``host``."""
    if host is None:
        return True  # loopback: nothing to proxy
    h = host.strip("[]").lower().rstrip(".")
    for entry in no_proxy.split(","):
        e = entry.strip().lower().strip("[]").rstrip(".").lstrip(".")
        if not e:
            continue
        if e == "*" or h == e or h.endswith("." + e):
            return True
    return False


def _env(environ: Mapping[str, str], name: str) -> tuple[str, str] | None:
    for key in (name, name.upper()):
        value = environ.get(key)
        if value:
            return key, value
    return None


def proxy_from_env(
    host: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str, str] | None:
    """``(variable, value)`` of the proxy the environment gives for ``host``, or None."""
    if host is None:
        return None  # no host: loopback, never proxied
    env = os.environ if environ is None else environ
    exempt = _env(env, "no_proxy")
    if exempt is not None and no_proxy_matches(host, exempt[1]):
        return None
    found = _env(env, "https_proxy") or _env(env, "all_proxy")
    if found is None:
        return None
    var, value = found
    head, sep, rest = value.partition("://")
    if sep and head.lower() == "http":
        value = rest.rstrip("/")
    elif sep and head.lower() not in SOCKS_SCHEMES:
        raise NetOptError(f"{var}: {head}:// proxies are not supported (http, socks5, socks5h)\n")
    return var, value


def resolve(o: Options) -> str | None:
    """Fill the resolved fields of the network additions; the proxy value to
    parse as OpenSSL parses ``-proxy`` (``host:port``), or None for none.
    Raises :class:`NetOptError`."""
    if o.connect_timeout is not None:
        o.connect_timeout_s = seconds("-connect_timeout", o.connect_timeout)
    if o.max_time is not None:
        o.max_time_s = seconds("-max_time", o.max_time)
    value = o.proxy
    if value is None and o.proxy_env and o.unix is None:
        found = proxy_from_env(o.host)
        if found is None:
            return None
        o.proxy_source, value = found
        o.proxy = value
    if value is None:
        return None
    o.proxy_scheme, rest = proxy_scheme(value)
    if o.proxy_scheme == "http":
        if o.proxy_source != "-proxy" and "@" in rest:
            # http://user:password@host:port in the variable: as -proxy_user/-proxy_pass.
            user, password, rest = split_userinfo(rest)
            if o.proxy_user is None:
                o.proxy_user, o.proxy_password = user, password
        return rest
    o.proxy_url_user, o.proxy_url_password, rest = split_userinfo(rest)
    user, password = o.proxy_url_user or "", o.proxy_url_password or ""
    if len(user.encode()) > 255 or len(password.encode()) > 255:
        raise NetOptError(
            f"{o.proxy_source}: SOCKS5 user name and password are 255 bytes at most\n"
        )
    if not rest:
        raise NetOptError(f"{o.proxy_source} argument malformed or ambiguous\n")
    return rest


def version_text() -> str:
    """``-version``: one line each, name then version, the way ``openssl
    version`` and ``curl --version`` start theirs."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    import cryptography
    from cryptography.hazmat.bindings._rust import openssl as rust_openssl

    try:
        __version__ = version("sclient")
    except PackageNotFoundError:  # run from a source tree that was never installed
        __version__ = "(not installed)"
    return (
        f"sclient {__version__}\n"
        f"Python {platform.python_version()}\n"
        f"cryptography {cryptography.__version__}\n"
        f"{rust_openssl.openssl_version_text()} (cryptography's)\n"
    )
