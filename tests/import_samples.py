"""Realistic import samples and a canonical text form of an import, for the before/after test.

The samples are written in the real shapes (ACLED's and UCDP GED's published columns, a plain
archive table with place names, a JSON array of records) with the rows people really send:
good rows and, mixed in, bad dates, missing or impossible coordinates, text tolls, exact
duplicate rows, repeated ids, UCDP ``best > high``, ends before starts. Every value is drawn
from a seeded generator, so a sample is the same file on every run.

``python -m tests.import_samples`` rewrites the golden outputs in
``tests/fixtures/import_golden/`` (do that only when an import's answers are meant to change).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from geo.gazetteer import Gazetteer
from layers.importers import import_file
from layers.importers.acled import ACLED_COLUMNS
from layers.incidents import to_flat

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "import_golden"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

UCDP_COLUMNS = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,"
    "high,low,gwnoa,gwnob"
).split(",")
_ADMIN1 = ["Aleppo", "Idlib", "Hama", "Homs", "Lattakia", "Tartous", "Damascus", "Rural Damascus", "Dar'a", ""]
_SUBS = [
    ("Violence against civilians", "Attack", ""),
    ("Violence against civilians", "Abduction/forced disappearance", ""),
    ("Explosions/Remote violence", "Air/drone strike", "Civilian targeting"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", ""),
    ("Battles", "Armed clash", ""),
    ("Battles", "Government regains territory", ""),
    ("Strategic developments", "Looting/property destruction", ""),
]


def _bad(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    return rng.random(n) < share


def write_acled_sample(path: Path, rows: int = 3000, seed: int = 7) -> Path:
    """Write an ACLED export of *rows* rows, about 8 % of them bad or odd in one way or another."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(35.8, 42.2, rows).round(4)
    lat = rng.uniform(32.4, 37.2, rows).round(4)
    days = pd.to_datetime(np.datetime64("2012-01-01") + rng.integers(0, 4800, rows))
    acled_dates = days.strftime("%d %B %Y").to_numpy()
    iso_dates = days.strftime("%Y-%m-%d").to_numpy()
    records = []
    for i in range(rows):
        kind, sub, target = _SUBS[i % len(_SUBS)]
        rec = dict.fromkeys(ACLED_COLUMNS, "")
        rec.update(
            event_id_cnty=f"SYR{100000 + i}",
            event_date=acled_dates[i] if i % 5 else iso_dates[i],
            year=str(days[i].year),
            time_precision=str(1 + i % 3),
            disorder_type="Political violence",
            event_type=kind,
            sub_event_type=sub,
            civilian_targeting=target,
            actor1=["Military Forces of Syria (2000-2024)", "HTS: Hayat Tahrir al Sham", "Unidentified Armed Group"][
                i % 3
            ],
            assoc_actor_1="Wagner Group" if i % 11 == 0 else "",
            actor2="Civilians (Syria)" if kind == "Violence against civilians" else ("NSAG" if i % 2 else ""),
            assoc_actor_2="Kurdish Ethnic Group (Syria)" if i % 13 == 0 else "",
            country="Syria",
            iso="760",
            region="Middle East",
            admin1=_ADMIN1[i % len(_ADMIN1)],
            location=f"Village {i % 700}",
            latitude=str(lat[i]),
            longitude=str(lon[i]),
            geo_precision=str(1 + i % 3),
            source=["SOHR; Reuters", "SANA", "", "Syrian Network for Human Rights; Enab Baladi; SOHR"][i % 4],
            source_scale="National",
            notes=f'On {acled_dates[i]}, event {i} "quoted", with a comma, and Arabic: قصف.',
            fatalities=str(int(rng.integers(0, 40)) if i % 3 else 0),
            tags="",
            timestamp="1741600000",
        )
        records.append(rec)
    bad = _bad(rng, rows, 0.08)
    for i in np.flatnonzero(bad):
        rec = records[i]
        match i % 9:
            case 0:
                rec["event_date"] = "32 June 2023"
            case 1:
                rec["latitude"] = ""
                rec["longitude"] = ""
                rec["location"] = ""
            case 2:
                rec["latitude"] = "135.2"
            case 3:
                rec["fatalities"] = "ten"
            case 4:
                rec["time_precision"] = "7"
            case 5:
                rec["latitude"], rec["longitude"] = rec["longitude"], rec["latitude"]
            case 6:
                rec["latitude"], rec["longitude"] = "48.85", "2.35"
            case 7:
                rec["event_date"] = ""
            case _:
                rec["fatalities"] = "-2"
    for i in range(10, rows, 97):  # exact duplicates of the row before
        records[i] = dict(records[i - 1])
    for i in range(20, rows, 211):  # the same id, another event
        records[i]["event_id_cnty"] = records[i - 3]["event_id_cnty"]
    _write_csv(path, list(ACLED_COLUMNS), [list(r.values()) for r in records])
    return path


