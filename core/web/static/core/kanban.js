// Kanban boards (core/kanban/macros.html): the board's one shared "Move" dialog
// and drag and drop with SortableJS from npm.
//
// Each card has a plain "Move" link to a move page (the path without
// JavaScript). Here that link opens the board's single <dialog id="board-move">
// instead, filled with the card's id and version; a drop between columns fills
// the same form and submits it. htmx posts it (hx-post) and the server answers
// with the whole board (counts, totals, or the reason it refused), so the page
// never shows a state the server did not accept.
(function () {
  "use strict";

  function moveForm(board) { return board.querySelector("#board-move form"); }

  function fill(form, card, to) {
    form.elements.id.value = card.dataset.id;
    form.elements.version.value = card.dataset.version;
    var select = form.elements.to;
    if (to !== undefined) select.value = to;
  }

  function openDialog(board, card) {
    var dialog = board.querySelector("#board-move");
    var form = moveForm(board);
    if (!dialog || !form || typeof dialog.showModal !== "function") return false;
    var column = card.closest(".kanban-cards");
    fill(form, card, column ? column.dataset.value : undefined);
    dialog.querySelector("[data-card-title]").textContent = "“" + card.querySelector("a").textContent + "”";
    dialog.returnFocusTo = card.querySelector(".card-move");
    dialog.showModal();
    form.elements.to.focus();
    return true;
  }

  function setUp(root) {
    var boards = root.matches && root.matches("[data-board]") ? [root] : root.querySelectorAll("[data-board]");
    Array.prototype.forEach.call(boards, function (board) {
      if (board.dataset.ready) return;  // a board is set up once
      board.dataset.ready = "true";
      var dialog = board.querySelector("#board-move");
      board.addEventListener("click", function (event) {
        var link = event.target.closest(".card-move");
        if (link && openDialog(board, link.closest(".kanban-card"))) { event.preventDefault(); return; }
        if (event.target.closest("[data-close]") && dialog) dialog.close();
      });
      if (dialog) {
        dialog.addEventListener("close", function () {
          if (dialog.returnFocusTo && document.contains(dialog.returnFocusTo)) dialog.returnFocusTo.focus();
        });
        // htmx replaces the board on submit: close first, so the page is not left inert.
        moveForm(board).addEventListener("submit", function () { dialog.returnFocusTo = null; if (dialog.open) dialog.close(); board.setAttribute("aria-busy", "true"); });
      }
      // After a move the card that moved keeps the focus a keyboard user had.
      var moved = board.querySelector(".kanban-card.just-moved .card-move");
      if (moved && root !== document) moved.focus();
      if (!window.Sortable || !dialog) return;
      Array.prototype.forEach.call(board.querySelectorAll(".kanban-cards"), function (list) {
        window.Sortable.create(list, {
          group: {name: "kanban", pull: true, put: list.dataset.accepts === "true"},
          sort: false,  // order inside a column is the list's order, not a user's choice
          animation: 150,
          // Sortable's own pointer-driven drag rather than the browser's HTML5 drag and drop:
          // the same behaviour with mouse, pen and touch.
          forceFallback: true,
          draggable: ".kanban-card",
          filter: ".card-move",
          preventOnFilter: false,
          onEnd: function (event) {
            if (event.from === event.to) return;
            var form = moveForm(board);
            fill(form, event.item, event.to.dataset.value);
            form.requestSubmit();  // htmx takes the form's submit (hx-post); the CSRF token goes along
          }
        });
      });
    });
  }

  // The first board when the page is ready; a board htmx swaps in (after a move) when it loads.
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { if (event.target !== document.body) setUp(event.target); });
})();
