"""Layouts that are files rather than text: a web page with rowspan/colspan tables saved as GBK,
and the official Word form (../shared/reports/template_2021.docx) filled in with python-docx."""

from __future__ import annotations

import html
import io

import docx
from docx.table import Table, _Cell, _Row

from .. import template as tpl
from ..fixtures import REPO
from . import tables as tb
from .layouts import BOILERPLATE_END, BOILERPLATE_TOP, Doc, Rendered, date_text, heading, intro
from .values import single_row_other

TEMPLATE_DOCX = REPO.parent / "shared" / "reports" / "template_2021.docx"


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{html.escape(text)}</td>"


class _Cells:
    """How zero cells of tables 三 and 四 print on this page: 0, empty, or '/'."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.kinds: dict[str, str] = {}

    def __call__(self, fid: str, text: str) -> str:
        if text != "0" or self.style == "0":
            return _td(text)
        self.kinds[fid] = "blank" if self.style == "" else "placeholder"
        return _td(self.style)


def html_tables(doc: Doc, cell: _Cells) -> tuple[str, str, str]:
    rows2 = []
    blocks = tb.active_blocks(doc.values, doc.fmt)
    width = max(len(b.header) for b in blocks)
    for b in blocks:
        rows2.append(_td(doc.label(b.title), colspan=width))
        span = width - len(b.header) + 1  # a single-value block spans the remaining columns
        rows2.append("".join(_td(h) for h in b.header[:-1]) + _td(b.header[-1], colspan=span))
        for r in b.rows:
            texts = r.texts()
            rows2.append(_td(r.label) + "".join(_td(t) for t in texts[:-1])
                         + _td(texts[-1], colspan=span))
    t2 = "".join(f"<tr>{r}</tr>" for r in rows2)

    app_rows = tb.application_rows(doc.values)
    n_results = sum(r.under_results for r in app_rows)
    group_size: dict[str, int] = {}
    current = None
    for r in app_rows:
        current = r.group or (current if r.in_group else None)
        if current:
            group_size[current] = group_size.get(current, 0) + 1
    cols = tpl.APPLICANT_COLUMNS
    head = (f"<tr>{_td(doc.label(tb.IDENTITY_NOTE), 3, 3)}{_td(tb.APPLICANT_HEADER, colspan=7)}"
            f"</tr><tr>{_td(cols[0].label, rowspan=2)}{_td(tb.ORGS_HEADER, colspan=5)}"
            f"{_td(cols[-1].label, rowspan=2)}</tr><tr>"
            + "".join(_td(c.label) for c in cols[1:6]) + "</tr>")
    body = []
    for r in app_rows:
        tds = _td(doc.label(r.top), rowspan=n_results) if r.top else ""
        if r.group:
            tds += _td(doc.label(r.group), rowspan=group_size[r.group])
        if r.in_group:
            tds += _td(doc.label(r.label))
        else:
            tds += _td(doc.label(r.label), colspan=2 if r.under_results else 3)
        tds += "".join(cell(f, t) for f, t in zip(r.fids, r.texts(), strict=True))
        body.append(f"<tr>{tds}</tr>")
    t3 = head + "".join(body)

    first, second, third = tb.review_header()
    t4 = (f"<tr>{_td(first[0], colspan=5)}{_td(first[5], colspan=10)}</tr><tr>"
          + "".join(_td(w, rowspan=2) for w in second[:5])
          + _td(second[5], colspan=5) + _td(second[10], colspan=5) + "</tr><tr>"
          + "".join(_td(w) for w in third[5:]) + "</tr><tr>"
          + "".join(cell(f, t) for f, t in zip(tb.review_fids(), tb.review_texts(doc.values),
                                                strict=True)) + "</tr>")
    return t2, t3, t4


def render_html_gbk(doc: Doc) -> Rendered:
    """A government web page: site chrome, <table>s with rowspan/colspan, saved as GBK."""
    rng = doc.rng
    doc.label = tb.Label(full_width=rng.random() < 0.7)
    cell = _Cells(rng.choice(["0", "0", "0", "", "/"]))
    t2, t3, t4 = html_tables(doc, cell)
    nar = doc.narrative
    agency, year = doc.values["meta.agency"], doc.values["meta.year"]
    charset = rng.choice(["gbk", "gb2312", "GBK"])

    def p(text: str) -> str:
        return f"<p>{html.escape(text)}</p>"

    def section(sid: str, inner: str) -> str:
        return f"<p><strong>{heading(sid)}</strong></p>{inner}"

    def table(rows: str) -> str:
        return f'<table border="1" cellspacing="0">{rows}</table>'

    date = date_text(doc)
    parts = [
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        f'charset={charset}"><title>{html.escape(agency)}{year}年政府信息公开工作年度报告</title>'
        "<script>var _hmt = _hmt || [];</script></head><body>",
        f'<div class="nav">{html.escape(BOILERPLATE_TOP[0])}</div>',
        f"<h1>{html.escape(agency)}{year}年政府信息公开工作年度报告</h1>",
        p(f"({date})") if date else "",
        '<div class="content">', p(intro(doc)),
        section("overview", "".join(map(p, nar.overview))),
        section("active", table(t2)), section("applications", table(t3)),
        section("review", table(t4)),
        section("problems", "".join(map(p, nar.problems))),
        section("other", "".join(map(p, nar.other))), "</div>",
        f"<div>{html.escape(rng.choice(BOILERPLATE_END))}</div></body></html>",
    ]
    notes = [f"zero cells of tables 三/四 printed as {cell.style or 'empty'!r}"]
    return Rendered("\n".join(parts).encode("gbk"), ".html", cell.kinds, notes)


def _tcs(table: Table, row: _Row) -> list[_Cell]:
    return [_Cell(tc, table) for tc in row._tr.tc_lst]


def render_docx(doc: Doc) -> Rendered:
    """The official 2021 Word form with every cell filled in (its （六） has three sub-rows: the
    generator spells out a single-row （六） before choosing this layout)."""
    if doc.fmt != "2021" or single_row_other(doc.values):
        raise ValueError("the Word form is the 2021 form with （六） in three sub-rows")
    d = docx.Document(str(TEMPLATE_DOCX))
    paragraphs = d.paragraphs
    title = next(p for p in paragraphs if "年度报告" in p.text)
    title.text = f"{doc.values['meta.agency']}{doc.values['meta.year']}年政府信息公开工作年度报告"
    after = paragraphs[paragraphs.index(title) + 1]
    date = date_text(doc)
    after.text = f"({date})" if date else ""
    prose = iter([doc.narrative.overview, doc.narrative.problems, doc.narrative.other])
    for p in paragraphs:
        if p.text.startswith("（文字描述"):
            p.text = "\n".join(next(prose))
    t2, t3, t4 = d.tables
    # The physical cells of each row (python-docx's row.cells resolves merges through the XML
    # on every call, seconds per document): labels first, then one cell per value.
    grid2 = [_tcs(t2, row) for row in t2.rows]
    for r in (r for b in tb.active_blocks(doc.values, "2021") for r in b.rows):
        cells = next(c for c in grid2 if c[0].text.strip() == r.label)
        for i, text in enumerate(r.texts()):
            cells[1 + i].text = text
    app_rows = tb.application_rows(doc.values)
    grid3 = [_tcs(t3, row) for row in t3.rows[3:]]
    if len(grid3) != len(app_rows):
        raise ValueError("template_2021.docx: table 三 does not have the template's rows")
    for r, cells in zip(app_rows, grid3, strict=True):
        if not tpl.anchor_regex(tpl.APPLICATIONS.row(r.row_id).keys).search(cells[-8].text):
            raise ValueError(f"template_2021.docx: row {cells[-8].text!r} is not {r.label}")
        for cell, text in zip(cells[-7:], r.texts(), strict=True):
            cell.text = text
    for cell, text in zip(_tcs(t4, t4.rows[3]), tb.review_texts(doc.values), strict=True):
        cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    return Rendered(buf.getvalue(), ".docx")
