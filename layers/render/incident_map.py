"""The incident map: one canvas layer drawn in the browser from a compact payload.

A folium.Marker per incident costs ~2 kB of generated JavaScript and one DOM
node each; here the incidents travel as one columnar JSON array and
``layers/assets/incident_layer.js`` draws them as canvas circles (area ∝
deaths_best, a solid or dashed ring for vague locations), clustered with
Leaflet.markercluster above ``cluster_threshold`` points. Above
``aggregate_threshold`` points the layer shows counts per grid cell instead
(``layers/render/aggregate.py``). Popups and tooltips are built on demand with
``textContent``. Coordinates are flipped from the
core's (lon, lat) to Leaflet's [lat, lon] here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium import plugins
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from pyproj import Geod

from geo.errors import InvalidOptionError
from layers.render.aggregate import to_grid_payload
from layers.render.assets import own_asset_url, to_offline
from layers.render.offline_base import OfflineBase
from layers.render.payload import drawable_rows, to_payload, to_script_json

__all__ = [
    "AGGREGATE_THRESHOLD",
    "BASEMAPS",
    "SYRIA_BOUNDS",
    "IncidentLayer",
    "IncidentUpdate",
    "base_map",
    "incident_map",
    "km_markers",
    "layer_options",
    "payload_bounds",
    "update_script",
]

SYRIA_BOUNDS = [[32.3, 35.6], [37.4, 42.4]]  # [[south, west], [north, east]] for Leaflet
KM_STEP = 25.0
#: Labels every KM_STEP km from this zoom; below it every KM_WIDE_STEP km.
KM_CLOSE_ZOOM = 9
KM_WIDE_STEP = 100.0
#: Above this many drawable incidents the map shows counts per grid cell (measured in
#: bench/bench_map.py and bench/bench_load.py: 20,000 points still open in about a second).
AGGREGATE_THRESHOLD = 20_000
_GEOD = Geod(ellps="WGS84")
_ESRI = "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}"
_ESRI_ATTR = "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community"
#: basemap key -> (layer name, folium tiles, attribution or None)
BASEMAPS: dict[str, tuple[str, str | None, str | None]] = {
    "osm": ("OpenStreetMap", "OpenStreetMap", None),
    "light": (
        "Light (CartoDB Positron)",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
    ),
    "satellite": ("Satellite (Esri World Imagery)", _ESRI, _ESRI_ATTR),
    "offline": ("Offline", None, None),
    "blank": ("Blank (no background)", None, None),
}
#: (top-left, bottom-right) padding in px of the first view, clear of the zoom, layer and time controls.
FIT_PADDING = ((50, 50), (50, 100))
# 1.5.3, not folium's 1.1.0: 1.1.0 throws in _moveEnd when the map moves during chunked loading
# (Leaflet.markercluster issue #743, fixed in 1.4.0), which broke large maps in the app.
_CLUSTER_JS = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/leaflet.markercluster.js"
_CLUSTER_CSS = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.5.3/"


class IncidentLayer(JSCSSMixin, Layer):
    """A Leaflet layer of incidents drawn by ``incident_layer.js`` from a JSON payload."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = IncidentLayer.create({{ this._parent.get_name() }},
            {{ this.payload }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        payload: Mapping[str, Any],
        *,
        name: str = "Incidents",
        cluster_threshold: int = 500,
        steps: Sequence[Sequence[Any]] = (),
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "IncidentLayer"
        self.payload = to_script_json(payload)
        self.options = layer_options(cluster_threshold, steps)
        self.default_js, self.default_css = _layer_assets()


def _layer_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the JS and CSS the incident layer needs (markercluster and the project's own files)."""
    js = [("leaflet_markercluster", _CLUSTER_JS), ("incident_layer", own_asset_url("incident_layer.js"))]
    css = [
        ("markerclustercss", _CLUSTER_CSS + "MarkerCluster.css"),
        ("markerclusterdefaultcss", _CLUSTER_CSS + "MarkerCluster.Default.css"),
        ("incident_layer_css", own_asset_url("incident_layer.css")),
    ]
    return js, css


class IncidentUpdate(folium.FeatureGroup):
    """The incident layer as data for a map already on the page (streamlit-folium's ``feature_group_to_add``).

    Its script calls ``IncidentLayer.replace``: the incident layer on the map (with its legend,
    time label and time control) is removed and a new one drawn from *payload*; the map, its
    view, base layer, overlays and layer control stay. What the script returns is an empty
    layer group: streamlit-folium adds it to the map and removes it before the next update.
    The map must come from :func:`base_map` (which loads ``incident_layer.js``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = IncidentLayer.replace({{ this._parent.get_name() }},
            {{ this.payload }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, payload_json: str, options_json: str) -> None:
        super().__init__(name="Incidents", overlay=True, control=False, show=True)
        self.payload = payload_json  # already safe for a <script> (to_script_json)
        self.options = options_json


def update_script(payload_json: str, options_json: str, map_name: str = "map_div", var: str = "") -> str:
    """Return the script of :class:`IncidentUpdate` for the map variable *map_name*, without folium.

    What folium renders for an ``IncidentUpdate`` on that map, as plain text: the app builds it
    on every rerun without rendering any folium element. *var* names the returned handle
    (default: the name streamlit-folium gives its first ``feature_group_to_add``).

    Examples
    --------
    >>> update_script('{"n":0}', layer_options())
    'var feature_group_feature_group_0 = IncidentLayer.replace(map_div, {"n":0}, {"clusterThreshold":500,"steps":[]});'
    """
    var = var or "feature_group_feature_group_0"
    return f"var {var} = IncidentLayer.replace({map_name}, {payload_json}, {options_json});"


def layer_options(cluster_threshold: int = 500, steps: Sequence[Sequence[Any]] = ()) -> str:
    """Return the incident layer's options as script-safe JSON (cluster threshold, time steps)."""
    return to_script_json({"clusterThreshold": int(cluster_threshold), "steps": [list(s) for s in steps]})


class _IncidentAssets(JSCSSMixin, MacroElement):
    """Loads the incident layer's JS and CSS into a map that gets its incidents later (:class:`IncidentUpdate`)."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "IncidentAssets"
        self.default_js, self.default_css = _layer_assets()


class _LayerControl(folium.LayerControl):
    """folium's layer control, also kept on the map so that a later incident layer can join it."""

    _template = Template(
        """
        {% macro script(this,kwargs) %}
            var {{ this.get_name() }}_layers = {
                base_layers : {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                overlays :  {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
            };
            let {{ this.get_name() }} = L.control.layers(
                {{ this.get_name() }}_layers.base_layers,
                {{ this.get_name() }}_layers.overlays,
                {{ this.options|tojavascript }}
            ).addTo({{this._parent.get_name()}});
            {{this._parent.get_name()}}._incidentLayerControl = {{ this.get_name() }};
        {% endmacro %}
        """
    )


class _MiniMap(plugins.MiniMap):
    """folium's mini map; the map follows it only when the person moves it (``minimap_view.js``)."""

    default_js: ClassVar[list[tuple[str, str]]] = [
        *plugins.MiniMap.default_js,
        ("minimap_view", own_asset_url("minimap_view.js")),
    ]


class _BlankBase(Layer):
    """A base layer without tiles: the plain background colour of the map container."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
        """
    )

    def __init__(self, name: str, show: bool) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "BlankBase"


class _KmByZoom(MacroElement):
    """Show corridor labels every 25 km only from zoom 9 (every 100 km below), so they do not collide."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        IncidentLayer.kmByZoom({{ this._parent.get_name() }}, {{ this.min_zoom }});
        {% endmacro %}
        """
    )

    def __init__(self, min_zoom: int = KM_CLOSE_ZOOM) -> None:
        super().__init__()
        self._name = "KmByZoom"
        self.min_zoom = int(min_zoom)


