/* The learner's record as data: format, versioned migrations, validation, merge and
 * renamed ids. Pure functions, no browser state: tests run them in Node too. */

export const VERSION = 3;
export const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?$/;
export const NOTE_MAX = 20000; // characters of one note
export const LINKS_MAX = 30; // own links per topic
export const TITLE_MAX = 200;
export const URL_MAX = 2000;
const NAMES = ["items", "topics", "reviews", "notes", "links"];
// Fields of each stored version; a record of another version is migrated step by step.
const FIELDS = {
  1: ["version", "items", "topics"],
  2: ["version", "items", "topics", "reviews"],
  3: ["version", "items", "topics", "reviews", "notes", "links"],
};
const STATES = { skipped: true };
// ts-fsrs Card fields as stored (times in ms since the epoch, 0 = never).
const REVIEW_FIELDS = {
  due: [0, 8.64e15], s: [0, 1e6], d: [0, 11], el: [0, 1e6], sd: [0, 1e6],
  ls: [0, 100], r: [0, 1e6], l: [0, 1e6], st: [0, 3], lr: [0, 8.64e15],
};

/* Explicit migrations: MIGRATIONS[n] turns a (checked) version-n object into version n+1.
 * They only pass field references along; validation copies into fresh objects after. */
export const MIGRATIONS = {
  // v2 adds the practice page's review state.
  1: function (r) {
    return { version: 2, items: r.items, topics: r.topics, reviews: undefined };
  },
  // v3 adds personal notes and own links per topic.
  2: function (r) {
    return { version: 3, items: r.items, topics: r.topics, reviews: r.reviews, notes: undefined, links: undefined };
  },
};

export class RecordError extends Error {
  constructor(message, kind, version) {
    super(message);
    this.kind = kind; // "damaged" | "newer"
    this.version = version;
  }
}

export function dict() {
  return Object.create(null);
}

export function empty() {
  const record = { version: VERSION };
  NAMES.forEach(function (name) { record[name] = dict(); });
  return record;
}

function isObject(value) {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function copy(source, target, valid, name) {
  if (source === undefined) return;
  if (!isObject(source)) throw new RecordError("字段 " + name + " 应该是对象", "damaged");
  Object.keys(source).forEach(function (key) {
    if (!ID.test(key)) throw new RecordError(name + " 中有无效的键：" + key.slice(0, 40), "damaged");
    const value = valid(source[key]);
    if (value === undefined) throw new RecordError(name + " 中 " + key.slice(0, 40) + " 的值无效", "damaged");
    target[key] = value;
  });
}

function validReview(value) {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== Object.keys(REVIEW_FIELDS).length) return undefined;
  const out = {};
  for (let i = 0; i < keys.length; i += 1) {
    const range = REVIEW_FIELDS[keys[i]];
    const v = value[keys[i]];
    if (!range || typeof v !== "number" || !isFinite(v) || v < range[0] || v > range[1]) return undefined;
    out[keys[i]] = v;
  }
  return out;
}

function validNote(value) {
  return typeof value === "string" && value.length > 0 && value.length <= NOTE_MAX ? value : undefined;
}

/* An http(s) URL with a host and no whitespace, or null. */
export function cleanUrl(text) {
  if (typeof text !== "string") return null;
  const value = text.trim();
  if (!value || value.length > URL_MAX || /\s/.test(value) || !/^https?:\/\//i.test(value)) return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) return null;
  return value;
}

export function cleanTitle(text) {
  if (typeof text !== "string") return null;
  const value = text.replace(/\s+/g, " ").trim();
  return value && value.length <= TITLE_MAX ? value : null;
}

function validLinks(value) {
  if (!Array.isArray(value) || value.length === 0 || value.length > LINKS_MAX) return undefined;
  const out = [];
  for (let i = 0; i < value.length; i += 1) {
    const link = value[i];
    if (!isObject(link) || Object.keys(link).length !== 2) return undefined;
    const t = cleanTitle(link.t);
    const u = cleanUrl(link.u);
    if (t === null || u === null || t !== link.t || u !== link.u) return undefined;
    out.push({ t: t, u: u });
  }
  return out;
}

const VALID = {
  items: function (v) { return v === true ? true : undefined; },
  topics: function (v) { return typeof v === "string" && STATES[v] === true ? v : undefined; },
  reviews: validReview,
  notes: validNote,
  links: validLinks,
};

function checkFields(raw) {
  const fields = FIELDS[raw.version];
  if (typeof raw.version !== "number" || !fields) {
    if (typeof raw.version === "number" && raw.version > VERSION && raw.version % 1 === 0) {
      throw new RecordError("这份进度来自更新版本的网站（格式版本 " + raw.version + "）", "newer", raw.version);
    }
    throw new RecordError("不认识的进度文件版本：" + String(raw.version).slice(0, 20), "damaged");
  }
  // Any other JSON that happens to carry a version must not wipe the progress.
  Object.keys(raw).forEach(function (key) {
    if (fields.indexOf(key) === -1) throw new RecordError("无法识别的字段：" + key.slice(0, 40), "damaged");
  });
  if (raw.items === undefined) throw new RecordError("缺少 items 字段", "damaged");
}

/* A parsed JSON value of any known version → a current, validated record (fresh objects
 * without prototypes); throws a RecordError with a reader-facing message. */
export function fromJSON(raw) {
  if (!isObject(raw)) throw new RecordError("内容应该是一个 JSON 对象", "damaged");
  checkFields(raw);
  let current = raw;
  while (current.version < VERSION) current = MIGRATIONS[current.version](current);
  const out = empty();
  NAMES.forEach(function (name) { copy(current[name], out[name], VALID[name], name); });
  return out;
}

export function parse(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RecordError("不是有效的 JSON", "damaged");
  }
  return fromJSON(raw);
}

