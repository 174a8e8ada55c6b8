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
    Array.prototype.forEach.call(boards, function (board) {
      var lists = board.querySelectorAll(".kanban-cards");
      Array.prototype.forEach.call(lists, function (list) {
        var accepts = list.dataset.accepts === "true";
        window.Sortable.create(list, {
          group: {name: "kanban", pull: true, put: accepts},
          sort: false,  // order inside a column is the list's order, not a user's choice
          animation: 150,
          draggable: ".kanban-card",
          filter: "select, button, input, option",
          preventOnFilter: false,
          onEnd: function (event) {
            if (event.from === event.to) return;
            var form = event.item.querySelector("form.card-move");
            if (!form) return;
            form.querySelector("select[name=to]").value = event.to.dataset.value;
            board.setAttribute("aria-busy", "true");
            window.htmx.trigger(form, "submit");
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) window.htmx.onLoad(setUp); else setUp(document);
  });
})();
