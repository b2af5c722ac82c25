"""Readings of a row: which printed token goes to which column.

A row of n cells may print n tokens (direct), fewer (empty cells dropped: `| 6 | 6 |`), or runs of
digits with no separators (`801000081` for 80,1,0,0,0,0,81). The candidates are every split and
placement; the table's identities (a row check such as rule 1, then the column rules across rows)
choose among them. Candidates come in prior order — no inference first, then the fewest dropped
cells placed leftmost — so that among equally valid readings the first is the most natural one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .tokens import Token

Value = int | Decimal


@dataclass(frozen=True)
class Cell:
    value: Value | None  # None for a blank or placeholder cell (read as 0 by the caller)
    token: Token | None  # the token it comes from (None: blank)
    start: int  # its span: the token, the part of a digit run, or an empty slot
    end: int
    inferred: bool  # placed or split by inference, not by a visible cell position


@dataclass(frozen=True)
class Reading:
    cells: tuple[Cell, ...]
    inferred: bool

    def values(self) -> tuple[Value, ...]:
        return tuple(0 if c.value is None else c.value for c in self.cells)


MAX_CANDIDATES = 20_000


def _splits(digits: str, parts: int) -> Iterator[list[str]]:
    """Ways to cut a run of digits into `parts` numbers without leading zeros."""
    if len(digits) < parts:  # fewer digits than numbers wanted: no way to cut it
        return
    if parts == 1:
        if digits == "0" or not digits.startswith("0"):
            yield [digits]
        return
    if digits.startswith("0"):
        heads = ["0"]
    else:
        heads = [digits[:i] for i in range(1, len(digits) - parts + 2)]
    for head in heads:
        for rest in _splits(digits[len(head):], parts - 1):
            yield [head, *rest]


def _token_cell(t: Token, inferred: bool) -> Cell:
    return Cell(t.value, t, t.start, t.end, inferred)


def _split_readings(tokens: Sequence[Token], n: int) -> Iterator[Reading]:
    """Every way to cut the digit runs among `tokens` so that exactly n numbers result."""
    extra = n - len(tokens)
    runs = [i for i, t in enumerate(tokens) if t.digits_only and len(t.text) > 1]
    if extra <= 0 or not runs:
        return
    # distribute `extra` additional parts over the runs
    for alloc in itertools.product(range(extra + 1), repeat=len(runs)):
        if sum(alloc) != extra:
            continue
        per_token: list[list[list[str]]] = []
        for i, t in enumerate(tokens):
            k = alloc[runs.index(i)] + 1 if i in runs else 1
            if k == 1:
                per_token.append([[t.text]])
            else:
                options = list(itertools.islice(_splits(t.text, k), MAX_CANDIDATES))
                if not options:
                    break
                per_token.append(options)
        else:
            for combo in itertools.product(*per_token):
                cells: list[Cell] = []
                for t, parts in zip(tokens, combo, strict=True):
                    if len(parts) == 1:
                        cells.append(_token_cell(t, False))
                        continue
                    pos = t.start
                    for p in parts:
                        cells.append(Cell(int(p), t, pos, pos + len(p), True))
                        pos += len(p)
                yield Reading(tuple(cells), True)


def _placements(tokens: Sequence[Token], n: int, blank_at: int) -> Iterator[Reading]:
    """Every order-preserving placement of the tokens into n cells, blanks elsewhere; placements
    that keep the tokens leftmost come first."""
    for pos in itertools.combinations(range(n), len(tokens)):
        cells: list[Cell] = []
        it = iter(tokens)
        for i in range(n):
            if i in pos:
                cells.append(_token_cell(next(it), True))
            else:
                cells.append(Cell(None, None, blank_at, blank_at, True))
        yield Reading(tuple(cells), True)


def candidates(tokens: Sequence[Token], n: int, blank_at: int,
               check: Callable[[tuple[Value, ...]], int] | None = None) -> list[Reading]:
    """Candidate readings of a row, best first. `check` counts the violations of the row's own
    identity (rule 1 or rule 4); when some candidates satisfy it, only those are kept."""
    if len(tokens) == n:
        return [Reading(tuple(_token_cell(t, False) for t in tokens), False)]
    if len(tokens) > n:  # more values than cells: keep the first n; the caller flags the rest
        return [Reading(tuple(_token_cell(t, False) for t in tokens[:n]), False)]
    pool = itertools.chain(_split_readings(tokens, n), _placements(tokens, n, blank_at))
    found = list(itertools.islice(pool, MAX_CANDIDATES))
    if check is None:
        return found
    good = [r for r in found if check(r.values()) == 0]
    return good or found


def distinct(readings: Sequence[Reading]) -> list[Reading]:
    """Readings that differ in values (placing a printed 0 or a blank differently is no
    difference that matters)."""
    seen: set[tuple[Value, ...]] = set()
    out: list[Reading] = []
    for r in readings:
        v = r.values()
        if v not in seen:
            seen.add(v)
            out.append(r)
    return out


Swap = Callable[[tuple[Value, ...]], tuple[Value, ...]]


def resolve(options: dict[str, list[Reading]],
            score: Callable[[dict[str, tuple[Value, ...]]], int],
            limit: int = 50_000, swaps: Sequence[Swap] = ()
            ) -> tuple[dict[str, Reading], list[dict[str, Reading]], list[str]]:
    """Choose one reading per row minimising `score` (violated identities across rows).
    Returns the choice, every choice found to tie with it (more than one: ambiguous), and the
    rows whose reading is unproven (beyond `limit` combinations rows are settled greedily, and
    several rows misplaced together can still satisfy every rule). Rows with a single reading
    are fixed.
    """
    fixed = {k: v[0] for k, v in options.items() if len(v) == 1}
    open_rows = [k for k, v in options.items() if len(v) > 1]
    if not open_rows:
        return fixed, [fixed], []

    def total(choice: dict[str, Reading]) -> int:
        return score({k: r.values() for k, r in choice.items()})

    n_combos = 1
    for k in open_rows:
        n_combos *= len(options[k])
    if n_combos <= limit:
        best: list[dict[str, Reading]] = []
        best_score: int | None = None
        for combo in itertools.product(*(options[k] for k in open_rows)):
            choice = {**fixed, **dict(zip(open_rows, combo, strict=True))}
            s = total(choice)
            if best_score is None or s < best_score:
                best_score, best = s, [choice]
            elif s == best_score:
                best.append(choice)
        return best[0], best, []
    choice = {**fixed, **{k: options[k][0] for k in open_rows}}
    for _ in range(2):  # coordinate descent: settle one row at a time given the others
        for k in open_rows:
            choice[k] = min(options[k], key=lambda r, k=k: total({**choice, k: r}))
    # Too many combinations to prove the choice unique. Look for equally good neighbours: one
    # row read otherwise, or the whole table with two columns swapped (dropped cells hide
    # which column a value came from in every row alike).
    best_score = total(choice)
    ties = [choice]
    for k in open_rows:
        for r in options[k]:
            if r is not choice[k] and total({**choice, k: r}) == best_score:
                ties.append({**choice, k: r})
    for swap in swaps:
        swapped: dict[str, Reading] = {}
        for k, r in choice.items():
            want = swap(r.values())
            match = next((o for o in options[k] if o.values() == want), None)
            if match is None:
                break
            swapped[k] = match
        else:
            if ({k: r.values() for k, r in swapped.items()}
                    != {k: r.values() for k, r in choice.items()}
                    and total(swapped) == best_score):
                ties.append(swapped)
    return choice, ties, open_rows
