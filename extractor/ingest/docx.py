"""DOCX → text: paragraphs and tables in document order.

Each table row is one line, cells joined by TAB. python-docx returns the same underlying cell
(`cell._tc`) for every grid slot of a horizontal or vertical merge; its text is emitted at the
first slot only and the repeats are empty, the same rule as HTML rowspan/colspan, so a label or
number is never duplicated. Headers, footers and footnotes are skipped (page numbers, letterheads).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import lxml.etree
from docx.table import Table

from extractor.exceptions import InputError
from extractor.ingest._cells import join_cell_lines

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
_P, _TBL, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    f"{{{_W}}}{t}" for t in ("p", "tbl", "sdt", "sdtContent", "customXml")
)
_T, _TAB, _NB_HYPHEN = (f"{{{_W}}}{t}" for t in ("t", "tab", "noBreakHyphen"))

# Text-bearing run children of a paragraph. Runs under mc:Fallback are skipped: Word stores a
# text box twice (mc:Choice and mc:Fallback), and reading both would double its text.
_RUN_PARTS = lxml.etree.XPath(
    ".//w:r[not(ancestor::mc:Fallback)]"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]",
    namespaces=_NS,
)

# A .docx expands a lot, but more than this many times its size is a zip bomb, not a report.
_MAX_EXPANSION = 32


def docx_to_text(data: bytes, path: str, max_bytes: int) -> str:
    _check_expansion(data, path, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as e:  # python-docx: "not a Word file, content type is …" (.dotx, .docm)
        raise InputError(
            path,
            "unsupported_format",
            f"{path}: a Word template or macro document, not a .docx ({e}); save it as .docx.",
        ) from e
    except Exception as e:  # corrupt zips and XML raise a zoo of types; none may escape
        raise _corrupt(path, e) from e
    lines: list[str] = []
    try:
        _blocks(document.element.body, document, lines)
    except (ValueError, IndexError, KeyError, AttributeError) as e:
        # python-docx walks merges through the XML; malformed merges (vMerge 'continue' in the
        # first row) end here.
        raise _corrupt(path, e) from e
    return "\n".join(lines)


def _check_expansion(data: bytes, path: str, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            size = sum(info.file_size for info in zf.infolist())
    except Exception as e:  # a damaged zip raises a zoo of types (even NotImplementedError)
        raise _corrupt(path, e) from e
    limit = max(max_bytes, len(data)) * _MAX_EXPANSION
    if size > limit:
        raise InputError(
            path,
            "too_large",
            f"{path}: the .docx unpacks to {size:,} bytes, over the limit of {limit:,}; "
            "check it is a single report, or raise max_bytes.",
        )


def _blocks(container: Any, document: Any, lines: list[str]) -> None:
    """Append the lines of a body, cell or content control's children, in document order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            text = _paragraph_text(child)
            if text.strip():  # empty paragraphs are layout, as <p>&nbsp;</p> in HTML
                lines.append(text)
        elif tag == _TBL:
            _table(Table(child, document), document, lines)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _blocks(content, document, lines)
        elif tag == _CUSTOM_XML:
            _blocks(child, document, lines)


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for el in _RUN_PARTS(p):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            parts.append("\t")  # tab stops: some reports lay tables out with them
        elif tag == _NB_HYPHEN:
            parts.append("-")
        else:  # w:br, w:cr
            parts.append("\n")
    return "".join(parts)


def _table(table: Table, document: Any, lines: list[str]) -> None:
    seen: set[Any] = set()  # the cells' _tc elements; holding them keeps lxml proxies stable
    for row in table.rows:
        cells: list[Any] = []
        texts: list[str] = [""] * row.grid_cols_before
        for cell in row.cells:
            tc = cell._tc
            if tc in seen:
                texts.append("")
                continue
            seen.add(tc)
            cells.append(tc)
            texts.append(_cell_text(tc, document))
        texts.extend([""] * row.grid_cols_after)
        if any(tc.find(f".//{_TBL}") is not None for tc in cells):
            # A layout row: a nested table keeps its own rows instead of being squeezed into
            # one cell of this row.
            for tc in cells:
                _blocks(tc, document, lines)
        else:
            lines.append("\t".join(texts))


def _cell_text(tc: Any, document: Any) -> str:
    # The row must stay one line: paragraphs and line breaks in a cell are joined, TABs too.
    parts: list[str] = []
    _blocks(tc, document, parts)
    return join_cell_lines([line for part in parts for line in part.split("\n")])


def _corrupt(path: str, e: Exception) -> InputError:
    return InputError(
        path,
        "unreadable",
        f"{path}: the Word file is damaged and cannot be read ({type(e).__name__}: {e}); "
        "open and re-save it in Word or WPS, or export it to PDF.",
    )
