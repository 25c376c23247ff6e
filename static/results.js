// Results dashboard: draws the plotly figures embedded in the page, drills down from a
// heatmap row, and runs slow report downloads as background jobs with progress.
(function () {
  "use strict";

  // plotly.js writes style attributes with setAttribute, which the page's
  // Content-Security-Policy (style-src 'self') blocks; the same styles set through the
  // CSSOM are allowed. Loaded before plotly.js.
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (typeof name === "string" && name.toLowerCase() === "style") {
      this.style.cssText = String(value);
      return;
    }
    return setAttribute.call(this, name, value);
  };

  // a heatmap column needs this many pixels for its label and cell text
  var HEATMAP_COLUMN_PX = 92;

  function neededWidth(fig) {
    var m = fig.layout.margin || {};
    var cols = ((fig.layout.xaxis || {}).tickvals || []).length;
    return (m.l || 80) + (m.r || 80) + cols * HEATMAP_COLUMN_PX;
  }

  function figureData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(el) {
    var fig = figureData(el.getAttribute("data-figure"));
    if (!fig || !window.Plotly) { return; }
    var layout = Object.assign({}, fig.layout, { autosize: true });
    var need = neededWidth(fig);
    var narrow = el.getAttribute("data-level") && el.parentNode.clientWidth < need;
    if (narrow) {
      // a heatmap keeps a readable width on a phone; its own box scrolls sideways
      layout.autosize = false;
      layout.width = need;
    }
    window.Plotly.newPlot(el, fig.data, layout, { responsive: !narrow, displayModeBar: false });
    if (el.getAttribute("data-level")) { drill(el); }
  }

  function drill(el) {
    var rows = figureData("heat-rows") || [];
    var info = document.getElementById("drill");
    if (!info) { return; }
    el.on("plotly_click", function (event) {
      var pt = event && event.points && event.points[0];
      if (!pt) { return; }
      var index = Array.isArray(pt.pointNumber) ? pt.pointNumber[0] : pt.pointNumber;
      var label = rows[index];
      if (label === undefined) { return; }
      var base = info.getAttribute("data-base");
      var q = "?lang=" + encodeURIComponent(info.getAttribute("data-lang"));
      if (el.getAttribute("data-level") === "unit") {
        window.location.href = base + "/heatmaps" + q + "&metric=" + encodeURIComponent(info.getAttribute("data-metric")) +
          "&sort=" + encodeURIComponent(info.getAttribute("data-sort")) + "&unit=" + encodeURIComponent(label);
      } else {
        window.location.href = base + "/team" + q + "&name=" + encodeURIComponent(label);
      }
    });
  }

  // the page's language, from the catalogue (the element #csrf carries the text)
  function preparing() {
    var meta = document.getElementById("csrf");
    return (meta && meta.getAttribute("data-preparing")) || "…";
  }

  function setState(link, text) {
    var state = link.parentNode.querySelector(".job-state");
    if (state) { state.textContent = text; }
  }

  function startJob(link) {
    var meta = document.getElementById("csrf");
    var campaign = meta.getAttribute("data-campaign");
    var body = { format: link.getAttribute("data-format"), lang: link.getAttribute("data-lang") };
    if (link.getAttribute("data-team")) { body.team = link.getAttribute("data-team"); }
    link.setAttribute("aria-busy", "true");
    setState(link, preparing());
    fetch("/api/v1/campaigns/" + campaign + "/results/jobs", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta.getAttribute("data-token") },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, job: j }; }); })
      .then(function (res) {
        if (!res.ok) { throw new Error(res.job.detail || "error"); }
        poll(link, campaign, res.job);
      })
      .catch(function (err) { link.removeAttribute("aria-busy"); setState(link, String(err.message || err)); });
  }

  function poll(link, campaign, job) {
    if (job.state === "done") {
      link.removeAttribute("aria-busy");
      setState(link, "");
      var a = document.createElement("a");
      a.href = job.download;
      a.setAttribute("download", job.filename);
      a.setAttribute("data-testid", "job-file-" + job.format);
      a.textContent = job.filename;
      link.parentNode.querySelector(".job-state").appendChild(a);
      a.click();
      return;
    }
    if (job.state === "failed") { link.removeAttribute("aria-busy"); setState(link, job.detail); return; }
    setState(link, preparing() + " " + job.seconds + " s");
    window.setTimeout(function () {
      fetch("/api/v1/campaigns/" + campaign + "/results/jobs/" + job.id, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) { poll(link, campaign, j); });
    }, 600);
  }

  document.addEventListener("DOMContentLoaded", function () {
    // perception and structure side by side where both fit, else one below the other
    Array.prototype.forEach.call(document.querySelectorAll(".heat-panel"), function (panel) {
      var fig = figureData(panel.querySelector("[data-figure]").getAttribute("data-figure"));
      if (fig) { panel.style.flexBasis = neededWidth(fig) + "px"; }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-figure]"), draw);
    Array.prototype.forEach.call(document.querySelectorAll("a[data-slow='true']"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (link.getAttribute("aria-busy") !== "true") { startJob(link); }
      });
    });
  });
})();
