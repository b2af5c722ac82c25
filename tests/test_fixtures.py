"""Acceptance: the hand-labelled reports extract with every field right, their genuine errors
come out as `source` flags, and nothing else is flagged as an error."""

from __future__ import annotations

import pytest

from extractor.fixtures import compare, load_cases
from extractor.pipeline import extract_file

CASES = load_cases()


def _ids(case):
    return case.id


@pytest.fixture(params=CASES, ids=_ids)
def case_and_result(request):
    case = request.param
    if not case.input.exists():
        pytest.skip(f"{case.input} not present (../shared beside the clone)")
    return case, extract_file(case.input)


def test_there_are_cases() -> None:
    assert len(CASES) >= 8


def test_every_field_right(case_and_result) -> None:
    case, result = case_and_result
    assert result.status in ("ok", "partial"), result.error
    wrong = compare(case, result)
    assert wrong == [], "\n".join(f"{m.field}: gold {m.gold!r} got {m.got!r}" for m in wrong)


def test_source_errors_flagged_and_nothing_else(case_and_result) -> None:
    case, result = case_and_result
    errors = [f for f in result.flags if f.severity == "error"]
    expected = {(e["rule"], frozenset(e["fields"])) for e in case.source_errors}
    got = {(f.rule, frozenset(f.fields)) for f in errors if f.kind == "source"}
    # every labelled source error is flagged as such, on the same fields
    for rule, fields in expected:
        assert (rule, fields) in got, (rule, sorted(fields), got)
    # no other error flags (extraction errors or source errors the label does not know)
    assert len(errors) == len(expected), [f.message for f in errors]
    assert all(f.kind == "source" for f in errors)
