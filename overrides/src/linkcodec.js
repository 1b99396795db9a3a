/* The progress link's fragment: the record as compact JSON, deflate-raw compressed,
 * with a CRC-32 of the JSON in front, base64url encoded: "#jb1.<data>". The fragment
 * is never sent to a server. */
import { dict, fromJSON, RecordError, VERSION } from "./record.js";

export const PREFIX = "jb1.";
export const MAX_FRAGMENT = 200000; // characters
export const MAX_JSON = 1024 * 1024; // bytes after decompression (same as a JSON import)

const CRC_TABLE = (function () {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i += 1) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function toBase64url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new RecordError("链接里有不该出现的字符", "damaged");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function supported() {
  return typeof CompressionStream === "function" && typeof DecompressionStream === "function";
}

// Review states travel as arrays in this order (no field names to compress).
const REVIEW = ["due", "s", "d", "el", "sd", "ls", "r", "l", "st", "lr"];

/* Items grouped by owner ("topic.item" keys share the prefix) and reviews as arrays:
 * shorter before compression. `withReviews: false` leaves the review state out. */
export function pack(record, withReviews) {
  const items = {};
  Object.keys(record.items).forEach(function (key) {
    const dot = key.indexOf(".");
    const owner = dot < 0 ? key : key.slice(0, dot);
    (items[owner] = items[owner] || []).push(dot < 0 ? "" : key.slice(dot + 1));
  });
  const reviews = {};
  if (withReviews !== false) {
    Object.keys(record.reviews).forEach(function (id) {
      reviews[id] = REVIEW.map(function (f) { return record.reviews[id][f]; });
    });
  }
  return { v: VERSION, i: items, t: Object.keys(record.topics), r: reviews, n: record.notes, l: record.links };
}

function unpackReviews(data) {
  const out = dict();
  if (data === undefined) return out;
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new RecordError("链接里的刷题记录无效", "damaged");
  Object.keys(data).forEach(function (id) {
    const values = data[id];
    if (!Array.isArray(values) || values.length !== REVIEW.length) throw new RecordError("链接里的刷题记录无效", "damaged");
    const review = {};
    REVIEW.forEach(function (f, n) { review[f] = values[n]; });
    out[id] = review;
  });
  return out;
}

function unpack(data) {
  if (!data || typeof data !== "object" || Array.isArray(data) || data.v !== VERSION) {
    throw new RecordError("不认识的链接格式", "damaged");
  }
  const allowed = { v: 1, i: 1, t: 1, r: 1, n: 1, l: 1 };
  Object.keys(data).forEach(function (k) {
    if (!allowed[k]) throw new RecordError("链接里有无法识别的字段", "damaged");
  });
  // Prototype-free: a "__proto__" id becomes a plain key, which fromJSON then refuses.
  const items = dict();
  const groups = data.i || {};
  if (typeof groups !== "object" || Array.isArray(groups)) throw new RecordError("链接里的勾选无效", "damaged");
  Object.keys(groups).forEach(function (owner) {
    if (!Array.isArray(groups[owner])) throw new RecordError("链接里的勾选无效", "damaged");
    groups[owner].forEach(function (child) {
      if (typeof child !== "string") throw new RecordError("链接里的勾选无效", "damaged");
      items[child ? owner + "." + child : owner] = true;
    });
  });
  const topics = dict();
  if (!Array.isArray(data.t || [])) throw new RecordError("链接里的跳过专题无效", "damaged");
  (data.t || []).forEach(function (id) {
    if (typeof id !== "string") throw new RecordError("链接里的跳过专题无效", "damaged");
    topics[id] = "skipped";
  });
  // fromJSON checks every key and value like a JSON import (no prototype keys, limits).
  const reviews = unpackReviews(data.r);
  return fromJSON({ version: VERSION, items: items, topics: topics, reviews: reviews, notes: data.n, links: data.l });
}

function pipe(bytes, transform) {
  return new Blob([bytes]).stream().pipeThrough(transform);
}

export async function encode(record, withReviews) {
  const json = new TextEncoder().encode(JSON.stringify(pack(record, withReviews)));
  const deflated = new Uint8Array(await new Response(pipe(json, new CompressionStream("deflate-raw"))).arrayBuffer());
  const out = new Uint8Array(4 + deflated.length);
  new DataView(out.buffer).setUint32(0, crc32(json));
  out.set(deflated, 4);
  return PREFIX + toBase64url(out);
}

async function inflate(bytes) {
  const reader = pipe(bytes, new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const step = await reader.read();
    if (step.done) break;
    size += step.value.length;
    if (size > MAX_JSON) {
      reader.cancel().catch(function () {});
      throw new RecordError("链接里的数据解压后超过 1 MB", "damaged");
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  chunks.forEach(function (c) { out.set(c, at); at += c.length; });
  return out;
}

/* The record in a fragment (without "#"); throws a RecordError with a reader-facing
 * message for anything truncated, altered, oversized or invalid. */
export async function decode(fragment) {
  if (fragment.length > MAX_FRAGMENT) {
    throw new RecordError("链接太长（" + fragment.length + " 个字符，上限 " + MAX_FRAGMENT + "）", "damaged");
  }
  if (fragment.indexOf(PREFIX) !== 0) throw new RecordError("不是本站的进度链接", "damaged");
  const bytes = fromBase64url(fragment.slice(PREFIX.length));
  if (bytes.length < 5) throw new RecordError("链接不完整", "damaged");
  let json;
  try {
    json = await inflate(bytes.subarray(4));
  } catch (error) {
    if (error instanceof RecordError) throw error;
    throw new RecordError("链接数据无法解压，可能被截断或改动过", "damaged");
  }
  if (crc32(json) !== new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)) {
    throw new RecordError("链接数据校验失败，可能被截断或改动过", "damaged");
  }
  let data;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    throw new RecordError("链接数据不是有效的 JSON", "damaged");
  }
  return unpack(data);
}
