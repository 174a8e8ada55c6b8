// Clients on a Leaflet map. Markers come from data-markers (JSON written by the
// server); tiles only when an instance configures a tile URL, so the map works
// offline. A file, not inline script (CSP).
(function () {
  "use strict";
  var el = document.getElementById("client-map");
  if (!el || typeof L === "undefined") { return; }
  var markers = JSON.parse(el.dataset.markers || "[]");
  var map = L.map(el, { attributionControl: !!el.dataset.tiles });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  var bounds = [];
  markers.forEach(function (m) {
    var link = document.createElement("a");
    link.href = "/contacts/client/" + m.id;
    link.textContent = m.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    if (m.address) { popup.appendChild(document.createElement("br")); popup.appendChild(document.createTextNode(m.address)); }
    L.circleMarker([m.lat, m.lon], { radius: 7 }).bindPopup(popup).addTo(map);
    bounds.push([m.lat, m.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] }); } else { map.setView([55.75, 37.62], 4); }
})();
