"""PDF → the text layer, via pdfium.

Pages are read in page order and joined by "\\n"; within a page pdfium gives its own reading
order and "\\r\\n" line ends (left as they are: normalise() turns them into "\\n"). Table cells come
out separated by single spaces, one table row per line when the row fits on one line.

pdfium is not thread-safe: call this from one thread at a time (processes are fine).
"""

from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium

from extractor.exceptions import InputError, NoTextLayerError

# A page with fewer real characters than this counts as empty: scans often carry a page number
# or a watermark such as 扫描全能王 创建 in their text layer.
_MIN_CHARS_PER_PAGE = 20

_NOT_TEXT = frozenset({"Cc", "Co", "Cn", "Cs"})

# pdfium's FPDF_ERR_* codes.
_ERR_PASSWORD = 4
_ERR_SECURITY = 5


def pdf_to_text(data: bytes, path: str) -> str:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) in (_ERR_PASSWORD, _ERR_SECURITY):
            raise InputError(
                path,
                "unreadable",
                f"{path}: the PDF is encrypted with a password; remove it (e.g. `qpdf --decrypt "
                f"--password=... {path} out.pdf`) and read out.pdf.",
            ) from e
        raise _corrupt(path, e) from e
    try:
        pages = [_page_text(pdf, i) for i in range(len(pdf))]
    except pdfium.PdfiumError as e:
        raise _corrupt(path, e) from e
    finally:
        pdf.close()
    _require_text_layer(pages, path)
    return "\n".join(pages)


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()


def _require_text_layer(pages: list[str], path: str) -> None:
    if not pages:
        raise InputError(path, "empty", f"{path}: the PDF has no pages; download it again.")
    if any(_real_chars(t, stop_at=_MIN_CHARS_PER_PAGE) >= _MIN_CHARS_PER_PAGE for t in pages):
        return
    glyphs = sum(1 for t in pages for ch in t if not ch.isspace())
    if glyphs >= _MIN_CHARS_PER_PAGE and glyphs > 2 * sum(_real_chars(t) for t in pages):
        # Glyphs without a Unicode mapping come out as U+FFFD or private-use characters.
        raise NoTextLayerError(path, "has a text layer that does not map to characters")
    raise NoTextLayerError(path)


def _real_chars(text: str, stop_at: int | None = None) -> int:
    """Characters that carry text: not spaces, controls, U+FFFD or private-use glyph codes."""
    n = 0
    for ch in text:
        if not ch.isspace() and ch != "\ufffd" and unicodedata.category(ch) not in _NOT_TEXT:
            n += 1
            if n == stop_at:
                break
    return n


def _corrupt(path: str, e: Exception) -> InputError:
    return InputError(
        path,
        "unreadable",
        f"{path}: the PDF is damaged and cannot be opened ({e}); download it again.",
    )
