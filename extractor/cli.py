"""The `extractor` command: a thin layer over the library (pipeline, export, render)."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import export, pipeline, render
from .exceptions import ExtractorError
from .extractors import LLM_MODES, MODES, get_extractor
from .llm import LLMClient, LLMConfig, open_client
from .llm.bundled import ModelNotReady
from .results import result_json_schema
from .schema import json_schema

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn 政府信息公开工作年度报告 into checked, traceable data.")
out = Console()
err = Console(stderr=True)


def _fail(msg: str) -> None:
    err.print(f"[red]error:[/red] {msg}")
    raise typer.Exit(2)


@contextlib.contextmanager
def _client(mode: str, base_url: str | None, model: str | None, replay: Path | None
            ) -> Iterator[LLMClient | None]:
    """No client for template mode; else the configured endpoint, the bundled model, or
    recorded replies."""
    if mode not in LLM_MODES:
        yield None
        return
    config = LLMConfig.from_env(base_url=base_url, model=model)
    try:
        with open_client(config, replay) as client:
            yield client
    except ModelNotReady as exc:
        _fail(f"{exc}\n(mode {mode} needs a model: configure EXTRACTOR_LLM_BASE_URL, or run "
              "`make setup` for the bundled one, or use --mode template)")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders")],
    output: Annotated[Path, typer.Option("-o", "--output", help="results JSONL")] = Path(
        "results.jsonl"),
    mode: Annotated[str, typer.Option(help=f"one of {', '.join(MODES)}")] = "hybrid",
    base_url: Annotated[str | None, typer.Option(
        help="OpenAI-compatible endpoint (else $EXTRACTOR_LLM_BASE_URL, else the bundled model)")
    ] = None,
    model: Annotated[str | None, typer.Option(help="model name at the endpoint")] = None,
    replay: Annotated[Path | None, typer.Option(help="recorded replies instead of a model")
                      ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet")] = False,
) -> None:
    """Extract every field of each report, verify it, write one JSON line per report."""
    if mode not in MODES:
        _fail(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    files = list(pipeline.iter_inputs(paths))
    if not files:
        _fail("no input files found (supported: " + ", ".join(sorted(pipeline.SUPPORTED)) + ")")
    t0 = time.perf_counter()
    with _client(mode, base_url, model, replay) as client:
        extractor = get_extractor(mode, client)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, disable=quiet) as progress:
            task = progress.add_task(f"extracting ({mode})", total=len(files))
            results = pipeline.extract_paths(files, extractor,
                                             on_result=lambda _r: progress.advance(task))
    wall = time.perf_counter() - t0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as f:
            export.write_jsonl(results, f)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}")
    if not quiet:
        render.summary(results, out)
        render.usage(results, wall, out)
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


model_app = typer.Typer(help="The bundled offline model (Qwen2.5-Coder-1.5B, GGUF).",
                        no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("status")
def model_status() -> None:
    """Whether the slices are installed, the model joined, the server available."""
    from .llm import bundled

    st = bundled.status()
    out.print(f"slices installed: {st.slices_installed}  {st.detail}")
    out.print(f"joined model:     {st.joined}  ({st.path})")
    out.print(f"llama.cpp server: {st.server_available}")
    cfg = LLMConfig.from_env()
    out.print(f"endpoint:         {cfg.base_url or 'bundled (no EXTRACTOR_LLM_BASE_URL)'}, "
              f"model {cfg.model}")


@model_app.command("prepare")
def model_prepare() -> None:
    """Join the slices into the cache folder once and check the sha256."""
    from .llm import bundled

    try:
        path = bundled.prepare()
    except ModelNotReady as exc:
        _fail(str(exc))
    out.print(f"bundled model ready: {path}")


@app.command()
def logs(n: Annotated[int, typer.Option("-n", help="how many recent calls")] = 20) -> None:
    """The most recent model calls (prompt, outcome, tokens, latency) from the SQLite log."""
    from .llm.store import LLMStore

    path = LLMConfig.from_env().db_path()
    if not path.exists():
        _fail(f"no model calls logged yet ({path})")
    render.calls(LLMStore(path).recent(n), out)


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
    inject: Annotated[str | None, typer.Option(
        help="inject only these error kinds, one per case (comma list: none, changed_cell, "
             "swapped_cells, wrong_total, narrative)")] = None,
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
    min_narrative_flag_recall: Annotated[float | None, typer.Option()] = None,
    min_flag_precision: Annotated[float | None, typer.Option()] = None,
    compare: Annotated[tuple[Path, Path] | None, typer.Option(
        help="compare two report.json (A B) instead of running")] = None,
    base_url: Annotated[str | None, typer.Option(help="LLM modes: the endpoint")] = None,
    model: Annotated[str | None, typer.Option(help="LLM modes: the model name")] = None,
    replay: Annotated[Path | None, typer.Option(help="LLM modes: recorded replies")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet")] = False,
) -> None:
    """Score extraction against labelled cases: accuracy per field, section and layout, silent
    errors, flag recall/precision; exit 1 when a threshold is missed."""
    from .evaluation import api, console
    from .evaluation import compare as cmp
    from .evaluation import thresholds as th
    from .evaluation.generator import generate as write_set
    from .evaluation.generator import mix_of
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
    kinds = [x.strip() for x in inject.split(",")] if inject else None
    paths = paths or [REPO / "fixtures" / "cases"]
    if generate_only:
        try:
            bases = [ec.case for ec in load_cases(paths)[0] if not ec.generated]
            written = write_set(bases, generate, seed, output, names, mix_of(kinds))
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
             "min_narrative_flag_recall": min_narrative_flag_recall,
             "min_flag_precision": min_flag_precision}
    limits.update({k: v for k, v in given.items() if v is not None})
    opts = api.Options(paths=paths, out_dir=output, mode=mode, generate=generate, seed=seed,
                       layouts=names, inject=kinds, jobs=jobs, limits=limits)
    with _client(mode, base_url, model, replay) as client, Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, disable=quiet) as progress:

        def tracker(total: int):
            task = progress.add_task(f"evaluating ({mode})", total=total)
            return lambda: progress.advance(task)

        try:
            outcome = api.evaluate(opts, tracker, get_extractor(mode, client) if client else None)
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
