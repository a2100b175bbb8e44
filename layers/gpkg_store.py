"""The versioned GeoPackage store: :class:`GpkgStore`, the one-file back end of ``open_store``.

A file written by :func:`layers.store.save_gpkg` holds one dataset; :class:`GpkgStore` adds
what the PostGIS store keeps for a team — a version per dataset and per incident, edits refused
when the record changed since it was read, an audit trail, a read-only mode — in two plain SQLite
tables of the same file (``store_row_versions``, ``store_audit``), with a lock file beside it
for writers. :func:`describe_history` words the trail of either store.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import EditConflictError, StoreError
from geo.safety import check_writable
from layers.incidents import COLUMNS, from_flat, to_flat, to_incident_frame
from layers.store import LAYER, META_LAYER, _metadata_dict, load_gpkg, save_gpkg
from layers.store_check import check_gpkg

__all__ = ["AUDIT_TABLE", "EDITABLE", "VERSIONS_TABLE", "GpkgStore", "describe_history"]


#: The fields :meth:`GpkgStore.update` may change (those of ``layers.pgstore.EDITABLE``).
EDITABLE = tuple(c for c in COLUMNS if c not in ("id", "dataset", "sources", "figures"))
#: The tables the store adds to a GeoPackage beside the incidents layer (plain SQLite tables).
VERSIONS_TABLE = "store_row_versions"
AUDIT_TABLE = "store_audit"
_AUDIT_COLUMNS = ("at", "db_role", "app_user", "action", "table_name", "dataset", "source_file", "old", "new")


@contextmanager
def _write_lock(path: Path) -> Iterator[None]:
    """Hold the dataset file's write lock (a ``.NAME.lock`` file beside it) for a read-check-write.

    Every write of :class:`GpkgStore` reads, checks and writes the file under this lock, so two
    processes editing one file take turns and the second sees the first's change (and its row
    version). Readers need no lock: an import replaces the file by a rename, an edit is one
    SQLite transaction.
    """
    try:
        import fcntl
    except ImportError:  # Windows: one process at a time (the lock only orders this process's threads)
        fcntl = None  # type: ignore[assignment]
    lock_path = path.parent / f".{path.name}.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Never through a symbolic link planted under the lock's name (it would open another file).
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        handle = os.fdopen(fd, "r+")
    except OSError as err:
        raise StoreError(f"{path}: cannot write in {path.parent} ({err.strerror or err}); nothing was changed") from err
    with _THREAD_LOCK, handle:
        if fcntl is not None:
            deadline = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError(
                            f"{path}: another process has been writing it for over {LOCK_WAIT_S:g} s; "
                            "nothing was changed, try again"
                        ) from None
                    time.sleep(0.05)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_THREAD_LOCK = threading.RLock()


#: The first bytes of a rollback journal that still holds an unfinished transaction (SQLite's file format).
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
#: Seconds an edit's transaction may take (0.06 s at 200,000 incidents).
WRITE_BUDGET_S = 20.0
#: Seconds a writer waits for another to finish before giving up.
LOCK_WAIT_S = 120.0


def _check_for_writing(con: sqlite3.Connection, path: Path) -> None:
    """Refuse a file whose tables would run more than GDAL's own triggers on an edit, or that hide views."""
    kinds = dict(
        con.execute(
            "SELECT name, type FROM sqlite_master WHERE name IN (?, ?, ?, ?)", (LAYER, META_LAYER, *_TABLES)
        ).fetchall()
    )
    for name, kind in kinds.items():
        if kind != "table":
            raise StoreError(f"{path}: {name} is a {kind}, not a table; the file was not written by this tool")
    others = [
        row[0]
        for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (?, ?, ?, ?)",
            (LAYER, META_LAYER, *_TABLES),
        )
        if not str(row[0]).startswith(
            (f"rtree_{LAYER}_", "trigger_insert_feature_count_", "trigger_delete_feature_count_")
        )
    ]
    if others:
        raise StoreError(f"{path}: triggers not written by GDAL ({', '.join(others[:3])}); edit the file elsewhere")


