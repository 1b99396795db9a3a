/* The learner's record in localStorage: checklist ticks, skipped topics and practice
 * review state, versioned. Every write is read-modify-write of the current record, so
 * two open tabs never undo each other's changes. */

export const KEY = "ml-jobbook-progress";
export const VERSION = 2;
export const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)?$/;
const FIELDS = { 1: ["version", "items", "topics"], 2: ["version", "items", "topics", "reviews"] };
const STATES = { skipped: true };
// ts-fsrs Card fields as stored (times in ms since the epoch, 0 = never).
const REVIEW_FIELDS = {
  due: [0, 8.64e15], s: [0, 1e6], d: [0, 11], el: [0, 1e6], sd: [0, 1e6],
  ls: [0, 100], r: [0, 1e6], l: [0, 1e6], st: [0, 3], lr: [0, 8.64e15],
};

export function dict() {
  return Object.create(null);
}

export function empty() {
  return { version: VERSION, items: dict(), topics: dict(), reviews: dict() };
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

function validReview(value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== Object.keys(REVIEW_FIELDS).length) return false;
  return keys.every(function (k) {
    const range = REVIEW_FIELDS[k];
    const v = value[k];
    return range && typeof v === "number" && isFinite(v) && v >= range[0] && v <= range[1];
  });
}

/* Parse and check a record (any known version, migrated to the current one); throws an
 * Error with a reader-facing message. */
export function parse(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("文件不是有效的 JSON");
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error("文件内容应该是一个 JSON 对象");
  }
  const fields = FIELDS[raw.version];
  if (!fields || typeof raw.version !== "number") {
    throw new Error("不认识的进度文件版本：" + String(raw.version).slice(0, 20));
  }
  // Any other JSON that happens to carry a version must not wipe the progress.
  Object.keys(raw).forEach(function (key) {
    if (fields.indexOf(key) === -1) throw new Error("无法识别的字段：" + key.slice(0, 40));
  });
  if (raw.items === undefined) throw new Error("缺少 items 字段");
  const out = empty();
  copy(raw.items, out.items, function (v) { return v === true; }, "items");
  copy(raw.topics, out.topics, function (v) { return STATES[v] === true; }, "topics");
  copy(raw.reviews, out.reviews, validReview, "reviews");
  return out;
}

export function serialise(record) {
  return JSON.stringify(record);
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the site still works for reading
  }
}

export function read() {
  const store = storage();
  try {
    const text = store && store.getItem(KEY);
    return text ? parse(text) : empty();
  } catch {
    return empty();
  }
}

/* Apply ``change`` to the freshly read record and save it; false when it could not be
 * saved (the stored record is then unchanged). */
export function update(change) {
  const record = read();
  change(record);
  return write(record);
}

export function write(record) {
  const store = storage();
  if (!store) return false;
  try {
    store.setItem(KEY, serialise(record));
    return true;
  } catch {
    return false;
  }
}

const listeners = [];
export function subscribe(listener) {
  listeners.push(listener);
}
export function notify() {
  const record = read();
  listeners.forEach(function (fn) { fn(record); });
}
window.addEventListener("storage", function (event) {
  if (event.key === KEY) notify();
});
