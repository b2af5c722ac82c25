"""The `extractor` command, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import template as tpl
from extractor.cli import app
from extractor.results import result_json_schema
from extractor.schema import json_schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
runner = CliRunner()
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared not beside the clone")


@needs_shared
def test_extract_check_show_export(tmp_path: Path) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"")
    out = tmp_path / "r.jsonl"
    res = runner.invoke(app, ["extract", str(SHARED / "seeds"), str(bad), "-o", str(out),
                                "--mode", "template"])
    assert res.exit_code == 1, res.output  # one file failed: the exit status says so
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 6
    assert lines[-1]["status"] == "error" and lines[-1]["error"]["reason"] == "empty"
    assert all(len(r["fields"]) == len(tpl.field_ids("2021")) for r in lines[:5])
    assert "6 reports, 1 failed" in res.output

    res = runner.invoke(app, ["check", str(out)])
    assert res.exit_code == 0 and "ambiguous" in res.output

    res = runner.invoke(app, ["show", str(out), "--match", "003_"])
    assert res.exit_code == 0 and "1117" in res.output and "行政许可" in res.output

    csv_path = tmp_path / "r.csv"
    res = runner.invoke(app, ["export", str(out), "--format", "csv", "-o", str(csv_path)])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert len(rows) == 6 and set(tpl.field_ids()) <= set(rows[0])
    by = {Path(r["source.path"]).name[:3]: r for r in rows}
    assert by["002"]["active.fees"] == "562.0678"
    assert by["003"]["applications.new.total"] == "178"


def test_check_names_the_file_and_line_of_a_bad_results_file(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_text('{"not": "a result"}\n', encoding="utf-8")
    res = runner.invoke(app, ["check", str(p)])
    assert res.exit_code == 2 and f"{p}:1" in res.output.replace("\n", "")


def test_committed_json_schemas_are_current() -> None:
    for name, current in (("result", result_json_schema()), ("report", json_schema())):
        committed = json.loads((ROOT / "schema" / f"{name}.schema.json").read_text("utf-8"))
        assert committed == current, f"run `extractor schema` to refresh schema/{name}"


@needs_shared
def test_extract_creates_the_output_folder_and_reports_unwritable_output(tmp_path: Path) -> None:
    seed = str(SHARED / "seeds" / "003_0aa8d14253b31198.txt")
    out = tmp_path / "new" / "dir" / "r.jsonl"
    res = runner.invoke(app, ["extract", seed, "-o", str(out), "-q", "--mode", "template"])
    assert res.exit_code == 0
    assert out.exists()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["extract", seed, "-o", str(blocker / "r.jsonl"), "-q",
                                "--mode", "template"])
    assert res.exit_code == 2 and "cannot write" in res.output
