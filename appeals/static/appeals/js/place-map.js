/* e-RGIS: the small map of an appeal's place (without JavaScript: the coordinates and a link). */
(function () {
  "use strict";
  var box = document.getElementById("appeal-place-map");
  if (!box || !window.L) return;
  var d = box.dataset, at = [parseFloat(d.lat), parseFloat(d.lon)];
  box.hidden = false;
  var map = L.map(box, {scrollWheelZoom: false}).setView(at, 16);
  if (d.basemapUrl) L.tileLayer(d.basemapUrl, {maxZoom: 19, attribution: d.basemapAttribution}).addTo(map);
  L.circleMarker(at, {radius: 9, color: "#fff", weight: 2, fillColor: d.colour, fillOpacity: 0.95}).addTo(map);
})();
