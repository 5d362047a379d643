// Live updates for the hub's pages, with no framework.
//
// A page opts in with data-live-workspaces="ws1 ws2" and data-live-after="<last position>" on
// an element. The script subscribes to /live, resumes from the last position it saw after any
// drop, prepends each event's summary to #activity-feed, announces it politely to screen
// readers (#live-announcer), and re-renders every [data-live-refresh] region (record status,
// counts) from the server, so the page never needs a reload. Forms keep working without it.
// When the record changes, a form nobody has typed in takes the new version; a form someone
// is filling in keeps the version they saw and says the record changed, so their submit is
// checked against the change (and the page then shows what changed, keeping their input).
(function () {
  "use strict";
  var root = document.querySelector("[data-live-workspaces]");
  if (!root || !("WebSocket" in window)) {
    return;
  }
  var workspaces = root.getAttribute("data-live-workspaces").split(" ").filter(Boolean);
  // Positions are opaque cursors (hub/events/cursors.py): handed back, never compared. The
  // server sends each event once, in order, after the cursor it was given.
  var after = root.getAttribute("data-live-after") || "0";
  var status = document.getElementById("live-status");
  var feed = document.getElementById("activity-feed");
  var recordPages = feed ? JSON.parse(feed.getAttribute("data-record-pages") || "{}") : {};

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form) {
      form.setAttribute("data-edited", "true");
    }
  });

  function updateForms(fresh) {
    var version = fresh.getElementById("record-version");
    if (!version) {
      return;
    }
    var current = version.textContent.trim();
    document.querySelectorAll("input[name=expected_version]").forEach(function (input) {
      if (input.value === current) {
        return;
      }
      var form = input.form;
      if (form.getAttribute("data-edited") !== "true") {
        input.value = current;
      } else if (!form.querySelector(".hub-stale")) {
        var warning = document.createElement("p");
        warning.className = "govuk-inset-text hub-stale";
        warning.textContent = "Someone else has changed this record since you started. " +
          "Check the record above: if you submit, you will see what changed and keep what you typed.";
        form.insertBefore(warning, form.firstChild);
      }
    });
  }
  var announcer = document.getElementById("live-announcer");
  var retryDelay = 500;
  var refreshTimer = null;

  function setStatus(state) {
    if (!status) {
      return;
    }
    status.setAttribute("data-state", state);
    status.textContent = state === "live" ? "Live" : "Reconnecting…";
    status.className = "govuk-tag hub-live " + (state === "live" ? "govuk-tag--green" : "govuk-tag--yellow");
  }

  function refreshRegions() {
    var regions = document.querySelectorAll("[data-live-refresh]");
    if (!regions.length) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Live-Refresh": "1" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        regions.forEach(function (region) {
          var replacement = fresh.getElementById(region.id);
          if (replacement) {
            region.innerHTML = replacement.innerHTML;
          }
        });
        updateForms(fresh);
      })
      .catch(function () { /* the next event or a reload will catch up */ });
  }

  function show(message) {
    if (feed) {
      var item = document.createElement("li");
      item.setAttribute("data-position", String(message.position));
      var event = message.event || {};
      var collection = recordPages[event.stream_type];
      var prefix = event.stream_type + "-";
      if (collection && event.stream_id && event.stream_id.indexOf(prefix) === 0) {
        var link = document.createElement("a");
        link.className = "govuk-link";
        link.href = "/records/" + collection + "/" + encodeURIComponent(event.stream_id.slice(prefix.length));
        link.textContent = message.summary;
        item.appendChild(link);
      } else {
        item.textContent = message.summary;
      }
      var time = document.createElement("span");
      time.className = "govuk-body-s hub-activity-time";
      time.textContent = " just now";
      item.appendChild(time);
      feed.insertBefore(item, feed.firstChild);
    }
    if (announcer) {
      announcer.textContent = message.summary;
    }
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshRegions, 150);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + window.location.host + "/live");
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "subscribe", workspaces: workspaces, after: after }));
    };
    socket.onmessage = function (frame) {
      var message = JSON.parse(frame.data);
      if (message.type === "subscribed") {
        setStatus("live");
        retryDelay = 500;
      } else if (message.type === "event") {
        after = message.position;
        show(message);
      }
    };
    socket.onclose = function (closed) {
      setStatus("reconnecting");
      // Not signed in, or not permitted: retrying will not help.
      if (closed.code === 4401 || closed.code === 4403) {
        return;
      }
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  window.hubLive = { lastPosition: function () { return after; } };
  connect();
})();
