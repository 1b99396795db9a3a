/* Reading progress without an account: checkboxes, progress bars, topic
 * states, export / import / reset. Everything stays in localStorage. */
(function () {
  "use strict";

  var KEY = "ml-jobbook-progress";
  var VERSION = 1;
  var MAX_IMPORT_BYTES = 1024 * 1024;
  var ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?$/;
  var FIELDS = ["version", "items", "topics"];
  var STATES = { skipped: true };
  var STATE_LABELS = { todo: "未开始", doing: "进行中", done: "已完成", skipped: "已跳过" };

  function empty() {
    return { version: VERSION, items: Object.create(null), topics: Object.create(null) };
  }

  /* Parse and check a progress document; throws Error with a reader-facing message. */
  function parse(text) {
    var raw;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error("文件不是有效的 JSON");
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      throw new Error("文件内容应该是一个 JSON 对象");
    }
    if (raw.version !== VERSION) {
      throw new Error("不认识的进度文件版本：" + String(raw.version).slice(0, 20));
    }
    // Any other JSON that happens to say "version": 1 must not wipe the progress.
    Object.keys(raw).forEach(function (key) {
      if (FIELDS.indexOf(key) === -1) throw new Error("无法识别的字段：" + key.slice(0, 40));
    });
    if (raw.items === undefined) throw new Error("缺少 items 字段");
    var out = empty();
    copy(raw.items, out.items, function (v) { return v === true; }, "items");
    copy(raw.topics, out.topics, function (v) { return STATES[v] === true; }, "topics");
    return out;
  }

  function copy(source, target, valid, name) {
    if (source === undefined) return;
    if (!source || typeof source !== "object" || Array.isArray(source)) {
      throw new Error("字段 " + name + " 应该是对象");
    }
    Object.keys(source).forEach(function (key) {
      if (!ID.test(key)) throw new Error(name + " 中有无效的键：" + key.slice(0, 40));
      if (!valid(source[key])) throw new Error(name + " 中 " + key.slice(0, 40) + " 的值无效");
      target[key] = source[key];
    });
  }

  function load() {
    try {
      var text = window.localStorage.getItem(KEY);
      return text ? parse(text) : empty();
    } catch (e) {
      return empty();
    }
  }

  function save(data) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
    } catch (e) {
      say("无法保存进度：浏览器禁止了本地存储", true);
    }
  }

  function say(message, isError) {
    document.querySelectorAll("[data-jobbook-message]").forEach(function (el) {
      el.textContent = message;
      el.classList.toggle("jb-error", !!isError);
    });
  }

  function listOf(el, attr) {
    return (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
  }

  function topicState(data, topicId, items) {
    if (data.topics[topicId] === "skipped") return "skipped";
    var done = items.filter(function (id) { return data.items[id]; }).length;
    if (!items.length || done === 0) return "todo";
    return done === items.length ? "done" : "doing";
  }

  function refresh(data) {
    document.querySelectorAll("input[data-jobbook-item]").forEach(function (box) {
      box.checked = !!data.items[box.getAttribute("data-jobbook-item")];
    });
    document.querySelectorAll("[data-jobbook-progress]").forEach(function (bar) {
      var items = listOf(bar, "data-jobbook-items");
      var done = items.filter(function (id) { return data.items[id]; }).length;
      var pct = items.length ? Math.round((100 * done) / items.length) : 0;
      bar.setAttribute("aria-valuenow", String(pct));
      var fill = bar.querySelector(".jb-progress__fill");
      if (fill) fill.style.width = pct + "%";
      var label = bar.querySelector(".jb-progress__label");
      if (label) label.textContent = done + " / " + items.length;
    });
    document.querySelectorAll("[data-jobbook-state]").forEach(function (el) {
      var id = el.getAttribute("data-jobbook-state");
      var state = topicState(data, id, listOf(el, "data-jobbook-items"));
      el.setAttribute("data-state", state);
      var label = el.querySelector(".jb-state__label");
      if (label) label.textContent = STATE_LABELS[state];
      var skip = el.querySelector("button[data-jobbook-skip]");
      if (skip) {
        skip.setAttribute("aria-pressed", state === "skipped" ? "true" : "false");
        skip.textContent = state === "skipped" ? "取消跳过" : "跳过";
      }
    });
    document.querySelectorAll("[data-jobbook-counts]").forEach(function (el) {
      var counts = { todo: 0, doing: 0, done: 0, skipped: 0 };
      var topics = JSON.parse(el.getAttribute("data-jobbook-counts") || "{}");
      Object.keys(topics).forEach(function (id) {
        counts[topicState(data, id, topics[id])] += 1;
      });
      Object.keys(counts).forEach(function (state) {
        var slot = el.querySelector('[data-count="' + state + '"]');
        if (slot) slot.textContent = String(counts[state]);
      });
    });
    document.querySelectorAll("[data-jobbook-graph-node]").forEach(function (node) {
      var items = listOf(node, "data-jobbook-items");
      node.setAttribute("data-state", topicState(data, node.getAttribute("data-jobbook-graph-node"), items));
    });
  }

  function exportProgress() {
    var data = load();
    var blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "ml-jobbook-progress.json";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 0);
    say("已导出 " + Object.keys(data.items).length + " 个已完成条目", false);
  }

  function importProgress(file) {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      say("导入失败：文件太大（超过 1 MB），当前进度未改变", true);
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var data = parse(String(reader.result));
      } catch (e) {
        say("导入失败：" + e.message + "。当前进度未改变", true);
        return;
      }
      save(data);
      refresh(data);
      say("已导入 " + Object.keys(data.items).length + " 个已完成条目", false);
    };
    reader.onerror = function () {
      say("导入失败：无法读取文件，当前进度未改变", true);
    };
    reader.readAsText(file);
  }

  function onChange(event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-jobbook-item]")) {
      var data = load();
      var id = target.getAttribute("data-jobbook-item");
      if (target.checked) data.items[id] = true;
      else delete data.items[id];
      save(data);
      refresh(data);
    } else if (target.matches && target.matches("input[data-jobbook-import]")) {
      importProgress(target.files && target.files[0]);
      target.value = "";
    }
  }

  function onClick(event) {
    var button = event.target.closest && event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-jobbook-print")) {
      window.print();
    } else if (button.hasAttribute("data-jobbook-export")) {
      exportProgress();
    } else if (button.hasAttribute("data-jobbook-reset")) {
      if (window.confirm("确定清空全部学习进度吗？建议先导出备份。")) {
        save(empty());
        refresh(empty());
        say("进度已清空", false);
      }
    } else if (button.hasAttribute("data-jobbook-skip")) {
      var data = load();
      var topic = button.getAttribute("data-jobbook-skip");
      if (data.topics[topic] === "skipped") delete data.topics[topic];
      else data.topics[topic] = "skipped";
      save(data);
      refresh(data);
    }
  }

  document.addEventListener("change", onChange);
  document.addEventListener("click", onClick);
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) refresh(load());
  });

  function start() {
    refresh(load());
  }
  // document$ (Material) fires on instant navigation; it does not replay the
  // first page to late subscribers, so the first page is handled here too.
  if (window.document$) window.document$.subscribe(start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.jobbookProgress = { parse: parse, load: load };
})();
