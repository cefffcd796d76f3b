"""Sources: from a saved web page, PDF or text file to a source record with verified quotes.

- `extract`: the main text of a saved page (trafilatura), a PDF (pypdf) or a text file, as
  paragraphs separated by blank lines.
- `licence`: what a source's `text_licence` allows: whether its full text is stored and shown,
  and how its quotes are verified.
- `passages`: a quote with its sentence of context, the part a restricted source keeps.
- `rules`: the check's rules for sources (the stored text's hash, what a restricted source may
  keep, translations) and for citations' `original_quote`.
- `add` and `verify`: `build.py source add FILE --id ID` and `build.py source verify ID FILE`."""
