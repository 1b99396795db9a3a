"""Relative links between pages of the generated site."""

from __future__ import annotations

import posixpath


def site_relpath(target: str, start: str) -> str:
    """``posixpath.relpath`` for paths inside the site, without asking the OS for the cwd.

    Paths that are absolute or start with ".." after ``normpath`` (climbing out of the
    site, or names such as "..a") go to ``posixpath.relpath`` itself; for the rest the
    answer is the same.
    """
    t, s = posixpath.normpath(target), posixpath.normpath(start or ".")
    if not target or t.startswith(("/", "..")) or s.startswith(("/", "..")):
        return posixpath.relpath(target, start or ".")
    to = [] if t == "." else t.split("/")
    base = [] if s == "." else s.split("/")
    same = 0
    for a, b in zip(to, base, strict=False):  # stops at the shorter
        if a != b:
            break
        same += 1
    parts = [".."] * (len(base) - same) + to[same:]
    return "/".join(parts) if parts else "."


def site_href(target: str, page: str) -> str:
    """The link from ``page`` to ``target`` ("file" or "file#anchor"), both site paths."""
    file, _, anchor = target.partition("#")
    href = site_relpath(file, posixpath.dirname(page))
    return href + (f"#{anchor}" if anchor else "")