def _read_only_sqlite(path: Path, budget_s: float = 20.0) -> sqlite3.Connection:
    """Open *path* read-only with Python's sqlite3 under a time budget (a file from elsewhere may be crafted)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    deadline = time.monotonic() + budget_s
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    return con


@dataclass
class _Ledger:
    """A GeoPackage's version state: the dataset's version, each row's version, the audit entries."""

    version: int = -1  # -1: no dataset yet (the first save makes version 0, as in PostGIS)
    rows: dict[str, int] | None = None
    audit: list[tuple[Any, ...]] | None = None
    name: str = ""

    @classmethod
    def read(cls, path: Path, *, with_audit: bool = True) -> _Ledger:
        """Return the ledger of *path* (an empty one for a file without it or no file).

        Without *with_audit* the trail (an entry per import lists every id) is not read.
        """
        if not path.is_file():
            return cls(rows={}, audit=[])
        meta = _metadata_dict(path)
        try:
            con = _read_only_sqlite(path)
        except sqlite3.Error as err:
            raise StoreError(f"{path}: not a readable GeoPackage ({err})") from err
        try:
            kinds = dict(con.execute("SELECT name, type FROM sqlite_master WHERE name IN (?, ?)", _TABLES).fetchall())
            for name, kind in kinds.items():
                if kind != "table":
                    raise StoreError(f"{path}: {name} is a {kind}, not a table; the file was not written by this tool")
            rows = dict(con.execute(f"SELECT id, row_version FROM {VERSIONS_TABLE}")) if VERSIONS_TABLE in kinds else {}
            cols = ", ".join(_AUDIT_COLUMNS) + ", incident_id, ids"
            audit = (
                list(con.execute(f"SELECT {cols} FROM {AUDIT_TABLE} ORDER BY seq"))
                if with_audit and AUDIT_TABLE in kinds
                else []
            )
        except sqlite3.Error as err:
            raise StoreError(f"{path}: the store's version tables cannot be read ({err})") from err
        finally:
            con.close()
        version = _count(meta.get("version"), path, "the dataset's version")
        versions = {str(k): _count(v, path, f"the row version of {k!r}") for k, v in rows.items()}
        return cls(version=version, rows=versions, audit=audit, name=meta.get("dataset", ""))

    def writer(self, name: str, updated: str) -> Callable[[Path], None]:
        """Return what writes this ledger into a new file (``save_gpkg``'s last step)."""

        def write(tmp: Path) -> None:
            con = sqlite3.connect(tmp)
            try:
                with con:
                    _create_tables(con)
                    con.executemany(f"INSERT OR REPLACE INTO {VERSIONS_TABLE} VALUES (?, ?)", (self.rows or {}).items())
                    con.executemany(_INSERT_AUDIT, self.audit or [])
                    _set_metadata(con, version=str(self.version), dataset=name, updated=updated)
            finally:
                con.close()

        return write


_INSERT_AUDIT = (
    f"INSERT INTO {AUDIT_TABLE} ({', '.join(_AUDIT_COLUMNS)}, incident_id, ids) "
    f"VALUES ({', '.join('?' * (len(_AUDIT_COLUMNS) + 2))})"
)


def _create_tables(con: sqlite3.Connection) -> None:
    """Create the store's tables, and an index on the incidents' ids (one record is read by id)."""
    con.execute(f'CREATE INDEX IF NOT EXISTS store_incidents_id ON "{LAYER}" (id)')
    con.execute(f"CREATE TABLE IF NOT EXISTS {VERSIONS_TABLE} (id TEXT PRIMARY KEY, row_version INTEGER NOT NULL)")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {AUDIT_TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, db_role TEXT, "
        "app_user TEXT, action TEXT, table_name TEXT, dataset TEXT, source_file TEXT, old TEXT, new TEXT, "
        "incident_id TEXT, ids TEXT)"
    )


def _set_metadata(con: sqlite3.Connection, **values: str) -> None:
    for key, value in values.items():
        if con.execute(f"UPDATE {META_LAYER} SET value = ? WHERE key = ?", (value, key)).rowcount == 0:
            con.execute(f"INSERT INTO {META_LAYER} (key, value) VALUES (?, ?)", (key, value))


