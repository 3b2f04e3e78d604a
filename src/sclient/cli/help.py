"""``-help`` text, generated from the option table with OpenSSL's ``opt_help`` layout rules."""

from __future__ import annotations

from sclient.cli.options import NOT_YET, NOT_YET_MARK, OPTIONS, PARAMETERS, PROG

#: OpenSSL's MAX_OPT_HELP_WIDTH.
MAX_OPT_HELP_WIDTH = 30


def _line(prefix: str, help_text: str, width: int) -> str:
    """One option line: ``prefix`` padded to ``width``, two spaces, the help text."""
    linelen = len(prefix)
    if linelen >= MAX_OPT_HELP_WIDTH or linelen > width:
        return f"{prefix}\n{' ' * width}  {help_text}\n"
    return f"{prefix}{' ' * (width - linelen)}  {help_text}\n"


def format_help(prog: str = PROG) -> str:
    """The exact text ``openssl s_client -help`` writes to stderr, plus sclient's
    rows (``-json``) and a mark on the options sclient does not implement yet."""
    rows = [o for o in OPTIONS if o.in_build]
    # Width: the widest "-name type" (2 + len(name) [+ 1 + len(type)]), at least 5, at most 30.
    width = 5
    for o in rows:
        width = max(width, 1 + len(o.name) + (1 + len(o.valtype) if o.valtype else 0))
    for name, _ in PARAMETERS:
        width = max(width, 2 + len(name) + 1)
    width = min(width, MAX_OPT_HELP_WIDTH)

    out = [f"Usage: {prog} [options] [host:port]\n"]
    section = None
    for o in rows:
        if o.section != section:
            section = o.section
            out.append(f"\n{section} options:\n")
        prefix = f" {o.name}" + (f" {o.valtype}" if o.valtype else "")
        help_text = o.help + (NOT_YET_MARK if o.status == NOT_YET else "")
        out.append(_line(prefix, help_text, width))
    out.append("\nParameters:\n")
    for name, help_text in PARAMETERS:
        out.append(_line(f" {name} ", help_text, width))
    return "".join(out)
