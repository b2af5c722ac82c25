"""Where the LLM is: any OpenAI-compatible endpoint, or the bundled offline model.

Settings come from CLI flags, then the environment, then a `.env` file in the working folder:

    EXTRACTOR_LLM_BASE_URL   e.g. http://localhost:8000/v1 (vLLM), http://localhost:11434/v1
                             (Ollama), https://api.example.com/v1; unset: the bundled model
    EXTRACTOR_LLM_MODEL      the model name the endpoint serves (bundled: qwen2.5-coder-1.5b)
    EXTRACTOR_LLM_API_KEY    the key, if the endpoint needs one (else "none")
    EXTRACTOR_LLM_TIMEOUT    seconds per request (default 300: a 2-core CPU is slow)
    EXTRACTOR_LLM_DB         SQLite file for the response cache and the call log
    EXTRACTOR_CACHE_DIR      where the bundled model is joined
                             (default ~/.cache/gov-report-extractor)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from dotenv import load_dotenv

BUNDLED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def cache_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_CACHE_DIR",
                               Path.home() / ".cache" / "gov-report-extractor"))


@dataclass(frozen=True)
class LLMConfig:
    base_url: str | None = None  # None: start the bundled model
    model: str = BUNDLED_MODEL_NAME
    api_key: str = "none"
    timeout: float = 300.0
    db: Path | None = None

    @property
    def bundled(self) -> bool:
        return self.base_url is None

    @classmethod
    def from_env(cls, **overrides: object) -> LLMConfig:
        load_dotenv(override=False)  # .env fills only what the environment does not set
        env = os.environ
        cfg = cls(
            base_url=env.get("EXTRACTOR_LLM_BASE_URL") or None,
            model=env.get("EXTRACTOR_LLM_MODEL") or BUNDLED_MODEL_NAME,
            api_key=env.get("EXTRACTOR_LLM_API_KEY") or "none",
            timeout=float(env.get("EXTRACTOR_LLM_TIMEOUT") or 300),
            db=Path(env["EXTRACTOR_LLM_DB"]) if env.get("EXTRACTOR_LLM_DB") else None,
        )
        return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})

    def db_path(self) -> Path:
        return self.db or cache_dir() / "llm.sqlite"
