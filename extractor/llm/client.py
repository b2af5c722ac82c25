"""LLM clients behind one small interface (like httpx transports): the OpenAI-compatible one
(instructor over the openai SDK; any endpoint), a caching wrapper that logs every call to SQLite,
and a replay client that serves replies recorded from the real model (tests).

Retries: tenacity retries transport failures only (timeouts, connection errors, 429 honouring
Retry-After, 5xx) with exponential backoff, jitter and a cap. Validation re-asks are instructor's,
separate and bounded. The caller's messages are copied per attempt, never mutated.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import instructor
import openai
from instructor.core.exceptions import InstructorError, InstructorRetryException
from pydantic import BaseModel
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from ..exceptions import ExtractorError
from .config import LLMConfig
from .prompts import Prompt
from .store import LLMStore

TRANSPORT_ATTEMPTS = 5
VALIDATION_REASKS = 1
MAX_WAIT_S = 30.0


class LLMError(ExtractorError):
    """The model could not give a valid answer (after retries); the message says what to do."""


@dataclass(frozen=True)
class Completion:
    answer: BaseModel
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    cached: bool = False
    raw: str = ""


class LLMClient(Protocol):
    model: str

    def complete(self, prompt: Prompt, messages: list[dict[str, str]],
                 response_model: type[BaseModel], report: str = "") -> Completion: ...


def cache_key(model: str, prompt: Prompt, messages: list[dict[str, str]],
              response_model: type[BaseModel]) -> tuple[str, str]:
    """(key, input hash): the same model, prompt version, input and answer shape give the same
    reply."""
    payload = json.dumps([messages, response_model.model_json_schema()], ensure_ascii=False,
                         sort_keys=True)
    input_hash = hashlib.sha256(payload.encode()).hexdigest()
    key = hashlib.sha256(f"{model}\n{prompt.version}\n{input_hash}".encode()).hexdigest()
    return key, input_hash


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def _wait(state: RetryCallState) -> float:
    """Retry-After when the server sends it (429), else exponential backoff with jitter."""
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, openai.APIStatusError):
        after = exc.response.headers.get("retry-after")
        if after:
            try:
                return min(float(after), MAX_WAIT_S)
            except ValueError:
                pass
    return wait_random_exponential(multiplier=0.5, max=MAX_WAIT_S)(state)


class OpenAICompatibleClient:
    """Any OpenAI-compatible endpoint: vLLM, Ollama, llama.cpp's server, a hosted API."""

    def __init__(self, base_url: str, model: str, api_key: str = "none", timeout: float = 300,
                 attempts: int = TRANSPORT_ATTEMPTS) -> None:
        self.model = model
        self.base_url = base_url
        self._openai = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout,
                                     max_retries=0)  # tenacity owns transport retries
        # TOOLS: the forced tool call is grammar-constrained by llama.cpp (JSON_SCHEMA is refused)
        self._client = instructor.from_openai(self._openai, mode=instructor.Mode.TOOLS)
        self._attempts = attempts

    def complete(self, prompt: Prompt, messages: list[dict[str, str]],
                 response_model: type[BaseModel], report: str = "") -> Completion:
        def call() -> Completion:
            t0 = time.perf_counter()
            try:
                answer, completion = self._client.chat.completions.create_with_completion(
                    model=self.model, messages=copy.deepcopy(messages),  # type: ignore[arg-type]
                    response_model=response_model, max_retries=VALIDATION_REASKS,
                    temperature=0, **({"max_tokens": prompt.max_tokens} if prompt.max_tokens
                                      else {}))
            except InstructorError as exc:
                # instructor wraps transport errors in its own; unwrap them so that tenacity,
                # not the validation re-ask, decides whether to try again
                if isinstance(exc.__cause__, openai.APIError):
                    raise exc.__cause__ from None
                raise
            usage = getattr(completion, "usage", None)
            return Completion(answer, getattr(usage, "prompt_tokens", 0) or 0,
                              getattr(usage, "completion_tokens", 0) or 0,
                              time.perf_counter() - t0, raw=answer.model_dump_json())

        retrying = Retrying(retry=retry_if_exception(_transient), wait=_wait,
                            stop=stop_after_attempt(self._attempts), reraise=True)
        try:
            return retrying(call)
        except openai.APIError as exc:
            raise LLMError(f"the LLM endpoint {self.base_url} failed: {exc}. Check that it is up "
                           "(EXTRACTOR_LLM_BASE_URL) or unset it to use the bundled model") from exc
        except InstructorRetryException as exc:
            raise LLMError(f"model {self.model} gave no valid {response_model.__name__} after "
                           f"{VALIDATION_REASKS + 1} tries ({str(exc)[:200]}); a larger model "
                           "may do better") from exc
        except InstructorError as exc:  # e.g. an answer cut off at the prompt's max_tokens
            raise LLMError(f"model {self.model} gave no usable {response_model.__name__} "
                           f"({str(exc)[:200]})") from exc


