"""The embedded store for user datasets: one GeoPackage file per dataset.

Layout of the file:

* layer ``incidents``: the flat incident table (:func:`layers.incidents.to_flat`):
  dates as ISO 8601 text with offset, ``sources`` / ``figures`` as JSON
  text, tolls as nullable integers, booleans as integers; Point geometry in
  EPSG:4326 or null for rows kept off the map;
* table ``dataset_metadata`` (no geometry): ``key`` / ``value`` rows with
  ``title``, ``created`` (ISO UTC), ``public_safe`` (``true``/``false``) and
  ``schema`` (the model's column list version).

Writes are atomic: the file is written under a temporary name in the same
directory, flushed to disk (fsync) and renamed over the target with
:func:`os.replace`. A failed write leaves the previous file intact; of two
concurrent saves the last rename wins and neither leaves a broken file.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
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
    from layers.pgstore import PostgisStore

__all__ = ["SCHEMA_VERSION", "GpkgStore", "StoreMetadata", "load_gpkg", "load_gpkg_metadata", "open_store", "save_gpkg"]

SCHEMA_VERSION = "incidents-1"
LAYER = "incidents"
META_LAYER = "dataset_metadata"


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


def save_gpkg(gdf: gpd.GeoDataFrame, path: str | Path, *, title: str = "", public_safe: bool = False) -> Path:
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


def load_gpkg(path: str | Path) -> gpd.GeoDataFrame:
    """Load an incident table saved by :func:`save_gpkg`.

    The metadata is in ``gdf.attrs["metadata"]`` (a dict).

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
        flat = pyogrio.read_dataframe(path, layer=LAYER, read_geometry=False, use_arrow=True)
    except Exception as err:  # pyogrio raises DataSourceError, DataLayerError, …
        raise StoreError(f"{path}: not a readable incident GeoPackage ({type(err).__name__}: {err})") from err
    # Geometry is rebuilt from lon/lat (and aggregate) exactly as on save.
    frame = from_flat(pd.DataFrame(flat.drop(columns="geometry", errors="ignore")))
    frame.attrs["metadata"] = _metadata_dict(path)
    return frame


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


class GpkgStore:
    """The one-file store behind the same interface as :class:`layers.pgstore.PostgisStore`.

    One GeoPackage holds one dataset; *dataset* names are accepted and ignored
    (the file is the dataset). Edits, the audit trail and roles need PostGIS.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def save(
        self,
        gdf: gpd.GeoDataFrame,
        dataset: str = "",
        *,
        title: str = "",
        public_safe: bool = False,
        source_file: str = "",
    ) -> int:
        """Replace the file's dataset, atomically; return 1 (a file has no version history)."""
        save_gpkg(gdf, self.path, title=title or dataset, public_safe=public_safe)
        return 1

    def load(self, datasets: object = None, spec: object = None) -> gpd.GeoDataFrame:
        """Return the file's incidents (filtered with :func:`layers.timeline.filter_incidents` when *spec*)."""
        frame = load_gpkg(self.path)
        if spec is not None:
            from layers.timeline import filter_incidents

            frame = filter_incidents(frame, spec)  # type: ignore[arg-type]
        return frame

    def close(self) -> None:
        """Nothing to close."""


def open_store(target: str | Path, *, app_user: str = "") -> GpkgStore | PostgisStore:
    """Open the store at *target*: a ``postgresql://`` URL (PostGIS) or a ``.gpkg`` path.

    Raises
    ------
    StoreError
        The URL's server cannot be reached, or *target* is neither.
    """
    if isinstance(target, str) and target.startswith(("postgresql:", "postgres:")):
        from layers.pgstore import PostgisStore

        return PostgisStore(target, app_user=app_user)
    path = Path(target)
    if path.suffix.lower() != ".gpkg":
        raise StoreError(f"{target}: a store is a postgresql://… URL or a .gpkg file")
    return GpkgStore(path)
