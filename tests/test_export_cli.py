import argparse
import json

import pytest

from layers.cli import export_cmd


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
    assert summary["sensitive_withheld"] == 1


def test_export_gpkg_file_and_no_public(tmp_path, capsys):
    first = tmp_path / "a.gpkg"
    run_cli(["export", "coast_march_2025", "--to", "gpkg", "--out", str(first), "--no-public"])
    capsys.readouterr()
    run_cli(["export", str(first), "--to", "geojson", "--out", str(tmp_path / "b.geojson"), "--start", "2025-03-07",
             "--end", "2025-03-07", "--grid-km", "5"])
    summary = json.loads(capsys.readouterr().out)
    assert summary["coarsening_grid_km"] == 5.0
    assert summary["incidents"] > 0


def test_export_story_pdf(tmp_path, capsys):
    out = tmp_path / "s.pdf"
    assert run_cli(["export", "all", "--to", "pdf", "--story", "march_2025_m1_m4", "--out", str(out),
                    "--preset", "slide_16_9"]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_export_wrong_suffix_is_an_error(tmp_path):
    from geo.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match=r"\.png"):
        run_cli(["export", "coast_march_2025", "--to", "png", "--out", str(tmp_path / "x.jpg")])
