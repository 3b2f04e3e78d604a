"""OpenSSL's CONF file language (``NCONF_load`` with the default method), the
one reader for every configuration file sclient reads: the OpenSSL
configuration file (``-ssl_config``) and the CT log list (``-ctlogfile``).

What it understands, as OpenSSL 3.0's ``conf_def.c`` does:

* ``[ section ]`` headers; lines before the first belong to ``default``;
* ``name = value``, and ``section::name = value`` to set a value elsewhere;
* ``#`` comments (not inside quotes or after a backslash);
* a backslash at the end of a line continues it on the next;
* in values, ``"..."``, ``'...'`` and backquoted strings kept verbatim, and
  the escapes ``\\n \\r \\t \\b`` (any other escaped character stands for itself);
* ``$name``, ``${name}``, ``$(name)``, ``$section::name`` expansion from the
  current section, then ``default``; the ``ENV`` section reads the environment;
* ``.include [=] path`` (a file, or every ``*.cnf``/``*.conf`` of a directory in its listing order;
  relative to ``OPENSSL_CONF_INCLUDE`` or ``.pragma includedir``; a missing
  include is skipped) and ``.pragma [=] dollarid:on|abspath:on|includedir:DIR``.

A section is an ordered list of (name, value); a name given again in the same
section replaces the value and moves to the end, as ``_CONF_add_string`` does.
A syntax error raises :class:`ConfSyntaxError` (OpenSSL fails the whole load).
"""

from __future__ import annotations

import os
import stat

__all__ = ["DEFAULT_SECTION", "ConfFile", "ConfSyntaxError", "load_conf", "parse_conf"]

DEFAULT_SECTION = "default"

_WS = " \t\r\n"
_PUNCT = "!.%&*+,/;?@^~|-"
_QUOTES = "\"'`"
#: ``MAX_CONF_VALUE_LENGTH``
_MAX_VALUE = 65536


class ConfSyntaxError(Exception):
    """The file is not valid CONF; ``reason`` is OpenSSL's reason text and
    ``line`` the line number OpenSSL reports."""

    def __init__(self, reason: str, line: int) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"{reason} (line {line})")


#: What ``_alnum`` accepts: ASCII letters and digits, and ``_``.
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
#: A name's characters (``eat_alpha_numeric``): those, and the punctuation.
_NAME_CHARS = _ALNUM | frozenset(_PUNCT)


def _alnum(c: str) -> bool:
    return c in _ALNUM


def _plain(s: str) -> bool:
    """No quote and no backslash in ``s``."""
    return "\\" not in s and '"' not in s and "'" not in s and "`" not in s


class ConfFile:
    """A loaded CONF file: its sections, in the order they were created."""

    def __init__(self) -> None:
        self.sections: dict[str, dict[str, str]] = {DEFAULT_SECTION: {}}
        self.dollarid = False
        self.abspath = False
        self.includedir: str | None = None

    def section(self, name: str) -> list[tuple[str, str]] | None:
        """``NCONF_get_section``: the section's (name, value) pairs, or None."""
        sec = self.sections.get(name)
        return None if sec is None else list(sec.items())

    def get(self, section: str | None, name: str) -> str | None:
        """``NCONF_get_string``: ``name`` in ``section``, else in ``default``
        (the ``ENV`` section is the environment)."""
        if section is not None:
            sec = self.sections.get(section)
            if sec is not None and name in sec:
                return sec[name]
            if section == "ENV":
                env = os.environ.get(name)
                if env is not None:
                    return env
        return self.sections[DEFAULT_SECTION].get(name)

    def _add(self, section: str, name: str, value: str) -> None:
        sec = self.sections.setdefault(section, {})
        sec.pop(name, None)
        sec[name] = value


def _skip_escape(s: str, i: int) -> int:
    """``scan_esc``: past a backslash and the character it escapes."""
    return min(i + 2, len(s))


def _skip_quote(s: str, i: int) -> int:
    q = s[i]
    i += 1
    while i < len(s) and s[i] != q:
        if s[i] == "\\":
            i += 1
            if i >= len(s):
                return i
        i += 1
    return i + 1 if i < len(s) else i


def _clear_comments(s: str) -> str:
    if _plain(s):
        # no quote or escape can hide a "#": the first one starts the comment
        cut = s.find("#")
        return s if cut < 0 else s[:cut]
    i = 0
    while i < len(s):
        c = s[i]
        if c == "#":
            return s[:i]
        if c in _QUOTES:
            i = _skip_quote(s, i)
        elif c == "\\":
            i = _skip_escape(s, i)
        else:
            i += 1
    return s


def _eat_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def _eat_name(conf: ConfFile, s: str, i: int) -> int:
    """``eat_alpha_numeric``: past the name characters (and escapes)."""
    n = len(s)
    names = _NAME_CHARS
    dollarid = conf.dollarid
    while i < n:
        c = s[i]
        if c in names or (dollarid and c == "$"):
            i += 1
        elif c == "\\":
            i = _skip_escape(s, i)
        else:
            break
    return i


