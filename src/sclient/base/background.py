"""A call run in a daemon thread, for a wait that must not block the caller
(a name lookup, a proxy's exchange): a thread that never returns does not hold
the process's exit, as a pool's worker would. ``threading`` is imported only
when a call is started."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """``fn(*args)`` running in a daemon thread named ``name``; its outcome."""

    __slots__ = ("_done", "_outcome")

    def __init__(self, fn: Callable[..., T], *args: Any, name: str = "background") -> None:
        import threading

        self._outcome: list[Any] = []  # [value] or [value, exception]
        self._done = threading.Event()

        def work() -> None:
            try:
                self._outcome.append(fn(*args))
            except BaseException as exc:  # handed to the caller by result()
                self._outcome[:] = [None, exc]
            self._done.set()

        threading.Thread(target=work, name=name, daemon=True).start()

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> None:
        self._done.wait()

    def result(self) -> T:
        """The call's value, or its exception raised again (once :meth:`done`)."""
        if len(self._outcome) == 2:
            raise self._outcome[1]
        value: T = self._outcome[0]
        return value
