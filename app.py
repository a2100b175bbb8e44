"""Streamlit app: widgets, caching and layout only (see DESIGN.md).

Run: python -m streamlit run app.py
"""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

from geo.corridors import load_corridors
from geo.errors import EditConflictError, IncidentMapError, StoreError
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.place_sources import read_place_file
from geo.safety import scrub_paths
from geo.tables import neutralize_formulas
from layers import app_state
from layers.curated import curated_titles, list_curated, load_curated
from layers.datasource import Layer, MemorySource
from layers.export.formats import FORMATS, export_file, public_density
from layers.export.story import load_story
from layers.folium_map import (
    AGGREGATE_THRESHOLD,
    IncidentUpdate,
    add_raster_overlay,
    base_map,
    layer_options,
    update_script,
)
from layers.importers import (
    MAPPED,
    AmbiguousDateOrderError,
    UnmappedColumnsError,
    detect_format,
    review_table,
)
from layers.importers.mapping import FIELDS, remember_mapping, remembered_dayfirst, remembered_mapping
from layers.importers.preview import preview_import, table_headers
from layers.importers.sandbox import call_budgeted, import_file_budgeted
from layers.prepared import PreparedTable, prepare_chosen
from layers import raster  # its submodules (rasterio, matplotlib) load when the raster panel is used
from layers.render.component import MAP_KEY, component_args, feature_group_arg
from layers.spread import KILLING_KINDS, analyse_spread, to_road_chart, to_spacetime_chart
from layers.standalone import story_steps
from layers.store import ColumnsFirst, open_store
from layers.timeline import FilterSpec, timeline_chart

st.set_page_config(page_title="Syria incident map", layout="wide")
MAX_UPLOAD_MB = 50
md = app_state.md_text  # every text from data or files goes through it into markdown
MAX_RASTER_MB = 500
#: SYRIA_MAP_FULL_REBUILD=1: rebuild the whole map on every rerun (the way before issue 20), for bench_load.py.
FULL_REBUILD = os.environ.get("SYRIA_MAP_FULL_REBUILD") == "1"


@st.cache_resource(show_spinner="Loading the gazetteer…")
def cached_gazetteer() -> Gazetteer:
    """Build the gazetteer once per server process, with the user's own aliases and places."""
    home = app_state.user_data_dir()
    places, aliases = home / "places.csv", home / "aliases.csv"
    extra = [read_place_file(places).places] if places.is_file() else []
    return load_gazetteer(extra=extra, aliases=aliases if aliases.is_file() else None)


@st.cache_resource(show_spinner="Loading the curated datasets…")
def cached_curated() -> dict[str, pd.DataFrame]:
    """Load every curated dataset once per server process."""
    gaz = cached_gazetteer()
    return {name: load_curated(name, gaz) for name in list_curated()}


@st.cache_resource
def cached_titles() -> dict[str, str]:
    """The curated datasets' titles, shown in the Datasets list instead of their file names."""
    return curated_titles()


@st.cache_resource(show_spinner="Loading your datasets…")
def cached_extra_files() -> dict[str, ColumnsFirst]:
    """Open the GeoPackages named in $SYRIA_MAP_DATASETS (os.pathsep between paths), the map's columns first."""
    paths = [p for p in os.environ.get("SYRIA_MAP_DATASETS", "").split(os.pathsep) if p]
    return {Path(p).stem: ColumnsFirst(p) for p in paths}


def cached_extra_datasets() -> dict[str, pd.DataFrame]:
    """Return the $SYRIA_MAP_DATASETS tables as read so far: the map's columns (the rest on demand)."""
    return {name: file.first for name, file in cached_extra_files().items()}


@st.cache_resource
def cached_corridors() -> dict:
    """Load the M1/M4/M5 corridors once per server process."""
    return dict(load_corridors())


@st.cache_resource(max_entries=16, show_spinner="Preparing the datasets…")
def cached_prepared(version: tuple, _datasets: dict[str, pd.DataFrame]) -> PreparedTable:
    """Combine and prepare the chosen datasets once per dataset version, for every session (see DESIGN.md)."""
    chosen = [name for name, _, _ in version]
    files = {n: f.full for n, f in cached_extra_files().items() if _datasets.get(n) is f.first}  # not an upload
    return prepare_chosen(_datasets, chosen, deferred=files)  # other columns read when a panel needs them


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_layer(version: tuple, selection: str, _selection: object, _request: dict) -> Layer:
    """Return the incident layer of a selection as script JSON (payload, options) and its bounds, once per key."""
    return _selection.layer(_request)  # type: ignore[attr-defined] # layers.datasource: a selection's layer


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_timeline(version: tuple, key: str, _selection: object, freq: str, window: tuple) -> dict:
    """Return the timeline chart of a selection as streamlit's Vega-Lite spec, once per key for every session.

    ``st.altair_chart`` converts and validates the chart on each call (about 0.15 s, half of a
    session's script run); the converted spec is what it would send. Tied to streamlit 1.67
    (requirements.txt pins it).
    """
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    counts = _selection.timeline(freq)  # type: ignore[attr-defined] # three columns of the rows, or the groups
    return _convert_altair_to_vega_lite_spec(timeline_chart(counts, highlight=window))


