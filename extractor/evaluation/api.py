"""`evaluate`: what `extractor eval` does, as a library call — generate (optionally), extract,
score, write report.json, fields.csv and report.html, check the thresholds."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..extractors import Extractor
from . import html_report, thresholds
from .generator import generate, mix_of
from .metrics import CaseScore
from .runner import CSV_COLUMNS, build_report, csv_rows, extract_cases, load_cases


@dataclass
class Options:
    paths: Sequence[Path]
    out_dir: Path
    mode: str = "template"
    generate: int = 0
    seed: int = 0
    layouts: Sequence[str] | None = None
    inject: Sequence[str] | None = None  # error kinds to inject (default: the usual mix)
    jobs: int = 1
    limits: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    report: dict[str, Any]
    scores: list[CaseScore]
    skipped: list[str]

    @property
    def passed(self) -> bool:
        return all(c["ok"] for c in self.report["thresholds"])


def evaluate(opts: Options, progress: Callable[[int], Callable[[], None]] | None = None,
             extractor: Extractor | None = None) -> Outcome:
    """`progress(total)` returns a callback called once per extracted case. `extractor`: one
    built by the caller (LLM modes need a client); else `get_extractor(opts.mode)` per process.
    """
    t0 = time.perf_counter()
    cases, skipped = load_cases(opts.paths)
    meta: dict[str, Any] = {"paths": [str(p) for p in opts.paths], "generated": None}
    if opts.generate:
        gen_dir = opts.out_dir / "generated"
        bases = [ec.case for ec in cases if not ec.generated]
        if not bases:
            raise ValueError("--generate needs hand-labelled cases to draw values from")
        generate(bases, opts.generate, opts.seed, gen_dir, opts.layouts, mix_of(opts.inject))
        gen_cases, more = load_cases([gen_dir])
        cases += gen_cases
        skipped += more
        meta["generated"] = {"n": opts.generate, "seed": opts.seed, "dir": str(gen_dir),
                             "seconds": round(time.perf_counter() - t0, 2)}
    if not cases:
        raise ValueError("no labelled cases found (label .json files or folders of them)")
    tick = progress(len(cases)) if progress else None
    runs = extract_cases(cases, opts.mode, opts.jobs, tick, extractor)
    report, scores = build_report(runs, opts.mode, meta)
    report["seconds"] = round(time.perf_counter() - t0, 2)
    report["skipped"] = skipped
    report["limits"] = dict(opts.limits)
    report["thresholds"] = thresholds.check(report, opts.limits)
    write_outputs(report, scores, opts.out_dir)
    return Outcome(report, scores, skipped)


def write_outputs(report: dict[str, Any], scores: Sequence[CaseScore], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1)
                                         + "\n", encoding="utf-8")
    with (out_dir / "fields.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        w.writerows(csv_rows(scores))
    (out_dir / "report.html").write_text(html_report.render(report), encoding="utf-8")
