"""The terminal view (rich) of an eval and of a comparison."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from .html_report import WORST, num

_VERDICT = {"better": "[green]better[/green]", "worse": "[red]worse[/red]", "same": ""}


def pct(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f}%"


def _table(title: str) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                 collapse_padding=True, title_justify="left")


def summary(report: Mapping[str, Any], console: Console, worst: int = 10) -> None:
    o = report["overall"]
    console.print(
        f"[bold]eval[/bold] mode={report['mode']} · {o.get('reports', 0)} reports · "
        f"{o['fields']} fields ({o.get('failed', 0)} reports failed) · accuracy "
        f"[bold]{pct(o['accuracy'])}[/bold] · exact reports "
        f"{pct(o.get('exact_rate'), 1)} · silent errors [bold]{o['silent_errors']}[/bold] · "
        f"flag recall arith {pct(o.get('arith_flag_recall'), 1)} / narrative "
        f"{pct(o.get('narrative_flag_recall'), 1)} · precision {pct(o.get('flag_precision'), 1)}"
        f" · {num(o.get('seconds_mean'))} s/report"
        + (f" · {num(o.get('tokens_mean'))} tokens/report" if o.get("tokens_mean") else ""))
    t = _table("by layout (flag recall: arith = rules 1–4, narr = rule 6)")
    for col in ("layout", "n", "acc", "exact", "wrong", "miss", "spur", "silent", "arith",
                "narr", "prec"):
        t.add_column(col, justify="left" if col == "layout" else "right", no_wrap=True)
    for name, m in report["layouts"].items():
        t.add_row(name, str(m["reports"]), pct(m["accuracy"], 1), pct(m["exact_rate"], 0),
                  str(m["wrong"]), str(m["missing"]), str(m["spurious"]),
                  str(m["silent_errors"]), pct(m["arith_flag_recall"], 0),
                  pct(m["narrative_flag_recall"], 0), pct(m["flag_precision"], 0))
    console.print(t)
    s = _table("by section")
    for col in ("section", "fields", "accuracy", "wrong", "missing", "spurious", "silent"):
        s.add_column(col, justify="left" if col == "section" else "right")
    for name, m in report["sections"].items():
        s.add_row(name, str(m["fields"]), pct(m["accuracy"]), str(m["wrong"]),
                  str(m["missing"]), str(m["spurious"]), str(m["silent_errors"]))
    console.print(s)
    bad = sorted(((f, m) for f, m in report["fields"].items()
                  if m["accuracy"] is not None and m["accuracy"] < 1),
                 key=lambda x: (x[1]["accuracy"], x[0]))[:min(worst, WORST)]
    if bad:
        w = _table(f"worst {len(bad)} fields")
        for col in ("field", "accuracy", "wrong", "missing", "spurious", "silent"):
            w.add_column(col, justify="left" if col == "field" else "right")
        for f, m in bad:
            w.add_row(f, pct(m["accuracy"]), str(m["wrong"]), str(m["missing"]),
                      str(m["spurious"]), str(m["silent_errors"]))
        console.print(w)
    thresholds(report, console)


def thresholds(report: Mapping[str, Any], console: Console, failures_only: bool = False
               ) -> None:
    checks = report.get("thresholds", [])
    if failures_only and checks:
        failed = sum(not c["ok"] for c in checks)
        console.print(f"thresholds: {len(checks) - failed} passed, {failed} failed")
    for c in checks:
        if failures_only and c["ok"]:
            continue
        mark = "[green]pass[/green]" if c["ok"] else "[red]FAIL[/red]"
        op = "≥" if c["threshold"].startswith("min") else "≤"
        console.print(f"{mark} {c['scope']}: {c['metric']} = {num(c['value'])} "
                      f"(needs {op} {num(c['limit'])})")


def comparison(diff: Mapping[str, Any], console: Console, limit: int = 20) -> None:
    t = _table(f"A ({diff['a']['mode']}, {diff['a']['created']}) → "
                    f"B ({diff['b']['mode']}, {diff['b']['created']})")
    for col in ("metric", "A", "B", ""):
        t.add_column(col, justify="left" if col in ("metric", "") else "right")
    for p in diff["overall"]:
        t.add_row(p["metric"], num(p["a"]), num(p["b"]), _VERDICT[p["verdict"]])
    console.print(t)
    lt = _table("by layout (accuracy · silent · arith recall)")
    for col in ("layout", "A", "B", ""):
        lt.add_column(col, justify="left" if col in ("layout", "") else "right")
    for name, pairs in diff["layouts"].items():
        verdicts = {p["verdict"] for p in pairs} - {"same"}
        mark = "worse" if "worse" in verdicts else "better" if verdicts else "same"
        lt.add_row(name, " · ".join(num(p["a"]) for p in pairs),
                   " · ".join(num(p["b"]) for p in pairs), _VERDICT[mark])
    console.print(lt)
    if diff["fields"]:
        ft = _table(f"fields whose accuracy changed ({len(diff['fields'])}; "
                         f"worst first, {limit} shown)")
        for col in ("field", "A", "B", ""):
            ft.add_column(col, justify="left" if col in ("field", "") else "right")
        for f in diff["fields"][:limit]:
            ft.add_row(f["field"], pct(f["a"]), pct(f["b"]), _VERDICT[f["verdict"]])
        console.print(ft)
    else:
        console.print("no field's accuracy changed")
    console.print(f"{diff['shared_reports']} reports in both: {len(diff['fixed'])} values fixed, "
                  f"{len(diff['broken'])} broken")
    for e in diff["broken"][:limit]:
        console.print(f"  [red]broken[/red] {e['case']} {e['field']}: gold {e['gold']!r}, "
                      f"got {e['got']!r}{'' if e['flagged'] else ' (silent)'}")
    for e in diff["fixed"][:limit]:
        console.print(f"  [green]fixed[/green]  {e['case']} {e['field']}")
