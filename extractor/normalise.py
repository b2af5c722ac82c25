"""Text normalisation that keeps an exact map back to the original characters.

Every value the extractor reports must be traceable to the characters of the source, so each
character of the normalised text records the span of the original it came from. What changes:

- full-width ASCII U+FF01–U+FF5E → ASCII ('１２' → '12', '（' → '(', '：' → ':'), U+3000 and the
  other Unicode spaces (NBSP, U+2000–U+200A, …) → ' '. No general NFKC: it turns ① into 1 and
  would invent digits. Only Kangxi radicals and CJK compatibility ideographs (which broken PDF
  fonts emit for ordinary characters, '⼀' for '一') get their NFKC form, one character each.
- CRLF, CR, VT, FF, U+2028/U+2029 → LF.
- zero-width and other invisible format characters, and control characters other than TAB and
  line breaks, are removed.
- runs of spaces → one space; spaces at the end of a line or next to a TAB (cell padding)
  removed. TABs (table cell separators) and line breaks are kept.
- lines that are only web-page chrome (BOILERPLATE_PATTERNS) or a PDF page marker
  (PAGE_MARKER_PATTERNS) are removed with their line break. A line that is a bare number is a
  table cell in PDF text and is never removed.
- more than two consecutive blank lines → two.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass, field

# Lines that are only web-page chrome. Each entry matches one widget; a line made only of such
# widgets (and separators) is dropped. Matched after the full-width → ASCII step, so write ':'
# and '()' in ASCII. Dates and sources ('来源:…', '发布时间:…') are content: keep them out.
BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"(?:(?:手机)?扫一扫|扫描二维码)?在手机(?:上)?(?:打开|浏览|查看)(?:当前|本|此)页(?:面)?",
    r"(?:手机)?扫一扫|扫描二维码(?:分享)?",
    r"打印本页|打印此页|打印页面|我要打印|打印",
    r"关闭窗口|关闭本页|关闭页面|关闭",
    r"返回顶部|回到顶部|返回",
    r"加入收藏|收藏本页|收藏",
    r"分享到?:?(?: ?(?:微信|微博|新浪微博|腾讯微博|QQ空间|QQ|朋友圈|豆瓣|人人网))*",
    r"字[体号] ?:? ?[\[【(]?大[\]】)]? ?[\[【(]?中[\]】)]? ?[\[【(]?小[\]】)]?",
    r"(?:浏览|阅读|点击|访问)(?:次数|量) ?:? ?\d*(?: ?次)?",
    r"(?:当前|您的|你的|您现在的)位置 ?:.*",
)

# A PDF page number on a line of its own. Bare numbers ('3') are never page markers here.
PAGE_MARKER_PATTERNS: tuple[str, ...] = (
    r"[-–—―~]{1,2} ?\d{1,4} ?[-–—―~]{1,2}",  # - 3 -   — 3 —   -3-
    r"第 ?\d{1,4} ?页(?: ?[,/]? ?共 ?\d{1,4} ?页)?",  # 第 3 页   第3页 共5页
    r"共 ?\d{1,4} ?页 ?[,/]? ?第 ?\d{1,4} ?页",  # 共5页 第3页
    r"(?i:page) ?\d{1,4}(?: ?(?:of|/) ?\d{1,4})?",  # Page 3   Page 3 of 5
    r"(?P<page>\d{1,4}) ?/ ?(?P<pages>\d{1,4})",  # 3/5, only when 3 ≤ 5
)

_SEP = r"[\s|/·•]*"
_BOILERPLATE_LINE = re.compile(
    rf"{_SEP}(?:[\[【(<]? ?(?:{'|'.join(BOILERPLATE_PATTERNS)}) ?[\]】)>]?{_SEP})+"
)
_PAGE_MARKERS = tuple(re.compile(p) for p in PAGE_MARKER_PATTERNS)
_MAX_JUNK_LINE = 120  # longer lines are content; also bounds the regex work per line

_LINE = re.compile(
    r"([^\r\n\v\f\x1c-\x1e\x85\u2028\u2029]*)(\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]|\Z)"
)


def _one_to_one_table() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    for cp in (0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[cp] = " "
    for lo, hi in ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF)):
        for cp in range(lo, hi + 1):
            nfkc = unicodedata.normalize("NFKC", chr(cp))
            if len(nfkc) == 1 and nfkc != chr(cp):
                table[cp] = nfkc
    return table


# Substitutions that keep the length, so every index still matches. A regex finds them: faster
# than str.translate with a large table on mostly-unchanged CJK text.
_ONE_TO_ONE = {chr(cp): ch for cp, ch in _one_to_one_table().items()}
_ONE_TO_ONE_RE = re.compile("[" + "".join(map(re.escape, sorted(_ONE_TO_ONE))) + "]")

# Removed outright: invisible format characters and controls other than TAB / line breaks.
_DELETE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f\x80-\x84\x86-\x9f\xad"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffe\uffff]"
)


# What _clean_line has work for: a space run, a space next to a TAB or at the end, a deletion.
_SLOW_PATH = re.compile(rf"  | \t|\t | $|{_DELETE.pattern}")


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text with, for each of its characters, the original span it came from.

    `starts[i]`/`ends[i]`: the original span of normalised character i (a collapsed run of
    spaces or a CRLF spans several). `starts` has one more entry, len(original), so that an
    empty span at the very end maps too.
    """

    text: str
    original: str = field(repr=False)
    starts: array = field(repr=False, compare=False)  # array('i'), len(text) + 1
    ends: array = field(repr=False, compare=False)  # array('i'), len(text)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of `original` that normalised span [start, end) came from (end exclusive).

        An empty span maps to an empty span at the original position of `start`.
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span ({start}, {end}) outside 0..{len(self.text)}")
        if start == end:
            pos = self.starts[start]
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> NormalisedText:
    """Normalise `text` (see the module doc); the result maps every span back to `text`."""
    t = _ONE_TO_ONE_RE.sub(lambda m: _ONE_TO_ONE[m.group()], text)  # same length as text
    pieces: list[str] = []
    starts: list[int] = []  # lists while building (extend(range) is fast), arrays at the end
    ends: list[int] = []
    blank_run = 0
    end_of_text = len(t)
    for m in _LINE.finditer(t):
        a, b = m.span(1)
        c = m.end(2)
        if a == c == end_of_text:  # the empty match after the last line
            break
        line, line_starts, line_ends = _clean_line(t, a, b)
        if line and _is_junk(line):
            continue
        if not line:
            blank_run += 1
            if blank_run > 2:
                continue
        else:
            blank_run = 0
        pieces.append(line)
        starts.extend(line_starts)
        ends.extend(line_ends)
        if c > b:
            pieces.append("\n")
            starts.append(b)
            ends.append(c)
    starts.append(len(text))
    return NormalisedText(
        text="".join(pieces), original=text, starts=array("i", starts), ends=array("i", ends)
    )