@st.cache_resource(max_entries=16, show_spinner="Querying the shared store…")
def cached_store_selection(version: tuple, spec_key: str, _source: object, _spec: FilterSpec, threshold: int) -> object:
    """Return a selection of the shared store once per (datasets' versions, filter): shared by the sessions.

    *version* holds each chosen store dataset's version, which every import and edit bumps:
    a change by anyone is read at everyone's next rerun.
    """
    return _source.select(_spec, threshold)  # type: ignore[attr-defined]


ORDER_CHOICES = {"Decide from the values": None, "Day/month (31/12/2013)": True, "Month/day (12/31/2013)": False}


def _store_upload(name: str, key: tuple, result: object) -> None:
    """Keep an import's result and add its dataset to the chosen ones."""
    if "file" in result.rejects:  # type: ignore[attr-defined] # the name the person knows, not the server's path
        result.rejects["file"] = name  # type: ignore[attr-defined]
    if "file" in result.flagged:  # type: ignore[attr-defined]
        result.flagged["file"] = name  # type: ignore[attr-defined]
    st.session_state.setdefault("import_results", {})[key] = result
    st.session_state.setdefault("uploads", {})[name] = result.incidents  # type: ignore[attr-defined]
    chosen = list(st.session_state.get("datasets", []))
    st.session_state["datasets"] = [*chosen, name] if name not in chosen else chosen
    st.session_state["new_upload"] = name


def _import_upload(path: Path, gaz: Gazetteer, key: tuple, name: str) -> bool:
    """Import with a remembered mapping when the headers are known; open the mapping form when needed.

    Returns False (after showing why) when the file cannot be imported and no form can help.
    """
    columns = dayfirst = None
    try:
        fmt = detect_format(path)
        if fmt in MAPPED:
            headers, _ = call_budgeted(table_headers, (str(path), fmt), label=name, path=path)  # reads the table
            columns = remembered_mapping(headers, app_state.user_data_dir())
            dayfirst = remembered_dayfirst(headers, app_state.user_data_dir()) if columns else None
        result = import_file_budgeted(path, gazetteer=gaz, columns=columns, dayfirst=dayfirst, label=name)
    except (UnmappedColumnsError, AmbiguousDateOrderError) as err:
        if fmt not in MAPPED:
            st.error(md(str(err).replace(str(path), name)))
            return False
        st.session_state["pending_upload"] = {
            "key": key,
            "name": name,
            "data": path.read_bytes(),
            "fmt": fmt,
            "message": (
                f"{name}: the columns were not recognised (found: {', '.join(err.headers)})."
                if isinstance(err, UnmappedColumnsError)
                else str(err).replace(str(path), name).replace("with --dayfirst or --monthfirst", "below")
            ),
        }
        return True
    except IncidentMapError as err:
        st.error(md(str(err).replace(str(path), name)))
        return False
    st.session_state.setdefault("remembered", {})[key] = bool(columns)
    _store_upload(name, key, result)
    return True


@st.fragment
def mapping_form(gaz: Gazetteer, pending: dict) -> None:
    """Show a select per model field (best guesses first), the day/month order and a preview; import on demand.

    A fragment: choosing a column reruns only this form and its preview, not the whole page with its
    map; importing reruns the page.
    """
    st.warning(md(pending["message"]))
    st.caption("Say which column is which; the mapping is remembered for files with the same headers.")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / app_state.safe_filename(pending["name"])
        path.write_bytes(pending["data"])
        try:  # the table is read once per pending file, in a child under the parse budget
            if "headers" not in pending:
                pending["headers"] = call_budgeted(
                    table_headers, (str(path), pending["fmt"]), label=pending["name"], path=path
                )
        except IncidentMapError as err:
            st.error(md(str(err).replace(str(path), pending["name"])))
            return
        headers, guess = pending["headers"]
        options = ["(none)", *headers]
        chosen: dict[str, str] = {}
        for field, meaning in FIELDS.items():
            default = guess.fields.get(field)
            pick = st.selectbox(
                f"{field} — {meaning}",
                options,
                index=options.index(default) if default in options else 0,
                key=f"map_{pending['key'][2]}_{field}",
            )
            if pick != "(none)":
                chosen[field] = pick
        order = st.radio("Day and month in numeric dates", list(ORDER_CHOICES), key=f"order_{pending['key'][2]}")
        dayfirst = ORDER_CHOICES[order]
        try:
            shown, note = call_budgeted(
                preview_import,
                (str(path), pending["fmt"], chosen),
                {"dayfirst": dayfirst},
                label=pending["name"],
                path=path,
                gazetteer=gaz,
                pass_gazetteer=True,
            )
        except IncidentMapError as err:
            st.error(md(str(err).replace(str(path), pending["name"])))
            return
        st.caption("The first rows as they would import:")
        if len(shown):
            st.dataframe(neutralize_formulas(shown), hide_index=True)
        if note:
            st.caption(md(note))
        if st.button("Import with this mapping", key=f"import_{pending['key'][2]}"):
            try:
                result = import_file_budgeted(
                    path, gazetteer=gaz, columns=chosen, dayfirst=dayfirst, label=pending["name"]
                )
            except IncidentMapError as err:
                st.error(md(str(err).replace(str(path), pending["name"])))
                return
            remember_mapping(headers, chosen, app_state.user_data_dir(), dayfirst=dayfirst)
            del st.session_state["pending_upload"]
            _store_upload(pending["name"], pending["key"], result)
            st.rerun()


