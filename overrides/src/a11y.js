/* Every block that scrolls sideways can be reached and scrolled with the keyboard
 * (axe: scrollable-region-focusable): display math, tables, code, notebook cells and
 * the roadmap graph. Whether a block scrolls depends on the viewport, so it is checked
 * on every page and again after a resize. */

const CANDIDATES = [
  ".md-typeset .arithmatex", ".md-typeset .katex-display", ".md-typeset__scrollwrap",
  ".md-typeset pre > code", ".md-typeset pre", ".highlight-ipynb", ".jp-OutputArea-output",
  ".jb-graph-figure", ".md-typeset .tabbed-content",
  // tables Material leaves unwrapped (notebook Markdown cells): they scroll themselves
  ".md-typeset table:not([class])",
].join(",");
const LABELS = [
  [".arithmatex, .katex-display", "公式（可左右滚动）"],
  [".md-typeset__scrollwrap, table", "表格（可左右滚动）"],
  [".jb-graph-figure", "路线图（可左右滚动）"],
];

function labelFor(el) {
  for (const [selector, label] of LABELS) if (el.matches(selector)) return label;
  return "代码（可左右滚动）";
}

function scrolls(el) {
  if (el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1) return false;
  const style = window.getComputedStyle(el);
  return /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
}

// Content the browser may skip (content-visibility: auto, [data-jb-defer]) is measured only
// once it renders: measuring a skipped element makes the browser style and lay it out at
// once, which is the work skipping saves (#17). The build marks its formulas and code
// focusable in the meantime; a browser without the state event measures everything.
const DEFERRED = "[data-jb-defer]";
const canDefer = typeof window.ContentVisibilityAutoStateChangeEvent === "function";
// jobbook-head.js marks a rendered deferred element data-jb-rendered from the first frame
// on (this script runs later, so it reads the mark rather than keeping its own record).
const RENDERED = "data-jb-rendered";

function measurable(el) {
  const deferred = el.closest(DEFERRED);
  return !canDefer || deferred === null || deferred.hasAttribute(RENDERED);
}

export function markScrollable(root) {
  // Read every block's size first, then write: setting an attribute between two reads
  // forces a fresh layout of the whole page (measured 55 ms on a notebook page).
  const scope = root || document;
  const found = Array.prototype.slice.call(scope.querySelectorAll(CANDIDATES));
  if (scope !== document && scope.matches(CANDIDATES)) found.unshift(scope); // a deferred formula
  const blocks = found.filter(measurable);
  const scrolling = blocks.map(scrolls);
  blocks.forEach(function (el, i) {
    if (scrolling[i]) {
      if (!el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-jobbook-scroll", "");
        if (!el.hasAttribute("role")) el.setAttribute("role", "region");
        if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", labelFor(el));
      }
    } else if (el.hasAttribute("data-jobbook-scroll") && el !== document.activeElement) {
      // (a block the reader has just tabbed to keeps its mark until focus moves on)
      ["tabindex", "data-jobbook-scroll", "role", "aria-label"].forEach(function (a) { el.removeAttribute(a); });
    }
  });
}

let timer = null;
export function install() {
  // Not bubbling: listen in the capture phase. Fired when a deferred element starts or
  // stops being skipped; jobbook-head.js's listener, added first, has set the mark.
  document.addEventListener("contentvisibilityautostatechange", function (event) {
    const element = event.target;
    if (event.skipped || !(element instanceof Element) || !element.matches(DEFERRED)) return;
    markScrollable(element);
  }, true);
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { markScrollable(document); }, 200);
  });
}

export function init() {
  markScrollable(document);
  // Material wraps tables after its own init; KaTeX fonts may widen formulas once loaded.
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { markScrollable(document); });
  window.requestAnimationFrame(function () { markScrollable(document); });
}
