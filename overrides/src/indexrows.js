/* Index pages (resources, question bank): filters that live in the URL, over rows that
 * may come in chunks. The page holds the first rows, so it shows content without
 * JavaScript; a longer index (data-jobbook-rows on the list) ships the rest as
 * <script src> files written by src/jobbook/core/indexrows.py, each announcing its rows
 * with a "jobbook:rows" event (a fetch() of a local file fails from file://). They are
 * loaded when a filter is set or the reader asks for more rows, and only the rows on
 * screen become elements. */

const received = {}; // list name → first row → detail
const groupsOf = {}; // list name → field → value → ids
document.addEventListener("jobbook:rows", function (event) {
  const d = event.detail || {};
  if (d.groups) groupsOf[d.list] = d.groups;
  else (received[d.list] = received[d.list] || {})[d.start] = d;
});

const scripts = {}; // absolute src → Promise
function loadScript(src) {
  const url = new URL(src, document.baseURI).href;
  if (!scripts[url]) {
    scripts[url] = new Promise(function (resolve, reject) {
      const el = document.createElement("script");
      el.src = url;
      el.onload = resolve;
      el.onerror = function () {
        delete scripts[url];
        reject(new Error("无法加载 " + src));
      };
      document.head.appendChild(el);
    });
  }
  return scripts[url];
}

function bodyOf(holder) {
  return holder.tBodies ? holder.tBodies[0] : holder;
}

/* The rows of one index: records {el} for rows in the page, {v} (attribute values, then
 * the cells' HTML) for rows from data files until they are shown. */
function RowList(holder) {
  const body = bodyOf(holder);
  const name = holder.getAttribute("data-jobbook-rows");
  const chunks = (holder.getAttribute("data-chunks") || "").split(" ").filter(Boolean);
  const records = Array.prototype.map.call(body.children, function (el) { return { el: el }; });
  const head = records.length;
  const tag = body.tagName === "TBODY" ? "tr" : "li";
  let fields = [];
  let column = {};
  let next = head; // first row of the next chunk to take in
  const list = {
    records: records,
    pageSize: name ? head : Infinity,
    total: name ? Number(holder.getAttribute("data-total")) : head,
    complete: !name,
  };

  function take() {
    const got = received[name] || {};
    while (got[next]) {
      const d = got[next];
      if (!fields.length) {
        fields = d.fields;
        column = {};
        fields.forEach(function (f, i) { column[f] = i; });
      }
      d.rows.forEach(function (v) { records.push({ v: v }); });
      next += d.rows.length;
    }
    if (records.length >= list.total) list.complete = true;
  }

  /* Promise: at least `count` rows are here (every row without a count). */
  list.load = function (count) {
    if (list.complete) return Promise.resolve();
    const want = count === undefined ? chunks.length : Math.ceil((count - head) / head);
    return Promise.all(chunks.slice(0, Math.min(want, chunks.length)).map(loadScript)).then(take);
  };

  list.value = function (rec, field) {
    return rec.el ? rec.el.getAttribute("data-" + field) || "" : rec.v[column[field]] || "";
  };

  function build(rec) {
    const el = document.createElement(tag);
    fields.forEach(function (f, i) { el.setAttribute("data-" + f, rec.v[i]); });
    el.innerHTML = rec.v[fields.length];
    return el;
  }

  /* Show the first `limit` of `matching` (in index order), hide every other element. */
  list.render = function (matching, limit) {
    const on = new Set(matching.slice(0, limit));
    let prev = null;
    records.forEach(function (rec) {
      if (!rec.el && !on.has(rec)) return;
      if (!rec.el) rec.el = build(rec);
      rec.el.hidden = !on.has(rec);
      const want = prev ? prev.nextSibling : body.firstChild;
      if (rec.el !== want) body.insertBefore(rec.el, want);
      prev = rec.el;
    });
  };
  return list;
}

// Every filter field is a data-* attribute of the rows: exact match, a word of a
// space-separated list (tags, paths), or words of the lowercase text (q).
const LISTS = { tag: "tags", path: "paths", q: "text" };
const bound = new Map(); // list element → {list, matching()}

