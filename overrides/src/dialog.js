/* Modal dialogs (<dialog>, keyboard and focus handled by the browser) and the merge /
 * replace choice used by JSON import and the progress link. */
import * as store from "./store.js";
import { h } from "./util.js";

let serial = 0;

/* A modal with a title and `body` nodes; resolves with the value of the button that
 * closed it (data-value), or null for Esc / 关闭. Removed from the page when closed. */
export function openDialog(title, body, buttons, className) {
  serial += 1;
  const titleId = "jb-dialog-title-" + serial;
  const actions = h("div", { class: "jb-dialog__actions" });
  buttons.forEach(function (b) {
    actions.appendChild(h("button", {
      type: "button",
      class: "md-button" + (b.primary ? " md-button--primary" : ""),
      "data-value": b.value,
      autofocus: b.primary ? true : null,
    }, b.label));
  });
  const dialog = h("dialog", { class: "md-typeset jb-dialog " + (className || ""), "aria-labelledby": titleId },
    h("h2", { id: titleId, class: "jb-dialog__title" }, title));
  body.forEach(function (node) { dialog.appendChild(node); });
  dialog.appendChild(actions);
  document.body.appendChild(dialog);
  return new Promise(function (resolve) {
    let value = null;
    actions.addEventListener("click", function (event) {
      const b = event.target.closest("button[data-value]");
      if (!b) return;
      value = b.getAttribute("data-value");
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      dialog.remove();
      resolve(value === "close" ? null : value);
    });
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  });
}

export function describe(c) {
  return "已完成条目 " + c.items + " 个 · 跳过的专题 " + c.skipped + " 个 · 笔记 " + c.notes +
    " 条 · 自己的链接 " + c.links + " 个 · 刷题记录 " + c.reviews + " 题";
}

/* Ask whether `incoming` is merged into the stored progress or replaces it; apply the
 * choice. Resolves with {how, ok, kept} (how: "merge" | "replace" | null = cancelled). */
export function offer(incoming, source) {
  const current = store.read();
  const body = [
    h("p", null, source + "包含：", h("strong", { "data-dialog-incoming": true }, describe(store.counts(incoming)))),
    h("p", null, "这个浏览器里现在有：", h("span", { "data-dialog-current": true }, describe(store.counts(current)))),
    h("p", { class: "jb-dialog__hint" }, "合并：两边的勾选、跳过、笔记和链接全部保留，同一道题的刷题记录保留较晚复习的那份。替换：只保留" + source + "里的内容。"),
  ];
  return openDialog("导入进度", body, [
    { value: "merge", label: "合并（不会丢失任何勾选）", primary: true },
    { value: "replace", label: "替换当前进度" },
    { value: "close", label: "取消" },
  ]).then(function (how) {
    if (how === "merge") {
      let kept = [];
      const ok = store.update(function (record) {
        const merged = store.merge(record, incoming);
        kept = merged.kept;
        ["items", "topics", "reviews", "notes", "links"].forEach(function (k) { record[k] = merged.record[k]; });
      });
      store.notify();
      return { how: how, ok: ok, kept: kept };
    }
    if (how === "replace") {
      const ok = store.write(incoming);
      store.notify();
      return { how: how, ok: ok, kept: [] };
    }
    return { how: null, ok: false, kept: [] };
  });
}
