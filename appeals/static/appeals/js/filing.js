/* e-RGIS: the appeal filing page with JavaScript on: a map where a tap drops the pin,
 * "use my location", address suggestions from the portal's own addresses, and the open
 * appeals of the category nearby ("is it one of these?"). Without it the form works alone. */
(function () {
  "use strict";
  var form = document.getElementById("appeal-form");
  var labels = document.getElementById("nearby-labels");
  if (!form || !labels || !window.L) return;
  var t = labels.dataset;
  var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
  var category = document.getElementById("id_category");
  var nearbyShown = document.getElementById("id_nearby_shown");
  var live = document.getElementById("nearby-live");
  var address = document.getElementById("id_address");
  var suggestions = document.getElementById("place-suggestions");
  var status = document.getElementById("location-status");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function getJSON(url) {
    return fetch(url, {headers: {"Accept": "application/json",
                                 "Accept-Language": document.documentElement.lang || "kk"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error(r.status)); });
  }

  document.querySelectorAll(".js-only").forEach(function (n) { n.hidden = false; });
  var box = document.getElementById("appeal-map");
  box.hidden = false;
  var start = [parseFloat(form.dataset.mapLat), parseFloat(form.dataset.mapLon)];
  var map = L.map(box, {zoomControl: true}).setView(start, 13);
  if (form.dataset.basemapUrl) {
    L.tileLayer(form.dataset.basemapUrl, {maxZoom: 19, attribution: form.dataset.basemapAttribution})
      .addTo(map);
  }
  var pin = null;

  function place(latlng, zoom) {
    if (pin) pin.setLatLng(latlng);
    else pin = L.circleMarker(latlng, {radius: 9, color: "#a4000f", weight: 3, fillOpacity: 0.6})
      .addTo(map);
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (zoom) map.setView(latlng, Math.max(map.getZoom(), zoom));
    nearby();
  }

  map.on("click", function (e) { place(e.latlng); });
  if (lat.value && lon.value && isFinite(lat.value) && isFinite(lon.value)) {
    place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), 16);
  }
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      if (isFinite(parseFloat(lat.value)) && isFinite(parseFloat(lon.value))) {
        place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), 16);
      }
    });
  });

  document.getElementById("use-location").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t.unlocated; return; }
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      status.textContent = t.located;
      place(L.latLng(position.coords.latitude, position.coords.longitude), 17);
    }, function () { status.textContent = t.unlocated; }, {enableHighAccuracy: true, timeout: 15000});
  });

  // Address suggestions: the portal's parcel addresses and district names (no geocoder).
  var timer = null;
  address.addEventListener("input", function () {
    clearTimeout(timer);
    var q = address.value.trim();
    if (q.length < 3) { suggestions.hidden = true; return; }
    timer = setTimeout(function () {
      getJSON(form.dataset.placesUrl + "?q=" + encodeURIComponent(q)).then(function (body) {
        suggestions.textContent = "";
        body.places.forEach(function (p) {
          var item = el("li");
          var button = el("button", {type: "button", "class": "link"}, p.label);
          button.addEventListener("click", function () {
            address.value = p.label;
            suggestions.hidden = true;
            place(L.latLng(p.lat, p.lon), p.kind === "parcel" ? 17 : 14);
          });
          item.appendChild(button);
          suggestions.appendChild(item);
        });
        suggestions.hidden = !body.places.length;
      }).catch(function () { suggestions.hidden = true; });
    }, 300);
  });

  // "Is it one of these?": asked whenever the pin or the category changes.
  // The follow form lives outside the filing form (forms cannot nest); its field and
  // button sit in the list and belong to it through their form attribute.
  function followForm(a) {
    var id = "follow-" + a.number;
    var old = document.getElementById(id);
    if (old) old.remove();
    var f = el("form", {method: "post", action: a.follow_url, id: id, hidden: "hidden"});
    f.appendChild(el("input", {type: "hidden", name: "csrfmiddlewaretoken", value: t.csrf}));
    document.body.appendChild(f);
    var row = el("span", {"class": "follow-form"});
    var label = el("label", {}, t.email + " ");
    label.appendChild(el("input", {type: "email", name: "email", form: id, required: "required",
                                   value: (document.getElementById("id_email") || {}).value || ""}));
    row.appendChild(label);
    row.appendChild(el("button", {type: "submit", form: id, "class": "secondary"}, t.follow));
    return row;
  }

  function nearby() {
    if (!category.value || !lat.value || !lon.value) return;
    var url = form.dataset.nearbyUrl + "?lat=" + lat.value + "&lon=" + lon.value +
      "&category=" + encodeURIComponent(category.value);
    nearbyShown.value = "";
    getJSON(url).then(function (body) {
      live.textContent = "";
      live.hidden = false;
      if (!body.appeals.length) {
        live.appendChild(el("p", {"class": "hint"}, t.none));
      } else {
        live.appendChild(el("h2", {}, t.title));
        live.appendChild(el("p", {}, t.intro));
        var list = el("ul", {"class": "nearby-list"});
        body.appeals.forEach(function (a) {
          var item = el("li", {"data-nearby": a.number});
          item.appendChild(el("a", {href: a.url, target: "_blank"}, "№ " + a.number));
          item.appendChild(document.createTextNode(" · " + a.status_label + " · " + a.received +
            " · " + a.metres + " " + t.metres));
          if (a.address) { item.appendChild(el("br")); item.appendChild(document.createTextNode(a.address)); }
          if (a.description) { item.appendChild(el("br")); item.appendChild(el("span", {"class": "hint"}, a.description)); }
          item.appendChild(el("br"));
          item.appendChild(followForm(a));
          list.appendChild(item);
        });
        live.appendChild(list);
      }
      nearbyShown.value = "1";  // the server need not ask again
    }).catch(function () { nearbyShown.value = ""; });
  }
  category.addEventListener("change", function () { nearby(); anonymity(); });

  // Anonymous filing only where the category allows it (the server refuses otherwise).
  var anonymousBox = document.getElementById("anonymous-box");
  var anonymous = document.getElementById("id_anonymous");
  var applicant = document.getElementById("applicant-fields");
  function anonymity() {
    var option = category.options[category.selectedIndex];
    var allowed = option && option.dataset.anonymous === "1";
    anonymousBox.hidden = !allowed;
    if (!allowed) anonymous.checked = false;
    applicant.hidden = allowed && anonymous.checked;
  }
  anonymous.addEventListener("change", anonymity);
  anonymity();

  // Double tap on a slow connection: the key makes one appeal anyway; this spares a request.
  form.addEventListener("submit", function () {
    var button = document.getElementById("appeal-submit");
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