def km_markers(corridor: Any, step_km: float = KM_STEP) -> pd.DataFrame:
    """Return (km, lon, lat) every *step_km* along *corridor*, on the geodesics between its vertices.

    Examples
    --------
    >>> from geo.corridors import load_corridors
    >>> marks = km_markers(load_corridors()["M1"])
    >>> marks["km"].tolist()[:3], bool(marks["lat"].between(32, 38).all())
    ([0.0, 25.0, 50.0], True)
    """
    lons = np.array([v.lon for v in corridor.vertices])
    lats = np.array([v.lat for v in corridor.vertices])
    chain = np.asarray(corridor.vertex_chainage_km, dtype=float)
    km = np.arange(0.0, chain[-1] + 1e-9, step_km)
    seg = np.clip(np.searchsorted(chain, km, side="right") - 1, 0, len(chain) - 2)
    az, _, _ = _GEOD.inv(lons[seg], lats[seg], lons[seg + 1], lats[seg + 1])
    lon, lat, _ = _GEOD.fwd(lons[seg], lats[seg], az, (km - chain[seg]) * 1000.0)
    return pd.DataFrame({"km": km, "lon": lon, "lat": lat})


def _add_corridors(fmap: folium.Map, corridors: Mapping[str, Any]) -> None:
    group = folium.FeatureGroup(name="Corridors (km every 25 / 100)", overlay=True, show=True)
    for ref, corridor in corridors.items():
        frame = corridor.frame
        lon, lat = frame.to_geo.transform(frame.xy[:, 0], frame.xy[:, 1])
        folium.PolyLine(
            np.column_stack([lat, lon]).tolist(),
            color="#555555",
            weight=3,
            opacity=0.8,
            tooltip=html.escape(f"{ref}: {corridor.name}"),
        ).add_to(group)
        for row in km_markers(corridor).itertuples():
            label = html.escape(f"{ref} {row.km:.0f} km")
            kind = "km-wide" if row.km % KM_WIDE_STEP == 0 else "km-close"
            folium.Marker(
                [row.lat, row.lon],
                icon=folium.DivIcon(
                    html=f'<div class="km-label {kind}">{label}</div>', icon_size=(60, 14), icon_anchor=(0, 7)
                ),
                interactive=False,  # a label: clicks go through to the incident under it
            ).add_to(group)
    group.add_to(fmap)
    _KmByZoom().add_to(fmap)


