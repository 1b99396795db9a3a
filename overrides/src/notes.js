/* Personal notes (plain text, autosaved) and own resource links per topic, inside each
 * topic's "我的笔记与链接" box; the progress page counts and lists them. */
import * as store from "./store.js";
import * as notices from "./notices.js";
import { cleanTitle, cleanUrl, LINKS_MAX, NOTE_MAX, TITLE_MAX, URL_MAX } from "./record.js";
import { assetsUrl, h, loadScript } from "./util.js";

const SAVE_DELAY = 500; // ms after the last keystroke
const pending = {}; // topic → {value, timer}
// Topics whose note was saved during this page view: autosaves of one sitting count as
// one change towards the backup reminder, not one per pause in typing.
const counted = {};

function build(box) {
  const topic = box.getAttribute("data-jobbook-notes");
  const placeholder = box.querySelector(".jb-notes__nojs");
  if (placeholder) placeholder.remove();
  box.appendChild(h("div", { class: "jb-notes__body" },
    h("label", { class: "jb-notes__label" },
      h("span", null, "笔记（纯文本，只保存在这个浏览器里，输入后自动保存）"),
      h("textarea", { "data-jobbook-note": topic, rows: 5, maxlength: NOTE_MAX, spellcheck: "false" })),
    h("p", { class: "jb-notes__status", role: "status", "data-note-status": true }),
    h("p", { class: "jb-notes__subtitle" }, "我添加的资源链接"),
    h("ul", { class: "jb-mylinks", "data-jobbook-mylinks": topic }),
    h("form", { class: "jb-mylink-form", "data-jobbook-link-form": topic, novalidate: true },
      h("label", null, h("span", null, "标题"),
        h("input", { name: "title", type: "text", maxlength: TITLE_MAX, autocomplete: "off" })),
      h("label", null, h("span", null, "网址"),
        h("input", { name: "url", type: "url", maxlength: URL_MAX, autocomplete: "off", placeholder: "https://", inputmode: "url" })),
      h("button", { type: "submit", class: "md-button" }, "添加链接")),
    h("p", { class: "jb-mylink-error", role: "alert", "data-link-error": true })));
  box.setAttribute("data-ready", "");
}

function status(topic, text) {
  document.querySelectorAll("[data-jobbook-notes]").forEach(function (box) {
    if (box.getAttribute("data-jobbook-notes") !== topic) return;
    const el = box.querySelector("[data-note-status]");
    if (el) el.textContent = text;
  });
}

function flush(topic) {
  const job = pending[topic];
  if (!job) return;
  clearTimeout(job.timer);
  delete pending[topic];
  const ok = store.update(function (record) {
    if (job.value.trim() === "") delete record.notes[topic];
    else record.notes[topic] = job.value;
  }, !counted[topic]);
  if (ok) counted[topic] = true;
  if (!ok) {
    notices.saveFailed();
    status(topic, "笔记没有保存：文字还在输入框里，请先复制一份。");
  } else {
    status(topic, job.value.trim() === "" ? "笔记已清空" : "笔记已自动保存");
  }
  store.notify();
}

export function flushAll() {
  Object.keys(pending).forEach(flush);
}

function onInput(event) {
  const area = event.target;
  if (!area.matches || !area.matches("textarea[data-jobbook-note]")) return;
  const topic = area.getAttribute("data-jobbook-note");
  if (pending[topic]) clearTimeout(pending[topic].timer);
  pending[topic] = { value: area.value, timer: setTimeout(function () { flush(topic); }, SAVE_DELAY) };
  status(topic, "正在保存……");
}

function onFocusOut(event) {
  if (event.target.matches && event.target.matches("textarea[data-jobbook-note]")) {
    flush(event.target.getAttribute("data-jobbook-note"));
  }
}

function addLink(form) {
  const topic = form.getAttribute("data-jobbook-link-form");
  const error = form.parentNode.querySelector("[data-link-error]");
  const title = cleanTitle(form.elements.title.value);
  const url = cleanUrl(form.elements.url.value);
  let problem = "";
  if (title === null) problem = "请填写标题（不超过 " + TITLE_MAX + " 个字）。";
  else if (url === null) problem = "网址要以 http:// 或 https:// 开头，是完整的网址，且不含空格。";
  const current = store.read().links[topic] || [];
  if (!problem && current.some(function (l) { return l.u === url; })) problem = "这个专题已经有这个链接了。";
  if (!problem && current.length >= LINKS_MAX) problem = "每个专题最多 " + LINKS_MAX + " 个自己的链接。";
  error.textContent = problem;
  if (problem) {
    (title === null ? form.elements.title : form.elements.url).focus();
    return;
  }
  const ok = store.update(function (record) {
    const list = (record.links[topic] || []).filter(function (l) { return l.u !== url; });
    if (list.length >= LINKS_MAX) return false;
    list.push({ t: title, u: url });
    record.links[topic] = list;
  });
  if (!ok) {
    notices.saveFailed();
    error.textContent = "链接没有保存：" + store.lastFailure().message + "。";
  } else {
    form.reset();
    status(topic, "已添加链接：" + title);
  }
  store.notify();
}

