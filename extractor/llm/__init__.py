"""LLM extraction: any OpenAI-compatible endpoint, or the bundled offline model by default."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from .client import LLMClient, LLMError, ReplayClient, make_client
from .config import LLMConfig

__all__ = ["LLMClient", "LLMConfig", "LLMError", "open_client"]


@contextlib.contextmanager
def open_client(config: LLMConfig | None = None, replay: Path | None = None
                ) -> Iterator[LLMClient]:
    """A client for the configured endpoint; with none configured, the bundled model is prepared
    and served on a loopback port for the duration. `replay`: recorded replies instead."""
    config = config or LLMConfig.from_env()
    if replay is not None:
        yield ReplayClient(replay, config.model)
        return
    if config.base_url:
        yield make_client(config, config.base_url)
        return
    from .bundled import bundled_server

    with bundled_server() as server:
        yield make_client(config, server.base_url)
