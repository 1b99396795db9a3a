/* Resource filters, study plan and Markdown checklist download.
 * Each part only runs on pages that contain its markup. */
import * as store from "./store.js";
import { download } from "./progress.js";

/* ---------- index filters (resources, questions) ---------- */
// Every filter field is a data-* attribute of the rows: exact match, a word of a
// space-separated list (tags, paths), or words of the lowercase text (q).
const LISTS = { tag: "tags", path: "paths" };

function bindFilters(form, rows) {
  if (form.dataset.ready) return;
  form.dataset.ready = "1";
  const names = Array.prototype.filter.call(form.elements, function (el) { return el.name; })
    .map(function (el) { return el.name; });
  const count = document.querySelector("[data-jobbook-count]");

  const params = new URLSearchParams(window.location.search);
  names.forEach(function (name) {
    const field = form.elements[name];
    const value = params.get(name);
    if (field && value !== null) {
      if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
      field.value = value;
    }
  });

  function matches(d, name, value) {
    if (!value) return true;
    if (name === "q") {
      return value.toLowerCase().split(/\s+/).filter(Boolean).every(function (w) {
        return d.text.indexOf(w) >= 0;
      });
    }
    if (LISTS[name]) return (d[LISTS[name]] || "").split(" ").indexOf(value) >= 0;
    return d[name] === value;
  }

  function apply() {
    const f = {};
    names.forEach(function (name) { f[name] = (form.elements[name].value || "").trim(); });
    let shown = 0;
    rows.forEach(function (row) {
      const ok = names.every(function (name) { return matches(row.dataset, name, f[name]); });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    if (count) count.textContent = String(shown);
    const query = new URLSearchParams();
    names.forEach(function (name) { if (f[name]) query.set(name, f[name]); });
    const qs = query.toString();
    try {
      history.replaceState(history.state, "", window.location.pathname + (qs ? "?" + qs : "") + window.location.hash);
    } catch { /* some file:// contexts refuse URL updates; filtering still works */ }
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  apply();
}

function initFilters() {
  const form = document.querySelector("form[data-jobbook-filters]");
  const table = document.querySelector("table[data-jobbook-resources]");
  if (form && table) bindFilters(form, Array.prototype.slice.call(table.tBodies[0].rows));
  const qform = document.querySelector("form[data-jobbook-qfilters]");
  const list = document.querySelector("[data-jobbook-qlist]");
  if (qform && list) bindFilters(qform, Array.prototype.slice.call(list.children));
}

/* ---------- study plan ---------- */
function parseDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : null;
}
function formatDate(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}
function today() {
  const now = new Date();
  return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
}

function initPlan() {
  document.querySelectorAll("[data-jobbook-plan]").forEach(function (plan) {
    if (plan.dataset.ready) return;
    plan.dataset.ready = "1";
    const form = plan.querySelector("form");
    if (!form.elements.start.value) form.elements.start.value = formatDate(today());
    function update() {
      const hours = parseFloat(form.elements.hours.value);
      const start = parseDate(form.elements.start.value);
      const total = plan.querySelector("[data-plan-total]");
      if (!(hours > 0) || start === null) {
        total.textContent = "请填写大于 0 的每周小时数和有效的开始日期。";
        return;
      }
      let day = 0; // days since start
      const DAY = 86400000;
      plan.querySelectorAll("tbody tr").forEach(function (row) {
        const weeks = parseFloat(row.dataset.weeks);
        const cellWeeks = row.querySelector("[data-plan-weeks]");
        const cellDates = row.querySelector("[data-plan-dates]");
        if (!(weeks > 0)) {
          cellWeeks.textContent = "持续";
          cellDates.textContent = formatDate(start + day * DAY) + " 起";
          return;
        }
        const days = Math.max(1, Math.round((weeks * parseFloat(row.dataset.hours) * 7) / hours));
        const firstWeek = Math.floor(day / 7) + 1;
        const lastWeek = Math.floor((day + days - 1) / 7) + 1;
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
export function checklistMarkdown(lines, done) {
  return lines
    .map(function (line) {
      return line.id ? "- [" + (done[line.id] ? "x" : " ") + "] " + line.t : line.t;
    })
    .join("\n") + "\n";
}

function onDownload(event) {
  const button = event.target.closest && event.target.closest("button[data-jobbook-download-md]");
  if (!button) return;
  const data = document.querySelector("script[data-jobbook-checklist]");
  if (!data) return;
  const text = checklistMarkdown(JSON.parse(data.textContent), store.read().items);
  download(text, button.getAttribute("data-jobbook-download-md"), "text/markdown;charset=utf-8");
}

export function install() {
  document.addEventListener("click", onDownload);
}

export function init() {
  initFilters();
  initPlan();
}