def _expand(conf: ConfFile, section: str | None, text: str, line: int) -> str:
    """``str_copy``: quotes, escapes and ``$`` variables resolved."""
    if "$" not in text and _plain(text):
        return text
    out: list[str] = []
    size = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in _QUOTES:
            i += 1
            while i < n and text[i] != c:
                if text[i] == "\\":
                    i += 1
                    if i >= n:
                        break
                out.append(text[i])
                i += 1
            if i < n:
                i += 1
        elif c == "\\":
            if i + 1 >= n:
                break
            v = text[i + 1]
            out.append({"r": "\r", "n": "\n", "b": "\b", "t": "\t"}.get(v, v))
            i += 2
        elif c == "$" and (not conf.dollarid or text[i + 1 : i + 2] in ("{", "(")):
            j = i + 1
            close = {"{": "}", "(": ")"}.get(text[j : j + 1], "")
            if close:
                j += 1

            def name_end(k: int) -> int:
                while k < n and (_alnum(text[k]) or (conf.dollarid and text[k] == "$")):
                    k += 1
                return k

            sec = section
            e = name_end(j)
            name = text[j:e]
            if text[e : e + 2] == "::":
                sec = name
                j = e + 2
                e = name_end(j)
                name = text[j:e]
            if close:
                if text[e : e + 1] != close:
                    raise ConfSyntaxError("no close brace", line)
                e += 1
            value = conf.get(sec, name)
            if value is None:
                raise ConfSyntaxError("variable has no value", line)
            size += len(value)
            if size + n > _MAX_VALUE:
                raise ConfSyntaxError("variable expansion too long", line)
            out.append(value)
            i = e
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _read(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("latin-1")


def _include_texts(path: str) -> list[str]:
    """``process_include``: the file, or the directory's ``.cnf``/``.conf``
    files in the order the directory lists them; nothing when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return []
    if not stat.S_ISDIR(st.st_mode):
        try:
            return [_read(path)]
        except OSError:
            return []
    texts = []
    try:
        names = os.listdir(path)  # readdir's order, as OPENSSL_DIR_read
    except OSError:
        return []
    for name in names:
        low = name.lower()
        if (len(name) > 5 and low.endswith(".conf")) or (len(name) > 4 and low.endswith(".cnf")):
            try:
                texts.append(_read(os.path.join(path, name)))
            except OSError:
                continue
    return texts


def _parsebool(value: str, line: int) -> bool:
    if value in ("on", "true"):
        return True
    if value in ("off", "false"):
        return False
    raise ConfSyntaxError("invalid pragma", line)


def _load_into(conf: ConfFile, text: str, state: list[str], depth: int) -> None:
    """Read ``text`` into ``conf``; ``state[0]`` is the current section (an
    included file goes on in the includer's section, and leaves its own)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    pending = ""
    lineno = 0
    for raw in lines:
        lineno += 1
        buf = pending + raw.rstrip("\r\n")
        # a backslash at the end (not itself escaped) continues the line
        if buf.endswith("\\") and not buf.endswith("\\\\"):
            pending = buf[:-1]
            continue
        pending = ""
        bare = buf.lstrip(_WS)
        if not bare or bare[0] == "#":
            continue  # a blank line or a comment: nothing to read
        s = _clear_comments(buf)
        i = _eat_ws(s, 0)
        if i >= len(s):
            continue
        if s[i] == "[":
            start = _eat_ws(s, i + 1)
            ss = start
            while True:
                end = _eat_name(conf, s, ss)
                p = _eat_ws(s, end)
                if p < len(s) and s[p] == "]":
                    break
                if p < len(s) and ss != p:
                    ss = p
                    continue
                raise ConfSyntaxError("missing close square bracket", lineno)
            state[0] = _expand(conf, None, s[start:end], lineno)
            conf.sections.setdefault(state[0], {})
            continue
        end = _eat_name(conf, s, i)
        name_start = i
        psection = state[0]
        if s[end : end + 2] == "::":
            psection = s[i:end]
            name_start = end + 2
            end = _eat_name(conf, s, name_start)
        name = s[name_start:end]
        p = _eat_ws(s, end)
        directive = None
        for word in (".pragma", ".include"):
            # the word, then anything but the end of the line or a non-blank
            if name.startswith(word) and (p != name_start + len(word) or s[p : p + 1] == "="):
                directive = word
                break
        if directive is not None:
            if p < len(s) and s[p] == "=":
                p = _eat_ws(s, p + 1)
            arg = s[p:].rstrip(_WS)
            if directive == ".pragma":
                key, sep, val = arg.partition(":")
                if not sep or not key or not val:
                    raise ConfSyntaxError("invalid pragma", lineno)
                key, val = key.rstrip(_WS), val.lstrip(_WS)
                if key == "dollarid":
                    conf.dollarid = _parsebool(val, lineno)
                elif key == "abspath":
                    conf.abspath = _parsebool(val, lineno)
                elif key == "includedir":
                    conf.includedir = val
                continue
            include = _expand(conf, psection, arg, lineno)
            include_dir = os.environ.get("OPENSSL_CONF_INCLUDE") or conf.includedir
            if include_dir and not os.path.isabs(include):
                include = include_dir.rstrip("/") + "/" + include
            if conf.abspath and not os.path.isabs(include):
                raise ConfSyntaxError("relative path", lineno)
            if depth < 32:
                for sub in _include_texts(include):
                    _load_into(conf, sub, state, depth + 1)
            continue
        if p >= len(s) or s[p] != "=":
            raise ConfSyntaxError("missing equal sign", lineno)
        value = s[_eat_ws(s, p + 1) :].rstrip(_WS)
        conf._add(psection, name, _expand(conf, psection, value, lineno))
    if pending:
        # a continuation on the last line: what was gathered is a line of its own
        _load_into(conf, pending, state, depth)


def parse_conf(text: str) -> ConfFile:
    """``NCONF_load_bio`` of ``text``; raises :class:`ConfSyntaxError`."""
    conf = ConfFile()
    _load_into(conf, text[1:] if text.startswith("\ufeff") else text, [DEFAULT_SECTION], 0)
    return conf


def load_conf(path: str) -> ConfFile:
    """``NCONF_load`` of a file: :class:`OSError` when it cannot be read,
    :class:`ConfSyntaxError` when it is not valid CONF."""
    return parse_conf(_read(path))
