#!/usr/bin/env python3
"""Refresh vendored front-end assets from the npm registry.

Each package is downloaded with ``npm pack`` at a pinned version, checked
against the pinned SHA-512 integrity, and only the files the site needs are
copied to ``overrides/assets/vendor/<name>/`` with the package licence:

- KaTeX: minified JS/CSS, auto-render and the woff2 fonts. The CSS is
  rewritten to load woff2 only, so offline readers and link checkers never
  ask for the woff/ttf fallbacks that are not shipped.
- iframe-worker: the shim Material uses to run the search worker from
  ``file://``; without a local copy Material loads it from a CDN.
- ts-fsrs: the FSRS scheduler of the practice page (UMD build, loaded only there).
- qrcode-generator: the QR code of the progress link (loaded only when it is shown). The
  package has no LICENSE file: its MIT notice is the comment at the top of qrcode.js,
  which is copied to LICENSE.

Usage: python scripts/vendor_assets.py [--check]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "overrides" / "assets" / "vendor"


def woff2_only(css: bytes) -> bytes:
    """Drop the woff and ttf fallbacks from every @font-face src list."""
    text = css.decode()
    text = re.sub(r',\s*url\([^)]*\.woff\)\s*format\("woff"\)', "", text)
    text = re.sub(r',\s*url\([^)]*\.ttf\)\s*format\("truetype"\)', "", text)
    return text.encode()


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str
    files: dict[str, str]  # path in the tarball → path under vendor/<name>/
    globs: dict[str, str] = field(default_factory=dict)  # glob in tarball → target folder
    rewrite: dict[str, Callable[[bytes], bytes]] = field(default_factory=dict)
    # target → made from the selected files (e.g. a LICENSE from a file's header comment)
    derived: dict[str, Callable[[dict[str, bytes]], bytes]] = field(default_factory=dict)


def header_comment(name: str) -> Callable[[dict[str, bytes]], bytes]:
    """The ``//`` comment block a file starts with (its licence notice), as a text file."""

    def make(files: dict[str, bytes]) -> bytes:
        lines = []
        for line in files[name].decode().splitlines():
            if not line.startswith("//"):
                break
            lines.append(line[2:].removeprefix(" ").rstrip())
        text = "\n".join(line for line in lines if set(line) != {"-"}).strip()
        return f"{text}\n\n(Licence notice from the top of {name}; the package has no LICENSE file.)\n".encode()

    return make


PACKAGES = [
    Package(
        name="katex",
        version="0.19.1",
        integrity="sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA==",
        files={
            "package/dist/katex.min.js": "katex.min.js",
            "package/dist/katex.min.css": "katex.min.css",
            "package/dist/contrib/auto-render.min.js": "auto-render.min.js",
            "package/LICENSE": "LICENSE",
        },
        globs={"package/dist/fonts/*.woff2": "fonts"},
        rewrite={"katex.min.css": woff2_only},
    ),
    Package(
        name="iframe-worker",
        version="1.0.4",
        integrity="sha512-roeaaI+Lg1LJNfgpCjoRe/+WzEjy9+Z08LoEvu85MCPbBjwm+qXz8Ag5U05lHa6V1CysZyGzE0SOkAtSUA5q7Q==",
        files={"package/shim/index.js": "shim.js", "package/LICENSE": "LICENSE"},
    ),
    # FSRS spaced repetition for the practice page (UMD build: defines window.FSRS).
    Package(
        name="ts-fsrs",
        version="5.4.2",
        integrity="sha512-z4qop4pzTcyTzuJ566d9EaX/4bZZzhYfeaPImfVr+xcYT65c5oBgFDijUhCE/D+C78eaolHIhKRZ04/RwF+v2g==",
        files={"package/dist/index.umd.js": "fsrs.umd.js", "package/LICENSE": "LICENSE"},
    ),
    # QR code of the progress link (defines window.qrcode).
    Package(
        name="qrcode-generator",
        version="2.0.4",
        integrity="sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g==",
        files={"package/dist/qrcode.js": "qrcode.js"},
        derived={"LICENSE": header_comment("qrcode.js")},
    ),
]


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def package_files(pkg: Package, tmp: Path) -> dict[str, bytes]:
    """Download, verify and select the files of one package."""
    subprocess.run(
        ["npm", "pack", f"{pkg.name}@{pkg.version}", "--silent", "--pack-destination", str(tmp)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    [tarball] = tmp.glob(f"{pkg.name}-{pkg.version}.tgz")
    got = integrity(tarball.read_bytes())
    if got != pkg.integrity:
        raise SystemExit(
            f"{pkg.name}@{pkg.version}: integrity mismatch\n  want {pkg.integrity}\n  got  {got}"
        )
    src = tmp / pkg.name
    with tarfile.open(tarball) as tar:
        tar.extractall(src, filter="data")
    files = {target: (src / name).read_bytes() for name, target in pkg.files.items()}
    for pattern, folder in pkg.globs.items():
        for path in sorted(src.glob(pattern)):
            files[f"{folder}/{path.name}"] = path.read_bytes()
    for name, rewrite in pkg.rewrite.items():
        files[name] = rewrite(files[name])
    for name, make in pkg.derived.items():
        files[name] = make(files)
    files["VERSION"] = f"{pkg.name} {pkg.version} {pkg.integrity}\n".encode()
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description="Refresh vendored front-end assets from npm.")
    parser.add_argument("--check", action="store_true", help="only verify the vendored copies")
    args = parser.parse_args()
    status = 0
    with tempfile.TemporaryDirectory() as tmpdir:
        for pkg in PACKAGES:
            files = package_files(pkg, Path(tmpdir))
            dest = VENDOR / pkg.name
            if args.check:
                present = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()}
                stale = sorted(
                    n
                    for n, b in files.items()
                    if not (dest / n).is_file() or (dest / n).read_bytes() != b
                )
                stale += sorted(present - set(files))
                print(
                    f"{pkg.name} {pkg.version}: "
                    + ("differs: " + ", ".join(stale) if stale else "up to date")
                )
                status |= bool(stale)
                continue
            shutil.rmtree(dest, ignore_errors=True)
            for name, blob in files.items():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                (dest / name).write_bytes(blob)
            print(
                f"{pkg.name} {pkg.version} → {dest.relative_to(VENDOR.parents[2])} ({len(files)} files)"
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
