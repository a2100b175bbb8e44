"""Shared fixtures: a tiny synthetic gazetteer, the real one, and ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from geo.gazetteer import Gazetteer, load_gazetteer

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tests' user folder (public-id key, aliases) out of the real home unless one is set."""
    if not os.environ.get("SYRIA_MAP_HOME"):
        os.environ["SYRIA_MAP_HOME"] = str(tmp_path_factory.mktemp("syria-map-home"))


SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"

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
    """../shared/data (present in CI and in development checkouts)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"{SHARED_DATA} is missing: the real-data tests need ../shared beside the checkout")
    return SHARED_DATA
