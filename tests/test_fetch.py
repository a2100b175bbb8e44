"""``python -m geo gazetteer fetch`` against a local HTTP server: good, failed, partial and damaged downloads."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from geo.__main__ import main
from geo.errors import FetchError
from geo.fetch import fetch_source, fetched_files, manifest_path, read_manifest
from geo.gazetteer import load_gazetteer

FIXTURES = Path(__file__).parent / "fixtures" / "gazetteer"


def _zip(member_text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("SY.txt", member_text)
        archive.writestr("readme.txt", "GeoNames fixture\n")
    return buffer.getvalue()


class _Server:
    """Routes path -> (status, body, extra headers, delay seconds)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, dict[str, str], float]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, headers, delay = server.routes.get(self.path, (404, b"not found", {}, 0.0))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", headers.pop("Content-Length", str(len(body))))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None, delay=0.0):
        self.routes[path] = (status, body, dict(headers or {}), delay)
        return self.base + path


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    dump = _zip((FIXTURES / "geonames_SY.txt").read_text(encoding="utf-8"))
    srv.serve("/SY.zip", dump)
    srv.serve("/alternatenames/SY.zip", _zip((FIXTURES / "geonames_alternates_SY.txt").read_text(encoding="utf-8")))
    srv.serve("/truncated/SY.zip", dump[: len(dump) // 2])
    srv.serve("/partial/SY.zip", dump[:100], headers={"Content-Length": str(len(dump))})
    srv.serve("/error/SY.zip", b"Internal Server Error", status=500)
    srv.serve("/slow/SY.zip", dump, delay=3.0)
    srv.serve("/ocha_populated_places.geojson", (FIXTURES / "ocha_populated_places.geojson").read_bytes())
    package = (FIXTURES / "hdx_package_show.json").read_text(encoding="utf-8").replace("{base}", srv.base)
    srv.serve("/api/3/action/package_show", package.encode())
    yield srv
    srv.httpd.shutdown()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYRIA_MAP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "home"


def _geonames(server: _Server, dump: str = "/SY.zip", **kwargs: object) -> dict:
    urls = {"dump": server.base + dump, "alternates": server.base + "/alternatenames/SY.zip"}
    return fetch_source("geonames", urls, **kwargs)  # type: ignore[arg-type]


def test_fetch_geonames_stores_files_with_checksum_date_and_licence(server: _Server, home: Path) -> None:
    before = len(load_gazetteer())
    entry = _geonames(server)
    manifest = read_manifest()["geonames"]
    assert manifest == entry
    assert manifest["licence"] == "CC BY 4.0"
    assert manifest["fetched_at"].startswith("20")
    # P and S only: the stream (H) and the admin area (A) are left out.
    assert manifest["rows"] == 4
    for info in manifest["files"].values():
        stored = home / "gazetteer" / info["path"]
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == info["sha256"]
        assert info["bytes"] == stored.stat().st_size
    gaz = load_gazetteer()
    assert len(gaz) == before + 2  # the fixture village and castle; Aleppo and Homs are joined
    village = gaz.resolve("Fixture Village")
    assert village.place_id == "geonames:990001"
    assert village.kind == "village"
    assert gaz.get("geonames:990001")["name_ar"] == "قرية الفكستشر"
    assert gaz.resolve("Qalat al-Fixture").kind == "site"
    aleppo = gaz.get("aleppo")
    assert "Alep" in aleppo["alt_names"].split(";")
    assert "https://" not in aleppo["alt_names"]


def test_fetch_ocha_picks_the_populated_places_from_the_hdx_record(server: _Server, home: Path) -> None:
    entry = fetch_source("ocha", {"places": server.base + "/api/3/action/package_show"})
    assert entry["files"]["places"]["url"].endswith("/ocha_populated_places.geojson")
    assert entry["rows"] == 2
    assert entry["licence"] == "CC BY-IGO 3.0"
    gaz = load_gazetteer()
    # Same P-code as the OSM point of Al Bandaji: one place, two sources.
    osm = gaz.get("osm:node/572574948")
    assert "ocha:C7518" in osm["joined_ids"].split(";")
    assert "Al Bandashi" in osm["alt_names"]
    fixture = gaz.get("ocha:C9901")
    assert fixture["adm3_pcode"] == "SY050100"
    assert fixture["name_ar"] == "مزرعة الفكستشر"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/error/SY.zip", "HTTP 500"),
        ("/truncated/SY.zip", "not a complete zip file"),
        ("/partial/SY.zip", "partial download"),
        ("/slow/SY.zip", "timeout"),
        ("/missing/SY.zip", "HTTP 404"),
    ],
)
def test_a_failed_download_keeps_the_previous_copy_and_says_why(
    server: _Server, home: Path, path: str, reason: str
) -> None:
    _geonames(server)
    manifest = manifest_path().read_bytes()
    files = sorted(fetched_files())
    with pytest.raises(FetchError, match=reason) as err:
        _geonames(server, dump=path, timeout_s=1.0)
    assert "stays in use" in str(err.value)
    assert manifest_path().read_bytes() == manifest
    assert sorted(fetched_files()) == files
    assert [p.name for p in (home / "gazetteer").iterdir() if p.name.startswith(".")] == []
    assert load_gazetteer().resolve("Fixture Village").place_id == "geonames:990001"


