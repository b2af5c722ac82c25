"""Reviewed reports out: corrected results (JSONL/CSV lines) and labelled cases in the fixture
shape of fixtures/PROTOCOL.md."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .. import template as tpl
from ..fixtures import REPO
from ..results import ReportResult
from .store import DecisionRow, FlagRow, Store

CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def corrected(store: Store, report_id: int) -> ReportResult:
    """The report's current result; a flag a reviewer marked as a source error says so in its
    kind (the reviewer's word beats the engine's guess)."""
    result = store.result(report_id)
    marked = {f.position for f in _source_errors(store, report_id)}
    flags = [f.model_copy(update={"kind": "source"}) if i in marked else f
             for i, f in enumerate(result.flags)]
    return result.model_copy(update={"flags": flags})


def corrected_all(store: Store) -> list[ReportResult]:
    return [corrected(store, r.id) for r in store.reports()]


def _source_errors(store: Store, report_id: int) -> list[FlagRow]:
    """Live flags whose deciding decision is a source error."""
    out = []
    for f in store.queue(report_id=report_id, status="decided"):
        if f.decision_id is not None and store.decision(f.decision_id).action == "source_error":
            out.append(f)
    return out


def default_case_id(path: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(path).stem).strip("._-")
    return (stem or "report")[:60] + "_reviewed"


def build_case(store: Store, report_id: int, case_id: str) -> dict[str, Any]:
    report, result = store.report(report_id), store.result(report_id)
    fields = {fid: result.fields.get(fid) for fid in tpl.field_ids()}
    cells = {fid: ev.cell for fid, ev in result.evidence.items()
             if ev.cell in ("blank", "placeholder") and fields.get(fid) == 0}
    source_errors, mismatches = [], []
    for f in _source_errors(store, report_id):
        note = store.decision(f.decision_id).note  # type: ignore[arg-type]
        if f.flag.rule == "R6" and f.flag.quotes:
            mismatches.append({"quote": f.flag.quotes[0], "note": note})
        else:
            source_errors.append({"rule": f.flag.rule, "fields": f.flag.fields, "note": note})
    source = Path(report.source_abs) if report.source_abs else Path(report.path)
    return {
        "id": case_id,
        "input": os.path.relpath(source, REPO) if source.is_absolute() else str(source),
        "template": result.template or "2021",
        "fields": fields,
        "cells": cells,
        "source_errors": source_errors,
        "narrative_mismatches": mismatches,
        "notes": _notes(store.decisions(report_id)),
    }


def _notes(decisions: list[DecisionRow]) -> str:
    lines = ["Made with `extractor review`: values are the extractor's reading; a person "
             "checked only the flagged fields, by these decisions:"]
    for d in decisions:
        what = {"accept": f"accepted {d.field} = {d.old_value!r}",
                "correct": f"corrected {d.field} {d.old_value!r} -> {d.new_value!r}",
                "source_error": f"source error ({d.flag.rule} on {d.field})"}[d.action]
        lines.append(f"#{d.id} {d.at} {d.reviewer}: {what}" + (f" ({d.note})" if d.note else ""))
    return " ".join(lines) if len(lines) > 1 else lines[0] + " none."


def save_case(store: Store, report_id: int, case_id: str, root: Path, folder: str) -> Path:
    """Write the case as `<folder>/<case_id>.json` under `root`. The folder must stay inside
    root (relative, no `..`): the web form names it, so it must not reach the rest of the
    disk. ValueError with the reason otherwise."""
    if not CASE_ID.match(case_id):
        raise ValueError("case id: letters, digits, '_', '.', '-' only (up to 80)")
    rel = Path(folder.strip() or ".")
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"folder {folder!r}: give a folder inside {root}, without '..'")
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"folder {folder!r} leads outside {root}")
    target.mkdir(parents=True, exist_ok=True)
    out = target / f"{case_id}.json"
    out.write_text(json.dumps(build_case(store, report_id, case_id), ensure_ascii=False,
                              indent=2) + "\n", encoding="utf-8")
    return out
