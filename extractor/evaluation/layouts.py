"""Layouts: the same values printed the ways real reports print them.

Each layout renders a `Doc` (gold values + prose) to the bytes of an input file and says which
zero cells it printed blank or as a placeholder (the label's `cells`). Text layouts live here;
HTML and DOCX in `files`. Every choice a layout makes comes from the doc's own random generator,
so a case is a function of the seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import template as tpl
from . import tables as tb
from .narrative import Narrative

FULL_WIDTH = str.maketrans("0123456789().:,/+-", "０１２３４５６７８９（）．：，／＋－")
BOILERPLATE_TOP = ("当前位置：首页 > 政务公开 > 政府信息公开年报", "字号：[大][中][小]",
                   "扫一扫在手机打开当前页")
BOILERPLATE_END = ("打印本页 关闭窗口", "扫一扫在手机打开当前页", "【打印】【关闭】")
SPAM_WORDS = ("雷速体育", "雷速直播", "澳门新葡京", "开云体育", "皇冠足球比分")
SPAM_LINES = ("澳门新葡京官网 www.8888xpj.com 注册即送88元", "开云体育app下载 官方网站",
              "皇冠足球比分 即时比分 雷速直播")


@dataclass
class Doc:
    values: dict[str, Any]  # typed gold values: what the report prints
    narrative: Narrative
    rng: random.Random
    label: tb.Label = field(default_factory=tb.Label)

    @property
    def fmt(self) -> tpl.Format:
        return self.values["meta.template"]


@dataclass
class Rendered:
    data: bytes
    suffix: str
    cells: dict[str, str] = field(default_factory=dict)  # field id → "blank" | "placeholder"
    notes: list[str] = field(default_factory=list)


# --- the report around the tables ------------------------------------------------------------

def title_lines(doc: Doc, spaced: bool = False) -> list[str]:
    agency, year = doc.values["meta.agency"], doc.values["meta.year"]
    style = doc.rng.randrange(3)
    if style == 0:
        lines = [f"{agency}{year}年政府信息公开工作年度报告"]
    elif style == 1:
        lines = [agency, f"{year}年政府信息公开工作年度报告"]
    else:
        lines = [f"{agency} {year} 年政府信息公开工作 年度报告"]
    if spaced:
        lines = [" ".join(line) if len(line) < 30 else line for line in lines]
    return lines


def date_text(doc: Doc) -> str | None:
    d = doc.values.get("meta.published")
    return None if d is None else f"{d.year}年{d.month}月{d.day}日"


def intro(doc: Doc) -> str:
    y = doc.values["meta.year"]
    return (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）编制。本报告所列数据"
            f"的统计期限自{y}年1月1日起至{y}年12月31日止。")


def heading(section_id: str) -> str:
    s = next(s for s in tpl.SECTIONS if s.id == section_id)
    return f"{s.number}、{s.label}"


def assemble(doc: Doc, t2: list[str], t3: list[str], t4: list[str], *,
             heading_prefix: str = "", top: Iterable[str] = (), bottom: Iterable[str] = (),
             prose: Callable[[str], str] = lambda p: p, blank_lines: bool = True) -> str:
    """The report text: title, date, prose of 一, the three tables, prose of 五 and 六."""
    nar = doc.narrative
    gap = [""] if blank_lines else []
    lines = [*top, *title_lines(doc)]
    date = date_text(doc)
    on_top = date is not None and doc.rng.random() < 0.6
    if on_top:
        lines.append(f"({date})")
    lines += [*gap, prose(intro(doc)), *gap]

    def section(sid: str, body: list[str]) -> None:
        lines.extend([heading_prefix + heading(sid), *gap, *body, *gap])

    section("overview", [prose(p) for p in nar.overview])
    section("active", t2)
    section("applications", t3)
    section("review", t4)
    section("problems", [prose(p) for p in nar.problems])
    section("other", [prose(p) for p in nar.other])
    if date is not None and not on_top:
        lines += [doc.values["meta.agency"], date]
    lines += list(bottom)
    return "\n".join(lines) + "\n"


# --- separated tables (tabs or pipes) ----------------------------------------------------------

def _pad(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


def active_grid(doc: Doc) -> list[list[str]]:
    blocks = tb.active_blocks(doc.values, doc.fmt)
    width = max(len(b.header) for b in blocks)
    grid: list[list[str]] = []
    for b in blocks:
        grid.append(_pad([doc.label(b.title)], width))
        grid.append(_pad([doc.label(h) for h in b.header], width))
        grid += [_pad([r.label, *r.texts()], width) for r in b.rows]
    return grid


APP_HEADER = [
    [tb.IDENTITY_NOTE, "", "", tb.APPLICANT_HEADER, "", "", "", "", "", ""],
    ["", "", "", tpl.APPLICANT_COLUMNS[0].label, tb.ORGS_HEADER, "", "", "", "",
     tpl.APPLICANT_COLUMNS[-1].label],
    ["", "", "", "", *(c.label for c in tpl.APPLICANT_COLUMNS[1:6]), ""],
]


def app_label_cells(doc: Doc, r: tb.AppRow) -> list[str]:
    """The three label cells of a row, as the official form's grid has them."""
    label = doc.label(r.label)
    if r.in_group:
        return [doc.label(r.top or ""), doc.label(r.group or ""), label]
    if r.under_results:
        return [doc.label(r.top or ""), label, ""]
    return [label, "", ""]


