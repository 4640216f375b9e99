// awslocal console: follow the state without reloading. Every 1.5 s (while the tab is
// visible) ask for this page's <main> again and swap it in when it changed, keeping open
// <details> and the scroll position. No library, no inline script (the page's CSP forbids it).
(function () {
  "use strict";
  var main = document.getElementById("live");
  var status = document.getElementById("live-status");
  if (!main || !window.fetch) { return; }
  var every = parseInt(document.body.getAttribute("data-poll-ms"), 10) || 1500;
  var last = null;
  var busy = false;

  function mark(state, title) {
    if (status) { status.setAttribute("data-state", state); status.title = title; }
  }

  function openDetails() {
    var open = [];
    main.querySelectorAll("details[id][open]").forEach(function (d) { open.push(d.id); });
    return open;
  }

  function poll() {
    if (busy) { return; }
    if (document.hidden) { mark("paused", "Paused while the tab is hidden"); return; }
    busy = true;
    fetch(window.location.href, { headers: { "X-Awslocal-Console": "live" }, cache: "no-store",
                                  credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (text) { return { ok: r.status < 500, text: text }; });
      })
      .then(function (answer) {
        if (!answer.ok) { mark("lost", "The server answered with an error"); return; }
        mark("on", "This page follows the state");
        if (answer.text === last) { return; }
        last = answer.text;
        var open = openDetails();
        main.innerHTML = answer.text;
        open.forEach(function (id) {
          var d = document.getElementById(id);
          if (d) { d.open = true; }
        });
        document.dispatchEvent(new CustomEvent("awslocal:updated"));
      })
      .catch(function () { mark("lost", "The server cannot be reached; retrying"); })
      .then(function () { busy = false; });
  }

  setInterval(poll, every);
  document.addEventListener("visibilitychange", poll);
  poll();
})();
