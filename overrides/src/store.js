/* The learner's record in localStorage. Never destroys what it cannot read: a stored
 * record that does not parse, or comes from a newer version, stays where it is, gets a
 * backup copy, and nothing is written until the reader chooses (see notices.js). Every
 * write is read-modify-write of the current record, so two open tabs never undo each
 * other's changes; the `storage` event refreshes the other tabs. */
import * as rec from "./record.js";

export { VERSION, ID, dict, empty, parse, serialise, merge, counts } from "./record.js";

export const KEY = "ml-jobbook-progress";
export const BACKUP_PREFIX = KEY + ".backup.";
export const META_KEY = "ml-jobbook-meta";
export const REMIND_DAYS = 7;
export const REMIND_CHANGES = 50;
const DAY = 86400000;

let renames = null; // map from the build (renames.js), once loaded
let lastError = null; // why the last write failed: {kind, message}
let backedUp = null; // the unreadable text already copied to a backup key
let rawExported = false; // the reader downloaded the unreadable text
let persistAsked = false;

function storage() {
  try {
    return window.localStorage || null;
  } catch {
    return null; // storage disabled: the site still works for reading
  }
}

/* The stored record: {status: "ok" | "unavailable" | "blocked", record, raw, problem}. */
function load() {
  const store = storage();
  let raw;
  try {
    raw = store ? store.getItem(KEY) : null;
  } catch {
    return { status: "unavailable", record: rec.empty(), raw: null };
  }
  if (!store) return { status: "unavailable", record: rec.empty(), raw: null };
  if (raw === null) return { status: "ok", record: rec.empty(), raw: null, renamed: false };
  try {
    const record = rec.parse(raw);
    const renamed = renames ? rec.rename(record, renames) : false;
    return { status: "ok", record: record, raw: raw, renamed: renamed };
  } catch (error) {
    keepBackup(store, raw);
    return { status: "blocked", record: rec.empty(), raw: raw, problem: error };
  }
}

function keepBackup(store, raw) {
  if (backedUp === raw) return;
  try {
    for (let i = 0; i < store.length; i += 1) {
      const key = store.key(i);
      if (key && key.indexOf(BACKUP_PREFIX) === 0 && store.getItem(key) === raw) {
        backedUp = raw;
        return;
      }
    }
    store.setItem(BACKUP_PREFIX + Date.now(), raw);
    backedUp = raw;
  } catch {
    /* no room for a copy: the original is still untouched under KEY */
  }
}

/* The record to show (empty when nothing can be read). */
export function read() {
  return load().record;
}

/* {status, problem: {kind: "damaged" | "newer", message, version}, backedUp} */
export function state() {
  const loaded = load();
  const problem = loaded.problem;
  return {
    status: loaded.status,
    problem: problem ? { kind: problem.kind || "damaged", message: problem.message, version: problem.version } : null,
    backedUp: loaded.status === "blocked" && backedUp === loaded.raw,
  };
}

export function lastFailure() {
  return lastError;
}

function fail(kind, message) {
  lastError = { kind: kind, message: message };
  return false;
}

function refused(status) {
  if (status === "unavailable") {
    return fail("unavailable", "浏览器禁用了本地存储，改动无法保存（页面仍可正常阅读）");
  }
  return fail("blocked", "保存的进度无法读取，在你处理页面顶部的提示之前不会保存任何改动");
}

function save(record, counted) {
  const store = storage();
  if (!store) return refused("unavailable");
  try {
    store.setItem(KEY, rec.serialise(record));
  } catch (error) {
    const quota = error && (error.name === "QuotaExceededError" || error.code === 22 || error.code === 1014);
    return fail(
      quota ? "quota" : "denied",
      (quota ? "浏览器的存储空间已满" : "浏览器拒绝写入本地存储") + "，刚才的改动没有保存，之前的进度保持不变"
    );
  }
  lastError = null;
  if (counted) countChange();
  askToPersist();
  return true;
}

