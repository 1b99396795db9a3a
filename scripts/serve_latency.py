#!/usr/bin/env python3
"""Measure how long a YAML edit takes to show up in `mkdocs serve` (issue: performance).

Copies the project to a temp dir, starts `mkdocs serve` on 127.0.0.1, edits one
topic title in roadmap/, and polls the stage page until the new title appears.
Prints one JSON line: {"runs": [...seconds...], "median_s": F}.

Usage: python scripts/serve_latency.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = "paths/fullstack-to-ai/fs-0-env.html"
FILE = "roadmap/fullstack-to-ai.yml"
TITLE = "title: 开发环境与工具链"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{text!r} did not appear at {url} within {timeout} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jobbook-serve-") as tmp:
        project = Path(tmp) / "proj"
        ignore = shutil.ignore_patterns(
            ".venv", ".git", "site", "dist", "node_modules", "test-results"
        )
        shutil.copytree(ROOT, project, ignore=ignore)
        port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "JOBBOOK_OFFLINE": "false"}
        serve = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/{PAGE}"
        try:
            startup = wait_for(url, "开发环境与工具链", 300)
            print(f"serve ready after {startup:.1f} s", file=sys.stderr)
            yaml = project / FILE
            original = yaml.read_text(encoding="utf-8")
            runs = []
            for n in range(1, args.runs + 1):
                marker = f"开发环境与工具链（第 {n} 次编辑）"
                yaml.write_text(original.replace(TITLE, f"title: {marker}", 1), encoding="utf-8")
                runs.append(round(wait_for(url, marker, 60), 2))
                print(f"edit {n}: visible after {runs[-1]} s", file=sys.stderr)
                time.sleep(1)
        finally:
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait(timeout=30)
    print(json.dumps({"runs": runs, "median_s": statistics.median(runs)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
