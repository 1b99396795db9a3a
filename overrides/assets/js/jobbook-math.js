/* Render math with the vendored KaTeX, on first load and after every instant
 * navigation. KaTeX is only fetched on pages that contain math. */
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

  function katexReady() {
    if (!ready) {
      ready = Promise.all([
        load("link", { rel: "stylesheet", href: new URL("katex.min.css", root).href }),
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
  // Notebook Markdown cells (mkdocs-jupyter) keep raw $ … $ / $$ … $$.
  var NOTEBOOK = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false },
  ].concat(ARITHMATEX);

  function render() {
    var math = document.querySelectorAll(".arithmatex");
    var cells = document.querySelectorAll(".jupyter-wrapper .jp-RenderedMarkdown");
    if (!math.length && !cells.length) return;
    katexReady().then(function () {
      var opts = { throwOnError: false, strict: "ignore" };
      math.forEach(function (el) {
        window.renderMathInElement(el, Object.assign({ delimiters: ARITHMATEX }, opts));
      });
      cells.forEach(function (el) {
        window.renderMathInElement(el, Object.assign({ delimiters: NOTEBOOK }, opts));
      });
    });
  }

  // document$ (Material) fires on instant navigation; it does not replay the
  // first page to late subscribers, so the first page is handled here too.
  if (window.document$) window.document$.subscribe(render);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
