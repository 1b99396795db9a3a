/* Notices at the top of every page: an unreadable stored record (with the reader's
 * choices), a failed save, storage switched off, and the backup reminder. */
import * as store from "./store.js";
import { download, h } from "./util.js";

let saveProblem = null; // the last failed save {kind, message}, until dismissed or a save works

function container() {
  const article = document.querySelector("article.md-content__inner") || document.querySelector("main") || document.body;
  let box = article.querySelector(":scope > [data-jobbook-notices]");
  if (!box) {
    box = h("div", { class: "jb-notices", "data-jobbook-notices": true });
    article.insertBefore(box, article.firstChild);
  }
  return box;
}

function button(action, label, primary) {
  return h("button", { type: "button", class: "md-button" + (primary ? " md-button--primary" : ""), "data-notice-action": action }, label);
}

function problemNotice(state) {
  const p = state.problem;
  const why = p.kind === "newer"
    ? "它由更新版本的网站保存（格式版本 " + p.version + "），这个页面只认识到版本 " + store.VERSION + "。可能你打开的是较旧的离线版。"
    : "保存的数据已经损坏：" + p.message + "。";
  const kept = state.backedUp
    ? "原始数据原样留在浏览器里，另外已经备份了一份。"
    : "原始数据原样留在浏览器里（浏览器没有空间再备份一份，建议先导出）。";
  return h("div", { class: "jb-notice jb-notice--danger", role: "alert", "data-notice": "problem" },
    h("p", { class: "jb-notice__title" }, h("strong", null, "无法读取你保存的学习进度")),
    h("p", null, why + kept + "在你做出选择之前，本站不会写入任何内容，勾选和笔记也不会被保存。"),
    h("div", { class: "jb-notice__actions" },
      button("export-raw", "导出原始数据", true),
      button("fresh", "重新开始（保留备份）"),
      button("retry", "重试")));
}

function unavailableNotice() {
  return h("div", { class: "jb-notice jb-notice--warn", role: "status", "data-notice": "unavailable" },
    h("p", null, "浏览器禁用了本地存储（例如隐私模式或禁止了网站数据）：页面可以正常阅读，但勾选、笔记和刷题记录无法保存。"));
}

/* A failed save is shown where the reader is: fixed at the bottom of the window. */
function showToast(failure) {
  let toast = document.querySelector("body > [data-jobbook-toast]");
  if (!failure) {
    if (toast) toast.remove();
    return;
  }
  if (!toast) {
    toast = h("div", { class: "md-typeset jb-toast", "data-jobbook-toast": true, role: "alert" });
    document.body.appendChild(toast);
  }
  const blocked = failure.kind === "blocked";
  toast.textContent = "";
  toast.appendChild(h("div", { class: "jb-notice jb-notice--warn", "data-notice": "save" },
    h("p", null, "无法保存：" + failure.message + "。"),
    h("div", { class: "jb-notice__actions" },
      blocked ? button("show-problem", "查看页面顶部的提示", true) : null,
      button("close-save", "知道了"))));
}

function reminderNotice(due) {
  const since = due.exported ? "距离上次导出备份" : "自从开始记录进度";
  const what = due.changes >= store.REMIND_CHANGES
    ? "已经有 " + due.changes + " 次改动"
    : "已经过了 " + due.days + " 天";
  return h("div", { class: "jb-notice", role: "status", "data-notice": "reminder" },
    h("p", null, since + what + "。进度只保存在这个浏览器里，清理浏览器数据就会丢失，建议导出一份备份。"),
    h("div", { class: "jb-notice__actions" },
      button("export", "导出备份", true),
      button("dismiss", "稍后提醒")));
}

export function render() {
  const box = container();
  const state = store.state();
  const nodes = [];
  if (state.status === "blocked") nodes.push(problemNotice(state));
  if (state.status === "unavailable" && (saveProblem || document.querySelector("[data-jobbook-export]"))) {
    nodes.push(unavailableNotice());
  }
  const due = state.status === "ok" ? store.reminder() : null;
  if (due) nodes.push(reminderNotice(due));
  // Only touch the DOM when something changed: keeps focus and screen readers calm.
  showToast(saveProblem);
  const key = nodes.map(function (n) { return n.textContent; }).join("\n");
  if (box.getAttribute("data-shown") === key) return;
  box.setAttribute("data-shown", key);
  box.textContent = "";
  nodes.forEach(function (node) { box.appendChild(node); });
}

/* After a failed store.update / store.write: say why, on every page. */
export function saveFailed() {
  saveProblem = store.lastFailure();
  render();
}

export function exportRecord() {
  const data = store.read();
  download(JSON.stringify(data, null, 2) + "\n", "ml-jobbook-progress.json", "application/json");
  store.markExported();
  return data;
}

function onClick(event) {
  const el = event.target.closest && event.target.closest("[data-notice-action]");
  if (!el) return;
  const action = el.getAttribute("data-notice-action");
  if (action === "export-raw") {
    const raw = store.rawText();
    if (raw !== null) download(raw, "ml-jobbook-progress-raw.txt", "text/plain;charset=utf-8");
  } else if (action === "fresh") {
    if (!store.startFresh()) saveFailed();
  } else if (action === "retry") {
    store.retry();
  } else if (action === "close-save") {
    saveProblem = null;
  } else if (action === "show-problem") {
    saveProblem = null;
    const problem = container().querySelector('[data-notice="problem"]');
    if (problem) {
      problem.scrollIntoView({ block: "start" });
      problem.querySelector("button").focus();
    }
  } else if (action === "export") {
    exportRecord();
  } else if (action === "dismiss") {
    store.dismissReminder();
  }
  render();
}

export function install() {
  document.addEventListener("click", onClick);
  store.subscribe(function () {
    if (!store.lastFailure()) saveProblem = null;
    render();
  });
}

export function init() {
  render();
}
