"""The real bundled model, end to end (slow: a minute or two on 2 cores; CI runs it).

1. `extractor extract --mode hybrid` with no endpoint configured prepares the bundled model,
   serves it on a loopback port, asks it for the narrative claims, stops it.
2. The same command pointed at a second llama.cpp server process through EXTRACTOR_LLM_BASE_URL:
   another OpenAI-compatible endpoint needs no code change.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.fixtures import compare, load_case
from extractor.llm import bundled
from extractor.results import ReportResult

ROOT = Path(__file__).resolve().parents[1]
CASE = load_case(ROOT / "fixtures" / "cases" / "seed_000.json")
EXTRACTOR = str(Path(sys.executable).parent / "extractor")

pytestmark = pytest.mark.skipif(not CASE.input.exists(), reason="../shared not beside the clone")


def _extract(tmp: Path, name: str, **env: str) -> tuple[ReportResult, list[tuple]]:
    out, db = tmp / f"{name}.jsonl", tmp / f"{name}.sqlite"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_LLM_")}
    environ.update(EXTRACTOR_LLM_DB=str(db), **env)
    proc = subprocess.run([EXTRACTOR, "extract", str(CASE.input), "-o", str(out), "--mode",
                           "hybrid", "-q"], env=environ, capture_output=True, text=True,
                          timeout=900, cwd=tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = ReportResult.model_validate_json(out.read_text(encoding="utf-8").splitlines()[0])
    calls = list(sqlite3.connect(db).execute("select prompt, outcome, model from calls"))
    return result, calls


def _check(result: ReportResult, calls: list[tuple]) -> None:
    assert compare(CASE, result) == []  # the tables: read by the template reader, unchanged
    assert [c[:2] for c in calls] == [(calls[0][0], "ok")] and calls[0][0].startswith("claims")
    assert result.usage["calls"] == 1 and result.usage["completion_tokens"] > 0
    assert result.claims, "the model listed no narrative claim"
    assert all(c.start is not None for c in result.claims if c.by == "llm"), "ungrounded quotes"
    r6 = [f for f in result.flags if f.rule == "R6"]
    assert any(f.found == "355" and f.expected == "417" for f in r6), [f.message for f in r6]


def test_bundled_model_then_another_endpoint(tmp_path: Path) -> None:
    result, calls = _extract(tmp_path, "bundled")
    _check(result, calls)

    with bundled.Server(bundled.prepare(), alias="second-server", log=tmp_path / "srv.log") as s:
        other, other_calls = _extract(tmp_path, "other", EXTRACTOR_LLM_BASE_URL=s.base_url,
                                      EXTRACTOR_LLM_MODEL="second-server")
    _check(other, other_calls)
    assert other_calls[0][2] == "second-server"
    assert "POST /v1/chat/completions" in (tmp_path / "srv.log").read_text(errors="replace")
    assert json.loads(other.model_dump_json())["fields"] == json.loads(
        result.model_dump_json())["fields"]
