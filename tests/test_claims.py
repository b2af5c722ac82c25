"""Locating narrative claims and the rule backstop for counts a model leaves out. The answers here
are hand-built inputs to the parsing code (what a model might omit), not model replies: the real
model's replies are replayed in tests/test_llm_replay.py and `make eval-ci`."""

from __future__ import annotations

from extractor.llm.answers import ClaimItem, ClaimsAnswer
from extractor.llm.claims import to_claims
from extractor.rules.narrative import check_claims

TEXT = ("(一)主动公开情况。全年通过门户网站主动公开政府信息34条,其中:工作动态9条,通知公告25条,"
        "政策解读16条。\n(二)依申请公开情况。共受理政府信息公开申请9件(含上年结转0件),其中:"
        "予以公开12件,不予处理7件,均在法定期限内予以答复。")


def _claims(items: list[ClaimItem]):
    return to_claims(ClaimsAnswer(claims=items), TEXT, 0, len(TEXT), "2021")


def test_parts_and_totals_the_answer_leaves_out_are_added_by_rule() -> None:
    claims = _claims([ClaimItem(quote="全年通过门户网站主动公开政府信息34条", number=34)])
    total = claims[0]
    assert (total.value, total.by) == (34, "llm")
    assert [(p.quote, p.value, p.by) for p in total.parts] == [
        ("工作动态9条", 9, "rule"), ("通知公告25条", 25, "rule"), ("政策解读16条", 16, "rule")]
    by_quote = {c.quote: c for c in claims}
    assert by_quote["共受理政府信息公开申请9件"].by == "rule"
    # a part larger than the total ends the list: it stands alone, tied to its table cell
    assert by_quote["予以公开12件"].cell == "applications.granted.total"
    flags = check_claims(claims, {"applications.granted.total": 2}, TEXT)
    assert {f.message.split(":")[0] for f in flags if f.rule == "R6"} >= {
        "the narrative total 34 disagrees with the sum of the 3 parts it lists after 其中"}
    assert any(f.fields == ["applications.granted.total"] for f in flags)


def test_the_same_words_claimed_twice_count_once() -> None:
    claims = _claims([ClaimItem(quote="全年通过门户网站主动公开政府信息34条", number=34),
                      ClaimItem(quote="全年通过门户网站主动公开政府信息", number=9)])
    assert [p.value for p in claims[0].parts] == [9, 25, 16]
    assert sum(c.quote.startswith("全年") for c in claims) == 1
