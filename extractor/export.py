"""Results in and out: JSONL (one ReportResult per line) and the flat CSV export (one row per
report, one column per field id of TEMPLATE.md)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from . import template as tpl
from .exceptions import ExtractorError
from .results import ReportResult

CSV_LEAD = ("source.path", "source.sha256", "status", "error", "errors", "warnings")


def write_jsonl(results: Iterable[ReportResult], out: IO[str]) -> None:
    for r in results:
        out.write(r.model_dump_json() + "\n")


def read_jsonl(path: str | Path) -> Iterator[ReportResult]:
    """Results from a JSONL file; a bad line is an error naming the file and the line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ExtractorError(f"{path}: cannot read results ({exc.strerror})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield ReportResult.model_validate_json(line)
        except ValueError as exc:
            first = str(exc).splitlines()[0]
            raise ExtractorError(f"{path}:{n}: not a result line ({first}); was it written by "
                                 "`extractor extract`?") from None


def write_csv(results: Iterable[ReportResult], out: IO[str]) -> None:
    ids = tpl.field_ids()
    w = csv.writer(out)
    w.writerow([*CSV_LEAD, *ids])
    for r in results:
        c = r.counts()
        lead = [r.source.path, r.source.sha256 or "", r.status,
                r.error.reason if r.error else "", c["errors"], c["warnings"]]
        w.writerow([*lead, *("" if r.fields.get(f) is None else r.fields[f] for f in ids)])


def write_flat_jsonl(results: Iterable[ReportResult], out: IO[str]) -> None:
    for r in results:
        row = {"source.path": r.source.path, "status": r.status,
               **{f: r.fields.get(f) for f in tpl.field_ids()}}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
