"""Scoring one result against its label, and adding scores up per field, section, layout and
overall. Pure functions of (label, result): no files, no extractor.

Definitions (eval/README.md explains them by example):
- a field is *correct* when its value equals the label's; otherwise *missing* (label has a value,
  result has none), *spurious* (result has a value where the label has none, or a wrong value
  whose evidence text is not in the source: invented), or *wrong* (both have values).
- a field is *flagged* when any flag of the result names it; a *silent* error is a wrong or
  spurious value that no flag names.
- an expected flag (injected error or labelled source error) is *caught* when the result raises
  a flag with its rule on the same fields (rule 6: or quoting the same words). Rules 1–4: also
  when the result raises the rule in the same table while an `ambiguous` flag names one of the
  expected fields: where the report dropped cells and no placement adds up, which column fails
  cannot be known, and the result says so. These catches are counted apart (`arith_caught_
  unplaced`) so a regression in placement still shows.
- a raised flag (severity error, or rule 6) is *useful* when it catches an expected flag or names
  a field that is not correct; precision = useful / raised.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .. import schema
from .. import template as tpl
from ..fixtures import Case, Mismatch, load_case
from ..results import Flag, ReportResult

Status = Literal["correct", "wrong", "missing", "spurious"]
ARITHMETIC_RULES = frozenset({"R1", "R2", "R3", "R4"})
SECTION_OF_TABLE = {t.id: t.section for t in tpl.TABLES}
SECTIONS = ("meta", "active", "applications", "review")


def section_of(fid: str) -> str:
    table = tpl.spec(fid).table
    return "meta" if table is None else SECTION_OF_TABLE[table]


def _tables(fields: Iterable[str]) -> set[str | None]:
    return {tpl.spec(f).table for f in fields}


def _squash(s: str) -> str:
    return "".join(s.split())


# --- what a case expects --------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    """A flag the result must raise."""

    rule: str
    fields: frozenset[str]
    origin: str  # an injected error kind, "narrative", or "labelled" (a fixture's source error)
    quote: str | None = None
    note: str = ""

    @property
    def category(self) -> str:
        if self.rule in ARITHMETIC_RULES:
            return "arithmetic"
        return "narrative" if self.rule == "R6" else "other"

    def caught_by(self, flag: Flag, unplaced: frozenset[str] = frozenset()) -> bool:
        """`unplaced`: the fields the result flags as ambiguous (their column is uncertain)."""
        if flag.rule != self.rule:
            return False
        if self.fields and frozenset(flag.fields) == self.fields:
            return True
        if self.category == "arithmetic" and self.fields & unplaced:
            return _tables(flag.fields) == _tables(self.fields)
        if self.rule == "R6" and self.quote:
            q = _squash(self.quote)
            return any(_squash(x) and (_squash(x) in q or q in _squash(x))
                       for x in flag.quotes or [])
        return False


@dataclass
class EvalCase:
    """A labelled case with what the eval needs beyond the fixture shape."""

    case: Case
    layout: str
    expected: list[Expected]
    generated: bool = False
    injected: str = "none"


def real_layout(path: Path) -> str:
    kinds = {".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx"}
    return "real_" + kinds.get(path.suffix.lower(), "text")


def load_eval_case(path: str | Path) -> EvalCase:
    """A label file: a hand-labelled fixture (expected flags from its source errors and narrative
    mismatches) or a generated case (its own `expected_flags` and `layout`)."""
    case = load_case(path)
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if "expected_flags" in raw:
        expected = [Expected(e["rule"], frozenset(e.get("fields", [])), e.get("origin", "?"),
                             e.get("quote"), e.get("note", "")) for e in raw["expected_flags"]]
        injected = (raw.get("injected") or {}).get("kind", "none")
    else:
        expected = [Expected(e["rule"], frozenset(e["fields"]), "labelled", None,
                             e.get("note", "")) for e in case.source_errors]
        expected += [Expected("R6", frozenset(), "labelled", m["quote"], m.get("note", ""))
                     for m in case.narrative_mismatches]
        injected = "labelled" if expected else "none"
    return EvalCase(case, raw.get("layout") or real_layout(case.input), expected,
                    "generated" in raw, injected)


# --- one case ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldOutcome:
    field: str
    gold: Any
    got: Any
    status: Status
    flagged: bool
    grounded: bool
    rules: tuple[str, ...] = ()
    evidence: str | None = None

    @property
    def section(self) -> str:
        return section_of(self.field)

    @property
    def silent(self) -> bool:
        return self.status in ("wrong", "spurious") and not self.flagged


@dataclass
class CaseScore:
    id: str
    layout: str
    status: str  # the result's: ok, partial, error
    fields: list[FieldOutcome]
    expected: list[tuple[Expected, bool]]  # each with whether it was caught
    unplaced_catches: int  # of those, caught in the table only (the column is uncertain)
    raised: list[tuple[Flag, bool]]  # flags that claim a problem, each with whether useful
    warnings: int = 0
    seconds: float | None = None
    tokens: float | None = None
    injected: str = "none"

    @property
    def errors(self) -> list[FieldOutcome]:
        return [f for f in self.fields if f.status != "correct"]

    @property
    def exact(self) -> bool:
        return self.status != "error" and not self.errors


def _grounded(fid: str, result: ReportResult) -> bool:
    """The value can be traced to the text: it has evidence whose text the source contains
    (a blank cell's empty evidence counts; the form, `meta.template`, needs none)."""
    if result.fields.get(fid) is None or tpl.spec(fid).kind == "template":
        return True
    ev = result.evidence.get(fid)
    if ev is None:
        return False
    if ev.cell in ("blank", "placeholder"):
        return True
    return bool(ev.text) and ev.text in result.text


def _status(fid: str, gold: Any, got: Any, grounded: bool) -> Status:
    """The fixtures' own kinds of mismatch (`Mismatch.kind`), and a wrong value that the source
    does not contain counted as spurious: invented rather than misread."""
    if gold == got:
        return "correct"
    kind = Mismatch(fid, gold, got).kind
    return "spurious" if kind == "wrong" and not grounded else kind  # type: ignore[return-value]


def scored_fields(case: Case, result: ReportResult) -> list[str]:
    """The fields a case is scored on: every field of its form, and any other the result
    filled (a 2019 value read from a 2021 report is an error, an absent one is not)."""
    extra = [f for f in tpl.field_ids() if result.fields.get(f) is not None]
    own = set(tpl.field_ids(case.template))  # type: ignore[arg-type]
    return [f for f in tpl.field_ids() if f in own or f in extra]


def claims_problem(flag: Flag) -> bool:
    """Flags counted for precision: errors, and rule 6 (a warning by severity, but the only
    flag a narrative error can raise)."""
    return flag.severity == "error" or flag.rule == "R6"


def tokens_of(result: ReportResult) -> float | None:
    """Tokens spent on a report, where the extractor records them (LLM modes): the model's
    prompt and completion tokens in `usage`, a `tokens` attribute or timings key, else the sum
    of timings keys that name tokens."""
    u = result.usage
    if "prompt_tokens" in u or "completion_tokens" in u:
        return float(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0))
    direct = getattr(result, "tokens", None)
    if isinstance(direct, int | float):
        return float(direct)
    if "tokens" in result.timings:
        return float(result.timings["tokens"])
    parts = [v for k, v in result.timings.items() if "token" in k]
    return float(sum(parts)) if parts else None


