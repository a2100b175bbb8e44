"""Small files that would exhaust the server are refused quickly, with a message naming the file."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from geo.errors import DataSchemaError, InputFileError
from layers.export.story import load_story
from layers.safe_yaml import MAX_YAML_BYTES, load_yaml

BILLION_LAUGHS = """title: laughs
steps:
- caption: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_yaml_alias_bomb_story_is_refused_at_once(tmp_path: Path) -> None:
    story = tmp_path / "laughs.yaml"
    story.write_text(BILLION_LAUGHS)
    assert story.stat().st_size < 600
    before, started = _peak_rss_mb(), time.monotonic()
    with pytest.raises(DataSchemaError, match=r"laughs\.yaml: not valid YAML \(YAML aliases"):
        load_story(story)
    assert time.monotonic() - started < 2
    assert _peak_rss_mb() - before < 50


def test_python_tags_and_oversized_yaml_are_refused(tmp_path: Path) -> None:
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("title: !!python/object/apply:os.system ['touch /tmp/pwned']\nsteps: []\n")
    with pytest.raises(DataSchemaError, match=r"tagged\.yaml: not valid YAML"):
        load_yaml(tagged)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (MAX_YAML_BYTES + 1))
    with pytest.raises(InputFileError, match=r"big\.yaml: .* bytes, over the"):
        load_yaml(big)


@pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "pure-python"])
def test_deep_nesting_and_anchors_are_refused_with_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    """A story nested 200,000 levels deep (libyaml builds nodes recursively) or using anchors is refused."""
    import layers.safe_yaml as safe_yaml

    if not fast:
        monkeypatch.setattr(safe_yaml, "_FAST", None)
    elif safe_yaml._FAST is None:
        pytest.skip("PyYAML was built without libyaml here")
    deep = tmp_path / "deep.yaml"
    deep.write_text("title: x\nsteps: " + "[" * 200_000 + "\n")
    with pytest.raises(DataSchemaError, match=r"deep\.yaml: not valid YAML") as info:
        load_yaml(deep)
    assert ("line" in str(info.value)) if fast else ("nested more than" in str(info.value))
    anchored = tmp_path / "anchored.yaml"
    anchored.write_text("title: &t x\nsteps: []\n")
    if fast:  # an anchor alone is refused by the event pass; the pure-Python loader refuses its alias
        with pytest.raises(DataSchemaError, match="aliases"):
            load_yaml(anchored)
    ok = tmp_path / "ok.yaml"
    ok.write_text("title: Story\nsteps:\n  - {date: 2025-03-07, caption: [a, {b: 1}]}\n")
    assert load_yaml(ok) == {
        "title": "Story",
        "steps": [{"date": __import__("datetime").date(2025, 3, 7), "caption": ["a", {"b": 1}]}],
    }


def _odd_gpkg(tmp_path: Path, *statements: str) -> Path:
    import sqlite3

    from layers.store import save_gpkg
    from tests.test_store import sample

    path = save_gpkg(sample(), tmp_path / "odd.gpkg")
    con = sqlite3.connect(path)
    for (name,) in list(con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")):
        con.execute(f'DROP TRIGGER "{name}"')  # GDAL's R-tree triggers need SpatiaLite functions
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE incidents SET lat = 'x' WHERE id = 'a-1'", "row 'a-1', field lat: 'x' is not a number"),
        ("UPDATE incidents SET deaths_best = 'many' WHERE id = 'a-1'", "field deaths_best: 'many' is not a number"),
        ("UPDATE incidents SET sensitive = 'yes' WHERE id = 'a-1'", "field sensitive: 'yes' is not 0 or 1"),
        ("UPDATE incidents SET sources = '{\"a\":' WHERE id = 'a-1'", "field sources: '{\"a\":' is not a JSON list"),
        ("UPDATE incidents SET lat = 1e400 WHERE id = 'a-1'", "field lat: "),
        (
            "UPDATE incidents SET figures = '[' || replace(hex(zeroblob(3000)), '00', '[') || ']' WHERE id = 'a-2'",
            "field figures: ",
        ),
    ],
)
def test_odd_geopackage_values_are_refused_with_row_and_field(tmp_path: Path, statement: str, message: str) -> None:
    from geo.errors import StoreError
    from layers.store import load_gpkg

    path = _odd_gpkg(tmp_path, statement)
    with pytest.raises(StoreError, match=r"odd\.gpkg: values of the wrong kind") as info:
        load_gpkg(path)
    assert message in str(info.value)


def test_a_never_ending_view_is_refused_without_running_it(tmp_path: Path) -> None:
    from geo.errors import StoreError
    from layers.store import load_gpkg

    path = _odd_gpkg(
        tmp_path,
        "ALTER TABLE incidents RENAME TO incidents_data",
        "CREATE VIEW incidents AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) "
        "SELECT x AS fid, * FROM r, incidents_data",
    )
    started = time.monotonic()
    with pytest.raises(StoreError, match="'incidents' is a view, not a table"):
        load_gpkg(path)
    assert time.monotonic() - started < 5


def test_the_read_budget_stops_a_slow_check(tmp_path: Path) -> None:
    from geo.errors import StoreError
    from layers.store_check import check_gpkg

    path = _odd_gpkg(
        tmp_path,
        "INSERT INTO incidents (id, lat) WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r "
        "WHERE x < 50000) SELECT 'r' || x, 35.0 FROM r",
    )
    check_gpkg(path)  # 50,000 rows: well within the real budget
    with pytest.raises(StoreError, match="reading took more than 0 s"):
        check_gpkg(path, budget_s=0.0)
