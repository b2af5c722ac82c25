"""Running an eval: find the labelled cases, extract each input with the chosen mode, score,
and build the report (a JSON-ready dict) that the summary, the HTML page and `--compare` read.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import schema
from .. import template as tpl
from ..extractors import Extractor, get_extractor
from ..pipeline import apply_batch_rules, extract_file
from ..results import ReportResult
from . import metrics as mx
from .generator import LAYOUTS

REPORT_VERSION = 1
SOURCE_LINE_MAX = 240


def label_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Label files named directly, and the *.json under folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.glob("*.json"))
        elif p.suffix == ".json":
            out.append(p)
        else:
            raise ValueError(f"{p}: not a label file (.json) or a folder of them")
    return out


def load_cases(paths: Iterable[str | Path]) -> tuple[list[mx.EvalCase], list[str]]:
    """The cases, and a note for each one skipped because its input is not there."""
    cases, skipped = [], []
    for p in label_paths(paths):
        ec = mx.load_eval_case(p)
        if ec.case.input.exists():
            cases.append(ec)
        else:
            skipped.append(f"{ec.case.id}: input {ec.case.input} not found")
    return cases, skipped


@dataclass
class Run:
    case: mx.EvalCase
    result: ReportResult
    seconds: float


_worker_extractor: Extractor | None = None


def _init_worker(mode: str) -> None:
    global _worker_extractor
    _worker_extractor = get_extractor(mode)


def _timed(path: Path, extractor: Extractor) -> tuple[ReportResult, float]:
    t0 = time.perf_counter()
    result = extract_file(path, extractor)
    return result, time.perf_counter() - t0


def _extract(path: Path) -> tuple[ReportResult, float]:
    """In a worker process: with the extractor its initializer built."""
    assert _worker_extractor is not None
    return _timed(path, _worker_extractor)


def extract_cases(cases: Sequence[mx.EvalCase], mode: str = "template", jobs: int = 1,
                  on_done: Callable[[], None] | None = None,
                  extractor: Extractor | None = None) -> list[Run]:
    """Extract every case's input: with `extractor` in this process (LLM modes hold a client),
    else with `get_extractor(mode)` in `jobs` processes. Rule 8 runs across the hand-labelled
    cases only: generated cases share agencies and years by construction."""
    paths = [ec.case.input for ec in cases]
    done: list[tuple[ReportResult, float]] = []
    if extractor is None and jobs > 1 and len(cases) > 1:
        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(mode,)) as pool:
            for item in pool.map(_extract, paths, chunksize=2):
                done.append(item)
                if on_done:
                    on_done()
    else:
        here = extractor or get_extractor(mode)
        for p in paths:
            done.append(_timed(p, here))
            if on_done:
                on_done()
    runs = [Run(ec, r, s) for ec, (r, s) in zip(cases, done, strict=True)]
    real = [run.result for run in runs if not run.case.generated]
    apply_batch_rules(real)
    return runs


# --- the report ---------------------------------------------------------------------------

def _json(v: Any) -> Any:
    return schema.to_json_value(v)


def source_line(result: ReportResult, fid: str) -> dict[str, Any] | None:
    """The line of the normalised text that holds a value's evidence, and where in it."""
    ev = result.evidence.get(fid)
    if ev is None or not result.text:
        return None
    text = result.text
    start = text.rfind("\n", 0, ev.start) + 1
    end = text.find("\n", ev.end)
    end = len(text) if end < 0 else end
    if ev.row_start is not None and ev.row_end is not None:  # the whole row, if short enough
        start, end = min(start, ev.row_start), max(end, ev.row_end)
    if end - start > SOURCE_LINE_MAX:
        start = max(start, ev.start - SOURCE_LINE_MAX // 2)
        end = min(end, start + SOURCE_LINE_MAX)
    return {"line": text[start:end], "at": [ev.start - start, ev.end - start]}


def row_context(run: Run, fid: str) -> dict[str, Any]:
    """The label's and the result's values of the field's whole row: a value read into the
    wrong column shows as the same numbers in another order."""
    spec = tpl.spec(fid)
    if spec.table is None or spec.row is None:
        return {}
    table = tpl.table_of(spec.table)
    fids = table.row_field_ids(table.row(spec.row))
    if len(fids) < 2:
        return {}
    gold = [_json(run.case.case.fields.get(f)) for f in fids]
    got = [_json(run.result.fields.get(f)) for f in fids]
    return {"row_gold": gold, "row_got": got}


def build_report(runs: Sequence[Run], mode: str, meta: dict[str, Any] | None = None
                 ) -> tuple[dict[str, Any], list[mx.CaseScore]]:
    scores = [mx.score_case(r.case, r.result, r.seconds) for r in runs]
    fields = mx.tally_by(scores, "field")
    field_rows = {}
    for fid, t in fields.items():
        m = t.metrics()
        field_rows[fid] = {k: m[k] for k in ("fields", "accuracy", "wrong", "missing",
                                             "spurious", "silent_errors")}
    reports, silent = [], []
    for run, cs in zip(runs, scores, strict=True):
        reports.append({
            "id": cs.id, "layout": cs.layout, "input": str(run.case.case.input),
            "status": cs.status, "injected": cs.injected,
            "error": run.result.error.message if run.result.error else None,
            "accuracy": (sum(o.status == "correct" for o in cs.fields) / len(cs.fields)
                         if cs.fields else None),
            "exact": cs.exact, "seconds": cs.seconds, "tokens": cs.tokens,
            "errors": [{"field": o.field, "gold": _json(o.gold), "got": _json(o.got),
                        "status": o.status, "flagged": o.flagged, "rules": list(o.rules)}
                       for o in cs.errors],
            "missed_flags": [{"rule": e.rule, "fields": sorted(e.fields), "origin": e.origin,
                              "note": e.note} for e, ok in cs.expected if not ok],
            "caught_flags": sum(ok for _, ok in cs.expected),
            "false_alarms": [{"rule": f.rule, "fields": f.fields, "message": f.message}
                             for f, ok in cs.raised if not ok],
        })
        for o in cs.fields:
            if o.silent:
                silent.append({"case": cs.id, "layout": cs.layout, "field": o.field,
                               "gold": _json(o.gold), "got": _json(o.got),
                               "input": str(run.case.case.input),
                               "source": source_line(run.result, o.field),
                               **row_context(run, o.field)})
    report = {
        "version": REPORT_VERSION,
        "mode": mode,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **(meta or {}),
        "overall": mx.overall(scores).metrics(),
        "sections": mx.ordered(mx.tally_by(scores, "section"), mx.SECTIONS),
        "layouts": mx.ordered(mx.tally_by(scores, "layout"), LAYOUTS),
        "injected": mx.ordered(mx.tally_by(scores, "injected"), ["none"]),
        "fields": {f: field_rows[f] for f in tpl.field_ids() if f in field_rows},
        "reports": reports,
        "silent_errors": silent,
    }
    return report, scores


CSV_COLUMNS = ("case", "layout", "field", "section", "gold", "got", "status", "flagged",
               "silent", "rules", "evidence")


def csv_rows(scores: Iterable[mx.CaseScore]) -> Iterable[list[Any]]:
    """Gold against extracted for every scored field of every case."""
    for cs in scores:
        for o in cs.fields:
            yield [cs.id, cs.layout, o.field, o.section, _json(o.gold), _json(o.got), o.status,
                   int(o.flagged), int(o.silent), " ".join(sorted(set(o.rules))),
                   o.evidence or ""]