def score_case(ec: EvalCase, result: ReportResult, seconds: float | None = None,
               fields: Iterable[str] | None = None) -> CaseScore:
    case = ec.case
    by_field: dict[str, list[str]] = {}
    for f in result.flags:
        for fid in f.fields:
            by_field.setdefault(fid, []).append(f.rule)
    outcomes = []
    for fid in fields if fields is not None else scored_fields(case, result):
        gold = schema.coerce(fid, case.fields.get(fid))
        got = schema.coerce(fid, result.fields.get(fid))
        grounded = _grounded(fid, result)
        ev = result.evidence.get(fid)
        outcomes.append(FieldOutcome(fid, gold, got, _status(fid, gold, got, grounded),
                                     fid in by_field, grounded, tuple(by_field.get(fid, ())),
                                     ev.text if ev else None))
    status_of = {o.field: o.status for o in outcomes}
    gold_none = {o.field for o in outcomes if o.gold is None}
    unplaced = frozenset(fid for f in result.flags if f.rule == "ambiguous" for fid in f.fields)
    expected = [(e, any(e.caught_by(f, unplaced) for f in result.flags)) for e in ec.expected]
    exactly = sum(any(e.caught_by(f) for f in result.flags) for e, _ in expected)
    raised = []
    for f in result.flags:
        if not claims_problem(f):
            continue
        useful = any(e.caught_by(f, unplaced) for e in ec.expected) or any(
            status_of.get(fid, "correct") != "correct" for fid in f.fields) or (
            f.rule == "missing" and bool(f.fields) and set(f.fields) <= gold_none)
        raised.append((f, useful))
    return CaseScore(case.id, ec.layout, result.status, outcomes, expected,
                     sum(ok for _, ok in expected) - exactly, raised,
                     warnings=sum(f.severity == "warning" for f in result.flags),
                     seconds=seconds, tokens=tokens_of(result), injected=ec.injected)


