/* Reading progress without an account: checkboxes, progress bars, topic states,
 * export / import (merge or replace) / reset, and the notes summary of the progress page. */
import * as store from "./store.js";
import * as notices from "./notices.js";
import { offer } from "./dialog.js";
import { download } from "./util.js";

export { download };

const MAX_IMPORT_BYTES = 1024 * 1024;
const STATE_LABELS = { todo: "未开始", doing: "进行中", done: "已完成", skipped: "已跳过" };

export function say(message, isError) {
  document.querySelectorAll("[data-jobbook-message]").forEach(function (el) {
    el.textContent = message;
    el.classList.toggle("jb-error", !!isError);
  });
}

function save(change) {
  if (!store.update(change)) notices.saveFailed();
  store.notify(); // also puts a refused checkbox back
}

function listOf(el, attr) {
  return (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
}

function topicState(data, topicId, items) {
  if (data.topics[topicId] === "skipped") return "skipped";
  const done = items.filter(function (id) { return data.items[id]; }).length;
  if (!items.length || done === 0) return "todo";
  return done === items.length ? "done" : "doing";
}

export function refresh(data) {
  document.querySelectorAll("input[data-jobbook-item]").forEach(function (box) {
    box.checked = !!data.items[box.getAttribute("data-jobbook-item")];
  });
  document.querySelectorAll("[data-jobbook-progress]").forEach(function (bar) {
    const items = listOf(bar, "data-jobbook-items");
    const done = items.filter(function (id) { return data.items[id]; }).length;
    const pct = items.length ? Math.round((100 * done) / items.length) : 0;
    bar.setAttribute("aria-valuenow", String(pct));
    const fill = bar.querySelector(".jb-progress__fill");
    if (fill) fill.style.width = pct + "%";
    const label = bar.querySelector(".jb-progress__label");
    if (label) label.textContent = done + " / " + items.length;
  });
  document.querySelectorAll("[data-jobbook-state]").forEach(function (el) {
    const id = el.getAttribute("data-jobbook-state");
    const state = topicState(data, id, listOf(el, "data-jobbook-items"));
    el.setAttribute("data-state", state);
    const label = el.querySelector(".jb-state__label");
    if (label) label.textContent = STATE_LABELS[state];
    const skip = el.querySelector("button[data-jobbook-skip]");
    if (skip) {
      skip.setAttribute("aria-pressed", state === "skipped" ? "true" : "false");
      skip.textContent = state === "skipped" ? "取消跳过" : "跳过";
    }
  });
  document.querySelectorAll("[data-jobbook-counts]").forEach(function (el) {
    const counts = { todo: 0, doing: 0, done: 0, skipped: 0 };
    const topics = JSON.parse(el.getAttribute("data-jobbook-counts") || "{}");
    Object.keys(topics).forEach(function (id) {
      counts[topicState(data, id, topics[id])] += 1;
    });
    Object.keys(counts).forEach(function (state) {
      const slot = el.querySelector('[data-count="' + state + '"]');
      if (slot) slot.textContent = String(counts[state]);
    });
  });
  document.querySelectorAll("[data-jobbook-graph-node]").forEach(function (node) {
    const items = listOf(node, "data-jobbook-items");
    node.setAttribute("data-state", topicState(data, node.getAttribute("data-jobbook-graph-node"), items));
  });
}

function exportProgress() {
  const data = notices.exportRecord();
  say("已导出 " + Object.keys(data.items).length + " 个已完成条目", false);
}

/* After a merge or replace (import, progress link): what happened, in one line. */
export function reportIncoming(result, source) {
  if (!result.how) {
    say("已取消" + source + "，当前进度未改变", false);
  } else if (!result.ok) {
    const failure = store.lastFailure();
    say(source + "失败：" + (failure ? failure.message : "无法写入本地存储") + "。当前进度未改变", true);
  } else {
    const n = Object.keys(store.read().items).length;
    const kept = result.kept.length ? "（" + result.kept.length + " 项超出上限，保留了本地的内容）" : "";
    say(result.how === "merge" ? "已合并" + source + "，现在共有 " + n + " 个已完成条目" + kept
      : "已导入 " + n + " 个已完成条目", false);
  }
}

function importProgress(file) {
  if (!file) return;
  if (file.size > MAX_IMPORT_BYTES) {
    say("导入失败：文件太大（超过 1 MB），当前进度未改变", true);
    return;
  }
  const reader = new FileReader();
  reader.onload = function () {
    let data;
    try {
      data = store.parse(String(reader.result).replace(/^\uFEFF/, ""));
    } catch (e) {
      say("导入失败：" + e.message + "。当前进度未改变", true);
      return;
    }
    say("请选择合并还是替换……", false);
    offer(data, "这个文件").then(function (result) { reportIncoming(result, "导入"); });
  };
  reader.onerror = function () {
    say("导入失败：无法读取文件，当前进度未改变", true);
  };
  reader.readAsText(file);
}

function onChange(event) {
  const target = event.target;
  if (target.matches && target.matches("input[data-jobbook-item]")) {
    const id = target.getAttribute("data-jobbook-item");
    const checked = target.checked;
    save(function (data) {
      if (checked) data.items[id] = true;
      else delete data.items[id];
    });
  } else if (target.matches && target.matches("input[data-jobbook-import]")) {
    importProgress(target.files && target.files[0]);
    target.value = "";
  }
}

function onClick(event) {
  const button = event.target.closest && event.target.closest("button");
  if (!button) return;
  if (button.hasAttribute("data-jobbook-print")) {
    window.print();
  } else if (button.hasAttribute("data-jobbook-export")) {
    exportProgress();
  } else if (button.hasAttribute("data-jobbook-reset")) {
    if (window.confirm("确定清空全部学习进度（含笔记、自己的链接和刷题记录）吗？建议先导出备份。")) {
      if (store.write(store.empty())) say("进度已清空", false);
      else say("无法清空：" + store.lastFailure().message, true);
      store.notify();
    }
  } else if (button.hasAttribute("data-jobbook-skip")) {
    const topic = button.getAttribute("data-jobbook-skip");
    save(function (data) {
      if (data.topics[topic] === "skipped") delete data.topics[topic];
      else data.topics[topic] = "skipped";
    });
  }
}

export function install() {
  document.addEventListener("change", onChange);
  document.addEventListener("click", onClick);
  store.subscribe(refresh);
}

export function init() {
  refresh(store.read());
}
