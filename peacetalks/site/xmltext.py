"""Text for the site's XML: the Atom feed and the inline SVG timelines.

XML 1.0 cannot carry every character: most C0 controls, lone surrogates, U+FFFE and U+FFFF are
not allowed at all (a document holding one is not well-formed), and DEL, the C1 controls and
the other noncharacters are discouraged. Record text cannot hold any of them (the check
refuses them), but commit subjects and git's file names can: every writer of XML in
peacetalks/site/ passes its text through `escape` (or `clean`), which drops them."""

from __future__ import annotations

import html
import re

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
# Everything outside XML 1.0's Char production, and the characters it discourages.
_NOT_XML = re.compile(f"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x7f-\x9f{_NONCHARACTERS}]")


def clean(text: str) -> str:
    """The text without the characters XML 1.0 forbids or discourages."""
    return _NOT_XML.sub("", text)


def escape(text: str) -> str:
    """The text cleaned and escaped for XML element content and for attribute values in double or
    single quotes (the same escapes HTML uses, so the text is also safe inside an HTML page)."""
    return html.escape(clean(text), quote=True)
