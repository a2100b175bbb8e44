"""Public ids: a keyed HMAC of the record's id, with a secret kept in the user folder.

An imported record's id is a hash of its exact date, place and coordinates, so
publishing it lets anyone brute-force the exact point from a coarsened one.
Public exports therefore replace every ``id`` by ``"p-" + HMAC-SHA256(secret,
id)[:20 hex]``. The secret (32 random bytes) is created on first use in
``$SYRIA_MAP_HOME/public-id.key`` (``~/.syria-incident-map`` by default) with
permissions 0600; without it the public id cannot be linked back to the
record or its point. The same installation gives the same public id to the
same record in every export, so two public files can be compared; delete the
key file to start a new, unlinkable series.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from geo.errors import ExportError

__all__ = ["KEY_FILE", "installation_secret", "public_id", "public_ids"]

KEY_FILE = "public-id.key"
_KEY_BYTES = 32


def _home() -> Path:
    return Path(os.environ.get("SYRIA_MAP_HOME") or Path.home() / ".syria-incident-map")


def installation_secret(home: str | Path | None = None) -> bytes:
    """Return this installation's secret, creating ``public-id.key`` (mode 0600) on first use.

    Raises
    ------
    ExportError
        The key file cannot be created or read.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     key = installation_secret(tmp)
    ...     same = installation_secret(tmp)
    ...     mode = (Path(tmp) / KEY_FILE).stat().st_mode & 0o777
    >>> len(key), key == same, oct(mode)
    (32, True, '0o600')
    """
    folder = Path(home) if home is not None else _home()
    path = folder / KEY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_key(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(_KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        return _read_key(path)
    except OSError as err:
        raise ExportError(f"cannot create or read the public-id key in the user folder: {err.strerror or err}") from err


def _read_key(path: Path) -> bytes:
    for _ in range(50):  # another process may be writing it right now
        data = path.read_bytes()
        if len(data) >= _KEY_BYTES:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                os.chmod(path, 0o600)
            return data[:_KEY_BYTES]
        time.sleep(0.02)
    raise ExportError(f"the public-id key {KEY_FILE} in the user folder is damaged; delete it to make a new one")


def public_id(record_id: str, secret: bytes) -> str:
    """Return the public id of *record_id* under *secret*.

    Examples
    --------
    >>> public_id("acled-1a2b3c", b"k" * 32) == public_id("acled-1a2b3c", b"k" * 32)
    True
    >>> public_id("acled-1a2b3c", b"k" * 32).startswith("p-")
    True
    """
    return "p-" + hmac.new(secret, str(record_id).encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def public_ids(record_ids: Iterable[str], secret: bytes | None = None) -> list[str]:
    """Return :func:`public_id` of each id (the installation secret unless *secret* is given)."""
    key = secret if secret is not None else installation_secret()
    return [public_id(i, key) for i in record_ids]
