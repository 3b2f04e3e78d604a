"""OpenSSL's library options as s_client handles them while parsing:
``-provider-path``, ``-provider``, ``-engine`` and ``-ssl_client_engine``.

OpenSSL loads a provider or an engine the moment its option is read (an
error ends s_client there, before the options after it are looked at).
sclient cannot load native OpenSSL modules; it models what they mean for a
TLS client:

* providers are sets of algorithms.  ``default``, ``base`` and ``null`` are
  built into libcrypto; ``legacy`` is a module, ``legacy.so``, found in the
  module directory (``-provider-path``, else ``$OPENSSL_MODULES``, else the
  build's own).  A name whose module file does not exist fails with OpenSSL's
  error queue; a module file sclient has no model of (``fips.so``, a third
  party provider) is refused in one line.
* engines: ``dynamic`` (built in) does nothing by itself and ``auto``
  registers the built-in engines, which is nothing more here; an identifier
  with no engine file fails exactly as OpenSSL's lookup fails; an engine file
  that exists is native code that sclient refuses to pretend to run.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sclient.base.errorqueue import ErrorEntry

__all__ = [
    "BUILTIN_PROVIDERS",
    "ENGINESDIR",
    "MODELLED_MODULES",
    "MODULESDIR",
    "LibraryError",
    "load_provider",
    "setup_engine",
]

#: The directories compiled into the OpenSSL 3.0.19 build sclient reproduces
#: (``openssl version -m``, ``ENGINESDIR`` of ``openssl version -e``).
MODULESDIR = "/usr/lib/x86_64-linux-gnu/ossl-modules"
ENGINESDIR = "/usr/lib/x86_64-linux-gnu/engines-3"

#: Providers built into libcrypto: loading them never touches the disk.
BUILTIN_PROVIDERS = ("default", "base", "null")
#: Provider modules sclient models when their file is present.
MODELLED_MODULES = ("legacy",)

_PROG = "s_client"
_DSO_LIB = "DSO support routines"
_DSO_DLFCN = "../crypto/dso/dso_dlfcn.c"
_DSO_LIB_C = "../crypto/dso/dso_lib.c"
_ENGINE_LIB = "engine routines"
_E_DSO_CANNOT_LOAD = 0x12800067
_E_ENGINE_DSO_NOT_FOUND = 0x13000084
_E_ENGINE_NO_SUCH = 0x13000074
_E_PROVIDER_INIT = 0x07880025


class LibraryError(Exception):
    """What OpenSSL prints when loading fails (``text``, ``{tid}`` not yet
    filled in: :meth:`render`)."""

    def __init__(self, text: str, entries: list[ErrorEntry] | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.entries = list(entries or ())

    def render(self) -> str:
        from sclient.report.errors import thread_id

        tid = thread_id()
        return self.text + "".join(e.line_text(tid) + "\n" for e in self.entries)


def _dso_filename(name: str, lib_prefix: bool) -> str:
    """The DSO name converter: a name without ``/`` becomes ``NAME.so`` (or
    ``libNAME.so``); a name with one is a path, kept as it is."""
    if "/" in name:
        return name
    return f"lib{name}.so" if lib_prefix else f"{name}.so"


def _dso_merge(filename: str, directory: str) -> str:
    """The DSO merger: an absolute file name stands alone, any other is
    placed in ``directory`` (one trailing ``/`` of it dropped)."""
    if filename.startswith("/"):
        return filename
    return directory.removesuffix("/") + "/" + filename


def _dso_failure(path: str) -> list[ErrorEntry]:
    """The two entries of a ``dlopen`` that finds no file at ``path``."""
    from sclient.base.errorqueue import ErrorEntry

    return [
        ErrorEntry(
            _E_DSO_CANNOT_LOAD,
            _DSO_LIB,
            "dlfcn_load",
            "could not load the shared library",
            _DSO_DLFCN,
            115,
            f"filename({path}): {path}: cannot open shared object file: No such file or directory",
        ),
        ErrorEntry(
            _E_DSO_CANNOT_LOAD,
            _DSO_LIB,
            "DSO_load",
            "could not load the shared library",
            _DSO_LIB_C,
            152,
        ),
    ]


def _module_dir(search_path: str | None) -> str:
    if search_path:  # an empty -provider-path leaves the default
        return search_path
    return os.environ.get("OPENSSL_MODULES") or MODULESDIR


def load_provider(name: str, search_path: str | None) -> str:
    """``-provider NAME`` (``OSSL_PROVIDER_load``): the name of the provider
    now active, or :class:`LibraryError`.  ``search_path``: the last
    ``-provider-path`` given before this option."""
    if name in BUILTIN_PROVIDERS:
        return name
    module = _dso_merge(_dso_filename(name, False), _module_dir(search_path))
    if os.path.exists(module):
        if name in MODELLED_MODULES:
            return name
        raise LibraryError(
            f"{_PROG}: unable to load provider {name}: sclient does not load OpenSSL "
            f"provider modules ({module})\n"
        )
    from sclient.base.errorqueue import ErrorEntry

    raise LibraryError(
        f"{_PROG}: unable to load provider {name}\n"
        "Hint: use -provider-path option or OPENSSL_MODULES environment variable.\n",
        [
            *_dso_failure(module),
            ErrorEntry(
                _E_PROVIDER_INIT,
                "common libcrypto routines",
                "provider_init",
                "reason(524325)",
                "../crypto/provider_core.c",
                923,
                f"name={name}",
            ),
        ],
    )


def _dso_not_found() -> ErrorEntry:
    from sclient.base.errorqueue import ErrorEntry

    return ErrorEntry(
        _E_ENGINE_DSO_NOT_FOUND,
        _ENGINE_LIB,
        "dynamic_load",
        "dso not found",
        "../crypto/engine/eng_dyn.c",
        433,
    )


def setup_engine(engine_id: str) -> tuple[str, bool]:
    """``setup_engine()`` of OpenSSL's apps for ``-engine ID`` and
    ``-ssl_client_engine ID``: (what it prints, whether an engine was set).

    Raises :class:`LibraryError` for an engine file that exists: native code
    sclient does not run."""
    if engine_id == "auto":
        return "Enabling auto ENGINE support\n", False
    if engine_id == "dynamic":
        return f'Engine "{engine_id}" set.\n', True
    from sclient.base.errorqueue import ErrorEntry

    no_such = ErrorEntry(
        _E_ENGINE_NO_SUCH,
        _ENGINE_LIB,
        "ENGINE_by_id",
        "no such engine",
        "../crypto/engine/eng_list.c",
        428,
        f"id={engine_id}",
    )
    if not engine_id:  # the dynamic engine refuses an empty id or path: no file tried
        return LibraryError('Invalid engine ""\n', [no_such]).render(), False
    engines_dir = os.environ.get("OPENSSL_ENGINES") or ENGINESDIR
    # ENGINE_by_id: the engine directory, the file named after the id.
    first = _dso_merge(_dso_filename(engine_id, False), engines_dir)
    if os.path.exists(first):
        raise LibraryError(
            f'{_PROG}: Cannot use engine "{engine_id}": sclient does not load OpenSSL '
            f"engines ({first})\n"
        )
    # Then the apps' fallback: the dynamic engine with the id as its SO_PATH,
    # a bare name searched by the dynamic linker as libID.so.
    second = _dso_filename(engine_id, True)
    if "/" in second and os.path.exists(second):
        raise LibraryError(
            f'{_PROG}: Cannot use engine "{engine_id}": sclient does not load OpenSSL '
            f"engines ({second})\n"
        )
    entries = [
        *_dso_failure(first),
        _dso_not_found(),
        no_such,
        *_dso_failure(second),
        _dso_not_found(),
    ]
    text = LibraryError(f'Invalid engine "{engine_id}"\n', entries).render()
    return text, False
