"""Corrections applied to a stored result, and the rules re-run on it.

The audit trail is the truth: a report's current result is always rebuilt as
original + the latest correction per field, then rechecked, so a re-import of a newer
extraction replays the reviewers' corrections on top of it.
"""

from __future__ import annotations

from typing import Any

from .. import pipeline
from ..results import Flag, ReportResult


def flag_keys(flags: list[Flag]) -> list[str]:
    """A stable identity per flag across re-runs of the rules: rule + fields (+ quotes for
    narrative flags, which may have no fields). Duplicates get a counter."""
    keys, seen = [], {}
    for f in flags:
        base = f"{f.rule}|{','.join(f.fields)}|{'/'.join(f.quotes or [])}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        keys.append(base if n == 0 else f"{base}#{n}")
    return keys


def reverify(result: ReportResult) -> ReportResult:
    """Re-run the per-report rules (pipeline.recheck); grounding takes a reviewed value as
    grounded by the reviewer."""
    return pipeline.recheck(result)


def apply_corrections(original: ReportResult, corrections: dict[str, Any]) -> ReportResult:
    """original + corrections (field id → JSON value), rules re-run; unchanged when there are
    no corrections, so the flags of the imported file (rule 8 included) stay as they were."""
    if not corrections:
        return original
    fields = {**original.fields, **corrections}
    extractors = {**original.extractors, **dict.fromkeys(corrections, "review")}
    return reverify(original.model_copy(update={"fields": fields, "extractors": extractors}))
