"""Pure geographic core: place names, the gazetteer, corridors and projections.

Nothing in this package imports streamlit or folium (see DESIGN.md).
"""
