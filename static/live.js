// Live updates for the hub's pages, with no framework.
//
// A page opts in with data-live-workspaces="ws1 ws2" and data-live-after="<last position>" on
// an element. The script subscribes to /live, resumes from the last position it saw after any
// drop, prepends each event's summary to #activity-feed, announces it politely to screen
// readers (#live-announcer), and re-renders every [data-live-refresh] region (record status,
// counts) from the server, so the page never needs a reload. Forms keep working without it.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-workspaces]");
  if (!root || !("WebSocket" in window)) {
    return;
  }
  var workspaces = root.getAttribute("data-live-workspaces").split(" ").filter(Boolean);
  var after = Number(root.getAttribute("data-live-after") || 0);
  var status = document.getElementById("live-status");
  var feed = document.getElementById("activity-feed");
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
      })
      .catch(function () { /* the next event or a reload will catch up */ });
  }

  function show(message) {
    if (feed) {
      var item = document.createElement("li");
      item.setAttribute("data-position", String(message.position));
      item.textContent = message.summary;
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
      } else if (message.type === "event" && message.position > after) {
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