function removeLink(topic, url) {
  const ok = store.update(function (record) {
    const list = (record.links[topic] || []).filter(function (l) { return l.u !== url; });
    if (list.length) record.links[topic] = list;
    else delete record.links[topic];
  });
  if (!ok) notices.saveFailed();
  else status(topic, "已删除链接");
  store.notify();
}

function onSubmit(event) {
  const form = event.target;
  if (!form.matches || !form.matches("form[data-jobbook-link-form]")) return;
  event.preventDefault();
  addLink(form);
}

function onClick(event) {
  const button = event.target.closest && event.target.closest("button[data-remove-link]");
  if (!button) return;
  const list = button.closest("[data-jobbook-mylinks]");
  removeLink(list.getAttribute("data-jobbook-mylinks"), button.getAttribute("data-remove-link"));
}

function host(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

function linkItem(link) {
  return h("li", null,
    h("a", { href: link.u, rel: "noopener noreferrer nofollow" }, link.t),
    " ", h("span", { class: "jb-mylink-host" }, host(link.u)), " ",
    h("button", { type: "button", class: "jb-mylink-remove", "data-remove-link": link.u, "aria-label": "删除链接：" + link.t }, "删除"));
}

function summaryText(note, links) {
  const parts = [];
  if (note) parts.push("有笔记");
  if (links) parts.push(links + " 个链接");
  return parts.length ? "（" + parts.join(" · ") + "）" : "";
}

export function refresh(record) {
  document.querySelectorAll("details[data-jobbook-notes]").forEach(function (box) {
    if (!box.hasAttribute("data-ready")) build(box);
    const topic = box.getAttribute("data-jobbook-notes");
    const note = record.notes[topic] || "";
    const links = record.links[topic] || [];
    const area = box.querySelector("textarea[data-jobbook-note]");
    // Never overwrite what the reader is typing; other tabs' notes arrive otherwise.
    if (!pending[topic] && document.activeElement !== area && area.value !== note) area.value = note;
    const list = box.querySelector("[data-jobbook-mylinks]");
    const shown = Array.prototype.map.call(list.querySelectorAll("a"), function (a) { return a.getAttribute("href") + "\n" + a.textContent; });
    const want = links.map(function (l) { return l.u + "\n" + l.t; });
    if (shown.join("\n\n") !== want.join("\n\n")) {
      list.textContent = "";
      links.forEach(function (l) { list.appendChild(linkItem(l)); });
    }
    const count = box.querySelector("[data-jobbook-notes-count]");
    if (count) count.textContent = summaryText(note, links.length);
  });
  refreshSummary(record);
}

/* Topic id → [title, link from the site root]: a <script src> data file (it grows with
 * the roadmap, so it is not inlined into the progress page). */
let topicPages = null;
document.addEventListener("jobbook:topic-pages", function (event) { topicPages = event.detail; });

/* The progress page: how many topics have notes and own links, with links to them. */
function refreshSummary(record) {
  const summary = document.querySelector("[data-jobbook-notes-summary]");
  if (!summary) return;
  const c = store.counts(record);
  summary.querySelector('[data-count="notes"]').textContent = String(c.notes);
  summary.querySelector('[data-count="links"]').textContent = String(c.links);
  const list = document.querySelector("[data-jobbook-notes-list]");
  if (!list) return;
  const topics = Object.keys(record.notes).concat(Object.keys(record.links)).filter(function (t, i, all) {
    return all.indexOf(t) === i;
  }).sort();
  if (topics.length && topicPages === null) {
    const settle = function () { topicPages = topicPages || {}; refreshSummary(store.read()); };
    loadScript(assetsUrl() + "data/topic-pages.js").then(settle, settle);
    return;
  }
  const pages = topicPages || {};
  list.textContent = "";
  topics.forEach(function (topic) {
    const page = Object.prototype.hasOwnProperty.call(pages, topic) ? pages[topic] : null;
    const note = record.notes[topic] || "";
    const label = page ? h("a", { href: page[1] }, page[0]) : h("span", null, topic + "（已不在路线图中）");
    const preview = note.length > 60 ? note.slice(0, 60) + "…" : note;
    list.appendChild(h("li", null, label, summaryText(note, (record.links[topic] || []).length),
      preview ? h("span", { class: "jb-notes-preview" }, "：" + preview.replace(/\s+/g, " ")) : null));
  });
}

export function install() {
  document.addEventListener("input", onInput);
  document.addEventListener("focusout", onFocusOut);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onClick);
  window.addEventListener("pagehide", flushAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAll();
  });
  store.subscribe(refresh);
}

export function init() {
  refresh(store.read());
}
