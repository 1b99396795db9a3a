/* Practice mode (spaced repetition with FSRS) and the review counts shown on question
 * pages. Cards and the scheduler are <script src> files loaded on demand, so the page
 * works from file:// under the CSP: each card file announces itself with a
 * "jobbook:questions" event. */
import * as store from "./store.js";
import { download, loadScript } from "./util.js";
import * as indexrows from "./indexrows.js";

const MASTERED_DAYS = 21; // a review card with an interval this long counts as mastered
const AREA_LABEL_ATTR = "data-area-label";
const RATING_NAMES = { 1: "重来", 2: "困难", 3: "良好", 4: "简单" };
const cards = {}; // id → {q, a, f}
document.addEventListener("jobbook:questions", function (event) {
  (event.detail.cards || []).forEach(function (card) { cards[card.id] = card; });
});
let ankiRows = null;
let practiceIndex = null; // id → [area, level, kind, paths], from practice-index.js
document.addEventListener("jobbook:practice-index", function (event) { practiceIndex = event.detail; });
document.addEventListener("jobbook:anki", function (event) { ankiRows = event.detail; });

/* ---------- review state ---------- */

function toCard(FSRS, saved, now) {
  if (!saved) return FSRS.createEmptyCard(new Date(now));
  return {
    due: new Date(saved.due), stability: saved.s, difficulty: saved.d, elapsed_days: saved.el,
    scheduled_days: saved.sd, learning_steps: saved.ls, reps: saved.r, lapses: saved.l,
    state: saved.st, last_review: saved.lr ? new Date(saved.lr) : undefined,
  };
}

function fromCard(card) {
  return {
    due: card.due.getTime(), s: card.stability, d: card.difficulty, el: card.elapsed_days,
    sd: card.scheduled_days, ls: card.learning_steps, r: card.reps, l: card.lapses,
    st: card.state, lr: card.last_review ? new Date(card.last_review).getTime() : 0,
  };
}

function endOfToday(now) {
  const d = new Date(now);
  d.setHours(23, 59, 59, 999);
  return d.getTime();
}

/* new / learning / mastered, and whether it is due by the end of today. */
export function status(saved, now) {
  if (!saved) return { kind: "new", due: false };
  const kind = saved.st === 2 && saved.sd >= MASTERED_DAYS ? "mastered" : "learning";
  return { kind: kind, due: saved.due <= endOfToday(now) };
}

function tally(ids, reviews, now) {
  const t = { new: 0, learning: 0, mastered: 0, due: 0 };
  ids.forEach(function (id) {
    const s = status(reviews[id], now);
    t[s.kind] += 1;
    if (s.due) t.due += 1;
  });
  return t;
}

function describe(t) {
  return "新 " + t.new + " · 学习中 " + t.learning + " · 已掌握 " + t.mastered + " · 今天到期 " + t.due;
}

/* Counts on the bank, area, stage and topic pages. */
export function refreshCounts(record) {
  const now = Date.now();
  document.querySelectorAll("[data-jobbook-qcounts]").forEach(function (box) {
    // A list of questions on a stage or topic page follows its counter; an area page's
    // counter covers the whole article.
    const list = box.nextElementSibling;
    const scope = list && list.tagName === "UL" ? list : box.closest("article") || document;
    const ids = Array.prototype.map.call(
      scope.querySelectorAll("[data-jobbook-question],[data-jobbook-qref]"),
      function (el) { return el.getAttribute("data-jobbook-question") || el.getAttribute("data-jobbook-qref"); }
    ).filter(function (id, i, all) { return id && all.indexOf(id) === i; });
    if (!ids.length) return;
    box.textContent = "练习进度：" + describe(tally(ids, record.reviews, now));
    box.hidden = false;
  });
  const cells = document.querySelectorAll("[data-jobbook-area-counts]");
  const list = document.querySelector("[data-jobbook-qlist]");
  if (!cells.length || !list) return;
  // every question of the area, also those of a chunked index not loaded yet
  indexrows.groups(list, "area", "jobbook-question").then(function (byArea) {
    cells.forEach(function (cell) {
      const ids = byArea[cell.getAttribute("data-jobbook-area-counts")] || [];
      cell.textContent = describe(tally(ids, record.reviews, now));
    });
  });
}

/* ---------- practice session ---------- */

function formatInterval(ms) {
  const min = Math.round(ms / 60000);
  if (min < 60) return Math.max(1, min) + " 分钟";
  const hours = Math.round(min / 60);
  if (hours < 24) return hours + " 小时";
  const days = Math.round(hours / 24);
  if (days < 31) return days + " 天";
  const months = Math.round(days / 30);
  return months < 12 ? months + " 个月" : (days / 365).toFixed(1) + " 年";
}

