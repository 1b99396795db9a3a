/* Renamed ids: the build's map (assets/data/renames.js, announced by a
 * "jobbook:renames" event) rewrites the saved keys once it arrives. */
import * as store from "./store.js";
import { assetsUrl, loadScript } from "./util.js";

export function install() {
  document.addEventListener("jobbook:renames", function (event) {
    store.setRenames(event.detail);
  });
  // Pages work without it: saved keys are then only shown under their old ids.
  loadScript(assetsUrl() + "data/renames.js").catch(function () {});
}

export function init() {}
