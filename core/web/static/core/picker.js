// The record picker: every reference field is a WAI-ARIA combobox (APG "list
// autocomplete") over GET /pick/<plugin>/<entity>?q= (JSON). Without this
// script the same markup is a plain text box whose name, e-mail or phone the
// server resolves on save (core/entities/picker.py). No inline script (CSP).
(function () {
  "use strict";
  if (window.klientelaPicker) return;
  window.klientelaPicker = true;

  var DELAY = 150;
  var pendingCreate = null; // the picker whose "create new" opened a quick create

  function parts(box) {
    return {
      box: box,
      text: box.querySelector("[data-picker-text]"),
      id: box.querySelector("[data-picker-id]"),
      was: box.querySelector("[data-picker-was]"),
      list: box.querySelector("[role=listbox]"),
    };
  }

  function options(p) { return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]")); }

  function close(p) {
    p.list.hidden = true;
    p.text.setAttribute("aria-expanded", "false");
    p.text.removeAttribute("aria-activedescendant");
  }

  function activate(p, index) {
    var list = options(p);
    list.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (list[index]) {
      p.text.setAttribute("aria-activedescendant", list[index].id);
      list[index].scrollIntoView({block: "nearest"});
    } else {
      p.text.removeAttribute("aria-activedescendant");
    }
  }

  function activeIndex(p) {
    return options(p).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function choose(p, id, title) {
    p.id.value = id;
    p.was.value = title;
    p.text.value = title;
    p.text.removeAttribute("name"); // the id speaks for the field now
    close(p);
    p.id.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function option(p, i, label, hint) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    li.id = p.text.id + "-opt-" + i;
    li.setAttribute("aria-selected", "false");
    li.textContent = label;
    if (hint) {
      var small = document.createElement("small");
      small.textContent = hint;
      li.appendChild(small);
    }
    return li;
  }

  function show(p, items, query) {
    p.list.textContent = "";
    items.forEach(function (s, i) {
      var li = option(p, i, s.title || "—", s.hint);
      li.dataset.id = s.id;
      li.dataset.title = s.title;
      p.list.appendChild(li);
    });
    var create = p.box.dataset.create;
    if (create && query && !p.box.closest("dialog")) {
      var li = option(p, items.length, p.box.dataset.createLabel.replace("%s", query), "");
      li.className = "picker-create";
      li.dataset.create = query;
      p.list.appendChild(li);
    }
    if (!p.list.children.length) {
      var empty = document.createElement("li");
      empty.className = "picker-empty";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.id = p.text.id + "-none";
      empty.textContent = p.box.dataset.emptyLabel;
      p.list.appendChild(empty);
    }
    p.list.hidden = false;
    p.text.setAttribute("aria-expanded", "true");
    activate(p, items.length ? 0 : -1);
  }

  function fetchSuggestions(p) {
    var query = p.text.value.trim();
    var source = p.box.dataset.source;
    var url = source + (source.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
    var asked = p.text.value;
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (p.text.value === asked && document.activeElement === p.text) show(p, items, query); })
      .catch(function () { close(p); });
  }

  function openCreate(p, text) {
    var create = p.box.dataset.create;
    var url = create + "?" + encodeURIComponent(p.box.dataset.createField) + "=" + encodeURIComponent(text);
    var slot = document.getElementById("modal-slot");
    if (!slot) {
      slot = document.createElement("div");
      slot.id = "modal-slot";
      document.body.appendChild(slot);
    }
    pendingCreate = p;
    close(p);
    if (window.htmx) window.htmx.ajax("GET", url, {target: "#modal-slot"});
    else window.open(create.replace(/\/quick$/, "/new") + url.slice(create.length), "_blank");
  }

  function pick(p, li) {
    if (!li || li.getAttribute("aria-disabled") === "true") return;
    if (li.dataset.create !== undefined) { openCreate(p, li.dataset.create); return; }
    choose(p, li.dataset.id, li.dataset.title);
  }

  function setUp(box) {
    if (box.dataset.pickerReady) return;
    box.dataset.pickerReady = "1";
    var p = parts(box);
    var timer = null;
    // The chosen id is what the form sends; the text goes only when typed and not chosen.
    p.text.dataset.name = p.text.name;
    p.text.removeAttribute("name");
    p.was.removeAttribute("name");
    p.text.setAttribute("role", "combobox");
    p.text.setAttribute("aria-autocomplete", "list");
    p.text.setAttribute("aria-expanded", "false");
    p.text.setAttribute("aria-controls", p.list.id);
    p.text.setAttribute("autocomplete", "off");

    p.text.addEventListener("input", function (event) {
      event.stopPropagation(); // a list's filter form waits for the choice, not each letter
      p.id.value = "";
      p.text.name = p.text.dataset.name; // typed, not chosen: the server resolves the text
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { fetchSuggestions(p); }, DELAY);
    });
    p.text.addEventListener("keydown", function (event) {
      var n = options(p).length;
      var at = activeIndex(p);
      var open = !p.list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { fetchSuggestions(p); return; }
        activate(p, n ? (at + 1) % n : -1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) activate(p, n ? (at - 1 + n) % n : -1);
      } else if (event.key === "Enter" && open && at >= 0) {
        event.preventDefault();
        pick(p, options(p)[at]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        event.stopPropagation(); // inside a dialog: close the list, not the dialog
        close(p);
      } else if (event.key === "Tab") {
        close(p);
      }
    });
    p.text.addEventListener("blur", function () { window.setTimeout(function () { close(p); }, 150); });
    // mousedown, not click: choose before the text box loses focus and closes the list.
    p.list.addEventListener("mousedown", function (event) {
      event.preventDefault();
      pick(p, event.target.closest("[role=option]"));
    });
  }

  function setUpAll(root) {
    if (!root || !root.querySelectorAll) return;
    setUpBulk(root);
    if (root.matches && root.matches("[data-picker]")) setUp(root);
    Array.prototype.forEach.call(root.querySelectorAll("[data-picker]"), setUp);
  }

  // Bulk "set a field": the chosen field's picker when it is a reference, else the plain box.
  // Only the shown control is enabled, so one "value" is sent.
  function setUpBulk(root) {
    var select = root.querySelector && root.querySelector("#bulk-field");
    if (!select || select.dataset.pickerBulk) return;
    select.dataset.pickerBulk = "1";
    var form = select.form;
    function apply() {
      var picked = false;
      Array.prototype.forEach.call(form.querySelectorAll("[data-bulk-value-for]"), function (block) {
        var on = block.dataset.bulkValueFor === select.value;
        picked = picked || on;
        block.hidden = !on;
        Array.prototype.forEach.call(block.querySelectorAll("input"), function (i) { i.disabled = !on; });
      });
      var plain = form.querySelector("[data-bulk-plain]");
      if (plain) {
        plain.hidden = picked;
        Array.prototype.forEach.call(plain.querySelectorAll("input"), function (i) { i.disabled = picked; });
      }
    }
    select.addEventListener("change", apply);
    apply();
  }

  // A quick create opened from "create new": its note names the new record, which the picker takes.
  document.addEventListener("htmx:afterSwap", function (event) {
    var made = event.detail && event.detail.target && event.detail.target.querySelector &&
      event.detail.target.querySelector("[data-created-id]");
    if (made && pendingCreate) {
      choose(pendingCreate, made.dataset.createdId, made.dataset.createdTitle);
      pendingCreate.text.focus();
      pendingCreate = null;
    }
  });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  else setUpAll(document);
})();
