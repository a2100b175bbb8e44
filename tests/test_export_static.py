import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from pyproj import Geod

from layers.export.cartography import FONT, NATIVE_SHAPING, PRESETS, scale_bar_for, shape_text
from layers.export.static import render_map
from tests.export_fixtures import synthetic_incidents

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("xlim", "ylim"),
    [
        ((-300e3, 300e3), (-200e3, 200e3)),  # around 35° N
        ((-250e3, -150e3), (-180e3, -120e3)),  # south-west (Damascus region), a small view
        ((100e3, 400e3), (150e3, 300e3)),  # north-east (Deir ez-Zor, Hasakah)
    ],
)
def test_scale_bar_matches_geod(xlim, ylim):
    bar = scale_bar_for(xlim, ylim)
    (lon0, lat0), (lon1, lat1) = bar.ends_lonlat()
    _, _, dist_m = GEOD.inv(lon0, lat0, lon1, lat1)
    assert dist_m / 1000 == pytest.approx(bar.length_km, rel=1e-4)
    assert str(bar.length_km).rstrip("0").rstrip(".")[0] in "125"


def test_font_has_the_arabic_glyphs():
    from matplotlib import font_manager, ft2font

    charmap = ft2font.FT2Font(font_manager.findfont(FONT)).get_charmap()
    assert all(ord(c) in charmap for c in "جبلة الفرات العاصي")
    if NATIVE_SHAPING:  # matplotlib lays out Arabic itself: the text must not be pre-reversed
        assert shape_text("جبلة") == "جبلة"


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_png_for_every_preset(tmp_path, preset):
    out = render_map(synthetic_incidents(40), tmp_path / "m.png", title="Test map", preset=preset, dpi=40)
    image = Image.open(out.path)
    assert image.format == "PNG"
    page = PRESETS[preset]
    assert abs(image.size[0] - page.width_in * 40) <= 2
    meta = json.loads(image.text["export_metadata"])
    assert meta["public_safe"] is True
    assert meta["sensitive_withheld"] > 0


def test_svg_and_pdf(tmp_path):
    gdf = synthetic_incidents(20)
    svg = render_map(gdf, tmp_path / "m.svg", title="جبلة map", preset="square_social")
    root = ET.parse(svg.path).getroot()
    assert root.tag.endswith("svg")
    assert "public_safe" in ET.tostring(root, encoding="unicode")
    pdf = render_map(gdf, tmp_path / "m.pdf", public_safe=False)
    data = pdf.path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"public_safe" in data


def test_credits_name_publishers_and_basemap(tmp_path):
    out = render_map(synthetic_incidents(10), tmp_path / "m.png", dpi=30)
    assert "Test Wire" in out.metadata["credits"]
    assert "GSHHG" in out.metadata["credits"]
    assert "withheld" in out.metadata["credits"]


def test_tiles_fall_back_offline(tmp_path, monkeypatch, capsys):
    from geo.errors import RasterError
    from layers.export import basemap

    reason = "web tiles unavailable (URLError: <urlopen error [Errno -2] Name or service not known>)"

    def no_network(*args, **kwargs):
        raise RasterError(reason)

    monkeypatch.setattr(basemap, "fetch_tiles", no_network)
    out = render_map(synthetic_incidents(10), tmp_path / "m.png", dpi=30, tiles=True)
    credits = out.metadata["credits"]
    assert "offline basemap" in credits
    for bad in ("Error", "unavailable (", "seed", "urlopen"):
        assert bad not in credits
    assert credits.count("GSHHG") == 1
    assert out.metadata["tile_error"] == reason  # the reason is kept in the metadata…
    assert reason in capsys.readouterr().err  # …and reported on stderr


def test_geotiff_background(tmp_path):
    import rasterio
    from rasterio.transform import from_bounds

    tif = tmp_path / "bg.tif"
    data = np.tile(np.arange(50, dtype=np.uint8), (40, 1))
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=50,
        height=40,
        count=1,
        dtype="uint8",
        crs="EPSG:4326",
        transform=from_bounds(35, 33, 38, 36, 50, 40),
    ) as dst:
        dst.write(data, 1)
    out = render_map(synthetic_incidents(10), tmp_path / "m.png", dpi=30, geotiff=tif)
    assert "bg.tif" in out.metadata["credits"]


def test_bad_preset_lists_the_valid_ones(tmp_path):
    from geo.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match="a4_portrait"):
        render_map(synthetic_incidents(5), tmp_path / "m.png", preset="a5")
