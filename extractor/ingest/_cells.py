"""Joining the lines of one table cell, shared by the HTML and DOCX readers."""

from __future__ import annotations

import unicodedata


def join_cell_lines(lines: list[str]) -> str:
    """The lines inside one cell as one line.

    Between two wide (CJK) characters the break is dropped, as a browser or Word wraps them
    ('商业' + '企业' → '商业企业'); anywhere else it becomes a space, so that two numbers never
    fuse into one ('12' + '34' must not become 1234).
    """
    out = ""
    for line in lines:
        line = " ".join(line.split())
        if not line:
            continue
        if out:
            out += "" if _wide(out[-1]) and _wide(line[0]) else " "
        out += line
    return out


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and not ch.isdigit()
