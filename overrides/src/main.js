/* Entry point of the site's script (bundled by esbuild into assets/js/jobbook.js).
 * Material's document$ emits the current page and every page that instant navigation
 * brings in. From file:// it does not emit at all (measured: not even to late
 * subscribers), so a page whose document$ stayed silent until DOMContentLoaded is set
 * up then; each path runs once per page. */
import * as palette from "./palette.js";
import * as notices from "./notices.js";
import * as progress from "./progress.js";
import * as notes from "./notes.js";
import * as share from "./share.js";
import * as renames from "./renames.js";
import * as tools from "./tools.js";
import * as practice from "./practice.js";
import * as a11y from "./a11y.js";

const modules = [palette, notices, progress, notes, share, renames, tools, practice, a11y];
modules.forEach(function (m) { m.install(); });

let started = false;
function init() {
  started = true;
  // One module's failure (say, storage the browser refuses) must not keep the others,
  // practice mode or the keyboard access to scrolling blocks, from starting.
  modules.forEach(function (m) {
    try {
      m.init();
    } catch (error) {
      console.error(error);
    }
  });
}

if (window.document$) window.document$.subscribe(init);
// Material's own DOMContentLoaded listener (registered first) feeds document$ when it works.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", function () { if (!started) init(); });
} else if (!started) {
  init();
}
