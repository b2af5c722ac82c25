"""SQLite: the response cache, keyed by (model, prompt version, input hash), and the log of every
model call (prompt, response, tokens, latency, model, outcome). Schema changes are migrations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_migrate import Migrations

migrations = Migrations("gov-report-extractor.llm")


@migrations()
def m001_calls_and_cache(db: sqlite_utils.Database) -> None:
    db["calls"].create({
        "id": int, "ts": str, "model": str, "prompt": str, "input_hash": str,
        "messages": str, "response": str, "prompt_tokens": int, "completion_tokens": int,
        "latency_s": float, "outcome": str, "error": str, "report": str,
    }, pk="id")
    db["cache"].create({
        "key": str, "model": str, "prompt": str, "input_hash": str, "response": str,
        "prompt_tokens": int, "completion_tokens": int, "created": str,
    }, pk="key")
    db["calls"].create_index(["ts"])


class LLMStore:
    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(path)
        self.db = sqlite_utils.Database(path)
        migrations.apply(self.db)

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            return dict(self.db["cache"].get(key))
        except sqlite_utils.db.NotFoundError:
            return None

    def put(self, key: str, **row: Any) -> None:
        self.db["cache"].upsert({"key": key, "created": _now(), **row}, pk="key")

    def log(self, **call: Any) -> None:
        call["messages"] = json.dumps(call.get("messages"), ensure_ascii=False)
        self.db["calls"].insert({"ts": _now(), **call})

    def recent(self, n: int = 20) -> list[dict[str, Any]]:
        return list(self.db.query("select * from calls order by id desc limit ?", [n]))

    def cache_rows(self) -> list[dict[str, Any]]:
        return list(self.db["cache"].rows)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
