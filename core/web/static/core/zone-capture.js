// The sign-in form's hidden time zone field (core/i18n/browser_zone.py): the
// browser's IANA zone, so a new user reads times on their own clock from the
// first page. The server checks the name and saves it only if the user has
// not chosen a zone yet.
(function () {
  "use strict";
  function fill() {
    var field = document.querySelector("input[name=browser_timezone]");
    if (!field) return;
    try {
      field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      field.value = ""; // no Intl: the instance's zone applies
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill); else fill();
})();