def _bounds(payload: Mapping[str, Any]) -> list[list[float]]:
    if not payload["n"]:
        return SYRIA_BOUNDS
    where = payload["levels"][-1] if payload.get("mode") == "grid" else payload
    lat, lon = np.asarray(where["lat"]), np.asarray(where["lon"])
    pad = 0.05
    return [[float(lat.min()) - pad, float(lon.min()) - pad], [float(lat.max()) + pad, float(lon.max()) + pad]]


def incident_map(
    gdf: pd.DataFrame,
    *,
    corridors: Mapping[str, Any] | None = None,
    colour_by: str = "campaign",
    cluster_threshold: int = 500,
    aggregate_threshold: int = AGGREGATE_THRESHOLD,
    basemap: str = "osm",
    time_label: str | None = None,
    highlight_ids: Iterable[str] = (),
    offline_assets: bool = True,
    public_safe: bool = False,
    categories: Sequence[str] | None = None,
    steps: Sequence[Sequence[Any]] = (),
    view: tuple[float, float, int] | None = None,
    grid: Mapping[str, Any] | None = None,
) -> folium.Map:
    r"""Return a folium map of the incidents of *gdf* (aggregate rows are never drawn as points).

    Parameters
    ----------
    gdf : GeoDataFrame
        An incident table (``layers.incidents``), EPSG:4326.
    corridors : mapping of str to Corridor, optional
        From ``geo.corridors.load_corridors()``: drawn with a label every 25 km.
    colour_by : {"campaign", "dataset", "event_type", "confidence"}
        The colour key (Okabe–Ito palette, legend on the map).
    cluster_threshold : int
        Cluster the points (Leaflet.markercluster) when there are more than this many.
    aggregate_threshold : int
        Above this many drawable incidents, draw counts per grid cell instead of points
        (``layers.render.aggregate``): the page stays small and the time slider exact, but
        single incidents, their popups and *highlight_ids* are not shown.
    basemap : {"osm", "light", "satellite", "offline", "blank"}
        The base layer shown first; all are in the layer control. "offline" is vector
        geography shipped with the page (``layers.render.offline_base``); the map
        switches to it by itself when a web tile fails to load.
    time_label : str, optional
        The current date/time window, shown in a box on the map.
    highlight_ids : iterable of str
        Incident ids drawn with a thick black outline.
    offline_assets : bool
        Embed the vendored JS/CSS (data URLs) instead of CDN links.
    public_safe : bool
        Leave out summaries and quotes of sensitive incidents (for exports).
    categories : sequence of str, optional
        The full, ordered list of colour keys, so colours stay put when filters change.
    steps : sequence of (first_day, last_day, label)
        Time steps for the in-map slider (days since 1970-01-01); empty: no slider.
    view : (lat, lon, zoom), optional
        Open the map on this view (e.g. from a shared link) instead of fitting the points.
    grid : mapping, optional
        A grid payload computed elsewhere (``layers.pgstore.grid.payload_from_groups``, from
        the database's groups), drawn instead of *gdf*'s incidents.

    Returns
    -------
    folium.Map

    Raises
    ------
    InvalidOptionError
        If *basemap* or *colour_by* is not one of the listed values.

    Examples
    --------
    >>> from layers.incidents import to_incident_frame
    >>> gdf = to_incident_frame(pd.DataFrame({"id": ["a"], "title": ["<img src=x onerror=alert(1)>"],
    ...                                       "lon": [36.0], "lat": [35.0], "deaths_best": [3]}))
    >>> page = incident_map(gdf).get_root().render()
    >>> "<img src=x" in page, "\\u003cimg src=x" in page
    (False, True)
    """
    if basemap not in BASEMAPS:
        raise InvalidOptionError(f"'{basemap}' is not a valid basemap, must be one of {', '.join(BASEMAPS)}")
    if grid is not None:
        payload = {**grid, "threshold": int(aggregate_threshold)}
    elif len(drawable_rows(gdf)[0]) > aggregate_threshold:
        payload = to_grid_payload(gdf, colour_by=colour_by, categories=categories, time_label=time_label)
        payload["threshold"] = int(aggregate_threshold)
    else:
        payload = to_payload(
            gdf,
            colour_by=colour_by,
            categories=categories,
            highlight_ids=highlight_ids,
            public_safe=public_safe,
            time_label=time_label,
        )
    layer = IncidentLayer(payload, cluster_threshold=cluster_threshold, steps=steps)
    fmap = _assemble(layer, corridors=corridors, basemap=basemap, timed=bool(steps), view=view, bounds=_bounds(payload))
    return to_offline(fmap) if offline_assets else fmap


