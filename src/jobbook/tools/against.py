"""``jobbook check --against GIT_REF``: the roadmap as it is in a git ref.

The files are read with ``git ls-tree`` and ``git show`` (nothing is checked out); the
comparison itself is :func:`jobbook.core.renames.compare`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from jobbook.core.load import load_bytes, load_file, relative_name, roadmap_files

SUFFIXES = (".yml", ".yaml")


class GitError(Exception):
    """The ref or the repository cannot be read; the message is for the reader."""


def _git(root: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"无法运行 git：{exc}") from exc
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(detail[-1] if detail else f"git {args[0]} 失败")
    return result.stdout


def files_at(ref: str, roadmap_dir: Path, root: Path) -> list[tuple[str, Any]]:
    """(relative name, parsed data) of every roadmap file in ``ref``."""
    if ref.startswith("-"):
        raise GitError(f"无效的 git 引用 '{ref}'")
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError as exc:
        raise GitError(f"找不到 git 引用 '{ref}'（CI 中需要先 fetch 基准分支）") from exc
    prefix = relative_name(roadmap_dir, root)
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", ref, "--", f"./{prefix}/")
    out = []
    for name in sorted(n.decode("utf-8", "replace") for n in listing.split(b"\0") if n):
        if not name.endswith(SUFFIXES) or Path(name).name == "tags.yml":
            continue
        rel = relative_name(root / name, root)
        blob = _git(root, "show", f"{ref}:./{rel}")
        out.append((rel, load_bytes(blob, rel).data))
    return out


def current_files(roadmap_dir: Path, root: Path) -> list[tuple[str, Any]]:
    """The working tree's files, valid or not (an invalid file still keeps its ids)."""
    loaded = (load_file(path, root) for path in roadmap_files(roadmap_dir))
    return [(f.rel, f.data) for f in loaded]
