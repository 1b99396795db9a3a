/* Runs in <head>, before Material's bundle (listed under extra.polyfills).
 *
 * 1. Preload the KaTeX fonts a math page needs (named by the build in
 *    <meta name="jobbook-preload-fonts">), only over http(s): from file:// a
 *    CORS preload is refused and the fonts are on disk anyway.
 *
 * 2. Load the search index only when the reader opens search. Material requests search/search_index.json (hundreds of KB) as soon as a page
 * loads. This polyfill runs before Material's bundle and holds that one request
 * back until the search field is focused or the search overlay is opened, so
 * pages render without downloading the index. From file:// Material loads a
 * script instead of XHR and nothing changes. */
(function () {
  "use strict";
  var fonts = document.querySelector('meta[name="jobbook-preload-fonts"]');
  if (fonts && location.protocol !== "file:") {
    fonts.content.split(/\s+/).forEach(function (href) {
      if (!href) return;
      var link = document.createElement("link");
      link.rel = "preload";
      link.as = "font";
      link.type = "font/woff2";
      link.crossOrigin = "anonymous";
      link.href = href;
      document.head.appendChild(link);
    });
  }
})();

(function () {
  "use strict";
  var INDEX = /(^|\/)search\/search_index\.json(\?|#|$)/;
  var proto = XMLHttpRequest.prototype;
  var open = proto.open;
  var send = proto.send;
  var held = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach(function (run) { run(); });
  }

  proto.open = function (method, url) {
    this.__jobbookIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  proto.send = function () {
    if (this.__jobbookIndex && !released) {
      var xhr = this;
      var args = arguments;
      held.push(function () { send.apply(xhr, args); });
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function isSearch(el) {
    return el && (el.id === "__search" || (el.classList && el.classList.contains("md-search__input")));
  }
  document.addEventListener("focusin", function (e) { if (isSearch(e.target)) release(); }, true);
  document.addEventListener("change", function (e) { if (isSearch(e.target)) release(); }, true);
  document.addEventListener("pointerdown", function (e) {
    if (e.target && e.target.closest && e.target.closest("label[for='__search'], .md-search")) release();
  }, true);
  // A shared search link (?q=…) opens search straight away.
  if (/[?&]q=/.test(location.search)) release();
})();
