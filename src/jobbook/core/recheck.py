"""Validate a change before it is written: which issues would it add to ``jobbook check``?"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from jobbook.core.load import Issue, relative_name
from jobbook.core.validate import load_tags, validate_files


def _issue_key(issue: Issue, target: str) -> tuple[str, int | None, str]:
    """Identity of an issue that survives the line shift caused by the insertion."""
    message = re.sub(rf"{re.escape(target)}:\d+", f"{target}:#", issue.message)
    if issue.file == target:
        return issue.file, None, re.sub(r"第 \d+ 行", "第 # 行", message)
    return issue.file, issue.line, message


def issues_added(files: list[Path], root: Path, changed: Path, text: str) -> list[Issue]:
    """Issues that ``changed`` rewritten as ``text`` adds to ``jobbook check`` of ``files``.

    A temporary copy of the roadmap is validated; issues that were already there (their
    lines shifted by the change) are not counted.
    """
    target = relative_name(changed, root)
    docs = root / "docs" if (root / "docs").is_dir() else None
    tags, _ = load_tags(root / "roadmap", root)
    with tempfile.TemporaryDirectory(prefix="jobbook-add-") as tmp:
        tmp_root = Path(tmp)
        copies = []
        for n, file in enumerate(files):
            rel = relative_name(file, root)
            copy = tmp_root / (f"_outside/{n}/{file.name}" if Path(rel).is_absolute() else rel)
            copy.parent.mkdir(parents=True, exist_ok=True)
            if file == changed:
                copy.write_text(text, encoding="utf-8", newline="")
            else:
                shutil.copyfile(file, copy)
            copies.append(copy)
        after = validate_files(copies, tmp_root, docs, tags).issues
    if not after:
        return []
    before = validate_files(files, root, docs, tags).issues
    extra = Counter(_issue_key(i, target) for i in after)
    extra.subtract(_issue_key(i, target) for i in before)
    new = []
    for issue in after:
        key = _issue_key(issue, target)
        if extra[key] > 0:
            extra[key] -= 1
            new.append(issue)
    return new