def app_grid(doc: Doc) -> list[tuple[tb.AppRow | None, list[str]]]:
    rows: list[tuple[tb.AppRow | None, list[str]]] = [(None, list(h)) for h in APP_HEADER]
    for r in tb.application_rows(doc.values):
        rows.append((r, [*app_label_cells(doc, r), *r.texts()]))
    return rows


def review_grid(doc: Doc) -> list[list[str]]:
    return [*map(list, tb.review_header()), tb.review_texts(doc.values)]


def shift(doc: Doc, cells: list[str]) -> list[str]:
    """Labels shifted as in copies of Word tables (seeds 000–003): a label one cell left (an
    empty label cell dropped) or right, trailing empty cells."""
    rng = doc.rng
    cells = list(cells)
    roll = rng.random()
    first_value = next((i for i, c in enumerate(cells) if c and c[0].isdigit()), len(cells))
    empties = [i for i in range(first_value) if not cells[i]]
    if roll < 0.3 and empties:
        del cells[rng.choice(empties)]
    elif roll < 0.45:
        cells.insert(0, "")
    if rng.random() < 0.3:
        cells += [""] * rng.randint(1, 2)
    return cells


def tab_tables(doc: Doc, shifted: bool = False) -> tuple[list[str], list[str], list[str]]:
    def line(cells: list[str]) -> str:
        return "\t".join(shift(doc, cells) if shifted else cells)

    t2 = [line(c) for c in active_grid(doc)]
    t3 = [line(c) for _, c in app_grid(doc)]
    t4 = [line(c) for c in review_grid(doc)]
    return t2, t3, t4


def render_tab(doc: Doc) -> Rendered:
    t2, t3, t4 = tab_tables(doc)
    return Rendered(assemble(doc, t2, t3, t4).encode(), ".txt")


def render_tab_shifted(doc: Doc) -> Rendered:
    t2, t3, t4 = tab_tables(doc, shifted=True)
    return Rendered(assemble(doc, t2, t3, t4).encode(), ".txt",
                    notes=["labels shifted by a cell, trailing empty cells"])


def render_fullwidth(doc: Doc) -> Rendered:
    """Full-width digits and brackets everywhere, cells padded with ideographic spaces."""
    doc.label = tb.Label(full_width=True, dot="、")
    t2, t3, t4 = tab_tables(doc)
    pad = [line.replace("\t", "\u3000\t") if doc.rng.random() < 0.3 else line for line in t3]
    text = assemble(doc, t2, pad, t4).translate(FULL_WIDTH)
    return Rendered(text.encode(), ".txt")


def render_form2019(doc: Doc) -> Rendered:
    """The 2019 form (table 二 of 国办公开办函〔2019〕60号, （六） as one row), tab-separated."""
    t2, t3, t4 = tab_tables(doc)
    return Rendered(assemble(doc, t2, t3, t4).encode(), ".txt")


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_pipe(doc: Doc) -> Rendered:
    """A Markdown pipe table with every cell, Markdown headings."""
    doc.label = tb.Label(full_width=doc.rng.random() < 0.5)
    grid2, grid3, grid4 = active_grid(doc), [c for _, c in app_grid(doc)], review_grid(doc)

    def table(grid: list[list[str]]) -> list[str]:
        width = max(len(r) for r in grid)
        lines = [_pipe(_pad(grid[0], width)), _pipe(["---"] * width)]
        return lines + [_pipe(_pad(r, width)) for r in grid[1:]]

    text = assemble(doc, table(grid2), table(grid3), table(grid4), heading_prefix="### ")
    return Rendered(text.encode(), ".md")


def render_pipe_dropped(doc: Doc) -> Rendered:
    """Seed 004's layout: a pipe table whose empty cells were dropped. In tables 三 and 四 zero
    cells are empty (only totals print a 0), so a row prints only its non-zero cells."""
    cells: dict[str, str] = {}

    def kept(fids: tuple[str, ...] | list[str], texts: list[str]) -> list[str]:
        out = []
        for fid, t in zip(fids, texts, strict=True):
            if t == "0" and not fid.endswith(".total"):
                cells[fid] = "blank"
            else:
                out.append(t)
        return out

    def line(parts: list[str]) -> str:
        return " | ".join(p for p in parts if p) + " |" + "|" * doc.rng.randint(0, 6)

    t2 = [line(c) for c in active_grid(doc)]
    t3 = [line(c) for c in APP_HEADER]
    for r in tb.application_rows(doc.values):
        t3.append(line([*app_label_cells(doc, r), *kept(r.fids, r.texts())]))
    t4 = [line(c) for c in tb.review_header()]
    t4.append(line(kept(tb.review_fids(), tb.review_texts(doc.values))))
    text = assemble(doc, t2, t3, t4, blank_lines=False)
    return Rendered(text.encode(), ".txt", cells,
                    notes=["empty cells dropped: zero cells of tables 三 and 四 printed empty"])


