// Adds the session's CSRF token to every htmx request (X-CSRF-Token).
// The token comes from <meta name="csrf-token"> in the layout; a file, not an
// inline script, because the Content-Security-Policy allows scripts from this
// origin only. Plain forms carry the token in a hidden "_csrf" field instead.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });
})();
