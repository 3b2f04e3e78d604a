"""The clock and entropy the program injects into the engine and reports."""

from __future__ import annotations

import os
import time


def wall() -> float:
    """Seconds since the epoch."""
    return time.time()


def monotonic() -> float:
    return time.monotonic()


def random_bytes(n: int) -> bytes:
    return os.urandom(n)
