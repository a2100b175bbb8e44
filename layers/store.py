"""The embedded store for user datasets: one GeoPackage file per dataset.

Layout of the file:

* layer ``incidents``: the flat incident table (:func:`layers.incidents.to_flat`):
  dates as ISO 8601 text with offset, ``sources`` / ``figures`` as JSON
  text, tolls as nullable integers, booleans as integers; Point geometry in
  EPSG:4326 or null for rows kept off the map;
* table ``dataset_metadata`` (no geometry): ``key`` / ``value`` rows with
  ``title``, ``created`` (ISO UTC), ``public_safe`` (``true``/``false``) and
  ``schema`` (the model's column list version); files written by :class:`layers.gpkg_store.GpkgStore`
  also hold ``dataset``, ``version`` and ``updated``;
* tables ``store_row_versions`` (``id``, ``row_version``) and ``store_audit`` (the trail of
  imports and edits) in files written by :class:`layers.gpkg_store.GpkgStore` (plain SQLite tables, not
  layers: GIS tools show the incidents layer and the metadata table as before).

Writes are atomic: the file is written under a temporary name in the same
directory, flushed to disk (fsync) and renamed over the target with
:func:`os.replace`. A failed write leaves the previous file intact; of two
concurrent saves the last rename wins and neither leaves a broken file.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import StoreError
from geo.safety import check_writable
from layers.incidents import from_flat, to_flat, to_incident_frame
from layers.store_check import check_gpkg

if TYPE_CHECKING:
    from layers.gpkg_store import GpkgStore
    from layers.pgstore import PostgisStore

__all__ = [
    "MAP_COLUMNS",
    "SCHEMA_VERSION",
    "ColumnsFirst",
    "StoreMetadata",
    "load_gpkg",
    "load_gpkg_metadata",
    "open_store",
    "save_gpkg",
]

SCHEMA_VERSION = "incidents-1"
LAYER = "incidents"
META_LAYER = "dataset_metadata"

#: The columns the app's map, counts, filters, date slider and timeline read (``geometry`` is
#: rebuilt from lon/lat/aggregate): what :class:`ColumnsFirst` reads before the rest. Titles,
#: places, sources, figures, summaries, other tolls and actors wait for a details table, a popup
#: or an export.
MAP_COLUMNS = (
    "id",
    "dataset",
    "event_type",
    "date_start",
    "date_end",
    "date_precision",
    "lat",
    "lon",
    "deaths_best",
    "perpetrator_reported",
    "victim_group_reported",
    "campaign",
    "confidence",
    "sensitive",
    "aggregate",
)


@dataclass(frozen=True, slots=True)
class StoreMetadata:
    """What a stored dataset says about itself."""

    title: str
    created: str
    public_safe: bool
    schema: str = SCHEMA_VERSION


def _write(flat: gpd.GeoDataFrame, meta: pd.DataFrame, path: Path) -> None:
    """Write both layers to *path* (a new file)."""
    pyogrio.write_dataframe(flat, path, layer=LAYER, driver="GPKG")
    pyogrio.write_dataframe(meta, path, layer=META_LAYER, driver="GPKG", append=False)


def save_gpkg(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    title: str = "",
    public_safe: bool = False,
    _finish: Callable[[Path], None] | None = None,
) -> Path:
    """Save an incident table to a GeoPackage, atomically.

    Parameters
    ----------
    gdf : GeoDataFrame
        An incident table (see :mod:`layers.incidents`); extra columns are kept.
    path : path
        Target ``.gpkg``; replaced whole.
    title : str
        Dataset title for the metadata table.
    public_safe : bool
        Whether the dataset may be shown publicly (no sensitive rows unredacted).

    Returns
    -------
    Path
        *path*.

    Raises
    ------
    StoreError
        The file could not be written; any previous file is left as it was.

    Examples
    --------
    >>> import tempfile, os
    >>> from layers.incidents import to_incident_frame
    >>> p = os.path.join(tempfile.mkdtemp(), "d.gpkg")
    >>> gdf = to_incident_frame(pd.DataFrame({"id": ["a"], "title": ["مجزرة"], "lon": [35.9], "lat": [35.3]}))
    >>> _ = save_gpkg(gdf, p, title="test")
    >>> load_gpkg(p)["title"].tolist(), load_gpkg_metadata(p).title
    (['مجزرة'], 'test')
    """
    path = Path(path)
    frame = to_incident_frame(gdf)
    flat = to_flat(frame)
    check_writable(flat, path.name, error=StoreError)  # GDAL would cut the text at a NUL byte
    for column in ("sensitive", "aggregate"):
        flat[column] = flat[column].astype("int32")
    flat = gpd.GeoDataFrame(flat, geometry=frame.geometry.to_numpy(), crs="EPSG:4326")
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    meta = pd.DataFrame(
        {
            "key": ["title", "created", "public_safe", "schema"],
            "value": [title, created, "true" if public_safe else "false", SCHEMA_VERSION],
        }
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp.gpkg", dir=path.parent)
    except OSError as err:
        raise StoreError(f"{path}: cannot create a file in {path.parent} ({err.strerror or err})") from err
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        _write(flat, meta, tmp)
        if _finish is not None:  # GpkgStore's versions and audit trail, in the same new file
            _finish(tmp)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except Exception as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, StoreError):
            raise
        raise StoreError(
            f"{path}: could not save the dataset ({type(err).__name__}: {err}); the previous file is unchanged"
        ) from err
    return path


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load_gpkg(path: str | Path, columns: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
    """Load an incident table saved by :func:`save_gpkg`.

    The metadata is in ``gdf.attrs["metadata"]`` (a dict). With *columns* (model columns, e.g.
    :data:`MAP_COLUMNS`) only those are read from the file and returned (with the geometry):
    each has the values the full load gives it.

    Raises
    ------
    StoreError
        The file is missing, not a GeoPackage, lacks the incidents layer, holds it
        as a view, or has values of the wrong kind (see :mod:`layers.store_check`).
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such dataset file")
    check_gpkg(path, LAYER)
    try:
        # Columns only, through Arrow: the geometry is rebuilt from lon/lat below anyway, and
        # GDAL's geometry and row-by-row reading was most of the time of a large file (bench_load.py).
        wanted = None if columns is None else [c for c in columns if c in _file_columns(path)]
        flat = pyogrio.read_dataframe(path, layer=LAYER, columns=wanted, read_geometry=False, use_arrow=True)
    except Exception as err:  # pyogrio raises DataSourceError, DataLayerError, …
        raise StoreError(f"{path}: not a readable incident GeoPackage ({type(err).__name__}: {err})") from err
    # Geometry is rebuilt from lon/lat (and aggregate) exactly as on save.
    frame = from_flat(pd.DataFrame(flat.drop(columns="geometry", errors="ignore")))
    if columns is not None:  # the model's other columns were added empty: leave them out, not blank
        frame = gpd.GeoDataFrame(frame[[*columns, "geometry"]], geometry="geometry", crs=frame.crs)
    frame.attrs["metadata"] = _metadata_dict(path)
    return frame