/* Apply `change` to the freshly read record and save it; false when it could not be
 * saved (the stored record is then unchanged; lastFailure() says why). `change` may
 * return false to save nothing; `counted` false leaves the backup reminder's count alone. */
export function update(change, counted = true) {
  const loaded = load();
  if (loaded.status !== "ok") return refused(loaded.status);
  if (change(loaded.record) === false) return true;
  return save(loaded.record, counted);
}

/* Replace the whole record (import, progress link, reset): the reader chose it. With an
 * unreadable record stored, only once that text is backed up or exported. */
export function write(record) {
  const loaded = load();
  if (loaded.status === "unavailable") return refused("unavailable");
  if (loaded.status === "blocked" && backedUp !== loaded.raw && !rawExported) {
    return fail("nobackup", "浏览器没有空间备份无法读取的原始数据，请先点“导出原始数据”保存一份");
  }
  return save(record, true);
}

/* ---------- the reader's choices about an unreadable record ---------- */

export function rawText() {
  const loaded = load();
  if (loaded.status === "blocked") rawExported = true;
  return loaded.raw;
}

export function startFresh() {
  const ok = write(rec.empty());
  notify();
  return ok;
}

export function retry() {
  backedUp = null; // check the backup again too
  notify();
}

/* ---------- renamed ids (map announced by assets/data/renames.js) ---------- */

export function setRenames(detail) {
  renames = rec.cleanMap(detail);
  const loaded = load();
  // Written back only when something moved: loading twice changes nothing.
  if (loaded.status === "ok" && loaded.renamed) save(loaded.record, false);
  notify();
}

/* ---------- persistence and the backup reminder ---------- */

function askToPersist() {
  if (persistAsked) return;
  persistAsked = true;
  const s = navigator.storage;
  if (!s || typeof s.persist !== "function") return;
  try {
    Promise.resolve(s.persisted ? s.persisted() : false)
      .then(function (yes) { return yes || s.persist(); })
      .catch(function () { /* the browser decides; nothing else to do */ });
  } catch { /* idem */ }
}

export function readMeta() {
  const meta = { exported: 0, changes: 0, since: 0 };
  try {
    const raw = JSON.parse(storage().getItem(META_KEY));
    Object.keys(meta).forEach(function (k) {
      if (raw && typeof raw[k] === "number" && isFinite(raw[k]) && raw[k] >= 0) meta[k] = raw[k];
    });
  } catch { /* no meta yet, or unreadable: it only drives a reminder */ }
  return meta;
}

function writeMeta(meta) {
  try {
    storage().setItem(META_KEY, JSON.stringify(meta));
  } catch { /* not worth a message */ }
}

function countChange() {
  const meta = readMeta();
  meta.changes += 1;
  if (!meta.since) meta.since = Date.now();
  writeMeta(meta);
}

export function markExported() {
  writeMeta({ exported: Date.now(), changes: 0, since: 0 });
  notify();
}

export function dismissReminder() {
  const meta = readMeta();
  writeMeta({ exported: meta.exported, changes: 0, since: Date.now() });
  notify();
}

/* {changes, days, exported} when a backup reminder is due, else null. */
export function reminder(now) {
  const meta = readMeta();
  if (!meta.changes || !meta.since) return null;
  const days = Math.floor(((now || Date.now()) - meta.since) / DAY);
  if (meta.changes < REMIND_CHANGES && days < REMIND_DAYS) return null;
  return { changes: meta.changes, days: days, exported: meta.exported };
}

/* ---------- listeners ---------- */

const listeners = [];
export function subscribe(listener) {
  listeners.push(listener);
}
export function notify() {
  const record = read();
  listeners.forEach(function (fn) { fn(record); });
}
window.addEventListener("storage", function (event) {
  if (event.key === KEY || event.key === META_KEY || event.key === null) notify();
});
