"""A user's raster can never make the server read another file, fetch an address, or exhaust it.

Each crafted file is made here, small: GDAL picks a driver from a file's content, so a VRT,
an ER Mapper header or a WMS description named ``evil.tif`` would otherwise be opened, and a
tiny GeoTIFF can declare billions of pixels.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from geo.errors import RasterError
from layers.raster import add_raster_column, prepare_overlay, sample_raster, terrain_overlay
from layers.raster.source import MAX_PIXELS, open_raster

SECRET = "witness: Abu Khaled, phone 0999 123 456\n" * 8


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "witness_list.txt"
    path.write_text(SECRET)
    return path


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 that records every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"internal page")

        def do_HEAD(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()


def raw_vrt(target: Path) -> str:
    """A 370-byte-class VRT whose raw band reads *target* byte for byte."""
    return (
        '<VRTDataset rasterXSize="40" rasterYSize="8"><SRS>EPSG:4326</SRS>'
        "<GeoTransform>36.0,0.01,0,35.0,0,-0.01</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">'
        f'<SourceFilename relativetoVRT="0">{target}</SourceFilename>'
        "<ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>40</LineOffset>"
        "</VRTRasterBand></VRTDataset>"
    )


def curl_vrt(url: str) -> str:
    return (
        '<VRTDataset rasterXSize="10" rasterYSize="10"><SRS>EPSG:4326</SRS>'
        "<GeoTransform>36.0,0.01,0,35.0,0,-0.01</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
        f"<SourceFilename>/vsicurl/{url}/page.tif</SourceFilename><SourceBand>1</SourceBand>"
        "</SimpleSource></VRTRasterBand></VRTDataset>"
    )


ERS = (
    'DatasetHeader Begin\n Version = "6.0"\n DataFile = "{target}"\n DataSetType = ERStorage\n'
    ' DataType = Raster\n ByteOrder = LSBFirst\n CoordinateSpace Begin\n  Datum = "WGS84"\n'
    '  Projection = "GEODETIC"\n  CoordinateType = LATLONG\n CoordinateSpace End\n RasterInfo Begin\n'
    "  CellType = Unsigned8BitInteger\n  NrOfLines = 8\n  NrOfCellsPerLine = 40\n  NrOfBands = 1\n"
    " RasterInfo End\nDatasetHeader End\n"
)
WMS = (
    '<GDAL_WMS><Service name="WMS"><ServerUrl>{url}/wms?</ServerUrl><Layers>x</Layers></Service>'
    "<DataWindow><UpperLeftX>35</UpperLeftX><UpperLeftY>37</UpperLeftY><LowerRightX>42</LowerRightX>"
    "<LowerRightY>32</LowerRightY><SizeX>1000</SizeX><SizeY>1000</SizeY></DataWindow></GDAL_WMS>"
)


def every_reader(path: Path) -> list[object]:
    """Run every way the app and the CLI read a user raster; return what each raised."""
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=gpd.points_from_xy([36.05], [34.97]), crs="EPSG:4326")
    calls = [
        lambda: sample_raster(path, [36.05], [34.97]),
        lambda: add_raster_column(gdf, path),
        lambda: prepare_overlay(path),
        lambda: terrain_overlay(path),
        lambda: open_raster(path).__enter__(),
    ]
    errors = []
    for call in calls:
        with pytest.raises(RasterError) as info:
            call()
        errors.append(info.value)
    return errors


def test_a_vrt_named_tif_cannot_read_a_server_file(tmp_path: Path, secret: Path) -> None:
    evil = tmp_path / "evil.tif"
    evil.write_text(raw_vrt(secret))
    for error in every_reader(evil):
        assert "evil.tif: not a GeoTIFF" in str(error)
        assert "XML" in str(error)
        assert "Abu Khaled" not in str(error)


@pytest.mark.parametrize("kind", ["ers", "wms"])
def test_other_gdal_descriptions_are_refused(tmp_path: Path, secret: Path, http_server, kind: str) -> None:
    url, seen = http_server
    evil = tmp_path / "evil.tif"
    evil.write_text(ERS.format(target=secret) if kind == "ers" else WMS.format(url=url))
    for error in every_reader(evil):
        assert "evil.tif: not a GeoTIFF" in str(error)
    assert seen == []


def test_no_request_reaches_a_local_server(tmp_path: Path, http_server) -> None:
    url, seen = http_server
    evil = tmp_path / "evil.tif"
    evil.write_text(curl_vrt(url))
    started = time.monotonic()
    every_reader(evil)
    for path in (f"/vsicurl/{url}/page.tif", f"{url}/page.tif", "/vsizip//etc/passwd.zip/x.tif"):
        with pytest.raises(RasterError, match="only a local GeoTIFF file"):
            sample_raster(path, [36.0], [35.0])
    assert seen == []
    assert time.monotonic() - started < 30  # no hang on a host that never answers


def _tiff(path: Path, width: int, height: int, **options: object) -> Path:
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:4326",
        "transform": from_origin(35.7, 37.3, 6.0 / width, 5.0 / height),
        "compress": "deflate",
        "sparse_ok": True,
        **options,
    }
    with rasterio.open(path, "w", **profile):
        pass  # nothing written: a sparse file that declares every pixel
    return path


def test_a_tiny_file_declaring_billions_of_pixels_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = _tiff(tmp_path / "bomb.tif", 100_000, 100_000, tiled=True, blockxsize=2048, blockysize=2048)
    assert bomb.stat().st_size < 200_000
    assert 100_000 * 100_000 > MAX_PIXELS
    started = time.monotonic()
    for error in every_reader(bomb):
        assert "100,000 × 100,000 pixels" in str(error)
    assert time.monotonic() - started < 10


def test_a_single_huge_block_is_refused(tmp_path: Path) -> None:
    """One 16,384² tile of 16-bit values is half a gigabyte that GDAL would hold to read any pixel."""
    huge = _tiff(
        tmp_path / "tile.tif", 16_384, 16_384, tiled=True, blockxsize=16_384, blockysize=16_384, dtype="uint16"
    )
    with rasterio.open(huge) as src:
        assert src.block_shapes[0] == (16_384, 16_384)
    for error in every_reader(huge):
        assert "blocks of 16,384 × 16,384" in str(error)


def test_sibling_files_of_an_upload_are_not_read(tmp_path: Path) -> None:
    """A .aux.xml beside the upload (GDAL's side-car metadata) cannot change what is read."""
    good = tmp_path / "dem.tif"
    with rasterio.open(
        good,
        "w",
        driver="GTiff",
        width=8,
        height=8,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_origin(36.0, 35.0, 0.01, 0.01),
        nodata=-1,
    ) as dst:
        dst.write(np.full((1, 8, 8), 5.0, dtype="float32"))
    (tmp_path / "dem.tif.aux.xml").write_text(
        '<PAMDataset><PAMRasterBand band="1"><NoDataValue>5</NoDataValue>'
        '<Metadata><MDI key="x">y</MDI></Metadata></PAMRasterBand></PAMDataset>'
    )
    assert sample_raster(good, [36.035], [34.965]).tolist() == [5.0]


def test_a_real_geotiff_still_opens(tmp_path: Path) -> None:
    good = _tiff(tmp_path / "ok.tif", 256, 256, tiled=True)
    with open_raster(good) as (src, crs):
        assert (src.width, crs.to_epsg()) == (256, 4326)
