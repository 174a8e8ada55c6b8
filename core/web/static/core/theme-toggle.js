// Light and dark mode: the system's preference (prefers-color-scheme) unless
// the user chose otherwise with the header's toggle; the choice is kept in
// localStorage and set as <html data-theme="light|dark">, which theme.css
// reads. Loaded from a file without "defer" in <head>, so the stored choice
// applies before the first paint (the CSP allows no inline script).
// Choosing the scheme the system already prefers forgets the choice, so the
// page follows the system again.
(function () {
  "use strict";
  var KEY = "klientela-theme";
  var root = document.documentElement;
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (e) {
      return null; // storage refused (private mode, policy): follow the system
    }
  }

  function system() {
    return query && query.matches ? "dark" : "light";
  }

  function current() {
    return stored() || root.getAttribute("data-theme") || system();
  }

  function apply() {
    var choice = stored();
    if (choice) {
      root.setAttribute("data-theme", choice);
    } else {
      root.removeAttribute("data-theme");
    }
  }

  function choose(scheme) {
    try {
      if (scheme === system()) {
        window.localStorage.removeItem(KEY);
      } else {
        window.localStorage.setItem(KEY, scheme);
      }
    } catch (e) {
      root.setAttribute("data-theme", scheme); // not kept, but applied to this page
      return;
    }
    apply();
  }

  apply();

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    function sync() {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    }
    button.hidden = false; // useless without this script, so the markup starts it hidden
    sync();
    button.addEventListener("click", function () {
      choose(current() === "dark" ? "light" : "dark");
      sync();
    });
    if (query && query.addEventListener) {
      query.addEventListener("change", sync);
    }
  });
})();
