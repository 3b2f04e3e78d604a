"""Whether the kernel offers SCTP, for ``-sctp``'s explanation.

sclient has no DTLS over SCTP: ``-sctp`` and ``-sctp_label_bug`` are parsed
only to say so, and whether this kernel could carry SCTP at all.
"""

from __future__ import annotations

import socket


def kernel_has_sctp() -> bool:
    """True when a one-to-one SCTP socket can be made (the kernel has SCTP)."""
    proto = getattr(socket, "IPPROTO_SCTP", 132)
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            s = socket.socket(family, socket.SOCK_STREAM, proto)
        except OSError:
            continue
        s.close()
        return True
    return False
