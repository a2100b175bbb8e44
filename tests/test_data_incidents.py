"""Checks over the curated incident data (data/incidents): figures in scope, attribution, confidence, wording.

The rules are documented in data/incidents/README.md ("Checks that keep the data honest").
Each found error of issue 14 has a regression test at the end.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from geo.admin import load_admin_areas
from geo.gazetteer import Gazetteer
from layers.curated import CURATED_DIR, list_curated, load_all_curated

STORIES_DIR = CURATED_DIR / "stories"
BOUNDS = ("deaths_low", "deaths_best", "deaths_high")

# Original reporters, recognised in a publisher name (and, for figures, in the quote).
ORIGINATORS = {
    "SOHR": r"\bSOHR\b|Syrian Observatory",
    "SNHR": r"\bSNHR\b|Syrian Network for Human Rights",
    "Reuters": r"\bReuters\b",
    "UN": r"\bUN\b|United Nations|OHCHR",
    "HRW": r"Human Rights Watch|\bHRW\b",
    "CNN": r"\bCNN\b",
    "AP": r"\bAP\b|Associated Press",
    "AFP": r"\bAFP\b",
    "Syrian British Consortium": r"Syrian British Consortium",
}
COUNTER_CLAIM = re.compile(r"\bdenied\b|\bdenial\b|\bblamed\b|\bdisputed?\b|counter-claim|\bNot settled\b", re.I)


@cache
def datasets() -> dict[str, dict]:
    return {name: yaml.safe_load((CURATED_DIR / f"{name}.yaml").read_text(encoding="utf-8")) for name in list_curated()}


def records() -> list[dict]:
    return [item for data in datasets().values() for item in data["incidents"]]


def by_id(record_id: str) -> dict:
    return next(r for r in records() if r["id"] == record_id)


def originators_of(text: str) -> set[str]:
    found = {name for name, pattern in ORIGINATORS.items() if re.search(pattern, text)}
    return found or {re.split(r" \(|, ", text)[0].strip()}


def source_originators(record: dict) -> set[str]:
    """The independent original reporters among a record's sources (a repost counts as its original)."""
    out: set[str] = set()
    for s in record["sources"]:
        # "SOHR (via AFP / ARY News)" is SOHR's count, whoever relays it
        out |= originators_of(re.sub(r"\s*\(via [^)]*\)", "", str(s["publisher"])))
    return out


def ids(pred=lambda r: True) -> list[str]:
    return [r["id"] for r in records() if pred(r)]


# --- figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("record_id", ids())
def test_every_figures_publisher_is_a_source_of_the_record(record_id: str) -> None:
    r = by_id(record_id)
    publishers = {s["publisher"] for s in r["sources"]}
    for f in r.get("figures") or []:
        assert f["publisher"] in publishers, f"{record_id}: figure publisher {f['publisher']!r} is not a source"


@pytest.mark.parametrize("record_id", ids())
def test_low_and_high_summarise_the_figures(record_id: str) -> None:
    """Low = the smallest death figure; high = the largest, or null when every figure is a minimum ('at least')."""
    r = by_id(record_id)
    deaths = [f for f in r.get("figures") or [] if f["measure"] == "deaths"]
    if not deaths:
        assert all(r.get(k) is None for k in BOUNDS), f"{record_id}: tolls without figures"
        return
    values = [int(f["value"]) for f in deaths]
    assert r["deaths_low"] == min(values), record_id
    if all(f["qualifier"] == "at least" for f in deaths):
        assert r["deaths_high"] is None, f"{record_id}: every figure is a minimum, so there is no high"
    else:
        assert r["deaths_high"] == max(values), record_id
    assert r["deaths_best"] is None or r["deaths_best"] in values, record_id


def figure_keys(record: dict) -> set[tuple[int, str]]:
    """(value, originator) of each death figure, the originator read from publisher and quote."""
    out = set()
    for f in record.get("figures") or []:
        if f["measure"] == "deaths":
            for who in originators_of(f"{f['publisher']} {f.get('quote') or ''}"):
                out.add((int(f["value"]), who))
    return out


