/* The light/dark toggle in the header, in place of Material's palette component (#17).
 *
 * Material's component re-applies the palette on every page load: it marks <body>
 * data-md-color-switching (its `[data-md-color-switching] *` rule then matches every
 * element), reads the header's computed style, sets <meta name="color-scheme"> and drops
 * the mark a task later: three restyles of the whole page while it starts, 60-170 ms of
 * a phone's blocking time on a notebook page (Lighthouse, BENCHMARKS.md, sixth session). Material's
 * inline script at the top of <body> has already applied a stored palette by then, so
 * this module changes the page only when something differs.
 *
 * Kept as Material does it: the palette is stored as `__palette` ({index, color}) with
 * Material's own __md_set, so its inline script applies it on the next page; a first
 * visit follows prefers-color-scheme; Enter on the focused toggle switches; the
 * browser's theme colour follows the header. Not kept: Material's automatic palette
 * ("(prefers-color-scheme)"), which mkdocs.yml does not use. */

const FORM = "form[data-jobbook-palette]";

function stored() {
  try {
    return window.__md_get("__palette");
  } catch {
    return null; // storage refused (private mode, policy): follow the system
  }
}

function colorsOf(input) {
  const color = {};
  for (const key of ["media", "scheme", "primary", "accent"]) {
    color[key] = input.getAttribute("data-md-color-" + key);
  }
  return color;
}

/* The palette to show: the stored one, else the first whose media query matches. */
function initialIndex(inputs) {
  const palette = stored();
  const index =
    palette && typeof palette.index === "number"
      ? palette.index
      : inputs.findIndex(function (input) {
        return window.matchMedia(input.getAttribute("data-md-color-media")).matches;
      });
  return Math.max(0, Math.min(index, inputs.length - 1));
}

function metaNamed(name) {
  let meta = document.head.querySelector('meta[name="' + name + '"]');
  if (!meta) {
    meta = document.createElement("meta");
    meta.name = name;
    document.head.appendChild(meta);
  }
  return meta;
}

/* The browser's UI colour (Android's address bar) follows the header, as Material sets it. */
function updateThemeColor() {
  const header = document.querySelector("[data-md-component=header]");
  if (!header) return;
  const rgb = window.getComputedStyle(header).backgroundColor.match(/\d+/g);
  if (!rgb) return;
  const hex = rgb.slice(0, 3).map(function (v) { return (+v).toString(16).padStart(2, "0"); });
  const color = "#" + hex.join("");
  const meta = metaNamed("theme-color");
  if (meta.content !== color) meta.content = color;
}

function afterFrame(run) {
  window.requestAnimationFrame(function () { setTimeout(run, 0); });
}

/* Show palette `index`; touch the page only where it differs from what it shows. */
function apply(form, inputs, index) {
  const body = document.body;
  const color = colorsOf(inputs[index]);
  const changes = Object.keys(color).filter(function (key) {
    return body.getAttribute("data-md-color-" + key) !== color[key];
  });
  // Only the colours restyle the page (no rule reads data-md-color-media): only they need
  // Material's mark that turns colour transitions off while the palette switches.
  const visible = changes.some(function (key) { return key !== "media"; });
  if (visible) body.setAttribute("data-md-color-switching", "");
  changes.forEach(function (key) { body.setAttribute("data-md-color-" + key, color[key]); });
  // The root's colour scheme (scrollbars, form controls): dark only for a dark palette.
  // A page without the meta is light, so a light page needs no change (and no restyle).
  const dark = color.scheme === "slate";
  const scheme = document.head.querySelector('meta[name="color-scheme"]');
  if (dark || scheme) {
    const meta = scheme || metaNamed("color-scheme");
    const wanted = dark ? "dark" : "light";
    if (meta.content !== wanted) meta.content = wanted;
  }
  inputs.forEach(function (input, i) {
    const label = input.nextElementSibling;
    if (label instanceof HTMLLabelElement && label.hidden !== (i !== index)) {
      label.hidden = i !== index;
    }
  });
  form.dataset.jobbookPaletteIndex = String(index);
  try {
    window.__md_set("__palette", { index: index, color: color });
  } catch {
    // storage refused: __md_set reads localStorage before its own try
  }
  // After a frame drawn with the new colours (and the mark, so without transitions): the
  // styles are then up to date, the theme colour is read without a restyle, and only then
  // the mark goes (Material read the header's style while the mark was set, which had the
  // same effect; a timer alone can fire before any frame).
  afterFrame(function () {
    updateThemeColor();
    if (visible) body.removeAttribute("data-md-color-switching");
  });
}

function mount(form) {
  const inputs = Array.from(form.querySelectorAll("input.md-option"));
  if (!inputs.length) return;
  inputs.forEach(function (input, i) {
    input.addEventListener("change", function () {
      if (input.checked) apply(form, inputs, i);
    });
  });
  // A focused radio ignores Enter; Material switches to the next palette on it.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const next = inputs[(Number(form.dataset.jobbookPaletteIndex || 0) + 1) % inputs.length];
    next.click();
    next.focus();
  });
  apply(form, inputs, initialIndex(inputs));
}

export function install() {}

/* The header stays when instant navigation swaps the page: mount its toggle once. */
export function init() {
  const form = document.querySelector(FORM);
  if (!form || form.dataset.jobbookPaletteIndex !== undefined) return;
  mount(form);
}
