"""HTML → text that keeps table structure.

Each <tr> becomes one line with its cells joined by TAB. A colspan=N cell gives its text and N-1
empty cells; a rowspan=N cell gives empty cells at its column in the next N-1 rows. Text is never
copied into spanned slots: copies would duplicate labels and numbers the reader counts.

A row whose cells hold a nested table is a layout row (government sites wrap whole pages in
tables): its cells are rendered as blocks, so the inner table keeps one line per row instead of
being squeezed into one cell of the outer row.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import lxml.etree
import lxml.html

from extractor.exceptions import InputError
from extractor.ingest._cells import join_cell_lines

_SKIP = frozenset("script style noscript template head iframe object embed select datalist".split())
_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu nav ol p section summary tr ul".split()
)
_CELLS = ("td", "th")
_MAX_COLSPAN = 1000  # the HTML spec's own limits; bigger values are typos or attacks
_MAX_ROWSPAN = 65534

_WS = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; NBSP and U+3000 are text, not collapsed
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# CMSs often escape twice ('&amp;nbsp;'), leaving entities in the decoded text.
_RESIDUAL_ENTITY = re.compile(
    r"&(?:nbsp|ensp|emsp|thinsp|amp|lt|gt|quot|#\d{1,7}|#x[0-9a-f]{1,6});", re.I
)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta>, from its first 16 KiB (bytes: tags are ASCII)."""
    m = _META_CHARSET.search(data[:16384])
    return m.group(1).decode("ascii") if m else None


def html_to_text(markup: str, path: str) -> str:
    """Render decoded HTML as text lines; table rows as TAB-separated cells."""
    # Bytes with an explicit parser encoding: lxml refuses str input that carries an XML
    # encoding declaration, and must not re-read a <meta charset> we already applied.
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
    )
    try:
        root = lxml.html.document_fromstring(markup.encode("utf-8", "surrogatepass"), parser=parser)
    except lxml.etree.ParserError:  # "Document is empty": only whitespace or comments
        return ""
    except (lxml.etree.LxmlError, ValueError) as e:
        raise InputError(
            path, "unreadable", f"{path}: the HTML cannot be parsed ({e}); save the page as PDF."
        ) from e
    out = _Lines()
    try:
        _Renderer(out).block(root)
    except RecursionError as e:
        raise InputError(
            path,
            "unreadable",
            f"{path}: the HTML is nested too deeply to read; save the page as PDF.",
        ) from e
    return "\n".join(out.finish())


class _Lines:
    """Accumulates inline text; block boundaries end the current line. Blank lines are dropped:
    in HTML they are layout (<p>&nbsp;</p>), not content."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buf: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self._buf.append(_unescape(text))

    def add_line(self, line: str) -> None:
        self.end_line()
        self.lines.append(line)

    def end_line(self) -> None:
        if self._buf:
            line = _WS.sub(" ", "".join(self._buf)).strip(" ")
            self._buf.clear()
            if line.strip():
                self.lines.append(line)

    def finish(self) -> list[str]:
        self.end_line()
        return self.lines


class _Renderer:
    def __init__(self, out: _Lines) -> None:
        self.out = out

    def block(self, el: lxml.html.HtmlElement) -> None:
        self.out.end_line()
        self.out.add(el.text)
        self.children(el)
        self.out.end_line()

    def children(self, el: lxml.html.HtmlElement) -> None:
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and not _hidden(child):
                tag = tag.lower()
                if tag == "br":
                    self.out.end_line()
                elif tag == "table":
                    self.table(child)
                elif tag == "pre":
                    self.pre(child)
                elif tag in _BLOCK or tag in _CELLS:
                    self.block(child)
                elif tag not in _SKIP:
                    self.out.add(child.text)
                    self.children(child)
            self.out.add(child.tail)  # the tail belongs to the parent, even after a skipped tag

    def pre(self, el: lxml.html.HtmlElement) -> None:
        self.out.end_line()
        for line in el.text_content().splitlines():
            if line.strip():
                self.out.add_line(line.rstrip())

    def table(self, table: lxml.html.HtmlElement) -> None:
        self.out.end_line()
        pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
        for child in table:
            if isinstance(child.tag, str) and child.tag.lower() == "caption":
                self.block(child)
        for tr in _rows(table):
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in _CELLS]
            cells = [c for c in cells if not _hidden(c)]
            texts = [_cell_text(c) for c in cells]  # None: holds a nested table
            line = _grid_row(cells, texts, pending)
            if any(t is None for t in texts):
                for cell in cells:  # a layout row: render cells as blocks, see module doc
                    self.block(cell)
            elif line:
                self.out.add_line(line)  # an all-empty row ('\t\t') is kept: it is a row
        self.out.end_line()


def _grid_row(
    cells: list[lxml.html.HtmlElement], texts: list[str | None], pending: dict[int, int]
) -> str:
    """One TAB-joined line; consumes and extends the rowspans in `pending`."""
    out: list[str] = []
    col = 0

    def skip_spanned() -> None:
        nonlocal col
        while pending.get(col, 0) > 0:
            pending[col] -= 1
            out.append("")
            col += 1

    for cell, text in zip(cells, texts, strict=True):
        skip_spanned()
        colspan = _span(cell, "colspan", _MAX_COLSPAN)
        rowspan = _span(cell, "rowspan", _MAX_ROWSPAN)
        out.append(text or "")
        out.extend([""] * (colspan - 1))
        if rowspan > 1:
            for c in range(col, col + colspan):
                pending[c] = rowspan - 1
        col += colspan
    # Rowspans from above that lie right of this row's last cell.
    last = max((c for c, n in pending.items() if n > 0 and c >= col), default=-1)
    while col <= last:
        if pending.get(col, 0) > 0:
            pending[col] -= 1
        out.append("")
        col += 1
    return "\t".join(out)


def _rows(table: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The table's own rows (not a nested table's), in document order."""
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")


def _cell_text(cell: lxml.html.HtmlElement) -> str | None:
    """The cell as one line (the row must stay one line); None if it holds a nested table."""
    if len(cell) == 0:  # no child elements: the common case, no renderer needed
        lines = [cell.text] if cell.text else []
        return join_cell_lines([_WS.sub(" ", _unescape(line)) for line in lines])
    if next(cell.iter("table"), None) is not None:
        return None
    lines = _Lines()
    _Renderer(lines).block(cell)
    return join_cell_lines(lines.finish())


def _unescape(text: str) -> str:
    return _RESIDUAL_ENTITY.sub(lambda m: html.unescape(m.group()), text) if "&" in text else text


def _span(cell: lxml.html.HtmlElement, attr: str, limit: int) -> int:
    raw = cell.get(attr)
    if not raw:
        return 1
    m = re.match(r"\s*(\d+)", raw)
    # 0 ("to the end of the group") and junk are rare enough to read as 1.
    return min(max(int(m.group(1)), 1), limit) if m else 1


def _hidden(el: lxml.html.HtmlElement) -> bool:
    # Scrapers and hacked CMSs inject spam in display:none spans; a reader never sees it.
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))
