"""Streamlit app: widgets, caching and layout only (see DESIGN.md).

Run: python -m streamlit run app.py
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.errors import IncidentMapError
from geo.gazetteer import Gazetteer, load_gazetteer
from layers.folium_map import match_map

st.set_page_config(page_title="Syria incident map — gazetteer", layout="wide")


@st.cache_resource(show_spinner="Loading the gazetteer…")
def cached_gazetteer() -> Gazetteer:
    """Build the gazetteer once per server process."""
    return load_gazetteer()


def main() -> None:
    """Lay out the gazetteer page: a name in, a sourced point (or candidates) out."""
    st.title("Gazetteer: Syrian place names to sourced points")
    gaz = cached_gazetteer()
    left, right = st.columns([2, 3])
    with left:
        name = st.text_input("Place name (any spelling, Latin or Arabic)", value=st.query_params.get("q", "Sonobar"))
        within = st.text_input("Within (governorate, district or city; optional)", value="")
        try:
            match = gaz.resolve(name, within=within or None)
        except IncidentMapError as err:
            st.error(str(err))
            return
        st.query_params["q"] = name
        if match.resolved:
            st.success(f"{match.name} ({match.admin1}) — `{match.place_id}`")
            st.write(f"lat {match.lat:.6f}, lon {match.lon:.6f} · ±{match.coord_precision_m} m · "
                     f"geo_precision {match.geo_precision} · {match.method} ({match.score:.2f})")
            st.caption(f"Source: {match.source}")
        elif match.ambiguous:
            st.warning(match.reason)
            st.dataframe([{"id": c.place_id, "name": c.name, "governorate": c.admin1, "kind": c.kind}
                          for c in match.candidates], hide_index=True)
        else:
            st.info(match.reason)
        st.caption(f"{len(gaz):,} places: curated (cited) + GeoNames.")
    with right:
        st_folium(match_map(match), height=520, use_container_width=True, returned_objects=[])


main()
