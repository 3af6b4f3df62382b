// The officer inbox follows the server's events (SSE) and redraws its live part without a reload.
// The server ends each stream after a while; EventSource reconnects by itself (the `retry` it sent).
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  var busy = false, again = false;

  function tick() {
    var now = Date.now();
    live.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(since)) el.textContent = Math.max(0, Math.floor((now - since) / 60000)) + " min";
    });
  }

  function redraw() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (fresh) {
          // Read at the moment of the swap: never lose what the officer is typing.
          var draft = live.querySelector("textarea");
          var typed = draft ? draft.value : "";
          var typing = draft !== null && document.activeElement === draft;
          live.innerHTML = fresh.innerHTML;
          var box = live.querySelector("textarea");
          if (box && typed) box.value = typed;
          if (box && typing) box.focus();
          live.setAttribute("data-redrawn", String(Number(live.getAttribute("data-redrawn") || 0) + 1));
        }
      })
      .finally(function () {
        busy = false;
        if (again) { again = false; redraw(); }
      });
  }

  var source = new EventSource(live.getAttribute("data-events"));
  source.addEventListener("change", redraw);
  // Pub/sub keeps no history: whatever changed between this page's rendering (or the last stream's end)
  // and the stream's (re)opening is caught up by one redraw.
  source.addEventListener("open", redraw);
  tick();
  setInterval(tick, 15000);
})();
