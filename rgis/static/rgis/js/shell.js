/* e-RGIS map shell: grouped layer switcher, legend, and the map state kept in the URL.
 *
 * The URL hash carries the view so a link can be shared:
 *   #map=<zoom>/<lat>/<lon>&layers=<key>,<key>
 * No "layers" part means the layers shown by default; "layers=" means none.
 */
(function () {
  "use strict";

  function parseHash() {
    var state = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq > 0) state[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    });
    var view = null;
    if (state.map) {
      var p = state.map.split("/").map(Number);
      if (p.length === 3 && p.every(isFinite)) view = {zoom: p[0], lat: p[1], lon: p[2]};
    }
    var layers = null;
    if (state.layers !== undefined) layers = state.layers ? state.layers.split(",") : [];
    return {view: view, layers: layers};
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Zoom buttons and a metric scale with labels in the page's language: Leaflet writes
  // "km" and "m" itself; Kazakh and Russian read "км" and "м".
  function addControls(map, labels) {
    L.control.zoom({zoomInTitle: labels.zoom_in, zoomOutTitle: labels.zoom_out}).addTo(map);
    var Scale = L.Control.Scale.extend({
      _updateScale: function (scale, text, ratio) {
        text = text.replace(/ km$/, " " + labels.km).replace(/ m$/, " " + labels.m);
        L.Control.Scale.prototype._updateScale.call(this, scale, text, ratio);
      }
    });
    new Scale({imperial: false}).addTo(map);
  }

  // Attribute values come from uploaded files: popups write them as text, never as HTML.
  function attributePopup(feature, layer) {
    layer.bindPopup(function () { return popupTable(feature.properties); });
  }

  function popupTable(properties) {
    var table = el("table", {"class": "rgis-feature-popup"});
    Object.keys(properties || {}).forEach(function (key) {
      var row = table.insertRow();
      row.appendChild(el("th", {}, key));
      var value = properties[key];
      row.insertCell().textContent = value === null || value === undefined ? "" :
        (typeof value === "object" ? JSON.stringify(value) : String(value));
    });
    return table;
  }

  // A plan layer from the portal's vector tiles, coloured by the attribute the planner chose.
  function vectorLayer(o) {
    function style(properties) {
      var value = o.attribute && properties ? properties[o.attribute] : undefined;
      var colour = (value !== undefined && o.colours[String(value)]) || o.colour;
      return {fill: true, fillColor: colour, fillOpacity: 0.45, color: colour, weight: 1,
              opacity: 0.9, radius: 4};
    }
    var styles = {};
    styles[o.id] = function (properties) { return style(properties); };
    var layer = L.vectorGrid.protobuf(o.url, {
      vectorTileLayerStyles: styles,
      interactive: true,
      minZoom: o.minzoom,
      maxNativeZoom: o.maxzoom,
      // SVG, not canvas: VectorGrid 1.3's canvas click handler calls L.DomEvent.fakeStop,
      // which Leaflet 1.8 removed (VectorGrid issue #274), so a click on a drawn feature
      // reached neither its popup nor "what is here". SVG uses Leaflet's own events.
      rendererFactory: L.svg.tile,
      getFeatureId: function (feature) { return feature.id; }
    });
    layer.on("click", function (event) {
      L.popup().setLatLng(event.latlng).setContent(popupTable(event.layer.properties))
        .openOn(layer._map);
    });
    return layer;
  }

  // "What's here": a click anywhere asks the portal which zone, parcel, plans and district
  // hold the point, and lists them in a panel with links to the plan pages.
  function whatsHere(map, labels) {
    var panel = document.getElementById("whats-here");
    if (!panel) return;
    var marker = null;

    function section(title, body) {
      var box = el("section");
      box.appendChild(el("h3", {}, title));
      box.appendChild(body);
      return box;
    }

    function featureBlock(hit) {
      var box = el("div");
      var link = el("a", {href: hit.version_url}, hit.layer_name + " — " + hit.plan.name);
      box.appendChild(link);
      if (hit.plan.is_draft) box.appendChild(el("span", {"class": "rgis-draft-badge"}, labels.draft));
      box.appendChild(popupTable(hit.attributes));
      return box;
    }

    function show(answer) {
      panel.textContent = "";
      var head = el("div", {"class": "whats-here-head"});
      head.appendChild(el("h2", {}, labels.whats_here));
      var close = el("button", {type: "button", "class": "secondary", "aria-label": labels.close}, "×");
      close.addEventListener("click", function () {
        panel.hidden = true;
        if (marker) map.removeLayer(marker);
      });
      head.appendChild(close);
      panel.appendChild(head);
      panel.appendChild(section(labels.district, el("p", {"data-district": ""},
        answer.district ? answer.district.name : labels.none)));
      panel.appendChild(section(labels.zone, answer.zone ? featureBlock(answer.zone) :
        el("p", {}, labels.none)));
      var parcel = answer.parcel ? featureBlock(answer.parcel) : el("p", {}, labels.none);
      parcel.setAttribute("data-parcel", "");
      panel.appendChild(section(labels.parcel, parcel));
      var plans = el("ul", {"data-plans": ""});
      answer.plans.forEach(function (plan) {
        var item = el("li");
        item.appendChild(el("a", {href: plan.url}, plan.name));
        item.appendChild(document.createTextNode(" · " + plan.status_label));
        plans.appendChild(item);
      });
      if (!answer.plans.length) plans.appendChild(el("li", {}, labels.none));
      panel.appendChild(section(labels.plans, plans));
    }

    map.on("click", function (event) {
      var lat = event.latlng.lat.toFixed(6), lon = event.latlng.lng.toFixed(6);
      if (marker) map.removeLayer(marker);
      marker = L.circleMarker(event.latlng, {radius: 6, color: "#1b1b1b", weight: 2}).addTo(map);
      panel.hidden = false;
      panel.textContent = labels.loading;
      fetch("/api/whats-here?lat=" + lat + "&lon=" + lon, {
        headers: {"Accept": "application/json",
                  "Accept-Language": document.documentElement.lang || "kk"}
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.error || labels.error);
          return body;
        });
      }).then(show).catch(function (error) {
        panel.textContent = error.message || labels.error;
      });
    });
  }

  function attach(map, cfg) {
    var visible = {};
    var boxes = {};
    var legendBody;

    function hashString() {
      var c = map.getCenter();
      var keys = cfg.layers.filter(function (l) { return visible[l.key]; })
        .map(function (l) { return l.key; });
      return "#map=" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5) +
        "&layers=" + keys.join(",");
    }

    function writeHash() {
      var hash = hashString();
      if (window.location.hash !== hash) history.replaceState(null, "", hash);
      // Keep the view when the visitor switches language.
      document.querySelectorAll("a[data-keep-map-state]").forEach(function (a) {
        a.href = a.href.split("#")[0] + hash;
      });
    }

    function drawLegend() {
      legendBody.textContent = "";
      var any = false;
      var seen = {};
      cfg.layers.forEach(function (l) {
        if (!visible[l.key]) return;
        l.legend.forEach(function (entry) {
          var id = entry.label + "|" + entry.colour;
          if (seen[id]) return;  // two layers coloured alike share their legend rows
          seen[id] = true;
          any = true;
          var row = el("li");
          var swatch = el("span", {"class": "rgis-swatch", "aria-hidden": "true"});
          swatch.style.background = entry.colour;
          row.appendChild(swatch);
          row.appendChild(document.createTextNode(entry.label));
          legendBody.appendChild(row);
        });
      });
      if (!any) legendBody.appendChild(el("li", {"class": "rgis-muted"}, cfg.labels.no_legend));
    }

    function show(key, on) {
      var entry = cfg.layers.filter(function (l) { return l.key === key; })[0];
      if (!entry) return;
      visible[key] = on;
      if (on) entry.layer.addTo(map); else map.removeLayer(entry.layer);
      if (boxes[key]) boxes[key].checked = on;
    }

    function apply(state) {
      if (state.view) map.setView([state.view.lat, state.view.lon], state.view.zoom);
      cfg.layers.forEach(function (l) {
        show(l.key, state.layers ? state.layers.indexOf(l.key) >= 0 : l.shown);
      });
      drawLegend();
    }

    var Switcher = L.Control.extend({
      options: {position: "topright"},
      onAdd: function () {
        var box = el("details", {"class": "rgis-panel rgis-switcher", "open": "open"});
        box.appendChild(el("summary", {}, cfg.labels.layers));
        cfg.groups.forEach(function (group) {
          var fieldset = el("fieldset", {"data-group": group.key});
          fieldset.appendChild(el("legend", group.draft ? {"class": "rgis-draft"} : {},
                                  group.title));
          var members = cfg.layers.filter(function (l) { return l.group === group.key; });
          if (!members.length) {
            fieldset.appendChild(el("p", {"class": "rgis-muted"}, cfg.labels.empty_group));
          }
          members.forEach(function (l) {
            var label = el("label");
            var input = el("input", {type: "checkbox", name: "layer", value: l.key});
            input.addEventListener("change", function () {
              show(l.key, input.checked);
              drawLegend();
              writeHash();
            });
            boxes[l.key] = input;
            label.appendChild(input);
            label.appendChild(document.createTextNode(" " + l.title));
            fieldset.appendChild(label);
          });
          box.appendChild(fieldset);
        });
        if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
          box.removeAttribute("open");
        }
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });

    var Legend = L.Control.extend({
      options: {position: "bottomright"},
      onAdd: function () {
        var box = el("details", {"class": "rgis-panel rgis-legend", "open": "open"});
        box.appendChild(el("summary", {}, cfg.labels.legend));
        legendBody = el("ul");
        box.appendChild(legendBody);
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });

    addControls(map, cfg.labels);
    whatsHere(map, cfg.labels);
    new Switcher().addTo(map);
    new Legend().addTo(map);
    apply(parseHash());
    writeHash();
    map.on("moveend", writeHash);
    window.addEventListener("hashchange", function () {
      if (window.location.hash !== hashString()) { apply(parseHash()); writeHash(); }
    });
    window.rgisMap = map;
  }

  window.rgisShell = {
    attach: attach, addControls: addControls, attributePopup: attributePopup,
    vectorLayer: vectorLayer
  };
})();
