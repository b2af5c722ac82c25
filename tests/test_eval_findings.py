"""Reader bugs the eval's generated layouts revealed, each as a minimal text; fixed, and kept as
regression tests."""

from __future__ import annotations

from extractor import template as tpl
from extractor.normalise import normalise
from extractor.reader import read
from tests.layouts import consistent_rows, report

APPS = tpl.APPLICATIONS
REVIEW = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
ROWS = consistent_rows(new=[6, 0, 0, 0, 0, 0], granted=[6, 0, 0, 0, 0, 0], not_held=[0] * 6)


def _with_review_line(line: str) -> str:
    text = report(ROWS, "tab", review=REVIEW)
    printed = "\t".join(map(str, REVIEW))
    assert printed in text
    return text.replace(printed, line)


def _review(text: str) -> list:
    ex = read(normalise(text).text)
    return [ex.fields[f] for f in tpl.REVIEW.field_ids()]


def test_markdown_delimiter_row_is_not_a_row_of_cells() -> None:
    text = _with_review_line("| " + " | ".join(["---"] * 15) + " |\n| "
                             + " | ".join(map(str, REVIEW)) + " |")
    assert _review(text) == REVIEW


def test_a_short_digit_run_does_not_crash_the_reader() -> None:
    # table 四 as PDF text with its cells run together, one cell of the last group lost
    ex = read(normalise(_with_review_line("10001 00000 0000")).text)
    assert ex.fields["review.total"] is not None


def test_dropped_cells_are_placed_right_or_flagged() -> None:
    # 法律服务机构 holds 2, 1, 1: every column of 法人或其他组织 satisfies every rule as well,
    # so the reading must be flagged ambiguous (it is, when fewer rows have several readings).
    rows = consistent_rows(new=[6, 0, 0, 0, 2, 0], granted=[3, 0, 0, 0, 1, 0],
                           not_held=[3, 0, 0, 0, 1, 0])
    ex = read(normalise(report(rows, "pipe_dropped")).text)
    got = [ex.fields[f] for f in APPS.row_field_ids(APPS.row("new"))]
    flagged = {f for fl in ex.flags if fl.rule == "ambiguous" for f in fl.fields}
    assert got == rows["new"] or "applications.new.legal_service" in flagged


def test_an_all_blank_review_table_reads_as_zeros() -> None:
    assert _review(_with_review_line("\t" * 14)) == [0] * 15