def _clean_line(t: str, a: int, b: int) -> tuple[str, range | list[int], range | list[int]]:
    """Line t[a:b] without invisible characters, space runs or trailing spaces, with the
    original span of each remaining character."""
    seg = t[a:b]
    if not _SLOW_PATH.search(seg):
        return seg, range(a, b), range(a + 1, b + 1)  # the common case: nothing to do
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i in range(a, b):
        ch = t[i]
        if _DELETE.match(ch):
            continue
        if ch == " " and chars and chars[-1] in " \t":
            if chars[-1] == " ":
                ends[-1] = i + 1  # one space stands for the whole run
            continue  # a space after a TAB is cell padding
        if ch == "\t" and chars and chars[-1] == " ":
            chars[-1], starts[-1], ends[-1] = ch, i, i + 1  # so is a space before a TAB
            continue
        chars.append(ch)
        starts.append(i)
        ends.append(i + 1)
    while chars and chars[-1] == " ":
        chars.pop()
        starts.pop()
        ends.pop()
    return "".join(chars), starts, ends


def _is_junk(line: str) -> bool:
    if len(line) > _MAX_JUNK_LINE:
        return False
    s = line.strip()
    if not s:
        return False
    if _BOILERPLATE_LINE.fullmatch(s):
        return True
    for pattern in _PAGE_MARKERS:
        m = pattern.fullmatch(s)
        if m and (pattern.groups == 0 or int(m["page"]) <= int(m["pages"])):
            return True
    return False