def payload_bounds(payload: Mapping[str, Any]) -> list[list[float]]:
    """Return [[south, west], [north, east]] around a payload's points or cells (Syria when empty)."""
    return _bounds(payload)


def base_map(
    *,
    corridors: Mapping[str, Any] | None = None,
    basemap: str = "osm",
    timed: bool = True,
    view: tuple[float, float, int] | None = None,
    bounds: Sequence[Sequence[float]] | None = None,
    offline_assets: bool = True,
) -> folium.Map:
    """Return the map of :func:`incident_map` without its incidents, ready for :class:`IncidentUpdate`.

    Everything that does not change with a filter — base layers, corridors, controls, the
    first view — is here; the incidents arrive as an :class:`IncidentUpdate`, each filter
    change replacing only that layer in the browser. *timed* places the mini map clear of the
    time control; *bounds* (``payload_bounds``) is fitted when no *view* is given.

    Raises
    ------
    InvalidOptionError
        If *basemap* is not one of :data:`BASEMAPS`.

    Examples
    --------
    >>> page = base_map(basemap="blank").get_root().render()
    >>> "IncidentLayer.create" in page, "_incidentLayerControl" in page
    (False, True)
    """
    if basemap not in BASEMAPS:
        raise InvalidOptionError(f"'{basemap}' is not a valid basemap, must be one of {', '.join(BASEMAPS)}")
    fmap = _assemble(
        _IncidentAssets(), corridors=corridors, basemap=basemap, timed=timed, view=view, bounds=bounds or SYRIA_BOUNDS
    )
    return to_offline(fmap) if offline_assets else fmap


def _assemble(
    layer: MacroElement,
    *,
    corridors: Mapping[str, Any] | None,
    basemap: str,
    timed: bool,
    view: tuple[float, float, int] | None,
    bounds: Sequence[Sequence[float]],
) -> folium.Map:
    """Build the map around *layer* (the incident layer, or only its assets): base layers, corridors, controls."""
    # markercluster needs the map's maxZoom, which the blank base layer does not give.
    fmap = folium.Map(tiles=None, control_scale=True, zoom_start=7, location=[35.0, 38.5])
    # folium gives max_zoom to tile layers only; the blank base has none, so the map itself
    # must carry it (streamlit-folium rebuilds L.map from these options too).
    fmap.options["maxZoom"] = 19
    for key, (name, tiles, attr) in BASEMAPS.items():
        if key == "offline":
            OfflineBase(name, show=key == basemap).add_to(fmap)
        elif tiles is None:
            _BlankBase(name, show=key == basemap).add_to(fmap)
        else:
            folium.TileLayer(tiles, name=name, attr=attr, show=key == basemap, max_zoom=19).add_to(fmap)
    if corridors:
        _add_corridors(fmap, corridors)
    layer.add_to(fmap)
    plugins.Fullscreen(position="topleft").add_to(fmap)
    if BASEMAPS[basemap][1] is not None:  # the mini map is of web tiles: none on an offline first view
        _MiniMap(toggle_display=True, position="bottomleft" if not timed else "topright").add_to(fmap)
    plugins.MeasureControl(position="topleft", primary_length_unit="kilometers").add_to(fmap)
    _LayerControl(collapsed=True).add_to(fmap)
    if view is not None:
        fmap.location = [float(view[0]), float(view[1])]
        fmap.options["zoom"] = int(view[2])
    else:
        fmap.fit_bounds(bounds, padding_top_left=FIT_PADDING[0], padding_bottom_right=FIT_PADDING[1])
    return fmap
