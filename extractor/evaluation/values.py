"""Gold values for generated cases: typed field maps taken from labelled cases, made to satisfy
rules 1–4, optionally perturbed, or moved to the 2019 form; and an independent statement of
rules 1–4, so that the flags an injected error must raise are known without running the engine.

Values are Python values of their field kind (int, Decimal for amounts, None for "not in this
report"), keyed by every field id of the template (both forms).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import schema
from .. import template as tpl

Values = dict[str, Any]

APPS = tpl.APPLICATIONS
COLS: tuple[str, ...] = tuple(c.id for c in APPS.columns)
APPLICANTS: tuple[str, ...] = COLS[:6]
REVIEW_PARTS: tuple[str, ...] = tuple(c.id for c in tpl.REVIEW.columns if c.id != "total")
# Sub-rows a form may lack (the 2019 form prints （六）其他处理 as one row).
COLLAPSIBLE = {g.collapsed_into: [r.id for r in APPS.rows if r.group == g.label]
               for g in APPS.groups if g.collapsed_into}


def app(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def typed(fields: Mapping[str, Any]) -> Values:
    """A label's JSON field map → typed values for every field id."""
    return {fid: schema.coerce(fid, fields.get(fid)) for fid in tpl.field_ids()}


def as_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values → the JSON field map of a fixture (every id, template order)."""
    return {fid: schema.to_json_value(values.get(fid)) for fid in tpl.field_ids()}


def single_row_other(values: Mapping[str, Any]) -> bool:
    """True when （六）其他处理 is printed as one row (its sub-rows are null)."""
    return any(values.get(app(r, "total")) is None
               for subs in COLLAPSIBLE.values() for r in subs if r not in COLLAPSIBLE)


def outcome_rows(values: Mapping[str, Any]) -> list[str]:
    return [r for r in tpl.OUTCOME_ROWS if values.get(app(r, COLS[0])) is not None]


def make_consistent(values: Mapping[str, Any]) -> Values:
    """Recompute the derived cells so that rules 1–4 hold: per applicant column the 总计 row is
    the sum of the outcome rows and 本年新收 = 总计 + 结转下年度 − 上年结转 (上年结转 lowered when
    it would make 新收 negative); every 总计 column is its row's sum; each group of table 四 sums
    to its total. Labelled source errors of the base report disappear this way."""
    v = dict(values)
    rows = outcome_rows(v)
    for c in APPLICANTS:
        total = sum(v[app(r, c)] for r in rows)
        fwd = v[app("carried_forward", c)] or 0
        back = min(v[app("carried_over", c)] or 0, total + fwd)
        v[app("total", c)] = total
        v[app("carried_forward", c)] = fwd
        v[app("carried_over", c)] = back
        v[app("new", c)] = total + fwd - back
    for r in APPS.rows:
        if v.get(app(r.id, COLS[0])) is not None:
            v[app(r.id, "total")] = sum(v[app(r.id, c)] for c in APPLICANTS)
    for g in tpl.REVIEW.rows:
        v[f"{g.id}.total"] = sum(v[f"{g.id}.{p}"] or 0 for p in REVIEW_PARTS)
        for p in REVIEW_PARTS:
            v[f"{g.id}.{p}"] = v[f"{g.id}.{p}"] or 0
    return v


def _jitter(rng: random.Random, v: int, add_p: float = 0.03) -> int:
    if v == 0:
        return rng.randint(1, 6) if rng.random() < add_p else 0
    return max(0, round(v * rng.uniform(0.4, 1.6)) + rng.randint(-2, 2))


def perturb(values: Mapping[str, Any], rng: random.Random) -> Values:
    """New values of the same shape: each count of the independent cells scaled and nudged (zeros
    mostly stay zero, as in real reports), then made consistent again."""
    v = dict(values)
    independent = [app(r, c) for r in [*outcome_rows(v), "carried_over", "carried_forward"]
                   for c in APPLICANTS]
    independent += [f"{g.id}.{p}" for g in tpl.REVIEW.rows for p in REVIEW_PARTS]
    independent += [f for f in tpl.ACTIVE.field_ids() if tpl.spec(f).kind == "count"]
    for fid in independent:
        if v.get(fid) is not None:
            v[fid] = _jitter(rng, v[fid])
    fees = v.get("active.fees")
    if isinstance(fees, Decimal) and fees > 0:
        v["active.fees"] = (fees * Decimal(str(round(rng.uniform(0.5, 1.5), 2)))).quantize(
            Decimal("0.01")).normalize()
    return make_consistent(v)


def expand_other(values: Mapping[str, Any]) -> Values:
    """A single-row （六） spelled out as its three sub-rows (for layouts that print the full
    form): the sub-rows print 0 and 3.其他 keeps the values."""
    v = dict(values)
    for subs in COLLAPSIBLE.values():
        for r in subs:
            for c in COLS:
                if v.get(app(r, c)) is None:
                    v[app(r, c)] = 0
    return v


def collapse_other(values: Mapping[str, Any]) -> Values:
    """The 2019 form: （六）其他处理 as one row holding the sum of its sub-rows."""
    v = dict(values)
    for into, subs in COLLAPSIBLE.items():
        for c in COLS:
            v[app(into, c)] = sum(v.get(app(r, c)) or 0 for r in subs)
            for r in subs:
                if r != into:
                    v[app(r, c)] = None
    return v


def to_2019(values: Mapping[str, Any], rng: random.Random) -> Values:
    """The same report on the 2019 form: table 二 replaced by the 2019 table (invented values:
    none of the labelled reports is on that form), （六） collapsed, year 2019 or 2020."""
    v = collapse_other(values)
    for fid in tpl.ACTIVE.field_ids():
        v[fid] = None
    t = tpl.ACTIVE_2019
    for row in t.rows:
        for col in t.row_columns(row):
            fid = t.field_id(row, col)
            if col.kind == "signed":
                v[fid] = rng.choice([0, 0, 0, rng.randint(-5, 5)])
            elif col.kind == "amount":
                v[fid] = Decimal(rng.randint(0, 900000)) / 100 if rng.random() < 0.6 else Decimal(0)
            else:
                v[fid] = rng.choice([0, 0, rng.randint(1, 40), rng.randint(50, 3000)])
    for row in ("rules", "normative_docs"):  # 对外公开总数量 ≥ 本年新公开数量 ≥ 0
        pub = v[f"active2019.{row}.published"]
        v[f"active2019.{row}.total_public"] = max(v[f"active2019.{row}.total_public"], pub)
    v["meta.template"] = "2019"
    v["meta.year"] = rng.choice([2019, 2020])
    if v.get("meta.published") is not None:
        v["meta.published"] = v["meta.published"].replace(year=v["meta.year"] + 1)
    return v


# --- rules 1–4, stated independently of the rule engine ----------------------------------------

@dataclass(frozen=True)
class Violation:
    rule: str
    fields: frozenset[str]
    note: str


def _present(v: Mapping[str, Any], fids: list[str]) -> frozenset[str]:
    return frozenset(f for f in fids if v.get(f) is not None)


def violations(v: Mapping[str, Any]) -> list[Violation]:
    """Every failed identity of TEMPLATE.md rules 1–4, with the fields it involves (those of the
    identity that have a value: a collapsed （六） leaves its null sub-rows out)."""
    out: list[Violation] = []

    def val(f: str) -> int:
        return v.get(f) or 0

    for r in APPS.rows:
        fids = [app(r.id, c) for c in COLS]
        if v.get(fids[-1]) is None:
            continue
        parts = sum(val(f) for f in fids[:-1])
        if parts != val(fids[-1]):
            out.append(Violation("R1", _present(v, fids),
                                 f"{r.label}: 总计 {val(fids[-1])} but the columns sum to {parts}"))
    for c in COLS:
        left = [app("new", c), app("carried_over", c)]
        right = [app("total", c), app("carried_forward", c)]
        if any(v.get(f) is None for f in left + right):
            continue
        a, b = sum(map(val, left)), sum(map(val, right))
        if a != b:
            out.append(Violation("R2", _present(v, left + right),
                                 f"{c}: 新收 + 上年结转 = {a} but 总计 + 结转 = {b}"))
    for c in COLS:
        parts_f = [app(r, c) for r in tpl.OUTCOME_ROWS]
        if v.get(app("total", c)) is None:
            continue
        parts = sum(val(f) for f in parts_f)
        if parts != val(app("total", c)):
            out.append(Violation("R3", _present(v, [app("total", c), *parts_f]),
                                 f"{c}: 总计 {val(app('total', c))} but the outcome rows "
                                 f"sum to {parts}"))
    for g in tpl.REVIEW.rows:
        fids = [f"{g.id}.total", *(f"{g.id}.{p}" for p in REVIEW_PARTS)]
        if v.get(fids[0]) is None:
            continue
        parts = sum(val(f) for f in fids[1:])
        if parts != val(fids[0]):
            out.append(Violation("R4", _present(v, fids),
                                 f"{g.label}: 总计 {val(fids[0])} but 维持+纠正+其他+尚未审结 = "
                                 f"{parts}"))
    return out
