/* e-RGIS: the appeals layer of the home map (inlined by appeals/layers.py).
 * Asks /api/appeals/map for what is in view; the server clusters below zoom 16. */
window.rgisAppealsLayer = window.rgisAppealsLayer || function (o) {
  "use strict";
  var group = L.layerGroup();
  var request = null;

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clusterIcon(p) {
    var size = p.count < 10 ? 28 : p.count < 100 ? 34 : 42;
    var node = el("div", String(p.count), {"class": "rgis-appeal-cluster"});
    node.style.cssText = "width:" + size + "px;height:" + size + "px;line-height:" + size +
      "px;border-radius:50%;text-align:center;font:600 13px sans-serif;color:#fff;" +
      "border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.5);background:" +
      (o.colours[p.status] || "#555");
    return L.divIcon({html: node.outerHTML, className: "", iconSize: [size, size]});
  }

  function clusterPopup(p, latlng, map) {
    var box = el("div");
    box.appendChild(el("strong", o.labels.appeals + ": " + p.count));
    var list = el("ul");
    Object.keys(p.statuses).forEach(function (status) {
      list.appendChild(el("li", (o.statuses[status] || status) + ": " + p.statuses[status]));
    });
    box.appendChild(list);
    var zoom = el("button", o.labels.zoom_in, {type: "button"});
    zoom.addEventListener("click", function () { map.setView(latlng, map.getZoom() + 2); });
    box.appendChild(zoom);
    return box;
  }

  function pointPopup(p) {
    var box = el("div", undefined, {"data-appeal": p.number});
    box.appendChild(el("a", "№ " + p.number, {href: p.url}));
    box.appendChild(el("div", p.category));
    box.appendChild(el("div", p.status_label));
    return box;
  }

  function draw(collection, map) {
    group.clearLayers();
    collection.features.forEach(function (f) {
      var c = f.geometry.coordinates, latlng = L.latLng(c[1], c[0]), p = f.properties;
      if (p.count) {
        L.marker(latlng, {icon: clusterIcon(p), title: o.labels.appeals + ": " + p.count})
          .bindPopup(function () { return clusterPopup(p, latlng, map); }).addTo(group);
      } else {
        L.circleMarker(latlng, {radius: 7, color: "#fff", weight: 2, fillOpacity: 0.95,
                                fillColor: o.colours[p.status] || "#555"})
          .bindPopup(function () { return pointPopup(p); }).addTo(group);
      }
    });
  }

  function refresh() {
    var map = group._map;
    if (!map) return;
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
      return Math.max(-180, Math.min(180, v)).toFixed(5);
    }).join(",");
    if (request && request.abort) request.abort();
    request = window.AbortController ? new AbortController() : null;
    fetch(o.url + "?bbox=" + bbox + "&zoom=" + map.getZoom(), {
      headers: {"Accept": "application/json",
                "Accept-Language": document.documentElement.lang || "kk"},
      signal: request ? request.signal : undefined
    }).then(function (r) {
      if (!r.ok) throw new Error(o.labels.error);
      return r.json();
    }).then(function (body) { draw(body, map); }).catch(function (error) {
      if (error.name !== "AbortError" && window.console) console.warn(error.message);
    });
  }

  group.on("add", function () {
    group._map.on("moveend", refresh);
    refresh();
  });
  var onRemove = group.onRemove;
  group.onRemove = function (map) {
    map.off("moveend", refresh);
    onRemove.call(group, map);
  };
  return group;
};
