// Drag and drop for kanban boards (core/kanban/macros.html), with SortableJS
// from npm. A drop between columns sets the card's own "Move to" select and
// submits its form through htmx: the server validates the move and answers
// with the whole board (counts, totals, or the reason it refused), so the
// page never shows a state the server did not accept.
(function () {
  "use strict";

  function setUp(root) {
    if (!window.Sortable) return;
    var boards = root.matches && root.matches("[data-board]") ? [root] : root.querySelectorAll("[data-board]");
    // A board is set up once: Sortable keeps its instance on the element.
    Array.prototype.forEach.call(boards, function (board) {
      var lists = board.querySelectorAll(".kanban-cards");
      Array.prototype.forEach.call(lists, function (list) {
        if (window.Sortable.get(list)) return;
        var accepts = list.dataset.accepts === "true";
        window.Sortable.create(list, {
          group: {name: "kanban", pull: true, put: accepts},
          sort: false,  // order inside a column is the list's order, not a user's choice
          animation: 150,
          // Sortable's own pointer-driven drag rather than the browser's HTML5 drag and drop:
          // the same behaviour with mouse, pen and touch.
          forceFallback: true,
          draggable: ".kanban-card",
          filter: "select, button, input, option",
          preventOnFilter: false,
          onEnd: function (event) {
            if (event.from === event.to) return;
            var form = event.item.querySelector("form.card-move");
            if (!form) return;
            form.querySelector("select[name=to]").value = event.to.dataset.value;
            board.setAttribute("aria-busy", "true");
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
