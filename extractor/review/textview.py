"""The report's normalised text cut into segments, so the page can highlight the row and the
evidence spans without building HTML by hand (the template escapes every segment)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..results import Evidence


@dataclass(frozen=True)
class Segment:
    text: str
    classes: tuple[str, ...]  # "row", "ev" (the field in focus), "ev-other" (its identity)
    anchor: bool = False  # the first segment of the focused evidence: the page scrolls here


def segments(text: str, focus: Evidence | None, others: list[Evidence]) -> list[Segment]:
    spans: list[tuple[int, int, str]] = []
    if focus is not None:
        if focus.row_start is not None and focus.row_end is not None:
            spans.append((focus.row_start, focus.row_end, "row"))
        spans.append((focus.start, focus.end, "ev"))
    spans += [(e.start, e.end, "ev-other") for e in others]
    n = len(text)
    spans = [(max(0, s), min(n, e), c) for s, e, c in spans if s < e and s < n]
    cuts = sorted({0, n, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Segment] = []
    anchored = False
    for a, b in itertools.pairwise(cuts):
        classes = tuple(sorted({c for s, e, c in spans if s <= a and b <= e}))
        if "ev" in classes:
            classes = tuple(c for c in classes if c != "ev-other")
        anchor = "ev" in classes and not anchored
        anchored = anchored or anchor
        out.append(Segment(text[a:b], classes, anchor))
    if focus is not None and focus.start == focus.end and not anchored:
        # An empty span (a blank cell) still gets a place to scroll to.
        out = _insert_anchor(out, focus.start)
    return out


def _insert_anchor(segs: list[Segment], at: int) -> list[Segment]:
    pos = 0
    for i, s in enumerate(segs):
        if pos <= at <= pos + len(s.text):
            k = at - pos
            return [*segs[:i], Segment(s.text[:k], s.classes), Segment("", ("ev",), True),
                    Segment(s.text[k:], s.classes), *segs[i + 1:]]
        pos += len(s.text)
    return [*segs, Segment("", ("ev",), True)]
