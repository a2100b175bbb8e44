"""Streamlit app: widgets, caching and layout only (see DESIGN.md).

Run: python -m streamlit run app.py
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.corridors import load_corridors
from geo.errors import IncidentMapError
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.place_sources import read_place_file
from geo.tables import neutralize_formulas
from layers import app_state
from layers.curated import list_curated, load_curated
from layers.export.formats import FORMATS, export_file, public_density
from layers.export.story import load_story
from layers.folium_map import AGGREGATE_THRESHOLD, add_raster_overlay, incident_map
from layers.importers import import_file, review_table
from layers.raster import add_raster_column, density_raster, prepare_overlay, terrain_overlay, write_geotiff
from layers.spread import estimate_spread, to_spacetime_chart, to_spacetime_table
from layers.standalone import map_steps, story_steps
from layers.store import load_gpkg
from layers.timeline import filter_incidents, timeline_chart, timeline_counts

st.set_page_config(page_title="Syria incident map", layout="wide")
MAX_UPLOAD_MB = 50
md = app_state.md_text  # every text from data or files goes through it into markdown
MAX_RASTER_MB = 500


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


@st.cache_resource(show_spinner="Loading your datasets…")
def cached_extra_datasets() -> dict[str, pd.DataFrame]:
    """Load the GeoPackages named in $SYRIA_MAP_DATASETS (paths separated by os.pathsep)."""
    paths = [p for p in os.environ.get("SYRIA_MAP_DATASETS", "").split(os.pathsep) if p]
    return {Path(p).stem: load_gpkg(p) for p in paths}


@st.cache_resource
def cached_corridors() -> dict:
    """Load the M1/M4/M5 corridors once per server process."""
    return dict(load_corridors())


def upload_panel(gaz: Gazetteer) -> None:
    """Import an uploaded file; ambiguous or unresolved places go to a review table."""
    with st.sidebar.expander("Add your data (CSV, Excel, ACLED, UCDP, GeoJSON, KML/KMZ)"):
        upload = st.file_uploader("File", type=["csv", "xlsx", "xls", "geojson", "json", "kml", "kmz"], key="upload")
        if upload is None:
            return
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            st.error(f"{md(upload.name)}: {upload.size / 1e6:.0f} MB is over the {MAX_UPLOAD_MB} MB limit")
            return
        results = st.session_state.setdefault("import_results", {})
        key = (upload.name, upload.size, upload.file_id)
        if key not in results:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / app_state.safe_filename(upload.name)
                path.write_bytes(upload.getvalue())
                results[key] = import_file(path, gazetteer=gaz)
            if "file" in results[key].rejects:  # the name the person knows, not the server's temporary path
                results[key].rejects["file"] = path.name
            st.session_state.setdefault("uploads", {})[upload.name] = results[key].incidents
            chosen = list(st.session_state.get("datasets", []))
            st.session_state["datasets"] = [*chosen, upload.name] if upload.name not in chosen else chosen
            st.session_state["new_upload"] = upload.name
        result = results[key]
        st.success(
            f"{md(upload.name)}: {result.imported} imported, {result.rejected} not imported (of {result.rows_in} rows)"
        )
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
        if len(review):
            st.caption("Places to review: pick a candidate id (kept as your alias) or type lat/lon.")
            edited = st.data_editor(app_state.review_editor_frame(review), hide_index=True, key="review")
            if st.button("Apply my choices"):
                added = app_state.apply_review(edited, gaz)
                cached_gazetteer.clear()
                st.success(
                    f"{added} spelling(s) saved in {md(app_state.user_data_dir())}; "
                    "upload the file again to import them."
                )


@st.cache_data(show_spinner="Preparing the raster…", max_entries=8)
def cached_overlay(path: str, hillshade: bool, colormap: str, opacity: float) -> tuple[object, str]:
    """Reproject and colour a GeoTIFF once per file and setting."""
    if hillshade:
        overlay = terrain_overlay(path, tint="terrain")
    else:
        overlay = prepare_overlay(path, size=(1600, 1200), colormap=colormap, opacity=opacity)
    return overlay, overlay.note


def raster_panel(shown: pd.DataFrame) -> tuple[list[tuple[object, str]], pd.DataFrame]:
    """GeoTIFF overlay (sampled at the incidents) and incident density; return overlays and the table."""
    overlays: list[tuple[object, str]] = []
    with st.sidebar.expander("Raster layers (GeoTIFF, terrain, density)"):
        upload = st.file_uploader("GeoTIFF (any CRS)", type=["tif", "tiff"], key="raster")
        if upload is not None:
            if upload.size > MAX_RASTER_MB * 1024 * 1024:
                st.error(f"{md(upload.name)}: over the {MAX_RASTER_MB} MB limit for uploads")
            else:
                data = upload.getvalue()
                # Named by content: two files with one name (or two sessions) never share a copy.
                digest = hashlib.sha256(data).hexdigest()[:16]
                name = f"{digest}-{app_state.safe_filename(upload.name, 'raster.tif')}"
                path = app_state.user_data_dir() / "rasters" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.is_file():
                    path.write_bytes(data)
                hillshade = st.checkbox("Show as hillshade (a DEM)")
                colormap = st.selectbox("Colour map", ["viridis", "magma", "terrain", "gray", "RdYlGn"])
                opacity = st.slider("Opacity", 0.1, 1.0, 0.7)
                overlay, note = cached_overlay(str(path), hillshade, colormap, opacity)
                overlays.append((overlay, upload.name))
                st.caption(md(note))
                shown = add_raster_column(shown, path, column="raster_value")
        if st.checkbox("Incident density"):
            bandwidth = st.slider("Bandwidth (km)", 1, 50, 10)
            weight = st.radio("Weight", ["deaths", "count"], horizontal=True)
            raster = density_raster(shown, bandwidth_km=float(bandwidth), weight=weight)
            with tempfile.TemporaryDirectory() as tmp:  # this session's own file, gone after the rerun
                tif = Path(tmp) / "density.tif"
                write_geotiff(raster, tif)
                density = prepare_overlay(tif, clear_below=1e-3, colormap="YlOrRd", fade_low=True)
                tif_bytes = tif.read_bytes()
            overlays.append((density, "Incident density"))
            st.caption(md(raster.description))
            public = st.checkbox(
                "Public-safe download (coarsened points, cells ≥ 1 km)", value=True, key="density_public"
            )
            if public:  # the overlay is the investigator's own view; the file may be shared
                raster = public_density(shown, bandwidth_km=float(bandwidth), weight=weight, grid_km=1.0)
                with tempfile.TemporaryDirectory() as tmp:
                    tif = Path(tmp) / "density.tif"
                    write_geotiff(raster, tif)
                    tif_bytes = tif.read_bytes()
            st.download_button("Download the density GeoTIFF", tif_bytes, file_name="density.tif")
    return overlays, shown


def export_panel(shown: pd.DataFrame, start: object, end: object) -> None:
    """Download buttons for the current selection (public-safe by default)."""
    with st.sidebar.expander("Export this selection"):
        public = st.checkbox("Public-safe (withhold sensitive records, coarsen to 1 km)", value=True)
        fmt = st.selectbox("Format", [f for f in FORMATS if f not in ("gif", "mp4")])
        if not st.button("Prepare the file"):
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"incidents.{fmt}"
            with st.spinner("Rendering…"):
                # One entry point for every format: public-safe mode is applied inside, before writing.
                export_file(
                    shown,
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
    gaz = cached_gazetteer()
    curated = cached_curated()
    corridors = cached_corridors()
    st.sidebar.title("Syria incident map")
    count_slot = st.sidebar.empty()
    upload_panel(gaz)
    uploads: dict[str, pd.DataFrame] = st.session_state.get("uploads", {})
    datasets = {**curated, **cached_extra_datasets(), **uploads}
    state = app_state.from_query(st.query_params.to_dict(), list(datasets))
    if "datasets" not in st.session_state:
        st.session_state["datasets"] = list(state.datasets)
    chosen = st.sidebar.multiselect("Datasets", list(datasets), key="datasets")
    table = app_state.combine(datasets, chosen)
    options = app_state.options(table)
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

    first, last = app_state.date_span(table)
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
    )
    st.query_params.from_dict(new_state.to_query())

    shown = filter_incidents(table, new_state.filter_spec())
    points = int((~shown["aggregate"].astype(bool)).sum()) if len(shown) else 0
    count_slot.metric(
        "Incidents shown",
        f"{len(shown):,}",
        help=f"{points:,} on the map as points; the rest are regional totals (not site-level)",
    )
    st.markdown(f"**{len(shown):,} incidents shown** ({points:,} mapped) of {len(table):,} in the chosen datasets")
    threshold = new_state.aggregate_threshold(AGGREGATE_THRESHOLD)
    if points > threshold:
        st.caption(
            ("Grid cells chosen under Map" if detail == "cells" else f"More than {threshold:,} points")
            + ": the map shows counts per grid cell (50 to 5 km, finer as you zoom in); narrow the filters "
            "or the dates, or choose points under Map, to see single incidents and their sources."
        )

    overlays, shown = raster_panel(shown)
    if story_name:
        story = load_story(story_files[story_name])
        st.subheader(md(story.title))
        st.caption(md(story.description))
        fmap = incident_map(
            shown,
            corridors=corridors,
            basemap=basemap,
            categories=options["campaign"],
            time_label=story.title,
            steps=story_steps(story),
            highlight_ids=story.incident_ids,
            aggregate_threshold=threshold,
        )
        with st.expander(f"The {len(story.steps)} steps of this story"):
            for number, story_step in enumerate(story.steps, 1):
                st.markdown(f"**{number}.** {md(story_step.start)} – {md(story_step.end)}")
                st.text(story_step.caption)
    else:
        fmap = incident_map(
            shown,
            corridors=corridors,
            basemap=basemap,
            categories=options["campaign"],
            time_label=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
            steps=map_steps(shown, step, mode),
            view=new_state.view,
            aggregate_threshold=threshold,
        )
    if corridor:
        left, right = st.columns([3, 2])
    else:
        left, right = st.container(), None
    with left:
        for overlay, name in overlays:
            add_raster_overlay(fmap, overlay, name)
        st_folium(fmap, height=620, use_container_width=True, returned_objects=[], key="map")
    if right is not None:
        with right:
            st.subheader(f"Along the {corridor}")
            along = to_spacetime_table(shown, corridor, within_km=float(max_km), corridors=corridors)
            if len(along):
                estimate = estimate_spread(along, corridor)
                st.altair_chart(to_spacetime_chart(along, estimate), width="stretch")
                st.caption(app_state.describe_spread(estimate))
                st.dataframe(along, hide_index=True)
            else:
                st.info(f"No incident within {max_km} km of the {corridor} in this selection.")

    export_panel(shown, start, end)
    counts = timeline_counts(shown, freq=app_state.timeline_freq(start, end))
    st.altair_chart(timeline_chart(counts, highlight=(start, end)), width="stretch")
    details_panel(shown)


def details_panel(shown: pd.DataFrame, per_page: int = 10) -> None:
    """Show the full records of the selection, most deaths first, a page at a time, when asked for.

    Each record is two tables; drawing them for every incident on every rerun made each page
    heavy for the browser, so they are built only while the toggle is on.
    """
    if not st.toggle("Incident details (every figure with its source)", key="details"):
        return
    st.caption("Click a point on the map for its popup; the full records of the selection, most deaths first:")
    pages = max(1, -(-len(shown) // per_page))
    page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, step=1) if pages > 1 else 1
    for record in app_state.detail_records(shown, limit=per_page, offset=(int(page) - 1) * per_page):
        st.markdown(f"**{md(record['title'])}** — {md(record['when'])} — {md(record['where'])}")
        st.dataframe(record["figures"], hide_index=True)
        st.dataframe(record["sources"], hide_index=True, column_config={"url": st.column_config.LinkColumn("url")})


try:
    main()
except IncidentMapError as err:
    st.error(md(err))
