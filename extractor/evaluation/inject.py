"""Known errors put into consistent values, each with the flags it must raise.

An injected error is a genuine error *of the generated report*: the label keeps the printed
(wrong) number, as the labelling protocol says, and the flags it must raise are the identities
of rules 1–4 it breaks (computed by `values.violations`, independently of the rule engine).
Narrative errors are made by `narrative.build`; their flag is rule 6.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .. import template as tpl
from .values import APPLICANTS, REVIEW_PARTS, Values, Violation, app, outcome_rows, violations

ARITHMETIC = ("changed_cell", "swapped_cells", "wrong_total")
KINDS = ("none", *ARITHMETIC, "narrative")
TRIES = 200


@dataclass
class Injection:
    kind: str
    fields: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    expected: list[Violation] = field(default_factory=list)

    def note(self) -> str:
        changes = ", ".join(f"{f}: {self.before[f]} → {self.after[f]}" for f in self.fields)
        return f"injected {self.kind}: {changes}"


def _delta(rng: random.Random, v: int) -> int:
    """A different, non-negative value: off by a few, or by a factor of ten."""
    for _ in range(TRIES):
        new = v * 10 if rng.random() < 0.1 and v else v + rng.choice([-3, -2, -1, 1, 1, 2, 3, 5])
        if new >= 0 and new != v:
            return new
    return v + 1


def _cells(v: Values) -> list[str]:
    """Independent cells: applicant columns of every table-三 row, parts of table 四."""
    rows = [*outcome_rows(v), "new", "carried_over", "carried_forward"]
    out = [app(r, c) for r in rows for c in APPLICANTS]
    return out + [f"{g.id}.{p}" for g in tpl.REVIEW.rows for p in REVIEW_PARTS]


def _totals(v: Values) -> list[str]:
    rows = [*outcome_rows(v), "new", "carried_over", "total", "carried_forward"]
    out = [app(r, "total") for r in rows] + [app("total", c) for c in APPLICANTS]
    return out + [f"{g.id}.total" for g in tpl.REVIEW.rows]


def _swaps(v: Values) -> list[tuple[str, str]]:
    """Pairs of cells with different values: two columns of a row, two rows of a column, or
    the same column of two groups of table 四."""
    pairs: list[tuple[str, str]] = []
    rows = outcome_rows(v)
    for r in rows:
        pairs += [(app(r, a), app(r, b)) for i, a in enumerate(APPLICANTS)
                  for b in APPLICANTS[i + 1:]]
    for c in APPLICANTS:
        pairs += [(app(a, c), app(b, c)) for i, a in enumerate(rows) for b in rows[i + 1:]]
    groups = [g.id for g in tpl.REVIEW.rows]
    pairs += [(f"{a}.{p}", f"{b}.{p}") for p in REVIEW_PARTS for i, a in enumerate(groups)
              for b in groups[i + 1:]]
    return [(a, b) for a, b in pairs if v[a] != v[b]]


def inject(values: Values, kind: str, rng: random.Random) -> tuple[Values, Injection]:
    """The values with one error of `kind` (an arithmetic kind or "none"), and what it must
    raise. An arithmetic error always breaks at least one identity (a change that happens to
    keep every rule is drawn again)."""
    if kind not in ARITHMETIC:
        return dict(values), Injection(kind)
    for _ in range(TRIES):
        v = dict(values)
        if kind == "changed_cell":
            fids = [rng.choice(_cells(v))]
            v[fids[0]] = _delta(rng, v[fids[0]])
        elif kind == "wrong_total":
            fids = [rng.choice(_totals(v))]
            v[fids[0]] = _delta(rng, v[fids[0]])
        else:
            pairs = _swaps(v)
            if not pairs:
                break
            a, b = rng.choice(pairs)
            fids = [a, b]
            v[a], v[b] = v[b], v[a]
        broken = violations(v)
        if broken:
            return v, Injection(kind, fids, {f: values[f] for f in fids},
                                {f: v[f] for f in fids}, broken)
    raise ValueError(f"no {kind} error breaks a rule in these values")
