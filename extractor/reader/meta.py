"""The header of a report: agency and year from the title, the printed date, the format."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import template as tpl

_S = r"[ \t]*"
# "<agency> 2023 年政府信息公开工作年度报告", the agency possibly on the line before.
TITLE_RE = re.compile(
    rf"(?P<agency>[^\n]*?){_S}(?P<year>(?:19|20)\d\d){_S}年{_S}度?{_S}(?:本\s*)?"
    rf"(?:政\s*府\s*)?(?:信\s*息\s*公\s*开|政\s*务\s*公\s*开)[^\n]{{0,12}}?年\s*度\s*报\s*告"
)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "○": 0}
_DATE_NUM = r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
_CN = "[一二三四五六七八九十]{1,3}"
_DATE_CN = (rf"(?P<cy>[〇零○O一二三四五六七八九]{{4}})\s*年\s*(?P<cm>{_CN})\s*月"
            rf"\s*(?P<cd>{_CN})\s*日")
# A date alone on its line (possibly bracketed): the report's own date, not a date in prose.
DATE_LINE_RE = re.compile(rf"(?m)^[ \t(（]*(?:{_DATE_NUM}|{_DATE_CN})[ \t)）]*$")


@dataclass(frozen=True)
class Found:
    value: object
    start: int
    end: int


def _cn_number(s: str) -> int:
    if len(s) == 4 and "十" not in s:  # year: digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[s]


def find_title(text: str, limit: int = 800) -> tuple[Found | None, Found | None]:
    """(agency, year) from the title near the top of the report."""
    m = TITLE_RE.search(text, 0, min(len(text), limit))
    if not m:
        return None, None
    year = Found(int(m.group("year")), m.start("year"), m.end("year"))
    agency_text = m.group("agency").strip(" \t#*")
    a_start = m.start("agency") + (len(m.group("agency")) - len(m.group("agency").lstrip(" \t#*")))
    if not agency_text:  # the agency is on the line(s) above the title
        before = text[: m.start()].rstrip("\n")
        line_start = before.rfind("\n") + 1
        line = before[line_start:]
        agency_text = line.strip(" \t#*")
        a_start = line_start + (len(line) - len(line.lstrip(" \t#*")))
    if not agency_text or len(agency_text) > 40 or re.search(r"\d", agency_text):
        return None, year
    return Found(agency_text, a_start, a_start + len(agency_text)), year


def find_published(text: str) -> Found | None:
    """The date printed on the report: a date alone on a line near the top or at the end."""
    lines_top = text[:600]
    tail_from = max(0, len(text) - 400)
    for m in DATE_LINE_RE.finditer(text):
        if not (m.start() < len(lines_top) or m.start() >= tail_from):
            continue
        try:
            if m.group("y"):
                d = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            else:
                d = dt.date(_cn_number(m.group("cy")), _cn_number(m.group("cm")),
                            _cn_number(m.group("cd")))
        except (ValueError, KeyError):
            continue
        s, e = (m.start("y"), m.end("d")) if m.group("y") else (m.start("cy"), m.end("cd"))
        return Found(d, s, e)
    return None


def detect_format(text: str, start: int, end: int, year: int | None) -> tpl.Format:
    """2019 when table 二 prints the 2019 form's column words, else 2021 (reports for 2019 and
    2020 default to the old form when table 二 cannot tell)."""
    region = re.sub(r"\s+", "", text[start:end])
    hits = {t.formats[0]: sum(m in region for m in t.markers)
            for t in (tpl.ACTIVE, tpl.ACTIVE_2019)}
    if hits["2019"] > hits["2021"]:
        return "2019"
    if hits["2021"] > hits["2019"]:
        return "2021"
    return "2019" if year is not None and year <= 2020 else "2021"
