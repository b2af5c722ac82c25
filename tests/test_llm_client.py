"""Transport retries, validation re-asks and clear errors, against a local fake endpoint."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from extractor.llm.answers import HeaderAnswer
from extractor.llm.client import CachedClient, LLMError, OpenAICompatibleClient
from extractor.llm.prompts import load
from extractor.llm.store import LLMStore
from tests.fake_llm import Step, fake_endpoint

GOOD = json.dumps({"agency": "某某局", "year": 2023, "published": ""}, ensure_ascii=False)
PROMPT = load("header")
MESSAGES = PROMPT.messages(text="某某局2023年政府信息公开工作年度报告")


def _client(url: str, **kw) -> OpenAICompatibleClient:
    return OpenAICompatibleClient(url, "fake", timeout=kw.pop("timeout", 5), **kw)


def test_success_and_messages_untouched() -> None:
    before = copy.deepcopy(MESSAGES)
    with fake_endpoint([Step(arguments=GOOD)]) as ep:
        done = _client(ep.base_url).complete(PROMPT, MESSAGES, HeaderAnswer)
    assert done.answer.year == 2023 and done.prompt_tokens == 11 and done.completion_tokens == 7
    assert MESSAGES == before
    assert ep.requests[0]["tool_choice"]["function"]["name"] == "HeaderAnswer"
    # the prompt file's cap: a small model can loop until its context is full
    assert ep.requests[0]["max_tokens"] == PROMPT.max_tokens == 80


def test_5xx_is_retried() -> None:
    with fake_endpoint([Step(status=500), Step(status=503), Step(arguments=GOOD)]) as ep:
        done = _client(ep.base_url).complete(PROMPT, MESSAGES, HeaderAnswer)
    assert done.answer.agency == "某某局" and len(ep.requests) == 3


def test_429_honours_retry_after() -> None:
    with fake_endpoint([Step(status=429, headers={"Retry-After": "1"}),
                        Step(arguments=GOOD)]) as ep:
        _client(ep.base_url).complete(PROMPT, MESSAGES, HeaderAnswer)
    assert len(ep.requests) == 2 and ep.times[1] - ep.times[0] >= 0.95


def test_timeouts_exhaust_the_retries_into_a_clear_error() -> None:
    with fake_endpoint([Step(delay=1.5)] * 2) as ep:
        t0 = time.monotonic()
        with pytest.raises(LLMError, match=r"endpoint .* failed"):
            _client(ep.base_url, timeout=0.5, attempts=2).complete(PROMPT, MESSAGES,
                                                                   HeaderAnswer)
    assert len(ep.requests) == 2 and time.monotonic() - t0 < 10


def test_a_4xx_other_than_429_is_not_retried() -> None:
    with fake_endpoint([Step(status=400), Step(arguments=GOOD)]) as ep:
        with pytest.raises(LLMError):
            _client(ep.base_url).complete(PROMPT, MESSAGES, HeaderAnswer)
    assert len(ep.requests) == 1


@pytest.mark.parametrize("bad", ['{"agency": "某某局", "year": 20',  # truncated JSON
                                 "not json at all",  # invalid JSON
                                 '{"agency": "某某局", "year": "twenty"}'])  # violates the schema
def test_bad_answers_are_reasked_once_then_fail(bad: str) -> None:
    with fake_endpoint([Step(arguments=bad), Step(arguments=bad)]) as ep:
        with pytest.raises(LLMError, match="no valid HeaderAnswer"):
            _client(ep.base_url).complete(PROMPT, MESSAGES, HeaderAnswer)
    assert len(ep.requests) == 2  # one answer, one bounded re-ask


def test_a_bad_answer_then_a_good_one() -> None:
    before = copy.deepcopy(MESSAGES)
    with fake_endpoint([Step(arguments="{oops"), Step(arguments=GOOD)]) as ep:
        done = _client(ep.base_url).complete(PROMPT, MESSAGES, HeaderAnswer)
    assert done.answer.year == 2023 and MESSAGES == before
    assert len(ep.requests[1]["messages"]) > len(ep.requests[0]["messages"])  # the re-ask


def test_cache_and_log(tmp_path: Path) -> None:
    store = LLMStore(tmp_path / "llm.sqlite")
    with fake_endpoint([Step(arguments=GOOD)]) as ep:
        client = CachedClient(_client(ep.base_url), store)
        first = client.complete(PROMPT, MESSAGES, HeaderAnswer, "r.txt")
        second = client.complete(PROMPT, MESSAGES, HeaderAnswer, "r.txt")
    assert len(ep.requests) == 1 and not first.cached and second.cached
    assert second.answer.model_dump() == first.answer.model_dump()
    calls = store.recent()
    assert [c["outcome"] for c in calls] == ["cache", "ok"]
    assert calls[1]["prompt"] == PROMPT.version and calls[1]["report"] == "r.txt"
    assert calls[1]["prompt_tokens"] == 11 and "某某局" in calls[1]["response"]


def test_failures_are_logged(tmp_path: Path) -> None:
    store = LLMStore(tmp_path / "llm.sqlite")
    with fake_endpoint([Step(status=400)]) as ep:
        with pytest.raises(LLMError):
            CachedClient(_client(ep.base_url), store).complete(PROMPT, MESSAGES, HeaderAnswer)
    assert store.recent()[0]["outcome"] == "error"
