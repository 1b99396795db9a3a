"""Compiled Jinja templates kept across builds: in memory, and on disk when asked.

MkDocs creates a new theme environment for every build, and the roadmap renderer a new
environment per render, so every template would be compiled again each time: 0.25 s of
every build of the real site (60 templates, the theme's and ours). In one process
(`mkdocs serve`) the memory store answers; between builds the plugin keeps them in
``.cache/jobbook/templates`` (:meth:`TemplateCache.keep_in`), like Python's ``.pyc``.

A compiled template is only valid for the options it was compiled with, so the key
covers the template's name and file, Jinja's version and every environment option the
code generator reads; the source's checksum (checked by Jinja's ``Bucket``) catches an
edited template, and Jinja's magic header a different Python.
"""

from __future__ import annotations

import contextlib
from hashlib import sha1
from pathlib import Path

import jinja2
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache


def _options(env: Environment) -> str:
    """What the compiled code depends on besides the source (see jinja2.compiler)."""
    autoescape = env.autoescape if isinstance(env.autoescape, bool) else "per-template"
    return repr(
        (
            jinja2.__version__,
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            sorted(env.extensions),
            env.optimized,
            autoescape,
            env.finalize is not None and getattr(env.finalize, "jinja_pass_arg", None),
            env.is_async,
            sorted(env.policies.items(), key=repr),
            env.code_generator_class.__qualname__,
        )
    )


class TemplateCache(BytecodeCache):
    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}
        self._disk: FileSystemBytecodeCache | None = None

    def keep_in(self, directory: Path | None) -> None:
        """Also keep compiled templates in ``directory`` (None: memory only)."""
        self._disk = None
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError:
                return  # e.g. a read-only checkout: compiling each time still works
            self._disk = FileSystemBytecodeCache(str(directory), "%s.jinja")

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = sha1(f"{_options(environment)}|{name}|{filename}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # resets itself if the source changed
        if bucket.code is None and self._disk is not None:
            try:
                self._disk.load_bytecode(bucket)
            except Exception:  # an unreadable or broken file (pickle may raise anything)
                bucket.reset()  # compiled again, and the file replaced
            if bucket.code is not None:
                self._store[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()
        if self._disk is not None:
            with contextlib.suppress(OSError):  # the next build compiles it again
                self._disk.dump_bytecode(bucket)


TEMPLATE_CACHE = TemplateCache()
