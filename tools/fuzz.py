#!/usr/bin/env python3
"""Fuzz sclient's parsers of untrusted bytes (see tests/fuzz/).

    .venv/bin/python tools/fuzz.py list
    .venv/bin/python tools/fuzz.py run engine13 --minutes 10
    .venv/bin/python tools/fuzz.py record          # rewrite the seed corpus (needs openssl)

``run`` drives one target with hypothesis for the given time (one target at
a time: each takes a core), prints how many examples ran and, on a failure,
the smallest input found; the suite runs a short budget of each target.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from fuzz.runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
