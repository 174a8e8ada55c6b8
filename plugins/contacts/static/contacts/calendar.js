// Calendar drag and drop: drop an interaction on another day to move it there
// (same time of day). Native HTML drag and drop; a file, not inline script (CSP).
// The server answers 409 when someone changed the interaction meanwhile.
(function () {
  "use strict";
  var calendar = document.getElementById("calendar");
  if (!calendar || !calendar.dataset.moveUrl) { return; }
  var status = document.getElementById("calendar-status");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var dragged = null;

  calendar.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".calendar-item[draggable]");
    if (!dragged) { return; }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  calendar.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest(".calendar-day")) { event.preventDefault(); }
  });
  calendar.addEventListener("drop", function (event) {
    var day = event.target.closest(".calendar-day");
    if (!dragged || !day) { return; }
    event.preventDefault();
    var item = dragged;
    dragged = null;
    if (item.closest(".calendar-day") === day) { return; }
    var body = new URLSearchParams({ id: item.dataset.id, version: item.dataset.version, date: day.dataset.date });
    fetch(calendar.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        day.querySelector(".calendar-items").appendChild(item);
        item.dataset.version = result.data.version;
        status.textContent = "";
      } else {
        status.textContent = Object.values(result.data.errors || {}).join(" ") || calendar.dataset.msgFailed;
      }
    }).catch(function () { status.textContent = calendar.dataset.msgOffline; });
  });
})();
