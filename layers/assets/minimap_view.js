/* The map follows the mini map only when the person moves the mini map (loaded after
 * leaflet-minimap 3.6.1, before the map's own script; see layers/render/incident_map.py).
 *
 * leaflet-minimap pairs the two maps' "moveend" events with two flags: after the map moves it
 * sets the mini map's view and takes the mini map's next "moveend" for the answer to it. When
 * the counts do not pair up — the map fires two "moveend" for one move (a pan animation, e.g.
 * after a resize, stopped by a new view), or the mini map moves on its own (a size change while
 * it is hidden) — a later "moveend" of the mini map is taken for the person's and the map is set
 * to the mini map's view: the map jumps back to an old view at the mini map's zoom + 5.
 *
 * Here a "moveend" of the mini map moves the map only within a few seconds of the person's own
 * pointer, wheel or key input on the mini map (a drag with its inertia); any other leaves the map
 * where it is and puts the mini map back in step with it.
 */
(function () {
  "use strict";
  if (!window.L || !L.Control || !L.Control.MiniMap) { return; }
  var USER_MS = 3000;  // a drag's inertia ends within about 2.2 s (Leaflet's default inertia options)

  function inStep(control) {
    var mini = control._miniMap, main = control._mainMap;
    if (mini.getZoom() !== control._decideZoom(true)) { return false; }
    return mini.project(mini.getCenter()).distanceTo(mini.project(main.getCenter())) < 1;
  }

  L.Control.MiniMap.addInitHook(function () {
    var control = this, onAdd = this.onAdd;
    control._touchedAt = -Infinity;
    control.onAdd = function (map) {
      var container = onAdd.call(control, map);
      L.DomEvent.on(container, "pointerdown mousedown touchstart wheel dblclick keydown", function () {
        control._touchedAt = Date.now();
      });
      return container;
    };
    // An own property, set before onAdd binds it to the mini map's "moveend".
    control._onMiniMapMoved = function () {
      control._mainMapMoving = false;
      if (Date.now() - control._touchedAt < USER_MS) {  // the person moved the mini map: the map follows
        control._miniMapMoving = true;
        control._mainMap.setView(control._miniMap.getCenter(), control._decideZoom(false));
        control._shadowRect.setStyle({ opacity: 0, fillOpacity: 0 });
      } else if (!inStep(control)) {  // not the person's: the mini map follows the map instead
        control._mainMapMoving = true;
        control._miniMap.setView(control._mainMap.getCenter(), control._decideZoom(true), { animate: false });
      }
    };
  });
}());
