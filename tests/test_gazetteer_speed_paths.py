"""The fast paths give the answers of the slow ones: memoised batches, word caches, a pandas-free warm start."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo import names
from geo.errors import PlaceNotFoundError
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.match_table import MATCH_COLUMNS, _row
from geo.types import MATCH_STATUSES, Match

REPO = Path(__file__).resolve().parents[1]
DEVSET = REPO / "data" / "dev" / "gazetteer_devset.csv"


def _forget(gaz: Gazetteer) -> None:
    """Drop every memo of *gaz* and of the name keys: the next answer is computed from scratch."""
    gaz._memo.clear()
    gaz._ctx_memo.clear()
    gaz._fuzzy_memo.clear()
    names.normalize_name.cache_clear()
    names.phonetic_key.cache_clear()
    names._fold_word.cache_clear()


def _mixed_workload(n_rows: int = 1500) -> tuple[list[object], list[object]]:
    """Return names and contexts: real spellings, bare and with their governorate, repeated.

    The committed development set's spellings, repeated as in event files, with the awkward rows
    of real files: blanks, NaN, an unknown context, ACLED's "City - Neighbourhood", "between A and
    B", other letter cases.
    """
    devset = pd.read_csv(DEVSET, dtype=str, keep_default_na=False)
    rng = random.Random(12)
    picks = rng.sample(range(len(devset)), 300)
    pairs: list[tuple[object, object]] = []
    for i in picks:
        query, context = devset["query"].iloc[i], devset["context"].iloc[i]
        pairs += [(query, context), (query, ""), (query.upper(), context)]
    pairs += [
        ("", ""),
        (None, None),
        (float("nan"), "Hama"),
        ("Jableh", "Nowhere-land"),
        ("Damascus - Jobar", ""),
        ("between Saraqib and Ariha", ""),
        ("city of Ariha, south of Idlib", ""),
        ("Tarmala", "Hama"),
        ("Damascus countryside", ""),
    ]
    rows = [rng.choice(pairs) for _ in range(n_rows)] + pairs
    return [n for n, _ in rows], [c for _, c in rows]


def _unmemoised_table(gaz: Gazetteer, names_: list[object], contexts: list[object]) -> pd.DataFrame:
    """The batch the slow way: every row resolved from scratch, one row dict per input."""
    out = []
    for name, ctx in zip(names_, contexts, strict=True):
        text = "" if name is None or (isinstance(name, float) and name != name) else str(name)
        ctx_text = "" if ctx is None or (isinstance(ctx, float) and ctx != ctx) else str(ctx)
        _forget(gaz)
        try:
            match = gaz._resolve(text, ctx_text or None, None)
        except PlaceNotFoundError as err:
            match = Match(query=text, reason=str(err))
        out.append(_row(match, "resolved"))
    table = pd.DataFrame(out, columns=list(MATCH_COLUMNS))
    table["geo_precision"] = table["geo_precision"].astype("Int64")
    table["ambiguous"] = table["ambiguous"].astype(bool)
    table["status"] = pd.Categorical(table["status"], categories=list(MATCH_STATUSES)).astype(str)
    return table


def test_memoised_batch_equals_unmemoised_rows(gazetteer: Gazetteer) -> None:
    """resolve_many (each distinct pair once, name keys and contexts memoised) = every row from scratch."""
    names_, contexts = _mixed_workload()
    expected = _unmemoised_table(gazetteer, names_, contexts)
    _forget(gazetteer)
    got = gazetteer.resolve_many(names_, contexts)
    pd.testing.assert_frame_equal(got, expected)
    assert set(got["status"]) >= {"resolved", "unresolved"}
    # Asked again with every memo warm: the same table.
    pd.testing.assert_frame_equal(gazetteer.resolve_many(names_, contexts), expected)


def test_name_keys_do_not_depend_on_the_caches() -> None:
    """normalize_name and phonetic_key give the same keys cold and warm, ASCII and not."""
    devset = pd.read_csv(DEVSET, dtype=str, keep_default_na=False)
    texts = [*devset["query"].iloc[::7], "Ma‘rātah", "Aş Şafşāfah", "حي الدعتور", "Deir ez-Zor", " Baba\tAmr "]
    names.normalize_name.cache_clear()
    names._fold_word.cache_clear()
    cold = [(names.normalize_name(t), names.phonetic_key(t), names.clean_text(t)) for t in texts]
    warm = [(names.normalize_name(t), names.phonetic_key(t), names.clean_text(t)) for t in reversed(texts)]
    assert cold == warm[::-1]
    assert names.normalize_name("Ma‘rātah") == names.normalize_name("Ma`ratah") == "marata"


def test_a_cached_gazetteer_answers_without_pandas(tmp_path: Path) -> None:
    """``python -m geo resolve NAME`` from a warm disk cache imports no pandas (a faster start).

    The place table of a cached gazetteer is still there when asked for.
    """
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    env.pop("SYRIA_MAP_NO_CACHE", None)
    first = subprocess.run(
        [sys.executable, "-m", "geo", "resolve", "Sanobar"], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    probe = (
        "import sys\n"
        "from geo.__main__ import main\n"
        "rc = main(['resolve', 'Sanobar'])\n"
        "print('PANDAS', 'pandas' in sys.modules)\n"
        "from geo.gazetteer import load_gazetteer\n"
        "gaz = load_gazetteer()\n"
        "print('ROWS', len(gaz), len(gaz.places))\n"
    )
    warm = subprocess.run([sys.executable, "-c", probe], env=env, cwd=REPO, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert "resolved: Al-Sanobar" in warm.stdout
    assert "PANDAS False" in warm.stdout, warm.stdout
    rows = next(line for line in warm.stdout.splitlines() if line.startswith("ROWS")).split()
    assert rows[1] == rows[2]
    assert int(rows[1]) > 1000


def test_cached_place_table_equals_the_built_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("SYRIA_MAP_NO_CACHE", raising=False)
    built = load_gazetteer()
    cached = load_gazetteer()
    assert cached is not built
    pd.testing.assert_frame_equal(cached.places, built.places)
    assert cached.resolve("Sanobar") == built.resolve("Sanobar")


def test_distance_shortcut_agrees_with_the_geodesic(gazetteer: Gazetteer) -> None:
    """_farther_than decides as the WGS84 geodesic does, also for pairs right at the distance asked."""
    from geo.places import geodesic_km

    rng = random.Random(3)
    n = len(gazetteer)
    for _ in range(3000):
        a, b = rng.randrange(n), rng.randrange(n)
        exact = float(geodesic_km(gazetteer._lon[a], gazetteer._lat[a], gazetteer._lon[b], gazetteer._lat[b]))
        for km in (5.0, 20.0, exact, exact * 1.004, exact * 0.996, rng.uniform(0, 300)):
            assert gazetteer._farther_than(a, b, km) == (exact > km), (a, b, km, exact)


def test_direction_lookup_shortcut_finds_what_the_full_lookup_finds(gazetteer: Gazetteer) -> None:
    """Skipping the direction keys that cannot match ("Ghouta" → Eastern Ghouta) changes no answer."""
    devset = pd.read_csv(DEVSET, dtype=str, keep_default_na=False)
    queries = list(
        dict.fromkeys(
            [
                *devset["query"],
                "Ghouta",
                "al-Ghouta",
                "GHOUTA",
                "Ghouta countryside",
                "hay Ghouta",
                "Kwayres",
                "Radar",
                "Tal Sinan",
                "Tall Asnan",
                "Bari",
            ]
        )
    )
    fast = [gazetteer._directed(q, []) for q in queries]
    saved = gazetteer.__dict__.get("_direction_keys")
    gazetteer._direction_keys = ([[]], set())  # an empty key's words are always there: every lookup is made
    try:
        full = [gazetteer._directed(q, []) for q in queries]
    finally:
        gazetteer._direction_keys = saved
    assert fast == full
    assert sum(1 for found in full if found) >= 5
