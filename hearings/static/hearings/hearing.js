/* The hearing's map (the draft drawn by rgis/mapshell.py): comments coloured by topic, and
   on the comment form a pin the resident drops. Without JavaScript the pages work as lists
   and forms; this only adds to them. */
(function () {
  "use strict";

  function leafletMap(container) {
    var element = container.querySelector(".folium-map");
    return element ? window[element.id] : null;
  }

  function popupText(properties) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.pseudonym + " · " + properties.topic_name;
    var text = document.createElement("p");
    text.textContent = properties.text;
    box.appendChild(title);
    box.appendChild(text);
    if (properties.answer) {
      var answer = document.createElement("p");
      answer.textContent = "✔ " + properties.answer;
      box.appendChild(answer);
    }
    return box;
  }

  function commentsLayer(map, collection) {
    var style = function (feature) {
      return { color: feature.properties.colour, weight: 3, fillOpacity: 0.35 };
    };
    return L.geoJSON(collection, {
      style: style,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign(style(feature), { radius: 7, fillOpacity: 0.8 }));
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popupText(feature.properties));
        layer.on("click", function () {
          var item = document.getElementById("comment-" + feature.properties.number);
          if (item) item.classList.add("hearing-highlight");
        });
      },
    }).addTo(map);
  }

  function pinPicker(container, map) {
    // A tap on a drawn parcel must drop the pin, not open the parcel's attributes (Leaflet
    // stops a click that opens a popup before the map hears it).
    map.eachLayer(function (layer) {
      if (layer.feature && layer.getPopup && layer.getPopup()) layer.unbindPopup();
    });
    var form = document.getElementById("comment-form");
    var lat = form.querySelector("[name=lat]");
    var lon = form.querySelector("[name=lon]");
    var mapChoice = form.querySelector("[name=where][value=map]");
    var marker = null;
    function place(latlng) {
      if (marker) marker.setLatLng(latlng);
      else marker = L.marker(latlng).addTo(map);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (mapChoice) mapChoice.checked = true;
    }
    if (lat.value && lon.value) place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
    map.on("click", function (event) { place(event.latlng); });
    if (mapChoice && !form.querySelector("[name=where]:checked")) mapChoice.checked = true;
  }

  document.querySelectorAll(".js-only").forEach(function (element) { element.hidden = false; });
  document.querySelectorAll("[data-colour]").forEach(function (element) {
    element.style.backgroundColor = element.getAttribute("data-colour");
  });
  var container = document.querySelector("[data-hearing-map]");
  if (!container || typeof L === "undefined") return;
  var map = leafletMap(container);
  if (!map) return;
  map.invalidateSize();
  // The comment form's map was hidden (no size) when it was fitted: fit it again now.
  var bounds = (container.getAttribute("data-bounds") || "").split(",").map(parseFloat);
  if (bounds.length === 4 && bounds.every(isFinite)) {
    map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], { maxZoom: 18 });
  }
  var data = document.getElementById("hearing-comments");
  if (data) {
    var drawn = commentsLayer(map, JSON.parse(data.textContent));
    container.setAttribute("data-comments-drawn", String(drawn.getLayers().length));
  }
  container.setAttribute("data-ready", "1");
  if (container.hasAttribute("data-pick")) pinPicker(container, map);
})();
