"""Generated pages' Markdown kept compressed until MkDocs reads it.

At 10,000 records the pages are 321 MB as Python strings and about 40 MB compressed. `build.py
build` holds every page from the render until MkDocs converts it (and the data worker, forked
meanwhile, inherits them all); `make serve` holds every page between edits. zlib at level 1: the
same Markdown is always the same bytes, so a page's compressed form also says whether it changed."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping, MutableMapping


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def unpack(data: bytes) -> str:
    return unpack_bytes(data).decode("utf-8")


def unpack_bytes(data: bytes) -> bytes:
    """The page's Markdown as UTF-8 bytes (to write it to a file)."""
    return zlib.decompress(data)


class Pages(MutableMapping[str, str]):
    """Pages' Markdown by docs-relative path, each kept compressed. A copy shares the compressed
    pages; `packed` and `put_packed` move a page without decompressing it."""

    def __init__(self, pages: Mapping[str, str] | None = None) -> None:
        self._packed: dict[str, bytes] = {}
        if isinstance(pages, Pages):
            self._packed.update(pages._packed)
        elif pages is not None:
            self.update(pages)

    def packed(self, path: str) -> bytes:
        return self._packed[path]

    def put_packed(self, path: str, data: bytes) -> None:
        self._packed[path] = data

    def adopt(self, other: Pages) -> None:
        """`update` from other Pages, without decompressing them."""
        self._packed.update(other._packed)

    def __getitem__(self, path: str) -> str:
        return unpack(self._packed[path])

    def __setitem__(self, path: str, text: str) -> None:
        self._packed[path] = pack(text)

    def __delitem__(self, path: str) -> None:
        del self._packed[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __contains__(self, path: object) -> bool:
        return path in self._packed
