"""Thresholds: limits on the overall metrics (and optionally per layout) that make an eval
fail. Read from eval/thresholds.toml (a table per mode) and/or given on the command line.

    [template]
    min_accuracy = 0.99
    max_silent_errors = 10
    [template.layouts.tab]
    min_arith_flag_recall = 1.0
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# option name → (metric in report["overall"], "min" or "max")
LIMITS: dict[str, tuple[str, str]] = {
    "min_accuracy": ("accuracy", "min"),
    "min_exact_rate": ("exact_rate", "min"),
    "max_silent_errors": ("silent_errors", "max"),
    "min_flag_recall": ("flag_recall", "min"),
    "min_arith_flag_recall": ("arith_flag_recall", "min"),
    "min_narrative_flag_recall": ("narrative_flag_recall", "min"),
    "min_flag_precision": ("flag_precision", "min"),
    "max_failed": ("failed", "max"),
    "max_seconds_mean": ("seconds_mean", "max"),
}


def load(path: str | Path, mode: str) -> dict[str, Any]:
    """The thresholds for `mode` from a TOML file ({} when it has no table for the mode)."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    table = data.get(mode, {})
    _validate(table, f"{path} [{mode}]")
    for name, sub in table.get("layouts", {}).items():
        _validate(sub, f"{path} [{mode}.layouts.{name}]")
    return table


def _validate(table: Mapping[str, Any], where: str) -> None:
    unknown = set(table) - set(LIMITS) - {"layouts"}
    if unknown:
        raise ValueError(f"{where}: unknown thresholds {sorted(unknown)}; "
                         f"known: {', '.join(LIMITS)}")


def check(report: Mapping[str, Any], limits: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One entry per limit: the metric, its value, the limit and whether it passed. A metric
    with no value (e.g. recall when nothing was expected) passes: there was nothing to miss."""
    out = []

    def one(scope: str, metrics: Mapping[str, Any], name: str, limit: float) -> None:
        metric, op = LIMITS[name]
        value = metrics.get(metric)
        ok = value is None or (value >= limit if op == "min" else value <= limit)
        out.append({"scope": scope, "threshold": name, "metric": metric, "limit": limit,
                    "value": value, "ok": ok})

    for name, limit in limits.items():
        if name != "layouts":
            one("overall", report["overall"], name, limit)
    for layout, sub in limits.get("layouts", {}).items():
        metrics = report["layouts"].get(layout)
        if metrics is None:
            continue  # the layout is not in this run
        for name, limit in sub.items():
            one(layout, metrics, name, limit)
    return out
