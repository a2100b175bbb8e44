"""Offline assets: swap folium's CDN links for the vendored copies in ``layers/assets``.

The Streamlit app draws maps with streamlit-folium, which does not render the
page's ``<head>``: it removes every ``<script src>`` and ``<link href>`` from
the header and instead loads the ``default_js`` / ``default_css`` URLs of each
element itself, inside the component's iframe; inline ``<script>`` in the
header never runs there (it is appended with ``innerHTML``). Relative URLs do
not resolve in that iframe, and Streamlit's static serving needs a config
switch, a ``static/`` folder beside ``app.py`` and care with ``baseUrlPath``.
So the vendored files are handed over as ``data:`` URLs (CSS with its images
and fonts embedded the same way): they work in st_folium's loader, in
``Map.get_root().render()`` and in a file opened from disk, with no server.
:func:`inline_html` turns them into plain inline ``<script>``/``<style>``
for the standalone export, which is a third smaller than base64.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geo.errors import ExportError

__all__ = ["ASSETS_DIR", "CDN_FILES", "asset_data_url", "inline_html", "own_asset_url", "to_offline"]

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"
VENDOR_DIR = ASSETS_DIR / "vendor"

#: Every CDN URL folium 0.20, the plugins and the incident layer can emit -> vendored file under VENDOR_DIR.
# fmt: off
CDN_FILES: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet@1.9.3/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet@1.9.3/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "bootstrap@5.2.2/dist/css/bootstrap.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "drmonty-leaflet-awesome-markers@2.0.2/js/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "drmonty-leaflet-awesome-markers@2.0.2/css/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fontawesome-free@6.2.0/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "leaflet.markercluster@1.1.0/dist/leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "leaflet.markercluster@1.1.0/dist/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "leaflet.markercluster@1.1.0/dist/MarkerCluster.Default.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/leaflet.markercluster.js":
        "leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/MarkerCluster.css":
        "leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/MarkerCluster.Default.css":
        "leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        "leaflet.fullscreen@3.0.0/Control.FullScreen.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js":
        "leaflet-minimap@3.6.1/dist/Control.MiniMap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css":
        "leaflet-minimap@3.6.1/dist/Control.MiniMap.min.css",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js":
        "leaflet-measure@2.1.7/dist/leaflet-measure.min.js",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css":
        "leaflet-measure@2.1.7/dist/leaflet-measure.css",
}
# fmt: on
#: Folium Map defaults that only folium.Icon / glyphicon markers need. Dropped unless the map has
#: an Icon; the last two have no npm package (glyphicons CSS of Bootstrap 3.0.0-rc, folium's own
#: rotate CSS) and are always dropped offline: icon rotation and glyphicons are not supported.
_ICON_ONLY = (
    "jquery",
    "bootstrap",
    "bootstrap_css",
    "awesome_markers",
    "awesome_markers_css",
    "awesome_markers_font_css",
    "glyphicons_css",
    "awesome_rotate_css",
)
_UNVENDORED = ("glyphicons_css", "awesome_rotate_css")
_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)([^)'\"]+)\1\s*\)")
_LINK_RE = re.compile(r'<link rel="stylesheet" href="(data:text/css;base64,[A-Za-z0-9+/=]+)"/>')
_SCRIPT_RE = re.compile(r'<script src="(data:text/javascript;base64,[A-Za-z0-9+/=]+)"></script>')


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _embed_css_urls(css: str, folder: Path) -> str:
    """Return *css* with every relative ``url()`` replaced by a data URL of the file it names."""

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        if target.startswith(("data:", "#", "http:", "https:")):
            return match.group(0)
        path = (folder / target).resolve()
        if not path.is_file():  # e.g. the .ttf fallbacks of Font Awesome: only .woff2 is vendored
            return "url(data:,)"
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"url({_data_url(mime, path.read_bytes())})"

    return _CSS_URL_RE.sub(replace, css)


@functools.lru_cache(maxsize=64)
def asset_data_url(relative: str, root: str = str(VENDOR_DIR)) -> str:
    """Return the file ``root/relative`` as a data URL (CSS with its images and fonts embedded).

    Examples
    --------
    >>> asset_data_url("leaflet@1.9.3/dist/leaflet.css").startswith("data:text/css;base64,")
    True
    """
    path = Path(root) / relative
    if not path.is_file():
        raise ExportError(f"vendored asset '{path}' is missing; run: bash scripts/vendor_assets.sh")
    if path.suffix == ".css":
        text = _embed_css_urls(path.read_text(encoding="utf-8"), path.parent)
        return _data_url("text/css", text.encode("utf-8"))
    return _data_url("text/javascript", path.read_bytes())


def own_asset_url(name: str) -> str:
    """Return one of the project's own files in ``layers/assets`` (JS or CSS) as a data URL."""
    return asset_data_url(name, str(ASSETS_DIR))


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _offline_links(links: list[tuple[str, str]], drop: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for name, url in links:
        if name in drop:
            continue
        if url.startswith("data:"):
            out.append((name, url))
            continue
        if url not in CDN_FILES:
            raise ExportError(
                f"no vendored copy of '{url}' ({name}); add it to scripts/vendor_assets.sh "
                "and CDN_FILES in layers/render/assets.py"
            )
        out.append((name, asset_data_url(CDN_FILES[url])))
    return out


def to_offline(fmap: Any) -> Any:
    r"""Point every JS/CSS link of *fmap* and its children at the vendored copies (in place).

    Call it after the last element is added. Folium's icon-only defaults
    (jQuery, Bootstrap, Font Awesome, awesome-markers) are dropped unless the
    map holds a ``folium.Icon``.

    Returns
    -------
    folium.Map
        *fmap* itself.

    Raises
    ------
    ExportError
        If an element asks for a URL that has no vendored copy.

    Examples
    --------
    >>> import folium
    >>> html = to_offline(folium.Map()).get_root().render()
    >>> "https://cdn" in html, '<script src="data:text/javascript' in html
    (False, True)
    """
    elements = list(_walk(fmap))
    has_icon = any(type(e).__name__ in ("Icon", "BeautifyIcon") for e in elements)
    drop = _UNVENDORED if has_icon else _ICON_ONLY
    for element in elements:
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if links:
                setattr(element, attr, _offline_links(list(links), drop))
    return fmap


def inline_html(page: str) -> str:
    """Return *page* with data-URL ``<script>``/``<link>`` tags turned into inline code.

    Examples
    --------
    >>> inline_html('<script src="data:text/javascript;base64,dmFyIGE9MTs="></script>')
    '<script>var a=1;</script>'
    """

    def script(match: re.Match[str]) -> str:
        code = base64.b64decode(match.group(1).split(",", 1)[1]).decode("utf-8")
        return "<script>" + code.replace("</script", "<\\/script") + "</script>"

    def style(match: re.Match[str]) -> str:
        css = base64.b64decode(match.group(1).split(",", 1)[1]).decode("utf-8")
        return "<style>" + css.replace("</style", "<\\/style") + "</style>"

    return _LINK_RE.sub(style, _SCRIPT_RE.sub(script, page))