def upload_panel(gaz: Gazetteer) -> None:
    """Import an uploaded file; unknown headers open a mapping form; places to review go to a review table."""
    with st.sidebar.expander("Add your data (CSV, Excel, JSON, ACLED, UCDP, GeoJSON, KML/KMZ, TimeMap)"):
        upload = st.file_uploader("File", type=["csv", "xlsx", "xls", "geojson", "json", "kml", "kmz"], key="upload")
        if upload is None:
            return
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            st.error(f"{md(upload.name)}: {upload.size / 1e6:.0f} MB is over the {MAX_UPLOAD_MB} MB limit")
            return
        results = st.session_state.setdefault("import_results", {})
        key = (upload.name, upload.size, upload.file_id)
        pending = st.session_state.get("pending_upload")
        if key not in results and not (pending and pending["key"] == key):
            st.session_state.pop("pending_upload", None)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / app_state.safe_filename(upload.name)
                path.write_bytes(upload.getvalue())
                if not _import_upload(path, gaz, key, upload.name):
                    return
        pending = st.session_state.get("pending_upload")
        if pending and pending["key"] == key:
            mapping_form(gaz, pending)
            return
        result = results[key]
        st.success(
            f"{md(upload.name)}: {result.imported} imported, {result.rejected} not imported (of {result.rows_in} rows)"
        )
        if st.session_state.get("remembered", {}).get(key):
            st.caption("Columns recognised from the mapping you chose for files with these headers.")
        st.caption(md(f"Day and month: {result.date_order}"))
        review = review_table(result)
        if len(result.rejects):
            st.caption("Rows not imported, with the reason:")
            st.dataframe(result.rejects, hide_index=True)
            st.download_button(
                "Download the rows not imported (CSV)",
                neutralize_formulas(result.rejects).to_csv(index=False).encode("utf-8"),
                file_name=f"{Path(app_state.safe_filename(upload.name)).stem}.rejects.csv",
                mime="text/csv",
            )
        if len(result.flagged):
            st.caption("Rows imported with a flag (data kept as published), with the reason:")
            st.dataframe(result.flagged, hide_index=True)
            st.download_button(
                "Download the flagged rows (CSV)",
                neutralize_formulas(result.flagged).to_csv(index=False).encode("utf-8"),
                file_name=f"{Path(app_state.safe_filename(upload.name)).stem}.flags.csv",
                mime="text/csv",
            )
        if len(review):
            st.caption("Places to review: pick a candidate id (kept as your alias) or type lat/lon.")
            frame = app_state.review_editor_frame(review)
            frame["place_id"] = review["best_guess"].to_numpy()  # a review match's best guess, preselected
            edited = st.data_editor(frame, hide_index=True, key="review")
            if st.button("Apply my choices"):
                added, where = apply_review_choices(edited, gaz)  # the shared store's tables, or your folder
                cached_gazetteer.clear()
                st.success(f"{added} spelling(s) saved in {md(where)}; upload the file again to import them.")


@st.cache_data(show_spinner="Preparing the raster…", max_entries=8)
def cached_overlay(path: str, hillshade: bool, colormap: str, opacity: float) -> tuple[object, str]:
    """Reproject and colour a GeoTIFF once per file and setting."""
    if hillshade:
        overlay = raster.terrain_overlay(path, tint="terrain")
    else:
        overlay = raster.prepare_overlay(path, size=(1600, 1200), colormap=colormap, opacity=opacity)
    return overlay, overlay.note


def session_folder() -> Path:
    """Return this browser session's own temporary folder (removed when the session or the server ends)."""
    if "session_tmp" not in st.session_state:
        st.session_state["session_tmp"] = tempfile.TemporaryDirectory(prefix="syria-map-session-")
    return Path(st.session_state["session_tmp"].name)


Rows = Callable[[], pd.DataFrame]  # the selection's rows, built on first call (cached)


