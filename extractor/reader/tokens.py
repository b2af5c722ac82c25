"""Cell tokens: the numbers and placeholders inside a stretch of table text, with their spans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

# A number alone (not part of a longer run of digits or a decimal), optionally signed, optionally
# with thousands separators, optionally followed by a unit. A sign must follow a separator so
# that `0517-8722` never yields -8722.
_NUMBER = (
    r"(?:(?<=^)|(?<=[\s|:：(]))[+\-](?=\d)\d+(?:\.\d+)?"
    r"|(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])"
    r"|(?<![\d.])\d+(?:\.\d+)?(?![\d.]\d)"
)
# A placeholder alone in its cell: '/', '-', '—', '无', '×' between separators.
# (At most two dashes: `---` is a Markdown table's delimiter row, not a cell.)
_PLACEHOLDER = r"(?:(?<=^)|(?<=[\s|]))(?:[/\-—–－×]{1,2}|无)(?=[\s|]|$)"
TOKEN_RE = re.compile(
    rf"(?P<num>{_NUMBER})(?P<unit>\s*万元|\s*元)?|(?P<ph>{_PLACEHOLDER})", re.MULTILINE
)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    kind: Literal["number", "placeholder"]
    value: int | Decimal | None  # None for placeholders
    unit: str | None = None  # '元' when the cell printed 元 (the template asks for 万元)

    @property
    def digits_only(self) -> bool:
        return self.kind == "number" and self.text.isdigit()


def _parse(num: str) -> int | Decimal:
    num = num.replace(",", "")
    return Decimal(num) if "." in num else int(num)


def tokenize(text: str, start: int, end: int, masked: list[tuple[int, int]] = ()) -> list[Token]:
    """Tokens in text[start:end], skipping any that overlap a masked span (header labels)."""
    out: list[Token] = []
    for m in TOKEN_RE.finditer(text, start, end):
        s, e = m.span()
        if any(s < me and ms < e for ms, me in masked):
            continue
        if m.group("ph"):
            out.append(Token(s, e, m.group(), "placeholder", None))
            continue
        num = m.group("num")
        unit = (m.group("unit") or "").strip() or None
        ne = m.start("num") + len(num)
        out.append(Token(s, ne, num, "number", _parse(num), "元" if unit == "元" else None))
    return out


@dataclass(frozen=True)
class CellSlot:
    """A visible cell of a separated row: its span and token (None if the cell is empty)."""

    start: int
    end: int
    token: Token | None


def explicit_cells(text: str, start: int, end: int, tokens: list[Token], n: int,
                   after_label: bool = False) -> list[CellSlot] | None:
    """The n cells of a row printed on one line with tab or pipe separators, where empty cells are
    visible as empty separators. `after_label`: `start` is the end of the row's label, so the
    text before the first separator is the rest of the label's cell. Leading cells holding label
    text are dropped. A tab row exactly n cells wide is read as printed; otherwise trailing empty
    cells are dropped, as mangled rows pad with them (`| 6 | 6 |||||`, `21\t…\t21\t\t`).
    Leading empty cells count as far as the row is n cells wide; more are fillers of a label
    spanning several columns. None when the row is not laid out that way or its cells
    cannot be told apart from dropped ones (the caller then places the values by the rules)."""
    nl = text.find("\n", start, end)
    line_end = end if nl < 0 else nl
    line = text[start:line_end]
    sep = "\t" if "\t" in line else ("|" if "|" in line else None)
    if sep is None:
        return None
    slots: list[CellSlot] = []
    pos = start
    for i, part in enumerate(line.split(sep)):
        s, e = pos, pos + len(part)
        pos = e + 1
        inside = [t for t in tokens if s <= t.start and t.end <= e]
        if len(inside) > 1:
            return None
        stripped = part.strip()
        if inside:
            slots.append(CellSlot(s, e, inside[0]))
        elif not stripped:
            if not (i == 0 and after_label):
                slots.append(CellSlot(s, e, None))
        else:  # label text: only allowed before the first value
            if any(sl.token for sl in slots):
                return None
            slots = []
    if not any(sl.token for sl in slots) or any(t.start >= line_end for t in tokens
                                                 if t.start >= start):
        return None  # values continue on the next lines: not a one-line row
    if sep == "\t" and len(slots) == n:
        return slots  # a tab row exactly n cells wide: every cell is where it is printed
    while slots[-1].token is None:
        slots.pop()
    while len(slots) > n and slots[0].token is None:
        slots.pop(0)
    return slots if len(slots) == n else None
