"""Incident layers: the incident model, importers, store, analysis and rendering.

``layers`` builds on :mod:`geo`; only :mod:`layers.folium_map` imports folium.
"""
