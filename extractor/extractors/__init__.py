"""Extractors sit behind one small interface, like httpx's transports: given the normalised text
of a report, return an `Extraction` (values, evidence, the extractor's own flags). The template
reader is the first; the LLM, hybrid and replay extractors plug in the same way."""

from __future__ import annotations

from typing import Protocol

from ..extraction import Extraction
from ..reader import read


class Extractor(Protocol):
    name: str

    def extract(self, text: str) -> Extraction: ...


class TemplateExtractor:
    """The deterministic template reader (no LLM)."""

    name = "template"

    def extract(self, text: str) -> Extraction:
        return read(text)


MODES = ("template",)


def get_extractor(mode: str = "template") -> Extractor:
    if mode == "template":
        return TemplateExtractor()
    raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
