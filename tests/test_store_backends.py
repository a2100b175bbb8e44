"""One store interface, two back ends: the same behaviour from the GeoPackage file and from PostGIS.

The PostGIS tests run against a throw-away cluster (tests/pg_cluster.py) when Debian's
PostgreSQL and PostGIS are installed — scripts/test.sh installs them — and skip with the
reason otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pytest

from geo.errors import EditConflictError, StoreError
from layers.gpkg_store import GpkgStore, describe_history
from layers.incidents import COLUMNS
from layers.store import load_gpkg, load_gpkg_metadata
from layers.timeline import FilterSpec, filter_incidents
from tests import pg_cluster
from tests.conftest import REPO
from tests.test_store import sample


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    url = os.environ.get("SYRIA_MAP_TEST_PG")
    if url:
        yield url
        return
    if not pg_cluster.postgis_available():
        pytest.skip("PostgreSQL/PostGIS server not installed (scripts/test.sh installs postgresql and postgis)")
    with pg_cluster.throwaway_cluster() as server:
        yield server


def _database(server: str) -> str:
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, query = server.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


@pytest.fixture
def pg_url(pg_server: str) -> str:
    return _database(pg_server)


@pytest.fixture(params=["gpkg", "postgis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "gpkg":
        yield GpkgStore(tmp_path / "d.gpkg")
        return
    from layers.pgstore import PostgisStore

    store = PostgisStore(request.getfixturevalue("pg_url"), app_user="ann")
    yield store
    store.close()


def _same(got: object, want: object) -> bool:
    if isinstance(want, list):
        return got == want
    if pd.isna(want):
        return bool(pd.isna(got))
    return got == want


def test_round_trip_of_every_field(backend: Any) -> None:
    gdf = sample().assign(dataset="mine", witness_note=["ملاحظة", "n2", "n3"])
    backend.save(gdf, "mine", title="عنوان")
    back = backend.load("mine").sort_values("id").reset_index(drop=True)
    want = gdf.sort_values("id").reset_index(drop=True)
    for column in (*COLUMNS, "witness_note"):
        assert back[column].dtype == want[column].dtype, column
        for got, exp in zip(back[column], want[column], strict=True):
            assert _same(got, exp), (column, got, exp)
    assert back.geometry.isna().tolist() == want.geometry.isna().tolist()


def test_failed_import_leaves_the_previous_state(backend: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = sample().assign(dataset="mine")
    backend.save(first, "mine", title="first")
    if isinstance(backend, GpkgStore):
        from layers import store as module

        original = module._write

        def broken(*args: Any) -> None:
            original(*args)
            raise OSError("disk full (simulated)")

        monkeypatch.setattr(module, "_write", broken)
    else:
        from layers.pgstore.store import PostgisStore

        original = PostgisStore._copy_rows

        def broken(self: Any, *args: Any) -> None:
            original(self, *args)  # every row written, then the import fails
            raise OSError("connection lost (simulated)")

        monkeypatch.setattr(PostgisStore, "_copy_rows", broken)
    with pytest.raises(StoreError):
        backend.save(first.iloc[:1].assign(title="second"), "mine", title="second")
    back = backend.load("mine")
    assert sorted(back["id"]) == sorted(first["id"])
    assert "second" not in set(back["title"])


def test_filters_in_sql_match_the_python_filter(pg_url: str) -> None:
    from geo.gazetteer import load_gazetteer
    from layers.curated import load_all_curated
    from layers.incidents import to_incident_frame
    from layers.pgstore import PostgisStore

    curated = load_all_curated(load_gazetteer(include_geonames=False))
    # Text as published: bidi marks inside Arabic words, accents and case; times that are not midnight.
    odd = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["bidi", "acc", "plain", "no-start", "noon"],
                "dataset": "odd",
                "title": "t",
                "lon": 36.7,
                "lat": 34.7,
                "perpetrator_reported": ["\u200fقوات\u200f النظام", "ÉTAT forces", "forces", "x", None],
                "victim_group_reported": ["\u202bمدنيون\u202c", "civilians", None, "Civilians (as reported)", "x"],
                "date_start": ["2012-01-01", "2012-01-01", "2012-01-01", None, "2012-01-03T12:30:00Z"],
                "date_end": [None, None, None, "2012-01-05", "2012-01-03T12:30:00Z"],
            }
        )
    )
    incidents = pd.concat([curated, odd], ignore_index=True)
    with PostgisStore(pg_url) as store:
        for name, part in incidents.groupby("dataset"):
            store.save(part, str(name))
        specs = [
            FilterSpec(),
            FilterSpec(datasets=("coast_march_2025",)),
            FilterSpec(start=pd.Timestamp("2025-03-06", tz="UTC"), end=pd.Timestamp("2025-03-09", tz="UTC")),
            FilterSpec(event_types=("massacre",), min_deaths=50),
            FilterSpec(perpetrator="forces"),
            FilterSpec(confidence=("fair", "contested")),
            FilterSpec(corridor="M1", max_km=10),
            FilterSpec(corridor="M5", max_km=3, start=pd.Timestamp("2012-01-01", tz="UTC")),
            FilterSpec(perpetrator="قوات النظام"),
            FilterSpec(perpetrator="\u200fforces"),
            FilterSpec(perpetrator="état"),
            FilterSpec(perpetrator="\u200f"),
            FilterSpec(victim_group="مدنيون"),
            FilterSpec(victim_group="civilians"),
            FilterSpec(
                start=pd.Timestamp("2012-01-03T12:00", tz="UTC"), end=pd.Timestamp("2012-01-03T13:00", tz="UTC")
            ),
            FilterSpec(start=pd.Timestamp("2012-01-03", tz="UTC")),
        ]
        for spec in specs:
            expected = sorted(filter_incidents(incidents, spec)["id"])
            assert sorted(store.load(spec=spec)["id"]) == expected, spec


@pytest.fixture(params=["gpkg", "postgis"])
def open_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """``open_backend(app_user=…, read_only=…)``: another connection to one store of the back end.

    For PostGIS a read-only connection logs in as a role of ``syria_map_reader`` (PostgreSQL's
    grants refuse its writes); for a GeoPackage it is the store opened ``read_only``.
    """
    opened: list[Any] = []
    if request.param == "gpkg":
        path = tmp_path / "d.gpkg"

        def make(app_user: str = "", read_only: bool = False) -> Any:
            opened.append(GpkgStore(path, app_user=app_user, read_only=read_only))
            return opened[-1]

        make.target = str(path)  # type: ignore[attr-defined]
    else:
        from layers.pgstore import PostgisStore

        url = request.getfixturevalue("pg_url")

        def make(app_user: str = "", read_only: bool = False) -> Any:
            if not read_only:
                opened.append(PostgisStore(url, app_user=app_user))
                return opened[-1]
            role = f"reader_{uuid.uuid4().hex[:8]}"
            with PostgisStore(url) as owner:
                owner.conn.execute(f"CREATE ROLE {role} LOGIN IN ROLE syria_map_reader")
                owner.conn.commit()
            opened.append(PostgisStore(url.replace("postgres@", f"{role}@"), app_user=app_user))
            return opened[-1]

        make.target = url  # type: ignore[attr-defined]

    yield make
    for store in opened:
        store.close()


def test_concurrent_edit_is_refused_with_the_current_values(open_backend: Any) -> None:
    ann, bob = open_backend(app_user="ann"), open_backend(app_user="bob")
    ann.save(sample(), "mine", source_file="mine.csv")
    seen_by_ann = ann.get("mine", "a-1")
    seen_by_bob = bob.get("mine", "a-1")
    assert seen_by_ann["row_version"] == seen_by_bob["row_version"] == 1
    assert ann.update("mine", "a-1", {"deaths_best": 100}, seen_by_ann["row_version"]) == 2
    with pytest.raises(EditConflictError, match="changed by someone else") as caught:
        bob.update("mine", "a-1", {"deaths_best": 120}, seen_by_bob["row_version"])
    assert caught.value.current["deaths_best"] == 100
    assert caught.value.current["row_version"] == 2
    assert bob.get("mine", "a-1")["deaths_best"] == 100
    # With the current version, bob's edit goes in; the other records were not touched.
    assert bob.update("mine", "a-1", {"deaths_best": 120}, caught.value.current["row_version"]) == 3
    assert ann.get("mine", "a-1")["deaths_best"] == 120
    assert ann.get("mine", "a-2")["row_version"] == 1
    with pytest.raises(StoreError, match="no incident"):
        ann.update("mine", "nobody", {"deaths_best": 1}, 1)
    with pytest.raises(StoreError, match="cannot edit"):
        ann.update("mine", "a-1", {"id": "other"}, 3)


def test_audit_trail_records_who_when_what_and_from_which_file(open_backend: Any) -> None:

    store = open_backend(app_user="ann")
    store.save(sample(), "mine", source_file="ohchr_2012.csv")
    store.update("mine", "a-1", {"deaths_best": 100, "title": "مجزرة"}, 1)
    history = store.history("a-1", "mine")
    assert history["action"].tolist()[:2] == ["INSERT", "INSERT"]  # the incident, its source...
    assert set(history["table_name"]) == {"incidents", "sources", "figures"}
    assert (history["app_user"] == "ann").all()
    assert history["db_role"].map(bool).all()  # the database role, or the account that wrote the file
    assert (history.loc[history["action"] == "INSERT", "source_file"] == "ohchr_2012.csv").all()
    assert history["at"].is_monotonic_increasing
    assert history["at"].iloc[0].tzinfo is not None
    update = history[history["action"] == "UPDATE"].iloc[-1]
    assert update["old"]["deaths_best"] == 108
    assert update["new"]["deaths_best"] == 100
    lines = describe_history(history)
    assert any('"deaths_best": {"was": 108, "now": 100}' in line for line in lines)
    assert any('"title": {"was": "مجزرة الحولة", "now": "مجزرة"}' in line for line in lines)
    versions = store.load("mine").attrs["versions"]
    assert versions == {"mine": 1}  # one import (version 0) and one edit
    assert store.history("a-2", "mine")["action"].tolist().count("UPDATE") == 0
    # A new import of the dataset is recorded too (what it replaced, and the rows it brought).
    assert store.save(sample(), "mine", source_file="ohchr_2013.csv") == 2
    assert store.history("a-1", "mine")["source_file"].iloc[-1] == "ohchr_2013.csv"


def test_read_only_store_refuses_every_write(open_backend: Any) -> None:
    owner = open_backend(app_user="ann")
    owner.save(sample(), "mine", title="first")
    before = owner.load("mine").drop(columns="geometry")
    reader = open_backend(read_only=True)
    assert len(reader.load("mine")) == 3  # can view (and so export)
    assert reader.get("mine", "a-1")["title"] == "مجزرة الحولة"
    writes = [
        lambda: reader.save(sample().assign(title="changed"), "mine"),
        lambda: reader.update("mine", "a-1", {"deaths_best": 1}, 1),
    ]
    if hasattr(reader, "add_alias"):  # the team's review choices (PostGIS)
        writes += [lambda: reader.add_alias("Houla", "houla"), lambda: reader.add_place("x", 35.0, 36.0)]
    for write in writes:
        with pytest.raises(StoreError, match="permission denied"):
            write()
    after = owner.load("mine").drop(columns="geometry")
    pd.testing.assert_frame_equal(after, before)
    assert owner.history("a-1", "mine")["action"].tolist().count("UPDATE") == 0


def test_a_geopackage_without_write_permission_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "d.gpkg"
    GpkgStore(path).save(sample(), "mine")
    data = path.read_bytes()
    path.chmod(0o444)  # the folder stays writable: a rename over the file would still work
    try:  # (refused also when run as root, who could write it)
        with pytest.raises(StoreError, match="permission denied"):
            GpkgStore(path).save(sample().assign(title="changed"), "mine")
        with pytest.raises(StoreError, match="permission denied"):
            GpkgStore(path).update("mine", "a-1", {"deaths_best": 1}, 1)
        assert path.read_bytes() == data
    finally:
        path.chmod(0o644)


def test_geopackage_edits_keep_the_file_whole(tmp_path: Path) -> None:
    """An edit in place leaves a GeoPackage GDAL reads; a new position moves the point and its index."""
    from layers.store import save_gpkg

    path = tmp_path / "plain.gpkg"
    save_gpkg(sample().assign(n_raw=[1, 2, 3]), path, title="saved without the store")  # no version tables yet
    kinds = load_gpkg(path).dtypes
    store = GpkgStore(path, app_user="ann")
    assert store.get("mine", "a-1")["row_version"] == 1
    assert store.update("mine", "a-1", {"summary": "سطر", "sensitive": True, "date_end": None}, 1) == 2
    back = load_gpkg(path)
    one = back.set_index("id").loc["a-1"]
    assert one["summary"] == "سطر"
    assert bool(one["sensitive"])
    assert pd.isna(one["date_end"])
    assert load_gpkg_metadata(path).title == "saved without the store"
    assert store.update("mine", "a-1", {"lon": 36.6, "lat": 34.9}, 2) == 3
    moved = pyogrio.read_dataframe(path, layer="incidents", bbox=(36.55, 34.85, 36.65, 34.95))
    assert moved["id"].tolist() == ["a-1"]  # found through the spatial index at the new position
    assert pyogrio.read_dataframe(path, layer="incidents", bbox=(36.5, 34.85, 36.55, 34.9)).empty
    pd.testing.assert_series_equal(load_gpkg(path).dtypes, kinds)  # every column kept its kind, extra ones too
    assert GpkgStore(path).load().attrs["versions"] == {"mine": 2}  # the plain file was version 0; two edits
    assert [h["action"] for _, h in GpkgStore(path).history("a-1").iterrows()] == ["UPDATE", "UPDATE"]


def test_two_processes_editing_one_geopackage_take_turns(tmp_path: Path) -> None:
    """Edits from two processes at once: each sees the other's row version, no edit is lost."""
    path = tmp_path / "d.gpkg"
    GpkgStore(path).save(sample(), "mine")
    code = (
        "import sys\n"
        "from geo.errors import EditConflictError\n"
        "from layers.gpkg_store import GpkgStore\n"
        "store = GpkgStore(sys.argv[1], app_user=sys.argv[2])\n"
        "done = 0\n"
        "while done < 6:\n"
        "    seen = store.get('mine', sys.argv[3])\n"
        "    try:\n"
        "        change = {'deaths_best': int(seen['deaths_best']) + 1}\n"
        "        store.update('mine', sys.argv[3], change, seen['row_version'])\n"
        "        done += 1\n"
        "    except EditConflictError:\n"
        "        pass\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.Popen([sys.executable, "-c", code, str(path), who, "a-1"], env=env, stderr=subprocess.PIPE)
        for who in ("ann", "bob")
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    record = GpkgStore(path).get("mine", "a-1")
    assert record["deaths_best"] == 108 + 12  # every one of the twelve edits counted once
    assert record["row_version"] == 13
    history = GpkgStore(path).history("a-1")
    assert sorted(history.loc[history["action"] == "UPDATE", "app_user"].value_counts().tolist()) == [6, 6]


def test_bulk_import_is_audited_once_per_table_and_rebuilds_the_indexes(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layers.pgstore import PostgisStore, describe_history
    from layers.pgstore import store as pg_store

    monkeypatch.setattr(pg_store, "BULK_REBUILD_ROWS", 2)  # the path a 100,000-row import takes
    with PostgisStore(pg_url, app_user="ann") as store:
        indexes = set(store._frame("SELECT indexdef FROM pg_indexes WHERE tablename = 'incidents'", ())["indexdef"])
        store.save(sample(), "mine", source_file="ohchr_2012.csv")
        entries = store._frame("SELECT table_name, ids, new, pending_txid FROM audit ORDER BY audit_id", ())
        # one entry per table, naming every row it inserted; none left pending
        assert entries["table_name"].tolist() == ["incidents", "sources", "figures"]
        assert sorted(entries["ids"].iloc[0]) == ["a-1", "a-2", "agg-1"]
        assert entries["new"].iloc[0] == {"import_rows": 3}
        assert entries["pending_txid"].isna().all()
        after = set(store._frame("SELECT indexdef FROM pg_indexes WHERE tablename = 'incidents'", ())["indexdef"])
        assert after == indexes  # dropped for the load and built again, in the same transaction
        history = store.history("a-1", "mine")
        assert history["action"].tolist() == ["INSERT", "INSERT", "INSERT"]
        assert set(history["source_file"]) == {"ohchr_2012.csv"}
        assert "an import of 3 rows" in describe_history(history)[0]
        # the values as imported are the row's first version: the old values of its first edit
        store.update("mine", "a-1", {"deaths_best": 100}, 1)
        first_edit = store.history("a-1", "mine").iloc[-1]
        assert first_edit["old"]["deaths_best"] == 108
        assert first_edit["old"]["row_version"] == 1
        # any other insert is still audited row by row, also in the transaction of an import
        store.conn.execute(
            "INSERT INTO incidents (dataset_id, id, title) SELECT dataset_id, 'by-hand', 'x' FROM datasets"
        )
        store.conn.commit()
        assert store.history("by-hand")["new"].iloc[0]["title"] == "x"


def test_read_only_role_is_enforced_by_postgresql_grants(pg_url: str) -> None:
    import psycopg

    from layers.pgstore import PostgisStore

    with PostgisStore(pg_url) as owner:
        owner.save(sample(), "mine")
        owner.conn.execute("CREATE ROLE reader_ann LOGIN IN ROLE syria_map_reader")
        owner.conn.execute("CREATE ROLE editor_bob LOGIN IN ROLE syria_map_editor")
        owner.conn.commit()
    reader_url = pg_url.replace("postgres@", "reader_ann@")
    with PostgisStore(reader_url, auto_migrate=False) as reader:
        assert len(reader.load("mine")) == 3  # can view (and so export)
        with pytest.raises(StoreError, match="permission denied"):
            reader.save(sample(), "mine")
        with pytest.raises(StoreError, match="permission denied"):
            reader.update("mine", "a-1", {"deaths_best": 1}, 1)
        with pytest.raises(StoreError, match="permission denied"):
            reader.add_alias("Houla", "houla")
        for sql in (
            "DELETE FROM incidents",
            "DELETE FROM audit",
            "UPDATE datasets SET title = 'x'",
            "INSERT INTO flags VALUES (1, 'a-1', 'x')",
            "DROP TABLE incidents",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.conn.execute(sql)
            reader.conn.rollback()
    with PostgisStore(pg_url.replace("postgres@", "editor_bob@"), auto_migrate=False) as editor:
        assert editor.update("mine", "a-1", {"deaths_best": 100}, 1) == 2
        editor.save(sample(), "bobs", source_file="bob.csv")  # an editor imports, with its own rights
        assert set(editor.history("a-1", "bobs")["db_role"]) == {"editor_bob"}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            editor.conn.execute("DELETE FROM audit")


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m layers ARGS`` from *cwd*."""
    return subprocess.run(
        [sys.executable, "-m", "layers", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
        check=False,
    )


def test_editors_and_readers_open_the_store_as_the_app_does(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the owner migrates: others open an up-to-date store, or are told what the owner must apply."""
    import shutil

    from layers.pgstore import PostgisStore, schema
    from layers.store import open_store

    with PostgisStore(pg_url) as owner:
        owner.save(sample(), "mine")
        owner.conn.execute("CREATE ROLE ed_ann LOGIN IN ROLE syria_map_editor")
        owner.conn.execute("CREATE ROLE rd_press LOGIN IN ROLE syria_map_reader")
        owner.conn.commit()
    editor_url, reader_url = (pg_url.replace("postgres@", f"{r}@") for r in ("ed_ann", "rd_press"))
    for url in (editor_url, reader_url):  # the way app.py and `layers import --store` open it
        store = open_store(url, app_user="ann")
        assert len(store.load("mine")) == 3
        store.close()
    # A newer version of the project brings a migration: the editor cannot apply it.
    newer = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, newer)
    (newer / "0099_newer.sql").write_text("CREATE TABLE newer_table (x int);\n", encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS", newer)
    with pytest.raises(StoreError, match=r"needs 0099_newer\.sql .*owner"):
        PostgisStore(editor_url)
    with PostgisStore(pg_url) as owner:  # the owner applies it; the editor opens the store again
        assert owner._frame("SELECT count(*) AS n FROM schema_migrations WHERE version = '0099'", ())["n"][0] == 1
    with PostgisStore(editor_url) as editor:
        assert editor.update("mine", "a-1", {"deaths_best": 100}, 1) == 2


def test_an_import_runs_with_the_importers_rights_and_is_always_audited(pg_url: str) -> None:
    """No function reads an editor's relations with the owner's rights; an editor's inserts are audited.

    0006's import_staged() read the caller's staging tables as the owner: a view, a policy, a cast,
    an index the planner folds or a shadowed catalog name could run the editor's function as the
    owner (shown emptying the audit trail). It is gone (0008); the editor moves the rows itself.
    """
    import psycopg

    from layers.pgstore import PostgisStore

    with PostgisStore(pg_url) as owner:
        owner.save(sample(), "mine")
        owner.conn.execute("CREATE ROLE sly_bob LOGIN IN ROLE syria_map_editor")
        owner.conn.commit()
        definers = owner._frame(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.prosecdef "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1",
            (),
        )["proname"].tolist()
    assert definers == ["audit_rows"]  # the audit trigger alone (PostGIS's own aside): it reads our tables' rows
    bob_url = pg_url.replace("postgres@", "sly_bob@")
    with psycopg.connect(bob_url) as conn:
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute("SELECT import_staged(1, 100000)")
        conn.rollback()
        # The compact form of an import, asked for by hand: still one entry, with the role and the ids.
        conn.execute("SELECT set_config('syria_map.import', 'on', true)")
        conn.execute("INSERT INTO incidents (dataset_id, id, title) SELECT dataset_id, 'by-bob', 'x' FROM datasets")
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit")
    with PostgisStore(pg_url) as owner:
        entry = owner._frame("SELECT db_role, ids, new FROM audit WHERE 'by-bob' = ANY(ids)", ())
        assert entry.to_dict("records") == [{"db_role": "sly_bob", "ids": ["by-bob"], "new": {"import_rows": 1}}]
    with PostgisStore(bob_url) as editor:  # the app's own import, as an editor
        assert editor.save(sample(), "bobs", source_file="bob.csv") == 0
        history = editor.history("a-1", "bobs")
        assert history["action"].tolist() == ["INSERT", "INSERT", "INSERT"]
        assert set(history["db_role"]) == {"sly_bob"}
        assert "an import of 3 rows" in describe_history(history)[0]


def test_an_edit_of_the_flags_updates_the_flags_table(pg_url: str) -> None:
    from layers.pgstore import PostgisStore

    with PostgisStore(pg_url) as store:
        store.save(sample().assign(flags=["dup;late", "", ""]), "mine")
        flags = "SELECT incident_id, flag FROM flags ORDER BY 1, 2"
        assert store._frame(flags, ()).to_numpy().tolist() == [["a-1", "dup"], ["a-1", "late"]]
        store.update("mine", "a-1", {"flags": "retracted; retracted"}, 1)
        assert store._frame(flags, ()).to_numpy().tolist() == [["a-1", "retracted"]]
        store.update("mine", "a-1", {"flags": None}, 2)
        assert store._frame(flags, ()).empty


def test_import_and_history_commands(pg_url: str, tmp_path: Path) -> None:
    src = REPO / "tests" / "fixtures" / "acled.csv"
    imp = _cli(tmp_path, "import", str(src), "--store", pg_url, "--dataset", "acled")
    assert imp.returncode == 0, imp.stderr
    from layers.pgstore import PostgisStore

    with PostgisStore(pg_url) as store:
        first = store.load("acled")["id"].iloc[0]
    hist = _cli(tmp_path, "history", first, "--store", pg_url)
    assert hist.returncode == 0, hist.stderr
    assert "INSERT incidents" in hist.stdout
    assert "from acled.csv" in hist.stdout
    assert "postgres" in hist.stdout


def test_import_and_history_commands_on_a_geopackage(tmp_path: Path) -> None:
    src = REPO / "tests" / "fixtures" / "acled.csv"
    target = tmp_path / "acled.gpkg"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return _cli(tmp_path, *args)

    imp = cli("import", str(src), "--store", str(target), "--dataset", "acled")
    assert imp.returncode == 0, imp.stderr
    store = GpkgStore(target)
    first = store.load()["id"].iloc[0]
    store.update("acled", first, {"deaths_best": 7}, 1)
    hist = cli("history", first, "--store", str(target))
    assert hist.returncode == 0, hist.stderr
    lines = hist.stdout.splitlines()
    assert "INSERT incidents (an import of" in lines[0]
    assert "from acled.csv" in lines[0]
    assert "UPDATE incidents" in lines[-1]
    assert '"deaths_best": {"was":' in lines[-1]
    missing = cli("history", "no-such-id", "--store", str(target))
    assert missing.returncode == 1
    assert "no change" in missing.stdout


def test_export_and_density_commands_read_a_store(open_backend: Any, tmp_path: Path) -> None:
    """``export``/``density --store``: a dataset of either store, its version stated in the output."""
    import json

    import rasterio

    store = open_backend(app_user="ann")
    store.save(sample(), "mine", title="Houla and Baba Amr")
    store.update("mine", "a-1", {"deaths_best": 100}, 1)  # version 1
    target = open_backend.target
    out = tmp_path / "mine.csv"
    done = _cli(tmp_path, "export", "mine", "--store", target, "--to", "csv", "--out", str(out), "--no-public")
    assert done.returncode == 0, done.stderr
    meta = json.loads(Path(f"{out}.meta.json").read_text(encoding="utf-8"))
    assert meta["dataset_versions"] == {"mine": 1}
    assert meta["title"] == "Houla and Baba Amr"  # the store's title for the dataset
    written = pd.read_csv(out)
    assert sorted(written["id"]) == ["a-1", "a-2", "agg-1"]
    assert "row_version" not in written.columns
    assert written.set_index("id").loc["a-1", "deaths_best"] == 100
    from layers.cli.export_cmd import load_from_store  # 'all' of the store, in this process
    from layers.export.formats import export_file

    public = tmp_path / "public.geojson"
    export_file(load_from_store(target, "all"), public, "geojson", public_safe=True)
    assert json.loads(public.read_text(encoding="utf-8"))["metadata"]["dataset_versions"] == {"mine": 1}
    tif = tmp_path / "d.tif"
    done = _cli(tmp_path, "density", "mine", "--store", target, "--bandwidth-km", "5", "--out", str(tif))
    assert done.returncode == 0, done.stderr
    with rasterio.open(tif) as src:
        assert json.loads(src.tags()["dataset_versions"]) == {"mine": 1}
    missing = _cli(tmp_path, "export", "other", "--store", target, "--to", "csv", "--out", str(tmp_path / "o.csv"))
    assert missing.returncode != 0
    assert "no dataset 'other'" in missing.stderr
    assert "mine" in missing.stderr


def test_grid_groups_in_sql_are_the_map_cells(pg_url: str) -> None:
    """The database counts the same (5 km cell, category, first day, last day) groups as the Python grid."""
    import numpy as np

    from geo.crs import TO_SYRIA_AEQD
    from layers.pgstore import PostgisStore
    from layers.render.payload import day_bounds, drawable_rows
    from tests.export_fixtures import synthetic_incidents

    incidents = synthetic_incidents(3000).assign(dataset="synth")
    with PostgisStore(pg_url) as store:
        store.save(incidents, "synth")
        sql = store.grid_groups("synth").sort_values(["ix", "iy", "category", "t0", "t1"]).reset_index(drop=True)
    rows, lon, lat, _ = drawable_rows(incidents)
    x, y = TO_SYRIA_AEQD.transform(lon, lat)
    t0, t1 = day_bounds(rows)
    py = (
        pd.DataFrame(
            {
                "ix": np.floor(np.asarray(x) / 5000).astype("int64"),
                "iy": np.floor(np.asarray(y) / 5000).astype("int64"),
                "category": rows["campaign"].to_numpy(),
                "t0": t0,
                "t1": t1,
                "n": 1,
            }
        )
        .groupby(["ix", "iy", "category", "t0", "t1"], as_index=False)["n"]
        .sum()
        .sort_values(["ix", "iy", "category", "t0", "t1"])
        .reset_index(drop=True)
    )
    assert sql["n"].sum() == len(rows)
    pd.testing.assert_frame_equal(
        sql[["ix", "iy", "category", "t0", "t1", "n"]].astype(
            {"ix": "int64", "iy": "int64", "t0": "int64", "t1": "int64", "n": "int64", "category": "object"}
        ),
        py.astype({"category": "object"}),
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ann:hunter2@127.0.0.1:1/incidents",
        "postgresql://ann@127.0.0.1:1/incidents?password=hunter2",
        "host=127.0.0.1 port=1 user=ann password=hunter2 dbname=incidents",
    ],
)
def test_a_connection_error_never_shows_the_password(url: str) -> None:
    pytest.importorskip("psycopg")
    from layers.pgstore import PostgisStore
    from layers.store import open_store

    with pytest.raises(StoreError) as caught:  # a key=value string is not a store address for open_store
        open_store(url) if url.startswith("postgresql") else PostgisStore(url)
    assert "hunter2" not in str(caught.value)
    assert "cannot connect" in str(caught.value)


def test_the_apps_export_of_store_data_states_the_dataset_version(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file downloaded from the app, made from a store dataset, names the version it was made from."""
    import json

    import streamlit  # noqa: TID251 (the test drives app.py itself and catches its download)
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    from layers.pgstore import PostgisStore

    with PostgisStore(pg_url, app_user="ann") as store:
        store.save(sample(), "mine", title="Houla and Baba Amr")
        store.update("mine", "a-1", {"deaths_best": 100}, 1)  # version 1
    monkeypatch.setenv("SYRIA_MAP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SYRIA_MAP_DB", pg_url)
    monkeypatch.delenv("SYRIA_MAP_DATASETS", raising=False)
    captured: dict[str, bytes] = {}

    def download_button(label: str, data: bytes, file_name: str | None = None, **_kw: Any) -> bool:
        captured[str(file_name)] = data
        return False

    monkeypatch.setattr(streamlit, "download_button", download_button)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception
    # a store dataset beside an embedded one (their rows are combined)
    next(m for m in at.sidebar.multiselect if m.label == "Datasets").set_value(["mine", "coast_march_2025"])
    at.run()
    next(s for s in at.sidebar.selectbox if s.label == "Format").set_value("geojson")
    at.run()
    next(b for b in at.sidebar.button if b.label == "Prepare the file").click()
    at.run()
    assert not at.exception
    data = json.loads(captured["incidents.geojson"].decode("utf-8"))
    assert data["metadata"]["dataset_versions"] == {"mine": 1}
    assert {f["properties"]["dataset"] for f in data["features"]} == {"mine", "coast_march_2025"}


def test_a_crafted_geopackage_store_is_refused_with_the_file_named(tmp_path: Path) -> None:
    """Version and audit tables written by someone else: a clear StoreError, never a crash or a hang."""
    import sqlite3

    path = tmp_path / "d.gpkg"
    GpkgStore(path).save(sample(), "mine")
    with sqlite3.connect(path) as con:
        con.execute(
            "INSERT INTO store_audit (at, action, table_name, incident_id, old) "
            "VALUES ('2026-01-01T00:00:00+00:00', 'UPDATE', 'incidents', 'a-1', '{')"
        )
    with pytest.raises(StoreError, match=r"d\.gpkg: entry 4 of store_audit cannot be read"):
        GpkgStore(path).history("a-1")
    with sqlite3.connect(path) as con:
        con.execute("DELETE FROM store_audit WHERE old = '{'")
        con.execute("UPDATE store_row_versions SET row_version = 'many' WHERE id = 'a-1'")
    with pytest.raises(StoreError, match="not a number"):
        GpkgStore(path).load()
    with sqlite3.connect(path) as con:
        con.execute("DROP TABLE store_row_versions")
        con.execute("CREATE VIEW store_row_versions AS SELECT 'a-1' AS id, 1 AS row_version")
    with pytest.raises(StoreError, match="is a view, not a table"):
        GpkgStore(path).get("mine", "a-1")
    # A symbolic link planted under the lock file's name is not followed.
    other = tmp_path / "other.gpkg"
    GpkgStore(other).save(sample(), "mine")
    victim = tmp_path / "victim.txt"
    (tmp_path / ".other.gpkg.lock").unlink()
    (tmp_path / ".other.gpkg.lock").symlink_to(victim)
    with pytest.raises(StoreError, match="cannot write"):
        GpkgStore(other).update("mine", "a-1", {"deaths_best": 1}, 1)
    assert not victim.exists()


def test_an_edit_killed_half_way_is_undone_and_the_file_reads_again(tmp_path: Path) -> None:
    """A crash inside an edit's transaction leaves SQLite's journal: the next use rolls it back."""
    path = tmp_path / "d.gpkg"
    GpkgStore(path).save(sample(), "mine")
    crash = (
        "import os, sqlite3, sys\n"
        "from layers.gpkg_store import _gpkg_functions\n"
        "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "_gpkg_functions(con)  # GDAL's triggers name them\n"
        "con.execute('PRAGMA cache_size = 1')  # pages reach the file before the commit: a hot journal\n"
        "con.execute('BEGIN IMMEDIATE')\n"
        "con.execute(\"UPDATE incidents SET title = 'half-written' WHERE id = 'a-1'\")\n"
        "con.execute('DELETE FROM store_row_versions')\n"
        'con.execute("UPDATE incidents SET summary = hex(randomblob(20000))")\n'
        "os._exit(9)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-c", crash, str(path)], capture_output=True, timeout=120, check=False, env=env
    )
    assert run.returncode == 9, run.stderr
    assert path.with_name("d.gpkg-journal").exists()
    with pytest.raises(StoreError, match="an edit was interrupted"):
        GpkgStore(path, read_only=True).get("mine", "a-1")
    record = GpkgStore(path).get("mine", "a-1")  # undone under the write lock, then read
    assert record["title"] == "مجزرة الحولة"
    assert record["row_version"] == 1
    assert len(GpkgStore(path, read_only=True).load()) == 3  # nothing left to undo


def test_an_edit_the_file_could_not_give_back_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "d.gpkg"
    store = GpkgStore(path)
    store.save(sample(), "mine")
    for change, message in (
        ({"chainage_km": float("inf")}, "not a finite number"),
        ({"lat": 1e301}, "out of range"),
        ({"lon": -200.0}, "out of range"),
        ({"title": "a\x00hidden"}, "control character"),
    ):
        with pytest.raises(StoreError, match=message):
            store.update("mine", "a-1", change, 1)
    assert store.get("mine", "a-1")["row_version"] == 1  # nothing was changed
    # A file with a trigger of its own (it could loop for ever inside the edit) is not edited.
    with sqlite3.connect(path) as con:
        con.execute(
            "CREATE TRIGGER mine AFTER UPDATE ON incidents BEGIN UPDATE incidents SET summary = summary WHERE 0; END"
        )
    with pytest.raises(StoreError, match="triggers not written by GDAL"):
        store.update("mine", "a-1", {"title": "x"}, 1)
    with sqlite3.connect(path) as con:
        con.execute("DROP TRIGGER mine")
        con.execute("UPDATE dataset_metadata SET value = '²' WHERE key = 'version'")  # '²'.isdigit() is True
    with pytest.raises(StoreError, match="not a number"):
        store.load()


def test_load_gives_rows_and_versions_of_one_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit between reading the rows and reading their versions makes load() read again."""
    from layers import gpkg_store as module

    path = tmp_path / "d.gpkg"
    GpkgStore(path).save(sample(), "mine")
    original, calls = module.load_gpkg, []

    def load_then_someone_edits(*args: Any, **kwargs: Any) -> Any:
        frame = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            GpkgStore(path, app_user="bob").update("mine", "a-1", {"title": "by bob"}, 1)
        return frame

    monkeypatch.setattr(module, "load_gpkg", load_then_someone_edits)
    seen = GpkgStore(path).load().set_index("id").loc["a-1"]
    assert len(calls) == 2
    assert (seen["title"], seen["row_version"]) == ("by bob", 2)
