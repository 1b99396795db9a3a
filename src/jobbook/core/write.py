"""Write generated files atomically: a reader never sees a half-written tree."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path


def write_tree(out: Path, files: dict[str, str]) -> None:
    """Replace directory ``out`` with exactly ``files`` (relative posix path → text)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        tmp.chmod(_mode_of(out, directory=True))  # mkdtemp creates 0700
        for rel, text in sorted(files.items()):
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_file(path: Path, text: str) -> None:
    """Replace one file atomically (temp file in the same folder, then rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp creates 0600; keep the mode of the file being replaced (or the umask default)
        os.fchmod(fd, _mode_of(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_of(path: Path, directory: bool = False) -> int:
    """Mode of the file being replaced, or what a plain open()/mkdir() would give."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return (0o777 if directory else 0o666) & ~umask


def file_identity(path: Path) -> tuple[int, int]:
    """(modification time in ns, size) of ``path``; (-1, -1) when it does not exist.

    Enough to notice that another process replaced a file this one wrote or read."""
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)
