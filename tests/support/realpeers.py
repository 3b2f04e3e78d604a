"""Private instances of real, packaged servers on loopback, for STARTTLS and proxies.

Every ``-starttls`` keyword of ``openssl s_client`` has a real server here:

========================  =====================  ==================================
keyword(s)                server                 Debian package
========================  =====================  ==================================
smtp                      postfix                postfix
imap, pop3, lmtp, sieve   dovecot (one instance)  dovecot-imapd, -pop3d, -lmtpd,
                                                 -managesieved
ldap                      slapd                  slapd
postgres                  PostgreSQL 15          postgresql-15
mysql                     MariaDB                mariadb-server
xmpp, xmpp-server         prosody                prosody, lua-sec
irc                       InspIRCd 3             inspircd
ftp                       vsftpd                 vsftpd
nntp                      INN 2's nnrpd          inn2
telnet                    a Python peer (no packaged server negotiates START_TLS)
========================  =====================  ==================================

and two HTTP CONNECT proxies, squid and tinyproxy, each with and without
Basic authentication (user :data:`PROXY_USER`, password :data:`PROXY_PASS`).

Each instance has its own directory under pytest's temporary directory
(configuration, data, logs, a copy of the leaf key owned by the service user),
listens on free ports of 127.0.0.1 and ::1 only, and presents the test PKI's
RSA chain (leaf for ``localhost`` + intermediate; trust ``chain.root``). The
system's own services are never used or touched. A missing package skips the
test that needs it, naming the package; a server that is installed but fails to
start fails the test with its log.

Use the session-scoped ``realpeers`` pool (servers start on first use and stop
at the end of the session)::

    peer = realpeers.starttls("imap")      # -> StartTLSPeer
    peer.port, peer.hosts, peer.extra_args  # e.g. ("-xmpphost", "localhost") for xmpp
    proxy = realpeers.proxy("squid", auth=True)
    proxy.port, proxy.user, proxy.password

or the per-server fixtures (``postfix_peer``, ``dovecot_peer``, …).
"""

from __future__ import annotations

import atexit
import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.peers import ThreadedListener
from support.pki import PKI, Chain
from support.procs import Proc

__all__ = [
    "PROXY_PASS",
    "PROXY_USER",
    "STARTTLS_KEYWORDS",
    "ProxyPeer",
    "RealPeers",
    "StartTLSPeer",
    "dovecot_peer",
    "inspircd_peer",
    "mariadb_peer",
    "nnrpd_peer",
    "postfix_peer",
    "postgres_peer",
    "prosody_peer",
    "realpeers",
    "slapd_peer",
    "squid_proxy",
    "telnet_peer",
    "tinyproxy_proxy",
    "vsftpd_peer",
]

V4 = "127.0.0.1"
V6 = "::1"
BOTH = (V4, V6)

#: Seconds a server may take from launch until every listener accepts.
START_TIMEOUT = float(os.environ.get("SCLIENT_REALPEER_START_TIMEOUT", "60"))
#: Seconds for one helper command (initdb, slapadd, ...).
CMD_TIMEOUT = 120.0

PROXY_USER = "proxyuser"
PROXY_PASS = "proxy-secret"

#: Every ``-starttls`` keyword -> the server (pool key) that answers it.
STARTTLS_KEYWORDS: dict[str, str] = {
    "smtp": "postfix",
    "lmtp": "dovecot",
    "imap": "dovecot",
    "pop3": "dovecot",
    "sieve": "dovecot",
    "ldap": "slapd",
    "postgres": "postgres",
    "mysql": "mariadb",
    "xmpp": "prosody",
    "xmpp-server": "prosody",
    "irc": "inspircd",
    "ftp": "vsftpd",
    "nntp": "nnrpd",
    "telnet": "telnet",
}


# --- small helpers ------------------------------------------------------------------

_ports_lock = threading.Lock()
_ports_given: set[int] = set()


