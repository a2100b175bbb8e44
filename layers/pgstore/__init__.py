"""The shared PostGIS store for teams (``postgresql://…``); the GeoPackage store stays the default.

See ``docs/postgis.md`` for the schema, the roles and how a team sets up a server.
"""

from __future__ import annotations

from layers.pgstore.schema import connect, is_postgres_url, migrate, pending_migrations, redact_url
from layers.pgstore.store import EDITABLE, PostgisStore, describe_history

__all__ = [
    "EDITABLE",
    "PostgisStore",
    "connect",
    "describe_history",
    "is_postgres_url",
    "migrate",
    "pending_migrations",
    "redact_url",
]
