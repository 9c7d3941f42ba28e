"""
A throwaway PostgreSQL server for the tests, or the one KETNAP_TEST_POSTGRES_URL names.

The server is Debian's (tools/ensure_postgres.sh installs it from ``make test``): a data
directory in a temporary folder, trust authentication on 127.0.0.1 and a free port,
stopped and removed at the end of the session. As root, it runs as the ``postgres``
user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ENV = "KETNAP_TEST_POSTGRES_URL"


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def server(password: str | None = None) -> Iterator[str | None]:
    """
    Yield a server's URL, or None (with the reason printed) when none can be had.

    With *password*, a server of its own that asks the user ``ketnap`` for it
    (scram-sha-256); the URL does not hold it. None when KETNAP_TEST_POSTGRES_URL names
    the server, since its authentication is not ours to set.
    """
    given = os.environ.get(ENV)
    if given:
        yield None if password is not None else given
        return
    binaries = _binaries()
    if binaries is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="ketnap-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    auth = ["--auth=trust"]
    if password is not None:
        secret = folder / "password"
        secret.write_text(password, encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(secret, "postgres", "postgres")
        auth = ["--auth=scram-sha-256", f"--pwfile={secret}"]
    try:
        subprocess.run(  # noqa: S603 - Debian's own binaries
            _as_server_user([str(binaries / "initdb"), "-D", str(data), *auth,
                             "-U", "ketnap", "--encoding=UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        # fsync off: a test server's data need not survive a power cut. A larger buffer
        # cache and fewer checkpoints than the defaults, for the benchmarks' big fills.
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c shared_buffers=1GB -c max_wal_size=8GB -c synchronous_commit=off"
        )
        subprocess.run(  # noqa: S603
            _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
                             "-l", str(folder / "log"), "-w", "start"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        yield f"postgresql://ketnap@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603
                _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "stop"]),
                check=False, capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
