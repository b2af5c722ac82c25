"""The LLM modes on replies recorded from the real bundled model (scripts/record_replies.py):
fast, deterministic, and the model's own words, not invented ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.extractors import get_extractor
from extractor.fixtures import compare, load_cases
from extractor.llm.client import ReplayClient
from extractor.llm.config import BUNDLED_MODEL_NAME
from extractor.pipeline import extract_file

REPLIES = Path(__file__).parent / "recordings" / "replies.jsonl"
CASES = {c.id: c for c in load_cases() if c.input.exists()}
pytestmark = pytest.mark.skipif(not CASES, reason="../shared not beside the clone")


@pytest.fixture(scope="module")
def client() -> ReplayClient:
    assert REPLIES.exists(), "record with `python scripts/record_replies.py`"
    return ReplayClient(REPLIES, BUNDLED_MODEL_NAME)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_hybrid_is_exact_and_asks_the_model_only_for_claims(client: ReplayClient,
                                                           case_id: str) -> None:
    case = CASES[case_id]
    r = extract_file(case.input, get_extractor("hybrid", client))
    assert r.status in ("ok", "partial"), r.error
    assert compare(case, r) == []
    # the reader read every table unambiguously or said so: the only call is the claims one
    assert r.usage.get("calls", 0) <= 1
    assert not [f for f in r.flags if f.rule == "llm"], "a reply was missing: re-record"
    errors = {(f.rule, frozenset(f.fields)) for f in r.flags if f.severity == "error"}
    assert errors == {(e["rule"], frozenset(e["fields"])) for e in case.source_errors}


@pytest.mark.parametrize(("case_id", "total", "parts_sum", "approximate"),
                         [("seed_000", "355", "417", False), ("seed_004", "271", "273", True)])
def test_narrative_mismatches_are_flagged_with_both_quotes(
        client: ReplayClient, case_id: str, total: str, parts_sum: str, approximate: bool) -> None:
    r = extract_file(CASES[case_id].input, get_extractor("hybrid", client))
    r6 = [f for f in r.flags if f.rule == "R6" and f.found == total]
    assert len(r6) == 1, [f.message for f in r.flags]
    f = r6[0]
    assert f.expected == parts_sum and f.severity == "warning" and f.kind == "source"
    assert total in f.quotes[0] and len(f.quotes) > 2
    assert ("余" in f.message) == approximate
    for q in f.quotes:  # every quote is the report's own words
        assert q.replace(" ", "") in r.text.replace(" ", "").replace("\n", "")


def test_llm_mode_asks_again_for_the_row_the_model_left_out(client: ReplayClient) -> None:
    """seed_000: the model copies table 三 but stops before (七) 总计; asked again for that row
    alone, it copies it, and the report reads exactly."""
    case = CASES["seed_000"]
    r = extract_file(case.input, get_extractor("llm", client))
    assert compare(case, r) == []
    assert r.extractors["applications.total.total"] == "llm"
    assert r.usage["calls"] == 5  # header, 二, 三, 三 again, claims


@pytest.mark.parametrize("case_id", ["seed_003", "seed_004"])
def test_llm_mode_never_errs_silently(client: ReplayClient, case_id: str) -> None:
    """Reading alone, the 1.5B model copies the rows that print numbers, with a few slips (a row
    copied cell by cell, or one number of `6 | 6`, or the last row left out); every value it gets
    wrong or leaves out must carry a flag, and nothing it gives is trusted without evidence."""
    case = CASES[case_id]
    r = extract_file(case.input, get_extractor("llm", client))
    flagged = {f for fl in r.flags for f in fl.fields}
    wrong = compare(case, r)
    assert wrong, "the recorded model reads some fields wrong: this test guards their flags"
    assert len(wrong) <= 10, wrong  # of 226 fields (30 % right when it named rows by label)
    assert [m for m in wrong if m.field not in flagged] == []
    by = set(r.extractors.values())
    assert by == {"llm", "template"}  # rows of zeros, not shown to the model, are the reader's
    assert r.extractors["applications.new.natural_person"] == "llm"
    for fid, ev in r.evidence.items():  # whatever has evidence is grounded in the text
        assert r.text[ev.start:ev.end] == ev.text, fid