def raster_panel(shown: Rows) -> tuple[list[tuple[object, str]], Rows]:
    """GeoTIFF overlay (sampled at the incidents) and incident density; return overlays and the table."""
    overlays: list[tuple[object, str]] = []
    with st.sidebar.expander("Raster layers (GeoTIFF, terrain, density)"):
        upload = st.file_uploader("GeoTIFF (any CRS)", type=["tif", "tiff"], key="raster")
        if upload is not None:
            if upload.size > MAX_RASTER_MB * 1024 * 1024:
                st.error(f"{md(upload.name)}: over the {MAX_RASTER_MB} MB limit for uploads")
            else:
                data = upload.getvalue()
                # Named by content, in this session's own temporary folder (removed with the session):
                # two files with one name, or two sessions, never share a copy, and nothing stays on disk.
                digest = hashlib.sha256(data).hexdigest()[:16]
                name = f"{digest}-{app_state.safe_filename(upload.name, 'raster.tif')}"
                folder = session_folder()
                path = folder / name
                for old in folder.iterdir():
                    if old != path:
                        old.unlink(missing_ok=True)
                if not path.is_file():
                    path.write_bytes(data)
                hillshade = st.checkbox("Show as hillshade (a DEM)")
                colormap = st.selectbox("Colour map", ["viridis", "magma", "terrain", "gray", "RdYlGn"])
                opacity = st.slider("Opacity", 0.1, 1.0, 0.7)
                overlay, note = cached_overlay(str(path), hillshade, colormap, opacity)
                overlays.append((overlay, upload.name))
                st.caption(md(note))
                sampled = raster.add_raster_column(shown(), path, column="raster_value")
                shown = lambda: sampled  # noqa: E731
        if st.checkbox("Incident density"):
            bandwidth = st.slider("Bandwidth (km)", 1, 50, 10)
            weight = st.radio("Weight", ["deaths", "count"], horizontal=True)
            grid = raster.density_raster(shown(), bandwidth_km=float(bandwidth), weight=weight)
            with tempfile.TemporaryDirectory() as tmp:  # this session's own file, gone after the rerun
                tif = Path(tmp) / "density.tif"
                raster.write_geotiff(grid, tif)
                density = raster.prepare_overlay(tif, clear_below=1e-3, colormap="YlOrRd", fade_low=True)
                tif_bytes = tif.read_bytes()
            overlays.append((density, "Incident density"))
            st.caption(md(grid.description))
            public = st.checkbox(
                "Public-safe download (coarsened points, cells ≥ 1 km)", value=True, key="density_public"
            )
            if public:  # the overlay is the investigator's own view; the file may be shared
                grid = public_density(shown(), bandwidth_km=float(bandwidth), weight=weight, grid_km=1.0)
                with tempfile.TemporaryDirectory() as tmp:
                    tif = Path(tmp) / "density.tif"
                    raster.write_geotiff(grid, tif)
                    tif_bytes = tif.read_bytes()
            st.download_button("Download the density GeoTIFF", tif_bytes, file_name="density.tif")
    return overlays, shown


def export_panel(shown: Rows, start: object, end: object, versions: dict[str, int] | None = None) -> None:
    """Download buttons for the current selection (public-safe by default).

    *versions* (the shared store's datasets and their versions) go into the file's metadata.
    """
    with st.sidebar.expander("Export this selection"):
        public = st.checkbox("Public-safe (withhold sensitive records, coarsen to 1 km)", value=True)
        fmt = st.selectbox("Format", [f for f in FORMATS if f not in ("gif", "mp4")])
        if not st.button("Prepare the file"):
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"incidents.{fmt}"
            with st.spinner("Rendering…"):
                # One entry point for every format: public-safe mode is applied inside, before writing.
                rows = shown()
                if versions:  # the store's dataset versions this file was made from
                    rows = rows.copy()
                    rows.attrs["versions"] = versions
                export_file(
                    rows,
                    path,
                    fmt,
                    public_safe=public,
                    allowlist=place_names(cached_gazetteer()),
                    title="Incidents as reported",
                    start=start,
                    end=end,
                    corridors=cached_corridors(),
                )
            st.download_button(f"Download {path.name}", path.read_bytes(), file_name=path.name)


def place_names(gaz: Gazetteer) -> list[str]:
    """Return the gazetteer's place names (English, Arabic, alternatives): not personal names in quotes."""
    places = gaz.places
    names = [*places["name_en"].astype(str), *places["name_ar"].fillna("").astype(str)]
    names += [a for v in places["alt_names"].fillna("") for a in str(v).split(";")]
    return [n for n in names if n.strip()]


