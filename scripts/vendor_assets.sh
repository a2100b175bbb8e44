#!/usr/bin/env bash
# Re-fetch the pinned JavaScript/CSS that folium would load from CDNs, with `npm pack`,
# into layers/assets/vendor/<package>@<version>/ and write layers/assets/vendor/MANIFEST.json
# (package, version, file, sha256, licence). Needs node/npm and the npm registry only.
# Usage: bash scripts/vendor_assets.sh
# The versions are the ones folium 0.20 asks for, plus Leaflet.markercluster 1.5.3 for the
# incident layer (1.1.0, folium's pin, throws in _moveEnd while chunked loading: upstream
# issue #743, fixed in 1.4.0). When folium changes a URL, change the pin here and the URL
# table in layers/render/assets.py, then run this script and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=layers/assets/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# package@version, then the files to copy (paths inside the npm tarball's package/ folder).
PINS=(
  "leaflet@1.9.3|dist/leaflet.js dist/leaflet.css dist/images/layers.png dist/images/layers-2x.png dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png LICENSE"
  "leaflet.markercluster@1.1.0|dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css MIT-LICENCE.txt"
  "leaflet.markercluster@1.5.3|dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css MIT-LICENCE.txt"
  "leaflet.fullscreen@3.0.0|Control.FullScreen.js Control.FullScreen.css icon-fullscreen.svg LICENSE"
  "leaflet-minimap@3.6.1|dist/Control.MiniMap.min.js dist/Control.MiniMap.min.css dist/images/toggle.png dist/images/toggle.svg LICENSE.txt"
  "leaflet-measure@2.1.7|dist/leaflet-measure.min.js dist/leaflet-measure.css dist/images/cancel.png dist/images/cancel_@2X.png dist/images/check.png dist/images/check_@2X.png dist/images/focus.png dist/images/focus_@2X.png dist/images/rulers.png dist/images/rulers_@2X.png dist/images/start.png dist/images/start_@2X.png dist/images/trash.png dist/images/trash_@2X.png LICENSE"
  "jquery@3.7.1|dist/jquery.min.js LICENSE.txt"
  "bootstrap@5.2.2|dist/js/bootstrap.bundle.min.js dist/css/bootstrap.min.css LICENSE"
  "drmonty-leaflet-awesome-markers@2.0.2|js/leaflet.awesome-markers.js css/leaflet.awesome-markers.css css/images/markers-shadow.png css/images/markers-shadow@2x.png css/images/markers-soft.png css/images/markers-soft@2x.png README.md"
  "@fortawesome/fontawesome-free@6.2.0|css/all.min.css webfonts/fa-brands-400.woff2 webfonts/fa-regular-400.woff2 webfonts/fa-solid-900.woff2 webfonts/fa-v4compatibility.woff2 LICENSE.txt"
)

rm -rf "$DEST"
mkdir -p "$DEST"
for pin in "${PINS[@]}"; do
  spec=${pin%%|*}
  files=${pin#*|}
  tgz=$(cd "$WORK" && npm pack "$spec" --silent 2>/dev/null | tail -n 1)
  unpacked="$WORK/${tgz%.tgz}"
  mkdir -p "$unpacked"
  tar xzf "$WORK/$tgz" -C "$unpacked" 2>/dev/null
  name=${spec%@*}
  dir="$DEST/${name##*/}@${spec##*@}"
  for f in $files; do
    mkdir -p "$dir/$(dirname "$f")"
    cp "$unpacked/package/$f" "$dir/$f"
  done
  cp "$unpacked/package/package.json" "$WORK/${name##*/}@${spec##*@}.package.json"
  echo "vendored $spec -> $dir"
done

python3 - "$DEST" "$WORK" <<'PY'
import hashlib, json, pathlib, sys
dest, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
rows = []
for folder in sorted(p for p in dest.iterdir() if p.is_dir()):
    name, version = folder.name.rsplit("@", 1)
    meta = json.loads((work / f"{folder.name}.package.json").read_text(encoding="utf-8"))
    licence = meta.get("license") or "MIT (upstream lvoogdt/Leaflet.awesome-markers; this npm repackage declares none)"
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        rows.append({"package": meta["name"], "version": version, "file": f.relative_to(dest).as_posix(),
                     "sha256": hashlib.sha256(f.read_bytes()).hexdigest(), "licence": licence})
(dest / "MANIFEST.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
print(f"wrote {dest / 'MANIFEST.json'} ({len(rows)} files)")
PY
