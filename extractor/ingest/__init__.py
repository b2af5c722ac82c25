"""Ingest: any report file (text, HTML, PDF, DOCX) → its text, before normalisation.

`read_document(path)` returns a Document (format, text, encoding, sha256) or raises
extractor.exceptions.InputError with a machine `reason` and a message saying what to do.
"""

from extractor.ingest._api import DEFAULT_MAX_BYTES, Document, read_document
from extractor.ingest._detect import Format

__all__ = ["DEFAULT_MAX_BYTES", "Document", "Format", "read_document"]