def main() -> None:
    """Lay out the page: sidebar filters, the map with its time control, timeline and details."""
    store = store_connection()
    gaz = team_gazetteer(store) if store is not None else cached_gazetteer()
    curated = cached_curated()
    corridors = cached_corridors()
    st.sidebar.title("Syria incident map")
    count_slot = st.sidebar.empty()
    upload_panel(gaz)
    uploads: dict[str, pd.DataFrame] = st.session_state.get("uploads", {})
    datasets = {**curated, **cached_extra_datasets(), **uploads}
    listing = store_listing(store, datasets)  # the PostGIS store's datasets join the list ($SYRIA_MAP_DB)
    names = [*datasets, *([] if listing is None else listing["name"])]
    state = app_state.from_query(st.query_params.to_dict(), names)
    if "datasets" not in st.session_state:
        st.session_state["datasets"] = list(state.datasets)
    titles = cached_titles()
    chosen = st.sidebar.multiselect("Datasets", names, key="datasets", format_func=lambda n: titles.get(n, n))
    version = app_state.dataset_version(datasets, chosen)
    prep = cached_prepared(version, datasets)  # combined and prepared once per dataset version, for all sessions
    source = data_source(prep, store, listing, chosen)
    if source.remote:
        version = (version, source.version)  # type: ignore[assignment] # store datasets by their versions
    options = source.options()
    state = state.within(options)
    for notice in state.notices:  # once: the link is rewritten from the widgets below
        st.info(md(notice))
    with st.sidebar.expander("Filters", expanded=True):
        campaigns = st.multiselect("Campaign / layer", options["campaign"], default=state.campaigns)
        event_types = st.multiselect("Event type", options["event_type"], default=state.event_types)
        perpetrator = st.text_input("Perpetrator as reported contains", value=state.perpetrator)
        victim = st.text_input("Victim group contains", value=state.victim_group)
        confidence = st.multiselect("Confidence", options["confidence"], default=state.confidence)
        min_deaths = st.number_input("Minimum deaths (best figure)", min_value=0, value=state.min_deaths, step=1)
        corridor = st.selectbox(
            "Corridor",
            ["", "M1", "M4", "M5"],
            index=["", "M1", "M4", "M5"].index(state.corridor),
            format_func=lambda c: c or "any",
        )
        max_km = st.slider("Within km of the corridor", 1, 50, state.max_km, disabled=not corridor)
        in_view = st.checkbox(
            "Only the incidents in the map view",
            key="in_view",
            help="Counts, timeline, exports and details hold only the incidents drawn inside the map's "
            "current extent (not regional totals); pan or zoom the map to change it.",
        )
    # the extent the map reported (its component's value; see show_map), as (west, south, east, north)
    view_key = st.session_state.get("map_view_key") if in_view else None
    bbox = app_state.view_bounds(st.session_state.get(view_key)) if view_key else None
    story_files = app_state.story_files()
    stories = ["", *story_files]
    story_name = st.sidebar.selectbox(
        "Story mode",
        stories,
        index=stories.index(state.story) if state.story in stories else 0,
        format_func=lambda n: n or "off",
        help="Step through a story with the map's time control (▶ or the slider); "
        "the map's ⛶ button makes it full screen. Your own stories (YAML) go in "
        f"{md(app_state.user_data_dir() / 'stories')}.",
    )
    with st.sidebar.expander("Map"):
        basemap = st.selectbox("Base layer", app_state.BASEMAPS, index=app_state.BASEMAPS.index(state.basemap))
        step = st.selectbox(
            "Animation step", ["day", "week", "month"], index=["day", "week", "month"].index(state.step)
        )
        mode = st.radio(
            "Animation", ["cumulative", "moving"], index=["cumulative", "moving"].index(state.mode), horizontal=True
        )
        detail = st.radio(
            "Incidents on the map",
            app_state.DETAILS,
            index=app_state.DETAILS.index(state.detail),
            format_func={
                "auto": f"points; grid cells above {AGGREGATE_THRESHOLD:,}",
                "points": "always points (slow above ~50,000)",
                "cells": "always grid cells",
            }.get,
        )

    first, last = source.span()
    start, end = st.slider(
        "Dates", min_value=first, max_value=last, value=state.clamp(first, last), format="YYYY-MM-DD", key="dates"
    )
    new_state = app_state.AppState(
        datasets=tuple(chosen),
        campaigns=tuple(campaigns),
        event_types=tuple(event_types),
        perpetrator=perpetrator,
        victim_group=victim,
        confidence=tuple(confidence),
        min_deaths=int(min_deaths),
        corridor=corridor,
        max_km=int(max_km),
        start=start,
        end=end,
        basemap=basemap,
        step=step,
        mode=mode,
        view=state.view,
        story=story_name,
        detail=detail,
        bbox=bbox,
    )
    st.query_params.from_dict(new_state.to_query())

    threshold = new_state.aggregate_threshold(AGGREGATE_THRESHOLD)
    spec = new_state.filter_spec()
    if source.remote:
        selection = cached_store_selection(version, repr(spec), source, spec, threshold)
    else:
        selection = source.select(spec, threshold)
    n_shown, points = selection.selected, selection.points
    count_slot.metric(
        "Incidents shown",
        f"{n_shown:,}",
        help=f"{points:,} on the map as points; the rest are regional totals (not site-level)",
    )
    st.markdown(f"**{n_shown:,} incidents shown** ({points:,} mapped) of {source.total:,} in the chosen datasets")
    for note in selection.notes:
        st.caption(md(note))
    if points > threshold:
        st.caption(
            ("Grid cells chosen under Map" if detail == "cells" else f"More than {threshold:,} points")
            + ": the map shows counts per grid cell (50 to 5 km, finer as you zoom in); narrow the filters "
            "or the dates, or choose points under Map, to see single incidents and their sources."
        )

    shown = selection.rows  # the full rows, built only for the panels that need them
    overlays, shown = raster_panel(shown)
    request = {
        "spec": new_state.filter_spec(),
        "threshold": threshold,
        "categories": tuple(options["campaign"]),
        "highlight": (),
        "time_label": f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
        "steps": None,
        "step": step,
        "mode": mode,
    }
    if story_name:
        story = load_story(story_files[story_name])
        st.subheader(md(story.title))
        st.caption(md(story.description))
        request.update(time_label=story.title, steps=story_steps(story), highlight=tuple(story.incident_ids))
        with st.expander(f"The {len(story.steps)} steps of this story"):
            for number, story_step in enumerate(story.steps, 1):
                st.markdown(f"**{number}.** {md(story_step.start)} – {md(story_step.end)}")
                st.text(story_step.caption)
    key = app_state.selection_key(request.pop("spec"), story=story_name, **request)
    request["spec"] = new_state.filter_spec()
    layer = cached_layer(version, key, selection, request)
    if corridor:
        left, right = st.columns([3, 2])
    else:
        left, right = st.container(), None
    with left:
        map_panel(layer, overlays, corridors, new_state, timed=layer[1] != layer_options(), returns_view=in_view)
    if right is not None:
        with right:
            spread_panel(shown(), corridor, float(max_km), gaz, corridors)

    # The map is on its way to the browser already; the timeline takes its place below it when ready.
    timeline_slot = st.empty()
    timeline_slot.caption("Loading details: the timeline and the tables follow the map…")
    export_panel(shown, start, end, versions=dict(source.version) if source.remote else None)
    freq = app_state.timeline_freq(start, end)
    spec = cached_timeline(version, repr((key, freq, start, end)), selection, freq, (start, end))
    timeline_slot.vega_lite_chart(spec=copy.deepcopy(spec), width="stretch")
    details_panel(shown)
    store_panel(store, uploads)


