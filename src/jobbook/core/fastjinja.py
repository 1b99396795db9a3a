"""Jinja templates without markupsafe's and Jinja's per-call Python overhead.

With autoescape on, every ``{{ value }}`` calls ``escape``, every macro wraps its output
in ``Markup`` and every call goes through ``Context.call``, which looks for a
``jinja_pass_arg`` mark on the callable and on its ``__call__``. At 10x the roadmap that
is over a million calls and about a fifth of rendering. The output is the same: a
``str`` is escaped by markupsafe's own function, a ``Markup`` stays as it is, anything
else goes to ``markupsafe.escape``; a callable that could carry a ``pass_*`` mark goes
to Jinja's own ``Context.call``. ``tests/test_fastjinja.py`` compares both ways.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from types import BuiltinFunctionType, CodeType, FunctionType
from typing import Any

import markupsafe
from jinja2 import Environment, Template
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Macro
from jinja2.utils import internalcode, pass_eval_context
from markupsafe import (
    Markup,
    _escape_inner,  # C speedups when built, else the pure version
)

_new = str.__new__  # Markup's own __new__ without its hasattr check, for a plain str


def markup(text: str) -> Markup:
    """``Markup(text)`` for a plain ``str``, which has no ``__html__`` for the constructor
    to call: the same value without ``Markup.__new__``'s Python frame."""
    return _new(Markup, text)


def escape(value: object) -> Markup:
    """``markupsafe.escape``, without the Python-level constructor for str and Markup."""
    kind = type(value)
    if kind is str:
        return _new(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # type: ignore[return-value]  # already safe: escape would copy it
    return markupsafe.escape(value)


class FastMacro(Macro):
    """A macro whose output (a str joined from its buffer) becomes Markup without
    ``Markup.__new__``'s ``__html__`` check (a plain str has none), and whose call with
    every argument given by position skips ``Macro.__call__``'s argument matching."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Jinja's __call__ would only copy the arguments: no caller, defaults or extras.
        self._plain = (
            not self.caller
            and not self.catch_kwargs
            and not self.catch_varargs
            and self._default_autoescape is True
            and not self._environment.is_async
        )

    @internalcode
    @pass_eval_context  # as Macro.__call__, so that Jinja's Context.call passes the same
    def __call__(self, *args: Any, **kwargs: Any) -> str:
        if (
            self._plain
            and not kwargs
            and len(args) == self._argument_count
            and (not args or type(args[0]) is not EvalContext)
        ):
            return self._invoke(args, True)  # type: ignore[arg-type]  # a tuple will do
        return super().__call__(*args, **kwargs)

    def _invoke(self, arguments: list[Any], autoescape: bool) -> str:
        if autoescape and not self._environment.is_async:
            out = self._func(*arguments)
            return _new(Markup, out) if type(out) is str else Markup(out)
        return super()._invoke(arguments, autoescape)


class FastContext(Context):
    """``Context.call`` without its ``jinja_pass_arg`` lookups (on the callable and its
    ``__call__``) where none can apply."""

    @internalcode  # hidden from template tracebacks, as Context.call is
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        if not (
            # A macro told the same autoescape as it was defined with: Jinja would pass the
            # eval context only for the macro to read that flag from it.
            (kind is FastMacro and __self.eval_ctx.autoescape is __obj._default_autoescape)
            or kind is BuiltinFunctionType  # e.g. dict.get: cannot carry the mark
            or (kind is FunctionType and not hasattr(__obj, "jinja_pass_arg"))
        ):
            return super().call(__obj, *args, **kwargs)  # pass_context etc.: Jinja's own way
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Context.call
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class FastTemplate(Template):
    """A template whose compiled code looks up ``escape`` and ``Macro`` here."""

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        template = super().from_code(environment, code, globals, uptodate)
        # The module's functions read these names from its namespace at call time.
        template.root_render_func.__globals__.update(escape=escape, Macro=FastMacro)
        return template