def _gpkg_functions(con: sqlite3.Connection) -> None:
    """Register the SQL functions GDAL's R-tree triggers name, so that plain sqlite3 can update rows.

    The triggers of an attribute update test ``ST_IsEmpty``; the others are only called when
    the geometry changes (which this module does by rewriting the file), implemented all the same.
    """
    import shapely

    def header(blob: bytes) -> tuple[int, int]:
        flags = blob[3]
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0x07, 0)
        return flags, 8 + envelope

    def empty(blob: bytes | None) -> int | None:
        return None if blob is None else int(bool(header(blob)[0] & 0x10))

    def bound(i: int) -> Callable[[bytes | None], float | None]:
        def get(blob: bytes | None) -> float | None:
            if blob is None or empty(blob):
                return None
            return float(shapely.from_wkb(bytes(blob[header(blob)[1] :])).bounds[i])

        return get

    con.create_function("ST_IsEmpty", 1, empty, deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        con.create_function(name, 1, bound(i), deterministic=True)


_TABLES = (VERSIONS_TABLE, AUDIT_TABLE)
#: A version larger than this is not one this store wrote.
_MAX_VERSION = 2**62


def _count(value: object, path: Path, what: str) -> int:
    """Return a version read from *path* as an int (0 when absent); StoreError for anything else."""
    if value is None or value == "":
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_VERSION:
        return value
    text = str(value)
    if text.isascii() and text.isdecimal() and int(text) <= _MAX_VERSION:
        return int(text)
    raise StoreError(f"{path}: {what} is not a number ({text[:40]!r}); the file was not written by this tool")


#: Ranges an edited number must lie in (what the file's check accepts back).
_RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}


def _check_edit(edited: gpd.GeoDataFrame, columns: list[str], path: Path) -> None:
    """Refuse an edit the file could not give back: a number not finite or out of range, a control character."""
    import math

    record = edited["id"].iloc[0]
    for column in columns:
        kind = edited[column].dtype
        value = edited[column].iloc[0]
        if not pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind) or pd.isna(value):
            continue
        number = float(value)
        if not math.isfinite(number):
            raise StoreError(f"{path.name}: record {record!r}, field {column!r}: {number} is not a finite number")
        low, high = _RANGES.get(column, (-1e300, 1e300))
        if not low <= number <= high:
            raise StoreError(f"{path.name}: record {record!r}, field {column!r}: {number:g} is out of range")
    check_writable(to_flat(edited)[[*columns, "id"]], path.name, error=StoreError)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _json_value(value: Any) -> Any:
    """Return a cell as a JSON value (None for missing, ISO text for times)."""
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


