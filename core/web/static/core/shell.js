// The shell's keyboard layer: global search results, the command palette
// (Ctrl/⌘+K) and shortcuts (/ search, g h home, g n notifications, ? help);
// and the phone layout's Menu button, a disclosure over the menu panel.
// A file, not an inline script: the CSP allows scripts from this origin only.
(function () {
  "use strict";
  var pendingG = false;

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function byId(id) { return document.getElementById(id); }

  // --- global search: arrows move from the box into the results and back ---
  function hits() { return Array.prototype.slice.call(document.querySelectorAll("#global-results a.suggest-hit")); }

  function onSearchKey(event) {
    var box = byId("global-q");
    var list = hits();
    var at = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[Math.min(at + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) box.focus(); else list[at - 1].focus();
    } else if (event.key === "Escape") {
      byId("global-results").innerHTML = "";
      box.focus();
    }
  }

  // --- the Menu button (phones): a disclosure; Escape closes it and returns focus ---
  function menuOpen() { var b = byId("menu-toggle"); return !!b && b.getAttribute("aria-expanded") === "true"; }

  function setMenu(open, focusButton) {
    var button = byId("menu-toggle");
    var panel = byId("shell-menu");
    if (!button || !panel) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.classList.toggle("open", open);
    if (open) {
      var first = panel.querySelector("a[aria-current=page]") || panel.querySelector("a");
      if (first) first.focus();
    } else if (focusButton) {
      button.focus();
    }
  }

  // --- command palette: a dialog with a combobox over a listbox ---
  var answeredFor = null;    // the query the listed options answer
  var enterPending = false;  // Enter pressed before the options for the typed text came
  function options() { return Array.prototype.slice.call(document.querySelectorAll("#palette-list [role=option][data-href]")); }

  function activate(index) {
    var list = options();
    var input = byId("palette-q");
    list.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (list[index]) {
      input.setAttribute("aria-activedescendant", list[index].id);
      list[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function activeIndex() {
    return options().findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function go(option) {
    var href = option && option.getAttribute("data-href");
    if (href && href.charAt(0) === "/" && href.charAt(1) !== "/") window.location.assign(href);
  }

  function openPalette() {
    var dialog = byId("palette");
    if (!dialog || dialog.open) return;
    dialog.showModal();
    var input = byId("palette-q");
    input.value = "";
    enterPending = false;
    input.focus();
    if (window.htmx) window.htmx.trigger(input, "palette-open");
  }

  function onPaletteKey(event) {
    var n = options().length;
    var at = activeIndex();
    if (event.key === "ArrowDown") { event.preventDefault(); activate(n ? (at + 1) % n : -1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); activate(n ? (at - 1 + n) % n : -1); }
    else if (event.key === "Enter") {
      event.preventDefault();
      // Results not yet in for what was typed: open the first one when they come,
      // rather than an option of an older query (or nothing).
      if (event.target.value !== answeredFor) { enterPending = true; return; }
      go(options()[at < 0 ? 0 : at]);
    }
    if (event.key !== "Enter") enterPending = false;
  }

  function openShortcuts() {
    var dialog = byId("shortcuts");
    if (dialog && !dialog.open) dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      openPalette();
      return;
    }
    if (event.key === "Escape" && menuOpen() && !document.querySelector("dialog[open]")) { setMenu(false, true); return; }
    if (event.target && event.target.closest && event.target.closest("#global-search")) { onSearchKey(event); return; }
    if (event.target && event.target.id === "palette-q") { onPaletteKey(event); return; }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey || document.querySelector("dialog[open]")) return;
    if (pendingG) {
      pendingG = false;
      if (event.key === "h") { window.location.assign("/"); return; }
      if (event.key === "n") { window.location.assign("/notifications"); return; }
    }
    if (event.key === "/") { event.preventDefault(); var box = byId("global-q"); if (box) box.focus(); }
    else if (event.key === "?") { event.preventDefault(); openShortcuts(); }
    else if (event.key === "g") { pendingG = true; window.setTimeout(function () { pendingG = false; }, 1500); }
  });

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!t.closest) return;
    if (t.closest("#menu-toggle")) { setMenu(!menuOpen(), false); return; }
    if (t.closest("#palette-open")) { openPalette(); return; }
    if (t.closest("#shortcuts-open")) { openShortcuts(); return; }
    var close = t.closest("[data-close-dialog]");
    if (close) { close.closest("dialog").close(); return; }
    var option = t.closest("#palette-list [role=option][data-href]");
    if (option) go(option);
    // A click outside the results closes them.
    if (!t.closest("#global-search")) { var r = byId("global-results"); if (r) r.innerHTML = ""; }
  });

  // New palette options: the first one is active, so Enter opens it. The query they
  // answer is remembered, so Enter pressed before them waits for them.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!(event.detail && event.detail.target && event.detail.target.id === "palette-list")) return;
    var path = event.detail.pathInfo && event.detail.pathInfo.finalRequestPath;
    answeredFor = path ? (new URL(path, window.location.href).searchParams.get("q") || "") : null;
    activate(options().length ? 0 : -1);
    var input = byId("palette-q");
    if (enterPending && input && input.value === answeredFor) { enterPending = false; go(options()[0]); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Show ⌘ on Apple keyboards, Ctrl elsewhere, in the visible hints.
    var mac = /Mac|iPhone|iPad/.test(navigator.platform || "");
    Array.prototype.forEach.call(document.querySelectorAll("[data-mod-key]"), function (el) { el.textContent = mac ? "⌘" : "Ctrl"; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-needs-js]"), function (el) { el.hidden = false; });
  });
})();
