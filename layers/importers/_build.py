"""From a staging table of raw values to an :class:`ImportResult`.

Every importer reads its format into a *staging* table: one row per input
row, model column names, raw values (mostly text), ``_row`` (1-based input
row), and optionally ``_flag`` (a warning found while reading), ``_offmap``
(true when the row must stay off the map, e.g. a country-level location) and
``place_context``. :func:`build_result` then parses, geocodes and checks it
the same way for every format, so ``imported + rejected == rows_in`` always
holds: a row is either in ``incidents`` or in ``rejects``, never both.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import DataSchemaError
from geo.gazetteer import Gazetteer
from layers.dates import detect_day_order
from layers.importers._geocode import geocode_rows
from layers.importers.mapping import normalise_header
from layers.incidents import DTYPES, empty_incidents, parse_partial_dates, to_incident_frame
from layers.validation import (
    check_duplicate_ids,
    check_duplicate_rows,
    check_sources,
    check_toll_order,
    check_vocabulary,
    concat_issues,
    parse_coordinates,
    parse_tolls,
    to_number,
)

__all__ = [
    "REJECT_COLUMNS",
    "AmbiguousDateOrderError",
    "ImportResult",
    "build_result",
    "paused_gc",
    "reject_rows",
    "row_digests",
]


class AmbiguousDateOrderError(DataSchemaError):
    """A date column reads as day/month and as month/day; the person must say which."""


REJECT_COLUMNS = ("file", "row", "field", "value", "reason", "candidates")
FLAG_COLUMNS = ("file", "row", "id", "field", "value", "reason")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an importer produced from one file.

    ``incidents`` holds the imported rows, ``rejects`` one row per input row
    that was not imported (columns file, row, field, value, reason,
    candidates), ``flagged`` one row per warning on an imported row.
    """

    incidents: gpd.GeoDataFrame
    rejects: pd.DataFrame
    flagged: pd.DataFrame
    rows_in: int
    format: str
    file: str = ""
    by_reason: dict[str, int] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    date_order: str = ""

    @property
    def imported(self) -> int:
        """Number of rows imported."""
        return len(self.incidents)

    @property
    def rejected(self) -> int:
        """Number of input rows rejected."""
        return len(self.rejects)

    def summary(self) -> dict[str, object]:
        """Return the counts as a JSON-ready dict."""
        return {
            "file": self.file,
            "format": self.format,
            "rows_in": self.rows_in,
            "imported": self.imported,
            "rejected": self.rejected,
            "flagged": int(self.flagged["row"].nunique()) if len(self.flagged) else 0,
            "by_reason": dict(self.by_reason),
            "by_flag": self.by_flag,
            "columns": dict(self.mapping),
            "date_order": self.date_order,
        }

    @property
    def by_flag(self) -> dict[str, int]:
        """Number of imported rows carrying each kind of flag."""
        if not len(self.flagged):
            return {}
        kinds = self.flagged.assign(kind=self.flagged["reason"].astype(str).str.split(":").str[0])
        counts = kinds.drop_duplicates(["row", "kind"])["kind"].value_counts()
        return {str(k): int(v) for k, v in counts.items()}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration (an import's bulk allocations).

    An import builds a list of source dicts per row (10^5 acyclic containers for a large file);
    with the collector on, each full collection walks all of them again, which made up a
    quarter of the import's time. Cycles made meanwhile are collected once it is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reject_rows(file: str, rows: object, field: str, value: object, reason: object) -> pd.DataFrame:
    """Return reject rows for input rows that could not even be staged."""
    out = pd.DataFrame({"row": rows})
    out["file"], out["field"], out["value"], out["reason"], out["candidates"] = file, field, value, reason, ""
    return out[list(REJECT_COLUMNS)]


def _text(values: pd.Series) -> pd.Series:
    """Return *values* as stripped text with "" for missing (text columns stay pyarrow text)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("").str.strip()
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _col(raw: pd.DataFrame, name: str) -> pd.Series:
    return _text(raw[name]) if name in raw.columns else pd.Series("", index=raw.index)


def row_digests(df: pd.DataFrame) -> pd.Series:
    r"""Return a SHA-1 (hex) of every field of each row (columns not starting with ``_``, in order).

    A ``_hash`` column already in *df* (digests computed while reading) is returned as is; a
    ``_fields`` column (the row's fields as read, joined by ``\x1e``, see
    :func:`layers.importers.tabular.frame_from_records`) is digested instead of the columns.

    Two rows get the same digest only when they are identical in every field.
    """
    if "_hash" in df.columns:  # computed while reading
        return df["_hash"].astype(object)
    if "_fields" in df.columns:
        return pd.Series(_sha1(df["_fields"].tolist()), index=df.index, dtype=object)
    columns = [c for c in df.columns if not str(c).startswith("_")]
    if not len(df):
        return pd.Series([], index=df.index, dtype=object)
    head = "\x1e".join(map(str, columns)) + "\x1d"
    values = df[columns].astype(object).where(df[columns].notna(), "").to_numpy().tolist()
    return pd.Series(_sha1([head + "\x1e".join(map(str, row)) for row in values]), index=df.index, dtype=object)


def _sha1(texts: list[str]) -> list[str]:
    """Return the SHA-1 (hex) of each text (UTF-8)."""
    return [hashlib.sha1(t.encode("utf-8"), usedforsecurity=False).hexdigest() for t in texts]


def _issue_frame(
    frame: pd.DataFrame, mask: pd.Series, field: object, value: object, reason: object, severity: str, file: str
) -> pd.DataFrame:
    def pick(x: object) -> object:
        return x[mask].to_numpy() if isinstance(x, pd.Series) else x

    return pd.DataFrame(
        {
            "file": file,
            "row": frame.loc[mask, "_row"].to_numpy(),
            "id": frame.loc[mask, "id"].astype(str).to_numpy(),
            "field": pick(field),
            "value": pick(value),
            "reason": pick(reason),
            "severity": severity,
        }
    )


DAY_ORDER_TEXT = {"dayfirst": "day/month", "monthfirst": "month/day"}


def _day_order(
    frame: pd.DataFrame, dayfirst: bool | None, file: str, mapping: dict[str, str]
) -> tuple[bool | None, str]:
    """Decide the day/month order of the date columns; return (dayfirst, text for the summary)."""
    if dayfirst is not None:
        return dayfirst, ("day/month" if dayfirst else "month/day") + " (given)"
    order, example = detect_day_order(_col(frame, "date_start"), _col(frame, "date_end"))
    if order == "ambiguous":
        column = mapping.get("date_start", "date_start")
        raise AmbiguousDateOrderError(
            f"{file}: the dates in column {column!r} (e.g. {example!r}) read as day/month or as month/day and "
            "no value settles it (none has a number above 12); say which with --dayfirst or --monthfirst"
        )
    if not order:
        return None, "not needed (no numeric day/month dates)"
    return order == "dayfirst", f"{DAY_ORDER_TEXT[order]} (decided by values such as {example!r})"


def build_result(
    raw: pd.DataFrame,
    *,
    file: str,
    fmt: str,
    rows_in: int,
    gazetteer: Gazetteer | None = None,
    pre_rejects: pd.DataFrame | None = None,
    dayfirst: bool | None = None,
    id_prefix: str | None = None,
    mapping: dict[str, str] | None = None,
    date_order: str | None = None,
    prefix_file_ids: bool = False,
) -> ImportResult:
    """Parse, geocode and check a staging table; split it into incidents and rejects.

    Parameters
    ----------
    raw : DataFrame
        The staging table (see the module docstring).
    file, fmt : str
        Named in every reject and flag; the format goes into the result. For ``fmt="curated"``
        a toll order or an end before the start rejects the row; for imports both are flagged.
    rows_in : int
        Number of data rows in the input (staged plus *pre_rejects*).
    gazetteer : Gazetteer, optional
        Resolves ``place_reported`` (with ``place_context`` as ``within=``)
        for rows without coordinates; without it such rows are rejected.
    pre_rejects : DataFrame, optional
        Rows that failed before staging (malformed lines, broken features).
    dayfirst : bool or None
        The day/month order of numeric dates; None: decided from the values
        (:func:`layers.dates.detect_day_order`), and a column no value settles raises
        :class:`AmbiguousDateOrderError`.
    id_prefix : str, optional
        Prefix of generated ids and of ids from a file's own id column (default: the format).
    mapping : dict, optional
        Field → file column used to stage *raw* (reported in the summary).
    prefix_file_ids : bool
        Prefix ids from the file's own id column with the format, unless that column is the
        model's own ``id`` (plain tables; ACLED and UCDP build their ids themselves).
    date_order : str, optional
        Text for the summary when the importer knows the order (e.g. ACLED's month names).
    """
    mapping = dict(mapping or {})
    strict = fmt == "curated"
    prefix = id_prefix or fmt
    frame = raw.reset_index(drop=True).copy(deep=False)  # copy-on-write: *raw* stays as it was
    for column in ("id", "place_reported", "place_context", "admin1", "place_id", "event_type", "confidence"):
        if column not in frame.columns:
            frame[column] = ""
    for column in ("sources", "figures"):
        if column not in frame.columns:
            frame[column] = pd.Series([[] for _ in range(len(frame))], index=frame.index, dtype=object)
    # Rows are compared by every field as read (``_fields``) or by a digest of their columns.
    key = "_fields" if "_fields" in frame.columns and "_hash" not in frame.columns else "_hash"
    if key not in frame.columns:
        frame["_hash"] = row_digests(frame)
    frame["id"] = _col(frame, "id")
    if prefix_file_ids and mapping.get("id") and normalise_header(mapping["id"]) != "id":
        frame["id"] = (prefix + "-" + frame["id"]).where(frame["id"] != "", "")
    no_id = frame["id"] == ""
    if bool(no_id.any()):  # digests only for the rows that need one
        frame.loc[no_id, "id"] = prefix + "-" + row_digests(frame.loc[no_id, [key]]).str.slice(0, 12)
    aggregate = _col(frame, "aggregate").str.lower().isin(("true", "1", "yes")).astype(bool)
    offmap = (
        frame["_offmap"].fillna(False).astype(bool)
        if "_offmap" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    issues = []
    dayfirst, order_text = _day_order(frame, dayfirst, file, mapping)
    dates = parse_partial_dates(
        _col(frame, "date_start"), _col(frame, "date_end"), _col(frame, "date_precision"), dayfirst=dayfirst
    )
    failed = dates["error"] != ""  # the prefix is looked for in the few rows with an error only
    end_first = pd.Series(False, index=dates.index)
    if bool(failed.any()):
        end_first[failed] = dates.loc[failed, "error"].str.startswith("end before start").astype(bool)
    if not strict and bool(end_first.any()):
        # Published as such: the start is kept, the window is the start's own period.
        again = parse_partial_dates(
            _col(frame, "date_start")[end_first], None, _col(frame, "date_precision")[end_first], dayfirst=dayfirst
        )
        dates.loc[end_first, ["date_start", "date_end", "date_precision"]] = again[
            ["date_start", "date_end", "date_precision"]
        ]
        issues.append(
            _issue_frame(
                frame,
                end_first,
                "date_end",
                _col(frame, "date_end"),
                "end before start as published: "
                + dates.loc[end_first, "error"].str.split(": ", n=1).str[1]
                + "; the start is kept",
                "flag",
                file,
            )
        )
        dates.loc[end_first, ["field", "error"]] = ""
    bad_date = dates["error"] != ""
    issues.append(
        _issue_frame(
            frame,
            bad_date,
            dates["field"],
            pd.Series(
                np.where(dates["field"] == "date_end", _col(frame, "date_end"), _col(frame, "date_start")),
                index=frame.index,
            ),
            dates["error"],
            "reject",
            file,
        )
    )
    if "_reject" in frame.columns:
        bad = _col(frame, "_reject") != ""
        issues.append(_issue_frame(frame, bad, "sources", "", _col(frame, "_reject"), "reject", file))
    tolls, toll_issues = parse_tolls(frame, file)
    issues.append(toll_issues)
    lon, lat, coord_issues = parse_coordinates(frame, file)
    issues.append(coord_issues)
    frame = frame.assign(lon=lon, lat=lat, **{c: tolls[c] for c in tolls.columns})
    frame[["date_start", "date_end", "date_precision"]] = dates[["date_start", "date_end", "date_precision"]]
    frame["place_id"] = frame["place_id"].astype(object).where(_col(frame, "place_id") != "", None)
    if "geo_precision" not in frame.columns:
        frame["geo_precision"] = None
    precision = frame["geo_precision"]
    if isinstance(precision.dtype, pd.StringDtype):  # text: each distinct value parsed once
        frame["geo_precision"] = to_number(precision.fillna("")).astype(object)
    else:
        frame["geo_precision"] = pd.to_numeric(precision, errors="coerce").astype(object)
    frame["admin1"] = _col(frame, "admin1").astype(object)
    coord_rejected = frame["_row"].isin(coord_issues.loc[coord_issues["severity"] == "reject", "row"])
    duplicate_rows = check_duplicate_rows(frame, file, key=key)
    repeated = frame["_row"].isin(duplicate_rows["row"])
    # Aggregates are regional totals, never placed on the map: they are not geocoded here.
    unlocated = frame["lon"].isna() & ~coord_rejected & ~offmap & ~aggregate & ~repeated
    has_place = _col(frame, "place_reported") != ""
    place_issues = geocode_rows(frame, unlocated & has_place, gazetteer, file)
    no_location = unlocated & ~has_place & ~aggregate
    issues.append(
        _issue_frame(
            frame,
            no_location,
            "place_reported",
            "",
            "no location: the row has neither lat/lon nor a place name; add one",
            "reject",
            file,
        )
    )
    frame, vocab_issues = check_vocabulary(frame, file)
    issues += [
        duplicate_rows,
        vocab_issues,
        check_toll_order(frame, file, severity="reject" if strict else "flag"),
        check_duplicate_ids(frame, file, skip=repeated),
        check_sources(frame, file, required=False),
    ]
    if "_flag" in frame.columns:
        flag = _col(frame, "_flag")
        issues.append(_issue_frame(frame, flag != "", "geometry", "", flag, "flag", file))
    all_issues = concat_issues(issues)
    all_issues["candidates"] = ""
    if len(place_issues):
        all_issues = pd.concat([all_issues, place_issues], ignore_index=True)
    rejected = all_issues[all_issues["severity"] == "reject"]
    bad_rows = set(rejected["row"])
    keep = ~frame["_row"].isin(bad_rows)
    rejects = _one_per_row(rejected)
    if pre_rejects is not None and len(pre_rejects):
        rejects = pd.concat([pre_rejects[list(REJECT_COLUMNS)], rejects], ignore_index=True)
    rejects = rejects.sort_values("row", kind="stable", ignore_index=True)
    flagged = all_issues[(all_issues["severity"] == "flag") & ~all_issues["row"].isin(bad_rows)]
    flagged = flagged[list(FLAG_COLUMNS)].sort_values("row", kind="stable", ignore_index=True)
    kept = frame.loc[keep]  # a new frame (copy-on-write): setting columns leaves *frame* as it was
    kept["aggregate"] = aggregate[keep]
    kept["flags"] = _flag_text(flagged, kept["_row"])
    if "dataset" not in kept.columns or not bool((_col(kept, "dataset") != "").any()):
        kept["dataset"] = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    columns = [c for c in DTYPES if c in kept.columns]
    incidents = assign_corridors(to_incident_frame(kept[columns])) if len(kept) else empty_incidents()
    by_reason = rejects["reason"].astype(str).str.split(":").str[0].value_counts().to_dict()
    return ImportResult(
        incidents=incidents,
        rejects=rejects,
        flagged=flagged,
        rows_in=rows_in,
        format=fmt,
        file=file,
        by_reason={str(k): int(v) for k, v in by_reason.items()},
        mapping=mapping,
        date_order=date_order or order_text,
    )


def _flag_text(flagged: pd.DataFrame, rows: pd.Series) -> pd.Series:
    """Return each row's flag kinds joined with "; " (what the map and the details show)."""
    if not len(flagged):
        return pd.Series("", index=rows.index)
    # One kind per reason (the text before its first ":"), each once per row, in order of appearance.
    codes, reasons = pd.factorize(flagged["reason"].astype(object).fillna("").astype(str), sort=False)
    kinds_of = np.array([r.split(":", 1)[0] for r in reasons] + [""], dtype=object)  # each distinct reason once
    kind = kinds_of[codes]
    pairs = pd.DataFrame({"row": flagged["row"].to_numpy(), "kind": kind}).drop_duplicates()
    pairs = pairs[(pairs["kind"] != "") & pairs["row"].notna()]
    if pairs["row"].is_unique:  # the usual case: one kind per flagged row
        joined = pd.Series(pairs["kind"].to_numpy(dtype=object), index=pairs["row"].to_numpy(), dtype=object)
        return pd.Series(rows.map(joined).fillna("").to_numpy(dtype=object), index=rows.index, dtype=object)
    kinds: dict[object, list[str]] = {}  # a plain loop: a groupby's per-group cost was 1 s per 25,000 rows
    for row, text in zip(pairs["row"].tolist(), pairs["kind"].tolist(), strict=True):
        kinds.setdefault(row, []).append(text)
    joined = pd.Series(["; ".join(k) for k in kinds.values()], index=list(kinds), dtype=object)
    return pd.Series(rows.map(joined).fillna("").to_numpy(dtype=object), index=rows.index, dtype=object)


def _one_per_row(rejected: pd.DataFrame) -> pd.DataFrame:
    """Keep one reject per input row: the first field at fault, every reason joined."""
    if rejected.empty:
        return pd.DataFrame(columns=list(REJECT_COLUMNS))
    ordered = rejected.reset_index(drop=True)
    first = ordered.drop_duplicates("row", keep="first").set_index("row")
    counts = ordered.groupby("row", sort=False).size()
    more = counts[counts > 1].index
    if len(more):
        reasons = ordered["reason"].astype(object).fillna("").astype(str)  # a missing reason joins as ""
        joined = (
            reasons[ordered["row"].isin(more)]
            .groupby(ordered["row"], sort=False)
            .agg(lambda texts: "; ".join(t for t in texts if t))
        )
        first.loc[joined.index, "reason"] = joined
    return first.reset_index()[list(REJECT_COLUMNS)]


def project_corridors() -> dict[str, object]:
    """Return the project's corridors (:func:`geo.corridors.load_corridors`), read once per file version.

    Reading and densifying the corridor lines is reference-data start-up (a fifth of a
    100,000-row import when done per import); the file's path, size and modification time key
    the copy kept, so an edited file is read again.
    """
    from geo.corridors import CORRIDORS_PATH

    try:
        stat = CORRIDORS_PATH.stat()
    except OSError:
        stat = None
    return _corridors(str(CORRIDORS_PATH), stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1)


@functools.lru_cache(maxsize=2)
def _corridors(path: str, size: int, mtime_ns: int) -> dict[str, object]:
    from geo.corridors import load_corridors

    return load_corridors(path)


def assign_corridors(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill corridor and chainage_km from :func:`geo.corridors.assign_corridors` when available.

    Until that function lands (ImportError) the columns stay empty. Rows
    kept off the map get no corridor. Each distinct point is located once.
    """
    try:
        from geo.corridors import assign_corridors
    except ImportError:
        return gdf

    def assign(points: pd.DataFrame) -> pd.DataFrame:
        return assign_corridors(points, corridors=project_corridors())

    located = gdf.geometry.notna()
    if not bool(located.any()):
        return gdf
    points = pd.DataFrame({"lon": gdf.loc[located, "lon"], "lat": gdf.loc[located, "lat"]})
    # A point as one complex number (lon + i·lat): hashing it finds the distinct points at once.
    codes, uniques = pd.factorize(points["lon"].to_numpy(float) + 1j * points["lat"].to_numpy(float))
    if len(uniques) < len(points):
        distinct = pd.DataFrame({"lon": uniques.real, "lat": uniques.imag})
        placed = assign(distinct).iloc[codes].set_axis(points.index)
    else:
        placed = assign(points)
    out = gdf.copy(deep=False)  # copy-on-write: *gdf* stays as it was
    out.loc[located, "corridor"] = placed["corridor"].astype(object).where(placed["corridor"].notna(), None)
    out.loc[located, "chainage_km"] = placed["chainage_km"].astype(float)
    out["corridor"] = out["corridor"].astype("str")
    return out
