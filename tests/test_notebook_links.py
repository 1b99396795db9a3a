"""Notebooks and the roadmap link each other: every notebook from a topic, most stages to one."""

from __future__ import annotations

from jobbook.core.render import build_site
from jobbook.core.validate import validate_dir

from .conftest import ROOT

NOTEBOOKS = sorted(p.name for p in (ROOT / "docs" / "notebooks").glob("*.ipynb"))


def _site():
    return build_site(validate_dir(ROOT / "roadmap", ROOT, ROOT / "docs"))


def test_at_least_twelve_notebooks_each_linked_from_a_topic():
    site = _site()
    linked = {
        page.removeprefix("notebooks/")
        for path in site.paths
        for stage in path.stages
        for topic in site.topics_of(stage)
        for page in topic.pages
        if page.endswith(".ipynb")
    }
    assert len(NOTEBOOKS) >= 12
    assert sorted(set(NOTEBOOKS) - linked) == []


def test_four_in_five_stages_link_a_notebook():
    site = _site()
    stages = [(p, s) for p in site.paths for s in p.stages]
    with_notebook = [
        s.id
        for _, s in stages
        if any(pg.endswith(".ipynb") for t in site.topics_of(s) for pg in t.pages)
    ]
    assert len(with_notebook) >= 0.8 * len(stages)


def test_notebooks_are_in_the_nav_and_the_index():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    index = (ROOT / "docs" / "notebooks" / "index.md").read_text(encoding="utf-8")
    for name in NOTEBOOKS:
        assert f"notebooks/{name}" in nav, name
        assert f"]({name})" in index, name
