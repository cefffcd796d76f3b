"""A Python-Markdown extension: the generator's HTML blocks go straight to the output.

`text.html_block` writes each generated list, table and record text as one line,
`<div class="peacetalks-html">…</div>`, already sanitised, with a blank line after it. Python-Markdown
would run its HTML parser over every such block only to find where it ends and store it unchanged;
this preprocessor, ahead of that one, stores each such line in Python-Markdown's own HTML stash at
once, as that parser would (the same placeholder, the same stored text), so the page comes out the
same, byte for byte, and the HTML is never read again by a Markdown parser.

Added to MkDocs' Markdown extensions by the hook (mkdocs_glue.on_config); as a name,
`peacetalks.site.rawblocks`, for Python-Markdown elsewhere (the benchmark's baseline)."""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

OPENING = '<div class="peacetalks-html">'
CLOSING = "</div>"
PRIORITY = 25  # above Python-Markdown's own "html_block" preprocessor (20)


class RawBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        last = len(lines) - 1
        for index, line in enumerate(lines):
            if line.startswith(OPENING) and line.endswith(CLOSING) and (index == 0 or not lines[index - 1].strip()):
                blank_after = index == last or not lines[index + 1].strip()
                placeholder = self.md.htmlStash.store(line + "\n" if blank_after else line)
                out.extend((placeholder, ""))
            else:
                out.append(line)
        return out


class RawBlocksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(RawBlocks(md), "peacetalks_raw_blocks", PRIORITY)


def makeExtension(**kwargs: Any) -> RawBlocksExtension:  # noqa: N802 (Python-Markdown looks for this name)
    return RawBlocksExtension(**kwargs)
