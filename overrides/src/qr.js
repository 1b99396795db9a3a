/* A QR code as inline SVG, drawn from the vendored qrcode-generator (loaded on demand
 * as a <script src>; it defines a global `qrcode`). */
import { assetsUrl, loadScript } from "./util.js";

const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4; // modules of white border the standard asks for

export function load() {
  return loadScript(assetsUrl() + "vendor/qrcode-generator/qrcode.js").then(function () {
    if (typeof window.qrcode !== "function") throw new Error("二维码组件没有正确加载");
    return window.qrcode;
  });
}

/* Resolves with an <svg> for `text` (bytes, error correction L), or null when the text
 * does not fit in the largest QR code (version 40). */
export function render(text, label) {
  return load().then(function (qrcode) {
    const qr = qrcode(0, "L");
    qr.addData(text, "Byte");
    try {
      qr.make();
    } catch {
      return null; // "code length overflow"
    }
    const n = qr.getModuleCount();
    const size = n + 2 * QUIET;
    let d = "";
    for (let row = 0; row < n; row += 1) {
      for (let col = 0; col < n; col += 1) {
        if (!qr.isDark(row, col)) continue;
        let run = 1;
        while (col + run < n && qr.isDark(row, col + run)) run += 1;
        d += "M" + (col + QUIET) + " " + (row + QUIET) + "h" + run + "v1h-" + run + "z";
        col += run - 1;
      }
    }
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("class", "jb-qr");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    svg.setAttribute("shape-rendering", "crispEdges");
    svg.setAttribute("data-modules", String(n));
    svg.style.width = Math.max(192, size * 4) + "px"; // CSS caps it at the dialog's width
    const bg = document.createElementNS(SVG, "rect");
    bg.setAttribute("width", String(size));
    bg.setAttribute("height", String(size));
    bg.setAttribute("fill", "#fff");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "#000");
    svg.appendChild(bg);
    svg.appendChild(path);
    return svg;
  });
}