class CachedClient:
    """Serves repeated questions from SQLite and logs every call, cached or not."""

    def __init__(self, inner: LLMClient, store: LLMStore) -> None:
        self.inner, self.store, self.model = inner, store, inner.model

    def complete(self, prompt: Prompt, messages: list[dict[str, str]],
                 response_model: type[BaseModel], report: str = "") -> Completion:
        key, input_hash = cache_key(self.model, prompt, messages, response_model)
        hit = self.store.get(key)
        if hit is not None:
            answer = response_model.model_validate_json(hit["response"])
            self.store.log(model=self.model, prompt=prompt.version, input_hash=input_hash,
                           messages=messages, response=hit["response"], prompt_tokens=0,
                           completion_tokens=0, latency_s=0.0, outcome="cache", report=report)
            return Completion(answer, hit["prompt_tokens"], hit["completion_tokens"], 0.0, True,
                              hit["response"])
        try:
            done = self.inner.complete(prompt, messages, response_model, report)
        except LLMError as exc:
            self.store.log(model=self.model, prompt=prompt.version, input_hash=input_hash,
                           messages=messages, response="", outcome="error", error=str(exc),
                           report=report)
            raise
        self.store.put(key, model=self.model, prompt=prompt.version, input_hash=input_hash,
                       response=done.raw, prompt_tokens=done.prompt_tokens,
                       completion_tokens=done.completion_tokens)
        self.store.log(model=self.model, prompt=prompt.version, input_hash=input_hash,
                       messages=messages, response=done.raw, prompt_tokens=done.prompt_tokens,
                       completion_tokens=done.completion_tokens, latency_s=done.latency_s,
                       outcome="ok", report=report)
        return done


class ReplayClient:
    """Replies recorded from the real model by scripts/record_replies.py; a question that was
    not recorded is an error that says how to re-record."""

    def __init__(self, recordings: str | Path, model: str) -> None:
        self.model = model
        self.path = Path(recordings)
        self._replies: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    self._replies[rec["key"]] = rec

    def complete(self, prompt: Prompt, messages: list[dict[str, str]],
                 response_model: type[BaseModel], report: str = "") -> Completion:
        key, _ = cache_key(self.model, prompt, messages, response_model)
        rec = self._replies.get(key)
        if rec is None:
            raise LLMError(f"no recorded reply for {prompt.version} on {report or 'this input'} "
                           f"in {self.path}; re-record with `python scripts/record_replies.py`")
        return Completion(response_model.model_validate_json(rec["response"]),
                          rec.get("prompt_tokens", 0), rec.get("completion_tokens", 0), 0.0,
                          True, rec["response"])


def make_client(config: LLMConfig, base_url: str) -> LLMClient:
    inner = OpenAICompatibleClient(base_url, config.model, config.api_key, config.timeout)
    return CachedClient(inner, LLMStore(config.db_path()))
