"""Grounding: every value must be traced to the characters it was read from.

A value without evidence, evidence that does not say the value, or a non-zero value whose
evidence lies far from its row's label is a suspected misreading or hallucination, whatever the
arithmetic says. The verdict per field also tells the engine whether a failed identity is our
error (a field is not grounded) or the report's (every field is).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import template as tpl
from ..extraction import Extraction
from ..results import Flag

# How far (characters) evidence may sit from its row's span before it counts as "far".
NEAR = 120


@dataclass(frozen=True)
class Verdict:
    grounded: bool
    reason: str = ""


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip().lstrip("+"))
    except InvalidOperation:
        return None


def _row_key(fid: str) -> str | None:
    s = tpl.spec(fid)
    if s.table is None:
        return "meta"
    if s.table == "review":
        return f"review.{s.row}"
    return f"{s.table}.{s.row}"


def judge(fid: str, value: Any, ex: Extraction, text: str) -> Verdict:
    kind = tpl.spec(fid).kind
    if value is None or kind == "template":
        return Verdict(True)
    if ex.extractors.get(fid) == "review":  # a reviewer typed it: grounded by the reviewer,
        return Verdict(True)                # whatever the extractor's evidence span says
    ev = ex.evidence.get(fid)
    if ev is None:
        return Verdict(False, "no evidence: the value cannot be traced to the text")
    if not (0 <= ev.start <= ev.end <= len(text)) or text[ev.start:ev.end] != ev.text:
        return Verdict(False, f"evidence {ev.start}:{ev.end} does not point at {ev.text!r}")
    if kind in ("count", "signed", "amount"):
        if ev.cell in ("blank", "placeholder"):
            if value != 0:
                return Verdict(False, f"the cell is {ev.cell} but the value is {value}")
        else:
            printed = _number(ev.text)
            scaled = printed / 10000 if printed is not None and kind == "amount" else None
            if printed is None or (printed != value and scaled != value):
                return Verdict(False, f"the text says {ev.text!r}, the value is {value}")
        span = ex.rows.get(_row_key(fid) or "")
        if span and value != 0 and not (span[0] - NEAR <= ev.start <= span[1] + NEAR):
            return Verdict(False, "suspected hallucination: the number is printed only far "
                                  "from its row's label")
    elif kind == "year":
        if str(value) not in ev.text:
            return Verdict(False, f"the text says {ev.text!r}, the value is {value}")
    elif kind == "text":
        if str(value) not in ev.text.replace("\n", ""):
            return Verdict(False, f"the text says {ev.text!r}, the value is {value!r}")
    return Verdict(True)


def grounding(ex: Extraction, text: str) -> tuple[dict[str, Verdict], list[Flag]]:
    verdicts: dict[str, Verdict] = {}
    flags: list[Flag] = []
    for fid, value in ex.fields.items():
        v = judge(fid, value, ex, text)
        verdicts[fid] = v
        if not v.grounded:
            flags.append(Flag(rule="grounding", severity="error", kind="extraction",
                              fields=[fid], message=f"{fid} = {value}: {v.reason}",
                              found=value))
    return verdicts, flags
