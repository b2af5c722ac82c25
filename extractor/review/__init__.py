"""The review page: a local web app where a person decides each flagged field beside the
highlighted source, with every decision kept in SQLite (`extractor review`)."""

from __future__ import annotations

from .store import Conflict, Store

__all__ = ["Conflict", "Store"]