function Session(root, FSRS, index, scope, loadArea) {
  const f = FSRS.fsrs(FSRS.generatorParameters({ enable_fuzz: false }));
  const el = {
    card: root.querySelector("[data-jobbook-card]"),
    meta: root.querySelector("[data-card-meta]"),
    question: root.querySelector("[data-card-question]"),
    reveal: root.querySelector("[data-card-reveal]"),
    answer: root.querySelector("[data-card-answer]"),
    rate: root.querySelector("[data-card-rate]"),
    status: root.querySelector("[data-jobbook-practice-status]"),
  };
  const labels = {};
  root.querySelectorAll("select[name=area] option").forEach(function (o) {
    labels[o.value] = o.getAttribute(AREA_LABEL_ATTR) || o.textContent.replace(/（\d+）$/, "");
  });
  let current = null;
  let preview = null;
  let queue = [];
  let done = 0;

  function inScope(id) {
    const info = index[id];
    return (!scope.area || info[0] === scope.area) &&
      (!scope.level || info[1] === scope.level) &&
      (!scope.path || info[3].indexOf(scope.path) >= 0);
  }

  /* Due cards first (oldest due first), then new cards in bank order. */
  function build(now) {
    const reviews = store.read().reviews;
    const due = [];
    const fresh = [];
    Object.keys(index).filter(inScope).forEach(function (id) {
      const saved = reviews[id];
      if (!saved) {
        if (!scope.due) fresh.push(id);
      } else if (saved.due <= (scope.due ? endOfToday(now) : now)) {
        due.push(id);
      }
    });
    due.sort(function (a, b) { return reviews[a].due - reviews[b].due; });
    return due.concat(fresh);
  }

  /* Learning cards that are due again come first (a 重来 card returns after its step),
   * then the queue in order (due reviews, then new cards); when only cards in a future
   * learning step are left, the soonest is shown early. */
  function pickNext(now, reviews) {
    let best = -1;
    queue.forEach(function (id, i) {
      const r = reviews[id];
      if (r && r.st !== 2 && r.due <= now && (best < 0 || r.due < reviews[queue[best]].due)) best = i;
    });
    if (best >= 0) return best;
    best = queue.findIndex(function (id) { return !reviews[id] || reviews[id].due <= now; });
    if (best >= 0 || !queue.length) return best;
    return queue.reduce(function (b, id, i) { return reviews[id].due < reviews[queue[b]].due ? i : b; }, 0);
  }

  function next() {
    const now = Date.now();
    const pick = pickNext(now, store.read().reviews);
    if (pick < 0) {
      current = null;
      el.card.hidden = true;
      el.card.setAttribute("data-jobbook-card", "");
      el.status.textContent = done
        ? "本轮完成：复习了 " + done + " 张卡片。到期的卡片会在“只练今天到期的”里出现。"
        : "这个范围里现在没有要练的卡片。";
      return;
    }
    current = queue.splice(pick, 1)[0];
    const id = current;
    el.answer.hidden = true; // no rating of a card that is not on screen yet
    el.rate.hidden = true;
    // Cards arrive per area, when the first card of that area is dealt.
    loadArea(index[id][0]).then(function () {
      if (current === id) show(id, Date.now());
    }, function (error) {
      el.status.textContent = "载入失败：" + error.message;
    });
  }

  function show(id, now) {
    const card = cards[id];
    const info = index[id];
    el.card.hidden = false;
    el.card.setAttribute("data-jobbook-card", id);
    el.meta.textContent = (labels[info[0]] || info[0]) + " · 剩余 " + (queue.length + 1) + " 张";
    el.question.innerHTML = card.q; // build-time HTML from the escaped YAML
    el.answer.innerHTML = "";
    el.answer.hidden = true;
    el.rate.hidden = true;
    el.reveal.hidden = false;
    const saved = store.read().reviews[id];
    preview = f.repeat(toCard(FSRS, saved, now), new Date(now));
    el.rate.querySelectorAll("[data-rating]").forEach(function (button) {
      const r = +button.getAttribute("data-rating");
      const wait = preview[r].card.due.getTime() - now;
      button.querySelector("[data-interval]").textContent = "（" + formatInterval(wait) + "）";
      button.setAttribute("aria-label", RATING_NAMES[r] + "，" + formatInterval(wait) + "后再见");
    });
    el.status.textContent = "";
    el.question.focus({ preventScroll: true });
  }

  function reveal() {
    if (!current || !el.answer.hidden || !cards[current]) return;
    const card = cards[current];
    el.answer.innerHTML = card.a + card.f;
    el.answer.hidden = false;
    el.reveal.hidden = true;
    el.rate.hidden = false;
    const first = el.rate.querySelector('[data-rating="3"]');
    if (first) first.focus({ preventScroll: true });
  }

  function rate(r) {
    if (!current || el.answer.hidden) return;
    const now = Date.now();
    const saved = store.read().reviews[current];
    const result = f.next(toCard(FSRS, saved, now), new Date(now), r);
    const id = current;
    const ok = store.update(function (record) { record.reviews[id] = fromCard(result.card); });
    if (!ok) {
      el.status.textContent = "无法保存练习记录：浏览器禁止了本地存储，或存储空间已满。";
      return;
    }
    done += 1;
    // Learning steps (minutes away) come back in this session; longer intervals do not.
    if (result.card.due.getTime() <= endOfToday(now) && result.card.scheduled_days === 0) {
      queue.push(id);
    }
    store.notify();
    next();
  }

  queue = build(Date.now());
  return { next: next, reveal: reveal, rate: rate, size: function () { return queue.length; } };
}

