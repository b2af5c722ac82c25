"""The result of extracting one report: the JSON object written per line of results.jsonl.

Its JSON Schema is committed at schema/result.schema.json (`extractor schema` regenerates it) so
that users of the JSONL need not read Python.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning"]
FlagKind = Literal["extraction", "source"]
CellKind = Literal["number", "blank", "placeholder", "text"]
ExtractorName = Literal["template", "llm", "hybrid", "replay", "review"]

RESULT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where a value was read: a span of the normalised text (end exclusive), what the cell held,
    and the span of its whole row so a reviewer can see the context."""

    start: int
    end: int
    text: str
    cell: CellKind = "number"
    row_start: int | None = None
    row_end: int | None = None
    # The same span in the text as decoded/extracted before normalisation.
    orig_start: int | None = None
    orig_end: int | None = None
    # True when the reader placed the value by inference (dropped cells, a run of digits split
    # by the rules) rather than by a visible cell position.
    inferred: bool = False


class Flag(_Model):
    rule: str  # "R1".."R9" (TEMPLATE.md), "grounding", "ambiguous", "missing", "unit", "schema"
    severity: Severity
    kind: FlagKind
    fields: list[str]
    message: str
    expected: Any = None
    found: Any = None
    readings: list[dict[str, Any]] | None = None  # alternative readings, for `ambiguous`
    quotes: list[str] | None = None  # narrative words, for rule 6


class Claim(_Model):
    """A numeric claim of the narrative (filled by the LLM extractor; rule 6 checks it)."""

    quote: str
    value: int | str
    cell: str | None = None  # the field id it restates, if any
    parts: list[Claim] = Field(default_factory=list)
    start: int | None = None
    end: int | None = None
    approximate: bool = False  # 271余条
    by: str = "llm"  # "llm", or "rule": a total before 其中 the model did not list


class SourceInfo(_Model):
    path: str
    sha256: str | None = None
    format: str | None = None
    encoding: str | None = None
    bytes: int | None = None


class ErrorInfo(_Model):
    reason: str  # empty, binary, too_large, unreadable, no_text_layer, not_a_report, internal…
    message: str


class ReportResult(_Model):
    version: int = RESULT_VERSION
    source: SourceInfo
    status: Literal["ok", "partial", "error"] = "ok"
    error: ErrorInfo | None = None
    template: Literal["2021", "2019"] | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    extractors: dict[str, str] = Field(default_factory=dict)
    flags: list[Flag] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    # Row key ("applications.new") → span of the row, label included: grounding checks that a
    # value lies near its row, and the review page shows the whole row.
    rows: dict[str, tuple[int, int]] = Field(default_factory=dict)
    text: str = ""  # the normalised text every evidence span points into
    timings: dict[str, float] = Field(default_factory=dict)
    usage: dict[str, float] = Field(default_factory=dict)  # model calls and tokens

    def counts(self) -> dict[str, int]:
        found = sum(1 for v in self.fields.values() if v is not None)
        errors = sum(1 for f in self.flags if f.severity == "error")
        return {"fields": found, "errors": errors, "warnings": len(self.flags) - errors}


def result_json_schema() -> dict[str, Any]:
    return ReportResult.model_json_schema()
