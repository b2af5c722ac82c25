"""The LLM extractors, behind the same interface as the template reader.

`LLMExtractor` (mode llm): the model reads every section — header, table 二, table 三, table 四,
narrative claims — one compact prompt each. Of a table it is shown the lines that print a number
other than 0 (at most ROWS_PER_CALL a question) and copies each row's numbers, top to bottom;
each copy is located in the report by characters and belongs to the row whose label stands before
it, and the reader's placement and the rules assign the columns, so evidence and grounding work
exactly as for the template reader. Rows none of whose numbers were copied are asked once more.
Rows it was not shown are read by the template reader where their text prints only zeros (the
result says so, row by row). A hard violation in an LLM-read row is re-asked once with the row's
own text; the same grounded answer is kept and left to the rules to call a source error. Nothing
is ever made to add up.

`HybridExtractor` (mode hybrid, the default with a model): the template reader first; the model
only for rows the reader could not find, and for the narrative claims, which also settle a table
the reader found ambiguous.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import TypeVar

from pydantic import BaseModel, Field

from .. import template as tpl
from ..extraction import CURRENT_REPORT, Extraction
from ..reader import NAME as READER
from ..reader import Segment, assign_rows, find_segments, read, read_review
from ..reader.layout import Span, find_sections, header_masks, section_region
from ..reader.meta import detect_format, find_published, find_title
from ..reader.tokens import tokenize
from ..results import Claim, Evidence, Flag
from ..rules import verify
from .answers import ClaimsAnswer, HeaderAnswer, ReviewAnswer, RowsAnswer
from .claims import candidate_sentences, to_claims
from .client import LLMClient, LLMError
from .locate import locate, locate_numbers, numbers_in
from .prompts import load

A = TypeVar("A", bound=BaseModel)
LLM = "llm"
MAX_REPAIRS = 2
ROWS_PER_CALL = 10  # ~22 answer tokens a row: inside the table prompt's max_tokens (300)
HEAD_CHARS = 160  # the title, with agency and year, opens the report
MAX_SECTION_CHARS = 6000  # a table section is ~1,500 characters; beyond this it is not one


class RowAnswer(BaseModel):
    numbers: str = Field(default="", description="the row's numbers, as printed")


class _Base:
    def __init__(self, client: LLMClient) -> None:
        self.client = client

    def _ask(self, ex: Extraction, name: str, model: type[A], **values: str) -> A:
        prompt = load(name)
        done = self.client.complete(prompt, prompt.messages(**values), model,
                                    CURRENT_REPORT.get())
        u = ex.usage
        u["calls"] = u.get("calls", 0) + 1
        u["cached"] = u.get("cached", 0) + int(done.cached)
        u["prompt_tokens"] = u.get("prompt_tokens", 0) + done.prompt_tokens
        u["completion_tokens"] = u.get("completion_tokens", 0) + done.completion_tokens
        u["llm_seconds"] = round(u.get("llm_seconds", 0) + done.latency_s, 3)
        return done.answer  # type: ignore[return-value]

    # --- sections ----------------------------------------------------------------------

    def read_table(self, text: str, region: Span, table: tpl.Table, ex: Extraction) -> set[str]:
        """Ask the model for a table's rows; set their fields. Returns the rows it read: those
        whose numbers it copied, and those it was not shown (all zeros, checked in the text).

        At most ROWS_PER_CALL rows a question (a longer answer loops and is cut off); the rows
        whose numbers no copy was found in are asked once more, alone (the model tends to stop
        a row or two early, and to skip a row that repeats the one before it)."""
        labelled, _ = find_segments(text, region, table)
        placed = _Placed(table, labelled)
        pending = shown_rows(text, region)
        for _ in range(2):
            for chunk in _chunks(pending, ROWS_PER_CALL):
                ans = self._ask(ex, "table", RowsAnswer, title=table.title,
                                text=shown_text(text, chunk))
                placed.add(ans.rows, text, chunk[0].start, region, ex)
            pending = [r for r in pending if not placed.covers(r)]
            if not pending:
                break
        # rows not shown to the model: read by the template reader where their text prints no
        # number other than 0 (else the model missed them: null, flagged)
        zeros = {k: seg for k, seg in labelled.items()
                 if k not in placed.segs and _all_zero(text, seg, region, table)}
        assign_rows(text, table, placed.segs, ex, LLM)
        assign_rows(text, table, zeros, ex, READER)
        return set(placed.segs) | set(zeros)

    def read_review(self, text: str, region: Span, ex: Extraction) -> None:
        if not shown_rows(text, region):  # all zeros or empty: nothing for the model to copy
            read_review(text, region, ex, READER)
            return
        ans = self._ask(ex, "review", ReviewAnswer, text=text[region.start:region.end])
        if not numbers_in(ans.numbers):
            return
        span = locate_numbers(ans.numbers, text, region.start, region.end)
        if span:
            read_review(text, Span(*span), ex, LLM)
        else:
            tmp = Extraction()
            read_review(ans.numbers, Span(0, len(ans.numbers)), tmp, LLM)
            for fid in tpl.REVIEW.field_ids():
                if fid in tmp.fields:
                    ex.set(fid, tmp.fields[fid], None, LLM)

    def read_header(self, text: str, sections: dict[str, Span], ex: Extraction) -> None:
        end = sections["overview"].start if "overview" in sections else 0
        head = text[:min(end, HEAD_CHARS) if end > 20 else HEAD_CHARS]  # the title is on top
        ans = self._ask(ex, "header", HeaderAnswer, text=head)
        span = locate(ans.agency, text, 0, len(head)) if ans.agency.strip() else None
        ex.set("meta.agency", ans.agency.strip() or None, _ev(text, span), LLM)
        yspan = locate_numbers(str(ans.year), text, 0, len(head), near=span[1] if span else 0)
        ex.set("meta.year", ans.year, _ev(text, yspan), LLM)
        try:
            date = dt.date.fromisoformat(ans.published) if ans.published else None
        except ValueError:
            date = None
        if date is not None:
            m = re.search(rf"{date.year}\s*年\s*0?{date.month}\s*月\s*0?{date.day}\s*日", text)
            ex.set("meta.published", date, _ev(text, m.span() if m else None), LLM)
        _cross_check_header(text, ex)

    def read_claims(self, text: str, sections: dict[str, Span], ex: Extraction) -> None:
        region = section_region(text, sections, "overview") or Span(0, min(len(text), 3000))
        sents = candidate_sentences(text, region.start, region.end)
        if not sents:
            return
        ans = self._ask(ex, "claims", ClaimsAnswer,
                        text="\n".join(re.sub(r"\s*\n\s*", "", text[s:e]).strip()
                                        for s, e in sents))
        ex.claims = to_claims(ans, text, region.start, region.end, ex.template or "2021")


_NONZERO = re.compile(r"[1-9]")
_NUMBERING = re.compile(r"(?<![\d.])\d+\s*[.．、](?!\d)")  # a row label's "1." is no cell


def shown_rows(text: str, region: Span) -> list[Span]:
    """The lines of a table the model needs: those printing a number other than 0, each with up
    to two label lines above it (PDF text wraps labels); one span per such line. On a CPU a small
    model reads ~40 tokens a second and writes ~9: rows of zeros are most of a table, and they
    are checked against the text instead (`_all_zero`)."""
    rows: list[Span] = []
    lines = text[region.start:region.end].split("\n")
    starts = [region.start]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for i, line in enumerate(lines):
        if _NONZERO.search(_NUMBERING.sub("", line)):
            first = i
            for j in (i - 1, i - 2):  # its label's lines above, if it wraps
                if j < 0 or re.search(r"\d", lines[j]) or not lines[j].strip():
                    break
                first = j
            rows.append(Span(starts[first], starts[i] + len(line)))
    return rows


def shown_text(text: str, rows: list[Span]) -> str:
    return "\n".join(text[r.start:r.end] for r in rows)


def _chunks(rows: list[Span], most: int) -> Iterator[list[Span]]:
    """As few questions as `most` rows each allow, of even size (22 rows: 8, 8, 6)."""
    if not rows:
        return
    size = math.ceil(len(rows) / math.ceil(len(rows) / most))
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


class _Placed:
    """Where the model's copies of a table's rows were found, and which row each belongs to."""

    def __init__(self, table: tpl.Table, labelled: dict[str, Segment]) -> None:
        self.table, self.labelled = table, labelled
        self.segs: dict[str, Segment] = {}
        self.copied_n: dict[str, int] = {}  # numbers copied per row so far
        self.spans: list[tuple[int, int]] = []

    def covers(self, row: Span) -> bool:
        return any(s < row.end and e > row.start for s, e in self.spans)

    def add(self, copies: list[str], text: str, start: int, region: Span,
            ex: Extraction) -> None:
        """Copies of the rows shown from `start` on, top to bottom: each is looked for after the
        previous one first, then anywhere in the table."""
        table, labelled, segs = self.table, self.labelled, self.segs
        cursor, last = start, None
        for copied in copies:
            nums = numbers_in(copied)
            if not nums:
                continue
            span = (locate_numbers(copied, text, cursor, region.end)
                    or locate_numbers(copied, text, region.start, region.end))
            row_id = span and _row_at(labelled, span[0])
            if span and row_id and row_id == last and (
                    self.copied_n[row_id] + len(nums) <= _width(table, row_id)):
                # the rest of the row the model is copying (some copy a row cell by cell)
                segs[row_id] = (segs[row_id][0], segs[row_id][1], span[1])
                self.copied_n[row_id] += len(nums)
                self.spans.append(span)
                cursor = span[1]
                continue
            if row_id in segs:  # a second row under one label: one whose label was not found
                row_id = _unlabelled_after(table, row_id, labelled, segs)
            if not span or not row_id:
                ex.flags.append(Flag(
                    rule="grounding", severity="warning", kind="extraction", fields=[],
                    message=f"{table.title}: the model copied {copied!r}, which is not the "
                            f"numbers of a row of the text; not used"))
                continue
            segs[row_id] = (labelled[row_id][0] if row_id in labelled else span[0], *span)
            self.copied_n[row_id], cursor, last = len(nums), span[1], row_id
            self.spans.append(span)


def _row_at(labelled: dict[str, Segment], at: int) -> str | None:
    """The row whose label stands before `at` (its segment runs to the next row's label)."""
    return next((k for k, (start, _, end) in labelled.items() if start <= at < end), None)


def _width(table: tpl.Table, row_id: str) -> int:
    return len(table.row_columns(table.row(row_id))) or 1


def _unlabelled_after(table: tpl.Table, row_id: str, labelled: dict[str, Segment],
                      taken: dict[str, Segment]) -> str | None:
    """The next row in template order whose label the text does not show, if it is next."""
    ids = [r.id for r in table.rows]
    for nxt in ids[ids.index(row_id) + 1:]:
        if nxt in labelled:
            return None
        if nxt not in taken:
            return nxt
    return None


def _all_zero(text: str, seg: tuple[int, int, int], region: Span, table: tpl.Table) -> bool:
    """The row's own text (its label to the next row's) prints no number other than 0."""
    tokens = tokenize(text, seg[1], seg[2], header_masks(text, region, table))
    return all(not t.value for t in tokens)


def _cross_check_header(text: str, ex: Extraction) -> None:
    """The model's header against the reader's title and date finders: a disagreement, or a
    value the model did not see, is worth a reviewer's look (a small model alone is not trusted).
    """
    agency, year = find_title(text)
    published = find_published(text)
    for fid, found in (("meta.agency", agency), ("meta.year", year),
                       ("meta.published", published)):
        if found is not None and ex.fields.get(fid) != found.value:
            value = found.value.isoformat() if isinstance(found.value, dt.date) else found.value
            ex.flags.append(Flag(
                rule="cross_check", severity="warning", kind="extraction", fields=[fid],
                message=f"the model read {fid} as {ex.fields.get(fid)!r}; the text at "
                        f"{found.start} reads {value!r}", expected=value,
                found=str(ex.fields.get(fid))))


def _ev(text: str, span: tuple[int, int] | None) -> Evidence | None:
    if span is None:
        return None
    return Evidence(start=span[0], end=span[1], text=text[span[0]:span[1]], cell="text")


def _region(text: str, sections: dict[str, Span], table: tpl.Table) -> Span:
    region = section_region(text, sections, table.section)
    if region is None:  # no heading: let the model look at the whole text
        return Span(0, min(len(text), MAX_SECTION_CHARS))
    return Span(region.start, min(region.end, region.start + MAX_SECTION_CHARS))


class LLMExtractor(_Base):
    name = "llm"

    def extract(self, text: str) -> Extraction:
        ex = Extraction()
        sections = find_sections(text)
        self.read_header(text, sections, ex)
        active = section_region(text, sections, "active")
        year = ex.fields.get("meta.year")
        fmt: tpl.Format = detect_format(text, active.start, active.end, year) if active else (
            "2019" if isinstance(year, int) and year <= 2020 else "2021")
        ex.template = fmt
        ex.set("meta.template", fmt, None, LLM)
        for table in tpl.tables_for(fmt):
            region = _region(text, sections, table)
            with _section(ex, table.title):
                if table is tpl.REVIEW:
                    self.read_review(text, region, ex)
                else:
                    self.read_table(text, region, table, ex)
        with _section(ex, "the repair of broken rows"):
            self._repair(text, ex)
        with _section(ex, "the narrative claims"):
            self.read_claims(text, sections, ex)
        ex.is_report = bool(ex.fields.get("meta.year")) or any(
            ev.cell == "number" for fid, ev in ex.evidence.items() if not fid.startswith("meta."))
        ex.not_report_why = "the model found no title with a year and no table numbers"
        _flag_absent(ex)
        ex.complete()
        return ex

    def _repair(self, text: str, ex: Extraction) -> None:
        """Re-ask once each row that breaks its own identity (rule 1), the first MAX_REPAIRS
        of them: each costs ~8 s on a CPU, and the rules flag the rest all the same."""
        broken = [f for f in verify(ex, text) if f.rule == "R1" and f.fields]
        for flag in broken[:MAX_REPAIRS]:
            row_id = tpl.spec(flag.fields[0]).row or ""
            span = ex.rows.get(f"applications.{row_id}")
            if not span:
                continue
            table = tpl.APPLICATIONS
            window = Span(max(0, span[0] - 10), min(len(text), span[1] + 40))
            previous = " ".join(str(ex.fields[f]) for f in table.row_field_ids(
                table.row(row_id)))
            ans = self._ask(ex, "repair", RowAnswer, label=table.row(row_id).label,
                            previous=previous, violation=flag.message,
                            text=text[window.start:window.end])
            again = locate_numbers(ans.numbers, text, window.start, window.end)
            if again:  # the re-read replaces the first read; the rules judge it afresh
                assign_rows(text, table, {row_id: (span[0], *again)}, ex, LLM)


@contextlib.contextmanager
def _section(ex: Extraction, what: str) -> Iterator[None]:
    """One section the model could not answer (the endpoint failed, or the answer was unusable)
    leaves its fields null and says so; the other sections still count."""
    try:
        yield
    except LLMError as exc:
        ex.flags.append(Flag(rule="llm", severity="error", kind="extraction", fields=[],
                             message=f"{what}: {exc}"))


def _flag_absent(ex: Extraction) -> None:
    fmt = ex.template or "2021"
    optional = {f for f in tpl.field_ids(fmt) if ".other.no_correction." in f
                or ".other.unpaid_fee." in f}
    absent = [f for f in tpl.field_ids(fmt) if f not in ex.fields and f not in optional
              and not f.startswith("meta.")]
    if absent:
        ex.flags.append(Flag(rule="missing", severity="error", kind="extraction", fields=absent,
                             message=f"the model gave no value for {len(absent)} fields "
                                     f"({', '.join(absent[:3])} …); they are null"))


class HybridExtractor(_Base):
    """Template reader first; the model only where it pays."""

    name = "hybrid"

    def extract(self, text: str) -> Extraction:
        ex = read(text)
        if not ex.is_report:
            return ex
        sections = find_sections(text)
        try:
            self._fill_missing_rows(text, sections, ex)
            self.read_claims(text, sections, ex)
        except LLMError as exc:  # the reader's result stands; say what is missing
            ex.flags.append(Flag(rule="llm", severity="warning", kind="extraction", fields=[],
                                 message=f"the model was not used: {exc}"))
            return ex
        prefer = {c.cell: c.value for c in _all_claims(ex) if c.cell and isinstance(c.value, int)}
        ambiguous = [f for f in ex.flags if f.rule == "ambiguous"]
        if ambiguous and any(fid in f.fields for f in ambiguous for fid in prefer):
            settled = read(text, prefer=prefer)
            settled.claims, settled.usage = ex.claims, ex.usage
            for fid, by in ex.extractors.items():  # rows the model filled stay filled
                if by == LLM:
                    settled.set(fid, ex.fields.get(fid), ex.evidence.get(fid), by)
            settled.flags = [f for f in settled.flags if f.rule != "missing"] + [
                f for f in ex.flags if f.rule == "missing"]
            ex = settled
        return ex

    def _fill_missing_rows(self, text: str, sections: dict[str, Span], ex: Extraction) -> None:
        """Rows whose labels the reader did not recognise (not a report cut off): the model
        reads that table, and its values fill those rows only."""
        for flag in [f for f in ex.flags if f.rule == "missing" and f.kind == "extraction"]:
            tables = {tpl.spec(fid).table for fid in flag.fields if tpl.spec(fid).table}
            for table_id in tables:
                table = tpl.table_of(table_id or "")
                if table is tpl.REVIEW or table_id not in {t.id for t in tpl.tables_for(
                        ex.template or "2021")}:
                    continue
                got = Extraction(template=ex.template)
                self.read_table(text, _region(text, sections, table), table, got)
                filled = [f for f in flag.fields if got.fields.get(f) is not None]
                for fid in filled:
                    ex.set(fid, got.fields[fid], got.evidence.get(fid), LLM)
                for key, span in got.rows.items():
                    ex.rows.setdefault(key, span)
                ex.usage = {k: ex.usage.get(k, 0) + v for k, v in got.usage.items()}
                flag.fields = [f for f in flag.fields if f not in filled]
        ex.flags = [f for f in ex.flags if not (f.rule == "missing" and not f.fields)]


def _all_claims(ex: Extraction) -> Iterator[Claim]:
    for c in ex.claims:
        yield c
        yield from c.parts
