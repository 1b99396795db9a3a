#!/usr/bin/env python3
"""Lighthouse scores and page weight of a built site (issue: performance).

Serves a built ``site/`` on 127.0.0.1 (http.server in a thread, random free port),
runs Lighthouse from npm (``npx --yes lighthouse@VERSION``, Debian chromium,
headless) on one page of every page type (home, path overview, stage, the two heaviest
math pages, the heaviest notebook, resources, question bank, the heaviest question area,
practice, progress), mobile and desktop, ``--runs`` times each (default 3; the run with
the median performance score is reported, with every run's score), and prints a table
of the performance / accessibility / best-practices / SEO scores with the bytes
transferred. Text files
are sent gzip-compressed, as GitHub Pages does (``--no-gzip`` serves them raw); the
"gzip est." column is the same sum computed from the files, for either mode.

It also opens the same pages from ``file://`` with Playwright (the way the offline
zip is read) and sums the sizes of the files actually loaded.

The last stdout line is one JSON object; progress goes to stderr.

Build the offline site into a temp dir first (never into the shared ./site):

    NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict -d /tmp/jobbook-lh/site
    .venv/bin/python scripts/lighthouse.py --site /tmp/jobbook-lh/site

Lighthouse 12.8.2 is pinned: it is the newest release that supports Node 20
(13.x requires Node >= 22.19).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

LIGHTHOUSE = "12.8.2"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# page type → page; "heaviest:<glob>" picks the largest HTML file matching the glob
PAGE_TYPES = {
    "home": "index.html",
    "path overview": "paths/ml-roadmap/index.html",
    "stage": "paths/fullstack-to-ai/fs-1-math.html",
    "math (heaviest)": "heaviest:math/*.html",
    "math (2nd heaviest)": "heaviest2:math/*.html",
    "notebook (heaviest)": "heaviest:notebooks/*.html",
    "resources": "resources.html",
    "question bank": "questions/index.html",
    "question area (heaviest)": "heaviest:questions/[!p]*.html",
    "practice": "practice.html",
    "progress": "progress.html",
}


def resolve_pages(site: Path) -> dict[str, str]:
    pages = {}
    for kind, spec in PAGE_TYPES.items():
        if ":" not in spec:
            pages[kind] = spec
            continue
        rank, pattern = spec.split(":", 1)
        files = sorted(site.glob(pattern), key=lambda f: -f.stat().st_size)
        files = [f for f in files if f.name != "index.html"]
        pick = 1 if rank == "heaviest2" else 0
        if len(files) > pick:
            pages[kind] = files[pick].relative_to(site).as_posix()
    return pages


SEARCH_INDEX = "search/search_index.json"
TEXT_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class GzipHandler(QuietHandler):
    """Serves text files gzip-compressed when the client asks, as GitHub Pages does."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in TEXT_TYPES):
            return super().send_head()
        body = gzip_bytes(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, compress: bool = True) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(GzipHandler if compress else QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@functools.cache
def gzip_bytes(path: Path) -> bytes:
    return gzip.compress(path.read_bytes(), 6, mtime=0)


def gzip_size(path: Path) -> int:
    return len(gzip_bytes(path)) if path.suffix in TEXT_TYPES else path.stat().st_size


def local_file(site: Path, base: str, url: str) -> Path | None:
    if not url.startswith(base):
        return None
    rel = unquote(urlsplit(url).path).lstrip("/") or "index.html"
    path = site / rel
    return path if path.is_file() else None


def run_lighthouse(url: str, form_factor: str, version: str, out: Path) -> dict[str, Any]:
    cmd = [
        "npx",
        "--yes",
        f"lighthouse@{version}",
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if form_factor == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROME)}
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse runtime error on {url}: {report['runtimeError']}")
    return report


def summarise(report: dict[str, Any], page: str, form_factor: str, site: Path, base: str):
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    by_type: dict[str, int] = {}
    gz = 0
    search = 0
    for item in requests:
        size = int(item.get("transferSize") or 0)
        kind = item.get("resourceType") or "Other"
        by_type[kind] = by_type.get(kind, 0) + size
        path = local_file(site, base, item["url"])
        gz += gzip_size(path) if path else size
        if item["url"].endswith(SEARCH_INDEX):
            search += size
    cats = report["categories"]
    return {
        "page": page,
        "form_factor": form_factor,
        "performance": round(cats["performance"]["score"] * 100),
        "accessibility": round(cats["accessibility"]["score"] * 100),
        "best_practices": round(cats["best-practices"]["score"] * 100),
        "seo": round(cats["seo"]["score"] * 100),
        "transferred_bytes": int(audits["total-byte-weight"]["numericValue"]),
        "transferred_gzip_est_bytes": gz,
        "search_index_bytes": search,
        "requests": len(requests),
        "by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1])),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "failed_audits": sorted(
            key
            for key, audit in audits.items()
            if audit.get("score") is not None
            and audit["score"] < 0.9
            and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        ),
    }