def free_port_both(hosts: Sequence[str] = BOTH) -> int:
    """A port that is free on every address of ``hosts`` right now (and was not
    handed out before by this process)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((V4, 0))
            port = int(s.getsockname()[1])
            ok = True
            others: list[socket.socket] = []
            try:
                for h in hosts:
                    if h == V4:
                        continue
                    fam = socket.AF_INET6 if ":" in h else socket.AF_INET
                    o = socket.socket(fam, socket.SOCK_STREAM)
                    others.append(o)
                    try:
                        o.bind((h, port))
                    except OSError:
                        ok = False
                        break
            finally:
                for o in others:
                    o.close()
        with _ports_lock:
            if ok and port not in _ports_given:
                _ports_given.add(port)
                return port
    raise RuntimeError("no free loopback port found")


def accepts(host: str, port: int) -> bool:
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        try:
            s.connect((host, port))
        except OSError:
            return False
        return True


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind((V6, 0))
        return True
    except OSError:
        return False


def _ids(user: str) -> tuple[int, int]:
    pw = pwd.getpwnam(user)
    return pw.pw_uid, pw.pw_gid


def as_user(user: str | None) -> list[str]:
    """A command prefix that runs the rest as ``user`` (exec, same pid)."""
    if user is None:
        return []
    uid, gid = _ids(user)
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups", "--"]


def chown(path: Path, user: str | None, *, recursive: bool = False) -> None:
    if user is None:
        return
    uid, gid = _ids(user)
    os.chown(path, uid, gid)
    if recursive:
        for root, dirs, files in os.walk(path):
            for n in dirs + files:
                os.chown(os.path.join(root, n), uid, gid, follow_symlinks=False)


def open_up(path: Path) -> None:
    """Let service users reach ``path``: mode 0755 on it, and search (x) permission
    on every ancestor we own (pytest makes its temporary directories 0700)."""
    path.chmod(0o755)
    for parent in path.parents:
        try:
            st = parent.stat()
        except OSError:
            break
        if st.st_uid != os.geteuid():
            continue
        if (st.st_mode & 0o011) != 0o011:
            with contextlib.suppress(OSError):
                parent.chmod((st.st_mode & 0o7777) | 0o011)


def run_cmd(cmd: Sequence[str], *, env: dict[str, str] | None = None, what: str = "") -> str:
    """Run a set-up command to completion; raise with its output on failure."""
    try:
        r = subprocess.run(
            list(cmd),
            capture_output=True,
            timeout=CMD_TIMEOUT,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"{what or cmd[0]} timed out after {CMD_TIMEOUT}s") from e
    out = (r.stdout + r.stderr).decode(errors="replace")
    if r.returncode != 0:
        raise RuntimeError(f"{what or cmd[0]} failed (exit {r.returncode}): {' '.join(cmd)}\n{out}")
    return out


def _missing(package: str, path: str) -> None:
    pytest.skip(
        f"{package} not installed ({path} missing): apt-get install {package} to run this test"
    )


# --- base classes ---------------------------------------------------------------------


@dataclass(frozen=True)
class StartTLSPeer:
    """Where ``-starttls <keyword>`` finds a real server."""

    keyword: str
    server: str
    port: int
    hosts: tuple[str, ...]
    extra_args: tuple[str, ...] = ()

    def connect_arg(self, host: str = V4) -> str:
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"


@dataclass(frozen=True)
class ProxyPeer:
    """An HTTP CONNECT proxy; ``user``/``password`` are None without authentication."""

    server: str
    port: int
    hosts: tuple[str, ...]
    user: str | None = None
    password: str | None = None

    def proxy_arg(self, host: str = V4) -> str:
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"


class Instance:
    """One private server instance: ``start()`` once, ``stop()`` at the end.

    Subclasses set ``name``/``package``/``binary`` and implement ``_launch``
    (write the configuration, start the process(es)) and ``listeners`` (the
    (host, port) pairs that must accept before the server counts as started).
    """

    name = "?"
    package = "?"
    binary = "?"
    #: Service user the server runs as (or drops to), None for root.
    user: str | None = None
    #: Log files (relative to the instance directory) shown when start-up fails.
    logs: tuple[str, ...] = ()

    def __init__(self, base: Path, pki: PKI) -> None:
        self.base = base
        self.pki = pki
        self.chain: Chain = pki["rsa"]
        self.dir = base / self.name
        self.procs: list[Proc] = []
        self.hosts: tuple[str, ...] = BOTH if ipv6_loopback() else (V4,)
        self.startup_seconds: float | None = None
        self.started = False

    # paths of the instance's certificate and key copies
    @property
    def cert(self) -> Path:
        return self.dir / "cert.pem"

    @property
    def key(self) -> Path:
        return self.dir / "key.pem"

    @property
    def ca(self) -> Path:
        """The root (a copy: the PKI's own directory is private to root)."""
        return self.dir / "root.pem"

    @property
    def dh(self) -> Path:
        return self.dir / "ffdhe2048.pem"

    def check_installed(self) -> None:
        if not os.path.exists(self.binary):
            _missing(self.package, self.binary)
        if os.geteuid() != 0:
            pytest.skip(f"{self.name}: private server instances are started as root (not root)")
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) not installed")

    def _prepare_dir(self) -> None:
        if self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        open_up(self.dir)
        self.cert.write_bytes(self.chain.fullchain.read_bytes())
        self.cert.chmod(0o644)
        self.ca.write_bytes(self.chain.root.read_bytes())
        self.ca.chmod(0o644)
        self.dh.write_bytes(self.pki.ffdhe2048.read_bytes())
        self.dh.chmod(0o644)
        self.key.write_bytes(self.chain.key.read_bytes())
        self.key.chmod(0o600)
        chown(self.key, self.user)

    def _launch(self) -> None:
        raise NotImplementedError

    def listeners(self) -> list[tuple[str, int]]:
        raise NotImplementedError

    def _alive(self) -> str | None:
        """None while every started process runs, else why not."""
        for p in self.procs:
            if not p.running():
                return (
                    f"{p.cmd[0]} exited with status {p.p.returncode}\n"
                    f"{p.err.data.decode(errors='replace')}{p.out.data.decode(errors='replace')}"
                )
        return None

    def _logs(self) -> str:
        out = []
        for rel in self.logs:
            f = self.dir / rel
            if f.exists():
                text = f.read_text(errors="replace")
                out.append(f"--- {rel} ---\n{text[-4000:]}")
        for p in self.procs:
            err = p.err.data.decode(errors="replace") + p.out.data.decode(errors="replace")
            if err.strip():
                out.append(f"--- {p.cmd[0]} output ---\n{err[-4000:]}")
        return "\n".join(out)

    def start(self) -> Instance:
        self.check_installed()
        last: Exception | None = None
        for _attempt in range(3):
            t0 = time.monotonic()
            try:
                self._prepare_dir()
                self._launch()
                self._wait()
            except Exception as e:  # start-up failed (port taken, ...): try fresh ports
                last = e
                logs = self._logs()
                self._shutdown()
                last = RuntimeError(f"{self.name} did not start: {e}\n{logs}")
                continue
            self.startup_seconds = time.monotonic() - t0
            STARTUP_TIMES[self.name] = self.startup_seconds
            self.started = True
            _LIVE.add(self)
            return self
        assert last is not None
        raise last

    def _wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        pending = list(self.listeners())
        while pending:
            why = self._alive()
            if why is not None:
                raise RuntimeError(why)
            pending = [(h, p) for h, p in pending if not accepts(h, p)]
            if not pending:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"not listening on {pending} after {START_TIMEOUT}s")
            time.sleep(0.05)

    #: Seconds the server gets to exit after SIGTERM before the rest is killed.
    stop_grace = 3.0

    def _shutdown(self) -> None:
        """SIGTERM to every process of the instance's sessions (children included),
        SIGKILL to what is left after ``stop_grace``, then reap."""
        sessions = {p.pid for p in self.procs}
        if sessions:
            kill_sessions(sessions, self.stop_grace)
        for p in reversed(self.procs):
            p.kill()
        self.procs.clear()

    def stop(self) -> None:
        self._shutdown()
        _LIVE.discard(self)
        self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def spawn(self, cmd: Sequence[str], *, env: dict[str, str] | None = None) -> Proc:
        p = Proc(list(cmd), env=env, stdin_pipe=False, cwd=self.dir)
        self.procs.append(p)
        return p


