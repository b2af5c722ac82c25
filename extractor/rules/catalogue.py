"""The rules of TEMPLATE.md that look at one report's fields: 1–4 (identities the template prints),
7 (year and date) and 9 (plausibility). Rule 5 is the schema, rule 6 the narrative claims and
rule 8 a batch rule: see their modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .. import template as tpl
from .base import Check, Rule, Values, equality_check, sum_check

APPS = tpl.APPLICATIONS
COLS = [c.id for c in APPS.columns]
APPLICANTS = COLS[:6]
# Sub-rows a report's form may lack: those of a group printed as a single row.
OPTIONAL_ROWS = frozenset(r.id for g in APPS.groups if g.collapsed_into
                          for r in APPS.rows if r.group == g.label and r.id != g.collapsed_into)


def _app(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def _r1(_fmt: tpl.Format) -> Iterator[Check]:
    for row in APPS.rows:
        yield sum_check(_app(row.id, "total"), [_app(row.id, c) for c in APPLICANTS],
                        f"{row.label}: 总计 = sum of the six applicant columns")


def _r2(_fmt: tpl.Format) -> Iterator[Check]:
    for c in COLS:
        yield equality_check((_app("new", c), _app("carried_over", c)),
                             (_app("total", c), _app("carried_forward", c)),
                             f"{c}: 本年新收 + 上年结转 = 总计 + 结转下年度")


def _r3(_fmt: tpl.Format) -> Iterator[Check]:
    optional = frozenset(_app(r, c) for r in OPTIONAL_ROWS for c in COLS)
    for c in COLS:
        yield sum_check(_app("total", c), [_app(r, c) for r in tpl.OUTCOME_ROWS],
                        f"{c}: 总计 = sum of every outcome row (予以公开 … 其他处理)", optional)


def _r4(_fmt: tpl.Format) -> Iterator[Check]:
    for row in tpl.REVIEW.rows:
        parts = [f"{row.id}.{c.id}" for c in tpl.REVIEW.columns if c.id != "total"]
        yield sum_check(f"{row.id}.total", parts,
                        f"{row.label}: 总计 = 维持 + 纠正 + 其他 + 尚未审结")


def _r7(_fmt: tpl.Format) -> Iterator[Check]:
    def year_ok(v: Values) -> tuple[object, object] | None:
        y = v.get("meta.year")
        if y is None:
            return None
        this_year = dt.date.today().year
        return None if 2000 <= y <= this_year else (f"2000…{this_year}", y)

    def date_after_year(v: Values) -> tuple[object, object] | None:
        y, d = v.get("meta.year"), v.get("meta.published")
        if y is None or d is None:
            return None
        return None if d.year > y else (f"a date after {y}-12-31", d.isoformat())

    yield Check(("meta.year",), "报告年度 is a plausible year", year_ok)
    yield Check(("meta.published", "meta.year"), "the printed date falls after the year reported",
                date_after_year)


def _r9(fmt: tpl.Format) -> Iterator[Check]:
    if fmt != "2021":
        return
    for row in ("rules", "normative_docs"):
        issued, in_force = f"active.{row}.issued", f"active.{row}.in_force"

        def test(v: Values, issued: str = issued, in_force: str = in_force
                 ) -> tuple[object, object] | None:
            if v.get(issued) is None or v.get(in_force) is None:
                return None
            return None if v[in_force] >= v[issued] else (f"≥ {v[issued]}", v[in_force])

        yield Check((in_force, issued), f"{row}: 现行有效件数 ≥ 本年制发件数", test)


RULES: tuple[Rule, ...] = (
    Rule("R1", "every row of table 三: 总计 = the six applicant columns", "error", _r1),
    Rule("R2", "every column of table 三: 新收 + 上年结转 = 总计 + 结转下年度", "error", _r2),
    Rule("R3", "every column of table 三: 总计 = the sum of the outcome rows", "error", _r3),
    Rule("R4", "each group of table 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结", "error", _r4),
    Rule("R7", "报告年度 matches the title; a printed date falls after the year", "warning", _r7),
    Rule("R9", "plausibility: 现行有效件数 ≥ 本年制发件数", "warning", _r9),
)
