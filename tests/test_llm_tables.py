"""What llm mode shows the model of a table, and how the rows it copies are found in the text."""

from __future__ import annotations

import re

from pydantic import BaseModel

from extractor import template as tpl
from extractor.extraction import Extraction
from extractor.llm.client import Completion
from extractor.llm.extractor import LLMExtractor, _chunks, shown_rows, shown_text
from extractor.llm.locate import locate_numbers
from extractor.llm.prompts import Prompt
from extractor.reader.layout import Span, find_sections, section_region
from tests.layouts import consistent_rows, report


def test_only_lines_with_a_number_other_than_zero_are_shown_with_their_label() -> None:
    rows = consistent_rows(new=[5, 0, 0, 0, 0, 0], granted=[5, 0, 0, 0, 0, 0],
                           not_held=[0] * 6)
    text = report(rows, "tab")
    region = section_region(text, find_sections(text), tpl.APPLICATIONS.section)
    assert region is not None
    shown = shown_text(text, shown_rows(text, region))
    assert "本年新收" in shown and "予以公开" in shown
    # the 1. of 1.属于国家秘密 is numbering, not a cell: its row of zeros is left out
    assert "国家秘密" not in shown and "上年结转" not in shown
    wrapped = "(二)部分公开(区分处理的，只计这一情形，\n不计其他情形)\n9 0 0 0 0 0 9\n"
    rows = shown_rows(wrapped, Span(0, len(wrapped)))
    assert shown_text(wrapped, rows).startswith("(二)部分公开")


def test_a_copied_number_is_never_a_row_labels_numbering() -> None:
    text = "3.危及\t0\t0\n4.保护第三方合法权益\t1\t0\t0\t0\t0\t0\t1\n"
    span = locate_numbers("1", text)
    assert span is not None and text[span[0] - 2:span[0]] == "益\t"
    assert locate_numbers("1 0 0 0 0 0 1", text) == (text.index("\t1") + 1, len(text) - 1)


class FirstRowCopier:
    """A scripted stand-in for a model that stops early: it copies the numbers of the first row
    it is shown and no more (not a reply of the model: it tests what llm mode does next)."""

    model = "first-row-copier"

    def __init__(self) -> None:
        self.shown: list[str] = []

    def complete(self, prompt: Prompt, messages: list[dict[str, str]],
                 response_model: type[BaseModel], report: str = "") -> Completion:
        shown = messages[-1]["content"].split("Text:\n", 1)[1]
        self.shown.append(shown)
        first = next(line for line in shown.splitlines() if re.search(r"\t\d", line))
        numbers = " ".join(re.findall(r"(?<=\t)\d+", first))
        return Completion(response_model.model_validate({"rows": [numbers]}))


def test_rows_the_model_skipped_are_asked_once_more_alone() -> None:
    rows = consistent_rows(new=[5, 0, 0, 0, 0, 0], granted=[3, 0, 0, 0, 0, 0],
                           not_held=[2, 0, 0, 0, 0, 0])
    text = report(rows, "tab")
    region = section_region(text, find_sections(text), tpl.APPLICATIONS.section)
    assert region is not None
    copier, ex = FirstRowCopier(), Extraction()
    read = LLMExtractor(copier).read_table(text, region, tpl.APPLICATIONS, ex)
    first, again = copier.shown  # one question for the table, one for what it skipped
    assert "本年新收" in first and "总计" in first
    assert "本年新收" not in again and "予以公开" in again and "总计" in again
    assert ex.fields["applications.new.total"] == 5
    assert ex.fields["applications.granted.total"] == 3  # read in the second question
    assert {"new", "granted"} <= read and "total" not in read  # never copied: left null
    assert ex.fields.get("applications.total.total") is None


def test_a_long_table_is_asked_in_even_parts() -> None:
    assert [len(c) for c in _chunks([Span(i, i + 1) for i in range(22)], 10)] == [8, 8, 6]
    assert [len(c) for c in _chunks([Span(0, 1)] * 10, 10)] == [10]
