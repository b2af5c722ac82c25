"""Generated cases: labelled values rendered in the layouts real reports come in, with known
errors injected. Each case is an input file and a label in the fixture shape (loadable by
`extractor.fixtures.load_case`) plus `layout`, `injected` and `expected_flags`.

Deterministic from the seed: case i depends only on (seed, i) and the base labels, so a set can
be regenerated anywhere and a single case reproduced.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fixtures import REPO, Case
from . import files, layouts
from .inject import ARITHMETIC, KINDS, Injection, inject
from .narrative import build
from .values import (
    as_json,
    expand_other,
    make_consistent,
    perturb,
    single_row_other,
    to_2019,
    typed,
)


@dataclass(frozen=True)
class Layout:
    render: Callable[[layouts.Doc], layouts.Rendered]
    form: str = "2021"  # the form the layout prints
    full_other: bool = False  # prints （六） as three sub-rows whatever the base did
    about: str = ""


LAYOUTS: dict[str, Layout] = {
    "tab": Layout(layouts.render_tab, about="tab-separated cells, the Word form's label grid"),
    "tab_shifted": Layout(layouts.render_tab_shifted, about="tabs, labels shifted by a cell"),
    "pipe": Layout(layouts.render_pipe, about="Markdown pipe table, every cell"),
    "pipe_dropped": Layout(layouts.render_pipe_dropped,
                           about="pipes, empty (zero) cells dropped (seed 004)"),
    "digits": Layout(layouts.render_digits, about="PDF text, cells run together: 801000081"),
    "pdf_text": Layout(layouts.render_pdf_text,
                       about="PDF text: one char per line, wrapped labels, - 3 -"),
    "html_gbk": Layout(files.render_html_gbk, about="web page, rowspan/colspan, GBK"),
    "docx": Layout(files.render_docx, full_other=True, about="the official Word form filled in"),
    "fullwidth": Layout(layouts.render_fullwidth, about="full-width digits and brackets"),
    "web_noise": Layout(layouts.render_web_noise,
                        about="site chrome, spam in prose, Markdown headings"),
    "form2019": Layout(layouts.render_form2019, form="2019", about="the 2019 form of table 二"),
}

# How often each error kind is injected (the rest: none).
MIX: dict[str, float] = {"changed_cell": 0.15, "swapped_cells": 0.12, "wrong_total": 0.15,
                         "narrative": 0.13}
PERTURB_P = 0.8
MANIFEST = "MANIFEST"  # no .json suffix: the folder's *.json are the labels


def mix_of(kinds: Sequence[str] | None) -> dict[str, float]:
    """The injection mix: the default one, or every case gets one of `kinds` (e.g. only
    narrative errors, for an eval of the LLM's claims)."""
    if not kinds:
        return MIX
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown error kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
    return {k: 1 / len(kinds) for k in kinds}


def _kind(rng: random.Random, mix: dict[str, float]) -> str:
    roll, acc = rng.random(), 0.0
    for kind, p in mix.items():
        acc += p
        if roll < acc:
            return kind
    return "none"


def _published(rng: random.Random, year: int) -> dt.date | None:
    if rng.random() < 0.35:
        return dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    return None


def make_case(base: Case, layout: str, seed: int, index: int,
              mix: dict[str, float] = MIX) -> tuple[layouts.Rendered, dict[str, Any]]:
    """Case `index` of a set: its rendered input and its label (without the input path)."""
    spec = LAYOUTS[layout]
    rng = random.Random(f"{seed}:{index}")
    values = make_consistent(typed(base.fields))
    perturbed = rng.random() < PERTURB_P
    if perturbed:
        values = perturb(values, rng)
    values["meta.published"] = _published(rng, values["meta.year"])
    if spec.form == "2019":
        values = to_2019(values, rng)
    if spec.full_other and single_row_other(values):
        values = expand_other(values)
    kind = _kind(rng, mix)
    try:
        values, injection = inject(values, kind, rng)
    except ValueError:  # nothing to swap in an all-zero table: change a cell instead
        kind = "changed_cell"
        values, injection = inject(values, kind, rng)
    narrative = build(values, rng, wrong=rng.choice(["cell", "parts"])
                      if kind == "narrative" else None)
    rendered = spec.render(layouts.Doc(values, narrative, rng))
    return rendered, _label(base, layout, seed, index, perturbed, values, injection,
                            narrative.mismatch, rendered)


def _label(base: Case, layout: str, seed: int, index: int, perturbed: bool,
           values: dict[str, Any], injection: Injection, mismatch: dict[str, Any] | None,
           rendered: layouts.Rendered) -> dict[str, Any]:
    source_errors = [{"rule": v.rule, "fields": sorted(v.fields), "note": v.note}
                     for v in injection.expected]
    expected = [{**e, "origin": injection.kind} for e in source_errors]
    mismatches = []
    if mismatch:
        mismatches.append({"quote": mismatch["quote"], "note": mismatch["note"]})
        expected.append({"rule": "R6", "fields": mismatch["fields"], "quote": mismatch["quote"],
                         "origin": "narrative", "note": mismatch["note"]})
    notes = [f"generated from {base.id} (seed {seed}, case {index}), layout {layout}"
             + (", values perturbed" if perturbed else "") + "; rules 1–4 hold except where "
             "an error was injected.", *rendered.notes]
    if injection.fields:
        notes.append(injection.note())
    return {
        "id": f"gen{seed}-{index:04d}-{layout}",
        "template": values["meta.template"],
        "fields": as_json(values),
        "cells": dict(sorted(rendered.cells.items())),
        "source_errors": source_errors,
        "narrative_mismatches": mismatches,
        "notes": " ".join(notes),
        "layout": layout,
        "generated": {"seed": seed, "index": index, "base": base.id, "perturbed": perturbed},
        "injected": {"kind": injection.kind, "fields": injection.fields,
                     "before": as_json_subset(injection.before),
                     "after": as_json_subset(injection.after)} if injection.fields
        else ({"kind": "narrative"} if mismatch else None),
        "expected_flags": expected,
    }


def as_json_subset(values: dict[str, Any]) -> dict[str, Any]:
    full = as_json(values)
    return {k: full[k] for k in values}


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps: python-docx stamps members with the current time,
    which would make a generated set differ from run to run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)),
                         src.read(info.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _input_ref(path: Path) -> str:
    """The label's `input`: relative to the repository when inside it (portable), else absolute
    (`load_case` resolves relative paths against the repository)."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path.resolve())


def _clear(out_dir: Path) -> None:
    """Remove a previous set written here (the files its manifest lists); refuse to write into
    a folder holding anything else."""
    manifest = out_dir / MANIFEST
    if manifest.exists():
        for name in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            (out_dir / name).unlink(missing_ok=True)
        manifest.unlink()
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty and holds no generated set; "
                              "give an empty or new folder")


def generate(bases: Sequence[Case], n: int, seed: int, out_dir: str | Path,
             layout_names: Sequence[str] | None = None,
             mix: dict[str, float] = MIX) -> list[Path]:
    """Write n cases to out_dir (layouts in turn, bases drawn from the seed); the label paths."""
    if not bases:
        raise ValueError("no labelled cases to generate from")
    names = list(layout_names or LAYOUTS)
    unknown = set(names) - set(LAYOUTS)
    if unknown:
        raise ValueError(f"unknown layouts {sorted(unknown)}; choose from {', '.join(LAYOUTS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    pick = random.Random(seed)
    written: list[str] = []
    labels: list[Path] = []
    for i in range(n):
        layout = names[i % len(names)]
        base = bases[pick.randrange(len(bases))]
        rendered, label = make_case(base, layout, seed, i, mix)
        stem = f"{i:04d}-{layout}"
        data = _stable_zip(rendered.data) if rendered.suffix == ".docx" else rendered.data
        (out / f"{stem}{rendered.suffix}").write_bytes(data)
        label = {"id": label["id"], "input": _input_ref(out / f"{stem}{rendered.suffix}"),
                 **{k: v for k, v in label.items() if k != "id"}}
        (out / f"{stem}.json").write_text(json.dumps(label, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
        written += [f"{stem}{rendered.suffix}", f"{stem}.json"]
        labels.append(out / f"{stem}.json")
    (out / MANIFEST).write_text(json.dumps({"seed": seed, "n": n, "layouts": names,
                                            "bases": sorted({b.id for b in bases}),
                                            "files": written}, ensure_ascii=False, indent=1),
                                encoding="utf-8")
    return labels


__all__ = ["ARITHMETIC", "LAYOUTS", "MIX", "generate", "make_case"]
