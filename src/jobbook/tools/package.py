"""Pack the built site into a reproducible zip for offline reading."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

TOP = "ml-jobbook-offline"
# Fixed timestamp: the same site always gives the same zip bytes.
EPOCH = (2020, 1, 1, 0, 0, 0)


def pack_site(site: Path, out: Path, top: str = TOP) -> int:
    """Zip ``site/`` under one top-level folder; returns the number of files."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site}/index.html 不存在：请先构建网站")
    files = sorted(p for p in site.rglob("*") if p.is_file())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(site).as_posix()}", EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, out)
    return len(files)
