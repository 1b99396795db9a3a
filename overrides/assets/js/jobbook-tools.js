/* Resource filters, study plan and Markdown checklist download.
 * Each part only runs on pages that contain its markup. */
(function () {
  "use strict";

  var FILTERS = ["type", "lang", "free", "level", "tag", "path", "q"];

  /* ---------- resource index filters ---------- */
  function initFilters() {
    var form = document.querySelector("form[data-jobbook-filters]");
    var table = document.querySelector("table[data-jobbook-resources]");
    if (!form || !table || form.dataset.ready) return;
    form.dataset.ready = "1";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = document.querySelector("[data-jobbook-count]");

    var params = new URLSearchParams(window.location.search);
    FILTERS.forEach(function (name) {
      var field = form.elements[name];
      var value = params.get(name);
      if (field && value !== null) {
        if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
        field.value = value;
      }
    });

    function apply() {
      var f = {};
      FILTERS.forEach(function (name) { f[name] = (form.elements[name].value || "").trim(); });
      var words = f.q.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var d = row.dataset;
        var ok =
          (!f.type || d.type === f.type) &&
          (!f.lang || d.lang === f.lang) &&
          (!f.free || d.free === f.free) &&
          (!f.level || d.level === f.level) &&
          (!f.tag || d.tags.split(" ").indexOf(f.tag) >= 0) &&
          (!f.path || d.paths.split(" ").indexOf(f.path) >= 0) &&
          words.every(function (w) { return d.text.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = String(shown);
      var query = new URLSearchParams();
      FILTERS.forEach(function (name) { if (f[name]) query.set(name, f[name]); });
      var qs = query.toString();
      try {
        history.replaceState(history.state, "", window.location.pathname + (qs ? "?" + qs : "") + window.location.hash);
      } catch (e) { /* some file:// contexts refuse URL updates; filtering still works */ }
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    apply();
  }

  /* ---------- study plan ---------- */
  function parseDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : null;
  }
  function formatDate(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }
  function today() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }

  function initPlan() {
    document.querySelectorAll("[data-jobbook-plan]").forEach(function (plan) {
      if (plan.dataset.ready) return;
      plan.dataset.ready = "1";
      var form = plan.querySelector("form");
      if (!form.elements.start.value) form.elements.start.value = formatDate(today());
      function update() {
        var hours = parseFloat(form.elements.hours.value);
        var start = parseDate(form.elements.start.value);
        var total = plan.querySelector("[data-plan-total]");
        if (!(hours > 0) || start === null) {
          total.textContent = "请填写大于 0 的每周小时数和有效的开始日期。";
          return;
        }
        var day = 0; // days since start
        var DAY = 86400000;
        plan.querySelectorAll("tbody tr").forEach(function (row) {
          var weeks = parseFloat(row.dataset.weeks);
          var cellWeeks = row.querySelector("[data-plan-weeks]");
          var cellDates = row.querySelector("[data-plan-dates]");
          if (!(weeks > 0)) {
            cellWeeks.textContent = "持续";
            cellDates.textContent = formatDate(start + day * DAY) + " 起";
            return;
          }
          var days = Math.max(1, Math.round((weeks * parseFloat(row.dataset.hours) * 7) / hours));
          var firstWeek = Math.floor(day / 7) + 1;
          var lastWeek = Math.floor((day + days - 1) / 7) + 1;
          cellWeeks.textContent = firstWeek === lastWeek ? "第 " + firstWeek + " 周" : "第 " + firstWeek + "–" + lastWeek + " 周";
          cellDates.textContent = formatDate(start + day * DAY) + " ~ " + formatDate(start + (day + days - 1) * DAY);
          day += days;
        });
        total.textContent =
          "按每周 " + hours + " 小时，有固定时长的阶段共约 " + Math.ceil(day / 7) + " 周，预计 " +
          formatDate(start + (day - 1) * DAY) + " 完成。";
      }
      form.addEventListener("input", update);
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      update();
    });
  }

  /* ---------- Markdown checklist download ---------- */
  function checklistMarkdown(lines, done) {
    return lines
      .map(function (line) {
        return line.id ? "- [" + (done[line.id] ? "x" : " ") + "] " + line.t : line.t;
      })
      .join("\n") + "\n";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-jobbook-download-md]");
    if (!button) return;
    var data = document.querySelector("script[data-jobbook-checklist]");
    if (!data) return;
    var progress = window.jobbookProgress ? window.jobbookProgress.load() : { items: {} };
    var text = checklistMarkdown(JSON.parse(data.textContent), progress.items);
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
    link.download = button.getAttribute("data-jobbook-download-md");
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  });

  function start() {
    initFilters();
    initPlan();
  }
  if (window.document$) window.document$.subscribe(start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.jobbookTools = { checklistMarkdown: checklistMarkdown };
})();
