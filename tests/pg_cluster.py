"""A throw-away PostgreSQL/PostGIS cluster for the tests: its own data folder, a Unix socket only.

Started once per test session when Debian's server binaries are installed
(``scripts/test.sh`` installs postgresql and postgis); stopped at the end. No TCP
port is opened (``listen_addresses = ''``). Set ``SYRIA_MAP_TEST_PG`` to a URL to
use an existing server instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_bin() -> Path | None:
    """Return the folder of initdb/pg_ctl (Debian's layout, or on PATH), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_user() -> list[str]:
    """PostgreSQL refuses to run as root: run its commands as 'postgres' then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def postgis_available() -> bool:
    """True when the PostGIS extension files are installed for the server found."""
    bindir = server_bin()
    if bindir is None:
        return False
    version = bindir.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control")) or bool(
        glob.glob("/usr/share/postgresql/*/extension/postgis.control")
    )


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster in a temporary folder; yield a superuser URL over its Unix socket."""
    bindir = server_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql postgis)")
    root = Path(tempfile.mkdtemp(prefix="syria-map-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    user = _as_user()
    if user:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        [
            *user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ],
        **run,
    )
    opts = f"-c listen_addresses='' -c unix_socket_directories={sock} -c fsync=off -c synchronous_commit=off"
    subprocess.run(
        [
            *user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "-l",
            str(root / "log"),
            "start",
        ],
        **run,
    )
    try:
        yield f"postgresql://postgres@/postgres?host={sock}"
    finally:
        subprocess.run(
            [*user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)
