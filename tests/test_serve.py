"""The bundled server's sampler: the grammar judged on the likeliest tokens first picks the same
tokens as llama-cpp-python's own sampler, which judges the whole vocabulary (real model, ~30 s).
"""

from __future__ import annotations

import json

import pytest

from extractor.llm import bundled

llama_cpp = pytest.importorskip("llama_cpp")
pytestmark = pytest.mark.skipif(not bundled.model_path().exists(),
                                reason="the bundled model is not prepared (make setup)")

PROMPT = ("<|im_start|>user\nCopy the numbers of each row as JSON {\"rows\": [...]}, one string "
          "per row.\n一、本年新收政府信息公开申请数量 19 0 0 0 0 0 19\n"
          "二、上年结转政府信息公开申请数量 2 0 0 0 0 0 2\n(一)予以公开 6 | 6 |<|im_end|>\n"
          "<|im_start|>assistant\n")
SCHEMA = {"type": "object", "properties": {"rows": {"type": "array", "items": {"type": "string"}}},
          "required": ["rows"]}


def _answer(llm: object) -> str:
    grammar = llama_cpp.LlamaGrammar.from_json_schema(json.dumps(SCHEMA), verbose=False)
    llm.reset()  # type: ignore[attr-defined]
    out = llm.create_completion(PROMPT, max_tokens=60, temperature=0,  # type: ignore[attr-defined]
                                repeat_penalty=1.1, grammar=grammar)
    return str(out["choices"][0]["text"])


def test_grammar_on_top_answers_as_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.llm import serve

    llm = llama_cpp.Llama(str(bundled.model_path()), n_ctx=512, n_threads=2, verbose=False,
                          logits_all=False)
    library = _answer(llm)
    assert json.loads(library)["rows"], library  # a real answer to compare with

    monkeypatch.setattr(llama_cpp.Llama, "_init_sampler", serve._init_sampler)
    applied: list[int] = []
    apply = serve.GrammarOnTop.apply
    monkeypatch.setattr(serve.GrammarOnTop, "apply",
                        lambda self, cur: applied.append(1) or apply(self, cur))
    assert _answer(llm) == library
    assert len(applied) >= len(library) // 4  # it chose the tokens (a few characters each)
    # a tiny top: the grammar often rejects all of it, and the whole vocabulary decides
    monkeypatch.setattr(serve, "TOP", 2)
    assert _answer(llm) == library
