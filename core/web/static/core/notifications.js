// Live notifications in the shell: toasts can be dismissed, and when
// server-sent events are unavailable the unread counter is polled instead.
// The stream itself is htmx's sse extension (sse-connect on #shell-live).
(function () {
  "use strict";
  var POLL_MS = 30000;
  var MAX_TOASTS = 4;
  var failures = 0;
  var polling = null;

  function counter() { return document.getElementById("notif-count"); }

  function poll() {
    if (polling || !window.htmx || !counter()) return;
    var refresh = function () { window.htmx.ajax("GET", "/notifications/count", {target: "#notif-count", swap: "innerHTML"}); };
    refresh();
    polling = window.setInterval(refresh, POLL_MS);
  }

  function stopStream(source) {
    var live = document.getElementById("shell-live");
    if (live) live.removeAttribute("sse-connect");  // the extension's retry then finds nothing to reopen
    if (source) source.close();
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest(".toast-close");
    if (close) close.closest(".toast").remove();
  });

  document.addEventListener("htmx:sseMessage", function () {
    var toasts = document.querySelectorAll("#toasts .toast");
    for (var i = MAX_TOASTS; i < toasts.length; i++) toasts[i].remove();
  });

  document.addEventListener("htmx:sseOpen", function () { failures = 0; });

  // The browser reconnects a stream the server ended (it has a bounded lifetime);
  // a source that is closed for good three times in a row means no events here.
  document.addEventListener("htmx:sseError", function (event) {
    var source = event.detail && event.detail.source;
    if (source && source.readyState === 2) failures += 1;
    if (failures >= 3) { stopStream(source); poll(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.EventSource === "undefined") { stopStream(); poll(); }
  });
})();