_LIVE: set[Instance] = set()
#: server name -> seconds from launch to listening, for every start in this process.
STARTUP_TIMES: dict[str, float] = {}


@atexit.register
def _stop_leftovers() -> None:  # pragma: no cover - only when a session was interrupted
    for inst in list(_LIVE):
        with contextlib.suppress(Exception):
            inst.stop()


def kill_sessions(sessions: set[int], grace: float) -> None:
    """Terminate every process whose session id is in ``sessions``: SIGTERM, then
    SIGKILL after ``grace`` seconds for whatever remains."""
    deadline = time.monotonic() + grace
    sig = signal.SIGTERM
    signalled: set[int] = set()
    while True:
        left = session_pids(sessions)
        if not left:
            return
        for pid in left:
            if sig == signal.SIGKILL or pid not in signalled:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)
                signalled.add(pid)
        if sig == signal.SIGKILL and time.monotonic() > deadline + 5:
            return  # unkillable (D state): give up rather than hang
        if time.monotonic() > deadline:
            sig = signal.SIGKILL
        time.sleep(0.02)


# --- postfix (smtp) ----------------------------------------------------------------


POSTFIX_MASTER = "/usr/lib/postfix/sbin/master"
POSTFIX_QUEUE_DIRS = (
    "active",
    "bounce",
    "corrupt",
    "defer",
    "deferred",
    "flush",
    "hold",
    "incoming",
    "private",
    "saved",
    "trace",
)