def map_panel(
    layer: tuple[str, str, list],
    overlays: list,
    corridors: dict,
    state: app_state.AppState,
    timed: bool,
    returns_view: bool = False,
) -> None:
    """Show the map; a rerun that changes only the data sends only the new incident layer (see DESIGN.md).

    The base map (base layers, corridors, controls, raster overlays, first view) is rendered once
    per structure and shared by the sessions; a session keeps its structure until a base layer,
    the corridors, an overlay or the link's view change. streamlit-folium keeps the same Leaflet
    map in the browser while the base map's script is unchanged and swaps only the incident layer.
    """
    payload_json, options_json, bounds = layer
    structure = (
        state.basemap,
        bool(corridors),
        timed,
        state.view,
        tuple(app_state.overlay_key(o, n) for o, n in overlays),
        returns_view,
    )

    def build() -> object:
        fmap = base_map(corridors=corridors, basemap=state.basemap, timed=timed, view=state.view, bounds=held[1])
        for overlay, name in overlays:
            add_raster_overlay(fmap, overlay, name)
        return fmap

    if FULL_REBUILD:  # the way before issue 20: a new map, and a new Leaflet map in the browser, every rerun
        held = (structure, bounds)
        fmap = build()
        IncidentUpdate(payload_json, options_json).add_to(fmap)
        st_folium(fmap, height=620, use_container_width=True, returned_objects=[], key=MAP_KEY)
        return
    held = st.session_state.get("map_structure")
    if held is None or held[0] != structure:  # the first map of the session, or a new structure: fit the selection
        held = st.session_state["map_structure"] = (structure, [[round(v, 4) for v in c] for c in bounds])
    base = cached_map_args(repr(held), build)
    show_map(base, update_script(payload_json, options_json), returns_view=returns_view)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_map_args(structure: str, _build: Callable[[], object]) -> dict:
    """Render a base map into streamlit-folium's component arguments once per structure (for all sessions)."""
    return component_args(_build(), key=MAP_KEY)


def show_map(base: dict, feature_group: str, height: int = 620, returns_view: bool = False) -> object:
    """Call streamlit-folium's component as ``st_folium(fmap, key="map", returned_objects=[], feature_group_to_add=…)``.

    *feature_group* is the script of the incident layer: the frontend removes the previous one
    from the map and runs it (streamlit-folium's dynamic feature groups); see layers/render/component.py.
    With *returns_view* ("Only the incidents in the map view") the map returns its ``bounds`` after
    every pan or zoom (a rerun), under a key of its own kept in ``map_view_key``: the frontend reads
    ``returned_objects`` only when it creates its map, so the option gets a new one.
    """
    key = base["key"] + ("-view" if returns_view else "")
    if returns_view:
        st.session_state["map_view_key"] = key  # read by the filters at the next rerun, before this call
    return streamlit_folium._component_func(
        **{**base, "key": key},
        height=height,
        width=None,
        returned_objects=["bounds"] if returns_view else [],
        default={},
        zoom=None,
        center=None,
        feature_group=feature_group_arg(feature_group),
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        on_change=None,
        wrap_longitude=False,
    )


