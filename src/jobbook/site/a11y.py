"""Small accessibility fixes applied to every built page."""

from __future__ import annotations

from jobbook.site.patch import PatchTargetMissing, installed

_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_COMPONENT = 'data-md-component="search"'


def label_search_dialog(html: str) -> str:
    """Material's search overlay is a dialog without an accessible name (axe: aria-dialog-name).

    This edits Material's markup, so a page that has the search component in another
    shape stops the build (like the guarded patches) instead of silently losing the label.
    """
    if _SEARCH_DIALOG in html:
        return html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="站内搜索">', 1)
    if _SEARCH_COMPONENT in html:
        raise PatchTargetMissing(
            f"mkdocs-material {installed('mkdocs-material')} 的搜索框标记已变化，"
            f"找不到 {_SEARCH_DIALOG!r}：请更新 jobbook.site.a11y.label_search_dialog"
        )
    return html  # a page without search (e.g. another theme)
