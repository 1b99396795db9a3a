"""The renderer's Jinja templates escape exactly as markupsafe does, only faster."""

from __future__ import annotations

import markupsafe
import pytest
from jinja2 import DictLoader, Environment
from jinja2.runtime import Context, Macro
from markupsafe import Markup

from jobbook.core import fastjinja
from jobbook.core.render import _environment, build_site
from jobbook.core.validate import validate_dir

from .helpers import FIXTURE_SITE


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


class _Sub(str):
    pass


VALUES = [
    "",
    "plain 文本",
    "<script>alert('x') & \"y\"</script>",
    Markup("<em>kept</em>"),
    _Sub("<sub>"),
    _Html(),
    42,
    3.5,
    None,
    ["<a>"],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_matches_markupsafe(value):
    fast, slow = fastjinja.escape(value), markupsafe.escape(value)
    assert type(fast) is Markup
    assert fast == slow


def _pair(source: str, **ctx: object) -> tuple[str, str]:
    def env(fast: bool) -> Environment:
        e = Environment(loader=DictLoader({"t": source}), autoescape=True)
        if fast:
            e.template_class = fastjinja.FastTemplate
            e.context_class = fastjinja.FastContext
        return e

    return env(True).get_template("t").render(**ctx), env(False).get_template("t").render(**ctx)


def test_templates_render_the_same_as_plain_jinja():
    source = (
        "{% macro m(x) %}<i>{{ x }}</i>{{ caller() if caller }}{% endmacro %}"
        "{{ a }}|{{ b }}|{{ m(a) }}|{% call m(b) %}{{ a }}{% endcall %}|{{ m(a)|length }}"
        "{% set s %}{{ a }}{% endset %}{{ s }}"
    )
    fast, slow = _pair(source, a="<&'\">", b=Markup("<ok>"))
    assert fast == slow
    assert "&lt;&amp;&#39;&#34;&gt;" in fast and "<ok>" in fast


def test_the_roadmap_environment_uses_the_fast_escape():
    roadmap = validate_dir(FIXTURE_SITE / "roadmap", FIXTURE_SITE)
    env = _environment(build_site(roadmap))
    template = env.get_template("_macros.md.j2")
    names = template.root_render_func.__globals__
    assert names["escape"] is fastjinja.escape
    assert names["Macro"] is fastjinja.FastMacro
    assert isinstance(template.new_context({}), fastjinja.FastContext)


def test_calls_behave_as_in_plain_jinja():
    from jinja2 import pass_context, pass_environment

    @pass_context
    def who(context, suffix):
        return context["name"] + suffix

    @pass_environment
    def env_kind(environment):
        return type(environment).__name__

    def stop():
        raise StopIteration

    source = (
        "{% macro m(x) %}[{{ x }}{{ caller() if caller }}]{% endmacro %}"
        "{{ who('!') }}|{{ env_kind() }}|{{ d.get('k', '<d>') }}|{{ plain(a) }}|"
        "{% for i in [1, 2] %}{{ m(i) }}{% call m(i) %}{{ who(i|string) }}{% endcall %}{% endfor %}|"
        "{{ stop() is undefined }}"
    )
    ctx = {"who": who, "env_kind": env_kind, "stop": stop, "d": {}, "a": "<a>", "name": "n"}
    fast, slow = _pair(source, plain=lambda v: v * 2, **ctx)
    assert fast == slow
    assert fast == "n!|Environment|&lt;d&gt;|&lt;a&gt;&lt;a&gt;|[1][1n1][2][2n2]|True"


def test_marked_callables_and_eval_context_as_in_plain_jinja():
    from jinja2 import pass_eval_context

    @pass_eval_context
    def auto(eval_ctx):
        return str(eval_ctx.autoescape)

    class Marked:
        def __init__(self):
            self.__call__ = pass_eval_context(lambda eval_ctx: "marked")

    fast, slow = _pair("{{ auto() }}|{{ m() }}", auto=auto, m=Marked())
    assert fast == slow == "True|marked"


MACRO_SHAPES = (
    "{% macro all(a, b) %}<{{ a }}:{{ b }}>{% endmacro %}"
    "{% macro opt(a, b='<d>') %}({{ a }},{{ b }}){% endmacro %}"
    "{% macro rest(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}"
    "{% macro va(a) %}{{ a }}{{ varargs }}{% endmacro %}"
    "{% macro kw(a) %}{{ a }}{{ kwargs }}{% endmacro %}"
    "{% macro wrap(a) %}[{{ a }}{{ caller(a) }}]{% endmacro %}"
    "{% macro asks(a) %}{{ a }}{{ caller is defined }}{% endmacro %}"
    "{% macro nothing() %}<none>{% endmacro %}"
    "{{ all(x, y) }}|{{ all(x, b=y) }}|{{ opt(x) }}|{{ opt(x, y) }}|{{ opt(a=y) }}|"
    "{{ rest(x) }}|{{ rest(x, y, k=x) }}|{{ va(x) }}|{{ kw(x) }}|{% call(v) wrap(x) %}{{ v }}{{ y }}{% endcall %}|"
    "{{ asks(x) }}|{{ nothing() }}|{{ all(x, y)|length }}|{{ all(x, y) + x }}|{{ py(all) }}|"
    "{% autoescape false %}{{ all(x, y)|e }}{{ all(x, y) + x }}{% endautoescape %}"
)


def _shapes_env(fast: bool, autoescape: bool, context: type, enable_async: bool) -> Environment:
    e = Environment(
        loader=DictLoader({"t": MACRO_SHAPES}), autoescape=autoescape, enable_async=enable_async
    )
    if fast:
        e.template_class = fastjinja.FastTemplate
        e.context_class = context
    return e


@pytest.mark.parametrize("enable_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("context", [fastjinja.FastContext, Context], ids=["fast", "jinja"])
@pytest.mark.parametrize("autoescape", [True, False], ids=["escape", "raw"])
def test_macro_calls_of_every_shape_as_in_plain_jinja(autoescape, context, enable_async):
    """Calls that give every argument by position take FastMacro's shortcut; defaults,
    keywords, extra arguments, caller, a macro called from Python, an ``{% autoescape %}``
    block and Jinja's own Context (which passes an EvalContext first) take Jinja's way."""
    ctx = {"x": "<&>", "y": Markup("<i>"), "py": lambda macro: macro("p<", "q")}
    fast, slow = (
        _shapes_env(f, autoescape, context, enable_async).get_template("t").render(**ctx)
        for f in (True, False)
    )
    assert fast == slow
    for bad in (
        "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}",
        "{% macro m() %}{% endmacro %}{{ m(k=1) }}",
    ):
        errors = []
        for f in (True, False):
            e = _shapes_env(f, autoescape, context, enable_async)
            with pytest.raises(TypeError) as info:
                e.from_string(bad).render()
            errors.append(str(info.value))
        assert errors[0] == errors[1]


def test_positional_macro_calls_skip_jinjas_argument_matching(monkeypatch):
    calls = []
    original = Macro.__call__
    monkeypatch.setattr(
        Macro, "__call__", lambda self, *a, **k: calls.append(1) or original(self, *a, **k)
    )
    env = _shapes_env(True, True, fastjinja.FastContext, False)
    assert (
        env.from_string("{% macro m(a) %}<{{ a }}>{% endmacro %}{{ m(1) }}{{ m(2) }}").render()
        == "<1><2>"
    )
    assert calls == []
    assert env.from_string("{% macro m(a=0) %}<{{ a }}>{% endmacro %}{{ m() }}").render() == "<0>"
    assert calls == [1]