def test_no_site_figure_is_also_the_bound_of_an_aggregate() -> None:
    """A count used for one site is never also an aggregate's low/best/high (same dataset, originator, value)."""
    clashes = []
    for data in datasets().values():
        sites = [(key, r["id"]) for r in data["incidents"] if not r.get("aggregate") for key in figure_keys(r)]
        for agg in (r for r in data["incidents"] if r.get("aggregate")):
            bounds = {agg[k] for k in BOUNDS if agg.get(k) is not None}
            for key in figure_keys(agg):
                if key[0] in bounds:
                    clashes += [(agg["id"], *key, site) for site_key, site in sites if site_key == key]
    assert not clashes, clashes


def test_no_aggregate_is_a_sum_of_other_aggregates() -> None:
    """No aggregate is built by adding other aggregates up (they overlap).

    Flagged: a bound equal to the sum of 2-3 other aggregates of the dataset that share a reporter with
    it, when its summary or quotes describe adding. Round figures that merely happen to add up are not.
    """
    sums = []
    for data in datasets().values():
        aggs = [r for r in data["incidents"] if r.get("aggregate")]
        for r in aggs:
            mine = source_originators(r)
            others = [
                (o["id"], o.get("deaths_best") or o.get("deaths_low"))
                for o in aggs
                if o["id"] != r["id"] and (o.get("deaths_best") or o.get("deaths_low")) and source_originators(o) & mine
            ]
            text = " ".join([r["summary"], *(str(f.get("quote")) for f in r.get("figures") or [])])
            adds = re.search(r"\badd(s|ed)? up\b|\bsum\b|\d \+ ", text, re.I)
            for k in BOUNDS:
                if r.get(k) is None or not adds:
                    continue
                for n in (2, 3):
                    sums += [
                        (r["id"], k, r[k], combo)
                        for combo in itertools.combinations(others, n)
                        if sum(v for _, v in combo) == r[k]
                    ]
            for f in r.get("figures") or []:
                assert not re.search(r"adds? up|sum of", str(f.get("quote")), re.I), (r["id"], f["quote"])
    assert not sums, sums


# --- confidence (data/incidents/README.md, "confidence") -----------------------------------


@pytest.mark.parametrize(
    "record_id", ids(lambda r: COUNTER_CLAIM.search(f"{r['perpetrator_reported']} {r['summary']}"))
)
def test_confidence_rule_counter_claims_make_a_record_contested(record_id: str) -> None:
    r = by_id(record_id)
    assert r["confidence"] == "contested", f"{record_id} records a denial or counter-claim but is {r['confidence']}"


@pytest.mark.parametrize("record_id", ids(lambda r: r["confidence"] == "fair"))
def test_confidence_rule_fair_needs_two_independent_originators(record_id: str) -> None:
    r = by_id(record_id)
    who = source_originators(r)
    assert len(who) >= 2, f"{record_id} is fair but all its sources go back to {who}"


@pytest.mark.parametrize("record_id", ids(lambda r: r["confidence"] != "contested"))
def test_confidence_rule_one_originator_is_weak(record_id: str) -> None:
    r = by_id(record_id)
    if len(source_originators(r)) == 1:
        assert r["confidence"] == "weak", f"{record_id}: one originator {source_originators(r)} but {r['confidence']}"


def test_confidence_rule_confirmed_is_not_used_yet() -> None:
    assert not ids(lambda r: r["confidence"] == "confirmed")


# --- what users read -------------------------------------------------------------------------


def visible_strings(value: object, key: str = "") -> list[str]:
    """Every string a reader can see: all values except the internal `via` file references."""
    if key == "via":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in visible_strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in visible_strings(v, key)]
    return []