function scopeOf(form) {
  return {
    area: form.elements.area.value,
    path: form.elements.path.value,
    level: form.elements.level.value,
    due: form.elements.due.checked,
  };
}

function initPractice() {
  const root = document.querySelector("[data-jobbook-practice]");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  const base = root.getAttribute("data-data-base");
  const form = root.querySelector("[data-jobbook-practice-scope]");
  const statusEl = root.querySelector("[data-jobbook-practice-status]");
  const params = new URLSearchParams(window.location.search);
  ["area", "path", "level"].forEach(function (name) {
    const value = params.get(name);
    const field = form.elements[name];
    if (value && field.querySelector('option[value="' + CSS.escape(value) + '"]')) field.value = value;
  });
  form.elements.due.checked = params.get("due") === "1";
  let session = null;

  function start() {
    const scope = scopeOf(form);
    const query = new URLSearchParams();
    ["area", "path", "level"].forEach(function (k) { if (scope[k]) query.set(k, scope[k]); });
    if (scope.due) query.set("due", "1");
    try {
      const qs = query.toString();
      history.replaceState(history.state, "", window.location.pathname + (qs ? "?" + qs : ""));
    } catch { /* file:// may refuse; the session still starts */ }
    statusEl.textContent = "正在载入……";
    const needed = [loadScript(base + "../vendor/ts-fsrs/fsrs.umd.js"), loadScript(base + "practice-index.js")];
    Promise.all(needed).then(function () {
      session = Session(root, window.FSRS, practiceIndex || {}, scope, function (area) {
        return loadScript(base + "questions-" + area + ".js");
      });
      statusEl.textContent = "";
      session.next();
    }, function (error) {
      statusEl.textContent = "载入失败：" + error.message;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    start();
  });
  root.addEventListener("click", function (event) {
    if (!session) return;
    const button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-card-reveal")) session.reveal();
    else if (button.hasAttribute("data-rating")) session.rate(+button.getAttribute("data-rating"));
  });
  document.addEventListener("keydown", function (event) {
    if (!session || !document.body.contains(root) || event.altKey || event.ctrlKey || event.metaKey) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    if (event.key === " " || event.key === "Spacebar") {
      if (tag === "button" && !event.target.hasAttribute("data-card-reveal")) return;
      event.preventDefault();
      session.reveal();
    } else if (/^[1-4]$/.test(event.key)) {
      event.preventDefault();
      session.rate(+event.key);
    }
  });
  start();
}

/* ---------- Anki export of a filtered selection ---------- */

function onExport(event) {
  const button = event.target.closest && event.target.closest("button[data-jobbook-qexport]");
  if (!button) return;
  const list = document.querySelector("[data-jobbook-qlist]");
  const base = new URL("../assets/data/", window.location.href).href;
  const selected = indexrows.selection(list, "jobbook-question"); // not only the rows shown
  Promise.all([selected, loadScript(base + "questions-anki.js")]).then(function (done) {
    const rows = done[0].map(function (id) { return ankiRows.rows[id]; }).filter(Boolean);
    download(ankiRows.header + rows.join("\n") + "\n", "ml-jobbook-questions-filtered.tsv",
      "text/tab-separated-values;charset=utf-8");
  });
}

export function install() {
  store.subscribe(refreshCounts);
  document.addEventListener("click", onExport);
}

export function init() {
  refreshCounts(store.read());
  initPractice();
}
