"""Extractors sit behind one small interface, like httpx's transports: given the normalised text
of a report, return an `Extraction` (values, evidence, the extractor's own flags).

- `template`: the deterministic template reader, no LLM;
- `llm`: the model reads every section (extractor.llm.extractor.LLMExtractor);
- `hybrid`: the reader first, the model only where it pays (HybridExtractor);
- replay: either LLM mode over a ReplayClient serving recorded replies of the real model (tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ..extraction import Extraction
from ..reader import read

if TYPE_CHECKING:
    from ..llm.client import LLMClient


class Extractor(Protocol):
    name: str

    def extract(self, text: str) -> Extraction: ...


class TemplateExtractor:
    """The deterministic template reader (no LLM)."""

    name = "template"

    def extract(self, text: str) -> Extraction:
        return read(text)


MODES = ("template", "llm", "hybrid")
LLM_MODES = ("llm", "hybrid")


def get_extractor(mode: str = "template", client: LLMClient | None = None) -> Extractor:
    if mode == "template":
        return TemplateExtractor()
    if mode in LLM_MODES:
        if client is None:
            raise ValueError(f"mode {mode!r} needs an LLM client (extractor.llm.open_client)")
        from ..llm.extractor import HybridExtractor, LLMExtractor

        return LLMExtractor(client) if mode == "llm" else HybridExtractor(client)
    raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
