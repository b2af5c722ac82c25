"""Run llama-cpp-python's OpenAI-compatible server with grammar checked on the likeliest tokens.

    python -m extractor.llm.serve --model M.gguf --port P …   (the llama_cpp.server arguments)

Why: every answer of ours is a forced tool call, so llama.cpp constrains it with a JSON grammar,
and llama-cpp-python applies that grammar to the whole vocabulary (151,936 tokens for Qwen2.5)
before sampling each token. On 2 CPU cores that costs ~60 ms a token on top of ~105 ms of model
work: a third of the time of every answer. llama.cpp's own server avoids it the same way as here:
the grammar first judges only the likeliest tokens, and the whole vocabulary only when none of
those is allowed. For greedy decoding (temperature 0, all we send) the token chosen is the same
— the likeliest token the grammar allows — so the answers do not change; other requests get the
library's sampler unchanged.
"""

from __future__ import annotations

import ctypes
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import Llama
from llama_cpp._internals import LlamaSampler

TOP = 64  # tokens the grammar judges first; the whole vocabulary only if none of them passes
_DTYPE = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


class GrammarOnTop:
    """A llama.cpp sampler (`llama_sampler_i`) that applies a grammar to the TOP likeliest
    candidates, falling back to all of them; it forwards accept/reset so the grammar follows
    the tokens chosen."""

    def __init__(self, model: Any, grammar: llama_cpp.LlamaGrammar) -> None:
        self.grammar = llama_cpp.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode(), grammar._root.encode())
        self.top = TOP
        self._small = (llama_cpp.llama_token_data * TOP)()
        iface = llama_cpp.llama_sampler_i()
        # keep the callbacks referenced: ctypes does not
        self._callbacks = (
            llama_cpp.llama_sampler_i_apply(lambda _s, cur: self.apply(cur)),
            llama_cpp.llama_sampler_i_accept(
                lambda _s, tok: llama_cpp.llama_sampler_accept(self.grammar, tok)),
            llama_cpp.llama_sampler_i_reset(lambda _s: llama_cpp.llama_sampler_reset(self.grammar)),
        )
        iface.apply, iface.accept, iface.reset = self._callbacks
        iface.name = llama_cpp.llama_sampler_i_name(0)
        iface.clone = llama_cpp.llama_sampler_i_clone(0)
        iface.free = llama_cpp.llama_sampler_i_free(0)  # the grammar is freed in close()
        self._iface = iface
        self.sampler = llama_cpp.llama_sampler(iface=ctypes.pointer(iface), ctx=None)

    def apply(self, cur: Any) -> None:
        arr = cur.contents
        n = int(arr.size)
        if n <= self.top:
            llama_cpp.llama_sampler_apply(self.grammar, cur)
            return
        data = np.ctypeslib.as_array(
            ctypes.cast(arr.data, ctypes.POINTER(ctypes.c_byte * (n * _DTYPE.itemsize))).contents
        ).view(_DTYPE)
        top = np.argpartition(data["logit"], n - self.top)[n - self.top:]
        small = np.frombuffer(self._small, dtype=_DTYPE)
        small[:] = data[top]
        view = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self._small, llama_cpp.llama_token_data_p), size=self.top, selected=-1,
            sorted=False)
        llama_cpp.llama_sampler_apply(self.grammar, ctypes.byref(view))
        allowed = small[np.isfinite(small["logit"])]
        if len(allowed) == 0:  # none of the likeliest is allowed: judge them all
            llama_cpp.llama_sampler_apply(self.grammar, cur)
            return
        data[:len(allowed)] = allowed
        arr.size, arr.selected, arr.sorted = len(allowed), -1, False

    def close(self) -> None:
        if self.grammar is not None:
            llama_cpp.llama_sampler_free(self.grammar)
            self.grammar = None


_library_init_sampler = Llama._init_sampler


def _init_sampler(self: Llama, *args: Any, **kw: Any) -> LlamaSampler:
    grammar = kw.get("grammar")
    if args or grammar is None or kw.get("temp") != 0.0 or kw.get("logits_processor"):
        return _library_init_sampler(self, *args, **kw)
    # the library's greedy chain, with the grammar judged on the likeliest tokens only
    sampler = LlamaSampler()
    sampler.add_penalties(n_vocab=self._n_vocab, penalty_last_n=self.last_n_tokens_size,
                          penalty_repeat=kw.get("repeat_penalty", 1.0),
                          penalty_freq=kw.get("frequency_penalty", 0.0),
                          penalty_present=kw.get("presence_penalty", 0.0))
    on_top = GrammarOnTop(self._model, grammar)
    llama_cpp.llama_sampler_chain_add(sampler.sampler, ctypes.pointer(on_top.sampler))
    # the chain must not free a sampler it does not own (LlamaSampler removes these first)
    sampler.custom_samplers.append(
        (llama_cpp.llama_sampler_chain_n(sampler.sampler) - 1, on_top))  # type: ignore[arg-type]
    sampler._exit_stack.callback(on_top.close)
    sampler.add_greedy()
    return sampler


def install() -> None:
    Llama._init_sampler = _init_sampler  # type: ignore[method-assign]


def main() -> None:
    from llama_cpp.server.__main__ import main as serve

    install()
    serve()


if __name__ == "__main__":
    main()
