/* Math is rendered at build time (jobbook.mathrender): pages only need KaTeX's
 * stylesheet, which this script adds when instant navigation brings in a page
 * with math. KaTeX's JavaScript is fetched only for math that is still raw TeX:
 * a build without the build-time renderer. (Notebook Markdown cells are emitted
 * like arithmatex and typeset at build time too.) */
(function () {
  "use strict";
  var root = new URL("../vendor/katex/", document.currentScript.src);
  var ready = null;

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { el[k] = attrs[k]; });
      el.onload = resolve;
      el.onerror = function () { reject(new Error("failed to load " + (attrs.src || attrs.href))); };
      document.head.appendChild(el);
    });
  }

  var css = null;
  function stylesheet() {
    if (!css) {
      css = document.querySelector('link[href$="katex.min.css"]')
        ? Promise.resolve()
        : load("link", { rel: "stylesheet", href: new URL("katex.min.css", root).href });
    }
    return css;
  }

  function katexReady() {
    if (!ready) {
      ready = Promise.all([
        stylesheet(),
        load("script", { src: new URL("katex.min.js", root).href }).then(function () {
          return load("script", { src: new URL("auto-render.min.js", root).href });
        }),
      ]);
    }
    return ready;
  }

  // pymdownx.arithmatex (generic) wraps formulas as \( … \) and \[ … \].
  var ARITHMATEX = [
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
  ];

  function render() {
    if (document.querySelector(".arithmatex .katex")) stylesheet();
    var math = Array.prototype.filter.call(document.querySelectorAll(".arithmatex"), function (el) {
      return !el.querySelector(".katex");
    });
    if (!math.length) return;
    katexReady().then(function () {
      var opts = { throwOnError: false, strict: "ignore" };
      math.forEach(function (el) {
        window.renderMathInElement(el, Object.assign({ delimiters: ARITHMATEX }, opts));
      });
    });
  }

  // document$ (Material) fires on instant navigation; it does not replay the
  // first page to late subscribers, so the first page is handled here too.
  if (window.document$) window.document$.subscribe(render);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
