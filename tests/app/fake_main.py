"""``python tests/app/fake_main.py ARGS``: sclient with the ssl-module engine stand-in."""

from __future__ import annotations

import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.app import fake_engine

mod = types.ModuleType("sclient.tls.client")
mod.Client = fake_engine.Client  # type: ignore[attr-defined]
sys.modules["sclient.tls.client"] = mod

from sclient.cli.main import main  # noqa: E402

raise SystemExit(main())
