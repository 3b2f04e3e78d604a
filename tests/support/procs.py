"""Running processes without leaks or hangs.

Every process started here is registered and killed at interpreter exit if a
test forgot it; every wait has a timeout. Output is pumped by threads into
buffers that tests can wait on (``wait_stdout(b"pattern", timeout)``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

#: Default timeout (seconds) for one client run.
CLIENT_TIMEOUT = 30.0

_LIVE: set[subprocess.Popen[bytes]] = set()
_LIVE_LOCK = threading.Lock()


def _register(p: subprocess.Popen[bytes]) -> None:
    with _LIVE_LOCK:
        _LIVE.add(p)


def _unregister(p: subprocess.Popen[bytes]) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(p)


def kill_and_reap(p: subprocess.Popen[bytes], grace: float = 2.0) -> None:
    """Terminate ``p`` (SIGTERM, then SIGKILL after ``grace``) and reap it."""
    if p.poll() is None:
        try:
            p.terminate()
            p.wait(grace)
        except subprocess.TimeoutExpired:
            p.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(grace)
        except ProcessLookupError:  # pragma: no cover
            pass
    for stream in (p.stdin, p.stdout, p.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()
    _unregister(p)


@atexit.register
def _kill_leftovers() -> None:  # pragma: no cover - only runs when a test leaked
    for p in list(_LIVE):
        kill_and_reap(p, grace=0.5)


class Pump:
    """Copies a pipe into a buffer in a thread; tests wait for patterns in it."""

    def __init__(self, stream, name: str) -> None:  # type: ignore[no-untyped-def]
        self.buf = bytearray()
        self.closed = False
        self._cond = threading.Condition()
        self._stream = stream
        self._thread = threading.Thread(target=self._run, name=f"pump-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        fd = self._stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            with self._cond:
                if not chunk:
                    self.closed = True
                    self._cond.notify_all()
                    return
                self.buf += chunk
                self._cond.notify_all()

    @property
    def data(self) -> bytes:
        with self._cond:
            return bytes(self.buf)

    def wait_for(self, pattern: bytes | re.Pattern[bytes], timeout: float, start: int = 0) -> bool:
        """True once ``pattern`` occurs at or after offset ``start``; False on timeout/EOF."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                hay = bytes(self.buf[start:])
                if isinstance(pattern, bytes):
                    if pattern in hay:
                        return True
                elif pattern.search(hay):
                    return True
                if self.closed:
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class Result(NamedTuple):
    rc: int
    stdout: str
    stderr: str


def _decode(b: bytes) -> str:
    return b.decode("utf-8", "replace")


class Proc:
    """A started process with pumped stdout/stderr and a writable stdin."""

    def __init__(
        self,
        cmd: Sequence[str],
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
        stdin_pipe: bool = True,
        stdin: int | None = None,
    ) -> None:
        self.cmd = list(cmd)
        self.p: subprocess.Popen[bytes] = subprocess.Popen(
            self.cmd,
            stdin=subprocess.PIPE
            if stdin_pipe
            else (stdin if stdin is not None else subprocess.DEVNULL),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        _register(self.p)
        self.out = Pump(self.p.stdout, "stdout")
        self.err = Pump(self.p.stderr, "stderr")

    @property
    def pid(self) -> int:
        return self.p.pid

    def write(self, data: bytes) -> None:
        assert self.p.stdin is not None
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def close_stdin(self) -> None:
        if self.p.stdin is not None and not self.p.stdin.closed:
            with contextlib.suppress(OSError):
                self.p.stdin.close()

    def wait_stdout(self, pattern: bytes | re.Pattern[bytes], timeout: float = 10.0) -> bool:
        return self.out.wait_for(pattern, timeout)

    def wait_stderr(self, pattern: bytes | re.Pattern[bytes], timeout: float = 10.0) -> bool:
        return self.err.wait_for(pattern, timeout)

    def running(self) -> bool:
        return self.p.poll() is None

    def send_signal(self, sig: int) -> None:
        if self.p.poll() is None:
            self.p.send_signal(sig)

    def wait(self, timeout: float) -> int | None:
        """Exit status, or None if still running after ``timeout``."""
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self.out.join(2.0)
        self.err.join(2.0)
        return rc

    def finish(self, timeout: float = CLIENT_TIMEOUT) -> Result:
        """Close stdin, wait for exit (killing on timeout) and return the result.

        A timeout is a test failure: the process is killed and the partial
        output is put into the assertion message.
        """
        self.close_stdin()
        rc = self.wait(timeout)
        if rc is None:
            self.kill()
            raise AssertionError(
                f"process did not exit within {timeout:.0f}s: {shlex.join(self.cmd)}\n"
                f"--- stdout ---\n{_decode(self.out.data)}\n--- stderr ---\n{_decode(self.err.data)}"
            )
        self.kill()
        return Result(rc, _decode(self.out.data), _decode(self.err.data))

    def kill(self) -> None:
        # The process runs in its own session: signal the group so children die too.
        if self.p.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.p.pid, signal.SIGTERM)
        kill_and_reap(self.p)

    def __enter__(self) -> Proc:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


