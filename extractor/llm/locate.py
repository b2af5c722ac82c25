"""Finding the words a model quotes in the report text, by characters (CJK-safe: Chinese has no
spaces to tokenise on, and models drop or add whitespace when they copy)."""

from __future__ import annotations

import re


def _pattern(quote: str) -> re.Pattern[str] | None:
    chars = [c for c in quote if not c.isspace()]
    if not chars:
        return None
    return re.compile(r"\s*".join(re.escape(c) for c in chars))


def locate(quote: str, text: str, start: int = 0, end: int | None = None,
           near: int | None = None) -> tuple[int, int] | None:
    """Span of `quote` in text[start:end], whitespace-insensitive. With several matches, the one
    closest to `near` (e.g. its row's label); None when the quote is not in the text."""
    rx = _pattern(quote)
    if rx is None:
        return None
    end = len(text) if end is None else end
    spans = [m.span() for m in rx.finditer(text, start, end)]
    if not spans:
        return None
    if near is None:
        return spans[0]
    return min(spans, key=lambda s: abs(s[0] - near))


_NUM = re.compile(r"[+\-]?\d+(?:\.\d+)?|[/\-—–×]|无")


def numbers_in(s: str) -> list[str]:
    return _NUM.findall(s)


def locate_numbers(copied: str, text: str, start: int = 0, end: int | None = None,
                   near: int | None = None) -> tuple[int, int] | None:
    """Span of a sequence of numbers a model copied ("6 6"), in the text, whatever separates them
    there (tabs, pipes, line breaks: `| 6 | 6 |`), each number whole (6 never matches 16)."""
    nums = numbers_in(copied)
    if not nums:
        return None
    sep = r"[\s|]*"
    # each number whole, and not a row label's numbering (the 1 of `1.属于国家秘密`)
    body = sep.join(rf"(?<![\d.]){re.escape(n)}(?![\d.]\d|\d|\s*[.．、](?!\d))" for n in nums)
    end = len(text) if end is None else end
    spans = [m.span() for m in re.finditer(body, text[start:end])]
    if not spans:
        return None
    spans = [(s + start, e + start) for s, e in spans]
    return spans[0] if near is None else min(spans, key=lambda s: abs(s[0] - near))
