"""Prompt files (prompts/<name>.v<N>.md), versioned by name and content hash."""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..exceptions import ExtractorError

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str  # "table.v1#3fa2b1c0": file name + content hash
    system: str
    user: str
    max_tokens: int | None = None  # a cap on the answer: a small model can loop until the context

    def messages(self, **values: str) -> list[dict[str, str]]:
        try:
            user = string.Template(self.user).substitute(values)
        except KeyError as exc:
            raise ExtractorError(f"prompt {self.version} needs ${exc.args[0]}") from None
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


@cache
def load(name: str) -> Prompt:
    """The newest version of a prompt."""
    files = sorted(PROMPTS.glob(f"{name}.v*.md"),
                   key=lambda p: int(re.search(r"\.v(\d+)\.md$", p.name).group(1)))  # type: ignore[union-attr]
    if not files:
        raise ExtractorError(f"no prompt {name!r} in {PROMPTS}; is the checkout complete?")
    raw = files[-1].read_text(encoding="utf-8")
    parts = re.split(r"(?m)^## (system|user|max_tokens)\s*$", raw)
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    digest = hashlib.sha256(raw.encode()).hexdigest()[:8]
    cap = sections.get("max_tokens")
    return Prompt(name, f"{files[-1].stem}#{digest}", sections.get("system", ""),
                  sections["user"], int(cap) if cap else None)
