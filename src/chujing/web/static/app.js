// Live questionnaire: post the form to a fragment endpoint when an answer changes and swap in
// the questions that matter now and the route so far. Small and dependency-free on purpose;
// without JavaScript the form still works through its Update and See-the-decision buttons.
(function () {
  "use strict";
  var form = document.getElementById("q");
  if (form && form.dataset.live) {
    var timer = null, inflight = null, seq = 0;
    var refresh = function () {
      var mine = ++seq;
      if (inflight) { inflight.abort(); }
      inflight = new AbortController();
      var route = document.getElementById("route");
      if (route) { route.setAttribute("aria-busy", "true"); }
      fetch(form.dataset.live, { method: "POST", body: new URLSearchParams(new FormData(form)),
                                 credentials: "same-origin", signal: inflight.signal })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          if (mine !== seq) { return; }
          var active = document.activeElement && document.activeElement.id;
          var tpl = document.createElement("template");
          tpl.innerHTML = html;
          ["facts", "route"].forEach(function (id) {
            var src = tpl.content.getElementById(id), dst = document.getElementById(id);
            if (src && dst) { dst.innerHTML = src.innerHTML; }
          });
          if (active) {
            var el = document.getElementById(active);
            if (el && el !== document.activeElement) { el.focus(); }
          }
          document.dispatchEvent(new CustomEvent("chujing:live"));
        })
        .catch(function () { /* keep the last route; the Update button still works */ })
        .finally(function () {
          if (mine === seq && route) { route.removeAttribute("aria-busy"); }
        });
    };
    var soon = function (ms) { clearTimeout(timer); timer = setTimeout(refresh, ms); };
    // Questions beside the form belong to it through form="q": listen on the document.
    var ours = function (e) { return e.target && e.target.form === form; };
    document.addEventListener("change", function (e) { if (ours(e)) { soon(60); } });
    document.addEventListener("input", function (e) {
      if (ours(e) && (e.target.type === "number" || e.target.type === "text")) { soon(500); }
    });
    // The header's language link keeps the answers: submit the form with the other language.
    var sw = document.getElementById("lang-switch");
    if (sw && sw.tagName === "A") {
      sw.addEventListener("click", function (e) {
        e.preventDefault();
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "_lang";
        input.value = new URLSearchParams(sw.search).get("set") || "";
        form.appendChild(input);
        form.action = "/";
        form.submit();
      });
    }
  }
  // Escape hides an open tooltip (WCAG 1.4.13: dismissible without moving focus).
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var tip = document.activeElement && document.activeElement.closest && document.activeElement.closest(".tip");
    if (tip) { tip.classList.add("closed"); }
  });
  document.addEventListener("focusin", function (e) {
    var tip = e.target.closest && e.target.closest(".tip");
    if (tip) { tip.classList.remove("closed"); }
  });
})();
