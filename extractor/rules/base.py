"""Rules as data: an id, a description, a severity, and the checks it makes on a report's fields.

A `Check` names the fields it involves and returns (expected, found) when it fails; the engine
decides whether a failure is an extraction error or a source error from the evidence of those
fields, so rules need not know how values were read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import template as tpl
from ..results import Severity

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Check:
    fields: tuple[str, ...]
    label: str  # what is being checked, in words a reviewer reads
    test: Callable[[Values], tuple[Any, Any] | None]  # (expected, found) when violated


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    severity: Severity
    checks: Callable[[tpl.Format], Iterable[Check]]


def sum_check(total: str, parts: Iterable[str], label: str,
              optional: frozenset[str] = frozenset()) -> Check:
    """`total` = sum of `parts`. Skipped while any field is unknown (a missing row is flagged on
    its own), except `optional` parts, which a report's form may lack (the 2019 （六） sub-rows)."""
    parts = tuple(parts)

    def test(v: Values) -> tuple[Any, Any] | None:
        if v.get(total) is None:
            return None
        present = [p for p in parts if v.get(p) is not None]
        if len(present) < len([p for p in parts if p not in optional]) or not present:
            return None
        expected = sum(v[p] for p in present)
        return None if expected == v[total] else (expected, v[total])

    return Check((total, *parts), label, test)


def equality_check(left: tuple[str, ...], right: tuple[str, ...], label: str) -> Check:
    """sum(left) = sum(right); skipped while any field is unknown."""

    def test(v: Values) -> tuple[Any, Any] | None:
        if any(v.get(f) is None for f in (*left, *right)):
            return None
        a, b = sum(v[f] for f in left), sum(v[f] for f in right)
        return None if a == b else (a, b)

    return Check((*left, *right), label, test)
