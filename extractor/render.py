"""Human-readable views of results for the terminal (rich): the batch summary, the flags, and one
report section by section."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from . import template as tpl
from .results import Flag, ReportResult

_STYLE = {"error": "red", "warning": "yellow"}


def summary(results: Sequence[ReportResult], console: Console) -> None:
    t = Table(title="Reports", show_lines=False)
    for col in ("report", "status", "form", "fields found", "errors", "warnings"):
        t.add_column(col, justify="right" if col in ("fields found", "errors", "warnings")
                     else "left")
    by_sev: Counter[tuple[str, str]] = Counter()
    for r in results:
        c = r.counts()
        status = r.status if not r.error else f"error: {r.error.reason}"
        total = len(tpl.field_ids(r.template)) if r.template else 0
        t.add_row(r.source.path, status, r.template or "-", f"{c['fields']}/{total}" if total
                  else "-", str(c["errors"]), str(c["warnings"]))
        for f in r.flags:
            by_sev[(f.severity, f.kind)] += 1
    console.print(t)
    failed = [r for r in results if r.status == "error"]
    flags = ", ".join(f"{n} {sev} ({kind})" for (sev, kind), n in sorted(by_sev.items())) or "none"
    console.print(f"{len(results)} reports, {len(failed)} failed; flags: {flags}")
    for r in failed:
        console.print(f"[red]✗ {r.error.message if r.error else r.source.path}[/red]")


def flag_line(f: Flag) -> str:
    style = _STYLE[f.severity]
    fields = ", ".join(f.fields[:4]) + (" …" if len(f.fields) > 4 else "")
    text = f"[{style}]{f.severity:7}[/{style}] {f.kind:10} {f.rule:9} {f.message}"
    if fields:
        text += f"  [dim]({fields})[/dim]"
    for reading in (f.readings or [])[:3]:
        text += f"\n{'':30}reading: {reading}"
    return text


def flags(result: ReportResult, console: Console) -> None:
    console.rule(result.source.path)
    if result.error:
        console.print(f"[red]error ({result.error.reason}): {result.error.message}[/red]")
        return
    if not result.flags:
        console.print("[green]no flags[/green]")
    for f in sorted(result.flags, key=lambda f: (f.severity != "error", f.rule)):
        console.print(flag_line(f))


def report(result: ReportResult, console: Console) -> None:
    """The fields section by section, each table as a grid, flags under the section."""
    flags(result, console)
    if result.error:
        return
    flagged = {fid for f in result.flags for fid in f.fields}
    fmt = result.template or "2021"
    meta = Table(title="header", show_header=False)
    for fid, _kind, label in tpl.META_FIELDS:
        meta.add_row(label, fid, _cell(result, fid, flagged))
    console.print(meta)
    for table in tpl.tables_for(fmt):
        cols = table.columns
        grid = Table(title=table.title)
        grid.add_column("row")
        if cols:
            for c in cols:
                grid.add_column(c.label, justify="right")
        else:
            grid.add_column("values", justify="right")
        for row in table.rows:
            ids = table.row_field_ids(row)
            if cols:
                grid.add_row(row.label, *(_cell(result, f, flagged) for f in ids))
            else:
                grid.add_row(row.label, " / ".join(_cell(result, f, flagged) for f in ids))
        console.print(grid)


def _cell(result: ReportResult, fid: str, flagged: set[str]) -> str:
    v = result.fields.get(fid)
    ev = result.evidence.get(fid)
    text = "—" if v is None else str(v)
    if ev is not None and ev.cell in ("blank", "placeholder"):
        text += "·" if ev.cell == "blank" else f"({ev.text})"
    if ev is not None and ev.inferred and ev.cell == "number":
        text += "*"
    return f"[red]{text}[/red]" if fid in flagged else text


def usage(results: Sequence[ReportResult], wall: float, console: Console) -> None:
    """Model tokens and wall time per report and for the run."""
    used = [r for r in results if r.usage.get("calls")]
    if not used:
        console.print(f"{len(results)} reports in {wall:.1f} s (no model calls)")
        return
    t = Table(title="Model use")
    for col in ("report", "calls", "cached", "prompt tok", "completion tok", "model s"):
        t.add_column(col, justify="left" if col == "report" else "right")
    for r in used:
        u = r.usage
        t.add_row(r.source.path, str(int(u.get("calls", 0))), str(int(u.get("cached", 0))),
                  str(int(u.get("prompt_tokens", 0))), str(int(u.get("completion_tokens", 0))),
                  f"{u.get('llm_seconds', 0):.1f}")
    console.print(t)
    tokens = sum(r.usage.get("prompt_tokens", 0) + r.usage.get("completion_tokens", 0)
                 for r in used)
    console.print(f"{len(results)} reports in {wall:.1f} s ({wall / len(results):.1f} s per "
                  f"report), {int(tokens)} tokens")


def calls(rows: Sequence[dict[str, object]], console: Console) -> None:
    t = Table(title="Model calls (newest first)")
    for col in ("id", "when", "model", "prompt", "outcome", "tokens in/out", "s", "report"):
        t.add_column(col)
    for c in rows:
        t.add_row(str(c["id"]), str(c["ts"]), str(c["model"]), str(c["prompt"]),
                  str(c["outcome"]), f"{c['prompt_tokens'] or 0}/{c['completion_tokens'] or 0}",
                  f"{float(c['latency_s'] or 0):.1f}", str(c["report"] or ""))
    console.print(t)
