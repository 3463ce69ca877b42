/* e-RGIS: starts GeoDjango's OpenLayers map widget from its JSON options (no inline
   script, so the Content-Security-Policy needs no exception). The base map is the
   portal's RGIS_BASEMAP_URL, or none at all. */
(function () {
  "use strict";
  function start(wrapper) {
    var options = JSON.parse(document.getElementById(wrapper.dataset.rgisMapWidget).textContent);
    options.base_layer = options.basemap_url
      ? new ol.layer.Tile({source: new ol.source.XYZ({
          url: options.basemap_url, attributions: options.basemap_attribution, maxZoom: 19})})
      : new ol.layer.Vector({source: new ol.source.Vector()});
    delete options.basemap_url;
    delete options.basemap_attribution;
    new MapWidget(options);
  }
  function startAll() {
    document.querySelectorAll("[data-rgis-map-widget]").forEach(start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