@pytest.mark.parametrize(
    "path", sorted(CURATED_DIR.glob("*.yaml")) + sorted(STORIES_DIR.glob("*.yaml")), ids=lambda p: p.name
)
def test_no_user_visible_text_says_seed(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = [s for s in visible_strings(data) if re.search(r"\bseeds?\b", s, re.I)]
    assert not bad, bad[:5]


def test_loaded_table_shows_no_seed(gazetteer: Gazetteer) -> None:
    gdf = load_all_curated(gazetteer)
    for column in ("title", "summary", "perpetrator_reported", "victim_group_reported"):
        assert not gdf[column].str.contains(r"\bseed", case=False).any(), column
    for sources in gdf["sources"]:
        assert not any("seed" in str(s["publisher"]).lower() or "seed" in str(s["title"]).lower() for s in sources)


# --- regression tests for the errors found in issue 14 ---------------------------------------


def test_daliyah_site_toll_is_not_the_regional_bound() -> None:
    site = by_id("cm2025-daliyah-ambush-2025-03-06")
    region = by_id("cm2025-attacks-on-security-forces-2025-03-06")
    assert 16 not in {site[k] for k in BOUNDS}
    assert region["deaths_low"] == 16
    assert all(int(f["value"]) != 16 for f in site["figures"])


def test_banyas_city_count_is_not_the_neighbourhood_toll() -> None:
    assert by_id("cm2025-baniyas-al-qusour")["deaths_best"] is None
    city = by_id("cm2025-agg-sohr-banyas-city-60")
    assert city["aggregate"]
    assert city["deaths_best"] == 60


def test_sum_of_reuters_subtotals_is_gone_and_subtotals_are_credited_to_the_analysis() -> None:
    assert "cm2025-agg-30-sites-2700" not in ids()
    for rid in ("cm2025-agg-reuters-hts-10-sites", "cm2025-agg-reuters-factions-18-sites"):
        assert all("summarised in the Alawi Massacres analysis" in f["publisher"] for f in by_id(rid)["figures"])


def test_datur_raid_keeps_both_readings() -> None:
    r = by_id("cm2025-datur-raid-2025-03-05")
    assert (r["deaths_low"], r["deaths_best"], r["deaths_high"]) == (4, None, 8)


def test_zahreddin_is_not_a_perpetrator_where_the_source_names_only_khizam() -> None:
    for rid in ("rg-douma-2011", "rg-misraba-2011"):
        assert "Zahreddin" not in by_id(rid)["perpetrator_reported"]


def test_execution_notes_khizams_reported_death_the_day_before() -> None:
    r = by_id("rg-al-qusour-dez-execution-2012-10-02")
    assert "1 October 2012" in r["summary"]
    assert r["confidence"] == "contested"


def test_analysis_sentences_are_not_credited_to_reuters() -> None:
    assert "(Reuters)" not in by_id("cm2025-agg-un-111")["summary"]
    assert all(f["publisher"] != "Reuters" for f in by_id("cm2025-al-qadam")["figures"])
    for rid in ("cm2025-agg-snhr-initial-security-forces-172", "cm2025-agg-snhr-updated-by-insurgents-445"):
        assert "remnants of the ousted regime" in by_id(rid)["perpetrator_reported"]
    assert by_id("cm2025-agg-snhr-updated-alawite-civilians-1200")["figures"][0]["qualifier"] == "exact"
    assert by_id("mas-daraya-2012")["date_start"] == "2012-08-19"


def test_august_2013_latakia_villages_are_mapped(gazetteer: Gazetteer) -> None:
    gdf = load_all_curated(gazetteer)
    sites = gdf[gdf["id"].str.startswith("mas-latakia-2013-")]
    assert len(sites) == 11
    assert not sites["aggregate"].any()
    assert sites.geometry.notna().all()
    assert not sites.geometry.is_empty.any()
    # Every village point lies in al-Haffah District (OCHA SY0603), where the HRW villages are.
    areas = load_admin_areas()
    assert all(areas.contains("SY0603", p.x, p.y) for p in sites.geometry)
    located = sites[sites["geo_precision"] == 2]
    assert len(located) == 5  # the five villages with an OSM point; the rest at the district's point
    # The offensive's toll stays on the aggregate only.
    assert sites["deaths_best"].isna().all()
    assert by_id("mas-latakia-countryside-2013")["deaths_low"] == 190


@pytest.mark.parametrize(
    "record_id",
    [
        "mas-hatla-2013",
        "mas-khattab-2013",
        "rg-dez-suspension-bridge-2012",
        "rg-execution-of-latakia-sheikh-2013",
        "mas-attack-khaled-ibn-al-waleed-mosque-homs",
        "mas-attack-umayyad-mosque-aleppo",
        "mas-attack-omari-mosque-daraa",
        "cm2025-bombardment-alawite-villages-2025-03-06",
        "cm2025-tartus-demonstrators-shot-2025-03",
    ],
)
def test_events_the_sources_name_are_recorded(record_id: str) -> None:
    r = by_id(record_id)
    assert not r.get("aggregate")
    assert any(s["url"] for s in r["sources"])