# --- the client under test and the reference client ---------------------------


def sclient_cmd() -> list[str]:
    """The command that runs sclient.

    ``SCLIENT_CMD`` overrides it (e.g. ``SCLIENT_CMD="openssl s_client"`` runs
    the suites against the reference, to check the tests themselves).
    """
    override = os.environ.get("SCLIENT_CMD")
    if override:
        return shlex.split(override)
    return [sys.executable, "-m", "sclient"]


def client_is_openssl() -> bool:
    cmd = sclient_cmd()
    return Path(cmd[0]).name == "openssl"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    # Never let a user's OpenSSL config change the reference's behaviour.
    env.pop("OPENSSL_CONF", None)
    env.pop("SSL_CERT_FILE", None)
    env.pop("SSL_CERT_DIR", None)
    return env


def run(
    cmd: Sequence[str],
    *,
    stdin: bytes | None = b"",
    timeout: float = CLIENT_TIMEOUT,
    cwd: str | os.PathLike[str] | None = None,
) -> Result:
    """Run ``cmd`` to completion with ``stdin`` (then EOF); fail on timeout."""
    with Proc(cmd, cwd=cwd, env=_env(), stdin_pipe=stdin is not None) as proc:
        if stdin:
            with contextlib.suppress(BrokenPipeError):
                proc.write(stdin)
        return proc.finish(timeout)


def run_sclient(
    args: Sequence[str], stdin: bytes | None = b"", timeout: float = CLIENT_TIMEOUT
) -> Result:
    """``sclient ARGS`` with ``stdin`` then EOF: ``(rc, stdout, stderr)``."""
    return run([*sclient_cmd(), *args], stdin=stdin, timeout=timeout)


def run_openssl_s_client(
    args: Sequence[str], stdin: bytes | None = b"", timeout: float = CLIENT_TIMEOUT
) -> Result:
    """``openssl s_client ARGS``, the reference."""
    return run(["openssl", "s_client", *args], stdin=stdin, timeout=timeout)


def start_sclient(args: Sequence[str]) -> Proc:
    """Start sclient for an interactive exchange (stdin is a pipe)."""
    return Proc([*sclient_cmd(), *args], env=_env())


def start_openssl_s_client(args: Sequence[str]) -> Proc:
    return Proc(["openssl", "s_client", *args], env=_env())


_option_support: dict[tuple[str, ...], str | None] = {}


def unsupported_reason(*option: str) -> str | None:
    """Why the client under test refuses ``option`` as "not supported yet", or None.

    sclient parses every option of ``openssl s_client`` and refuses the ones it
    does not implement yet with ``s_client: Option -X is not supported yet by
    sclient (...)``; tests of such options skip with that reason.
    """
    key = tuple(option)
    if key not in _option_support:
        import socket as _socket

        with _socket.socket() as s:  # a port where nothing listens
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        res = run_sclient([*option, "-connect", f"127.0.0.1:{port}"], stdin=b"", timeout=30)
        line = next((ln for ln in res.stderr.splitlines() if "not supported yet" in ln), None)
        _option_support[key] = line
    return _option_support[key]


_PY_WARNING = re.compile(r"^\S+:\d+: \w*Warning: ", re.M)


def assert_clean_stderr(stderr: str) -> None:
    """No Python traceback and no Python warning (``file.py:N: XWarning: ...``) on stderr."""
    assert "Traceback (most recent call last)" not in stderr, stderr
    m = _PY_WARNING.search(stderr)
    assert m is None, f"a Python warning reached stderr:\n{stderr[m.start() : m.start() + 500]}"


def run_until_summary(
    prefix: Sequence[str], args: Sequence[str], env: dict[str, str] | None = None
) -> Result:
    """A client run to its summary, then ``Q`` once the TLS 1.3 tickets are in."""
    with Proc([*prefix, *args], env=env if env is not None else _env()) as proc:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.running():
            if b"Verify return code" in proc.out.data and b"---\n" in proc.out.data[-400:]:
                break
            time.sleep(0.02)
        time.sleep(0.4)  # TLS 1.3 tickets
        with contextlib.suppress(BrokenPipeError, ValueError):
            proc.write(b"Q\n")
        return proc.finish(CLIENT_TIMEOUT)
