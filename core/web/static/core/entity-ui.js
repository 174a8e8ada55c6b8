// Entity pages' htmx glue (list views, inline edit, quick create). No inline script
// anywhere (strict CSP): the templates only carry hx-* attributes and data-modal.
(function () {
  "use strict";

  // A 422 (validation) or 409 (conflict) answer is a form with the errors in place:
  // swap it in like a success instead of dropping it as htmx does with 4xx.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function settle(root) {
    if (!root || !root.querySelectorAll) return;
    // The quick-create dialog: open as a modal (inert page, Escape closes), gone once closed.
    var dialogs = root.matches && root.matches("dialog[data-modal]") ? [root] : root.querySelectorAll("dialog[data-modal]");
    Array.prototype.forEach.call(dialogs, function (dialog) {
      if (dialog.open) return;
      dialog.addEventListener("close", function () { dialog.remove(); });
      dialog.showModal();
    });
    // An inline or quick form that just arrived: put the cursor in its first field.
    var form = root.matches && root.matches("form.inline-form, #quick-form") ? root : root.querySelector("form.inline-form, #quick-form");
    if (form) {
      var first = form.querySelector("[aria-invalid=true], input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    }
  }

  document.addEventListener("htmx:load", function (event) { settle(event.target); });

  // On a phone the list's field filters and bulk form fold away (the first screen shows
  // records), unless a filter is in use; without this script they simply stay open.
  if (window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-fold-on-phone]:not([data-in-use])"), function (d) {
      d.open = false;
    });
  }
})();