def _file_columns(path: Path) -> list[str]:
    return [str(c) for c in pyogrio.read_info(path, layer=LAYER)["fields"]]


class ColumnsFirst:
    """A dataset file read in two steps: the map's columns now, everything on first need.

    ``first`` is :func:`load_gpkg` of :data:`MAP_COLUMNS` (about a third of the work of a full
    read: no JSON sources or figures to parse); :meth:`full` reads the whole file once, on the
    first call, under a lock (concurrent sessions wait for one read; no thread is started and
    nothing here touches Streamlit). The full table has the same rows in the same order as
    ``first`` and the same values in its columns; a file changed between the two reads is
    refused with a :class:`~geo.errors.StoreError` naming it rather than mixing two versions.

    Examples
    --------
    >>> import tempfile, os
    >>> from layers.incidents import to_incident_frame
    >>> p = os.path.join(tempfile.mkdtemp(), "d.gpkg")
    >>> _ = save_gpkg(to_incident_frame(pd.DataFrame({"id": ["a"], "title": ["t"], "lon": [35.9], "lat": [35.3]})), p)
    >>> ds = ColumnsFirst(p)
    >>> "title" in ds.first.columns, ds.full()["title"].tolist()
    (False, ['t'])
    """

    def __init__(self, path: str | Path, columns: tuple[str, ...] = MAP_COLUMNS) -> None:
        self.path = Path(path)
        self.columns = columns
        self.first = load_gpkg(self.path, columns)
        self._full: gpd.GeoDataFrame | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the whole file has been read."""
        return self._full is not None

    def full(self) -> gpd.GeoDataFrame:
        """Return the whole table (read once, on the first call)."""
        if self._full is None:
            with self._lock:
                if self._full is None:
                    full = load_gpkg(self.path)
                    if not full["id"].reset_index(drop=True).equals(self.first["id"].reset_index(drop=True)):
                        raise StoreError(
                            f"{self.path}: the file changed since it was opened (its incidents differ); "
                            "restart the app to read it again"
                        )
                    self._full = full
        return self._full


def _metadata_dict(path: Path) -> dict[str, str]:
    try:
        meta = pyogrio.read_dataframe(path, layer=META_LAYER)
    except Exception:  # a GeoPackage written by another tool has no metadata table
        return {}
    return {str(k): str(v) for k, v in zip(meta["key"], meta["value"], strict=True)}


def load_gpkg_metadata(path: str | Path) -> StoreMetadata:
    """Return the metadata of a stored dataset.

    Raises
    ------
    StoreError
        The file is missing or has no metadata table.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such dataset file")
    meta = _metadata_dict(path)
    if not meta:
        raise StoreError(f"{path}: no {META_LAYER} table; save the dataset with layers.store.save_gpkg")
    return StoreMetadata(
        title=meta.get("title", ""),
        created=meta.get("created", ""),
        public_safe=meta.get("public_safe") == "true",
        schema=meta.get("schema", ""),
    )


def open_store(target: str | Path, *, app_user: str = "", read_only: bool = False) -> GpkgStore | PostgisStore:
    """Open the store at *target*: a ``postgresql://`` URL (PostGIS) or a ``.gpkg`` path.

    Raises
    ------
    StoreError
        The URL's server cannot be reached, or *target* is neither.
    """
    if isinstance(target, str) and target.startswith(("postgresql:", "postgres:")):
        from layers.pgstore import PostgisStore

        return PostgisStore(target, app_user=app_user, read_only=read_only)
    path = Path(target)
    if path.suffix.lower() != ".gpkg":
        raise StoreError(f"{target}: a store is a postgresql://… URL or a .gpkg file")
    from layers.gpkg_store import GpkgStore

    return GpkgStore(path, app_user=app_user, read_only=read_only)
