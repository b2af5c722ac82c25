"""Per extraction mode: field accuracy on the hand-labelled fixtures, median seconds per report,
and model tokens per report.

    .venv/bin/python benchmarks/bench_modes.py [--modes template hybrid llm] [--cases …]
        [--replay tests/recordings/replies.jsonl]

Without --replay the LLM modes use the configured endpoint or the bundled model (slow: on the
2-core dev machine a hybrid report takes ~10-25 s, an llm one ~1 minute). With --replay the
accuracy is that of the recorded real-model replies and the seconds exclude the model.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from pathlib import Path

from extractor import template as tpl
from extractor.extractors import LLM_MODES, get_extractor
from extractor.fixtures import compare, load_cases
from extractor.llm import LLMConfig, open_client
from extractor.pipeline import extract_file


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--modes", nargs="+", default=["template", "hybrid", "llm"])
    ap.add_argument("--cases", nargs="*", default=None)
    ap.add_argument("--replay", type=Path, default=None)
    args = ap.parse_args()
    cases = [c for c in load_cases() if c.input.exists() and (not args.cases
                                                               or c.id in args.cases)]
    print(f"{'mode':9} {'cases':>5} {'accuracy':>9} {'non-zero acc':>12} {'exact':>6} "
          f"{'median s':>9} {'tokens':>7} {'calls':>6}")
    with contextlib.ExitStack() as stack:
        client = None
        if any(m in LLM_MODES for m in args.modes):
            client = stack.enter_context(open_client(LLMConfig.from_env(), args.replay))
        for mode in args.modes:
            ex = get_extractor(mode, client)
            right = total = nz_right = nz_total = exact = 0
            secs, tokens, calls = [], [], []
            for case in cases:
                t0 = time.perf_counter()
                r = extract_file(case.input, ex)
                secs.append(time.perf_counter() - t0)
                tokens.append(r.usage.get("prompt_tokens", 0) + r.usage.get("completion_tokens", 0))
                calls.append(r.usage.get("calls", 0))
                wrong = {m.field for m in compare(case, r)}
                ids = tpl.field_ids()
                total += len(ids)
                right += len(ids) - len(wrong)
                nz = [f for f in ids if case.fields.get(f) not in (None, 0, "0")]
                nz_total += len(nz)
                nz_right += sum(f not in wrong for f in nz)
                exact += not wrong
            print(f"{mode:9} {len(cases):5} {right / total:9.1%} {nz_right / nz_total:12.1%} "
                  f"{exact:3}/{len(cases):<2} {statistics.median(secs):9.2f} "
                  f"{statistics.median(tokens):7.0f} {statistics.median(calls):6.0f}")


if __name__ == "__main__":
    main()
