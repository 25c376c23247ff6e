// Updates the sendings' progress on the page while one is running (no reload needed).
(function () {
  "use strict";
  var box = document.getElementById("mail-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var pattern = box.getAttribute("data-progress");
  var states = JSON.parse(box.getAttribute("data-states"));

  function text(job) {
    return pattern.replace("{sent}", job.sent).replace("{failed}", job.failed)
      .replace("{waiting}", job.waiting).replace("{queued}", job.queued);
  }

  function update(status) {
    Object.keys(status.participants).forEach(function (state) {
      var el = box.querySelector('[data-count="' + state + '"]');
      if (el) { el.textContent = status.participants[state]; }
    });
    var running = false;
    status.jobs.forEach(function (job) {
      var row = box.querySelector('[data-job="' + job.id + '"]');
      running = running || job.state === "running" || job.state === "scheduled";
      if (!row) { return; }
      row.querySelector('[data-field="state"]').textContent = states[job.state] || job.state;
      var bar = row.querySelector("progress");
      bar.max = Math.max(job.queued, 1);
      bar.value = job.sent + job.failed;
      row.querySelector('[data-field="text"]').textContent = text(job);
    });
    return running;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) {
        if (status && update(status)) { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
}());
