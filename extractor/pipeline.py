"""read → normalise → extract → verify → result, for one document or a batch.

One document's failure becomes an error record naming the file and the reason; it never stops
the batch or loses another document's result.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import schema
from . import template as tpl
from .exceptions import ExtractorError, InputError
from .extraction import CURRENT_REPORT, Extraction
from .extractors import Extractor, get_extractor
from .ingest import read_document
from .normalise import NormalisedText, normalise
from .results import ErrorInfo, Evidence, Flag, ReportResult, SourceInfo
from .rules import check_batch, verify

SUPPORTED = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".shtml", ".pdf", ".docx"}
# An annual report's text runs to tens of thousands of characters; far beyond this the file is
# something else, and reading it would only cost time.
MAX_TEXT_CHARS = 2_000_000
# Flags an extractor raises about its own reading; `recheck` keeps them and recomputes the rest.
EXTRACTOR_RULES = {"ambiguous", "settled", "missing", "unit", "extra_values", "llm", "cross_check"}


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and the supported files under folders (sorted, recursive)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*")
                              if f.is_file() and f.suffix.lower() in SUPPORTED
                              and not f.name.startswith("."))
        else:
            yield p


def error_result(path: str | Path, reason: str, message: str, **source: object) -> ReportResult:
    return ReportResult(source=SourceInfo(path=str(path), **source),  # type: ignore[arg-type]
                        status="error", error=ErrorInfo(reason=reason, message=message))


def extract_file(path: str | Path, extractor: Extractor | None = None) -> ReportResult:
    extractor = extractor or get_extractor()
    t0 = time.perf_counter()
    try:
        doc = read_document(path)
    except InputError as exc:
        return error_result(path, exc.reason, str(exc))
    source = SourceInfo(path=str(path), sha256=doc.sha256, format=doc.format,
                        encoding=doc.encoding, bytes=Path(path).stat().st_size)
    if len(doc.text) > MAX_TEXT_CHARS:
        return ReportResult(source=source, status="error", error=ErrorInfo(
            reason="too_large",
            message=(f"{path}: its text runs to {len(doc.text):,} characters, far more than an "
                     f"annual report (limit {MAX_TEXT_CHARS:,}); is this the right file?")))
    CURRENT_REPORT.set(str(path))
    try:
        t1 = time.perf_counter()
        nt = normalise(doc.text)
        ex = extractor.extract(nt.text)
        t2 = time.perf_counter()
        if not ex.is_report:
            return ReportResult(source=source, status="error", error=ErrorInfo(
                reason="not_a_report",
                message=f"{path}: not an annual report: {ex.not_report_why}"))
        result = build_result(source, ex, nt)
        result.timings = {"read": t1 - t0, "extract": t2 - t1,
                          "verify": time.perf_counter() - t2}
        return result
    except ExtractorError as exc:  # e.g. the LLM endpoint failed after its retries
        return ReportResult(source=source, status="error", error=ErrorInfo(
            reason="llm" if type(exc).__name__ == "LLMError" else "extract",
            message=f"{path}: {exc}"))
    except Exception as exc:  # a bug on one document must not lose the batch
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return ReportResult(source=source, status="error", error=ErrorInfo(
            reason="internal", message=f"{path}: internal error while extracting ({tb}); "
                                       "please report it with this file"))


def build_result(source: SourceInfo, ex: Extraction, nt: NormalisedText) -> ReportResult:
    flags = ex.flags + verify(ex, nt.text)
    evidence = {fid: _with_original(ev, nt) for fid, ev in ex.evidence.items()}
    return ReportResult(
        source=source,
        status=_status(flags),
        template=ex.template,
        fields={fid: schema.to_json_value(ex.fields.get(fid))
                for fid in tpl.field_ids(ex.template or "2021")},
        evidence=evidence,
        extractors=ex.extractors,
        flags=flags,
        claims=ex.claims,
        rows=ex.rows,
        text=nt.text,
        usage=ex.usage,
    )


def _status(flags: list[Flag]) -> str:
    return "partial" if any(f.rule == "missing" for f in flags) else "ok"


def _with_original(ev: Evidence, nt: NormalisedText) -> Evidence:
    s, e = nt.to_original(ev.start, ev.end)
    return ev.model_copy(update={"orig_start": s, "orig_end": e})


def to_extraction(result: ReportResult) -> Extraction:
    """A stored result back into the verifier's input (for `check` and after a review)."""
    ex = Extraction(template=result.template,  # type: ignore[arg-type]
                    evidence=dict(result.evidence), extractors=dict(result.extractors),
                    claims=list(result.claims), rows=dict(result.rows),
                    flags=[f for f in result.flags if f.rule in EXTRACTOR_RULES])
    for fid, value in result.fields.items():
        ex.fields[fid] = schema.coerce(fid, value)
    return ex


def recheck(result: ReportResult) -> ReportResult:
    """Re-run the rules on a stored result (its fields may have been corrected)."""
    if result.status == "error":
        return result
    ex = to_extraction(result)
    flags = ex.flags + verify(ex, result.text)
    return result.model_copy(update={"flags": flags, "status": _status(flags)})


def apply_batch_rules(results: list[ReportResult]) -> None:
    """Rule 8 across the batch (same agency, consecutive years), in place."""
    for i, flags in check_batch(results).items():
        results[i].flags = [f for f in results[i].flags if f.rule != "R8"] + flags


def extract_paths(paths: Iterable[str | Path], extractor: Extractor | None = None,
                  on_result: Callable[[ReportResult], None] | None = None) -> list[ReportResult]:
    extractor = extractor or get_extractor()
    results = []
    for path in paths:
        r = extract_file(path, extractor)
        results.append(r)
        if on_result:
            on_result(r)
    apply_batch_rules(results)
    return results
