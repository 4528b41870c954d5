"""A throwaway PostgreSQL server for tests (临时数据库): :class:`TemporaryCluster`.

The server binaries come from the system (Debian's ``postgresql`` package puts them in
``/usr/lib/postgresql/<major>/bin``; ``pg_config --bindir`` names them elsewhere). The cluster
lives in a temporary folder, listens only on a unix socket in that folder, runs with
``fsync=off`` (nothing in it needs to survive), and is removed when stopped. ``initdb`` refuses
to run as root, so under root the cluster belongs to the ``postgres`` user (``runuser``).

Each test gets a database of its own: :meth:`TemporaryCluster.create_database` copies a
template (``CREATE DATABASE ... TEMPLATE``), which is fast, so a template migrated once serves
every test.

This module starts processes and reads no business time; it needs no Python driver.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["TemporaryCluster", "find_bindir"]


def find_bindir() -> str | None:
    """The folder of ``initdb``, ``pg_ctl`` and ``postgres``: ``YUQING_PG_BINDIR``, else
    ``pg_config --bindir``, else the newest ``/usr/lib/postgresql/*/bin``; ``None`` if none
    has them."""
    candidates = []
    named = os.environ.get("YUQING_PG_BINDIR")
    if named:
        candidates.append(named)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versions, key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in candidates:
        if folder and all(os.access(Path(folder) / b, os.X_OK) for b in _BINARIES):
            return folder
    return None


_BINARIES = ("initdb", "pg_ctl", "postgres")


class TemporaryCluster:
    """A PostgreSQL cluster in a temporary folder: ``start()``, ``conninfo(db)``, ``stop()``.

    >>> cluster = TemporaryCluster("/nonexistent")
    >>> cluster.running
    False
    """

    def __init__(self, bindir: str, *, durable: bool = False) -> None:
        """``durable``: sync commits to disk as a production server does (for benchmarks);
        by default ``fsync=off``, as nothing in a test cluster needs to survive."""
        self.bindir = bindir
        self.durable = durable
        self.folder: Path | None = None
        self.running = False
        self._owner = "postgres" if os.geteuid() == 0 else None

    @property
    def user(self) -> str:
        """The database superuser (the cluster's owner)."""
        return "postgres" if self._owner else _login()

    def _run(self, *args: str) -> None:
        command = [str(Path(self.bindir) / args[0]), *args[1:]]
        if self._owner:
            command = ["runuser", "-u", self._owner, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")

    def start(self) -> None:
        """Create the cluster and start its server (unix socket only, ``fsync=off``)."""
        folder = Path(tempfile.mkdtemp(prefix="yuqing-pg-"))
        folder.chmod(0o755)
        if self._owner:
            shutil.chown(folder, self._owner, self._owner)
        self.folder = folder
        data = folder / "data"
        self._run("initdb", "-D", str(data), "-U", self.user, "-A", "trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")  # fmt: skip
        options = f"-c listen_addresses='' -c unix_socket_directories='{folder}' "
        options += "-c max_connections=60 "
        if not self.durable:
            options += "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "start", "-D", str(data), "-w", "-l", str(folder / "log"),
                  "-o", options)  # fmt: skip
        self.running = True

    def conninfo(self, dbname: str = "postgres") -> str:
        """The connection string of database ``dbname`` (libpq ``key=value`` form)."""
        if self.folder is None:
            raise RuntimeError("the cluster is not started")
        return f"host={self.folder} port=5432 user={self.user} dbname={dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run ``sql`` with ``psql`` and return what it prints (tuples only)."""
        psql = Path(self.bindir) / "psql"
        done = subprocess.run(
            [str(psql), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d",
             self.conninfo(dbname), "-c", sql],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def create_database(self, name: str, template: str = "template1") -> str:
        """Create database ``name`` as a copy of ``template``; return its connection string."""
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.conninfo(name)

    def stop(self) -> None:
        """Stop the server at once and remove the folder."""
        if self.folder is None:
            return
        if self.running:
            data = str(self.folder / "data")
            self._run("pg_ctl", "stop", "-D", data, "-m", "immediate", "-w")
            self.running = False
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> TemporaryCluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _login() -> str:
    import getpass

    return getpass.getuser()
