"""ACLED exports (CSV from the ACLED Explorer / API, ACLED's published columns).

Mapping to the incident model
-----------------------------
=================  ==========================================================
model              ACLED
=================  ==========================================================
id                 ``acled-`` + ``event_id_cnty`` (lower case)
title              ``sub_event_type`` + " in " + ``location``
event_type         from ``sub_event_type`` (:data:`SUB_EVENT_TYPES`); else other
date_start/end     ``event_date``; ``time_precision`` 1 → day (that day),
                   2 → week (ACLED codes a day in the reported week:
                   ``event_date`` − 3 … + 3 days), 3 → month (the calendar
                   month of ``event_date``)
place_reported     ``location``; ``admin1`` → canonical governorate name
lat / lon          ``latitude`` / ``longitude``
geo_precision      ``geo_precision`` as is (ACLED's 1/2/3 mean the same
                   as ours: exact place / nearby or part of a region /
                   larger region centroid)
deaths_*           ``fatalities`` → deaths_low = deaths_best = deaths_high
actor1 / actor2    ``actor1`` (+ ``assoc_actor_1``) / ``actor2`` (+ ``assoc_actor_2``),
                   "as coded by ACLED", always: ACLED's actor order implies no
                   direction in general (a battle's actor2 is not a victim)
perpetrator        ``actor1`` only where ACLED's coding gives the direction:
                   ``event_type`` "Violence against civilians", or
                   ``civilian_targeting`` "Civilian targeting" (e.g. a shelling
                   coded as targeting civilians); else empty
victim group       ``actor2`` on the same rows; else empty
summary            ``notes``
sources            one per publisher in ``source`` (split on ";"),
                   quote = ``notes`` (first 300 characters), via = ACLED id
=================  ==========================================================
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from geo.errors import DataSchemaError
from geo.gazetteer import Gazetteer
from geo.places import canonical_admin1
from layers.dates import parse_partial_dates
from layers.importers._build import ImportResult, build_result
from layers.importers.tabular import read_csv_frame

__all__ = ["ACLED_COLUMNS", "REQUIRED", "SUB_EVENT_TYPES", "TIME_PRECISION", "import_acled"]

#: ACLED's published column set (2023 onwards).
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
REQUIRED = ("event_id_cnty", "event_date", "latitude", "longitude", "fatalities")
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
#: The fixed mapping (field → ACLED column), printed in the summary.
MAPPING = {
    "id": "event_id_cnty",
    "date_start": "event_date",
    "date_precision": "time_precision",
    "event_type": "sub_event_type",
    "place_reported": "location",
    "admin1": "admin1",
    "lat": "latitude",
    "lon": "longitude",
    "geo_precision": "geo_precision",
    "deaths_best": "fatalities",
    "actor1": "actor1",
    "actor2": "actor2",
    "summary": "notes",
    "source": "source",
}
SUB_EVENT_TYPES = {
    "abduction/forced disappearance": "abduction/disappearance",
    "air/drone strike": "shelling/airstrike",
    "shelling/artillery/missile attack": "shelling/airstrike",
    "armed clash": "clash",
    "government regains territory": "clash",
    "non-state actor overtakes territory": "clash",
}


def import_acled(path: str | Path, gazetteer: Gazetteer | None = None) -> ImportResult:
    r"""Import an ACLED export CSV.

    Parameters
    ----------
    path : path
        CSV with ACLED's column names (any case).
    gazetteer : Gazetteer, optional
        Unused (ACLED rows carry coordinates); accepted for a uniform signature.

    Raises
    ------
    InputFileError, DataSchemaError
        The file cannot be read or lacks ACLED's required columns.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "acled.csv")
    >>> _ = open(p, "w").write("event_id_cnty,event_date,time_precision,latitude,longitude,fatalities,"
    ...     "sub_event_type,location,source\nSYR1,2025-03-07,1,35.35,35.92,4,Attack,Jableh,SOHR\n")
    >>> r = import_acled(p)
    >>> r.incidents[["id", "deaths_best", "date_precision"]].values.tolist()
    [['acled-syr1', 4, 'day']]
    """
    path = Path(path)
    df, rejects, rows_in = read_csv_frame(path)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise DataSchemaError(
            f"{path}: not an ACLED export: missing column(s) {', '.join(missing)}; export with ACLED's standard columns"
        )

    @functools.cache  # each column stripped once (location, event_date… are read more than once)
    def col(name: str) -> pd.Series:
        return df[name].astype(str).str.strip() if name in df.columns else pd.Series("", index=df.index)

    tp = col("time_precision")
    precision = tp.map(TIME_PRECISION).fillna("")
    start, end = col("event_date"), pd.Series("", index=df.index)
    day = parse_partial_dates(start, dayfirst=True)["date_start"].dt.tz_localize(None)
    week = (precision == "week") & day.notna()
    if bool(week.any()):  # the window's first and last days, written for the week rows only
        start = start.where(~week, (day[week] - pd.Timedelta(days=3)).dt.strftime("%Y-%m-%d"))
        end = end.where(~week, (day[week] + pd.Timedelta(days=3)).dt.strftime("%Y-%m-%d"))
    fatalities = col("fatalities")
    actors1 = _join(col("actor1"), col("assoc_actor_1"))
    actors2 = _join(col("actor2"), col("assoc_actor_2"))
    sub = col("sub_event_type")
    directed = (col("event_type").str.lower() == "violence against civilians") | (
        col("civilian_targeting").str.lower() == "civilian targeting"
    )
    coded1 = (actors1 + " (as coded by ACLED)").where(actors1 != "", "")
    coded2 = (actors2 + " (as coded by ACLED)").where(actors2 != "", "")
    notes = col("notes")
    ids = col("event_id_cnty")
    raw = pd.DataFrame(
        {
            "_row": df["_row"],
            "id": ("acled-" + ids.str.lower()).where(ids != "", ""),
            "title": (sub + " in " + col("location")).where(
                (sub != "") & (col("location") != ""), sub + col("location")
            ),
            "event_type": sub.str.lower().map(SUB_EVENT_TYPES).fillna("other"),
            "date_start": start,
            "date_end": end,
            "date_precision": precision.where(tp.isin(TIME_PRECISION), ""),
            "place_reported": col("location"),
            "admin1": _per_value(col("admin1"), canonical_admin1),
            "lat": col("latitude"),
            "lon": col("longitude"),
            "geo_precision": col("geo_precision"),
            "deaths_low": fatalities,
            "deaths_best": fatalities,
            "deaths_high": fatalities,
            "perpetrator_reported": coded1.where(directed, ""),
            "victim_group_reported": coded2.where(directed, ""),
            "actor1": coded1,
            "actor2": coded2,
            "summary": notes,
            "sources": pd.Series(
                _sources_column(col("source"), notes, col("event_date"), ids), index=df.index, dtype=object
            ),
        }
    )
    bad_tp = (tp != "") & ~tp.isin(TIME_PRECISION)
    raw.loc[bad_tp, "date_precision"] = "time_precision " + tp[bad_tp]
    raw["_fields"] = df["_fields"]  # every field as read: duplicates and digests
    col.cache_clear()  # the stripped columns are in *raw* now; the rest need not stay in memory
    return build_result(
        raw,
        file=str(path),
        fmt="acled",
        rows_in=rows_in,
        pre_rejects=rejects,
        dayfirst=True,
        date_order="day/month (ACLED writes dates as 02 June 2023 or ISO)",
        mapping=MAPPING,
    )


def _join(a: pd.Series, b: pd.Series) -> pd.Series:
    return (a + "; " + b).where(b != "", a).where(a != "", b)


def _per_value(values: pd.Series, function: object) -> pd.Series:
    """Apply *function* once per distinct value."""
    codes, uniques = pd.factorize(values, sort=False)
    mapped = pd.Series([function(u) for u in uniques], dtype=object)  # type: ignore[operator]
    return pd.Series(mapped.to_numpy()[codes] if len(uniques) else [], index=values.index, dtype=object)


def _sources_column(source: pd.Series, notes: pd.Series, date: pd.Series, ids: pd.Series) -> list[list[dict]]:
    """One list of sources per row: one per publisher in ``source`` (split on ";"), the first quoting the notes.

    The publisher lists are split once per distinct ``source``; only the dicts are built per row.
    """
    codes, uniques = pd.factorize(source, sort=False)
    lists = [[p.strip() for p in str(u).split(";") if p.strip()] for u in uniques]
    none: list[str] = []
    rows = zip(
        [lists[c] if c >= 0 else none for c in codes.tolist()],
        [d or None for d in date.tolist()],
        notes.tolist(),
        [f"ACLED {i}".strip() for i in ids.tolist()],
        strict=True,
    )
    out: list[list[dict]] = []
    for publishers, when, note, via in rows:  # the usual one or two publishers without an inner loop
        if not publishers:
            out.append([])
            continue
        head = {"publisher": publishers[0], "title": "", "date": when, "url": "", "quote": note[:300], "via": via}
        if len(publishers) == 1:
            out.append([head])
        elif len(publishers) == 2:
            out.append(
                [head, {"publisher": publishers[1], "title": "", "date": when, "url": "", "quote": "", "via": via}]
            )
        else:
            rest = [
                {"publisher": p, "title": "", "date": when, "url": "", "quote": "", "via": via} for p in publishers[1:]
            ]
            out.append([head, *rest])
    return out