def render_web_noise(doc: Doc) -> Rendered:
    """A scraped web page: Markdown headings, tab tables, site chrome lines, spam inside prose
    and spam lines between paragraphs (seed 004)."""
    rng = doc.rng

    quote = (doc.narrative.mismatch or {}).get("quote", "")

    def spam(p: str) -> str:
        # anywhere, but not inside the words a label quotes (they are the report's own words)
        q = p.find(quote) if quote else -1
        spots = [i for i in range(len(p)) if q < 0 or not q < i < q + len(quote)]
        if rng.random() < 0.5:
            at = rng.choice(spots)
            p = p[:at] + ",".join(rng.sample(SPAM_WORDS, 2)) + p[at:]
        return p + ("\n" + rng.choice(SPAM_LINES) if rng.random() < 0.3 else "")

    t2, t3, t4 = tab_tables(doc, shifted=rng.random() < 0.5)
    text = assemble(doc, t2, t3, t4, heading_prefix="#### ", prose=spam,
                    top=rng.sample(BOILERPLATE_TOP, 2), bottom=rng.sample(BOILERPLATE_END, 2))
    return Rendered(text.encode(), ".txt", notes=["site chrome, spam words and lines in prose"])


# --- PDF-like text ---------------------------------------------------------------------------

def _vertical(text: str) -> list[str]:
    """A narrow merged cell in a PDF: one character per line (`三、` stays whole)."""
    head, _, rest = text.partition("、")
    return [head + "、", *rest] if rest else list(text)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def pdf_tables(doc: Doc, join: Callable[[list[str]], str]) -> tuple[list[str], list[str],
                                                                    list[str]]:
    """Tables as a PDF's text layer gives them: cells on one line split by spaces (or as `join`
    says), narrow group labels one character per line, long labels wrapped with their values on
    the next line, header words broken."""
    rng = doc.rng
    width = rng.choice([14, 16, 18])
    t2: list[str] = []
    for b in tb.active_blocks(doc.values, doc.fmt):
        t2 += [doc.label(b.title).replace("条第", "条 第"), " ".join(b.header)]
        t2 += [f"{r.label} {' '.join(r.texts())}" for r in b.rows]
    note = doc.label(tb.IDENTITY_NOTE)
    t3 = [*_wrap(note, 24), tb.APPLICANT_HEADER, tpl.APPLICANT_COLUMNS[0].label, tb.ORGS_HEADER,
          tpl.APPLICANT_COLUMNS[-1].label]
    for c in tpl.APPLICANT_COLUMNS[1:6]:
        t3 += _wrap(c.label, 3)
    for r in tb.application_rows(doc.values):
        if r.top:
            t3 += _vertical(r.top)
        if r.group:
            g = doc.label(r.group)
            t3 += [g[:4], g[4:]]
        label = doc.label(r.label)
        values = join(r.texts())
        if len(label) > width:
            t3 += [*_wrap(label, width), values]
        else:
            t3.append(f"{label} {values}")
    first, second, third = tb.review_header()
    t4 = [" ".join(w for w in first if w)]
    t4 += [piece for w in second + third if w for piece in _wrap(w, 2)]
    texts = tb.review_texts(doc.values)
    t4.append(" ".join(join(texts[i:i + 5]) for i in (0, 5, 10)))
    return t2, t3, t4


def _prose_lines(p: str) -> str:
    """A paragraph as a PDF prints it: lines of 30 characters."""
    return "\n".join(_wrap(p, 30))


def paginate(doc: Doc, text: str) -> str:
    """Page markers (`- 3 -`) every 25–40 lines, wherever they fall (inside tables too)."""
    out: list[str] = []
    page, next_break = 1, doc.rng.randint(3, 12)
    out.append(f"- {page} -")
    for i, line in enumerate(text.split("\n")):
        if i == next_break:
            page += 1
            out.append(f"- {page} -")
            next_break += doc.rng.randint(25, 40)
        out.append(line)
    return "\n".join(out)


def render_pdf_text(doc: Doc) -> Rendered:
    doc.label = tb.Label(full_width=True, dot=doc.rng.choice([".", "、"]))
    t2, t3, t4 = pdf_tables(doc, " ".join)
    text = paginate(doc, assemble(doc, t2, t3, t4, blank_lines=False, prose=_prose_lines))
    return Rendered(text.encode(), ".txt", notes=["PDF text layer: wrapped labels, page markers"])


def render_digits(doc: Doc) -> Rendered:
    """PDF text whose cells ran together: table 三 rows print `801000081` for 80,1,0,0,0,0,81;
    each group of table 四 is one run."""
    doc.label = tb.Label(full_width=True)
    t2, t3, t4 = pdf_tables(doc, "".join)
    text = paginate(doc, assemble(doc, t2, t3, t4, blank_lines=False, prose=_prose_lines))
    return Rendered(text.encode(), ".txt", notes=["cells of tables 三 and 四 run together"])
