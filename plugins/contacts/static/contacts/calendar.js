// The calendar page (contacts/calendar/calendar.html). A file, not inline script (CSP).
//
// With JavaScript the day, week, month and team views are EventCalendar's time
// grids (npm @event-calendar/build, served from /static/vendor/event-calendar),
// fed by /contacts/calendar/events for the visible range. Times travel as the
// user's wall clock without an offset, so the grid shows the user's clock
// whatever the browser's zone. Dragging or resizing an interaction POSTs the new
// start/end with the version the user saw (CSRF token from the page); a refusal
// (409: someone changed it meanwhile) puts the event back and says why. A click
// or a selection on the hours opens the new-interaction form with the time filled in.
//
// The agenda (the list under the grid) is the calendar without JavaScript; in
// the agenda view an interaction dragged to another day keeps its time of day.
(function () {
  "use strict";
  var status = document.getElementById("calendar-status");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function say(text) { if (status) status.textContent = text || ""; }

  function post(url, fields) {
    return fetch(url, {
      method: "POST", body: new URLSearchParams(fields), credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // The grid's Date on its (floating) wall clock, back as "YYYY-MM-DDTHH:MM".
  function wall(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function grid() {
    var el = document.getElementById("calendar-grid");
    if (!el || typeof EventCalendar === "undefined") return;
    var cfg = JSON.parse(el.dataset.config);
    var L = cfg.labels;
    var agenda = document.getElementById("calendar-agenda");
    var agendaLink = document.getElementById("calendar-agenda-link");
    el.hidden = false;
    if (agenda) agenda.hidden = true;

    function errorText(result) {
      if (result.status === 409) return L.conflict;
      var messages = Object.values((result.data && result.data.errors) || {});
      return messages.length ? L.failed + " " + messages.join(" ") : L.failed;
    }

    function save(info, fields) {
      if (info.event.allDay) { info.revert(); say(L.allDayRefused); return; }
      var props = info.event.extendedProps;
      fields.id = props.id;
      fields.version = Math.max(versions[props.id] || 0, props.version);
      fields.start = wall(info.event.start);
      if (info.event.end) fields.end = wall(info.event.end);
      post(cfg.move, fields).then(function (result) {
        if (!result.ok) { info.revert(); say(errorText(result)); return; }
        // The next move of this event sends the version the server just gave. Kept aside:
        // ec.updateEvent() with the callback's event would re-read its dates.
        versions[props.id] = result.data.version;
        say(L.moved);
      }).catch(function () { info.revert(); say(L.offline); });
    }

    function create(start, end, resource) {
      if (!cfg.create) return;
      var params = new URLSearchParams({ starts_at: wall(start) });
      if (end) params.set("duration_minutes", String(Math.max(Math.round((end - start) / 60000), 0)));
      // In the team view the column's colleague becomes responsible (the creator is the default anyway).
      if (resource && resource.id !== cfg.me) params.set("owner_id", resource.id);
      window.location.href = cfg.create + "?" + params;
    }

    var versions = {};  // interaction id -> version after this page's own moves
    var teamViews = "resourceTimeGridDay,resourceTimeGridWeek";
    // A phone shows one day: seven columns do not fit 390 px (the toolbar still offers the week).
    var narrow = window.matchMedia("(max-width: 40rem)").matches;
    var view = narrow && cfg.view === "timeGridWeek" ? "timeGridDay" : narrow && cfg.view === "resourceTimeGridWeek" ? "resourceTimeGridDay" : cfg.view;
    var ec = EventCalendar.create(el, {
      view: view,
      date: cfg.date,
      locale: cfg.locale,
      firstDay: cfg.firstDay,
      height: Math.max(480, Math.min(window.innerHeight - 160, 900)) + "px",
      headerToolbar: { start: "prev,next today", center: "title", end: cfg.team ? teamViews : "timeGridDay,timeGridWeek,dayGridMonth" },
      buttonText: L.buttonText,
      allDayContent: L.allDay,
      moreLinkContent: function (arg) { return L.more.replace("{n}", arg.num); },
      noEventsContent: L.noEvents,
      dayMaxEvents: true,
      nowIndicator: true,
      scrollTime: "08:00:00",
      slotDuration: "00:30:00",
      eventTimeFormat: { hour: "2-digit", minute: "2-digit" },
      slotLabelFormat: { hour: "2-digit", minute: "2-digit" },
      resources: cfg.resources,
      datesAboveResources: true,
      eventSources: [{ url: cfg.feed }],
      // Drag is offered only where the user may write: per event (its "editable" from the feed).
      editable: false,
      eventStartEditable: !!cfg.move,
      eventDurationEditable: !!cfg.move,
      selectable: !!cfg.create,
      eventDrop: function (info) {
        var fields = {};
        if (info.newResource && info.oldResource && info.newResource.id !== info.oldResource.id) fields.owner = info.newResource.id;
        save(info, fields);
      },
      eventResize: function (info) { save(info, {}); },
      // A half-hour block has room for one line: the time and the title side by side
      // (EventCalendar's default puts the title on a second line, which is cut off).
      eventContent: function (arg) {
        var event = arg.event;
        if (event.allDay || !event.end || event.end - event.start > 30 * 60000 || arg.view.type === "dayGridMonth") return undefined;
        var line = document.createElement("span");
        line.className = "ec-event-title";
        line.textContent = arg.timeText + " " + event.title;
        return { domNodes: [line] };
      },
      eventClick: function (info) { window.location.href = info.event.extendedProps.url; },
      dateClick: function (info) {
        if (info.allDay) return;
        create(info.date, new Date(info.date.getTime() + 30 * 60000), info.resource);
      },
      select: function (info) { if (!info.allDay) create(info.start, info.end, info.resource); },
      datesSet: function (info) {
        // The agenda link shows the same period as a list.
        if (agendaLink) {
          var url = new URL(agendaLink.href);
          url.searchParams.set("date", wall(info.start).slice(0, 10));
          agendaLink.href = url.toString();
        }
      },
      loading: function (busy) { el.setAttribute("aria-busy", busy ? "true" : "false"); }
    });
    window.klientelaCalendar = ec;  // for the browser tests and the console
    flattenTableRoles(el);
  }

  // EventCalendar marks its grid up as an ARIA table, but its month body has cells
  // outside any row and its toolbar and events inside the table: roles a screen
  // reader cannot follow (axe: aria-required-children/parent, critical). The grid
  // is therefore presented as what it visually is — a region of dated headings and
  // event buttons (each with its time and title); the agenda is the same period as a
  // list. Re-applied whenever the calendar re-renders (navigation, view change).
  var TABLE_ROLES = ["table", "rowgroup", "row", "columnheader", "rowheader", "cell", "gridcell"];
  var TABLE_ATTRIBUTES = ["aria-colindex", "aria-colspan", "aria-rowindex", "aria-rowspan", "aria-colcount", "aria-rowcount"];
  function flattenTableRoles(el) {
    function flatten() {
      el.querySelectorAll("[role]").forEach(function (node) {
        if (TABLE_ROLES.indexOf(node.getAttribute("role")) < 0) return;
        node.setAttribute("role", "none");
        TABLE_ATTRIBUTES.forEach(function (name) { node.removeAttribute(name); });
      });
      // The hours scroll inside the grid: a keyboard user scrolls them too, even on an empty day.
      el.querySelectorAll(".ec-main").forEach(function (main) {
        if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "0");
      });
    }
    flatten();
    new MutationObserver(flatten).observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ["role"] });
  }

  function agendaDrag() {
    var calendar = document.getElementById("calendar");
    if (!calendar || !calendar.dataset.moveUrl || calendar.closest("[hidden]")) return;
    var dragged = null;
    calendar.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(".calendar-item[draggable]");
      if (!dragged) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.id);
    });
    calendar.addEventListener("dragover", function (event) {
      if (dragged && event.target.closest(".calendar-day")) event.preventDefault();
    });
    calendar.addEventListener("drop", function (event) {
      var day = event.target.closest(".calendar-day");
      if (!dragged || !day) return;
      event.preventDefault();
      var item = dragged;
      dragged = null;
      if (item.closest(".calendar-day") === day) return;
      post(calendar.dataset.moveUrl, { id: item.dataset.id, version: item.dataset.version, date: day.dataset.date })
        .then(function (result) {
          if (result.ok) {
            day.querySelector(".calendar-items").appendChild(item);
            item.dataset.version = result.data.version;
            say("");
          } else {
            say(Object.values(result.data.errors || {}).join(" ") || calendar.dataset.msgFailed);
          }
        }).catch(function () { say(calendar.dataset.msgOffline); });
    });
  }

  grid();
  agendaDrag();
})();
