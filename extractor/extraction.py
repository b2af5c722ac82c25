"""What an extractor hands to the verifier: values with their evidence, and its own flags."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from . import template as tpl
from .results import Claim, Evidence, Flag

# The report being extracted, for logs (model calls name it) without threading it everywhere.
CURRENT_REPORT: ContextVar[str] = ContextVar("current_report", default="")


@dataclass
class Extraction:
    template: tpl.Format | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # field id → Python value (or None)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    extractors: dict[str, str] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # Row spans by row key ("applications.new", "review.review", "meta"), for grounding: a
    # value must lie near its row's label.
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Model use for this report: calls, prompt_tokens, completion_tokens, llm_seconds, cached.
    usage: dict[str, float] = field(default_factory=dict)
    is_report: bool = True  # False: neither a titled report nor tables with numbers
    not_report_why: str = ""

    def set(self, fid: str, value: Any, evidence: Evidence | None, by: str) -> None:
        self.fields[fid] = value
        if evidence is not None:
            self.evidence[fid] = evidence
        else:
            self.evidence.pop(fid, None)
        self.extractors[fid] = by

    def complete(self) -> None:
        """Every id of the report's format present (None where absent)."""
        for fid in tpl.field_ids(self.template or "2021"):
            self.fields.setdefault(fid, None)
