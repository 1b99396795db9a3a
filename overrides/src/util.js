/* Small helpers shared by the modules: downloads, the assets folder, script loading and
 * DOM building without innerHTML. */

export function download(text, name, type) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: type }));
  link.download = name;
  document.body.appendChild(link);
  link.click();
  setTimeout(function () {
    URL.revokeObjectURL(link.href);
    link.remove();
  }, 0);
}

/* Absolute URL of the site's assets/ folder, from this bundle's own <script src>. */
export function assetsUrl() {
  const script = document.querySelector('script[src*="assets/js/jobbook.js"]');
  return new URL(script ? "../" : "assets/", script ? script.src : document.baseURI).href;
}

const loaded = {}; // src → Promise

/* Load a <script src> once (data files and vendored libraries; fetch() fails from file://). */
export function loadScript(src) {
  if (!loaded[src]) {
    loaded[src] = new Promise(function (resolve, reject) {
      const el = document.createElement("script");
      el.src = src;
      el.onload = resolve;
      el.onerror = function () {
        delete loaded[src];
        el.remove();
        reject(new Error("无法加载 " + src));
      };
      document.head.appendChild(el);
    });
  }
  return loaded[src];
}

/* h("p", {class: "x"}, "text", child, …): attributes are set as attributes, strings
 * become text nodes, so nothing from the record is ever parsed as HTML. */
export function h(tag, attrs) {
  const el = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (name) {
    const value = attrs[name];
    if (value === false || value === null || value === undefined) return;
    el.setAttribute(name, value === true ? "" : String(value));
  });
  for (let i = 2; i < arguments.length; i += 1) {
    const child = arguments[i];
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}