export function serialise(record) {
  return JSON.stringify(record);
}

export function counts(record) {
  let links = 0;
  Object.keys(record.links).forEach(function (k) { links += record.links[k].length; });
  return {
    items: Object.keys(record.items).length,
    skipped: Object.keys(record.topics).length,
    notes: Object.keys(record.notes).length,
    links: links,
    reviews: Object.keys(record.reviews).length,
  };
}

/* ---------- combining two values of the same key (merge and renamed ids) ---------- */

function joinNotes(a, b) {
  if (a === b || a.indexOf(b) >= 0) return a;
  if (b.indexOf(a) >= 0) return b;
  const joined = a + "\n\n" + b;
  return joined.length <= NOTE_MAX ? joined : null;
}

function joinLinks(a, b) {
  const out = a.slice();
  const seen = {};
  a.forEach(function (l) { seen[l.u] = true; });
  for (let i = 0; i < b.length; i += 1) {
    if (seen[b[i].u]) continue;
    if (out.length >= LINKS_MAX) return null;
    seen[b[i].u] = true;
    out.push(b[i]);
  }
  return out;
}

// Each returns the combined value, or null when it cannot hold both (then `a` is kept).
const JOIN = {
  items: function () { return true; },
  topics: function (a) { return a; },
  reviews: function (a, b) { return b.lr > a.lr ? b : a; }, // the later review wins
  notes: joinNotes,
  links: joinLinks,
};

// Store `value` under `key`, combined with what is there; false when both cannot fit.
function put(target, name, key, value) {
  if (target[key] === undefined) {
    target[key] = value;
    return true;
  }
  const joined = JOIN[name](target[key], value);
  if (joined === null) return false;
  target[key] = joined;
  return true;
}

/* Everything of both records: no tick, skip, note or link is lost; of two review states
 * the later one is kept. `kept` lists keys where only the local value fit (limits). */
export function merge(local, incoming) {
  const out = empty();
  const kept = [];
  NAMES.forEach(function (name) {
    Object.keys(local[name]).forEach(function (k) { out[name][k] = local[name][k]; });
    Object.keys(incoming[name]).forEach(function (k) {
      if (!put(out[name], name, k, incoming[name][k])) kept.push(name + ":" + k);
    });
  });
  return { record: out, kept: kept };
}

/* ---------- renamed ids ---------- */

export function cleanMap(detail) {
  const map = { ids: dict(), items: dict(), questions: dict() };
  if (!isObject(detail)) return map;
  Object.keys(map).forEach(function (ns) {
    const source = detail[ns];
    if (!isObject(source)) return;
    Object.keys(source).forEach(function (old) {
      if (ID.test(old) && typeof source[old] === "string" && ID.test(source[old])) map[ns][old] = source[old];
    });
  });
  return map;
}

function follow(table, key) {
  // The build already follows chains; following here too keeps an older map working.
  for (let n = 0; n < 32 && table[key] !== undefined && table[key] !== key; n += 1) key = table[key];
  return key;
}

export function resolve(map, ns, key) {
  if (ns === "items" && key.indexOf(".") > 0) {
    const dot = key.indexOf(".");
    key = follow(map.ids, key.slice(0, dot)) + key.slice(dot);
  }
  return follow(map[ns], key);
}

const NAMESPACE = { items: "items", topics: "ids", notes: "ids", links: "ids", reviews: "questions" };

/* Rewrite saved keys to the current ids in place; true when anything changed. Running it
 * again changes nothing. */
export function rename(record, map) {
  let changed = false;
  NAMES.forEach(function (name) {
    const ns = NAMESPACE[name];
    const moved = Object.keys(record[name]).filter(function (k) { return resolve(map, ns, k) !== k; });
    moved.forEach(function (old) {
      // A value that cannot join the one already under the new key stays where it is.
      if (put(record[name], name, resolve(map, ns, old), record[name][old])) {
        delete record[name][old];
        changed = true;
      }
    });
  });
  return changed;
}
