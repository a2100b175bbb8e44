"""A disk cache of the built gazetteer, so that a start does not merge and index every source again.

The merged gazetteer (the :class:`geo.gazetteer.Gazetteer` object with its built
index) is pickled to the user cache folder (``$XDG_CACHE_HOME/syria-incident-map``,
default ``~/.cache/syria-incident-map``) under a key made of the SHA-256 of every
source file, of every ``geo/*.py`` module (the code that builds it), of the
user's extra place tables, of the build options and of the Python, pandas and
numpy versions. A change to any of them makes
a new key, so a stale index is never used. A cache file that cannot be read
(truncated, corrupt, another Python) is rebuilt silently; writers write a
temporary file and rename it, so concurrent starts never see half a file. Set
``SYRIA_MAP_NO_CACHE=1`` to build in memory only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["CACHE_VERSION", "cache_dir", "cache_key", "cached", "clear_cache", "file_digest"]

#: Bumped when the cache payload's layout changes (2: the place table is pickled apart, read on first use).
CACHE_VERSION = 2
_KEEP = 4
_GEO_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """Return the user cache folder (``$XDG_CACHE_HOME/syria-incident-map`` or ``~/.cache/…``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "syria-incident-map"


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(files: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """Return the key of a build from its source *files*, the geo code and *extra* strings.

    Examples
    --------
    >>> a = cache_key([], ["x"]); b = cache_key([], ["y"])
    >>> len(a), a != b
    (64, True)
    """
    from importlib.metadata import version

    # Pickles of pandas and numpy objects are only reliable with the versions that wrote them
    # (read from the installed metadata: importing pandas would cost a warm start a second).
    versions = f"py{sys.version_info[:2]} pandas{version('pandas')} numpy{version('numpy')}"
    digest = hashlib.sha256(f"v{CACHE_VERSION} {versions} pickle{pickle.HIGHEST_PROTOCOL}".encode())
    for path in sorted(_GEO_DIR.rglob("*.py")):
        digest.update(f"code {path.relative_to(_GEO_DIR)} {file_digest(path)}".encode())
    for path in files:
        digest.update(f"file {Path(path).name} {file_digest(Path(path))}".encode())
    for text in extra:
        digest.update(f"extra {text}".encode())
    return digest.hexdigest()


def cached(key: str, build: Callable[[], Any], *, prefix: str = "gazetteer") -> Any:
    """Return the object cached under *key*, or ``build()`` it and cache it.

    Never fails because of the cache: an unreadable entry is rebuilt, an
    unwritable folder only means the next start builds again.
    """
    if os.environ.get("SYRIA_MAP_NO_CACHE"):
        return build()
    folder = cache_dir()
    path = folder / f"{prefix}-{key[:32]}.pickle"
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
        if isinstance(payload, dict) and payload.get("key") == key:
            return payload["value"]
    except Exception:  # any unreadable entry (truncated, corrupt, another version) is rebuilt
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{prefix}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"key": key, "value": value}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(folder, prefix, keep=path)
    except Exception:  # an object that cannot be cached is still returned
        pass
    return value


def _prune(folder: Path, prefix: str, keep: Path) -> None:
    """Keep the newest few entries (several data versions may be in use side by side)."""
    entries = sorted(folder.glob(f"{prefix}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in entries if p != keep][_KEEP - 1 :]:
        try:
            old.unlink()
        except OSError:
            pass


def clear_cache(prefix: str = "gazetteer") -> int:
    """Delete every cached entry; return how many were deleted."""
    count = 0
    for path in cache_dir().glob(f"{prefix}-*.pickle"):
        path.unlink(missing_ok=True)
        count += 1
    return count