# --- adding up --------------------------------------------------------------------------------

def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


@dataclass
class Tally:
    """Counts that add up over fields and cases; `metrics()` turns them into rates."""

    fields: int = 0
    correct: int = 0
    wrong: int = 0
    missing: int = 0
    spurious: int = 0
    silent: int = 0
    ungrounded: int = 0
    reports: int = 0
    exact: int = 0
    failed: int = 0
    expected: dict[str, int] = field(default_factory=dict)  # by category
    caught: dict[str, int] = field(default_factory=dict)
    unplaced: int = 0  # arithmetic catches in the table only (`Expected.caught_by`)
    raised: int = 0
    useful: int = 0
    warnings: int = 0
    seconds: list[float] = field(default_factory=list)
    tokens: list[float] = field(default_factory=list)

    def add_field(self, o: FieldOutcome) -> None:
        self.fields += 1
        setattr(self, o.status, getattr(self, o.status) + 1)
        self.silent += o.silent
        self.ungrounded += not o.grounded

    def add_case(self, cs: CaseScore, with_fields: bool = True) -> None:
        if with_fields:
            for o in cs.fields:
                self.add_field(o)
        self.reports += 1
        self.exact += cs.exact
        self.failed += cs.status == "error"
        for e, ok in cs.expected:
            self.expected[e.category] = self.expected.get(e.category, 0) + 1
            self.caught[e.category] = self.caught.get(e.category, 0) + ok
        self.unplaced += cs.unplaced_catches
        self.raised += len(cs.raised)
        self.useful += sum(ok for _, ok in cs.raised)
        self.warnings += cs.warnings
        if cs.seconds is not None:
            self.seconds.append(cs.seconds)
        if cs.tokens is not None:
            self.tokens.append(cs.tokens)

    def metrics(self) -> dict[str, Any]:
        m: dict[str, Any] = {
            "fields": self.fields, "accuracy": _rate(self.correct, self.fields),
            "correct": self.correct, "wrong": self.wrong, "missing": self.missing,
            "spurious": self.spurious, "silent_errors": self.silent,
            "ungrounded": self.ungrounded,
        }
        if not self.reports:
            return m
        exp, got = sum(self.expected.values()), sum(self.caught.values())
        m.update({
            "reports": self.reports, "exact_rate": _rate(self.exact, self.reports),
            "failed": self.failed,
            "expected_flags": exp, "caught_flags": got, "flag_recall": _rate(got, exp),
            "arith_expected": self.expected.get("arithmetic", 0),
            "arith_flag_recall": _rate(self.caught.get("arithmetic", 0),
                                       self.expected.get("arithmetic", 0)),
            "arith_caught_unplaced": self.unplaced,
            "narrative_expected": self.expected.get("narrative", 0),
            "narrative_flag_recall": _rate(self.caught.get("narrative", 0),
                                           self.expected.get("narrative", 0)),
            "raised_flags": self.raised, "useful_flags": self.useful,
            "flag_precision": _rate(self.useful, self.raised),
            "warnings_per_report": self.warnings / self.reports,
            "seconds_mean": statistics.fmean(self.seconds) if self.seconds else None,
            "seconds_p95": _p95(self.seconds),
            "tokens_mean": statistics.fmean(self.tokens) if self.tokens else None,
        })
        return m


def _p95(xs: list[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def tally_by(scores: Iterable[CaseScore], key: str) -> dict[str, Tally]:
    """Tallies per `key`: "layout", "section", "field", or "injected" (the error kind)."""
    out: dict[str, Tally] = {}
    for cs in scores:
        if key in ("layout", "injected"):
            out.setdefault(getattr(cs, key), Tally()).add_case(cs)
            continue
        for o in cs.fields:
            k = o.section if key == "section" else o.field
            out.setdefault(k, Tally()).add_field(o)
    return out


def overall(scores: Iterable[CaseScore]) -> Tally:
    t = Tally()
    for cs in scores:
        t.add_case(cs)
    return t


def ordered(tallies: Mapping[str, Tally], order: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Metrics of each tally, keys in `order` first, then the rest sorted."""
    keys = [k for k in order if k in tallies] + sorted(set(tallies) - set(order))
    return {k: tallies[k].metrics() for k in keys}
