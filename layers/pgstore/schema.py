"""Connections and versioned migrations of the PostGIS store.

Migrations are the numbered SQL files in ``layers/pgstore/migrations`` applied in
order, each in its own transaction, and recorded in ``schema_migrations``; an
advisory lock keeps two servers from migrating at once. Connection secrets come
from the URL, the ``PG*`` environment variables or ``~/.pgpass`` (libpq's own
rules), never from a file of the project.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from geo.errors import StoreError

__all__ = ["MIGRATIONS", "connect", "is_postgres_url", "migrate", "pending_migrations", "redact_url"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x5359524D  # "SYRM"


def is_postgres_url(target: object) -> bool:
    """Return True for ``postgresql://…`` / ``postgres://…`` store addresses."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://", "postgresql:", "postgres:"))


def redact_url(url: str) -> str:
    """Return *url* without its password, for messages: in the user part, the query or a ``key=value`` string.

    >>> redact_url("postgresql://ann:secret@db.example/incidents")
    'postgresql://ann:***@db.example/incidents'
    >>> redact_url("postgresql://ann@db.example/incidents?sslmode=require&password=hunter2&x=1")
    'postgresql://ann@db.example/incidents?sslmode=require&password=***&x=1'
    >>> redact_url("host=db.example user=ann password='p w' dbname=incidents")
    'host=db.example user=ann password=*** dbname=incidents'
    """
    url = re.sub(r"(://[^:/@?#]+):[^@/?#]*@", r"\1:***@", url)
    url = re.sub(r"([?&]password=)[^&#]*", r"\1***", url, flags=re.IGNORECASE)
    return re.sub(r"(^|\s)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1\2***", url, flags=re.IGNORECASE)


def connect(url: str, *, app_user: str = "", autocommit: bool = False) -> Any:
    """Open a connection to the store at *url* (libpq URL; PG* variables and .pgpass apply).

    ``app_user`` is recorded in the audit trail of every change made through it.

    Raises
    ------
    StoreError
        psycopg is missing or the server cannot be reached, with the reason.
    """
    try:
        import psycopg
    except ImportError as err:  # pragma: no cover - a dependency
        raise StoreError("the PostGIS store needs psycopg: pip install 'psycopg[binary]'") from err
    try:
        conn = psycopg.connect(url, autocommit=autocommit, application_name="syria-incident-map", connect_timeout=10)
    except psycopg.Error as err:
        raise StoreError(f"cannot connect to {redact_url(url)}: {str(err).strip()}") from err
    if app_user:
        with conn.cursor() as cur:
            cur.execute("SELECT set_config('syria_map.user', %s, false)", (app_user,))
        if not autocommit:
            conn.commit()
    return conn


def _migration_files() -> list[tuple[str, Path]]:
    files = sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    return [(f.name.split("_", 1)[0], f) for f in files]


def _applied(cur: Any) -> set[str]:
    cur.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not cur.fetchone()[0]:
        return set()
    cur.execute("SELECT version FROM schema_migrations")
    return {row[0] for row in cur.fetchall()}


def pending_migrations(conn: Any) -> list[str]:
    """Return the file names of the migrations not yet applied."""
    with conn.cursor() as cur:
        done = _applied(cur)
    conn.rollback()
    return [path.name for version, path in _migration_files() if version not in done]


def migrate(conn: Any) -> list[str]:
    """Apply every pending migration, in order; return the names applied.

    Each file runs in one transaction with its ``schema_migrations`` row, so a
    failing migration leaves the schema at the previous version. With nothing pending
    nothing is written (editors and readers open an up-to-date store this way); a role
    that may not change the schema gets a :class:`~geo.errors.StoreError` naming the
    migrations its owner must apply.
    """
    pending = pending_migrations(conn)
    if not pending:
        return []
    applied: list[str] = []
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        conn.commit()
        try:
            try:
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version text PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())"
                )
                conn.commit()
            except Exception as err:
                conn.rollback()
                raise StoreError(
                    f"the store's schema needs {', '.join(pending)} and this role cannot apply them "
                    f"({(str(err).strip().splitlines() or [''])[0]}); connect once as the database's owner to "
                    "migrate it (docs/postgis.md)"
                ) from err
            done = _applied(cur)
            for version, path in _migration_files():
                if version in done:
                    continue
                try:
                    cur.execute(path.read_text(encoding="utf-8"))
                    cur.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, path.name))
                    conn.commit()
                except Exception as err:
                    conn.rollback()
                    raise StoreError(f"migration {path.name} failed: {str(err).strip()}") from err
                applied.append(path.name)
        finally:
            conn.rollback()  # a failed statement leaves the transaction aborted: unlock in a new one
            cur.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
            conn.commit()
    return applied
