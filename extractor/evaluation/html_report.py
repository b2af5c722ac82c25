"""report.html: one self-contained page (inline CSS and SVG; no script, no fonts, no network)
that a person reads to see how the extractor did and where it went wrong."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import template as tpl

MAX_ROWS = 150  # long lists are cut (report.json and fields.csv have everything)
WORST = 25

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Noto Serif CJK SC",
sans-serif;margin:24px auto;max-width:1240px;color:#1d2329;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid
#d8dee4;padding-bottom:4px}.meta{color:#57606a;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}.card{border:1px solid #d8dee4;
border-radius:6px;padding:8px 12px;min-width:130px}.card b{display:block;font-size:20px}
.card span{color:#57606a;font-size:12px}.good b{color:#1a7f37}.warn b{color:#9a6700}
.bad b{color:#cf222e}table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #d8dee4;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,.src{font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace;font-size:12px}
.src{white-space:pre-wrap;word-break:break-all;max-width:560px;display:block}
mark{background:#ffd33d;padding:0 1px}.blank{font-size:10px;font-style:italic}
.ok{color:#1a7f37}.fail{color:#cf222e;font-weight:600}
.note{color:#57606a;font-size:12.5px;max-width:900px}svg text{font-size:12px;fill:#1d2329}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f} %"


def num(x: Any) -> str:
    """A metric for people: – for none, floats to three places (the terminal uses it too)."""
    if x is None:
        return "–"
    return f"{x:.3f}" if isinstance(x, float) else str(x)


def _tone(x: float | None, good: float = 0.99, warn: float = 0.95) -> str:
    if x is None:
        return ""
    return "good" if x >= good else "warn" if x >= warn else "bad"


COLORS = {"good": "#2da44e", "warn": "#d4a72c", "bad": "#cf222e", "": "#8c959f"}


def bars(items: Sequence[tuple[str, float | None, str]], label_w: int = 250,
         bar_w: int = 560) -> str:
    """A horizontal bar chart in SVG: (label, fraction 0..1, text after the bar)."""
    h = 22
    rows = []
    for i, (label, value, note) in enumerate(items):
        y = i * h
        w = 0 if value is None else max(1.0, value * bar_w)
        color = COLORS[_tone(value)]
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="14" fill="#eef1f4"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="14" fill="{color}"/>'
            f'<text x="{label_w + bar_w + 8}" y="{y + 15}">{_e(note)}</text>')
    height = h * len(items) + 4
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 260}" '
            f'height="{height}" role="img">{"".join(rows)}</svg>')


def table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = ()
          ) -> str:
    """Rows of already-escaped HTML cells."""
    num = set(numeric)
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in num else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _cards(o: Mapping[str, Any]) -> str:
    silent = o.get("silent_errors", 0)
    cards = [
        ("accuracy", _pct(o.get("accuracy"), 2), _tone(o.get("accuracy"))),
        ("whole reports exact", _pct(o.get("exact_rate")), _tone(o.get("exact_rate"), .9, .7)),
        ("silent errors", str(silent), "good" if silent == 0 else "bad"),
        ("wrong / missing / spurious",
         f"{o.get('wrong', 0)} / {o.get('missing', 0)} / {o.get('spurious', 0)}", ""),
        ("arithmetic flag recall", _pct(o.get("arith_flag_recall")),
         _tone(o.get("arith_flag_recall"), 1.0, .9)),
        ("narrative flag recall", _pct(o.get("narrative_flag_recall")),
         _tone(o.get("narrative_flag_recall"), .9, .5)),
        ("flag precision", _pct(o.get("flag_precision")), _tone(o.get("flag_precision"), .9, .7)),
        ("seconds / report", num(o.get("seconds_mean")), ""),
        ("tokens / report", num(o.get("tokens_mean")), ""),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card {tone}"><b>{_e(v)}</b><span>{_e(k)}</span></div>'
        for k, v, tone in cards) + "</div>"


def _layout_table(layouts: Mapping[str, Mapping[str, Any]]) -> str:
    rows = []
    for name, m in layouts.items():
        rows.append([f"<code>{_e(name)}</code>", str(m.get("reports", "")),
                     _pct(m.get("accuracy"), 2), _pct(m.get("exact_rate"), 0),
                     str(m.get("wrong", 0)), str(m.get("missing", 0)), str(m.get("spurious", 0)),
                     str(m.get("silent_errors", 0)),
                     f'{_pct(m.get("arith_flag_recall"), 0)} ({m.get("arith_expected", 0)})',
                     f'{_pct(m.get("narrative_flag_recall"), 0)} '
                     f'({m.get("narrative_expected", 0)})',
                     _pct(m.get("flag_precision"), 0), str(m.get("failed", 0)),
                     num(m.get("seconds_mean"))])
    return table(["layout", "reports", "accuracy", "exact", "wrong", "missing", "spurious",
                  "silent", "arith recall (n)", "narrative recall (n)", "precision", "failed",
                  "s/report"], rows, numeric=range(1, 13))


def _source(entry: Mapping[str, Any]) -> str:
    src = entry.get("source")
    if not src:
        return '<span class="note">no evidence</span>'
    line, (a, b) = src["line"], src["at"]
    marked = _e(line[a:b]) or '<span class="blank">blank cell</span>'  # read as 0
    return f'<span class="src">{_e(line[:a])}<mark>{marked}</mark>{_e(line[b:])}</span>'



def _row(entry: Mapping[str, Any]) -> str:
    if "row_gold" not in entry:
        return ""

    def cells(xs: Sequence[Any]) -> str:
        return " ".join("·" if x is None else str(x) for x in xs)

    return (f'<span class="note">label: {_e(cells(entry["row_gold"]))}<br>'
            f'read:&nbsp; {_e(cells(entry["row_got"]))}</span>')


def _h2(anchor: str, text: str) -> str:
    return f'<h2 id="{anchor}">{_e(text)}</h2>'


NAV = (("sections", "sections"), ("layouts", "layouts"), ("injected", "injected errors"),
       ("worst", "worst fields"), ("silent", "silent errors"), ("missed", "missed flags"),
       ("alarms", "false alarms"))


def _label(fid: str) -> str:
    try:
        return tpl.spec(fid).label
    except KeyError:
        return ""


def render(report: Mapping[str, Any]) -> str:
    o = report["overall"]
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
             f"<title>Eval: {_e(report['mode'])} mode</title><style>{CSS}</style></head><body>"]
    gen = report.get("generated")
    parts.append(
        f"<h1>Extraction eval — {_e(report['mode'])} mode</h1><div class=\"meta\">"
        f"{o.get('reports', 0)} reports ({_e(', '.join(report.get('paths', [])))}"
        + (f"; {gen['n']} generated, seed {gen['seed']}" if gen else "")
        + f"), {o.get('fields', 0)} fields scored · {_e(report.get('created', ''))}"
        f" · {report.get('seconds', 0)} s</div>")
    parts.append('<div class="meta">' + " · ".join(
        f'<a href="#{a}">{_e(t)}</a>' for a, t in NAV) + "</div>")
    parts.append(_cards(o))
    checks = report.get("thresholds", [])
    if checks:  # failures in view, the full list folded (a CI profile has dozens)
        def rows(cs: Iterable[Mapping[str, Any]]) -> list[list[str]]:
            return [[_e(c["scope"]), f"<code>{_e(c['threshold'])}</code>", num(c["limit"]),
                     num(c["value"]), '<span class="ok">pass</span>' if c["ok"]
                     else '<span class="fail">FAIL</span>'] for c in cs]

        head = ["scope", "threshold", "limit", "value", ""]
        failed = [c for c in checks if not c["ok"]]
        parts.append(_h2("thresholds", f"Thresholds: {len(checks) - len(failed)} passed, "
                                       f"{len(failed)} failed"))
        if failed:
            parts.append(table(head, rows(failed), numeric=(2, 3)))
        parts.append(f"<details><summary>all {len(checks)} limits</summary>"
                     f"{table(head, rows(checks), numeric=(2, 3))}</details>")

    parts.append(_h2("sections", "Accuracy by section"))
    parts.append(bars([(k, m["accuracy"], f"{_pct(m['accuracy'], 2)}  ({m['fields']} fields, "
                        f"{m['silent_errors']} silent)") for k, m in report["sections"].items()]))
    parts.append(_h2("layouts", "Accuracy by layout"))
    parts.append(bars([(k, m["accuracy"], f"{_pct(m['accuracy'], 2)}  exact "
                        f"{_pct(m.get('exact_rate'), 0)}, {m['silent_errors']} silent")
                       for k, m in report["layouts"].items()]))
    parts.append(_layout_table(report["layouts"]))
    parts.append('<p class="note">recall: share of expected flags raised (injected errors and '
                 "labelled source errors); arithmetic = rules 1–4, narrative = rule 6. precision: "
                 "share of raised error flags that point at a real error. silent: wrong values no "
                 "flag names.</p>")

    inj = report.get("injected", {})
    if inj:
        rows = [[_e(k), str(m.get("reports", 0)), _pct(m.get("accuracy"), 2),
                 f'{m.get("caught_flags", 0)} / {m.get("expected_flags", 0)}',
                 _pct(m.get("flag_recall"), 0), str(m.get("silent_errors", 0))]
                for k, m in inj.items()]
        parts.append(_h2("injected", "By injected error") + table(
            ["error", "reports", "accuracy", "flags caught", "recall", "silent"], rows,
            numeric=range(1, 6)))

    worst = sorted(((f, m) for f, m in report["fields"].items()
                    if m["accuracy"] is not None and m["accuracy"] < 1),
                   key=lambda x: (x[1]["accuracy"], x[0]))[:WORST]
    parts.append(_h2("worst", f"Worst fields ({len(worst)} shown)"))
    if worst:
        parts.append(bars([(f, m["accuracy"], f"{_pct(m['accuracy'], 1)}  w{m['wrong']} "
                            f"m{m['missing']} s{m['spurious']} silent {m['silent_errors']}")
                           for f, m in worst], label_w=380, bar_w=420))
    else:
        parts.append('<p class="ok">Every field right in every report.</p>')

    silent = report.get("silent_errors", [])
    parts.append(_h2("silent", f"Silent errors ({len(silent)})"))
    if silent:
        rows = [[f"<code>{_e(s['case'])}</code><br><span class=\"note\">{_e(s['layout'])}"
                 "</span>", f"<code>{_e(s['field'])}</code><br><span class=\"note\">"
                 f"{_e(_label(s['field']))}</span>", _e(s["gold"]), _e(s["got"]),
                 _source(s) + _row(s)] for s in silent[:MAX_ROWS]]
        parts.append(table(["report", "field", "gold", "got",
                            "source line (value marked) · the row, label and read"],
                           rows, numeric=(2, 3)))
        if len(silent) > MAX_ROWS:
            parts.append(f'<p class="note">… {len(silent) - MAX_ROWS} more in report.json</p>')
    else:
        parts.append('<p class="ok">None: every wrong value carries a flag.</p>')

    missed = [(r["id"], r["layout"], m) for r in report["reports"] for m in r["missed_flags"]]
    parts.append(_h2("missed", f"Expected flags not raised ({len(missed)})"))
    if missed:
        rows = [[f"<code>{_e(i)}</code>", _e(layout), _e(m["rule"]), _e(m["origin"]),
                 f'<span class="note">{_e(m["note"])}</span>'] for i, layout, m in
                missed[:MAX_ROWS]]
        parts.append(table(["report", "layout", "rule", "origin", "note"], rows))
    alarms = [(r["id"], r["layout"], a) for r in report["reports"] for a in r["false_alarms"]]
    parts.append(_h2("alarms", f"False alarms ({len(alarms)})"))
    if alarms:
        rows = [[f"<code>{_e(i)}</code>", _e(layout), _e(a["rule"]),
                 f'<span class="note">{_e(a["message"])}</span>'] for i, layout, a in
                alarms[:MAX_ROWS]]
        parts.append(table(["report", "layout", "rule", "message"], rows))
    failed = [r for r in report["reports"] if r["status"] == "error"]
    if failed:
        parts.append(_h2("failed", f"Reports that failed ({len(failed)})"))
        parts.append(table(["report", "layout", "error"], [
            [f"<code>{_e(r['id'])}</code>", _e(r["layout"]), _e(r["error"])]
            for r in failed[:MAX_ROWS]]))
    parts.append("</body></html>\n")
    return "".join(parts)
