"""What llm mode shows the model of a table, and how the rows it copies are found in the text."""

from __future__ import annotations

from extractor import template as tpl
from extractor.llm.extractor import nonzero_lines
from extractor.llm.locate import locate_numbers
from extractor.reader.layout import Span, find_sections, section_region
from tests.layouts import consistent_rows, report


def test_only_lines_with_a_number_other_than_zero_are_shown_with_their_label() -> None:
    rows = consistent_rows(new=[5, 0, 0, 0, 0, 0], granted=[5, 0, 0, 0, 0, 0],
                           not_held=[0] * 6)
    text = report(rows, "tab")
    region = section_region(text, find_sections(text), tpl.APPLICATIONS.section)
    assert region is not None
    shown = nonzero_lines(text, region)
    assert "本年新收" in shown and "予以公开" in shown
    # the 1. of 1.属于国家秘密 is numbering, not a cell: its row of zeros is left out
    assert "国家秘密" not in shown and "上年结转" not in shown
    wrapped = "(二)部分公开(区分处理的，只计这一情形，\n不计其他情形)\n9 0 0 0 0 0 9\n"
    assert nonzero_lines(wrapped, Span(0, len(wrapped))).startswith("(二)部分公开")


def test_a_copied_number_is_never_a_row_labels_numbering() -> None:
    text = "3.危及\t0\t0\n4.保护第三方合法权益\t1\t0\t0\t0\t0\t0\t1\n"
    span = locate_numbers("1", text)
    assert span is not None and text[span[0] - 2:span[0]] == "益\t"
    assert locate_numbers("1 0 0 0 0 0 1", text) == (text.index("\t1") + 1, len(text) - 1)
