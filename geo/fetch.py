"""Fetched gazetteer sources: download, check, store in the user folder, and read back.

``python -m geo gazetteer fetch geonames`` downloads the GeoNames Syria dump
(``SY.zip``) and its alternate names (feature classes P and S: every populated
place and site; CC BY 4.0); ``fetch ocha`` the OCHA/HDX Syria populated places
(admin4 communities with P-codes and Arabic names; CC BY-IGO). Files are kept in
``<user folder>/gazetteer/<name>/`` with a manifest (``gazetteer/manifest.json``:
URL, SHA-256, size, date, licence, row count per source). Every later
:func:`geo.gazetteer.load_gazetteer` (so the CLI, the importers and the app)
merges them. A download is checked before it replaces anything: HTTP errors,
timeouts, a body shorter than its ``Content-Length``, a wrong checksum, a
damaged zip or a file without places are refused with the reason, and the
previous copy stays in use. URLs come from the command line, else the
environment (:data:`URL_ENV`), else the defaults (:data:`DEFAULT_URLS`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geo.errors import FetchError, IncidentMapError
from geo.lazy import pd
from geo.sources import CC_BY_4, CC_BY_IGO, PlaceSource, user_home

__all__ = [
    "DEFAULT_URLS",
    "FETCHED_SOURCES",
    "URL_ENV",
    "fetch_source",
    "fetched_files",
    "fetched_tables",
    "manifest_path",
    "read_manifest",
]

FETCHED_SOURCES = {
    "geonames": PlaceSource(
        "geonames",
        "geonames/SY.zip",
        "geonames",
        CC_BY_4,
        "GeoNames (geonames.org), CC BY 4.0",
        "GeoNames Syria dump with alternate names: every populated place (P) and site (S)",
    ),
    "ocha": PlaceSource(
        "ocha",
        "ocha/populated_places",
        "ocha",
        CC_BY_IGO,
        "OCHA COD-AB Syria populated places (UN OCHA via HDX), CC BY-IGO",
        "OCHA/HDX Syria populated places (admin4 communities) with P-codes and Arabic names",
    ),
}
#: The files each source downloads, by label: the default URL.
DEFAULT_URLS = {
    "geonames": {
        "dump": "https://download.geonames.org/export/dump/SY.zip",
        "alternates": "https://download.geonames.org/export/dump/alternatenames/SY.zip",
    },
    # The HDX dataset's API record: the populated-places resource is chosen from it.
    "ocha": {
        "places": "https://data.humdata.org/api/3/action/package_show?id="
        "syrian-arab-republic-administrative-boundaries-populated-places",
    },
}
#: Environment variables that override the default URLs.
URL_ENV = {
    ("geonames", "dump"): "SYRIA_MAP_GEONAMES_URL",
    ("geonames", "alternates"): "SYRIA_MAP_GEONAMES_ALTERNATES_URL",
    ("ocha", "places"): "SYRIA_MAP_OCHA_URL",
}
MAX_BYTES = 200_000_000
_NOT_NAMES = {"link", "post", "iata", "icao", "faac", "tcid", "unlc", "abbr", "wkdt", "phon", "piny", "fr_1793"}


def _gazetteer_dir() -> Path:
    return user_home() / "gazetteer"


def manifest_path() -> Path:
    """Return the path of the manifest of fetched sources."""
    return _gazetteer_dir() / "manifest.json"


def read_manifest() -> dict[str, dict]:
    """Return the manifest ({} when nothing was fetched or it cannot be read)."""
    try:
        data = json.loads(manifest_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(data: dict) -> None:
    path = manifest_path()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, path)


def _sha256(path: Path) -> str:
    from geo.cache import file_digest

    return file_digest(path)


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    files: tuple[Path, ...]
    date: str
    problem: str


def _entries() -> list[_Entry]:
    """Return each fetched source with its files and, if its files do not match the manifest, why."""
    out = []
    for name, entry in sorted(read_manifest().items()):
        if name not in FETCHED_SOURCES or not isinstance(entry, dict):
            continue
        files, problem = [], ""
        for label, info in entry.get("files", {}).items():
            path = _gazetteer_dir() / str(info.get("path", ""))
            files.append(path)
            if not path.is_file():
                problem = f"{label} file {path} is missing"
            elif _sha256(path) != info.get("sha256"):
                problem = f"{label} file {path} does not match its checksum in the manifest (damaged?)"
        out.append(_Entry(name, tuple(files), str(entry.get("fetched_at", "")), problem))
    return out


def fetched_files() -> list[Path]:
    """Return the files of the fetched sources in use (for the cache key)."""
    return [f for e in _entries() for f in e.files if f.is_file()]


def fetched_status() -> list[dict[str, object]]:
    """Return, for each fetched source, its manifest entry and whether it is used (and why not)."""
    manifest = read_manifest()
    return [{**manifest[e.name], "name": e.name, "problem": e.problem} for e in _entries()]


def fetched_tables() -> list[tuple[PlaceSource, tuple[Path, ...], str, pd.DataFrame]]:
    """Return (source, files, date, place table) for each fetched source whose files are intact.

    A source whose files are missing or do not match the manifest is left out
    with a warning (``python -m geo gazetteer list`` says why).
    """
    out = []
    for entry in _entries():
        if entry.problem:
            warnings.warn(f"fetched {entry.name} not used: {entry.problem}", stacklevel=2)
            continue
        try:
            table = _PARSERS[entry.name](entry.files)
        except IncidentMapError as err:
            warnings.warn(f"fetched {entry.name} not used: {err}", stacklevel=2)
            continue
        out.append((FETCHED_SOURCES[entry.name], entry.files, entry.date, table))
    return out


# -- downloading -------------------------------------------------------------------


def _url_for(name: str, label: str, given: str | None) -> str:
    url = given or os.environ.get(URL_ENV[name, label]) or DEFAULT_URLS[name][label]
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(f"{url!r} is not an http(s) URL")
    return url


def _download(url: str, dest: Path, timeout_s: float) -> None:
    """Stream *url* to *dest*; refuse HTTP errors, timeouts, oversize and short bodies."""
    import http.client  # network modules only when fetching: a faster start
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            expected = response.headers.get("Content-Length")
            size = 0
            with open(dest, "wb") as fh:
                while block := response.read(1 << 16):
                    size += len(block)
                    if size > MAX_BYTES:
                        raise FetchError(f"{url}: larger than {MAX_BYTES:,} bytes; refused")
                    fh.write(block)
    except urllib.error.HTTPError as err:
        raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise FetchError(f"{url}: no answer within {timeout_s:g} s (timeout)") from err
        raise FetchError(f"{url}: could not connect ({err.reason})") from err
    except TimeoutError as err:
        raise FetchError(f"{url}: no answer within {timeout_s:g} s (timeout)") from err
    except http.client.IncompleteRead as err:
        raise FetchError(f"{url}: partial download, the connection closed after {len(err.partial):,} bytes") from err
    except (OSError, http.client.HTTPException) as err:
        raise FetchError(f"{url}: download broke off ({err})") from err
    if expected is not None and expected.isdigit() and int(expected) != size:
        raise FetchError(f"{url}: partial download, {size:,} of {int(expected):,} bytes")


def _ocha_resource_url(package: Path, url: str) -> str | None:
    """From an HDX ``package_show`` record, the URL of the populated-places GeoJSON or CSV; None if not one."""
    try:
        record = json.loads(package.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(record, dict) or "result" not in record:
        return None
    resources = record["result"].get("resources", []) if isinstance(record["result"], dict) else []
    ranked = []
    for res in resources:
        text = f"{res.get('name', '')} {res.get('url', '')}".lower()
        fmt = str(res.get("format", "")).lower()
        if ("pplp" in text or "populated" in text) and fmt in ("geojson", "csv", "json"):
            ranked.append((0 if fmt == "geojson" else 1, str(res.get("url"))))
    if not ranked:
        raise FetchError(f"{url}: the HDX record lists no populated-places GeoJSON or CSV resource")
    return sorted(ranked)[0][1]


def fetch_source(
    name: str,
    urls: dict[str, str | None] | None = None,
    *,
    sha256: str | None = None,
    timeout_s: float = 60.0,
) -> dict[str, Any]:
    """Download source *name* (``geonames`` or ``ocha``), check it and make it the copy in use.

    Parameters
    ----------
    urls : dict, optional
        URL by file label (``dump``/``alternates`` for geonames, ``places`` for ocha).
    sha256 : str, optional
        The expected SHA-256 of the main file (``dump`` or ``places``).
    timeout_s : float
        Seconds to wait for the server at each step.

    Returns
    -------
    dict
        The new manifest entry.

    Raises
    ------
    FetchError
        The download failed or was refused; the message says why and that the
        previous copy (if any) is still in use.
    """
    if name not in FETCHED_SOURCES:
        raise FetchError(f"{name!r} is not a fetchable source, must be one of {', '.join(FETCHED_SOURCES)}")
    base = _gazetteer_dir()
    base.mkdir(parents=True, exist_ok=True)
    previous = read_manifest().get(name)
    staging = Path(tempfile.mkdtemp(dir=base, prefix=f".{name}-"))
    try:
        files: dict[str, dict[str, Any]] = {}
        stored: list[Path] = []
        for label in DEFAULT_URLS[name]:
            url = _url_for(name, label, (urls or {}).get(label))
            dest = staging / _file_name(name, label, url)
            _download(url, dest, timeout_s)
            resource = _ocha_resource_url(dest, url) if name == "ocha" else None
            if resource is not None:
                url = _url_for(name, label, resource)
                dest.unlink()
                dest = staging / _file_name(name, label, url)
                _download(url, dest, timeout_s)
            digest = _sha256(dest)
            if label in ("dump", "places") and sha256 and digest != sha256.lower():
                raise FetchError(f"{url}: checksum mismatch (got sha256 {digest}, expected {sha256.lower()})")
            files[label] = {"url": url, "sha256": digest, "bytes": dest.stat().st_size, "file": dest.name}
            stored.append(dest)
        table = _PARSERS[name](tuple(stored))
        if table.empty:
            raise FetchError(f"{name}: the download holds no Syrian places")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        final = base / f"{name}-{stamp}"
        staging.rename(final)
        entry = {
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "licence": FETCHED_SOURCES[name].licence,
            "attribution": FETCHED_SOURCES[name].attribution,
            "rows": len(table),
            "files": {
                label: {
                    "url": info["url"],
                    "sha256": info["sha256"],
                    "bytes": info["bytes"],
                    "path": f"{final.name}/{info['file']}",
                }
                for label, info in files.items()
            },
        }
        manifest = read_manifest()
        manifest[name] = entry
        _write_manifest(manifest)
    except FetchError as err:
        kept = f"the copy fetched {previous.get('fetched_at')} stays in use" if previous else "nothing was stored"
        raise FetchError(f"{err}; {kept}") from err
    except IncidentMapError as err:
        kept = f"the copy fetched {previous.get('fetched_at')} stays in use" if previous else "nothing was stored"
        raise FetchError(f"{name}: the download is not usable ({err}); {kept}") from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if previous:
        old = {str(info.get("path", "")).split("/")[0] for info in previous.get("files", {}).values()}
        for folder in old - {final.name}:
            shutil.rmtree(base / folder, ignore_errors=True)
    return entry


def _file_name(name: str, label: str, url: str) -> str:
    tail = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1].lower()
    suffix = next((s for s in (".zip", ".geojson", ".json", ".csv") if tail.endswith(s)), ".data")
    return f"{label}{suffix}"


# -- reading the stored files -------------------------------------------------------


def _zip_member(path: Path, member: str = "SY.txt") -> str:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if member not in names:
                raise FetchError(f"{path.name}: no {member} inside (has: {', '.join(names) or 'nothing'})")
            return archive.read(member).decode("utf-8")
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as err:
        raise FetchError(f"{path.name}: not a complete zip file ({err})") from err
    except UnicodeDecodeError as err:
        raise FetchError(f"{path.name}: {member} is not UTF-8 text") from err


def _parse_geonames(files: tuple[Path, ...]) -> pd.DataFrame:
    """Return the dump's P and S rows, with names (and an Arabic name) from the alternate names file."""
    import io

    from geo.place_sources import read_geonames_dump

    dump, alternates = files
    places = read_geonames_dump(dump, _zip_member(dump), classes=("P", "S")).places
    code = places["notes"].str.removeprefix("GeoNames ")
    village = code.str.startswith("PPL") & ~code.isin(["PPLC", "PPLA", "PPLA2", "PPLX"])
    places.loc[village & places["kind"].eq("town"), "kind"] = "village"
    alt = pd.read_csv(
        io.StringIO(_zip_member(alternates)),
        sep="\t",
        header=None,
        dtype=str,
        keep_default_na=False,
        quoting=3,
        usecols=[1, 2, 3, 4],
        names=["geonameid", "lang", "name", "preferred"],
    )
    alt = alt[~alt["lang"].isin(_NOT_NAMES) & alt["name"].ne("")]
    alt["id"] = "geonames:" + alt["geonameid"]
    names = alt.groupby("id")["name"].agg(lambda s: ";".join(dict.fromkeys(s)))
    arabic = alt[alt["lang"].eq("ar")].sort_values("preferred", ascending=False).groupby("id")["name"].first()
    extra = places["id"].map(names).fillna("")
    places["alt_names"] = (places["alt_names"] + ";" + extra).str.strip(";")
    places["name_ar"] = places["id"].map(arabic).fillna(places["name_ar"])
    places["notes"] = places["notes"] + " (GeoNames dump)"
    return places


def _parse_ocha(files: tuple[Path, ...]) -> pd.DataFrame:
    """OCHA populated places (GeoJSON or CSV) with their admin P-codes."""
    from geo.place_sources import _read_any, read_ocha

    (path,) = files
    result = read_ocha(path)
    raw = _read_any(path)
    places = result.places.copy()
    places["pcode"] = places["id"].str.removeprefix("ocha:")
    upper = {str(c).upper(): c for c in raw.columns}
    code_col = next((upper[c] for c in ("ADM4_PCODE", "PCODE", "ADMIN4PCODE") if c in upper), None)
    for level in (1, 2, 3):
        column = upper.get(f"ADM{level}_PCODE") or upper.get(f"ADMIN{level}PCODE")
        if column is not None and code_col is not None:
            codes = dict(zip(raw[code_col].astype(str), raw[column].astype(str), strict=False))
            places[f"adm{level}_pcode"] = places["pcode"].map(codes).fillna("")
    return places


_PARSERS = {"geonames": _parse_geonames, "ocha": _parse_ocha}