class Postfix(Instance):
    name = "postfix"
    package = "postfix"
    binary = "/usr/sbin/postfix"
    logs = ("postfix.log",)

    def _launch(self) -> None:
        d = self.dir
        self.port = free_port_both(self.hosts)
        # The queue tree as postfix-files describes it (``postfix set-permissions``
        # would do the same but also re-checks every system file: seconds).
        q = d / "queue"
        q.mkdir()
        for sub, mode, group in (
            *((s, 0o700, None) for s in POSTFIX_QUEUE_DIRS),
            ("maildrop", 0o730, "postdrop"),
            ("public", 0o710, "postdrop"),
        ):
            (q / sub).mkdir()
            uid, gid = _ids("postfix")
            os.chown(q / sub, uid, grp.getgrnam(group).gr_gid if group else gid)
            (q / sub).chmod(mode)
        (q / "pid").mkdir()
        (d / "data").mkdir()
        chown(d / "data", "postfix")
        main = f"""\
compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.localdomain
mydomain = localdomain
myorigin = $myhostname
mydestination = $myhostname, localhost
inet_interfaces = loopback-only
inet_protocols = {"all" if V6 in self.hosts else "ipv4"}
mynetworks = 127.0.0.0/8 [::1]/128
alias_maps =
alias_database =
smtpd_banner = $myhostname ESMTP
smtpd_tls_security_level = may
smtpd_tls_cert_file = {self.cert}
smtpd_tls_key_file = {self.key}
smtpd_tls_loglevel = 1
maillog_file = {d}/postfix.log
maillog_file_prefixes = {d}
biff = no
"""
        (d / "main.cf").write_text(main)
        master = f"""\
{self.port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
        (d / "master.cf").write_text(master)
        # Postfix re-reads a configuration file modified in the last second or so
        # until it is older (a guard against half-written files): back-date ours.
        past = time.time() - 60
        for f in ("main.cf", "master.cf"):
            os.utime(d / f, (past, past))
        # master in the foreground (``postfix start`` would run its start-up
        # checks first, over a second on this kind of machine).
        self.spawn([POSTFIX_MASTER, "-c", str(d), "-d"])

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"smtp": StartTLSPeer("smtp", self.name, self.port, self.hosts)}


# --- dovecot (imap, pop3, lmtp, sieve) ------------------------------------------------


class Dovecot(Instance):
    name = "dovecot"
    package = "dovecot-core"
    binary = "/usr/sbin/dovecot"
    logs = ("dovecot.log",)
    protocols = {
        "imap": "/usr/lib/dovecot/imap-login",
        "pop3": "/usr/lib/dovecot/pop3-login",
        "lmtp": "/usr/lib/dovecot/lmtp",
        "sieve": "/usr/lib/dovecot/managesieve-login",
    }
    packages = {
        "imap": "dovecot-imapd",
        "pop3": "dovecot-pop3d",
        "lmtp": "dovecot-lmtpd",
        "sieve": "dovecot-managesieved",
    }

    def check_installed(self) -> None:
        super().check_installed()
        self.available = [p for p, exe in self.protocols.items() if os.path.exists(exe)]
        if not self.available:
            _missing("dovecot-imapd", self.protocols["imap"])

    def _launch(self) -> None:
        d = self.dir
        self.ports = {p: free_port_both(self.hosts) for p in self.available}
        listen = ", ".join(self.hosts)
        mail = d / "mail"
        mail.mkdir()
        chown(mail, "mail")
        cfg = [
            f"base_dir = {d}/run",
            f"state_dir = {d}/state",
            f"log_path = {d}/dovecot.log",
            f"info_log_path = {d}/dovecot.log",
            f"protocols = {' '.join(self.available)}",
            f"listen = {listen}",
            "ssl = yes",
            f"ssl_cert = <{self.cert}",
            f"ssl_key = <{self.key}",
            f"ssl_dh = <{self.dh}",
            "default_internal_user = dovecot",
            "default_login_user = dovenull",
            "postmaster_address = postmaster@localhost",
            "disable_plaintext_auth = yes",
            "shutdown_clients = yes",
            f"mail_location = maildir:{mail}/%u",
            "passdb {\n  driver = static\n  args = password=pass\n}",
            f"userdb {{\n  driver = static\n  args = uid=mail gid=mail home={mail}/%u\n}}",
        ]
        if "imap" in self.ports:
            cfg.append(
                "service imap-login {\n"
                f"  inet_listener imap {{\n    port = {self.ports['imap']}\n  }}\n"
                "  inet_listener imaps {\n    port = 0\n  }\n}"
            )
        if "pop3" in self.ports:
            cfg.append(
                "service pop3-login {\n"
                f"  inet_listener pop3 {{\n    port = {self.ports['pop3']}\n  }}\n"
                "  inet_listener pop3s {\n    port = 0\n  }\n}"
            )
        if "sieve" in self.ports:
            cfg.append(
                "service managesieve-login {\n"
                f"  inet_listener sieve {{\n    port = {self.ports['sieve']}\n  }}\n}}"
            )
        if "lmtp" in self.ports:
            addr = " ".join(self.hosts)
            cfg.append(
                "service lmtp {\n"
                f"  inet_listener lmtp {{\n    address = {addr}\n"
                f"    port = {self.ports['lmtp']}\n  }}\n}}"
            )
        (d / "dovecot.conf").write_text("\n".join(cfg) + "\n")
        self.spawn(["dovecot", "-F", "-c", str(d / "dovecot.conf")])

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, p) for p in self.ports.values() for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        return {
            kw: StartTLSPeer(kw, self.name, port, self.hosts) for kw, port in self.ports.items()
        }


# --- slapd (ldap) ----------------------------------------------------------------------


class Slapd(Instance):
    name = "slapd"
    package = "slapd"
    binary = "/usr/sbin/slapd"
    user = "openldap"

    def _launch(self) -> None:
        d = self.dir
        self.port = free_port_both(self.hosts)
        ldif = f"""\
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {d}/slapd.pid
olcTLSCertificateFile: {self.cert}
olcTLSCertificateKeyFile: {self.key}
olcTLSCACertificateFile: {self.ca}
olcTLSVerifyClient: never

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcRootDN: cn=admin,cn=config
"""
        (d / "config.ldif").write_text(ldif)
        (d / "slapd.d").mkdir()
        run_cmd(
            ["slapadd", "-n", "0", "-F", str(d / "slapd.d"), "-l", str(d / "config.ldif")],
            what="slapadd",
        )
        chown(d, self.user, recursive=True)
        urls = " ".join(
            f"ldap://{'[' + h + ']' if ':' in h else h}:{self.port}/" for h in self.hosts
        )
        self.spawn(
            [
                self.binary,
                "-d",
                "none",
                "-u",
                self.user or "root",
                "-g",
                self.user or "root",
                "-F",
                str(d / "slapd.d"),
                "-h",
                urls,
            ]
        )

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"ldap": StartTLSPeer("ldap", self.name, self.port, self.hosts)}


# --- PostgreSQL (postgres) ----------------------------------------------------------------


def _pg_bindir() -> Path | None:
    base = Path("/usr/lib/postgresql")
    if not base.is_dir():
        return None
    versions = sorted(
        (p for p in base.iterdir() if (p / "bin" / "postgres").exists()),
        key=lambda p: int(p.name) if p.name.isdigit() else 0,
    )
    return versions[-1] / "bin" if versions else None


class Postgres(Instance):
    name = "postgres"
    package = "postgresql-15"
    binary = "/usr/lib/postgresql/15/bin/postgres"
    user = "postgres"
    logs = ("postgres.log",)

    def check_installed(self) -> None:
        bindir = _pg_bindir()
        if bindir is not None:
            self.binary = str(bindir / "postgres")
        super().check_installed()

    def _launch(self) -> None:
        d = self.dir
        bindir = Path(self.binary).parent
        self.port = free_port_both(self.hosts)
        chown(d, self.user)
        (d / "sock").mkdir()
        chown(d / "sock", self.user)
        run_cmd(
            [
                *as_user(self.user),
                str(bindir / "initdb"),
                "-D",
                str(d / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            what="initdb",
        )
        self.spawn(
            [
                *as_user(self.user),
                self.binary,
                "-D",
                str(d / "data"),
                "-c",
                f"listen_addresses={','.join(self.hosts)}",
                "-c",
                f"port={self.port}",
                "-c",
                f"unix_socket_directories={d}/sock",
                "-c",
                "ssl=on",
                "-c",
                f"ssl_cert_file={self.cert}",
                "-c",
                f"ssl_key_file={self.key}",
                "-c",
                "fsync=off",
                "-c",
                "logging_collector=off",
            ]
        )

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def _shutdown(self) -> None:
        # SIGINT: PostgreSQL's "fast" shutdown (SIGTERM waits for clients); it
        # also removes its shared memory, which SIGKILL would leave behind.
        for p in self.procs:
            p.send_signal(signal.SIGINT)
            p.wait(10)
        super()._shutdown()

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"postgres": StartTLSPeer("postgres", self.name, self.port, self.hosts)}


# --- MariaDB (mysql) ------------------------------------------------------------------------


class MariaDB(Instance):
    name = "mariadb"
    package = "mariadb-server"
    binary = "/usr/sbin/mariadbd"
    user = "mysql"
    logs = ("mysqld.err",)

    def _launch(self) -> None:
        d = self.dir
        self.port = free_port_both(self.hosts)
        chown(d, self.user)
        users = "\n".join(
            f"CREATE USER IF NOT EXISTS 'sclient'@'{h}' IDENTIFIED BY 'sclient';"
            for h in self.hosts
        )
        (d / "init.sql").write_text(users + "\n")
        cnf = f"""\
