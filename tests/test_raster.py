"""Tests of layers.raster: overlays in several CRSs, terrain, density, sampling, errors, the CLI."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pytest
import rasterio
from PIL import Image
from pyproj import CRS, Geod, Transformer
from rasterio.enums import ColorInterp
from rasterio.transform import from_origin
from shapely.geometry import Point

from geo.errors import DataSchemaError, IncidentMapError, InvalidOptionError, RasterError
from layers.raster import (
    DENSITY_CRS,
    DensityRaster,
    add_raster_column,
    cell_sizes_m,
    density_raster,
    hillshade,
    overlay_data_url,
    overlay_png_bytes,
    prepare_overlay,
    raster_under_map,
    sample_raster,
    terrain_overlay,
    write_geotiff,
)

matplotlib.use("Agg")

# A known spot in Syria (near Homs) and rasters around it, in three CRSs.
LON, LAT = 36.70, 34.75
CRSS = {"EPSG:4326": 0.002, "EPSG:3857": 250.0, "EPSG:32637": 200.0}  # CRS: pixel size in its units


def _merc_y(lat: float | np.ndarray) -> float | np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def write_tif(path: Path, data: np.ndarray, transform, crs, nodata=None, **extra) -> Path:
    data = data if data.ndim == 3 else data[None]
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=data.shape[1],
        width=data.shape[2],
        count=data.shape[0],
        dtype=data.dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
        **extra,
    ) as dst:
        dst.write(data)
    return path


def hot_spot_tif(path: Path, crs: str, size: int = 201) -> tuple[Path, tuple[float, float, float, float]]:
    """A size × size raster of zeros with a 3 × 3 block of ones centred at (LON, LAT), nodata corner."""
    res = CRSS[crs]
    cx, cy = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(LON, LAT)
    half = size // 2
    transform = from_origin(cx - (half + 0.5) * res, cy + (half + 0.5) * res, res, res)
    data = np.zeros((size, size), np.float32)
    data[half - 1 : half + 2, half - 1 : half + 2] = 1
    data[:20, :20] = -9999  # nodata in the north-west corner
    data[-20:, -20:] = np.nan  # NaN in the south-east corner
    write_tif(path, data, transform, crs, nodata=-9999)
    west, north = transform.c, transform.f
    return path, (west, north - size * res, west + size * res, north)


def leaflet_lonlat(overlay, row: float, col: float) -> tuple[float, float]:
    """Where Leaflet draws pixel (row, col) of *overlay*: linear between corners in Web Mercator."""
    west, south, east, north = overlay.bounds
    h, w = overlay.rgba.shape[:2]
    lon = west + (col + 0.5) / w * (east - west)
    y = _merc_y(north) - (row + 0.5) / h * (_merc_y(north) - _merc_y(south))
    return lon, float(np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2))


@pytest.mark.parametrize("src_crs", list(CRSS))
@pytest.mark.parametrize("dst_crs", ["EPSG:3857", "EPSG:4326"])
def test_overlay_bounds_and_pixel_placement(tmp_path: Path, src_crs: str, dst_crs: str) -> None:
    path, src_bounds = hot_spot_tif(tmp_path / "r.tif", src_crs)
    ov = prepare_overlay(path, dst_crs=dst_crs, colormap="gray", vmin=0, vmax=1, opacity=1)
    assert ov.crs == dst_crs
    assert not ov.downsampled
    assert ov.rgba.dtype == np.uint8
    # Bounds: the raster's lon/lat footprint, to within one output pixel.
    foot = Transformer.from_crs(src_crs, "EPSG:4326", always_xy=True).transform_bounds(*src_bounds, densify_pts=21)
    west, south, east, north = ov.bounds
    px_lon, px_lat = (east - west) / ov.rgba.shape[1], (north - south) / ov.rgba.shape[0]
    assert west <= foot[0] + 1e-9
    assert east >= foot[2] - 1e-9
    assert south <= foot[1] + 1e-9
    assert north >= foot[3] - 1e-9
    assert foot[0] - west < 1.01 * px_lon
    assert east - foot[2] < 1.01 * px_lon
    assert foot[1] - south < 1.01 * px_lat
    assert north - foot[3] < 1.01 * px_lat
    if src_crs == dst_crs:  # same grid: exact bounds
        exact = Transformer.from_crs(src_crs, "EPSG:4326", always_xy=True).transform_bounds(*src_bounds)
        assert ov.bounds == pytest.approx(exact, abs=1e-9)
    # Pixel placement: the bright block lands on (LON, LAT) as Leaflet (3857) or lon/lat axes (4326) draw it.
    bright = ov.rgba[..., 0] > 128
    rows, cols = np.nonzero(bright)
    row, col = rows.mean(), cols.mean()
    if dst_crs == "EPSG:3857":
        lon, lat = leaflet_lonlat(ov, row, col)
    else:
        lon = west + (col + 0.5) * px_lon
        lat = north - (row + 0.5) * px_lat
    assert abs(lon - LON) < 0.6 * px_lon
    assert abs(lat - LAT) < 0.6 * px_lat
    # No data (nodata value in the NW corner, NaN in the SE corner) is transparent; data is opaque.
    assert ov.rgba[0, 0, 3] == 0
    assert ov.rgba[-1, -1, 3] == 0
    assert ov.rgba[ov.rgba.shape[0] // 2, 5, 3] == 255


def test_4326_grid_in_leaflet_is_off_where_3857_is_not(tmp_path: Path) -> None:
    # A tall raster: drawing an EPSG:4326 grid in Leaflet misplaces the middle rows; EPSG:3857 does not.
    data = np.zeros((500, 10), np.float32)
    data[250, :] = 1  # the row at 34.75 N
    path = write_tif(tmp_path / "tall.tif", data, from_origin(36.0, 37.25, 0.02, 0.01), "EPSG:4326")
    for dst, ok in (("EPSG:3857", True), ("EPSG:4326", False)):
        ov = prepare_overlay(path, dst_crs=dst, colormap="gray", vmin=0, vmax=1)
        row = float(np.nonzero(ov.rgba[:, 5, 0] > 128)[0].mean())
        _, lat = leaflet_lonlat(ov, row, 5)
        assert (abs(lat - 34.755) < 0.02) is ok


def test_overlay_decimates_large_rasters_and_says_so(tmp_path: Path) -> None:
    data = np.tile(np.linspace(0, 100, 1500, dtype=np.float32), (1500, 1))
    path = write_tif(
        tmp_path / "big.tif",
        data,
        from_origin(36, 35, 0.001, 0.001),
        "EPSG:4326",
        tiled=True,
        blockxsize=256,
        blockysize=256,
    )
    with rasterio.open(path, "r+") as dst:
        dst.build_overviews([2, 4, 8])
    ov = prepare_overlay(path, max_pixels=300 * 300, dst_crs="EPSG:4326")
    assert ov.downsampled
    assert ov.read_shape[0] * ov.read_shape[1] <= 1.2 * 300 * 300
    assert ov.rgba.shape[0] * ov.rgba.shape[1] <= 300 * 300
    assert ov.source_shape == (1500, 1500)
    assert "decimated" in ov.note
    assert ov.bounds == pytest.approx((36, 33.5, 37.5, 35), abs=1e-9)
    by_size = prepare_overlay(path, size=(200, 100), dst_crs="EPSG:4326")
    assert by_size.rgba.shape[1] <= 200
    assert by_size.rgba.shape[0] <= 100
    # The colour map runs west (low) to east (high): viridis dark purple to yellow.
    assert ov.rgba[150, 0, 0] < 80
    assert ov.rgba[150, -1, 1] > 200


def test_rgb_rgba_and_palette_rasters(tmp_path: Path) -> None:
    rgb = np.zeros((3, 20, 20), np.uint8)
    rgb[0, :, :10] = 255  # red west half
    rgb[2, :, 10:] = 255  # blue east half
    path = write_tif(tmp_path / "rgb.tif", rgb, from_origin(36, 35, 0.01, 0.01), "EPSG:4326", photometric="RGB")
    ov = prepare_overlay(path, dst_crs="EPSG:4326", opacity=1)
    assert ov.rgba[10, 2].tolist() == [255, 0, 0, 255]
    assert ov.rgba[10, 17].tolist() == [0, 0, 255, 255]
    assert ov.value_range is None
    alpha = np.full((1, 20, 20), 255, np.uint8)
    alpha[0, :5] = 0
    path4 = write_tif(
        tmp_path / "rgba.tif",
        np.concatenate([rgb, alpha]),
        from_origin(36, 35, 0.01, 0.01),
        "EPSG:4326",
        photometric="RGB",
        alpha="YES",
    )
    with rasterio.open(path4) as src:
        assert src.colorinterp[3] == ColorInterp.alpha
    ov4 = prepare_overlay(path4, dst_crs="EPSG:4326", opacity=0.5)
    assert ov4.rgba[0, 2, 3] == 0
    assert ov4.rgba[15, 2, 3] == 128
    pal = np.zeros((20, 20), np.uint8)
    pal[:, 10:] = 1
    path_p = write_tif(tmp_path / "pal.tif", pal, from_origin(36, 35, 0.01, 0.01), "EPSG:4326")
    with rasterio.open(path_p, "r+") as dst:
        dst.write_colormap(1, {0: (0, 128, 0, 255), 1: (255, 255, 0, 255)})
    ovp = prepare_overlay(path_p, dst_crs="EPSG:4326", opacity=1)
    assert ovp.rgba[5, 2].tolist() == [0, 128, 0, 255]
    assert ovp.rgba[5, 17].tolist() == [255, 255, 0, 255]
    # Any band of a multi-band file can be coloured on its own.
    assert prepare_overlay(path, band=3, dst_crs="EPSG:4326").value_range is not None


def test_png_bytes_round_trip() -> None:
    from affine import Affine

    from layers.raster import Overlay

    rgba = np.random.default_rng(1).integers(0, 255, (7, 9, 4), dtype=np.uint8)
    ov = Overlay(rgba, (36, 35, 37, 36), "EPSG:3857", Affine.identity(), False, (7, 9), (7, 9), "")
    import io

    assert np.array_equal(np.asarray(Image.open(io.BytesIO(overlay_png_bytes(ov)))), rgba)
    assert overlay_data_url(ov).startswith("data:image/png;base64,")
    assert ov.leaflet_bounds == [[35, 36], [36, 37]]


# --- errors -----------------------------------------------------------------------------------------------


def test_not_a_raster(tmp_path: Path) -> None:
    path = tmp_path / "notes.tif"
    path.write_text("this is a text file\n")
    with pytest.raises(RasterError, match=r"notes\.tif: not a GeoTIFF"):
        prepare_overlay(path)
    with pytest.raises(RasterError, match="no such file"):
        prepare_overlay(tmp_path / "missing.tif")


def test_no_crs_asks_for_one_and_crs_argument_fixes_it(tmp_path: Path) -> None:
    path, _ = hot_spot_tif(tmp_path / "r.tif", "EPSG:32637")
    bare = tmp_path / "bare.tif"
    with rasterio.open(path) as src:
        write_tif(bare, src.read(), src.transform, None, nodata=-9999)
    with pytest.raises(RasterError, match=r"no CRS.*crs="):
        prepare_overlay(bare)
    with pytest.raises(RasterError, match="no CRS"):
        sample_raster(bare, [LON], [LAT])
    ov = prepare_overlay(bare, crs="EPSG:32637")
    assert ov.bounds == pytest.approx(prepare_overlay(path).bounds)
    assert sample_raster(bare, [LON], [LAT], crs="EPSG:32637")[0] == 1.0


def test_truncated_file(tmp_path: Path) -> None:
    data = np.random.default_rng(0).random((400, 400)).astype(np.float32)
    path = write_tif(tmp_path / "t.tif", data, from_origin(36, 35, 0.001, 0.001), "EPSG:4326")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(RasterError, match="damaged or truncated") as info:
        prepare_overlay(path, dst_crs="EPSG:4326")
    assert info.value.__cause__ is not None


def test_complex_type_is_refused(tmp_path: Path) -> None:
    data = np.ones((10, 10), np.complex64)
    path = write_tif(tmp_path / "c.tif", data, from_origin(36, 35, 0.01, 0.01), "EPSG:4326")
    with pytest.raises(RasterError, match="complex64"):
        prepare_overlay(path)


def test_raster_outside_syria(tmp_path: Path) -> None:
    path = write_tif(
        tmp_path / "paris.tif", np.ones((10, 10), np.float32), from_origin(2.2, 48.9, 0.01, 0.01), "EPSG:4326"
    )
    with pytest.raises(RasterError, match="does not overlap Syria"):
        prepare_overlay(path)
    assert prepare_overlay(path, region=None).rgba.shape[0] >= 10  # no region: drawn anyway
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    ax.set_xlim(35, 43)
    ax.set_ylim(32, 38)
    with pytest.raises(RasterError, match="does not overlap the map's extent"):
        raster_under_map(ax, path)


def test_bad_options(tmp_path: Path) -> None:
    path, _ = hot_spot_tif(tmp_path / "r.tif", "EPSG:4326")
    with pytest.raises(InvalidOptionError, match="band=2"):
        prepare_overlay(path, band=2)
    with pytest.raises(InvalidOptionError, match="colour map"):
        prepare_overlay(path, colormap="nope")
    with pytest.raises(InvalidOptionError, match="opacity"):
        prepare_overlay(path, opacity=2)
    assert issubclass(RasterError, IncidentMapError)
    assert issubclass(RasterError, ValueError)


# --- terrain ----------------------------------------------------------------------------------------------


def test_cell_sizes_in_metres() -> None:
    geod = Geod(ellps="WGS84")
    dx, dy = cell_sizes_m(from_origin(36.0, 35.0 + 0.0005, 0.001, 0.001), "EPSG:4326", 1)
    assert dx[0] == pytest.approx(geod.inv(36.0, 35.0, 36.001, 35.0)[2], rel=1e-4)
    assert dy[0] == pytest.approx(geod.inv(36.0, 34.9995, 36.0, 35.0005)[2], rel=1e-4)
    dx, _ = cell_sizes_m(from_origin(500000 - 15, 3850000, 30, 30), "EPSG:32637", 1)
    assert dx[0] == pytest.approx(30 / 0.9996, rel=1e-5)  # central meridian scale


@pytest.mark.parametrize(
    ("crs", "transform"),
    [
        ("EPSG:32637", from_origin(300000, 3850000, 30, 30)),
        ("EPSG:4326", from_origin(36.5, 35.0, 0.0003, 0.0003)),
        ("EPSG:3857", from_origin(4.06e6, 4.14e6, 40, 40)),
    ],
)
def test_hillshade_of_a_tilted_plane(crs: str, transform) -> None:
    # z rises eastwards by 0.5 m per ground metre: lit from the west at 30°: (s cos h + sin h) / sqrt(1 + s²).
    _rows, cols = np.mgrid[0:12, 0:12]
    dx, _ = cell_sizes_m(transform, crs, 12, 12)
    slope = 0.5
    dem = slope * cols * dx[:, None]
    shade = hillshade(dem, transform, crs, azimuth=270, altitude=30)
    h = math.radians(30)
    expected = (slope * math.cos(h) + math.sin(h)) / math.sqrt(1 + slope**2)
    assert shade[1:-1, 1:-1] == pytest.approx(expected, abs=2e-3)
    # Lit from the east the same slope is darker; from the north it is as bright as the flat part of the normal.
    assert hillshade(dem, transform, crs, azimuth=90, altitude=30)[5, 5] < expected
    assert hillshade(dem, transform, crs, azimuth=0, altitude=30)[5, 5] == pytest.approx(
        math.sin(h) / math.sqrt(1 + slope**2), abs=2e-3
    )


def test_hillshade_nan_and_shape_checks() -> None:
    dem = np.zeros((6, 6))
    dem[3, 3] = np.nan
    shade = hillshade(dem, from_origin(0, 0, 1, 1), "EPSG:32637")
    assert np.isnan(shade[2:5, 2:5]).all()
    assert np.isfinite(shade[0, 0])
    with pytest.raises(InvalidOptionError):
        hillshade(np.zeros(5), from_origin(0, 0, 1, 1), "EPSG:32637")


def test_terrain_overlay_and_tint(tmp_path: Path) -> None:
    rows, cols = np.mgrid[0:100, 0:100]
    dem = (200 + 5 * np.hypot(rows - 50, cols - 50)).astype(np.float32)
    dem[:5, :5] = -32768
    path = write_tif(tmp_path / "dem.tif", dem, from_origin(36.5, 35.0, 0.001, 0.001), "EPSG:4326", nodata=-32768)
    grey = terrain_overlay(path, opacity=1)
    assert grey.rgba[0, 0, 3] == 0
    assert grey.rgba[50, 50, 3] == 255
    assert (grey.rgba[..., 0] == grey.rgba[..., 1]).all()  # grey
    assert grey.value_range is None
    tinted = terrain_overlay(path, tint="terrain")
    assert tinted.value_range is not None
    assert tinted.colormap == "terrain"
    assert not (tinted.rgba[..., 0] == tinted.rgba[..., 2]).all()


# --- density ----------------------------------------------------------------------------------------------


def incidents() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    n = 200
    lon = rng.normal(36.7, 0.3, n)
    lat = rng.normal(34.8, 0.3, n)
    deaths = rng.integers(0, 30, n).astype(object)
    deaths[:10] = None  # no toll
    geometry = [Point(x, y) for x, y in zip(lon, lat, strict=True)]
    aggregate = np.zeros(n, bool)
    aggregate[10:15] = True
    for i in range(10, 20):  # aggregates and unlocated rows have no point
        geometry[i] = None
    return gpd.GeoDataFrame(
        {"lon": lon, "lat": lat, "deaths_best": pd_int(deaths), "aggregate": aggregate},
        geometry=geometry,
        crs="EPSG:4326",
    )


def pd_int(values: np.ndarray):
    import pandas as pd

    return pd.array(list(values), dtype="Int64")


@pytest.mark.parametrize(("weight", "units"), [("deaths", "per_cell"), ("count", "per_cell"), ("count", "per_km2")])
def test_density_sums_to_total_weight(weight: str, units: str) -> None:
    gdf = incidents()
    r = density_raster(gdf, bandwidth_km=8, weight=weight, units=units)
    used = slice(20, None)
    total = float(gdf["deaths_best"][used].sum()) if weight == "deaths" else 190.0
    cell_km = float(r.tags["cell_km"])
    area = cell_km**2 if units == "per_km2" else 1.0
    assert float(r.array.sum(dtype=np.float64)) * area == pytest.approx(total, rel=1e-3)
    assert r.tags["excluded_aggregate"] == "5"
    assert r.tags["excluded_unlocated"] == "5"
    assert r.tags["excluded_no_deaths"] == ("10" if weight == "deaths" else "0")
    assert r.tags["incident_count"] == ("180" if weight == "deaths" else "190")
    assert r.array.dtype == np.float32
    assert r.nodata is None
    assert CRS.from_user_input(r.crs).equals(CRS.from_user_input(DENSITY_CRS))


def test_density_counts_and_kernel_shape() -> None:
    # Two points: kernel "none" counts them exactly; the Gaussian peaks at the point with spread = bandwidth.
    gdf = gpd.GeoDataFrame(
        {"aggregate": [False, False], "deaths_best": pd_int(np.array([5, 5], object))},
        geometry=[Point(38.5, 35.0), Point(38.5, 35.0)],
        crs="EPSG:4326",
    )
    counts = density_raster(gdf, bandwidth_km=4, weight="count", kernel="none", cell_km=2)
    assert counts.array.max() == 2
    assert counts.array.sum() == 2
    r = density_raster(gdf, bandwidth_km=4, weight="count", cell_km=0.5)
    _row, col = np.unravel_index(np.argmax(r.array), r.array.shape)
    t = r.transform
    x = t.c + (np.arange(r.array.shape[1]) + 0.5) * t.a
    profile = r.array.sum(axis=0, dtype=np.float64)
    mean = (x * profile).sum() / profile.sum()
    sd_km = math.sqrt(((x - mean) ** 2 * profile).sum() / profile.sum()) / 1000
    assert abs(t.c + (col + 0.5) * t.a) < 500
    assert abs(mean) < 300
    assert sd_km == pytest.approx(math.sqrt(4**2 + 0.5**2 / 12), rel=0.02)


def test_density_bounds_and_options() -> None:
    gdf = incidents()
    r = density_raster(gdf, bandwidth_km=5, weight="count", bounds=(36.6, 34.7, 36.8, 34.9))
    assert 0 < int(r.tags["incident_count"]) < 190
    assert int(r.tags["excluded_outside"]) > 0
    assert float(r.tags["weight_in_grid"]) < float(r.tags["weight_total"])
    with pytest.raises(InvalidOptionError, match="must be one of 'deaths', 'count'"):
        density_raster(gdf, bandwidth_km=5, weight="injured")
    with pytest.raises(InvalidOptionError, match="cells"):
        density_raster(gdf, bandwidth_km=5, cell_km=0.01)
    with pytest.raises(DataSchemaError, match="deaths_best"):
        density_raster(gdf.drop(columns="deaths_best"), bandwidth_km=5)


def test_write_geotiff_round_trip_and_atomicity(tmp_path: Path) -> None:
    r = density_raster(incidents(), bandwidth_km=6, weight="deaths")
    path = tmp_path / "d.tif"
    path.write_text("old")
    write_geotiff(r, path)
    with rasterio.open(path) as src:
        assert CRS.from_user_input(src.crs.to_wkt()).equals(CRS.from_user_input(r.crs))
        assert src.transform.almost_equals(r.transform)
        assert src.nodata is None
        assert src.dtypes[0] == "float32"
        tags = src.tags()
        assert tags["bandwidth_km"] == "6"
        assert tags["weight"] == "deaths"
        assert tags["kernel"] == "gaussian"
        assert tags["incident_count"] == r.tags["incident_count"]
        assert "created" in tags
        assert "crs" in tags
        assert np.array_equal(src.read(1), r.array)
    assert [p.name for p in tmp_path.iterdir()] == ["d.tif"]  # no temporary file left
    with pytest.raises(RasterError, match="2-D"):
        write_geotiff(DensityRaster(np.zeros(3), r.transform, r.crs), tmp_path / "bad.tif")
    # The density GeoTIFF overlays like any other raster.
    ov = prepare_overlay(path, clear_below=1e-3)
    assert ov.rgba[..., 3].any()
    assert (ov.rgba[..., 3] == 0).any()


# --- sampling and static maps -----------------------------------------------------------------------------


@pytest.mark.parametrize("crs", list(CRSS))
def test_sample_raster_at_points(tmp_path: Path, crs: str) -> None:
    path, _ = hot_spot_tif(tmp_path / "r.tif", crs)
    lons = [LON, LON + 0.05, 10.0, np.nan]
    lats = [LAT, LAT, 10.0, LAT]
    assert sample_raster(path, lons, lats).tolist()[:2] == [1.0, 0.0]
    assert np.isnan(sample_raster(path, lons, lats)[2:]).all()
    with rasterio.open(path) as src:  # nodata corner
        x, y = src.xy(5, 5)
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    assert np.isnan(sample_raster(path, [lon], [lat])[0])


def test_sample_raster_block_by_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import layers.raster.sampling as sampling

    data = np.arange(600 * 600, dtype=np.float32).reshape(600, 600)
    path = write_tif(
        tmp_path / "b.tif",
        data,
        from_origin(36, 35, 0.001, 0.001),
        "EPSG:4326",
        tiled=True,
        blockxsize=128,
        blockysize=128,
    )
    rng = np.random.default_rng(3)
    rows, cols = rng.integers(0, 600, 500), rng.integers(0, 600, 500)
    lons, lats = 36 + (cols + 0.5) * 0.001, 35 - (rows + 0.5) * 0.001
    monkeypatch.setattr(sampling, "_MAX_WINDOW_PIXELS", 100)
    assert np.array_equal(sample_raster(path, lons, lats), data[rows, cols])


def test_add_raster_column(tmp_path: Path) -> None:
    path, _ = hot_spot_tif(tmp_path / "r.tif", "EPSG:32637")
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"]}, geometry=[Point(LON, LAT), None, Point(LON + 0.05, LAT)], crs="EPSG:4326"
    )
    out = add_raster_column(gdf, path)
    assert out["elevation_m"].tolist()[0] == 1.0
    assert np.isnan(out["elevation_m"][1])
    assert out["elevation_m"][2] == 0
    assert "elevation_m" not in gdf.columns


@pytest.mark.parametrize("map_crs", ["EPSG:4326", "+proj=aeqd +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m"])
def test_raster_under_map(tmp_path: Path, map_crs: str) -> None:
    import matplotlib.pyplot as plt

    path, _ = hot_spot_tif(tmp_path / "r.tif", "EPSG:32637")
    to_map = Transformer.from_crs("EPSG:4326", map_crs, always_xy=True)
    (x0, x1), (y0, y1) = to_map.transform([LON - 0.3, LON + 0.3], [LAT - 0.3, LAT + 0.3])
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    image = raster_under_map(ax, path, map_crs=map_crs, colormap="gray", vmin=0, vmax=1, opacity=1)
    assert ax.get_xlim() == pytest.approx((x0, x1))
    assert image.get_extent() == pytest.approx([x0, x1, y0, y1])
    rgba = image.get_array()
    rows, cols = np.nonzero(rgba[..., 0] > 128)
    h, w = rgba.shape[:2]
    x = x0 + (cols.mean() + 0.5) / w * (x1 - x0)
    y = y1 - (rows.mean() + 0.5) / h * (y1 - y0)
    hx, hy = to_map.transform(LON, LAT)
    assert abs(x - hx) < 1.5 * (x1 - x0) / w
    assert abs(y - hy) < 1.5 * (y1 - y0) / h
    shaded = raster_under_map(ax, path, map_crs=map_crs, hillshade=True)
    assert shaded.get_array().shape[2] == 4
    plt.close(fig)


# --- command line -----------------------------------------------------------------------------------------


def test_density_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from layers.cli import density_cmd
    from layers.incidents import to_incident_frame
    from layers.store import save_gpkg

    gdf = incidents()
    import pandas as pd

    frame = to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"i{i}" for i in range(len(gdf))],
                "dataset": "t",
                "title": "x",
                "event_type": "other",
                "date_start": pd.Timestamp("2012-05-25", tz="UTC"),
                "date_end": pd.Timestamp("2012-05-25", tz="UTC"),
                "date_precision": "day",
                "lon": gdf.geometry.x.where(gdf.geometry.notna()),
                "lat": gdf.geometry.y.where(gdf.geometry.notna()),
                "deaths_best": gdf["deaths_best"],
                "aggregate": gdf["aggregate"],
                "sources": [[] for _ in range(len(gdf))],
                "figures": [[] for _ in range(len(gdf))],
            }
        )
    )
    store = save_gpkg(frame, tmp_path / "in.gpkg")
    parser = argparse.ArgumentParser()
    density_cmd.add_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "density.tif"
    args = parser.parse_args(["density", str(store), "--bandwidth-km", "6", "--weight", "count", "--out", str(out)])
    assert args.run(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["out"] == str(out)
    assert summary["weight"] == "count"
    assert summary["excluded_aggregate"] == "5"
    assert summary["raster_sum"] == pytest.approx(float(summary["weight_total"]), rel=0.01)
    with rasterio.open(out) as src:
        assert src.tags()["bandwidth_km"] == "6"
    bad = parser.parse_args(["density", "nope.csv", "--bandwidth-km", "6", "--out", str(out)])
    with pytest.raises(IncidentMapError, match="not a curated dataset"):
        bad.run(bad)


def test_fade_low_lets_low_densities_show_the_map_through():
    from layers.raster.overlay import colorize

    values = np.array([[0.0, 0.25, 1.0, np.nan]])
    plain, _ = colorize(values, "magma", 0, 1, opacity=0.8)
    faded, _ = colorize(values, "magma", 0, 1, opacity=0.8, fade_low=True)
    assert faded[0, :, :3].tolist() == plain[0, :, :3].tolist()  # same colours
    assert faded[0, :, 3].tolist() == [0, 51, 204, 0]  # alpha 0.8·255·value; NaN clear
    assert plain[0, :3, 3].tolist() == [204, 204, 204]
