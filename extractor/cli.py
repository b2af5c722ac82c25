"""The `extractor` command: a thin layer over the library (pipeline, export, render)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import export, pipeline, render
from .exceptions import ExtractorError
from .extractors import MODES, get_extractor
from .results import result_json_schema
from .schema import json_schema

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn 政府信息公开工作年度报告 into checked, traceable data.")
out = Console()
err = Console(stderr=True)


def _fail(msg: str) -> None:
    err.print(f"[red]error:[/red] {msg}")
    raise typer.Exit(2)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders")],
    output: Annotated[Path, typer.Option("-o", "--output", help="results JSONL")] = Path(
        "results.jsonl"),
    mode: Annotated[str, typer.Option(help=f"one of {', '.join(MODES)}")] = "template",
    quiet: Annotated[bool, typer.Option("-q", "--quiet")] = False,
) -> None:
    """Extract every field of each report, verify it, write one JSON line per report."""
    try:
        extractor = get_extractor(mode)
    except ValueError as exc:
        _fail(str(exc))
    files = list(pipeline.iter_inputs(paths))
    if not files:
        _fail("no input files found (supported: " + ", ".join(sorted(pipeline.SUPPORTED)) + ")")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, disable=quiet) as progress:
        task = progress.add_task("extracting", total=len(files))
        results = pipeline.extract_paths(files, extractor,
                                         on_result=lambda _r: progress.advance(task))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as f:
            export.write_jsonl(results, f)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    if not quiet:
        render.summary(results, out)
        out.print(f"results written to {output}")
    if any(r.status == "error" for r in results):
        raise typer.Exit(1)


@app.command()
def check(results: Annotated[Path, typer.Argument(help="results JSONL")]) -> None:
    """Re-run the rules on stored results and print the flags."""
    try:
        rows = [pipeline.recheck(r) for r in export.read_jsonl(results)]
    except ExtractorError as exc:
        _fail(str(exc))
    pipeline.apply_batch_rules(rows)
    for r in rows:
        render.flags(r, out)
    render.summary(rows, out)


@app.command()
def show(
    report: Annotated[Path, typer.Argument(help="a report file, or a results JSONL")],
    match: Annotated[str | None, typer.Option(help="in a JSONL: only sources containing this")
                     ] = None,
) -> None:
    """Show the fields of a report section by section, with their flags."""
    if report.suffix == ".jsonl":
        try:
            rows = [r for r in export.read_jsonl(report) if not match or match in r.source.path]
        except ExtractorError as exc:
            _fail(str(exc))
    else:
        rows = [pipeline.extract_file(report)]
    for r in rows:
        render.report(r, out)


@app.command("export")
def export_cmd(
    results: Annotated[Path, typer.Argument(help="results JSONL")],
    format: Annotated[str, typer.Option("--format", help="csv or jsonl (flat)")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
) -> None:
    """One row per report, one column per field id."""
    writers = {"csv": export.write_csv, "jsonl": export.write_flat_jsonl}
    if format not in writers:
        _fail(f"unknown format {format!r}; choose csv or jsonl")
    try:
        rows = list(export.read_jsonl(results))
    except ExtractorError as exc:
        _fail(str(exc))
    if output is None:
        writers[format](rows, sys.stdout)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", newline="") as f:
            writers[format](rows, f)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    else:
        err.print(f"{len(rows)} reports written to {output}")


@app.command()
def schema(
    folder: Annotated[Path, typer.Argument(help="where to write the JSON Schemas")] = Path(
        "schema"),
) -> None:
    """Write the JSON Schemas of a result line and of a report."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, sch in (("result", result_json_schema()), ("report", json_schema())):
        (folder / f"{name}.schema.json").write_text(
            json.dumps(sch, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    err.print(f"schemas written to {folder}/")


@app.command()
def review(
    results: Annotated[Path | None, typer.Argument(
        help="results JSONL to import (or a .sqlite store to open)")] = None,
    db: Annotated[Path, typer.Option(help="the review store (SQLite)")] = Path("review.sqlite"),
    host: Annotated[str, typer.Option(help="address to bind; keep it local")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="0 picks a free port")] = 8765,
) -> None:
    """Review flagged fields in a local web app; decisions are kept in the store."""
    from functools import partial

    from .review.serve import STORE_SUFFIXES, import_into, serve

    say = partial(out.print, soft_wrap=True)  # the address must stay one copyable line
    if results is not None and results.suffix in STORE_SUFFIXES:
        db, results = results, None
    try:
        say(import_into(db, results))
    except ExtractorError as exc:
        _fail(str(exc))
    serve(db, host, port, say)


@app.command("eval")
def eval_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="label files or folders of them (default: fixtures/cases)")] = None,
    mode: Annotated[str, typer.Option(help=f"one of {', '.join(MODES)}")] = "template",
    output: Annotated[Path, typer.Option("-o", "--output", help="folder for report.json, "
                                         "fields.csv, report.html (and generated/)")] = Path(
        "out/eval"),
    generate: Annotated[int, typer.Option(help="also generate this many cases from the labels")
                        ] = 0,
    seed: Annotated[int, typer.Option(help="seed of the generated set")] = 0,
    layouts: Annotated[str | None, typer.Option(help="generate only these layouts (comma list)")
                       ] = None,
    generate_only: Annotated[bool, typer.Option("--generate-only",
                                                help="write the generated set and stop")] = False,
    jobs: Annotated[int, typer.Option("-j", "--jobs", help="processes (template mode)")] = 1,
    thresholds: Annotated[Path | None, typer.Option(
        help="TOML with a table of limits per mode (eval/thresholds.toml)")] = None,
    min_accuracy: Annotated[float | None, typer.Option()] = None,
    min_exact_rate: Annotated[float | None, typer.Option()] = None,
    max_silent_errors: Annotated[int | None, typer.Option()] = None,
    min_flag_recall: Annotated[float | None, typer.Option()] = None,
    min_arith_flag_recall: Annotated[float | None, typer.Option()] = None,
    min_flag_precision: Annotated[float | None, typer.Option()] = None,
    compare: Annotated[tuple[Path, Path] | None, typer.Option(
        help="compare two report.json (A B) instead of running")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet")] = False,
) -> None:
    """Score extraction against labelled cases: accuracy per field, section and layout, silent
    errors, flag recall/precision; exit 1 when a threshold is missed."""
    from .evaluation import api, console
    from .evaluation import compare as cmp
    from .evaluation import thresholds as th
    from .evaluation.generator import generate as write_set
    from .evaluation.runner import load_cases
    from .fixtures import REPO

    if compare:
        try:
            console.comparison(cmp.compare(cmp.load(compare[0]), cmp.load(compare[1])), out)
        except (OSError, ValueError) as exc:
            _fail(str(exc))
        return
    if mode not in MODES:
        _fail(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    names = [x.strip() for x in layouts.split(",")] if layouts else None
    paths = paths or [REPO / "fixtures" / "cases"]
    if generate_only:
        try:
            bases = [ec.case for ec in load_cases(paths)[0] if not ec.generated]
            written = write_set(bases, generate, seed, output, names)
        except (OSError, ValueError) as exc:
            _fail(str(exc))
        err.print(f"{len(written)} cases written to {output}/")
        return
    limits: dict = {}
    try:
        if thresholds:
            limits.update(th.load(thresholds, mode))
    except (OSError, ValueError) as exc:
        _fail(f"thresholds: {exc}")
    given = {"min_accuracy": min_accuracy, "min_exact_rate": min_exact_rate,
             "max_silent_errors": max_silent_errors, "min_flag_recall": min_flag_recall,
             "min_arith_flag_recall": min_arith_flag_recall,
             "min_flag_precision": min_flag_precision}
    limits.update({k: v for k, v in given.items() if v is not None})
    opts = api.Options(paths=paths, out_dir=output, mode=mode, generate=generate, seed=seed,
                       layouts=names, jobs=jobs, limits=limits)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, disable=quiet) as progress:

        def tracker(total: int):
            task = progress.add_task(f"evaluating ({mode})", total=total)
            return lambda: progress.advance(task)

        try:
            outcome = api.evaluate(opts, tracker)
        except (OSError, ValueError, ExtractorError) as exc:
            _fail(str(exc))
    for note in outcome.skipped:
        err.print(f"[yellow]skipped[/yellow] {note}")
    if not quiet:
        console.summary(outcome.report, out)
    else:
        console.thresholds(outcome.report, out, failures_only=True)
    out.print(f"report written to {output}/report.json, fields.csv, report.html")
    if not outcome.passed:
        raise typer.Exit(1)
