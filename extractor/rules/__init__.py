"""The rule engine: grounding, the template's identities, schema (rule 5), narrative claims.

`verify` returns every flag for one report; each identity failure is an `extraction` flag when
one of its fields is not grounded or was placed by inference (we may have misread), else a
`source` flag (the printed values themselves do not add up).
"""

from __future__ import annotations

from typing import Any

from .. import schema
from ..extraction import Extraction
from ..reader.meta import find_title
from ..results import Flag
from .base import Check, Rule
from .batch import check_batch
from .catalogue import RULES
from .grounding import grounding
from .narrative import check_claims

__all__ = ["RULES", "Check", "Rule", "check_batch", "verify"]


def _kind(fields: tuple[str, ...], ex: Extraction, verdicts: dict[str, Any]) -> str:
    for f in fields:
        if ex.fields.get(f) is None:
            continue
        if not verdicts.get(f, None) or not verdicts[f].grounded:
            return "extraction"
        ev = ex.evidence.get(f)
        if ev is not None and ev.inferred:
            return "extraction"
    return "source"


def verify(ex: Extraction, text: str) -> list[Flag]:
    verdicts, flags = grounding(ex, text)
    fmt = ex.template or "2021"
    for rule in RULES:
        for check in rule.checks(fmt):
            failed = check.test(ex.fields)
            if failed is None:
                continue
            expected, found = failed
            kind = _kind(check.fields, ex, verdicts)
            involved = [f for f in check.fields if ex.fields.get(f) is not None]
            why = ("the printed values do not add up" if kind == "source"
                   else "a value may be misread")
            flags.append(Flag(rule=rule.id, severity=rule.severity, kind=kind, fields=involved,
                              message=f"{check.label}: expected {expected}, found {found} ({why})",
                              expected=_plain(expected), found=_plain(found)))
    flags += _schema_flags(ex, verdicts)
    flags += _title_year(ex, text)
    flags += check_claims(ex.claims, ex.fields, text)
    return flags


def _plain(v: Any) -> Any:
    return schema.to_json_value(v)


def _schema_flags(ex: Extraction, verdicts: dict[str, Any]) -> list[Flag]:
    """Rule 5: counts are whole numbers ≥ 0, amounts decimals ≥ 0 (llama.cpp's grammar does not
    enforce `minimum`, so an LLM can print -3)."""
    flags = []
    json_fields = {k: schema.to_json_value(v) for k, v in ex.fields.items()}
    for fid, msg in schema.field_errors(json_fields).items():
        kind = _kind((fid,), ex, verdicts) if fid in ex.fields else "extraction"
        flags.append(Flag(rule="R5", severity="error", kind=kind, fields=[fid],
                          message=f"{fid} = {ex.fields.get(fid)!r}: {msg}",
                          found=json_fields.get(fid)))
    return flags


def _title_year(ex: Extraction, text: str) -> list[Flag]:
    """Rule 7: 报告年度 matches the year in the title."""
    _, title_year = find_title(text)
    year = ex.fields.get("meta.year")
    if title_year is None or year is None or title_year.value == year:
        return []
    return [Flag(rule="R7", severity="warning", kind="extraction", fields=["meta.year"],
                 message=f"meta.year is {year} but the title says {title_year.value}",
                 expected=title_year.value, found=year)]