def spread_panel(shown: pd.DataFrame, corridor: str, max_km: float, gaz: Gazetteer, corridors: dict) -> None:
    """Did violence move along the road, and did it follow it: the answers in words, with their charts."""
    st.subheader(f"Along the {corridor}")
    present = sorted(t for t in shown["event_type"].dropna().unique() if t)
    kinds = st.multiselect(
        "Event kinds that count as an onset (a place's first record of them)",
        present,
        default=[t for t in KILLING_KINDS if t in present],
        key="spread_kinds",
        help="By default killings of civilians; other records are listed under 'left out'.",
    )
    if not kinds:
        st.info("Choose at least one event kind.")
        return
    result = analyse_spread(shown, corridor, within_km=max_km, kinds=kinds, settlements=gaz.places, corridors=corridors)
    sentences = result.sentences()
    st.caption(md(sentences[0]))
    st.markdown(md(result.estimate.sentence()))
    if len(result.selection.onsets):
        st.altair_chart(to_spacetime_chart(result.selection.onsets), width="stretch")
    if result.road is not None:
        st.markdown(md(result.road.sentence()))
        st.altair_chart(to_road_chart(result.road, subtitle=False), width="stretch")
    with st.expander(f"Sites ({len(result.selection.onsets)}) and records left out ({len(result.selection.left_out)})"):
        st.dataframe(
            result.selection.onsets[
                [
                    "place",
                    "id",
                    "event_type",
                    "chainage_km",
                    "time_start",
                    "time_end",
                    "date_precision",
                    "deaths_range",
                    "n_records",
                ]
            ],
            hide_index=True,
        )
        st.dataframe(result.selection.left_out, hide_index=True)
    st.caption("How these answers are reached and their limits: docs/spread.md.")


