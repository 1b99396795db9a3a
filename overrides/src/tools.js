/* Resource and question filters (indexrows.js), study plan and Markdown checklist
 * download. Each part only runs on pages that contain its markup. */
import * as store from "./store.js";
import { download } from "./progress.js";
import { initFilters } from "./indexrows.js";

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
function mdText(text) {
  return text.replace(/\s+/g, " ").trim().replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

function mdUrl(url) {
  return url.replace(/[()<>\s]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); });
}

/* The path's lines with the reader's ticks, and under each topic their note (quoted)
 * and own links ("topic" / "end" lines mark where a topic starts and ends). */
export function checklistMarkdown(lines, record) {
  const out = [];
  lines.forEach(function (line) {
    if (line.end && record.links[line.end]) {
      record.links[line.end].forEach(function (l) {
        out.push("- [" + mdText(l.t) + "](" + mdUrl(l.u) + ")（我添加的链接）");
      });
    }
    out.push(line.id ? "- [" + (record.items[line.id] ? "x" : " ") + "] " + line.t : line.t);
    if (line.topic && record.notes[line.topic]) {
      out.push("", "> **我的笔记**", ">");
      record.notes[line.topic].replace(/\r\n?/g, "\n").split("\n").forEach(function (text) {
        out.push(text ? "> " + text : ">");
      });
    }
  });
  return out.join("\n") + "\n";
}

function onDownload(event) {
  const button = event.target.closest && event.target.closest("button[data-jobbook-download-md]");
  if (!button) return;
  const data = document.querySelector("script[data-jobbook-checklist]");
  if (!data) return;
  const text = checklistMarkdown(JSON.parse(data.textContent), store.read());
  download(text, button.getAttribute("data-jobbook-download-md"), "text/markdown;charset=utf-8");
}

export function install() {
  document.addEventListener("click", onDownload);
}

export function init() {
  initFilters();
  initPlan();
}

