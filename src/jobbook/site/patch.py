"""Guarded monkeypatches of third-party internals (Material's search, mkdocs-jupyter).

Every patch first asks :func:`target` for what it replaces. When an upgrade renamed or
removed it, the build stops with a message naming the package and its installed version,
instead of silently building a site without the patch.
"""

from __future__ import annotations

import importlib
import inspect
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mkdocs.exceptions import PluginError


class PatchTargetMissing(PluginError):
    """An internal that jobbook patches is missing from the installed package."""


def installed(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "未安装"


def target(package: str, module: str, attr: str = "", params: tuple[str, ...] = ()) -> Any:
    """``module.attr`` (dotted), checked to exist and, with ``params``, to take those parameters.

    Raises :class:`PatchTargetMissing` naming ``package`` and its installed version.
    """
    name = f"{module}.{attr}" if attr else module
    try:
        found: Any = importlib.import_module(module)
        for part in filter(None, attr.split(".")):
            found = getattr(found, part)
        if params and tuple(inspect.signature(found).parameters)[: len(params)] != params:
            raise TypeError(f"signature {inspect.signature(found)}")
    except (ImportError, AttributeError, TypeError, ValueError) as exc:
        raise PatchTargetMissing(
            f"jobbook 需要修补 {package} 的内部接口 {name}，但已安装的 {package} "
            f"{installed(package)} 中找不到它（{type(exc).__name__}: {exc}）。"
            f"请安装 pyproject.toml 允许的 {package} 版本，或更新 jobbook 的 site/ 中对应的修补。"
        ) from exc
    return found
