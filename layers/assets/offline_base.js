/* The "Offline" base layer of the Syria incident map (layers/render/offline_base.py): land and sea,
 * lakes, rivers, borders, governorate and (from zoom 9) district boundaries, city labels in English
 * and Arabic, all from data shipped with the page. When a web tile fails to load, the map switches
 * to this layer once and says so. Text reaches the page through textContent only. MIT licence. */
(function () {
  "use strict";
  var SEA = "#cfe0ee", LAND = "#f4f1ea";

  function decode(arr, s) {
    var out = new Array(arr.length / 2), lat = 0, lon = 0;
    for (var i = 0; i < arr.length; i += 2) { lat += arr[i]; lon += arr[i + 1]; out[i / 2] = [lat / s, lon / s]; }
    return out;
  }

  function cityIcon(c) {
    var box = document.createElement("div"), en = document.createElement("span"), ar = document.createElement("span");
    box.className = "city-label rank" + c[4];
    en.textContent = c[2]; ar.textContent = c[3]; ar.className = "ar"; ar.dir = "rtl";
    box.appendChild(en);
    if (c[3]) { box.appendChild(document.createElement("br")); box.appendChild(ar); }
    return L.divIcon({ html: box, className: "city-label-icon", iconSize: null, iconAnchor: [-4, 8] });
  }

  function notice(map, text) {
    var C = L.Control.extend({ onAdd: function () {
      var div = L.DomUtil.create("div", "offline-notice");
      div.textContent = text;
      div.title = "Click to close";
      L.DomEvent.on(div, "click", function () { map.removeControl(c); });
      return div;
    } });
    // Top left, under the zoom buttons: the top right holds the mini map, the layer control and
    // the time label, the bottom right the legend, which a notice pushed down there covered. It
    // closes on a click, or by itself after 20 s (the layer control and the credits still say
    // "Offline"), so that it does not stay over the incidents.
    var c = new C({ position: "topleft" });
    c.addTo(map);
    setTimeout(function () { map.removeControl(c); }, 20000);
    window.__offlineNotice = text;
    return c;
  }

  function create(map, D, opts) {
    var t0 = performance.now();
    opts = opts || {};
    if (!map.getPane("offlineBase")) { map.createPane("offlineBase").style.zIndex = 150; }
    if (!map.getPane("offlineLabels")) { map.createPane("offlineLabels").style.zIndex = 350; }
    var renderer = L.canvas({ pane: "offlineBase", padding: 0.5 }), s = D.scale;
    var group = L.layerGroup([], { attribution: opts.attribution });
    var districts = L.layerGroup(), minor = L.layerGroup(), sea = D.region;
    function lines(key, style, target, closed) {
      (D[key] || []).forEach(function (arr) {
        var ll = decode(arr, s), o = L.extend({ renderer: renderer, interactive: false, pane: "offlineBase" }, style);
        (target || group).addLayer(closed ? L.polygon(ll, o) : L.polyline(ll, o));
      });
    }
    group.addLayer(L.rectangle([[sea[0], sea[1]], [sea[2], sea[3]]],
      { renderer: renderer, interactive: false, stroke: false, fillColor: SEA, fillOpacity: 1, pane: "offlineBase" }));
    lines("land", { stroke: true, color: "#8aa4b8", weight: 0.8, fillColor: LAND, fillOpacity: 1 }, null, true);
    lines("lakes", { stroke: true, color: "#8aa4b8", weight: 0.6, fillColor: SEA, fillOpacity: 1 }, null, true);
    lines("rivers", { color: "#6f9fcc", weight: 1.1, opacity: 0.9 });
    lines("adm2", { color: "#a8a29a", weight: 0.7, dashArray: "2 3" }, districts);
    lines("adm1", { color: "#8c857c", weight: 1.2, dashArray: "6 3" });
    lines("borders", { color: "#4d4d4d", weight: 1.8, dashArray: "8 3 2 3" });
    D.cities.forEach(function (c) {
      var m = L.marker([c[0], c[1]], { icon: cityIcon(c), interactive: false, keyboard: false, pane: "offlineLabels" });
      var dot = L.circleMarker([c[0], c[1]], { renderer: renderer, radius: c[4] === 1 ? 3 : 2, weight: 1,
        color: "#333", fillColor: "#fff", fillOpacity: 1, interactive: false, pane: "offlineBase" });
      (c[4] === 1 ? group : minor).addLayer(m);
      (c[4] === 1 ? group : minor).addLayer(dot);
    });
    group.cityCount = D.cities.length;
    function byZoom() {
      if (!map.hasLayer(group)) { return; }
      var z = map.getZoom();
      if (z >= 9) { districts.addTo(map); } else { districts.remove(); }
      if (z >= 8) { minor.addTo(map); } else { minor.remove(); }
    }
    group.on("add", function () { map.getContainer().classList.add("offline-base-on"); byZoom(); });
    group.on("remove", function () {
      map.getContainer().classList.remove("offline-base-on"); districts.remove(); minor.remove();
    });
    map.on("zoomend", byZoom);
    if (opts.fallback) { watchTiles(map, group); }
    window.__offlineBase = group;
    window.__offlineBaseBuildMs = performance.now() - t0;  // for bench/bench_offline_base.py
    return group;
  }

  function showMiniMap(map, show) {
    // The mini map draws web tiles only: hidden while they cannot load (a blank box otherwise).
    var box = map.getContainer().querySelector(".leaflet-control-minimap");
    if (box) { box.classList.toggle("minimap-offline", !show); }
  }

  function watchTiles(map, offline) {
    // The first failing web tile switches the map to the offline layer, once, with a notice.
    var switched = false;
    function onError(e) {
      var tiles = e.target;
      if (switched || !map.hasLayer(tiles)) { return; }
      switched = true;
      map.removeLayer(tiles);
      offline.addTo(map);
      showMiniMap(map, false);
      notice(map, "Web map tiles could not load (no internet?): switched to the Offline basemap. " +
        "Choose another base layer in the layer control when you are online.");
    }
    function onLoad() { showMiniMap(map, true); }  // a web tile loaded: online again
    function watch(layer) {
      if (layer instanceof L.TileLayer) { layer.on("tileerror", onError); layer.on("tileload", onLoad); }
    }
    map.eachLayer(watch);
    map.on("layeradd", function (e) { watch(e.layer); });
  }

  window.OfflineBase = { create: create };
}());
