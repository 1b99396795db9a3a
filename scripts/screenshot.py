#!/usr/bin/env python3
"""Screenshot built pages from file:// in Debian chromium (to look at what readers see).

Usage: python scripts/screenshot.py SITE_DIR PAGE.html [PAGE.html ...]
       [--width 1280] [--dark] [--full] [--out test-results/screenshots]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--full", action="store_true", help="whole page, not just the viewport")
    parser.add_argument("--out", type=Path, default=Path("test-results/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height},
            color_scheme="dark" if args.dark else "light",
        )
        page = context.new_page()
        for rel in args.pages:
            page.goto((args.site.resolve() / rel).as_uri())
            page.wait_for_timeout(600)
            name = rel.replace("/", "_").removesuffix(".html")
            suffix = f"-{args.width}" + ("-dark" if args.dark else "")
            target = args.out / f"{name}{suffix}.png"
            page.screenshot(path=str(target), full_page=args.full)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
