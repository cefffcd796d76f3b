"""Entry point for `hooks:` in mkdocs.yml. MkDocs loads this file by path, so make the
package importable, then hand over to peacetalks.site.mkdocs_glue."""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = str(Path(__file__).resolve().parent.parent.parent)
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

from peacetalks.site.mkdocs_glue import (  # noqa: E402
    on_build_error,
    on_config,
    on_files,
    on_nav,
    on_page_content,
    on_page_context,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_post_template,
    on_pre_build,
    on_serve,
    on_shutdown,
    on_startup,
)

__all__ = [
    "on_build_error",
    "on_config",
    "on_files",
    "on_nav",
    "on_page_content",
    "on_page_context",
    "on_page_markdown",
    "on_post_build",
    "on_post_page",
    "on_post_template",
    "on_pre_build",
    "on_serve",
    "on_shutdown",
    "on_startup",
]
