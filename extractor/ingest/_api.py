"""read_document: a file path → a Document (format, raw text, encoding, checksum)."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from extractor.exceptions import FileTooLargeError, InputError
from extractor.ingest._detect import Format, looks_like_html, sniff_binary
from extractor.ingest.docx import docx_to_text
from extractor.ingest.html import declared_charset, html_to_text
from extractor.ingest.pdf import pdf_to_text
from extractor.ingest.text import decode_bytes

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """A file's text as decoded or extracted, before normalisation."""

    path: str
    format: Format
    text: str
    encoding: str | None  # the codec used for text and HTML; None for PDF and DOCX
    sha256: str  # of the file's bytes


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a report file of any supported format.

    Raises InputError (reason: empty, binary, unsupported_format, no_text_layer, too_large,
    unreadable, encoding) for anything that cannot become text; no other exception escapes
    for bad input.
    """
    name = os.fspath(path)
    data = _read_bytes(name, max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise _empty(name)

    fmt: Format
    encoding: str | None = None
    kind = sniff_binary(data, name)
    if kind == "pdf":
        fmt, text = "pdf", pdf_to_text(data, name)
    elif kind == "docx":
        fmt, text = "docx", docx_to_text(data, name, max_bytes)
    else:
        text, encoding = decode_bytes(data, name, declared=_charset_if_markup(data))
        if looks_like_html(text, name):
            fmt, text = "html", html_to_text(text, name)
        else:
            fmt = "text"
    if not text.strip():
        raise _empty(name)
    return Document(path=name, format=fmt, text=text, encoding=encoding, sha256=sha256)


def _read_bytes(name: str, max_bytes: int) -> bytes:
    try:
        st = os.stat(name)
    except FileNotFoundError as e:
        raise InputError(name, "unreadable", f"{name}: no such file; check the path.") from e
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        raise InputError(
            name, "unreadable", f"{name}: cannot be opened ({e}); check the path."
        ) from e
    if stat.S_ISDIR(st.st_mode):
        raise InputError(
            name, "unreadable", f"{name}: is a directory; give the path of one report file."
        )
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device would block or never end.
        raise InputError(
            name, "unreadable", f"{name}: is not a regular file; copy it to a file first."
        )
    # Check the size before reading, so a huge file costs no memory.
    if st.st_size > max_bytes:
        raise FileTooLargeError(name, st.st_size, max_bytes)
    try:
        with open(name, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise InputError(
            name,
            "unreadable",
            f"{name}: cannot be read ({e.strerror or e}); check its permissions.",
        ) from e
    if len(data) > max_bytes:  # it grew since stat()
        raise FileTooLargeError(name, len(data), max_bytes)
    return data


def _charset_if_markup(data: bytes) -> str | None:
    return declared_charset(data) if b"<" in data[:16384] else None


def _empty(name: str) -> InputError:
    return InputError(
        name, "empty", f"{name}: the file has no text; check that the download or export finished."
    )
