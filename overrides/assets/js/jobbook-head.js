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
 * script instead of XHR and nothing changes.
 *
 * 3. Let Material's instant navigation handle SVG links (see the end of the file).
 *
 * 4. Mark the deferred elements ([data-jb-defer], content-visibility: auto) the browser
 *    has rendered with data-jb-rendered, from the first frame on: a11y.js measures only
 *    those, and it starts at the end of <body>, after some may have rendered. */
(function () {
  "use strict";
  // Not bubbling: listened to in the capture phase. The mark is an attribute no style rule
  // names, so setting it restyles nothing.
  document.addEventListener("contentvisibilityautostatechange", function (event) {
    var el = event.target;
    if (!(el instanceof Element) || !el.hasAttribute("data-jb-defer")) return;
    el.toggleAttribute("data-jb-rendered", !event.skipped);
  }, true);
})();

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

/* The roadmap graph's SVG links carry a plain `href` (crawlable). Material makes the
 * relative links of the current page, and of every page instant navigation brings in,
 * absolute with `el.href = el.href`; on an SVG <a> that property is a read-only
 * SVGAnimatedString, so the assignment throws in Material's strict bundle and stops
 * its set-up. A setter that ignores the value lets Material's loop go on; the SVG
 * links stay relative and resolve against the page's own address. */
(function () {
  "use strict";
  var proto = window.SVGAElement && window.SVGAElement.prototype;
  var own = proto && Object.getOwnPropertyDescriptor(proto, "href");
  if (!own || own.set || !own.configurable) return;
  Object.defineProperty(proto, "href", {
    get: own.get,
    set: function () {},
    configurable: true,
    enumerable: own.enumerable,
  });
})();
