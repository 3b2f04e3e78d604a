"""Command line of ``tools/fuzz.py``."""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, Phase, given, settings

from fuzz import targets


def run(name: str, minutes: float, seed: int | None, max_failures: int = 5) -> int:
    strategy, check = targets.TARGETS[name]
    count = 0
    deadline = time.monotonic() + minutes * 60

    def body(value: object) -> None:
        nonlocal count
        count += 1
        check(value)

    test = settings(
        max_examples=500,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        stateful_step_count=10,
    )(given(strategy)(body))
    t0 = time.monotonic()
    rounds = 0
    status = 0
    failures = 0
    while time.monotonic() < deadline:
        rounds += 1
        try:
            targets.seed_for(test, seed, rounds)()
        except Exception as e:  # the shrunk failing example is printed by hypothesis
            print(f"{name}: FAILED after {count} examples: {e!r}", flush=True)
            status = 1
            failures += 1
            if failures >= max_failures:
                break
    print(f"{name}: {count} examples in {time.monotonic() - t0:.0f}s, {rounds} rounds")
    return status


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="tools/fuzz.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    r = sub.add_parser("run")
    r.add_argument("target", choices=sorted(targets.TARGETS))
    r.add_argument("--minutes", type=float, default=10.0)
    r.add_argument("--seed", type=int, default=None)
    rec = sub.add_parser("record")
    rec.add_argument("names", nargs="*")
    a = ap.parse_args(argv)
    if a.cmd == "list":
        for n in sorted(targets.TARGETS):
            print(n)
        return 0
    if a.cmd == "record":
        from fuzz import record

        return record.main(a.names)
    return run(a.target, a.minutes, a.seed)