[mysqld]
user = mysql
datadir = {d}/data
socket = {d}/mysqld.sock
pid-file = {d}/mysqld.pid
log-error = {d}/mysqld.err
port = {self.port}
bind-address = {",".join(self.hosts)}
skip-name-resolve
skip-log-bin
skip-networking = 0
init-file = {d}/init.sql
ssl-cert = {self.cert}
ssl-key = {self.key}
ssl-ca = {self.ca}
innodb_buffer_pool_size = 16M
innodb_log_file_size = 8M
innodb_flush_log_at_trx_commit = 0
performance_schema = OFF
"""
        (d / "my.cnf").write_text(cnf)
        run_cmd(
            [
                "mariadb-install-db",
                f"--defaults-file={d}/my.cnf",
                "--user=mysql",
                "--skip-test-db",
                "--auth-root-authentication-method=socket",
            ],
            what="mariadb-install-db",
        )
        self.spawn([self.binary, f"--defaults-file={d}/my.cnf"])

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"mysql": StartTLSPeer("mysql", self.name, self.port, self.hosts)}


# --- prosody (xmpp, xmpp-server) -------------------------------------------------------------


class Prosody(Instance):
    name = "prosody"
    package = "prosody"
    binary = "/usr/bin/prosody"
    user = "prosody"
    logs = ("prosody.log",)

    def check_installed(self) -> None:
        super().check_installed()
        if not any(
            Path(p).exists()
            for p in (
                "/usr/share/lua/5.1/ssl.lua",
                "/usr/share/lua/5.2/ssl.lua",
                "/usr/share/lua/5.4/ssl.lua",
            )
        ):
            _missing("lua-sec", "ssl.lua")

    def _launch(self) -> None:
        d = self.dir
        self.c2s = free_port_both(self.hosts)
        self.s2s = free_port_both(self.hosts)
        (d / "data").mkdir()
        chown(d, self.user, recursive=True)
        ifaces = ", ".join(f'"{h}"' for h in self.hosts)
        cfg = f"""\
data_path = "{d}/data"
log = {{ info = "{d}/prosody.log" }}
interfaces = {{ {ifaces} }}
local_interfaces = {{ {ifaces} }}
c2s_ports = {{ {self.c2s} }}
s2s_ports = {{ {self.s2s} }}
c2s_direct_tls_ports = {{ }}
s2s_direct_tls_ports = {{ }}
legacy_ssl_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
component_ports = {{ }}
modules_enabled = {{ "tls", "saslauth", "dialback", "disco", "roster", "ping" }}
modules_disabled = {{ "offline", "c2s_legacy_ssl" }}
ssl = {{ certificate = "{self.cert}"; key = "{self.key}" }}
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = false
authentication = "internal_hashed"
pidfile = "{d}/prosody.pid"
VirtualHost "localhost"
"""
        (d / "prosody.cfg.lua").write_text(cfg)
        chown(d / "prosody.cfg.lua", self.user)
        self.spawn([*as_user(self.user), self.binary, "--config", str(d / "prosody.cfg.lua"), "-F"])

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, p) for p in (self.c2s, self.s2s) for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        # prosody serves "localhost" only: the stream's to= must say so.
        extra = ("-xmpphost", "localhost")
        return {
            "xmpp": StartTLSPeer("xmpp", self.name, self.c2s, self.hosts, extra),
            "xmpp-server": StartTLSPeer("xmpp-server", self.name, self.s2s, self.hosts, extra),
        }


# --- InspIRCd (irc) --------------------------------------------------------------------------


class InspIRCd(Instance):
    name = "inspircd"
    package = "inspircd"
    binary = "/usr/sbin/inspircd"
    user = "irc"
    logs = ("inspircd.log",)

    def _launch(self) -> None:
        d = self.dir
        self.port = free_port_both(self.hosts)
        (d / "data").mkdir()
        (d / "logs").mkdir()
        binds = "\n".join(
            f'<bind address="{h}" port="{self.port}" type="clients">' for h in self.hosts
        )
        cfg = f"""\
<config format="xml">
<server name="irc.localhost" description="sclient test server" network="SclientTest">
<admin name="Admin" nick="admin" email="admin@localhost">
{binds}
<connect name="main" allow="*" maxchans="20" timeout="60" pingfreq="120" hardsendq="1M" softsendq="8192" recvq="8K" threshold="10" commandrate="1000" fakelag="no" localmax="100" globalmax="100" resolvehostnames="no" useident="no" limit="100" modes="+x">
<path configdir="{d}" datadir="{d}/data" logdir="{d}/logs">
<pid file="{d}/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="{d}/inspircd.log">
<dns server="127.0.0.1" sourceip="127.0.0.1" sourceport="0" timeout="1">
<options defaultmodes="nt" hostintopic="yes" pingwarning="15" splitwhois="no" fixedquit="" prefixquit="" suffixquit="">
<security announceinvites="dynamic" hideserver="" hidekills="" hideulinekills="no" userstats="Pu" customversion="" flatlinks="no" hidebans="no" hidesplits="no" maxtargets="20" restrictbannedusers="yes" genericoper="no">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="10" maxhost="64" maxquit="255" maxtopic="307" maxkick="255" maxreal="128" maxgecos="128" maxaway="200">
<module name="ssl_gnutls">
<module name="starttls">
<module name="cap">
<sslprofile name="Clients" provider="gnutls" certfile="{self.cert}" keyfile="{self.key}" dhfile="{self.dh}" requestclientcert="no" mindhbits="2048" hash="sha256">
<starttls provider="Clients">
"""
        (d / "inspircd.conf").write_text(cfg)
        chown(d, self.user, recursive=True)
        self.spawn(
            [*as_user(self.user), self.binary, f"--config={d}/inspircd.conf", "--nofork", "--nopid"]
        )

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"irc": StartTLSPeer("irc", self.name, self.port, self.hosts)}


# --- vsftpd (ftp) ------------------------------------------------------------------------------


class Vsftpd(Instance):
    name = "vsftpd"
    package = "vsftpd"
    binary = "/usr/sbin/vsftpd"
    logs = ("vsftpd.log",)

    def _launch(self) -> None:
        d = self.dir
        self.port = free_port_both(self.hosts)
        empty = d / "empty"
        empty.mkdir()
        empty.chmod(0o555)
        common = f"""\
