"""Importers on files shaped like the real exports people bring (issue 13): mapping, dates, ids, flags."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import InvalidOptionError
from layers.importers import AmbiguousDateOrderError, UnmappedColumnsError, import_file
from layers.importers.mapping import guess_mapping, parse_columns, remember_mapping, remembered_mapping
from tests.conftest import REPO

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _invariant(result: object) -> None:
    assert result.imported + result.rejected == result.rows_in  # type: ignore[attr-defined]
    assert not set(result.rejects["row"]) & set(result.flagged["row"])  # type: ignore[attr-defined]


def test_archive_headers_need_no_mapping_and_us_dates_are_read_month_first() -> None:
    result = import_file(FIXTURES / "syrian_archive_us_dates.csv")
    _invariant(result)
    summary = result.summary()
    assert summary["columns"]["date_start"] == "incident_date"
    assert summary["columns"]["lat"] == "geo_latitude"
    assert summary["columns"]["source_url"] == "canonical_url"
    assert summary["columns"]["place_reported_ar"] == "location_name_ar"
    assert summary["date_order"].startswith("month/day")
    gdf = result.incidents.set_index("id")
    assert gdf.loc["csv-SA-0001", "date_start"] == pd.Timestamp("2013-08-21", tz="UTC")
    assert gdf.loc["csv-SA-0001", "place_reported_ar"] == "زملكا"
    assert gdf.loc["csv-SA-0001", "sources"][0]["url"] == "https://example.org/archive/0001"
    assert gdf.loc["csv-SA-0001", "sources"][0]["publisher"] == "example.org"
    assert summary["by_flag"] == {}  # canonical_url is a source: nothing flagged "no source"


def test_same_place_and_day_with_distinct_ids_are_distinct_records() -> None:
    result = import_file(FIXTURES / "syrian_archive_us_dates.csv")
    assert {"csv-SA-0001", "csv-SA-0002", "csv-SA-0003"} <= set(result.incidents["id"])


def test_only_identical_rows_are_duplicates_and_the_reject_names_the_row() -> None:
    result = import_file(FIXTURES / "syrian_archive_us_dates.csv")
    reasons = result.rejects.set_index("row")["reason"]
    assert reasons.loc[6] == "duplicate row: identical in every field to row 5, which is imported"
    assert (result.incidents["id"] == "csv-SA-0005").sum() == 1


def test_a_year_typo_and_deeply_nested_sources_are_one_reject_each() -> None:
    result = import_file(FIXTURES / "syrian_archive_us_dates.csv")
    reasons = result.rejects.set_index("row")["reason"]
    assert reasons.loc[7].startswith("implausible date: '0202-03-07'")
    assert reasons.loc[8].startswith("nested too deeply")
    assert result.imported == 5


def test_ids_hash_every_field_when_the_file_has_no_id(tmp_path: Path) -> None:
    path = tmp_path / "no_ids.csv"
    path.write_text(
        "date,latitude,longitude,notes\n2025-03-07,35.1,36.1,first\n2025-03-07,35.1,36.1,second\n"
        "2025-03-07,35.1,36.1,first\n",
        encoding="utf-8",
    )
    result = import_file(path)
    assert result.imported == 2
    assert result.incidents["id"].str.match(r"^csv-[0-9a-f]{12}$").all()
    assert result.incidents["id"].is_unique
    assert result.rejects["reason"].tolist() == ["duplicate row: identical in every field to row 1, which is imported"]
    again = import_file(path)
    assert again.incidents["id"].tolist() == result.incidents["id"].tolist()  # stable


def test_ambiguous_column_asks_for_the_order_and_the_answer_is_used() -> None:
    with pytest.raises(AmbiguousDateOrderError, match="--dayfirst or --monthfirst"):
        import_file(FIXTURES / "ambiguous_dates.csv")
    day = import_file(FIXTURES / "ambiguous_dates.csv", dayfirst=True)
    month = import_file(FIXTURES / "ambiguous_dates.csv", dayfirst=False)
    assert day.incidents["date_start"].iloc[0] == pd.Timestamp("2025-04-03", tz="UTC")
    assert month.incidents["date_start"].iloc[0] == pd.Timestamp("2025-03-04", tz="UTC")
    assert day.summary()["date_order"] == "day/month (given)"
    assert day.summary()["columns"]["deaths_best"] == "killed"


def test_ucdp_best_above_high_is_imported_as_published_and_flagged() -> None:
    result = import_file(FIXTURES / "ucdp_published.csv")
    assert (result.rows_in, result.imported) == (3, 3)
    gdf = result.incidents.set_index("id")
    assert (gdf.loc["ucdp-160001", "deaths_low"], gdf.loc["ucdp-160001", "deaths_best"]) == (5, 7)
    assert gdf.loc["ucdp-160001", "deaths_high"] == 6  # never reordered
    assert gdf.loc["ucdp-160001", "flags"] == "toll order as published"
    assert gdf.loc["ucdp-160003", "flags"] == ""
    assert result.summary()["by_flag"] == {"toll order as published": 2}
    reasons = result.flagged.set_index("id")["reason"]
    assert reasons.loc["ucdp-160001"].startswith("toll order as published: deaths_best > deaths_high (7 > 6)")


def test_airwars_like_file_reads_canonical_url_and_min_max() -> None:
    result = import_file(FIXTURES / "airwars_like.csv")
    assert (result.imported, result.rejected) == (4, 0)
    gdf = result.incidents.set_index("id")
    assert gdf.loc["csv-SYR001", "sources"][0]["url"] == "https://airwars.org/civilian-casualties/syr001/"
    assert gdf.loc["csv-SYR001", "sources"][0]["publisher"] == "airwars.org"
    assert (gdf.loc["csv-SYR003", "deaths_low"], gdf.loc["csv-SYR003", "deaths_high"]) == (33, 200)
    assert "no source" not in result.summary()["by_flag"]


def test_json_array_of_records_is_read_like_a_csv() -> None:
    result = import_file(FIXTURES / "records.json")
    _invariant(result)
    assert result.format == "json"
    assert result.summary()["columns"]["id"] == "unique_event_ID"
    gdf = result.incidents.set_index("id")
    assert gdf.loc["json-R-2", "date_start"] == pd.Timestamp("2025-03-07", tz="UTC")
    assert gdf.loc["json-R-3", "date_start"] == pd.Timestamp("2025-03-08", tz="UTC")  # Arabic month, digits
    assert result.rejects["reason"].iloc[0].startswith("not a record: item 4")


def test_unknown_headers_need_columns_and_the_mapping_is_used(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("when_it_happened,where,north,east,toll\n21/08/2013,Zamalka,33.52,36.35,5\n", encoding="utf-8")
    with pytest.raises(UnmappedColumnsError, match="--columns") as info:
        import_file(path)
    assert info.value.headers == ["when_it_happened", "where", "north", "east", "toll"]
    columns = "date=when_it_happened,place=where,lat=north,lon=east,deaths=toll"
    result = import_file(path, columns=columns)
    assert result.imported == 1
    assert result.incidents["deaths_best"].iloc[0] == 5
    assert result.summary()["columns"] == {
        "date_start": "when_it_happened",
        "place_reported": "where",
        "lat": "north",
        "lon": "east",
        "deaths_best": "toll",
    }
    with pytest.raises(InvalidOptionError, match="names no column"):
        import_file(path, columns="date=missing_column,lat=north,lon=east")
    with pytest.raises(InvalidOptionError, match="is not a field"):
        parse_columns("colour=toll")


def test_every_model_field_can_be_mapped() -> None:
    from layers.importers.mapping import FIELDS
    from layers.incidents import COLUMNS

    mappable = set(COLUMNS) - {"dataset", "corridor", "chainage_km", "place_id", "flags"}
    assert mappable <= set(FIELDS)


def test_mapping_is_remembered_for_the_same_headers(tmp_path: Path) -> None:
    headers = ["When", "Where", "North", "East"]
    assert remembered_mapping(headers, tmp_path) is None
    remember_mapping(headers, {"date_start": "When", "lat": "North", "lon": "East"}, tmp_path)
    assert remembered_mapping(["east", "north", "when", "where"], tmp_path) == {
        "date_start": "When",
        "lat": "North",
        "lon": "East",
    }
    assert guess_mapping(headers, remembered_mapping(headers, tmp_path)).complete()


def test_cli_prints_mapping_and_writes_flags(tmp_path: Path) -> None:
    out, flags = tmp_path / "o.gpkg", tmp_path / "flags.csv"
    shutil.copy(FIXTURES / "ucdp_published.csv", tmp_path / "ged.csv")
    run = subprocess.run(
        [sys.executable, "-m", "layers", "import", str(tmp_path / "ged.csv"), "--out", str(out), "--flags", str(flags)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    summary = json.loads(run.stdout)
    assert summary["by_flag"] == {"toll order as published": 2}
    written = pd.read_csv(flags)
    assert written["reason"].str.startswith("toll order as published").sum() == 2
    csv_out = tmp_path / "a.gpkg"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "layers",
            "import",
            str(FIXTURES / "ambiguous_dates.csv"),
            "--out",
            str(csv_out),
            "--monthfirst",
            "--columns",
            "deaths=killed",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    summary = json.loads(run.stdout)
    assert summary["date_order"] == "month/day (given)"
    assert summary["columns"]["deaths_best"] == "killed"


def test_acled_actors_are_perpetrator_and_victim_only_where_acled_codes_a_direction() -> None:
    gdf = import_file(FIXTURES / "acled.csv").incidents.set_index("id")
    attack = gdf.loc["acled-syr1001"]  # Violence against civilians
    assert attack["perpetrator_reported"] == "Unidentified Armed Group (Syria) (as coded by ACLED)"
    assert attack["victim_group_reported"].startswith("Civilians (Syria)")
    strike = gdf.loc["acled-syr1002"]  # Explosions/Remote violence, no civilian targeting
    assert strike["perpetrator_reported"] == ""
    assert strike["victim_group_reported"] == ""
    assert strike["actor1"] == "Military Forces of Syria (2024-) (as coded by ACLED)"
    battle = gdf.loc["acled-syr1003"]  # Battles: actor2 "B" is the other side, not a victim
    assert battle["victim_group_reported"] == ""
    assert battle["actor2"] == "B (as coded by ACLED)"


def test_ucdp_sides_are_perpetrator_and_victim_only_for_one_sided_violence() -> None:
    gdf = import_file(FIXTURES / "ucdp.csv").incidents.set_index("id")
    one_sided = gdf.loc["ucdp-150001"]  # type_of_violence 3
    assert one_sided["perpetrator_reported"] == "Government of Syria (as coded by UCDP GED)"
    assert one_sided["victim_group_reported"] == "Civilians (as coded by UCDP GED)"
    fight = gdf.loc["ucdp-150002"]  # state-based: FSA is a party, not a victim
    assert fight["victim_group_reported"] == ""
    assert fight["actor2"] == "FSA (as coded by UCDP GED)"


def test_flags_reach_the_map_popup_and_the_details() -> None:
    from layers.app_state import detail_records
    from layers.render.payload import to_payload

    gdf = import_file(FIXTURES / "ucdp_published.csv").incidents
    payload = to_payload(gdf)
    flags = [payload["S"][k] for k in payload["info"]["flags"]]
    assert flags.count("toll order as published") == 2
    records = {r["id"]: r for r in detail_records(gdf)}
    assert records["ucdp-160001"]["flags"] == "toll order as published"


def test_deeply_nested_sources_in_geojson_are_one_reject(tmp_path: Path) -> None:
    nested: object = "deep"
    for _ in range(60):
        nested = [nested]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [36.3, 33.5]},
            "properties": {"date": "2025-03-07", "sources": [{"publisher": "x", "quote": nested}] if i else []},
        }
        for i in range(2)
    ]
    path = tmp_path / "deep.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    result = import_file(path)
    assert (result.imported, result.rejected) == (1, 1)
    assert result.rejects["reason"].iloc[0].startswith("nested too deeply")


def test_acled_and_ucdp_summaries_print_their_mapping() -> None:
    acled = import_file(FIXTURES / "acled.csv").summary()
    assert acled["columns"]["date_start"] == "event_date"
    assert acled["columns"]["actor2"] == "actor2"
    assert import_file(FIXTURES / "ucdp.csv").summary()["columns"]["deaths_best"] == "best"
