"""Small accessibility fixes applied to every built page."""

from __future__ import annotations

_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def label_search_dialog(html: str) -> str:
    """Material's search overlay is a dialog without an accessible name (axe: aria-dialog-name)."""
    return html.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + ' aria-label="站内搜索">', 1)
