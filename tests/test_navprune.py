"""Per-page nav: a long path or topic section lists only the reader's own entry."""

from __future__ import annotations

from types import SimpleNamespace

from jobbook.site.navprune import MAX_LISTED, prune


def page(uri: str, active: bool = False) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=uri), active=active, children=None)


def section(title: str, children: list, active: bool = False) -> SimpleNamespace:
    return SimpleNamespace(title=title, children=children, active=active)


def paths_nav(count: int, active: int | None) -> SimpleNamespace:
    paths = [
        section(f"p{i}", [page(f"paths/p{i}/index.md"), page(f"paths/p{i}/s.md", i == active)])
        for i in range(count)
    ]
    for n, p in enumerate(paths):
        p.active = n == active
    tab = section("学习路线", [page("paths/index.md"), *paths], active is not None)
    other = section("数学", [page(f"math/{i}.md") for i in range(30)])
    return SimpleNamespace(items=[page("index.md"), tab, other], homepage=None)


def titles(nav) -> list[str]:
    return [c.title for c in nav.items[1].children[1:]]


def test_a_long_section_keeps_its_index_and_the_readers_path():
    nav = paths_nav(MAX_LISTED + 1, active=7)
    pruned = prune(nav)
    assert pruned is not nav
    assert pruned.items[1].children[0].file.src_uri == "paths/index.md"
    assert titles(pruned) == ["p7"]
    assert titles(nav) == [f"p{i}" for i in range(MAX_LISTED + 1)]  # shared nav untouched
    assert pruned.items[2] is nav.items[2]


def test_up_to_the_limit_every_path_stays():
    nav = paths_nav(MAX_LISTED, active=3)
    assert prune(nav) is nav


def test_inactive_sections_and_other_long_sections_are_left_alone():
    nav = paths_nav(MAX_LISTED + 5, active=None)
    assert prune(nav) is nav  # on another tab the section renders as one link anyway
    nav.items[2].active = True  # a long hand-written section (no generated index page)
    assert prune(nav) is nav


def test_the_index_page_itself_lists_no_path_in_the_nav():
    nav = paths_nav(MAX_LISTED + 1, active=None)
    nav.items[1].active = True
    nav.items[1].children[0].active = True
    assert titles(prune(nav)) == []


def test_squeeze_keeps_the_article_scripts_and_preformatted_text():
    from jobbook.site.navprune import squeeze

    html = (
        "<html>\n  <head>\n    <script>\n  a  =  1\n</script>\n  </head>\n"
        '<nav>\n    <span class="md-ellipsis">\n      标题\u3000\u00a0\n    </span>\n</nav>\n'
        "<article>\n    <pre>\n  code\n</pre>\n  text  \n</article>\n"
        "  <footer>\n   <textarea>\n  x\n</textarea>\n  </footer>\n"
    )
    assert squeeze(html) == (
        "<html>\n<head>\n<script>\n  a  =  1\n</script>\n</head>\n"
        '<nav>\n<span class="md-ellipsis">\n标题\u3000\u00a0\n</span>\n</nav>\n'
        "<article>\n    <pre>\n  code\n</pre>\n  text  \n</article>\n"
        "<footer>\n<textarea>\n  x\n</textarea>\n</footer>\n"
    )