function bindFilters(form, holder) {
  if (form.dataset.ready) return;
  form.dataset.ready = "1";
  const list = RowList(holder);
  const names = Array.prototype.filter.call(form.elements, function (el) { return el.name; })
    .map(function (el) { return el.name; });
  const count = document.querySelector("[data-jobbook-count]");
  const more = document.querySelector("button[data-jobbook-more]");
  let limit = list.pageSize;
  let failed = null;

  const params = new URLSearchParams(window.location.search);
  names.forEach(function (name) {
    const field = form.elements[name];
    const value = params.get(name);
    if (field && value !== null) {
      if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
      field.value = value;
    }
  });

  function filters() {
    const f = {};
    names.forEach(function (name) { f[name] = (form.elements[name].value || "").trim(); });
    return f;
  }

  function matches(rec, name, value) {
    if (!value) return true;
    const data = list.value(rec, LISTS[name] || name);
    if (name === "q") {
      return value.toLowerCase().split(/\s+/).filter(Boolean).every(function (w) {
        return data.indexOf(w) >= 0;
      });
    }
    if (LISTS[name]) return data.split(" ").indexOf(value) >= 0;
    return data === value;
  }

  function matching(f) {
    return list.records.filter(function (rec) {
      return names.every(function (name) { return matches(rec, name, f[name]); });
    });
  }

  function fail(error) {
    failed = error;
    apply();
  }

  function apply() {
    const f = filters();
    const active = names.some(function (name) { return f[name]; });
    const loading = active && !list.complete && !failed;
    if (loading) list.load().then(apply, fail);
    const rows = matching(f);
    list.render(rows, limit);
    const total = active ? rows.length : list.total;
    if (count) count.textContent = String(total) + (loading ? "…" : "");
    if (more) {
      const left = total - Math.min(limit, rows.length);
      more.parentNode.hidden = !failed && (loading || left <= 0);
      more.disabled = Boolean(failed);
      more.textContent = failed ? "载入失败：" + failed.message
        : "显示更多（还有 " + left + " " + more.getAttribute("data-unit") + "）";
    }
    const query = new URLSearchParams();
    names.forEach(function (name) { if (f[name]) query.set(name, f[name]); });
    const qs = query.toString();
    try {
      history.replaceState(history.state, "", window.location.pathname + (qs ? "?" + qs : "") + window.location.hash);
    } catch { /* some file:// contexts refuse URL updates; filtering still works */ }
  }

  function changed() {
    limit = list.pageSize;
    apply();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(changed, 0); });
  if (more) {
    more.addEventListener("click", function () {
      limit += list.pageSize;
      if (list.records.length < limit && !list.complete) list.load(limit).then(apply, fail);
      else apply();
    });
  }
  bound.set(holder, { list: list, matching: function () { return matching(filters()); } });
  apply();
}

export function initFilters() {
  const form = document.querySelector("form[data-jobbook-filters]");
  const table = document.querySelector("table[data-jobbook-resources]");
  if (form && table) bindFilters(form, table);
  const qform = document.querySelector("form[data-jobbook-qfilters]");
  const qlist = document.querySelector("[data-jobbook-qlist]");
  if (qform && qlist) bindFilters(qform, qlist);
}

/* Promise: the `field` values of every row matching the index's current filters (all rows
 * are loaded first). The question bank exports its filtered selection with it. */
export function selection(holder, field) {
  const entry = bound.get(holder);
  if (!entry) return Promise.resolve([]);
  return entry.list.load().then(function () {
    return entry.matching().map(function (rec) { return entry.list.value(rec, field); });
  });
}

/* Promise: value of `field` → values of `idField`, over every row of the index, without
 * loading the rows of a chunked one (it ships these groups as one more data file). */
export function groups(holder, field, idField) {
  const name = holder.getAttribute("data-jobbook-rows");
  if (name) {
    return loadScript(holder.getAttribute("data-groups")).then(function () {
      return (groupsOf[name] || {})[field] || {};
    });
  }
  const out = {};
  Array.prototype.forEach.call(bodyOf(holder).children, function (el) {
    const key = el.getAttribute("data-" + field);
    (out[key] = out[key] || []).push(el.getAttribute("data-" + idField));
  });
  return Promise.resolve(out);
}
