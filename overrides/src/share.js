/* "复制进度链接": the whole record in the URL fragment, shown as text and as a QR code;
 * opening such a link offers to merge it or replace the progress with it. */
import * as store from "./store.js";
import * as codec from "./linkcodec.js";
import * as qr from "./qr.js";
import { describe, offer, openDialog } from "./dialog.js";
import { reportIncoming, say } from "./progress.js";
import { h } from "./util.js";

let handling = false;

function linkFor(fragment) {
  return window.location.href.split("#")[0] + "#" + fragment;
}

function copy(text, area, statusEl) {
  function fallback() {
    area.focus();
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch { /* not allowed */ }
    statusEl.textContent = ok ? "已复制到剪贴板" : "无法自动复制：链接已选中，请按 Ctrl+C（或长按）复制";
  }
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(function () {
      statusEl.textContent = "已复制到剪贴板";
    }, fallback);
  } else {
    fallback();
  }
}

function drawQr(figure, url, withReviews) {
  return qr.render(url, "进度链接的二维码").then(function (svg) {
    figure.textContent = "";
    if (svg) {
      figure.appendChild(svg);
      figure.appendChild(h("figcaption", null, "用手机扫码打开同一个链接"));
    } else {
      figure.appendChild(h("p", { "data-share-qr-too-long": true }, "链接太长，放不进一个二维码：" +
        (withReviews ? "可以取消上面的“包含刷题记录”，或" : "请") + "复制链接、导出 JSON 文件。"));
    }
  }, function (error) {
    figure.textContent = "";
    figure.appendChild(h("p", null, "无法生成二维码：" + error.message));
  });
}

async function showLink() {
  if (!codec.supported()) {
    say("这个浏览器不支持压缩数据，无法生成进度链接；请用“导出进度（JSON）”", true);
    return;
  }
  const record = store.read();
  const reviewCount = Object.keys(record.reviews).length;
  const area = h("textarea", { class: "jb-share__link", rows: 3, readonly: true, "data-share-link": true, spellcheck: "false" });
  const length = h("span", { "data-share-length": true });
  const summary = h("p", { "data-share-summary": true });
  const statusEl = h("p", { class: "jb-share__status", role: "status" });
  const copyButton = h("button", { type: "button", class: "md-button md-button--primary", "data-share-copy": true }, "复制链接");
  const include = reviewCount ? h("input", { type: "checkbox", checked: true, "data-share-reviews": true }) : null;
  const figure = h("figure", { class: "jb-share__qr", "data-share-qr": true }, h("p", null, "正在生成二维码……"));
  let url = "";

  async function update() {
    const withReviews = !include || include.checked;
    url = linkFor(await codec.encode(record, withReviews));
    area.value = url;
    length.textContent = url.length + " 个字符";
    const shown = { items: record.items, topics: record.topics, reviews: withReviews ? record.reviews : {}, notes: record.notes, links: record.links };
    summary.textContent = "这个链接包含：" + describe(store.counts(shown)) + "。";
    figure.setAttribute("aria-busy", "true");
    await drawQr(figure, url, withReviews && include);
    figure.removeAttribute("aria-busy");
  }

  copyButton.addEventListener("click", function () { copy(url, area, statusEl); });
  if (include) include.addEventListener("change", function () { statusEl.textContent = ""; update(); });
  const body = [
    summary,
    include ? h("label", { class: "jb-share__option" }, include, " 包含刷题记录（" + reviewCount + " 题）：不包含时链接更短，更容易放进二维码") : null,
    h("label", { class: "jb-share__label" }, h("span", null, "进度链接（", length, "）"), area),
    h("div", { class: "jb-share__row" }, copyButton, statusEl),
    figure,
    h("p", { class: "jb-dialog__hint" }, "数据只在网址 # 后面的部分里，打开链接时不会发送给任何服务器；但拿到链接的人都能看到你的进度和笔记。在另一台设备上打开它（在线版，或同一路径下的离线版），就可以选择合并或替换。"),
  ].filter(Boolean);
  const closed = openDialog("进度链接", body, [{ value: "close", label: "关闭" }], "jb-share");
  await update();
  copy(url, area, statusEl);
  return closed;
}

function clearHash() {
  try {
    history.replaceState(history.state, "", window.location.pathname + window.location.search);
  } catch { /* file:// may refuse; the link is only read again on reload */ }
}

async function receive() {
  const hash = window.location.hash.slice(1);
  if (hash.indexOf(codec.PREFIX) !== 0 || handling) return;
  handling = true;
  try {
    if (!codec.supported()) throw new Error("这个浏览器不支持解压数据");
    const record = await codec.decode(hash);
    const result = await offer(record, "这个进度链接");
    reportIncoming(result, "进度链接");
  } catch (error) {
    const message = "进度链接无效：" + error.message + "。当前进度未改变";
    say(message, true);
    await openDialog("进度链接无效", [h("p", { "data-share-error": true }, message + "。")], [{ value: "close", label: "知道了", primary: true }]);
  } finally {
    clearHash();
    handling = false;
  }
}

function onClick(event) {
  const button = event.target.closest && event.target.closest("button[data-jobbook-share]");
  if (button) showLink();
}

export function install() {
  document.addEventListener("click", onClick);
  window.addEventListener("hashchange", receive);
}

export function init() {
  receive();
}
