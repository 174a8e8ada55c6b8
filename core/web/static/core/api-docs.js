// Starts Swagger UI from a file (not an inline script) so the strict CSP holds.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.schemaUrl, dom_id: "#swagger-ui" });
});
