"""Two report.json side by side: what got better or worse, overall, per layout, per field, and
which (report, field) pairs were fixed or broken."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HEADLINE = ("accuracy", "exact_rate", "silent_errors", "wrong", "missing", "spurious",
            "arith_flag_recall", "narrative_flag_recall", "flag_precision", "seconds_mean",
            "tokens_mean")
LOWER_IS_BETTER = {"silent_errors", "wrong", "missing", "spurious", "seconds_mean",
                   "tokens_mean", "failed"}


def load(path: str | Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if "overall" not in data or "fields" not in data:
        raise ValueError(f"{path}: not a report.json written by `extractor eval`")
    return data


def verdict(metric: str, a: Any, b: Any) -> str:
    """'better', 'worse' or 'same' for a change of `metric` from a to b."""
    if a is None or b is None or a == b:
        return "same"
    up = b > a
    return "worse" if up == (metric in LOWER_IS_BETTER) else "better"


def _pairs(metrics: Mapping[str, Any], other: Mapping[str, Any], names: tuple[str, ...]
           ) -> list[dict[str, Any]]:
    return [{"metric": m, "a": metrics.get(m), "b": other.get(m),
             "verdict": verdict(m, metrics.get(m), other.get(m))} for m in names]


def _errors(report: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["id"], e["field"]): e for r in report["reports"] for e in r["errors"]}


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    fields = []
    for fid in sorted(set(a["fields"]) | set(b["fields"])):
        fa, fb = a["fields"].get(fid, {}), b["fields"].get(fid, {})
        acc_a, acc_b = fa.get("accuracy"), fb.get("accuracy")
        if acc_a != acc_b:
            fields.append({"field": fid, "a": acc_a, "b": acc_b,
                           "silent_a": fa.get("silent_errors"), "silent_b": fb.get("silent_errors"),
                           "verdict": verdict("accuracy", acc_a, acc_b)})
    fields.sort(key=lambda f: ((f["b"] or 0) - (f["a"] or 0), f["field"]))
    layouts = {}
    for name in [*a["layouts"], *(k for k in b["layouts"] if k not in a["layouts"])]:
        layouts[name] = _pairs(a["layouts"].get(name, {}), b["layouts"].get(name, {}),
                               ("accuracy", "silent_errors", "arith_flag_recall"))
    ea, eb = _errors(a), _errors(b)
    shared = {r["id"] for r in a["reports"]} & {r["id"] for r in b["reports"]}
    fixed = [{"case": c, "field": f, **ea[(c, f)]} for c, f in sorted(set(ea) - set(eb))
             if c in shared]
    broken = [{"case": c, "field": f, **eb[(c, f)]} for c, f in sorted(set(eb) - set(ea))
              if c in shared]
    return {"a": {"mode": a.get("mode"), "created": a.get("created")},
            "b": {"mode": b.get("mode"), "created": b.get("created")},
            "overall": _pairs(a["overall"], b["overall"], HEADLINE), "layouts": layouts,
            "fields": fields, "fixed": fixed, "broken": broken, "shared_reports": len(shared)}
