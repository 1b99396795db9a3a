"""Compiled Jinja templates kept across rebuilds within one process."""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    """Compiled Jinja templates kept in memory across rebuilds in one process.

    MkDocs creates a new theme environment for every build, so `mkdocs serve`
    would otherwise recompile every template after each edit. Entries are keyed
    by template name and source checksum, so an edited template is recompiled.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()