def test_a_wrong_checksum_is_refused(server: _Server, home: Path) -> None:
    with pytest.raises(FetchError, match=r"checksum mismatch.*nothing was stored"):
        _geonames(server, sha256="0" * 64)
    assert read_manifest() == {}
    right = hashlib.sha256(_zip((FIXTURES / "geonames_SY.txt").read_text(encoding="utf-8"))).hexdigest()
    assert _geonames(server, sha256=right)["files"]["dump"]["sha256"] == right


def test_a_damaged_stored_copy_is_not_used_and_list_says_why(
    server: _Server, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _geonames(server)
    info = read_manifest()["geonames"]["files"]["dump"]
    (home / "gazetteer" / info["path"]).write_bytes(b"damaged")
    with pytest.warns(UserWarning, match="does not match its checksum"):
        gaz = load_gazetteer()
    assert not gaz.resolve("Fixture Village").resolved
    with pytest.warns(UserWarning, match="not used"):
        assert main(["gazetteer", "list"]) == 0
    out = capsys.readouterr().out
    assert "geonames" in out
    assert "NOT USED" in out
    assert "checksum" in out


def test_cli_fetch_and_list(server: _Server, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["gazetteer", "fetch", "geonames", "--url", server.base + "/SY.zip"]
    args += ["--alternates-url", server.base + "/alternatenames/SY.zip"]
    assert main(args) == 0
    assert "fetched geonames: 4 places, CC BY 4.0" in capsys.readouterr().out
    assert main(["gazetteer", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    by_name = {s["name"]: s for s in listed["sources"]}
    assert by_name["geonames"]["rows"] == 4
    assert by_name["geonames"]["date"].startswith("20")
    assert by_name["osm_communities"]["licence"] == "ODbL 1.0"
    assert by_name["osm_communities"]["rows"] == 2455
    assert main(["gazetteer", "fetch", "geonames", "--url", server.base + "/error/SY.zip"]) == 2
    assert "HTTP 500" in capsys.readouterr().err


def test_fetch_ocha_reads_the_tabular_csv_too(server: _Server, home: Path) -> None:
    url = server.serve("/syr_pplp.csv", (FIXTURES / "ocha_populated_places.csv").read_bytes())
    assert fetch_source("ocha", {"places": url})["rows"] == 2
    fixture = load_gazetteer().get("ocha:C9901")
    assert (fixture["name_ar"], fixture["adm2_pcode"], fixture["admin1"]) == ("مزرعة الفكستشر", "SY0501", "Hama")


def test_urls_come_from_the_environment_and_must_be_http(
    server: _Server, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYRIA_MAP_OCHA_URL", server.base + "/ocha_populated_places.geojson")
    assert fetch_source("ocha")["rows"] == 2
    with pytest.raises(FetchError, match="not an http"):
        fetch_source("ocha", {"places": "file:///etc/passwd"})


def test_a_new_fetch_replaces_the_old_copy(server: _Server, home: Path) -> None:
    first = _geonames(server)
    second = _geonames(server)
    assert second["fetched_at"] >= first["fetched_at"]
    folders = sorted(p.name for p in (home / "gazetteer").iterdir() if p.is_dir())
    assert len(folders) == 1
    assert second["files"]["dump"]["path"].startswith(folders[0] + "/")
