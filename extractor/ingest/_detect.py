"""Which format a file is: magic bytes first, then what the decoded text looks like, the
file name's extension last (it is often wrong: servers save error pages as .pdf, scrapers save
HTML as .txt)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from typing import Literal

from extractor.exceptions import InputError

Format = Literal["text", "html", "pdf", "docx"]

HTML_SUFFIXES = frozenset({".htm", ".html", ".xhtml", ".shtml", ".asp", ".aspx", ".jsp"})

# Recognised but unsupported: what it is and what to do instead.
_UNSUPPORTED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Office/WPS file (.doc/.xls/.wps); save it as .docx or PDF",
    ),
    (b"{\\rtf", "an RTF file; save it as .docx"),
    (b"\x89PNG", "a PNG image; run OCR on it (e.g. ocrmypdf after img2pdf)"),
    (b"\xff\xd8\xff", "a JPEG image; run OCR on it (e.g. ocrmypdf after img2pdf)"),
    (b"GIF8", "a GIF image; run OCR on it"),
    (b"II*\x00", "a TIFF image; run OCR on it"),
    (b"MM\x00*", "a TIFF image; run OCR on it"),
    (b"\x1f\x8b", "a gzip archive; unpack it and read the report inside"),
    (b"Rar!", "a RAR archive; unpack it and read the report inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; unpack it and read the report inside"),
)

# Zips that are not Word documents, by a member they always have.
_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("xl/workbook.xml", "an Excel workbook; export the report as .docx or PDF"),
    ("ppt/presentation.xml", "a PowerPoint file; export the report as PDF"),
    ("OFD.xml", "an OFD document (版式文件); export it to PDF first"),
    ("content.xml", "an OpenDocument file; save it as .docx"),
)

_HTML_STRONG = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s", re.I)
_HTML_TABLE = re.compile(r"<table[\s>]", re.I)
_HTML_CELL = re.compile(r"<t[dr][\s>]", re.I)
_HTML_ANY_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.I)


def suffix_of(path: str) -> str:
    return PurePath(path).suffix.lower()


def sniff_binary(data: bytes, path: str) -> Literal["pdf", "docx"] | None:
    """'pdf' or 'docx' from magic bytes; None when the bytes may be text.

    Raises InputError for a recognised format we do not read, and for a damaged zip.
    """
    # The PDF spec lets a header follow some junk; readers accept it within the first 1 KiB.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, path)
    for magic, what in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            raise InputError(path, "unsupported_format", f"{path}: this is {what}.")
    return None


def _sniff_zip(data: bytes, path: str) -> Literal["docx"]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception as e:  # a damaged zip raises a zoo of types (even NotImplementedError)
        raise InputError(
            path,
            "unreadable",
            f"{path}: looks like a Word (.docx) or ZIP file but is damaged ({e}); "
            "download or export it again.",
        ) from e
    if "word/document.xml" in names:
        return "docx"
    for member, what in _ZIP_KINDS:
        if member in names:
            raise InputError(path, "unsupported_format", f"{path}: this is {what}.")
    raise InputError(
        path,
        "unsupported_format",
        f"{path}: this is a ZIP archive, not a Word document; unpack it and read the report "
        "inside.",
    )


def looks_like_html(text: str, path: str) -> bool:
    """HTML by content: a document skeleton, or a fragment that starts with a tag and has a
    table or several tags. A .html name only lowers the bar to 'has any tag'.

    Markdown (and text with a stray <br>) stays text: rendering it as HTML would collapse its
    line breaks, which carry the table rows.
    """
    head = text[:65536]
    if _HTML_STRONG.search(head):
        return True
    if suffix_of(path) in HTML_SUFFIXES:
        return _HTML_ANY_TAG.search(head) is not None
    stripped = head.lstrip()
    if not stripped.startswith("<") or _HTML_ANY_TAG.match(stripped) is None:
        return False
    if _HTML_TABLE.search(head) and _HTML_CELL.search(head):
        return True
    return len(_HTML_ANY_TAG.findall(head)) >= 3
