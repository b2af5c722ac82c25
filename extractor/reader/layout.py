"""Finding the sections of a report and the row labels of a table in normalised text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import template as tpl


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def find_sections(text: str) -> dict[str, Span]:
    """Section id → span of its heading. Headings are searched in template order, each after the
    previous one; a numbered heading (`三、…`) is preferred to the bare words, which prose and
    the tables of contents of some reports repeat."""
    found: dict[str, Span] = {}
    pos = 0
    for sec in tpl.SECTIONS:
        m = (tpl.section_regex(sec.id, numbered=True).search(text, pos)
             or tpl.section_regex(sec.id).search(text, pos))
        if m:
            found[sec.id] = Span(m.start(), m.end())
            pos = m.end()
    return found


def section_region(text: str, sections: dict[str, Span], section_id: str) -> Span | None:
    """From the end of a section's heading to the start of the next heading found."""
    if section_id not in sections:
        return None
    start = sections[section_id].end
    later = [s.start for sid, s in sections.items() if s.start > start]
    return Span(start, min(later) if later else len(text))


@dataclass(frozen=True)
class Anchor:
    id: str  # row id, or "group:<id>"
    start: int
    end: int


def _items(table: tpl.Table) -> list[tuple[str, re.Pattern[str]]]:
    """Row and group labels of a table in printed order (a group precedes its first row)."""
    items: list[tuple[str, re.Pattern[str]]] = []
    groups = {g.label: g for g in table.groups}
    seen: set[str] = set()
    for row in table.rows:
        g = groups.get(row.group or "")
        if g and g.id not in seen:
            seen.add(g.id)
            items.append((f"group:{g.id}", tpl.anchor_regex(g.keys)))
        items.append((row.id, tpl.anchor_regex(row.keys, row.numbering)))
    return items


def find_anchors(text: str, region: Span, table: tpl.Table) -> list[Anchor]:
    """The labels of a table's rows found in `region`, in template order.

    Every match of every label is a candidate; the chosen anchors are the longest chain of
    candidates in template order with increasing positions (ties: earliest). A label that also
    occurs out of place (a column header `总计` above the first row, a word of prose) is thereby
    ignored instead of derailing the rows after it.
    """
    items = _items(table)
    cands: list[list[Anchor]] = []
    for item_id, rx in items:
        cands.append([Anchor(item_id, m.start(), m.end())
                      for m in rx.finditer(text, region.start, region.end)])
    # best[i][j]: (count, -sum_of_starts) of the best chain ending with candidate j of item i.
    best: list[list[tuple[int, int, tuple[int, int] | None]]] = []
    for i, cl in enumerate(cands):
        row: list[tuple[int, int, tuple[int, int] | None]] = []
        for a in cl:
            score: tuple[int, int, tuple[int, int] | None] = (1, -a.start, None)
            for pi in range(i):
                for pj, pa in enumerate(cands[pi]):
                    if pa.end <= a.start:
                        c, neg, _ = best[pi][pj]
                        if (c + 1, neg - a.start) > score[:2]:
                            score = (c + 1, neg - a.start, (pi, pj))
            row.append(score)
        best.append(row)
    end: tuple[int, int] | None = None
    top = (0, 0)
    for i, row in enumerate(best):
        for j, (c, neg, _) in enumerate(row):
            if (c, neg) > top:
                top, end = (c, neg), (i, j)
    chain: list[Anchor] = []
    while end is not None:
        i, j = end
        chain.append(cands[i][j])
        end = best[i][j][2]
    return chain[::-1]


def header_masks(text: str, region: Span, table: tpl.Table) -> list[tuple[int, int]]:
    """Spans of column headings and other header words inside a table region, so that what they
    contain (`本年增/减`, `(单位:万元)`, `第二十条第(一)项`) is not read as a cell."""
    words = {c.label for r in table.rows for c in table.row_columns(r)} | {
        c.label for c in table.columns}
    pats = [tpl.spaced(w) for w in sorted(words, key=len, reverse=True) if w]
    pats += [r"第\s*二\s*十\s*条\s*第\s*[(（]?\s*[一二三四五六七八九十\d]+\s*[)）]?\s*项",
             r"[(（]\s*单\s*位\s*[:：]\s*(?:万\s*)?元\s*[)）]", r"本列数据的勾稽关系[^)）]*[)）]?"]
    rx = re.compile("|".join(f"(?:{p})" for p in pats))
    return [m.span() for m in rx.finditer(text, region.start, region.end)]
