"""Record replies of the real model for the fast tests (tests/recordings/replies.jsonl).

Runs the fixtures through the LLM modes with a fresh cache, then writes every (key, prompt
version, model, reply, tokens) the model produced. Re-run after changing a prompt or an answer
shape; the replay client names the prompt and the report when a reply is missing.

    .venv/bin/python scripts/record_replies.py [--modes hybrid llm] [--cases seed_000 …]
        [--llm-cases seed_000 …] [--generate 9 --seed 1 --inject narrative --layouts …]

With --generate, hybrid mode (not llm) also runs on that generated set (the one `make eval-ci`
builds with the same options), so the eval of narrative claims replays real replies.

Uses the configured endpoint (EXTRACTOR_LLM_BASE_URL) or, by default, the bundled model.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from extractor.evaluation.generator import generate, mix_of
from extractor.extractors import get_extractor
from extractor.fixtures import load_case, load_cases
from extractor.llm import LLMConfig, open_client
from extractor.llm.store import LLMStore
from extractor.pipeline import extract_file

OUT = Path(__file__).resolve().parents[1] / "tests" / "recordings" / "replies.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--modes", nargs="+", default=["hybrid", "llm"])
    ap.add_argument("--cases", nargs="*", default=None, help="fixture ids (default: all)")
    ap.add_argument("--no-fixtures", action="store_true", help="only the generated cases")
    ap.add_argument("--llm-cases", nargs="*", default=None,
                    help="llm mode on these fixtures only (default: all; ~70 s a report)")
    ap.add_argument("--generate", type=int, default=0, help="also this many generated cases")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--inject", default="narrative", help="error kinds (comma list)")
    ap.add_argument("--layouts", default=None, help="layouts (comma list)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--append", action="store_true",
                    help="keep the replies already in --out (those not recorded again)")
    args = ap.parse_args()
    cases = [] if args.no_fixtures else [
        c for c in load_cases() if not args.cases or c.id in args.cases]
    with tempfile.TemporaryDirectory() as tmp:
        if args.generate:
            labels = generate(load_cases(), args.generate, args.seed, Path(tmp) / "generated",
                              args.layouts.split(",") if args.layouts else None,
                              mix_of(args.inject.split(",")))
            cases += [load_case(p) for p in labels]
        config = LLMConfig.from_env(db=Path(tmp) / "record.sqlite")
        with open_client(config) as client:
            for mode in args.modes:
                ex = get_extractor(mode, client)
                for case in cases:
                    skip = case.id.startswith("gen") or (
                        args.llm_cases and case.id not in args.llm_cases)
                    if mode == "llm" and skip:
                        continue
                    t0 = time.perf_counter()
                    r = extract_file(case.input, ex)
                    print(f"{mode:7} {case.id:12} {r.status:8} {time.perf_counter() - t0:6.1f} s "
                          f"{r.usage}", flush=True)
        rows = LLMStore(config.db_path()).cache_rows()
    keep = ([json.loads(line) for line in args.out.read_text(encoding="utf-8").splitlines()]
            if args.append and args.out.exists() else [])
    fresh = {row["key"] for row in rows}
    rows = [r for r in keep if r["key"] not in fresh] + [
        {k: row[k] for k in ("key", "model", "prompt", "input_hash", "response",
                             "prompt_tokens", "completion_tokens")} for row in rows]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for row in sorted(rows, key=lambda r: (r["prompt"], r["key"])):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} replies of {config.model} written to {args.out}")


if __name__ == "__main__":
    main()