class GpkgStore:
    """The one-file store behind the same interface as :class:`layers.pgstore.PostgisStore`.

    One GeoPackage holds one dataset (the *dataset* name is recorded, the file is the dataset).
    Like the PostGIS store it keeps a version per dataset and per incident, refuses an edit of
    a record someone changed since it was read (:class:`~geo.errors.EditConflictError` with the
    current values), records every import and edit in an audit trail (who: the account and the
    app's user name; when; what; from which file) and refuses every write when opened
    ``read_only`` or when the file is not writable. The versions and the trail are two plain
    tables in the file (``store_row_versions``, ``store_audit``). Writes take a lock file beside
    the dataset: an import replaces the file whole, atomically; an edit changes the row, its
    version, the trail and the dataset's version in one SQLite transaction (a new position
    rewrites the file, so that the geometry and its spatial index follow). A record and its
    version are read in one transaction, so an edit is never based on a mix of two states.

    Examples
    --------
    >>> import tempfile, os
    >>> from layers.incidents import to_incident_frame
    >>> store = GpkgStore(os.path.join(tempfile.mkdtemp(), "d.gpkg"), app_user="ann")
    >>> store.save(to_incident_frame(pd.DataFrame({"id": ["a"], "title": ["t"], "lon": [35.9], "lat": [35.3]})), "mine")
    0
    >>> store.update("mine", "a", {"title": "مجزرة"}, expected_version=1)
    2
    >>> store.history("a")["action"].tolist()
    ['INSERT', 'UPDATE']
    """

    def __init__(self, path: str | Path, *, app_user: str = "", read_only: bool = False) -> None:
        self.path = Path(path)
        self.app_user = app_user
        self.read_only = read_only

    def __enter__(self) -> GpkgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GpkgStore({str(self.path)!r})"

    def set_app_user(self, name: str) -> None:
        """Record *name* as the app's user in the audit trail of the changes made from now on."""
        self.app_user = name

    def close(self) -> None:
        """Nothing to close (each call opens the file)."""

    def _recover(self) -> None:
        """Undo an edit a crash interrupted (SQLite's ``-journal`` left beside the file), under the write lock.

        A read-only connection cannot roll a leftover journal back, so without this nothing could
        read the file again.
        """
        journal = self.path.with_name(self.path.name + "-journal")
        try:
            with journal.open("rb") as handle:
                header = handle.read(8)
        except OSError:  # none: nothing to undo
            return
        if header != _JOURNAL_MAGIC:  # empty or zeroed: a finished transaction's journal, not a hot one
            return
        if self.read_only or not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK):
            raise StoreError(
                f"{self.path}: an edit was interrupted ({journal.name} is left beside it); open the store once "
                "with write permission to undo it"
            )
        with _write_lock(self.path):
            try:
                con = sqlite3.connect(self.path, timeout=30)
                try:
                    con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # rolls the journal back
                finally:
                    con.close()
            except sqlite3.Error as err:
                raise StoreError(f"{self.path}: an interrupted edit could not be undone ({err})") from err

    def _stamp(self) -> tuple[int, int]:
        """Return the file's identity and the dataset's version: both change with every import and edit."""
        try:
            con = _read_only_sqlite(self.path)
            try:
                row = con.execute(f"SELECT value FROM {META_LAYER} WHERE key = 'version'").fetchone()
            finally:
                con.close()
        except sqlite3.Error:
            row = None
        return os.stat(self.path).st_ino, _count(row[0] if row else None, self.path, "the dataset's version")

    # -- writing -------------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: this store was opened read-only (permission denied); nothing was changed")
        # No write bit at all counts even for root: whoever made the file read-only meant it.
        if self.path.exists() and (not os.access(self.path, os.W_OK) or not self.path.stat().st_mode & 0o222):
            raise StoreError(f"{self.path}: the file is read-only (permission denied); nothing was changed")
        if self.path.parent.is_dir() and not os.access(self.path.parent, os.W_OK | os.X_OK):
            raise StoreError(f"{self.path.parent}: the folder is read-only (permission denied); nothing was changed")

    def _entry(self, action: str, table: str, dataset: str, source_file: str, **kw: Any) -> tuple[Any, ...]:
        at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        old, new = (json.dumps(kw[k], ensure_ascii=False) if kw.get(k) is not None else None for k in ("old", "new"))
        ids = json.dumps(kw["ids"], ensure_ascii=False) if kw.get("ids") is not None else None
        return (
            at,
            _os_user(),
            self.app_user,
            action,
            table,
            dataset,
            source_file,
            old,
            new,
            kw.get("incident_id"),
            ids,
        )

    def save(
        self,
        gdf: gpd.GeoDataFrame,
        dataset: str = "",
        *,
        title: str = "",
        public_safe: bool = False,
        source_file: str = "",
    ) -> int:
        """Replace the file's dataset, atomically; return the dataset's new version (0 for a new file).

        Raises
        ------
        StoreError
            Nothing was written (the previous file is intact): a read-only store or file, or a
            failed write.
        """
        self._writable()
        self._recover()
        frame = to_incident_frame(gdf)
        name = dataset or self.path.stem
        with _write_lock(self.path):
            ledger = _Ledger.read(self.path)
            audit = list(ledger.audit or [])
            if ledger.rows:  # the dataset is replaced whole: its rows are deleted
                audit.append(self._entry("DELETE", "incidents", name, source_file, ids=sorted(ledger.rows)))
            ids = frame["id"].astype(object).where(frame["id"].notna(), "").map(str).tolist()
            audit.append(self._entry("INSERT", "incidents", name, source_file, ids=ids, new={"import_rows": len(ids)}))
            for table in ("sources", "figures"):
                listed = [i for i, items in zip(ids, frame[table], strict=True) if isinstance(items, list) and items]
                if listed:
                    audit.append(
                        self._entry("INSERT", table, name, source_file, ids=listed, new={"import_rows": len(listed)})
                    )
            new = _Ledger(version=ledger.version + 1, rows=dict.fromkeys(ids, 1), audit=audit)
            updated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            save_gpkg(frame, self.path, title=title or name, public_safe=public_safe, _finish=new.writer(name, updated))
        return new.version

    def update(self, dataset: str, incident_id: str, changes: Mapping[str, Any], expected_version: int) -> int:
        """Change fields of one incident if nobody changed it since *expected_version*; return the new version.

        The row, its version, the audit entry and the dataset's version change in one SQLite
        transaction; a change of position (``lon``, ``lat``, ``aggregate``) rewrites the file
        (the geometry and its spatial index follow), atomically like :meth:`save`.

        Raises
        ------
        EditConflictError
            The record's version is not *expected_version* any more; ``current`` holds its
            values now (the change was not made).
        StoreError
            An unknown field, a missing or ambiguous record, or a refused write.
        """
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise StoreError(f"cannot edit {unknown}; editable fields: {', '.join(EDITABLE)}")
        self._writable()
        self._recover()
        with _write_lock(self.path):
            found, version = self._snapshot(incident_id)
            if found.empty:
                raise StoreError(f"no incident {incident_id!r} in dataset {dataset!r} ({self.path.name})")
            if len(found) > 1:
                raise StoreError(
                    f"{len(found)} incidents have the id {incident_id!r} in {self.path.name}: edit it in the file"
                )
            record = found.iloc[0].drop(labels="geometry").to_dict()
            if version != int(expected_version):
                raise EditConflictError(
                    f"{incident_id!r} was changed by someone else (now version {version}, you edited version "
                    f"{expected_version}); nothing was saved — here are its current values",
                    {**record, "row_version": version},
                )
            edited = pd.DataFrame(found.drop(columns="geometry"))
            edited[list(changes)] = edited[list(changes)].astype(object)
            for key, value in changes.items():
                edited.iat[0, edited.columns.get_loc(key)] = value
            try:
                edited = to_incident_frame(edited)
            except (TypeError, ValueError) as err:
                raise StoreError(f"could not edit {incident_id!r}: {err}") from err
            _check_edit(edited, list(changes), self.path)
            before = {k: _json_value(record[k]) for k in changes}
            after = {k: _json_value(edited.iloc[0][k]) for k in changes}
            name = _metadata_dict(self.path).get("dataset") or dataset or self.path.stem
            entry = self._entry(
                "UPDATE",
                "incidents",
                name,
                "",
                incident_id=incident_id,
                old={**before, "row_version": version},
                new={**after, "row_version": version + 1},
            )
            if {"lon", "lat", "aggregate"} & set(changes):
                self._rewrite_with(incident_id, changes, version, entry, name)
            else:
                self._update_in_place(incident_id, edited, list(changes), version, entry, name)
        return version + 1

    def _snapshot(self, incident_id: str) -> tuple[gpd.GeoDataFrame, int]:
        """Return the rows with id *incident_id* and its row version, read together.

        One SQLite read transaction (an indexed read of the row, not the whole file): the values
        and the version are of one state of the file, so an edit made between the two cannot be
        overwritten by an edit based on them.
        """
        check_gpkg(self.path, LAYER, ids=(incident_id,))  # the rows read are checked, not the whole file
        con = _read_only_sqlite(self.path)
        try:
            con.execute("BEGIN")
            cur = con.execute(f'SELECT * FROM "{LAYER}" WHERE id = ?', (incident_id,))
            names = [c[0] for c in cur.description]
            rows = cur.fetchall()
            geometry = con.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (LAYER,)
            ).fetchall()
            has = con.execute("SELECT type FROM sqlite_master WHERE name = ?", (VERSIONS_TABLE,)).fetchone()
            if has is not None and has[0] != "table":
                raise StoreError(f"{self.path}: {VERSIONS_TABLE} is a {has[0]}, not a table")
            found = (
                con.execute(f"SELECT row_version FROM {VERSIONS_TABLE} WHERE id = ?", (incident_id,)).fetchone()
                if has is not None
                else None  # a file saved without the store: every row is at its first version
            )
            con.execute("COMMIT")
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: not a readable incident GeoPackage ({err})") from err
        finally:
            con.close()
        skip = ["fid", *(g[0] for g in geometry)]
        flat = pd.DataFrame(rows, columns=names, dtype=object).drop(columns=skip, errors="ignore")
        version = 1 if found is None else _count(found[0], self.path, f"the row version of {incident_id!r}")
        return from_flat(flat), version

    def _update_in_place(
        self,
        incident_id: str,
        edited: gpd.GeoDataFrame,
        columns: list[str],
        version: int,
        entry: tuple[Any, ...],
        name: str,
    ) -> None:
        flat = to_flat(edited)
        values = [_json_value(flat[c].iloc[0]) for c in columns]
        values = [
            int(v) if c in ("sensitive", "aggregate") and v is not None else v
            for c, v in zip(columns, values, strict=True)
        ]
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        now = dt.datetime.now(dt.UTC)
        try:
            con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: cannot open the file for writing ({err}); nothing was changed") from err
        deadline = time.monotonic() + WRITE_BUDGET_S  # a crafted trigger or view cannot hold the lock for ever
        con.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            _gpkg_functions(con)
            con.execute("BEGIN IMMEDIATE")
            try:
                _check_for_writing(con, self.path)
                con.execute(f'UPDATE "{LAYER}" SET {sets} WHERE id = ?', (*values, incident_id))
                _create_tables(con)
                con.execute(f"INSERT OR REPLACE INTO {VERSIONS_TABLE} VALUES (?, ?)", (incident_id, version + 1))
                con.execute(_INSERT_AUDIT, entry)
                meta = dict(con.execute(f"SELECT key, value FROM {META_LAYER}").fetchall())
                current = _count(meta.get("version"), self.path, "the dataset's version")
                _set_metadata(con, version=str(current + 1), dataset=name, updated=now.isoformat(timespec="seconds"))
                con.execute(
                    "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?",
                    (now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z", LAYER),
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error as err:
            if time.monotonic() > deadline:
                raise StoreError(
                    f"{self.path}: the edit took more than {WRITE_BUDGET_S:g} s and was undone; nothing was changed"
                ) from err
            raise StoreError(f"{self.path}: could not save the edit ({err}); nothing was changed") from err
        finally:
            con.close()

    def _rewrite_with(
        self, incident_id: str, changes: Mapping[str, Any], version: int, entry: tuple[Any, ...], name: str
    ) -> None:
        """Write the file again with *changes* made to the record (read as the whole file reads it)."""
        frame = load_gpkg(self.path)
        meta = frame.attrs.get("metadata", {})
        ledger = _Ledger.read(self.path)
        row = int((frame["id"] == incident_id).fillna(False).to_numpy().nonzero()[0][0])
        whole = pd.DataFrame(frame.drop(columns="geometry"))
        whole[list(changes)] = whole[list(changes)].astype(object)
        for key, value in changes.items():
            whole.iat[row, whole.columns.get_loc(key)] = value
        whole = to_incident_frame(whole)  # the geometry again from lon/lat
        rows = {**(ledger.rows or {}), incident_id: version + 1}
        new = _Ledger(version=ledger.version + 1, rows=rows, audit=[*(ledger.audit or []), entry])
        save_gpkg(
            whole,
            self.path,
            title=meta.get("title", name),
            public_safe=meta.get("public_safe") == "true",
            _finish=new.writer(name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )

    # -- reading -------------------------------------------------------------------------------

    def load(self, datasets: object = None, spec: object = None) -> gpd.GeoDataFrame:
        """Return the file's incidents (filtered with :func:`layers.timeline.filter_incidents` when *spec*).

        Like the PostGIS store's: with ``row_version`` and the dataset's version in
        ``attrs["versions"]`` (so an export can state which version it was made from).
        """
        self._recover()
        for _ in range(5):  # the rows and their versions of one state of the file (an edit may come between)
            stamp = self._stamp() if self.path.is_file() else None
            frame = load_gpkg(self.path)
            ledger = _Ledger.read(self.path, with_audit=False)
            if stamp == self._stamp():
                break
        else:
            raise StoreError(f"{self.path}: the file kept changing while it was read; try again")
        if spec is not None:
            from layers.timeline import filter_incidents

            frame = filter_incidents(frame, spec)  # type: ignore[arg-type]
        frame["row_version"] = frame["id"].map(ledger.rows or {}).fillna(1).astype("int64").to_numpy()
        frame.attrs["versions"] = {ledger.name or self.path.stem: max(ledger.version, 0)}
        return frame

    def get(self, dataset: str, incident_id: str) -> dict[str, Any] | None:
        """Return one incident's stored values (with ``row_version``), or None."""
        if not self.path.is_file():
            raise StoreError(f"{self.path}: no such dataset file")
        self._recover()
        found, version = self._snapshot(incident_id)
        if found.empty:
            return None
        return {**found.iloc[0].drop(labels="geometry").to_dict(), "row_version": version}

    def datasets(self) -> pd.DataFrame:
        """Return the file's dataset as one row: name, title, public_safe, version, updated, incidents."""
        columns = ["name", "title", "public_safe", "version", "updated", "incidents"]
        if not self.path.is_file():
            return pd.DataFrame(columns=columns)
        self._recover()
        meta, ledger = _metadata_dict(self.path), _Ledger.read(self.path, with_audit=False)
        try:
            updated = pd.Timestamp(meta.get("updated") or meta.get("created") or "NaT")
        except (TypeError, ValueError):  # a date another tool wrote
            updated = pd.NaT
        incidents = int(pyogrio.read_info(self.path, layer=LAYER)["features"])
        row = [ledger.name or self.path.stem, meta.get("title", ""), meta.get("public_safe") == "true"]
        return pd.DataFrame([[*row, max(ledger.version, 0), updated, incidents]], columns=columns)

    def history(self, incident_id: str, dataset: str | None = None) -> pd.DataFrame:
        """Return the audit trail of one incident, oldest first (the PostGIS store's columns).

        An import's entries (one per table, listing the ids it inserted) appear as the
        incident's INSERT rows; their ``new`` holds ``import_rows``.
        """
        rows = []
        if self.path.is_file():
            self._recover()
        for n, entry in enumerate(_Ledger.read(self.path).audit or [], start=1):
            *head, old, new, one, ids = entry
            try:
                if one != incident_id and not (ids and incident_id in _json_text(ids, list)):
                    continue
                if dataset is not None and head[5] != dataset:
                    continue
                at = pd.Timestamp(head[0])
                if pd.isna(at):
                    raise ValueError("no time")
                rows.append([at, *head[1:], _json_text(old, dict), _json_text(new, dict)])
            except (TypeError, ValueError, RecursionError) as err:
                raise StoreError(f"{self.path}: entry {n} of {AUDIT_TABLE} cannot be read ({err})") from err
        return pd.DataFrame(rows, columns=list(_AUDIT_COLUMNS))


def _json_text(text: object, kind: type) -> Any:
    """Return the JSON *kind* (list or dict) in *text* (None for none); ValueError for anything else."""
    if text is None or text == "":
        return None
    if not isinstance(text, str) or len(text) > 64_000_000:
        raise ValueError("not JSON text of a sensible size")
    value = json.loads(text)
    if not isinstance(value, kind):
        raise ValueError(f"not a JSON {kind.__name__}")
    return value


def describe_history(history: pd.DataFrame) -> list[str]:
    """Return one line per change: when, who, what, from which file, and the fields changed."""
    lines = []
    for row in history.itertuples(index=False):
        who = row.db_role + (f" ({row.app_user})" if row.app_user else "")
        line = f"{row.at:%Y-%m-%d %H:%M:%S%z}  {who}  {row.action} {row.table_name}"
        if row.action == "INSERT" and row.new and "import_rows" in row.new:
            line += f" (an import of {row.new['import_rows']:,} rows)"
        if row.action == "DELETE" and not row.old:
            line += " (the dataset was replaced by an import)"
        if row.source_file:
            line += f"  from {row.source_file}"
        if row.action == "UPDATE" and row.old and row.new:
            changed = {k: (row.old.get(k), v) for k, v in row.new.items() if row.old.get(k) != v and k != "row_version"}
            line += "  " + json.dumps(
                {k: {"was": a, "now": b} for k, (a, b) in changed.items()}, ensure_ascii=False, default=str
            )
        lines.append(line)
    return lines