def details_panel(shown: Rows, per_page: int = 10) -> None:
    """Show the full records of the selection, most deaths first, a page at a time, when asked for.

    Each record is two tables; drawing them for every incident on every rerun made each page
    heavy for the browser, so they are built only while the toggle is on.
    """
    if not st.toggle("Incident details (every figure with its source)", key="details"):
        return
    st.caption("Click a point on the map for its popup; the full records of the selection, most deaths first:")
    shown = shown()
    pages = max(1, -(-len(shown) // per_page))
    page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, step=1) if pages > 1 else 1
    for record in app_state.detail_records(shown, limit=per_page, offset=(int(page) - 1) * per_page):
        st.markdown(f"**{md(record['title'])}** — {md(record['when'])} — {md(record['where'])}")
        if record.get("flags"):
            st.caption(f"Flags (data as published): {md(record['flags'])}")
        st.dataframe(record["figures"], hide_index=True)
        st.dataframe(record["sources"], hide_index=True, column_config={"url": st.column_config.LinkColumn("url")})


# -- the shared PostGIS store ($SYRIA_MAP_DB; docs/postgis.md) -------------------------------------------------


def store_connection() -> object | None:
    """Return this session's connection to the shared store ($SYRIA_MAP_DB), or None without one."""
    url = os.environ.get("SYRIA_MAP_DB", "")
    if not url:
        return None
    if "pg_store" not in st.session_state:
        store = open_store(url, app_user=os.environ.get("SYRIA_MAP_USER", ""))
        if not hasattr(store, "update"):
            raise StoreError("SYRIA_MAP_DB must be a postgresql://… URL (use SYRIA_MAP_DATASETS for GeoPackages)")
        st.session_state["pg_store"] = store
    return st.session_state["pg_store"]


@st.cache_resource(max_entries=2, show_spinner="Loading the gazetteer with the team's review choices…")
def cached_team_gazetteer(review_key: str, _aliases: pd.DataFrame, _places: pd.DataFrame) -> tuple[Gazetteer, list]:
    """Build the gazetteer with the store's shared aliases and places once per state of those tables."""
    from layers.pgstore.source import add_team_aliases, team_places

    home = app_state.user_data_dir()
    places, aliases = home / "places.csv", home / "aliases.csv"
    extra = [read_place_file(places).places] if places.is_file() else []
    extra += [team_places(_places)] if len(_places) else []
    gaz = load_gazetteer(extra=extra, aliases=aliases if aliases.is_file() else None)
    return gaz, add_team_aliases(gaz, _aliases)


def team_gazetteer(store: object) -> Gazetteer:
    """Return the gazetteer with the team's review choices, read from the store at every rerun."""
    from layers.pgstore.source import review_tables

    key, aliases, places = review_tables(store)  # type: ignore[arg-type]
    if not len(aliases) and not len(places):
        return cached_gazetteer()
    gaz, skipped = cached_team_gazetteer(key, aliases, places)
    for note in skipped:
        st.sidebar.caption(md(note))
    return gaz


def apply_review_choices(edited: pd.DataFrame, gaz: Gazetteer) -> tuple[int, str]:
    """Keep the review choices: in the shared store for the whole team, else in your own folder."""
    store = store_connection()
    if store is None:
        return app_state.apply_review(edited, gaz), str(app_state.user_data_dir())
    from layers.pgstore.source import save_review

    return save_review(store, edited, gaz), "the shared store (for the whole team)"  # type: ignore[arg-type]


def store_listing(store: object | None, datasets: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Return the store's datasets (None without a store), read at every rerun.

    A dataset imported by someone else appears at the next rerun; a name of this app's own
    data hides a store dataset of that name.
    """
    if store is None:
        return None
    if "store_renamed" in st.session_state:  # an upload saved to the store: choose the store's dataset instead
        name, target = st.session_state.pop("store_renamed")
        chosen = [target if n == name else n for n in st.session_state.get("datasets", [])]
        st.session_state["datasets"] = list(dict.fromkeys(chosen))
    listing = store.datasets()  # type: ignore[attr-defined]
    return listing[~listing["name"].isin(list(datasets))].reset_index(drop=True)


def data_source(prep: PreparedTable, store: object | None, listing: pd.DataFrame | None, chosen: list[str]) -> object:
    """Return the page's data source: the prepared in-memory table, with the chosen store datasets if any."""
    from layers.pgstore.source import StoreSource

    memory = MemorySource(prep)
    in_store = [] if listing is None else [n for n in chosen if n in set(listing["name"])]
    if store is None or not in_store:
        return memory
    return StoreSource(memory, store, in_store, listing)  # type: ignore[arg-type]


def store_panel(store: object | None, uploads: dict[str, pd.DataFrame]) -> None:
    """Save this session's uploads to the shared store; edit one stored incident (refused if changed meanwhile)."""
    if store is None:
        return
    if st.session_state.get("store_saved"):
        st.sidebar.success(md(st.session_state.pop("store_saved")))
    with st.sidebar.expander("Shared store (PostGIS)"):
        st.caption("Imports and edits here are seen by everyone on this store at their next rerun.")
        user = st.text_input("Your name (for the audit trail)", value=store.app_user, key="store_user")  # type: ignore[attr-defined]
        if user != store.app_user:  # type: ignore[attr-defined]
            store.set_app_user(user)  # type: ignore[attr-defined]
        if uploads:
            name = st.selectbox("Dataset of this session", list(uploads), key="store_upload")
            target = st.text_input("Save as dataset", value=name, key="store_name").strip()
            if st.button("Save to the shared store", key="store_save") and target:
                try:
                    version = store.save(uploads[name], target, title=target, source_file=name)  # type: ignore[attr-defined]
                except StoreError as err:  # nothing was written (one transaction)
                    st.error(md(scrub_paths(err)))
                    return
                st.session_state["uploads"].pop(name, None)
                st.session_state["store_renamed"] = (name, target)  # applied before the Datasets widget
                st.session_state["store_saved"] = f"{target} saved to the shared store (version {version})"
                st.rerun()
        edit_form(store)


def edit_form(store: object) -> None:
    """Edit one incident of the store, saved only if nobody changed it since it was opened (its row version)."""
    from layers.pgstore.source import EDIT_FIELDS, edit_text, parse_edit

    st.markdown("**Edit one incident**")
    datasets = list(store.datasets()["name"])  # type: ignore[attr-defined]
    if not datasets:
        st.caption("No dataset in the store yet.")
        return
    dataset = st.selectbox("Dataset", datasets, key="edit_dataset")
    incident_id = st.text_input("Incident id", key="edit_id").strip()
    if st.button("Open for editing", key="edit_open") and incident_id:
        record = store.get(dataset, incident_id)  # type: ignore[attr-defined]
        if record is None:
            st.error(md(f"No incident {incident_id!r} in {dataset}."))
            st.session_state.pop("editing", None)
        else:
            st.session_state["editing"] = {"dataset": dataset, "id": incident_id, "record": record}
            for name in EDIT_FIELDS:
                st.session_state[f"edit_{name}"] = edit_text(record.get(name))
    editing = st.session_state.get("editing")
    if not editing:
        return
    record = editing["record"]
    st.caption(md(f"{editing['id']} in {editing['dataset']}, version {record['row_version']}"))
    with st.form("edit_incident"):
        inputs = {name: st.text_input(name, key=f"edit_{name}") for name in EDIT_FIELDS}
        saved = st.form_submit_button("Save the changes")
    if not saved:
        return
    try:
        changes = parse_edit(record, inputs)
        if not changes:
            st.info("Nothing changed.")
            return
        version = store.update(editing["dataset"], editing["id"], changes, int(record["row_version"]))  # type: ignore[attr-defined]
    except EditConflictError as err:
        st.error(md(scrub_paths(err)))
        st.markdown("Its current values:")
        for name in EDIT_FIELDS:
            st.text(f"{name}: {edit_text(err.current.get(name))}")
        st.caption("Open the incident again to edit its current values.")
        return
    except StoreError as err:
        st.error(md(scrub_paths(err)))
        return
    editing["record"] = {**record, **changes, "row_version": version}
    st.success(md(f"Saved: {', '.join(changes)} (now version {version})."))


def profiled_main(folder: str) -> None:
    """Run :func:`main` under cProfile and write the rerun's profile into *folder* ($SYRIA_MAP_PROFILE)."""
    import cProfile
    import time

    profile = cProfile.Profile()
    try:
        profile.runcall(main)
    finally:
        Path(folder).mkdir(parents=True, exist_ok=True)
        profile.dump_stats(str(Path(folder) / f"rerun-{time.time_ns()}.prof"))


try:
    if os.environ.get("SYRIA_MAP_PROFILE"):  # a folder: one cProfile file per rerun (for bench/ and profiling)
        profiled_main(os.environ["SYRIA_MAP_PROFILE"])
    else:
        main()
except IncidentMapError as err:
    st.error(md(scrub_paths(err)))  # no server folder (temporary or home) in what the browser sees
