"""Prompt files (prompts/<name>.v<N>.md) rendered with labels from the template module."""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import template as tpl
from ..exceptions import ExtractorError
from .answers import row_key

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str  # "table.v1#3fa2b1c0": file name + content hash
    system: str
    user: str

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
    parts = re.split(r"(?m)^## (system|user)\s*$", raw)
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    digest = hashlib.sha256(raw.encode()).hexdigest()[:8]
    return Prompt(name, f"{files[-1].stem}#{digest}", sections.get("system", ""),
                  sections["user"])


def row_list(table: tpl.Table) -> str:
    """`key: full label` per row, in template order, from the one source of truth."""
    lines = []
    for row in table.rows:
        cols = table.row_columns(row)
        lines.append(f"- {row_key(row)}: {len(cols) or 1} number{'s' if len(cols) > 1 else ''}")
    return "\n".join(lines)
