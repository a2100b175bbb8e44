/* Incident layer for the Syria incident map (layers/render). Draws the columnar payload of
 * layers/render/payload.py (points) or of layers/render/aggregate.py (grid cells, for large
 * selections) on one canvas; every text from data reaches the page through textContent only,
 * never innerHTML. MIT licence, like the rest of the project. */
(function () {
  "use strict";
  var HaloMarker = L.CircleMarker.extend({
    // A circle plus a ring showing how vague the location is: solid (town centre) or dashed (area).
    _updateBounds: function () {
      var r = this._radius + (this.options.halo || 0), w = this._clickTolerance(), p = [r + w, r + w];
      this._pxBounds = new L.Bounds(this._point.subtract(p), this._point.add(p));
    },
    _updatePath: function () {
      L.CircleMarker.prototype._updatePath.call(this);
      var halo = this.options.halo, ctx = this._renderer && this._renderer._ctx;
      if (!halo || !ctx || this._empty()) { return; }
      ctx.save();
      ctx.beginPath();
      ctx.setLineDash(this.options.haloDash ? [3, 3] : []);
      ctx.arc(this._point.x, this._point.y, this._radius + halo, 0, Math.PI * 2);
      ctx.lineWidth = 1;
      ctx.strokeStyle = this.options.fillColor;
      ctx.stroke();
      ctx.restore();
    }
  });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function announceReady(group) {
    // The layer has drawn: for listeners, tests and bench/bench_load.py (first time, ms since the epoch).
    group.ready = true;
    window.__incidentMapReady = true;
    window.__incidentMapReadyAt = window.__incidentMapReadyAt || Date.now();
    group.fire("incidentsready");
  }

  function day(t) { return new Date(t * 864e5).toISOString().slice(0, 10); }
  function num(v) { return v === null || v === undefined ? "—" : v.toLocaleString("en"); }

  function popupContent(P, i, withheld) {
    var I = P.info, S = P.S, box = el("div", null, "incident-popup"), table = el("table");
    var t0 = P.t0[i], t1 = P.t1[i], dates = Math.abs(t0) >= 1e7 ? "undated" : day(t0);
    if (Math.abs(t0) < 1e7 && t1 !== t0) { dates += " – " + day(t1); }
    dates += " (precision: " + S[I.dprec[i]] + ")";
    var place = S[I.place[i]] + " — location: " + P.precisionText[P.p[i] - 1];
    var deaths = "low " + num(I.dl[i]) + " / best " + num(I.db[i]) + " / high " + num(I.dh[i]);
    box.appendChild(el("h4", I.title[i]));
    [["Date", dates], ["Place", place], ["Deaths", deaths], ["Perpetrator (as reported)", S[I.perp[i]]],
     ["Victims (as reported)", S[I.victim[i]]], ["Actors (as coded, no direction)", I.actors ? S[I.actors[i]] : ""],
     ["Type", S[I.type[i]]], ["Confidence", S[I.conf[i]]],
     ["Flags (data as published)", I.flags ? S[I.flags[i]] : ""]].forEach(function (row) {
      if (!row[1]) { return; }
      var tr = el("tr");
      tr.appendChild(el("th", row[0]));
      tr.appendChild(el("td", row[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    if (S[I.summary[i]]) { box.appendChild(el("p", S[I.summary[i]], "summary")); }
    if (withheld[i]) { box.appendChild(el("p", "Summary and quotes withheld (sensitive record, public-safe view).", "withheld")); }
    var list = el("ol", null, "sources");
    P.sources[I.src[i]].forEach(function (s) {
      var li = el("li");
      li.appendChild(el("b", s[0]));
      if (s[1]) { li.appendChild(document.createTextNode(" (" + s[1] + ")")); }
      li.appendChild(document.createTextNode(" "));
      if (s[3]) {
        var a = el("a", s[2] || s[3]);
        a.href = s[3]; a.target = "_blank"; a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else if (s[2]) { li.appendChild(el("span", s[2])); }
      if (s[4]) { li.appendChild(el("blockquote", s[4])); }
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }

  function popupOptions(map, width) {
    // A long popup scrolls inside the map (Leaflet's maxHeight) and is panned clear of the controls.
    var h = map.getSize().y;
    return { maxWidth: width, maxHeight: Math.max(160, Math.min(460, h - 150)),
      autoPanPaddingTopLeft: L.point(50, 60), autoPanPaddingBottomRight: L.point(20, 70) };
  }

  function kmByZoom(map, minZoom) {
    // Corridor labels every 25 km only when zoomed in close; every 100 km otherwise (CSS hides the rest).
    function update() { map.getContainer().classList.toggle("km-close-zoom", map.getZoom() >= minZoom); }
    map.on("zoomend", update);
    map.whenReady(update);
  }

  var owned = null;  // while a layer is created: the controls it adds (removed with it by destroy)

  function control(map, position, build) {
    var C = L.Control.extend({ onAdd: function () {
      var div = L.DomUtil.create("div", "incident-control");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      build(div);
      return div;
    } });
    var c = new C({ position: position });
    c.addTo(map);
    if (owned) { owned.push(c); }
    return c;
  }

  function legend(map, P, colourTitle, sizeTitle, explain) {
    // The legend of either layer kind: colour swatches, what circle area means, then *explain*(div).
    control(map, "bottomright", function (div) {
      div.classList.add("incident-legend");
      div.appendChild(el("b", colourTitle));
      var used = {};  // the colours are fixed across filters; the legend lists the categories present
      (P.c || (P.g && P.g.c) || []).forEach(function (k) { used[k] = true; });
      P.cats.forEach(function (cat, k) {
        if (!used[k]) { return; }
        var row = el("div"), sw = el("span", null, "swatch");
        sw.style.background = P.colours[k];
        row.appendChild(sw); row.appendChild(el("span", cat)); div.appendChild(row);
      });
      div.appendChild(el("b", sizeTitle));
      explain(div);
      if (P.note) { div.appendChild(el("div", P.note, "note")); }
    });
  }

  function pointLegend(map, P) {
    legend(map, P, "Colour: " + P.colourBy, "Circle area: deaths (best)", function (div) {
      var sizes = el("div", null, "sizes");
      P.sizes.forEach(function (s) {
        var item = el("span", null, "size"), dot = el("span", null, "dot");
        dot.style.width = dot.style.height = (2 * s[1]) + "px";
        item.appendChild(dot); item.appendChild(el("span", String(s[0]))); sizes.appendChild(item);
      });
      div.appendChild(sizes);
      div.appendChild(el("div", "Solid ring: town/village centre; dashed ring: approximate area", "note"));
    });
  }

  function timeControl(map, group, P, opts) {
    // The time label box and the play / slider control; both layer kinds expose setWindow(day0, day1).
    var label = null;
    if (P.timeLabel) {
      control(map, "topright", function (div) { div.classList.add("time-label"); label = el("span", P.timeLabel); div.appendChild(label); });
    }
    var steps = opts.steps || [];
    if (steps.length) {
      control(map, "bottomleft", function (div) {
        div.classList.add("time-control");
        var play = el("button", "▶"), slider = el("input"), text = el("span", "", "time-text"), timer = null;
        play.type = "button"; play.title = "Play / pause";
        slider.type = "range"; slider.min = 0; slider.max = steps.length - 1; slider.value = steps.length - 1;
        function show(k) {
          var s = steps[k];
          group.setWindow(s[0], s[1]);
          if (s.length > 5 && s[3] !== null) { map.setView([s[3], s[4]], s[5]); }  // story steps carry a view
          text.textContent = s[2] + " — " + num(group.visibleCount()) + " shown";
          if (label) { label.textContent = s[2]; }
        }
        slider.addEventListener("input", function () { show(+slider.value); });
        play.addEventListener("click", function () {
          if (timer) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
          play.textContent = "⏸";
          if (+slider.value >= steps.length - 1) { slider.value = 0; show(0); }
          timer = setInterval(function () {
            if (+slider.value >= steps.length - 1) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
            slider.value = +slider.value + 1; show(+slider.value);
          }, opts.intervalMs || 800);
        });
        div.appendChild(play); div.appendChild(slider); div.appendChild(text);
        group._showStep = show;
        group._stop = function () { if (timer) { clearInterval(timer); timer = null; } };
      });
      group._showStep(steps.length - 1);
    } else {
      group.setWindow(-1e9, 1e9);
    }
  }

  function createPoints(map, P, opts) {
    opts = opts || {};
    var renderer = L.canvas({ padding: 0.5 }), markers = new Array(P.n), highlight = {}, withheld = {}, i;
    P.h.forEach(function (k) { highlight[k] = true; });
    P.w.forEach(function (k) { withheld[k] = true; });
    for (i = 0; i < P.n; i++) {
      var colour = P.colours[P.c[i]], prec = P.p[i];
      var m = new HaloMarker([P.lat[i], P.lon[i]], {
        renderer: renderer, radius: P.r[i], fillColor: colour, fillOpacity: 0.6,
        color: highlight[i] ? "#000000" : colour, weight: highlight[i] ? 3 : 1,
        halo: prec === 3 ? 10 : (prec === 2 ? 4 : 0), haloDash: prec === 3
      });
      m._incident = i;
      markers[i] = m;
    }
    var clustered = P.n > (opts.clusterThreshold || 500) && !!L.markerClusterGroup;
    var group = clustered ? L.markerClusterGroup({ chunkedLoading: true, chunkProgress: function (done, total) {
      if (done === total) { ready(); }
    } }) : L.featureGroup();
    var shown = [];
    function ready() { announceReady(group); }
    group.visibleCount = function () { return shown.length; };
    group.setWindow = function (day0, day1) {
      var keep = [];
      for (var k = 0; k < P.n; k++) { if (P.t0[k] <= day1 && P.t1[k] >= day0) { keep.push(markers[k]); } }
      group.clearLayers();
      shown = keep;
      if (clustered) { group.addLayers(keep); if (!keep.length) { ready(); } }
      else { keep.forEach(function (mk) { group.addLayer(mk); }); ready(); }
      return keep.length;
    };
    group.openIncident = function (k) {
      L.popup(popupOptions(map, 380)).setLatLng(markers[k].getLatLng()).setContent(popupContent(P, k, withheld)).openOn(map);
    };
    group.on("click", function (e) {
      if (e.layer._incident !== undefined) { group.openIncident(e.layer._incident); }
    });
    group.on("mouseover", function (e) {
      var mk = e.layer;
      if (mk._incident === undefined) { return; }
      if (!mk.getTooltip()) { mk.bindTooltip(el("span", P.info.title[mk._incident])); }
      mk.openTooltip();
    });
    group.addTo(map);
    pointLegend(map, P);
    timeControl(map, group, P, opts);
    window.__incidentLayers = (window.__incidentLayers || []).concat([group]);
    return group;
  }

  var CellMarker = L.CircleMarker.extend({
    // A grid cell's circle with its incident count written inside when there is room.
    _updatePath: function () {
      L.CircleMarker.prototype._updatePath.call(this);
      var ctx = this._renderer && this._renderer._ctx, label = this.options.label;
      if (!label || !ctx || this._empty() || this._radius < 9) { return; }
      ctx.save();
      ctx.font = "bold 11px system-ui, sans-serif";
      if (ctx.measureText(label).width > 2 * this._radius - 2) { ctx.restore(); return; }  // no room: no overlap
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(0, 0, 0, 0.65)"; ctx.fillStyle = "#ffffff";
      ctx.strokeText(label, this._point.x, this._point.y);
      ctx.fillText(label, this._point.x, this._point.y);
      ctx.restore();
    }
  });

  function short(n) { return n >= 1e4 ? Math.round(n / 1e3) + "k" : (n >= 1e3 ? (n / 1e3).toFixed(1) + "k" : String(n)); }

  function windowText(d0, d1) {
    var a = Math.abs(d0) < 1e7 ? day(d0) : "", b = Math.abs(d1) < 1e7 ? day(d1) : "";
    return a || b ? (a || "…") + " – " + (b || "…") : "all dates";
  }

  function gridLegend(map, P) {
    var colour = "Colour: most frequent " + P.colourBy + " in the cell";
    legend(map, P, colour, "Circle area: incidents in the cell (number inside)", function (div) {
      var kms = P.levels.map(function (lv) { return lv.km; }).join(" / ");
      div.appendChild(el("div", "Aggregated view of " + num(P.n) + " incidents in grid cells of " + kms +
        " km (finer as you zoom in). Narrow the selection to " + num(P.threshold) +
        " or fewer to see single incidents and their sources.", "note aggregated-note"));
    });
  }

  function cellContent(P, cell, when) {
    var box = el("div", null, "incident-popup cell-popup"), table = el("table");
    box.appendChild(el("h4", num(cell.n) + (cell.n === 1 ? " incident" : " incidents") + " in this " + cell.km + " km cell"));
    [["Dates", when], ["Deaths (best, summed)", num(cell.d) + " (figure given for " + num(cell.k) + " of " + num(cell.n) + ")"]]
      .forEach(function (row) {
        var tr = el("tr");
        tr.appendChild(el("th", row[0])); tr.appendChild(el("td", row[1])); table.appendChild(tr);
      });
    box.appendChild(table);
    box.appendChild(el("b", "By " + P.colourBy));
    var list = el("ul", null, "cell-cats");
    cell.cats.forEach(function (pair) { list.appendChild(el("li", P.cats[pair[0]] + ": " + num(pair[1]))); });
    box.appendChild(list);
    box.appendChild(el("p", "Aggregated: narrow the filters or the dates to " + num(P.threshold) +
      " incidents or fewer to see each one with its sources.", "note"));
    return box;
  }

  function createGrid(map, P, opts) {
    // P from layers/render/aggregate.py: groups (cell, category, days, count, deaths) summed per window.
    var G = P.g, m = G.n.length, C = Math.max(P.cats.length, 1), levels = P.levels;
    var T0 = new Float64Array(m), K = G.k || G.n, acc = 0;  // t0 travels as differences; k omitted when k = n
    for (var g = 0; g < m; g++) { acc += G.t0d[g]; T0[g] = acc; }
    var nFine = levels.length ? levels[levels.length - 1].of.length : 0;
    var fn = new Float64Array(nFine), fd = new Float64Array(nFine), fk = new Float64Array(nFine);
    var fc = new Float64Array(nFine * C), total = 0, win = [-1e9, 1e9];
    var renderer = L.canvas({ padding: 0.5 }), group = L.featureGroup();
    function levelFor(z) {
      var pick = levels[0];
      levels.forEach(function (lv) { if (z >= lv.minZoom) { pick = lv; } });
      return pick;
    }
    function draw() {
      group.clearLayers();
      var lv = levelFor(map.getZoom());
      if (!lv) { return; }
      var nc = lv.lat.length, cn = new Float64Array(nc), cd = new Float64Array(nc), ck = new Float64Array(nc);
      var cc = new Float64Array(nc * C), f, j, c;
      for (f = 0; f < nFine; f++) {
        if (!fn[f]) { continue; }
        j = lv.of[f]; cn[j] += fn[f]; cd[j] += fd[f]; ck[j] += fk[f];
        for (c = 0; c < C; c++) { cc[j * C + c] += fc[f * C + c]; }
      }
      var centre = map.getCenter(), mpp = 40075016.686 * Math.cos(centre.lat * Math.PI / 180) / Math.pow(2, map.getZoom() + 8);
      var rmax = Math.min(30, 0.5 * lv.km * 1000 / mpp);
      for (j = 0; j < nc; j++) {
        if (!cn[j]) { continue; }
        var top = 0, cats = [];
        for (c = 0; c < C; c++) {
          if (cc[j * C + c] > cc[j * C + top]) { top = c; }
          if (cc[j * C + c]) { cats.push([c, cc[j * C + c]]); }
        }
        cats.sort(function (a, b) { return b[1] - a[1]; });
        var mk = new CellMarker([lv.lat[j], lv.lon[j]], {
          renderer: renderer, radius: Math.max(4, rmax * Math.sqrt(cn[j] / Math.max(lv.max, 1))),
          fillColor: P.colours[top] || "#999999", fillOpacity: 0.7, color: "#333333", weight: 1, label: short(cn[j])
        });
        mk._cell = { n: cn[j], d: cd[j], k: ck[j], km: lv.km, cats: cats };
        group.addLayer(mk);
      }
    }
    group.visibleCount = function () { return total; };
    group.cellCount = function () { return group.getLayers().length; };
    group.setWindow = function (day0, day1) {
      fn.fill(0); fd.fill(0); fk.fill(0); fc.fill(0); total = 0; win = [day0, day1];
      for (var i = 0; i < m; i++) {
        var t0 = T0[i];
        if (t0 <= day1 && t0 + G.dt[i] >= day0) {
          var f = G.cell[i];
          fn[f] += G.n[i]; fd[f] += G.d[i]; fk[f] += K[i]; fc[f * C + G.c[i]] += G.n[i]; total += G.n[i];
        }
      }
      draw();
      announceReady(group);
      return total;
    };
    group.openCell = function (mk) {
      L.popup(popupOptions(map, 360)).setLatLng(mk.getLatLng()).setContent(cellContent(P, mk._cell, windowText(win[0], win[1]))).openOn(map);
    };
    group.on("click", function (e) { if (e.layer._cell) { group.openCell(e.layer); } });
    group.on("mouseover", function (e) {
      var mk = e.layer;
      if (!mk._cell) { return; }
      if (!mk.getTooltip()) { mk.bindTooltip(el("span", num(mk._cell.n) + " incidents — click for the breakdown")); }
      mk.openTooltip();
    });
    map.on("zoomend", draw);  // a new level, or the same cells at a new scale (radii follow the cell size)
    group._offMap = function () { map.off("zoomend", draw); };
    group.addTo(map);
    gridLegend(map, P);
    timeControl(map, group, P, opts);
    window.__incidentLayers = (window.__incidentLayers || []).concat([group]);
    return group;
  }

  function create(map, P, opts) {
    var controls = [], group;
    owned = controls;
    try {
      group = P.mode === "grid" ? createGrid(map, P, opts || {}) : createPoints(map, P, opts);
    } finally {
      owned = null;
    }
    group._controls = controls;
    return group;
  }

  function destroy(map, group) {
    // Remove an incident layer with everything it added to the map: legend, time label and
    // control (its playback stopped), zoom handler, layer-control entry, its open popup.
    if (group._stop) { group._stop(); }
    if (group._offMap) { group._offMap(); }
    group._controls.forEach(function (c) { c.remove(); });
    if (map._incidentLayerControl) { map._incidentLayerControl.removeLayer(group); }
    if (map.hasLayer(group)) { map.removeLayer(group); }
    map.closePopup();
    window.__incidentLayers = (window.__incidentLayers || []).filter(function (g) { return g !== group; });
  }

  function watchVisibility(map) {
    // Whether the person unticked "Incidents" in the layer control: a new selection stays hidden then.
    if (map._incidentWatch) { return; }
    map._incidentWatch = true;
    map.on("overlayremove", function (e) { if (e.layer === map._incidentLayer) { map._incidentsHidden = true; } });
    map.on("overlayadd", function (e) { if (e.layer === map._incidentLayer) { map._incidentsHidden = false; } });
  }

  function replace(map, P, opts) {
    // A new selection for a map already on the page: only the incident layer is rebuilt; the map
    // object, its view, base layer and other overlays stay. Returns an empty layer group, the
    // handle streamlit-folium adds to the map (and removes before the next update).
    var old = map._incidentLayer, hidden = !!map._incidentsHidden, control = map._incidentLayerControl;
    if (old) { destroy(map, old); }
    var group = create(map, P, opts);
    group.updates = old ? old.updates + 1 : 0;
    map._incidentLayer = group;
    if (control) {
      watchVisibility(map);
      control.addOverlay(group, "Incidents");
      if (hidden) { map.removeLayer(group); }
    }
    return L.layerGroup();
  }

  window.IncidentLayer = { create: create, replace: replace, destroy: destroy, kmByZoom: kmByZoom };
}());
