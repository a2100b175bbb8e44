import argparse
import json
from pathlib import Path

import pytest

from layers.cli import export_cmd
from tests.conftest import REPO


def run_cli(argv):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    export_cmd.add_parser(sub)
    args = parser.parse_args(argv)
    return args.run(args)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "gpkg", "png"])
def test_export_curated(tmp_path, capsys, fmt):
    out = tmp_path / f"x.{fmt}"
    extra = ["--dpi", "30"] if fmt == "png" else []
    assert run_cli(["export", "rg_campaign_2011_2012", "--to", fmt, "--out", str(out), *extra]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert out.is_file()
    assert summary["public_safe"] is True
    sensitive = Path("data/incidents/rg_campaign_2011_2012.yaml")
    assert summary["sensitive_withheld"] == (REPO / sensitive).read_text(encoding="utf-8").count("sensitive: true")


def test_export_gpkg_file_and_no_public(tmp_path, capsys):
    first = tmp_path / "a.gpkg"
    run_cli(["export", "coast_march_2025", "--to", "gpkg", "--out", str(first), "--no-public"])
    capsys.readouterr()
    run_cli(
        [
            "export",
            str(first),
            "--to",
            "geojson",
            "--out",
            str(tmp_path / "b.geojson"),
            "--start",
            "2025-03-07",
            "--end",
            "2025-03-07",
            "--grid-km",
            "5",
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["coarsening_grid_km"] == 5.0
    assert summary["incidents"] > 0


def test_export_story_pdf(tmp_path, capsys):
    out = tmp_path / "s.pdf"
    assert (
        run_cli(
            ["export", "all", "--to", "pdf", "--story", "march_2025_m1_m4", "--out", str(out), "--preset", "slide_16_9"]
        )
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF")


def test_export_wrong_suffix_is_an_error(tmp_path):
    from geo.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match=r"\.png"):
        run_cli(["export", "coast_march_2025", "--to", "png", "--out", str(tmp_path / "x.jpg")])


def test_export_png_with_a_dem_hillshade_under_the_map(tmp_path, capsys):
    """Issue 7: `python -m layers export DATASET --to png --raster FILE.tif --hillshade`."""
    import numpy as np
    import rasterio
    from PIL import Image
    from rasterio.transform import from_origin

    dem = tmp_path / "dem.tif"
    x, y = np.meshgrid(np.linspace(0, 6, 300), np.linspace(0, 6, 240))
    elevation = (800 * np.sin(x) * np.cos(y) + 900).astype("float32")
    with rasterio.open(
        dem,
        "w",
        driver="GTiff",
        width=300,
        height=240,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_origin(35.6, 36.0, 0.004, 0.004),
        nodata=-9999,
    ) as dst:
        dst.write(elevation, 1)
    out = tmp_path / "map.png"
    code = run_cli(
        [
            "export",
            "coast_march_2025",
            "--to",
            "png",
            "--raster",
            str(dem),
            "--hillshade",
            "--dpi",
            "40",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    json.loads(capsys.readouterr().out)
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert "hillshade of dem.tif" in image.text["export_metadata"] or "dem.tif" in json.dumps(image.text)