background=NO
listen_port={self.port}
anonymous_enable=YES
anon_root={empty}
no_anon_password=YES
local_enable=NO
write_enable=NO
ssl_enable=YES
allow_anon_ssl=YES
force_local_data_ssl=NO
force_local_logins_ssl=NO
require_ssl_reuse=NO
ssl_ciphers=HIGH
rsa_cert_file={self.cert}
rsa_private_key_file={self.key}
secure_chroot_dir={empty}
seccomp_sandbox=NO
nopriv_user=ftp
ftp_username=ftp
xferlog_enable=NO
vsftpd_log_file={d}/vsftpd.log
dirmessage_enable=NO
use_localtime=NO
pasv_address=127.0.0.1
"""
        for h in self.hosts:
            fam = "v6" if ":" in h else "v4"
            if fam == "v4":
                lines = "listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\n"
            else:
                lines = "listen=NO\nlisten_ipv6=YES\nlisten_address6=::1\n"
            conf = d / f"vsftpd-{fam}.conf"
            conf.write_text(common + lines)
            self.spawn([self.binary, str(conf)])

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"ftp": StartTLSPeer("ftp", self.name, self.port, self.hosts)}


# --- INN 2 nnrpd (nntp) ----------------------------------------------------------------------------


class Nnrpd(Instance):
    name = "nnrpd"
    package = "inn2"
    binary = "/usr/lib/news/bin/nnrpd"
    user = "news"

    def _launch(self) -> None:
        d = self.dir
        self.port = free_port_both(self.hosts)
        paths = {
            "pathetc": d / "etc",
            "pathdb": d / "db",
            "pathrun": d / "run",
            "pathspool": d / "spool",
            "patharticles": d / "spool" / "articles",
            "pathoverview": d / "spool" / "overview",
            "pathincoming": d / "spool" / "incoming",
            "pathoutgoing": d / "spool" / "outgoing",
            "patharchive": d / "spool" / "archive",
            "pathtmp": d / "tmp",
            "pathlog": d / "log",
            "pathhttp": d / "http",
        }
        for p in paths.values():
            p.mkdir(parents=True, exist_ok=True)
        etc = paths["pathetc"]
        for f in ("newsfeeds", "incoming.conf", "expire.ctl", "distrib.pats"):
            src = Path("/etc/news") / f
            if src.exists():
                shutil.copy(src, etc / f)
        # timehash keeps no database of its own (the packaged tradspool keeps
        # tradspool.map, which each connection's nnrpd opens at start).
        (etc / "storage.conf").write_text("method timehash {\n    newsgroups: *\n    class: 0\n}\n")
        conf = {
            "mta": '"/usr/sbin/sendmail -oi -oem %s"',
            "organization": '"sclient tests"',
            "ovmethod": "tradindexed",
            "hismethod": "hisv6",
            "pathhost": "news.localdomain",
            "server": "localhost",
            "domain": "localdomain",
            "fromhost": "localdomain",
            "pathnews": "/usr/lib/news",
            "pathbin": "/usr/lib/news/bin",
            "pathfilter": "/etc/news/filter",
            "pathcontrol": "/usr/lib/news/bin/control",
            "enableoverview": "true",
            "port": str(self.port),
            "tlscertfile": str(self.cert),
            "tlskeyfile": str(self.key),
            "tlscafile": str(self.ca),
            "tlscapath": str(etc),
            "initialtimeout": "30",
            # nnrpd answers "400 NNTP server unavailable" above this load
            # average (16 by default: reached on a busy CI machine); 0 = no limit.
            "nnrpdloadlimit": "0",
            **{k: str(v) for k, v in paths.items()},
        }
        (etc / "inn.conf").write_text("".join(f"{k}: {v}\n" for k, v in conf.items()))
        hosts = ", ".join(["127.0.0.1", "::1"])
        (etc / "readers.conf").write_text(
            f'auth "local" {{\n    hosts: "{hosts}"\n    default: "<local>"\n}}\n'
            'access "local" {\n    users: "<local>"\n    newsgroups: "*"\n    access: RPA\n}\n'
        )
        db = paths["pathdb"]
        (db / "active").write_text(
            "junk 0000000000 0000000001 n\ncontrol 0000000000 0000000001 n\n"
        )
        (db / "newsgroups").write_text("junk\tJunk\ncontrol\tControl\n")
        (db / "active.times").write_text("")
        (db / "history").write_text("")
        chown(d, self.user, recursive=True)
        env = dict(os.environ, INNCONF=str(etc / "inn.conf"))
        self.env = env
        run_cmd(
            [*as_user(self.user), "/usr/lib/news/bin/makedbz", "-i", "-o"],
            env=env,
            what="makedbz",
        )
        run_cmd(
            [*as_user(self.user), "/usr/lib/news/bin/makehistory", "-O", "-x"],
            env=env,
            what="makehistory",
        )
        cmd = [*as_user(self.user), self.binary, "-D", "-f", "-p", str(self.port)]
        cmd += ["-4", V4]
        if V6 in self.hosts:
            cmd += ["-6", V6]
        self.spawn(cmd, env=env)

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"nntp": StartTLSPeer("nntp", self.name, self.port, self.hosts)}


# --- telnet (scripted, RFC 2946 START_TLS) -------------------------------------------------------------

IAC, DO, WILL, SB, SE, START_TLS, FOLLOWS = 255, 253, 251, 250, 240, 46, 1
TELNET_DO_STARTTLS = bytes([IAC, DO, START_TLS])
TELNET_WILL_STARTTLS = bytes([IAC, WILL, START_TLS])
TELNET_FOLLOWS = bytes([IAC, SB, START_TLS, FOLLOWS, IAC, SE])


class TelnetStartTLS(ThreadedListener):
    """A telnet server that negotiates START_TLS (RFC 2946) and then TLS-echoes.

    Sends ``IAC DO START_TLS``; expects ``IAC WILL START_TLS`` and
    ``IAC SB START_TLS FOLLOWS IAC SE``; answers the FOLLOWS and starts TLS.
    ``sessions`` records, per connection, the bytes received before TLS and the
    negotiated TLS version (or the error)."""

    def __init__(self, chain: Chain, host: str = V4) -> None:
        self.host = host
        self.chain = chain
        self.sessions: list[dict[str, object]] = []
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(chain.fullchain), str(chain.key))
        self._init_listener()

    def _on_connection(self, conn: socket.socket) -> None:
        self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        info: dict[str, object] = {"pre_tls": b"", "version": None, "error": None}
        self.sessions.append(info)
        conn.settimeout(10)
        try:
            conn.sendall(TELNET_DO_STARTTLS)
            want = TELNET_WILL_STARTTLS + TELNET_FOLLOWS
            got = b""
            while len(got) < len(want):
                d = conn.recv(len(want) - len(got))
                if not d:
                    break
                got += d
            info["pre_tls"] = got
            if got != want:
                info["error"] = f"unexpected negotiation {got!r}"
                return
            conn.sendall(TELNET_FOLLOWS)
            with self.ctx.wrap_socket(conn, server_side=True) as tls:
                info["version"] = tls.version()
                while True:
                    d = tls.recv(4096)
                    if not d:
                        break
                    tls.sendall(d)
        except (OSError, ssl.SSLError) as e:
            if info["error"] is None and info["version"] is None:
                info["error"] = str(e)
        finally:
            with contextlib.suppress(OSError):
                conn.close()


class Telnet(Instance):
    """Two :class:`TelnetStartTLS` listeners (127.0.0.1 and ::1), sharing a port."""

    name = "telnet"
    package = "python3"
    binary = "/"

    def check_installed(self) -> None:
        pass

    def _prepare_dir(self) -> None:
        pass

    def _launch(self) -> None:
        self.servers: list[TelnetStartTLS] = []
        self.port = 0
        for h in self.hosts:
            s = TelnetStartTLS(self.chain, h)
            if self.port:
                s.start_on(self.port)
            else:
                s.start()
                self.port = s.port
            self.servers.append(s)

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, self.port) for h in self.hosts]

    def _shutdown(self) -> None:
        for s in getattr(self, "servers", []):
            s.stop()

    def stop(self) -> None:
        self._shutdown()
        _LIVE.discard(self)

    def peers(self) -> dict[str, StartTLSPeer]:
        return {"telnet": StartTLSPeer("telnet", self.name, self.port, self.hosts)}

    @property
    def sessions(self) -> list[dict[str, object]]:
        return [s for srv in self.servers for s in srv.sessions]


def _start_on(self: ThreadedListener, port: int) -> ThreadedListener:
    """Like ``start()`` but on a given port (for a second address family)."""
    family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((self.host, port))
    s.listen(16)
    s.settimeout(0.2)
    self._sock = s
    self.port = port
    self._spawn(self._accept_loop)
    return self


TelnetStartTLS.start_on = _start_on  # type: ignore[attr-defined]


# --- proxies: squid, tinyproxy ------------------------------------------------------------------------


class Squid(Instance):
    """One squid with two ports: ``port`` (open) and ``auth_port`` (Basic auth)."""

    name = "squid"
    package = "squid"
    binary = "/usr/sbin/squid"
    user = "proxy"
    logs = ("cache.log",)
    # squid waits out shutdown_lifetime and more after SIGTERM; it keeps no
    # state worth a clean stop (no cache directory), so it is killed early.
    stop_grace = 0.5

    def _launch(self) -> None:
        d = self.dir
        self.port = free_port_both(self.hosts)
        self.auth_port = free_port_both(self.hosts)
        chown(d, self.user)
        # apr1 hash of the proxy password, made by openssl (basic_ncsa_auth reads it).
        hashed = run_cmd(["openssl", "passwd", "-apr1", PROXY_PASS], what="openssl passwd").strip()
        (d / "passwd").write_text(f"{PROXY_USER}:{hashed}\n")
        chown(d / "passwd", self.user)
        ports = []
        for h in self.hosts:
            hh = f"[{h}]" if ":" in h else h
            tag = "6" if ":" in h else "4"
            ports.append(f"http_port {hh}:{self.port} name=open{tag}")
            ports.append(f"http_port {hh}:{self.auth_port} name=auth{tag}")
        ncsa = "/usr/lib/squid/basic_ncsa_auth"
        cfg = "\n".join(
            [
                *ports,
                f"pid_filename {d}/squid.pid",
                f"cache_log {d}/cache.log",
                f"access_log stdio:{d}/access.log",
                "cache_store_log none",
                "cache deny all",
                "cache_mem 8 MB",
                f"coredump_dir {d}",
                "cache_effective_user proxy",
                "shutdown_lifetime 1 seconds",
                "visible_hostname localhost",
                "udp_incoming_address 127.0.0.1",
                "udp_outgoing_address 127.0.0.1",
                "dns_nameservers 127.0.0.1",
                "icp_port 0",
                "htcp_port 0",
                f"auth_param basic program {ncsa} {d}/passwd",
                "auth_param basic children 2 startup=1 idle=1",
                "auth_param basic realm sclient-tests",
                "acl authports myportname auth4 auth6",
                "acl authed proxy_auth REQUIRED",
                "http_access deny authports !authed",
                "http_access allow all",
                "",
            ]
        )
        (d / "squid.conf").write_text(cfg)
        self.spawn([self.binary, "-N", "-f", str(d / "squid.conf")])

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, p) for p in (self.port, self.auth_port) for h in self.hosts]

    def proxies(self) -> dict[bool, ProxyPeer]:
        return {
            False: ProxyPeer("squid", self.port, self.hosts),
            True: ProxyPeer("squid", self.auth_port, self.hosts, PROXY_USER, PROXY_PASS),
        }


class Tinyproxy(Instance):
    """Two tinyproxy processes: ``port`` (open) and ``auth_port`` (BasicAuth)."""

    name = "tinyproxy"
    package = "tinyproxy"
    binary = "/usr/bin/tinyproxy"
    user = "tinyproxy"
    logs = ("open.log", "auth.log")

    def _launch(self) -> None:
        d = self.dir
        chown(d, self.user)
        self.port = free_port_both(self.hosts)
        self.auth_port = free_port_both(self.hosts)
        for tag, port in (("open", self.port), ("auth", self.auth_port)):
            lines = [
                "User tinyproxy",
                "Group tinyproxy",
                f"Port {port}",
                *(f"Listen {h}" for h in self.hosts),
                "Timeout 30",
                f'LogFile "{d}/{tag}.log"',
                "LogLevel Info",
                "MaxClients 50",
                "DisableViaHeader Yes",
            ]
            if tag == "auth":
                lines.append(f"BasicAuth {PROXY_USER} {PROXY_PASS}")
            conf = d / f"{tag}.conf"
            conf.write_text("\n".join(lines) + "\n")
            self.spawn([self.binary, "-d", "-c", str(conf)])

    def listeners(self) -> list[tuple[str, int]]:
        return [(h, p) for p in (self.port, self.auth_port) for h in self.hosts]

    def proxies(self) -> dict[bool, ProxyPeer]:
        return {
            False: ProxyPeer("tinyproxy", self.port, self.hosts),
            True: ProxyPeer("tinyproxy", self.auth_port, self.hosts, PROXY_USER, PROXY_PASS),
        }


# --- checks: which processes and sockets belong to the instances ------------------------------


def session_pids(sessions: set[int]) -> set[int]:
    """Pids of the live processes whose session id is in ``sessions`` (every process
    a server starts stays in the session its launcher made)."""
    out: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields: state ppid pgrp session ...
        if fields[0] != "Z" and int(fields[3]) in sessions:
            out.add(int(entry))
    return out


def _socket_inodes(pid: int) -> set[int]:
    inodes: set[int] = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for fd in fds:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(int(link[8:-1]))
    return inodes


def _decode_addr(hexaddr: str) -> str:
    ip, port = hexaddr.split(":")
    raw = bytes.fromhex(ip)
    if len(raw) == 4:
        addr = socket.inet_ntop(socket.AF_INET, raw[::-1])
    else:  # four 32-bit words, each in host (little-endian) order
        words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
        addr = socket.inet_ntop(socket.AF_INET6, words)
    return f"{addr}:{int(port, 16)}"


LOOPBACK_ADDRS = ("127.0.0.1", "::1", "::ffff:127.0.0.1")


def loopback_only_violations(instances: Sequence[Instance]) -> list[str]:
    """Sockets of the instances' processes that listen (TCP) or are bound (UDP)
    anywhere but loopback, as readable lines (empty: all good)."""
    sessions = {p.pid for inst in instances for p in inst.procs}
    owner: dict[int, int] = {}
    for pid in session_pids(sessions):
        for ino in _socket_inodes(pid):
            owner[ino] = pid
    bad: list[str] = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        try:
            lines = Path(f"/proc/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            local, state, inode = f[1], f[3], int(f[9])
            if inode not in owner:
                continue
            if table.startswith("tcp") and state != "0A":  # only LISTEN sockets
                continue
            addr = _decode_addr(local)
            if addr.rsplit(":", 1)[0] not in LOOPBACK_ADDRS:
                try:
                    comm = Path(f"/proc/{owner[inode]}/comm").read_text().strip()
                except OSError:
                    comm = "?"
                bad.append(f"{table} {addr} held by {comm} (pid {owner[inode]})")
    return bad


# --- the pool -------------------------------------------------------------------------------------------

SERVERS: dict[str, type[Instance]] = {
    "postfix": Postfix,
    "dovecot": Dovecot,
    "slapd": Slapd,
    "postgres": Postgres,
    "mariadb": MariaDB,
    "prosody": Prosody,
    "inspircd": InspIRCd,
    "vsftpd": Vsftpd,
    "nnrpd": Nnrpd,
    "telnet": Telnet,
    "squid": Squid,
    "tinyproxy": Tinyproxy,
}


class RealPeers:
    """Starts each server on first use, keeps it for the session, stops all at the end."""

    def __init__(self, base: Path, pki: PKI) -> None:
        self.base = base
        self.pki = pki
        self.instances: dict[str, Instance] = {}
        self.failures: dict[str, BaseException] = {}
        self._lock = threading.Lock()

    def server(self, name: str) -> Instance:
        with self._lock:
            if name in self.instances:
                return self.instances[name]
            if name in self.failures:
                raise RuntimeError(f"{name} failed to start earlier in this session") from (
                    self.failures[name]
                )
            inst = SERVERS[name](self.base, self.pki)
            try:
                inst.start()
            except pytest.skip.Exception:
                raise
            except BaseException as e:
                self.failures[name] = e
                raise
            self.instances[name] = inst
            return inst

    def starttls(self, keyword: str) -> StartTLSPeer:
        name = STARTTLS_KEYWORDS[keyword]
        inst = self.server(name)
        peers = inst.peers()  # type: ignore[attr-defined]
        if keyword not in peers:
            pkg = Dovecot.packages.get(keyword, name)
            pytest.skip(f"{keyword}: {pkg} not installed: apt-get install {pkg}")
        return peers[keyword]  # type: ignore[no-any-return]

    def proxy(self, name: str, *, auth: bool = False) -> ProxyPeer:
        inst = self.server(name)
        return inst.proxies()[auth]  # type: ignore[attr-defined, no-any-return]

    def startup_times(self) -> dict[str, float]:
        return {
            n: i.startup_seconds for n, i in self.instances.items() if i.startup_seconds is not None
        }

    def close(self) -> None:
        for inst in list(self.instances.values()):
            with contextlib.suppress(Exception):
                inst.stop()
        self.instances.clear()


@pytest.fixture(scope="session")
def realpeers(tmp_path_factory: pytest.TempPathFactory, pki: PKI) -> Iterator[RealPeers]:
    pool = RealPeers(tmp_path_factory.mktemp("realpeers"), pki)
    try:
        yield pool
    finally:
        pool.close()


def _server_fixture(name: str):  # type: ignore[no-untyped-def]
    @pytest.fixture(scope="session")
    def fixture(realpeers: RealPeers) -> Instance:
        return realpeers.server(name)

    fixture.__name__ = f"{name}_peer"
    fixture.__doc__ = f"The session's private {name} instance (started on first use)."
    return fixture


postfix_peer = _server_fixture("postfix")
dovecot_peer = _server_fixture("dovecot")
slapd_peer = _server_fixture("slapd")
postgres_peer = _server_fixture("postgres")
mariadb_peer = _server_fixture("mariadb")
prosody_peer = _server_fixture("prosody")
inspircd_peer = _server_fixture("inspircd")
vsftpd_peer = _server_fixture("vsftpd")
nnrpd_peer = _server_fixture("nnrpd")
telnet_peer = _server_fixture("telnet")
squid_proxy = _server_fixture("squid")
tinyproxy_proxy = _server_fixture("tinyproxy")