def file_weights(site: Path, pages: list[str]) -> list[dict[str, Any]]:
    """Open each page from file:// and sum the sizes of the local files it loaded."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        log("playwright not installed: skipping the file:// page weight")
        return []
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROME_PATH", CHROME),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for page_rel in pages:
            context = browser.new_context(viewport={"width": 1350, "height": 940})
            loaded: list[str] = []
            context.on("requestfinished", lambda request, bag=loaded: bag.append(request.url))
            page = context.new_page()
            page.goto((site / page_rel).resolve().as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(1500)  # fonts and lazily loaded scripts (KaTeX)
            by_type: dict[str, int] = {}
            files = []
            for url in dict.fromkeys(loaded):
                if not url.startswith("file://"):
                    continue
                path = Path(unquote(urlsplit(url).path))
                if not path.is_file():
                    continue
                ext = path.suffix.lstrip(".") or "other"
                kind = {"woff2": "font", "woff": "font", "ttf": "font"}.get(ext, ext)
                by_type[kind] = by_type.get(kind, 0) + path.stat().st_size
                files.append(path.relative_to(site.resolve()).as_posix())
            context.close()
            results.append(
                {
                    "page": page_rel,
                    "bytes": sum(by_type.values()),
                    "by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1])),
                    "files": files,
                }
            )
            log(f"file:// {page_rel}: {results[-1]['bytes'] / 1024:.0f} KiB in {len(files)} files")
        browser.close()
    return results


def kib(n: int) -> str:
    return f"{n / 1024:.0f}"


def table(results: list[dict[str, Any]], weights: list[dict[str, Any]]) -> str:
    lines = [
        "| type | page | form | perf (median) | runs | a11y | best-pr. | SEO | transferred KiB "
        "| of which search index KiB | gzip est. KiB | FCP ms | LCP ms | TBT ms | CLS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        runs = "/".join(str(x) for x in r.get("performance_runs", [r["performance"]]))
        lines.append(
            f"| {r.get('page_type', '')} | {r['page']} | {r['form_factor']} | {r['performance']} "
            f"| {runs} | {r['accessibility']} "
            f"| {r['best_practices']} | {r['seo']} | {kib(r['transferred_bytes'])} "
            f"| {kib(r['search_index_bytes'])} | {kib(r['transferred_gzip_est_bytes'])} "
            f"| {r['fcp_ms']} | {r['lcp_ms']} | {r['tbt_ms']} | {r['cls']} |"
        )
    if weights:
        lines += ["", "| page (file://) | loaded KiB | by type (KiB) |", "|---|---|---|"]
        for w in weights:
            parts = ", ".join(f"{k} {kib(v)}" for k, v in w["by_type"].items())
            lines.append(f"| {w['page']} | {kib(w['bytes'])} | {parts} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="site", help="built site directory (default: site)")
    parser.add_argument(
        "--pages", nargs="+", help="pages relative to the site (default: one per page type)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median reported)")
    parser.add_argument(
        "--form-factors",
        default="mobile,desktop",
        help="comma-separated: desktop (--preset=desktop) and/or mobile (Lighthouse default)",
    )
    parser.add_argument("--lighthouse", default=LIGHTHOUSE, help=f"npm version ({LIGHTHOUSE})")
    parser.add_argument("--no-file-weight", action="store_true", help="skip the file:// weight")
    parser.add_argument(
        "--no-gzip",
        action="store_true",
        help="serve uncompressed (default: gzip like GitHub Pages)",
    )
    parser.add_argument("--keep-reports", help="directory to keep the Lighthouse JSON reports in")
    args = parser.parse_args()

    site = Path(args.site).resolve()
    if not (site / "index.html").is_file():
        log(
            f"{site}/index.html not found: build the site first, e.g.\n  {__doc__.split('    ')[1]}"
        )
        return 2
    forms = [f.strip() for f in args.form_factors.split(",") if f.strip()]
    if not forms or set(forms) - {"desktop", "mobile"}:
        log("--form-factors takes desktop and/or mobile")
        return 2
    kinds = {p: p for p in args.pages} if args.pages else resolve_pages(site)
    args.pages = list(kinds.values())
    missing = [p for p in args.pages if not (site / p).is_file()]
    if missing:
        log(f"pages not in the site: {missing}")
        return 2

    server, base = serve(site, compress=not args.no_gzip)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="jobbook-lh-") as tmp:
            reports = Path(args.keep_reports) if args.keep_reports else Path(tmp)
            reports.mkdir(parents=True, exist_ok=True)
            for form in forms:
                for kind, page in kinds.items():
                    runs = []
                    for run in range(args.runs):
                        start = time.perf_counter()
                        name = f"{form}-{page.replace('/', '_')}-{run}.json"
                        report = run_lighthouse(base + page, form, args.lighthouse, reports / name)
                        runs.append(summarise(report, page, form, site, base))
                        r = runs[-1]
                        log(
                            f"{form} {page} #{run + 1}: perf {r['performance']} "
                            f"a11y {r['accessibility']} bp {r['best_practices']} "
                            f"seo {r['seo']}, {kib(r['transferred_bytes'])} KiB "
                            f"({time.perf_counter() - start:.0f} s)"
                        )
                    runs.sort(key=lambda r: r["performance"])
                    median = dict(runs[len(runs) // 2])
                    median["page_type"] = kind
                    median["performance_runs"] = [r["performance"] for r in runs]
                    results.append(median)
    finally:
        server.shutdown()
        server.server_close()
    weights = [] if args.no_file_weight else file_weights(site, args.pages)
    print(table(results, weights))
    print(
        json.dumps(
            {
                "lighthouse": args.lighthouse,
                "site": str(site),
                "results": results,
                "file_weights": [{k: v for k, v in w.items() if k != "files"} for w in weights],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
