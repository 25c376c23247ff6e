// Survey enhancements: autosave answers to this device and show progress.
// The survey works without this script; it only adds convenience.
(function () {
  "use strict";
  var done = document.querySelector("[data-survey-done]");
  if (done) {
    try {
      Object.keys(localStorage).forEach(function (k) { if (k.indexOf("aad-survey:") === 0) localStorage.removeItem(k); });
    } catch (e) { /* storage unavailable */ }
    return;
  }
  var form = document.getElementById("survey");
  if (!form) return;
  var key = "aad-survey:" + form.getAttribute("data-campaign");
  var total = parseInt(form.getAttribute("data-total"), 10);
  var label = form.getAttribute("data-label");
  var box = document.getElementById("progress");
  var bar = box.querySelector("progress");
  var text = box.querySelector(".progress-text");
  var serverFilled = form.querySelector("input[type=radio]:checked") !== null;

  function names() {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if ((el.type === "radio" || el.tagName === "TEXTAREA") && el.name) seen[el.name] = true;
    });
    return Object.keys(seen);
  }
  function collect() {
    var data = {};
    names().forEach(function (name) {
      var el = form.elements[name];
      if (el instanceof HTMLTextAreaElement) { if (el.value.trim()) data[name] = el.value; }
      else { var checked = form.querySelector("input[name='" + name + "']:checked"); if (checked) data[name] = checked.value; }
    });
    return data;
  }
  function update() {
    var n = Object.keys(collect()).length;
    bar.value = n;
    text.textContent = label.replace("{n}", n).replace("{total}", total);
  }
  function save() {
    try { localStorage.setItem(key, JSON.stringify(collect())); } catch (e) { /* storage full or blocked */ }
    update();
  }
  function restore() {
    if (serverFilled) return;
    var data;
    try { data = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { data = {}; }
    Object.keys(data).forEach(function (name) {
      var el = form.elements[name];
      if (!el) return;
      if (el instanceof HTMLTextAreaElement) { el.value = String(data[name]).slice(0, el.maxLength > 0 ? el.maxLength : 2000); return; }
      var radio = form.querySelector("input[name='" + name + "'][value='" + String(data[name]).replace(/[^0-9]/g, "") + "']");
      if (radio) radio.checked = true;
    });
  }
  restore();
  box.hidden = false;
  update();
  form.addEventListener("change", save);
  form.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA") save(); });
  var error = document.getElementById("error");
  if (error) error.focus();
})();