def write_ucdp_sample(path: Path, rows: int = 1500, seed: int = 11) -> Path:
    """Write a UCDP GED CSV of *rows* rows, some with ``best > high`` or ``low > best``, a few bad."""
    rng = np.random.default_rng(seed)
    start = pd.to_datetime(np.datetime64("2011-03-15") + rng.integers(0, 4500, rows))
    span = rng.integers(0, 12, rows)
    records = []
    for i in range(rows):
        best = int(rng.integers(0, 60))
        low, high = max(0, best - int(rng.integers(0, 5))), best + int(rng.integers(0, 9))
        if i % 37 == 0:
            high = max(0, best - 2)
        if i % 53 == 0:
            low = best + 3
        end = start[i] + pd.Timedelta(days=int(span[i]))
        rec = dict.fromkeys(UCDP_COLUMNS, "")
        rec.update(
            id=str(200000 + i),
            relid=f"SYR-{start[i].year}-1-{i}",
            year=str(start[i].year),
            active_year="1",
            code_status="Clear",
            type_of_violence=str(1 + i % 3),
            side_a=["Government of Syria", "IS", "Syrian insurgents"][i % 3],
            side_b=["Civilians", "Syrian insurgents", "SDF"][i % 3],
            number_of_sources=str(1 + i % 4),
            source_article=f'"Reuters {start[i]:%Y-%m-%d} ""Report {i}"""' if i % 2 else "",
            source_office=["Reuters", "AFP;SOHR", "", "SNHR"][i % 4],
            source_date=f"{start[i]:%Y-%m-%d}",
            source_headline=f"Headline {i}",
            where_prec=str(1 + i % 7),
            where_coordinates=f"Town {i % 300}",
            where_description=f"near Town {i % 300}",
            adm_1=["Aleppo governorate", "Idlib governorate", "Homs governorate", ""][i % 4],
            latitude=f"{rng.uniform(32.4, 37.2):.4f}",
            longitude=f"{rng.uniform(35.8, 42.2):.4f}",
            country="Syria",
            country_id="652",
            region="Middle East",
            event_clarity=str(1 + i % 2),
            date_prec=str(1 + i % 5),
            date_start=f"{start[i]:%Y-%m-%d} 00:00:00.000",
            date_end=f"{end:%Y-%m-%d} 00:00:00.000",
            deaths_civilians=str(best // 2),
            best=str(best),
            high=str(high),
            low=str(low),
        )
        records.append(rec)
    for i in range(5, rows, 71):
        records[i]["date_end"], records[i]["date_start"] = records[i]["date_start"], records[i]["date_end"]
    for i in range(9, rows, 113):
        records[i]["latitude"] = "not a number"
    for i in range(15, rows, 131):
        records[i]["best"] = "1.5"
    for i in range(30, rows, 173):
        records[i] = dict(records[i - 1])
    _write_csv(path, UCDP_COLUMNS, [list(r.values()) for r in records])
    return path


_PLACES = ["Sonobar", "الصنوبر", "Sanobar", "al-Qusour", "Alpha", "Beta", "Al-Mukhtareyah", "Nowhere-ville", ""]


def write_archive_sample(path: Path, rows: int = 800, seed: int = 3) -> Path:
    """Write an archive table (Syrian Archive headers, US dates, place names to geocode, some coordinates)."""
    rng = np.random.default_rng(seed)
    days = pd.to_datetime(np.datetime64("2013-01-01") + rng.integers(0, 2000, rows))
    header = [
        "unique_event_ID",
        "incident_date",
        "date_time",
        "location_name",
        "location_name_ar",
        "geo_latitude",
        "geo_longitude",
        "canonical_url",
        "description",
        "killed",
    ]
    out = []
    for i in range(rows):
        place = _PLACES[i % len(_PLACES)]
        located = i % 4 == 0
        out.append(
            [
                f"SA-{i:05d}" if i % 10 else "",
                f"{days[i]:%m/%d/%y}",
                f"{days[i]:%m/%d/%y} 12:00 AM",
                place,
                "الصنوبر" if place == "Sanobar" else "",
                f"{rng.uniform(32.4, 37.2):.4f}" if located else "",
                f"{rng.uniform(35.8, 42.2):.4f}" if located else "",
                f"https://example.org/archive/{i}" if i % 6 else "",
                f"Video {i} of the aftermath.",
                str(int(rng.integers(0, 9))) if i % 7 else "",
            ]
        )
    for i in range(12, rows, 89):
        out[i] = list(out[i - 1])
    for i in range(17, rows, 101):
        out[i][1] = "13/13/13"
    _write_csv(path, header, out)
    return path


def write_records_sample(path: Path, rows: int = 400, seed: int = 5) -> Path:
    """Write a JSON array of records (Airwars-like keys), some with gaps."""
    rng = np.random.default_rng(seed)
    days = pd.to_datetime(np.datetime64("2015-06-01") + rng.integers(0, 1500, rows))
    data = []
    for i in range(rows):
        data.append(
            {
                "code": f"CS{i:04d}",
                "date": f"{days[i]:%Y-%m-%d}" if i % 23 else "sometime",
                "location_name": _PLACES[i % len(_PLACES)],
                "geo_latitude": round(float(rng.uniform(32.4, 37.2)), 4) if i % 3 == 0 else None,
                "geo_longitude": round(float(rng.uniform(35.8, 42.2)), 4) if i % 3 == 0 else None,
                "civilians_killed_min": int(rng.integers(0, 5)),
                "civilians_killed_max": int(rng.integers(0, 12)),
                "canonical_url": f"https://airwars.org/civilian-casualties/cs{i:04d}/",
                "summary": f"Strike {i}.",
            }
        )
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


#: Sample name → (writer or existing file, needs the tiny gazetteer).
SAMPLES: dict[str, tuple[Callable[[Path], Path] | Path, bool]] = {
    "acled_sample": (write_acled_sample, False),
    "ucdp_sample": (write_ucdp_sample, False),
    "archive_sample": (write_archive_sample, True),
    "records_sample": (write_records_sample, True),
    "examples_acled": (EXAMPLES / "acled_style.csv", False),
    "examples_ucdp": (EXAMPLES / "ucdp_style.csv", False),
    "fixture_airwars": (FIXTURES / "airwars_like.csv", False),
    "fixture_archive": (FIXTURES / "syrian_archive_us_dates.csv", False),
    "fixture_plain": (FIXTURES / "plain.csv", True),
    "fixture_ucdp_published": (FIXTURES / "ucdp_published.csv", False),
    "fixture_records": (FIXTURES / "records.json", True),
}


def sample_path(name: str, folder: Path) -> Path:
    """Return the input file of sample *name*, writing it into *folder* when it is generated."""
    source, _ = SAMPLES[name]
    if isinstance(source, Path):
        return source
    suffix = ".json" if name.startswith("records") else ".csv"
    return source(folder / f"{name}{suffix}")


def canonical_tables(result: object, file: Path) -> dict[str, str]:
    """Return an import's incidents, rejects, flagged rows and summary as CSV/JSON text.

    The file's folder is cut from the paths, so that a sample written to any temporary folder
    gives the same text.
    """
    folder = str(file.parent) + "/"
    gdf = result.incidents  # type: ignore[attr-defined]
    flat = to_flat(gdf)
    flat.insert(0, "geometry_wkt", gdf.geometry.to_wkt().fillna("") if len(gdf) else [])
    tables = {
        "incidents": flat,
        "rejects": result.rejects,  # type: ignore[attr-defined]
        "flagged": result.flagged,  # type: ignore[attr-defined]
    }
    out = {}
    for key, table in tables.items():
        buffer = io.StringIO()
        table.astype(str).to_csv(buffer, index=False, lineterminator="\n")
        out[key] = buffer.getvalue().replace(folder, "")
        if key == "incidents":
            out["dtypes"] = "\n".join(f"{c}\t{gdf[c].dtype}" for c in gdf.columns)
    summary = result.summary()  # type: ignore[attr-defined]
    summary["file"] = str(summary["file"]).replace(folder, "")
    out["summary"] = json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=1, default=str)
    return out


def import_sample(name: str, folder: Path, gazetteer: Gazetteer | None) -> dict[str, str]:
    """Import sample *name* (written into *folder* if generated); return its canonical tables."""
    path = sample_path(name, folder)
    needs_gazetteer = SAMPLES[name][1]
    result = import_file(path, gazetteer=gazetteer if needs_gazetteer else None)
    return canonical_tables(result, path)


def golden_path(name: str) -> Path:
    """Return the file holding sample *name*'s golden tables."""
    return GOLDEN / f"{name}.json.gz"


def read_golden(name: str) -> dict[str, str]:
    """Read sample *name*'s golden tables."""
    with gzip.open(golden_path(name), "rt", encoding="utf-8") as handle:
        return json.load(handle)


def write_golden(gazetteer: Gazetteer) -> None:
    """Rewrite every sample's golden tables with the importers as they are now."""
    import tempfile

    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in SAMPLES:
            tables = import_sample(name, Path(tmp), gazetteer)
            with gzip.GzipFile(golden_path(name), "wb", mtime=0) as raw:
                raw.write(json.dumps(tables, ensure_ascii=False, indent=0).encode("utf-8"))


if __name__ == "__main__":
    from tests.conftest import tiny_places

    write_golden(Gazetteer(tiny_places()))
