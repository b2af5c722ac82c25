"""Narrative claims: the numbers the prose states, quoted, located in the text, and tied to the
table cell they restate where the words say which (rule 6 checks them)."""

from __future__ import annotations

import re

from .. import template as tpl
from ..results import Claim
from .answers import ClaimsAnswer
from .locate import locate

# Words of a claim → the cell it restates; the words are the template's own labels.
_ACTIVE = tpl.ACTIVE
CELL_WORDS: tuple[tuple[str, str], ...] = (
    (tpl.REVIEW.row("litigation_direct").keys[0], "litigation_direct.total"),
    (tpl.REVIEW.row("litigation_after_review").keys[0], "litigation_after_review.total"),
    (tpl.REVIEW.row("review").keys[0], "review.total"),
    (_ACTIVE.row("licensing").label, "active.licensing"),
    (_ACTIVE.row("punishment").label, "active.punishment"),
    (_ACTIVE.row("coercion").label, "active.coercion"),
    (tpl.APPLICATIONS.row("granted").keys[0], "applications.granted.total"),
)
# "received/accepted N applications" restates 本年新收, unless it includes the carried-over ones.
_NEW = re.compile(r"(?:收到|受理|新收).{0,12}申请")
_INCLUDES_CARRIED = re.compile(r"含.{0,4}结转|结转")


def cell_for(quote: str, fmt: str, after: str = "") -> str | None:
    """The cell a claim restates; `after`, the words that follow the quote in the text, can say
    it includes the carried-over applications (（含上年结转 2 件）)."""
    for words, fid in CELL_WORDS:
        if words in quote and (fmt == "2021" or not fid.startswith("active.")):
            return fid
    if _NEW.search(quote) and not _INCLUDES_CARRIED.search(quote + after):
        return "applications.new.total"
    return None


_COUNT = re.compile(r"\d+\s*余?\s*[件条项次个]")
# A sentence runs to 。 or ；, across line breaks: PDF text wraps prose mid-sentence.
_SENTENCE = re.compile(r"[^。；;]+[。；;]?")
# After a total: optional punctuation and a bracketed aside (（含上年结转 2 件）), then 其中.
_END = re.compile(r"[。；;]")
_PARTS_FOLLOW = re.compile(r"\s*余?\s*[件条项次个]?[\s,，:：。]*"
                           r"(?:[(（][^)）]{0,30}[)）][\s,，:：]*)?其中")


def candidate_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences worth asking about: they state counts and either list parts (其中) or name a
    table row. Sending only these keeps a small model's prompt short."""
    spans = [m.span() for m in _SENTENCE.finditer(text, start, end)]
    keep = []
    for i, (s, e) in enumerate(spans):
        sent = re.sub(r"\s*\n\s*", "", text[s:e])
        if not _COUNT.search(sent):
            continue
        nxt = re.sub(r"\s+", "", text[spans[i + 1][0]:spans[i + 1][1]]) if i + 1 < len(
            spans) else ""
        if ("其中" in sent or nxt.lstrip().startswith("其中")
                or any(w in sent for w, _ in CELL_WORDS) or _NEW.search(sent)):
            if keep and keep[-1][1] == s and sent.lstrip().startswith("其中"):
                keep[-1] = (keep[-1][0], e)  # a total and its 其中 parts stay on one line
            else:
                keep.append((s, e))
    return keep


def to_claims(answer: ClaimsAnswer, text: str, start: int, end: int, fmt: str) -> list[Claim]:
    """Locate each quoted claim; a claim followed by 其中 takes the claims after it, up to the end
    of that sentence, as its parts."""
    located = []
    seen_spans: set[tuple[int, int]] = set()
    for item in answer.claims:
        # a quote without its number (结果维持) occurs many times: find it with its number
        span = None
        if str(item.number) not in item.quote:
            span = locate(f"{item.quote}{item.number}", text, start, end)
        span = span or locate(item.quote, text, start, end)
        if span is not None and any(s < span[1] and span[0] < e for s, e in seen_spans):
            continue  # the same words listed twice (once perhaps with another number)
        if span is not None:
            seen_spans.add(span)
            # the quote is the report's own words at that place (the number included)
            item = type(item)(quote=re.sub(r"\s*\n\s*", "", text[span[0]:span[1]]),
                              number=item.number)
        if span is None:  # not in the text: kept, unlocated, so rule 6 calls it our error
            located.append((None, item))
        else:
            located.append((span, item))
    located += _missed_counts(text, start, end, [sp for sp, _ in located if sp])
    located.sort(key=lambda x: x[0][0] if x[0] else 1 << 30)
    claims: list[Claim] = []
    taken: set[int] = set()
    for i, (span, item) in enumerate(located):
        if i in taken:
            continue
        parts: list[Claim] = []
        if span is not None:
            m = _PARTS_FOLLOW.match(text, span[1])
            if m:
                ends = _END.search(text, m.end())
                stop = ends.start() if ends else end
                for j in range(i + 1, len(located)):
                    pspan, pitem = located[j]
                    # the list ends with the sentence, or where a new total (共, or more than
                    # the total itself) begins
                    if (pspan is None or pspan[0] >= stop or pitem.number > item.number
                            or "共" in pitem.quote):
                        break
                    taken.add(j)
                    parts.append(_claim(pitem.quote, pitem.number, pspan, fmt,
                                        by=getattr(pitem, "by", "llm")))
        after = text[span[1]:span[1] + 12] if span else ""
        claims.append(_claim(item.quote, item.number, span, fmt, parts,
                             getattr(item, "by", "llm"), context=after))
    return claims


_TOTAL = re.compile(r"(?P<n>\d+)\s*余?\s*[件条项次个]")


class _Found:
    def __init__(self, quote: str, number: int) -> None:
        self.quote, self.number, self.by = quote, number, "rule"


def _missed_counts(text: str, start: int, end: int, seen: list[tuple[int, int]]
                   ) -> list[tuple[tuple[int, int], _Found]]:
    """Counts the model did not list, printed right before 其中 or in the list after it: a small
    model tends to skip the total, or some parts, and rule 6 checks the total against its parts
    (and a part that names a table row, 予以公开 N 件, against the cell)."""
    out: list[tuple[tuple[int, int], _Found]] = []

    def add(m: re.Match[str], lo: int) -> None:
        if any(s <= m.start("n") < e for s, e in seen + [sp for sp, _ in out]):
            return
        clause = max(max(text.rfind(p, lo, m.start()) for p in "。,，、;；:：\n") + 1, lo)
        out.append(((clause, m.end()), _Found(text[clause:m.end()].strip(),
                                              int(m.group("n")))))

    for m in _TOTAL.finditer(text, start, end):
        follow = _PARTS_FOLLOW.match(text, m.end())
        if not follow:
            continue
        add(m, start)
        ends = _END.search(text, follow.end(), end)
        for part in _TOTAL.finditer(text, follow.end(), ends.start() if ends else end):
            add(part, follow.end())
    return out


def _claim(quote: str, number: int, span: tuple[int, int] | None, fmt: str,
           parts: list[Claim] | None = None, by: str = "llm", context: str = "") -> Claim:
    """`context`: the words right after the quote (（含上年结转 2 件）changes what it restates)."""
    return Claim(quote=quote, value=number, cell=cell_for(quote, fmt, context),
                 parts=parts or [],
                 start=span[0] if span else None, end=span[1] if span else None,
                 approximate=bool(re.search(rf"{number}\s*余", quote)), by=by)
