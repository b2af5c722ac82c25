"""`extractor eval`: outputs, thresholds and exit codes, --compare, --generate-only."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.evaluation.runner import CSV_COLUMNS
from extractor.fixtures import REPO

runner = CliRunner()
FIXTURES = str(REPO / "fixtures" / "cases")
# Layouts that need nothing from ../shared, so these tests run without it.
GEN = ["--generate", "8", "--seed", "2", "--layouts", "tab,pipe_dropped"]


def _eval(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["eval", *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("eval")
    code, output = _eval(FIXTURES, *GEN, "-o", str(out), "-q")
    assert code == 0, output
    return out, output


def test_writes_report_json_fields_csv_and_html(run) -> None:
    out, _ = run
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["mode"] == "template" and report["generated"]["n"] == 8
    assert {"tab", "pipe_dropped"} <= set(report["layouts"])
    n_reports = report["overall"]["reports"]
    assert n_reports == len(report["reports"]) >= 8
    with (out / "fields.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == report["overall"]["fields"]  # gold vs extracted, every field
    assert len({r[0] for r in rows[1:]}) == n_reports
    wrong = sum(r[6] != "correct" for r in rows[1:])
    o = report["overall"]
    assert wrong == o["wrong"] + o["missing"] + o["spurious"]
    assert sum(r[8] == "1" for r in rows[1:]) == o["silent_errors"] == len(report["silent_errors"])


def test_html_report_is_self_contained(run) -> None:
    out, _ = run
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 2 and "Accuracy by layout" in page and "Silent errors" in page
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""src\s*=|href\s*=\s*"[^#]|url\(|@import""", page)  # in-page links only
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page)) - {"http://www.w3.org/2000/svg"}
    assert urls == set()


def test_thresholds_on_the_command_line_set_the_exit_code(tmp_path: Path) -> None:
    code, output = _eval(*GEN, "-o", str(tmp_path), "--min-accuracy", "1.01", "-q")
    assert code == 1 and "FAIL overall: accuracy" in output
    code, output = _eval(*GEN, "-o", str(tmp_path), "--min-accuracy", "0.5", "-q")
    assert code == 0 and "thresholds: 1 passed, 0 failed" in output  # -q: failures only


def test_thresholds_file(tmp_path: Path) -> None:
    limits = tmp_path / "t.toml"
    limits.write_text("[template]\nmin_accuracy = 0.5\n[template.layouts.tab]\n"
                      "min_accuracy = 1.01\n", encoding="utf-8")
    code, output = _eval(*GEN, "-o", str(tmp_path / "o"), "--thresholds", str(limits), "-q")
    assert code == 1 and "FAIL tab: accuracy" in output and "1 passed, 1 failed" in output
    limits.write_text("[template]\nmin_acuracy = 0.5\n", encoding="utf-8")
    code, output = _eval(*GEN, "-o", str(tmp_path / "o"), "--thresholds", str(limits))
    assert code == 2 and "min_acuracy" in output


def test_compare_shows_what_got_better_and_worse(run, tmp_path: Path) -> None:
    out, _ = run
    a = json.loads((out / "report.json").read_text(encoding="utf-8"))
    b = json.loads(json.dumps(a))
    fid = "applications.new.natural_person"
    b["overall"]["accuracy"] -= 0.01
    b["fields"][fid]["accuracy"] = 0.5
    b["reports"][0]["errors"].append({"field": fid, "gold": 1, "got": 2, "status": "wrong",
                                      "flagged": False, "rules": []})
    (tmp_path / "a.json").write_text(json.dumps(a), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(b), encoding="utf-8")
    code, output = _eval("--compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert code == 0, output
    assert re.search(r"accuracy .* worse", output)
    assert fid in output and "1 broken" in output and "(silent)" in output
    code, output = _eval("--compare", str(tmp_path / "a.json"), str(out / "fields.csv"))
    assert code == 2


def test_generate_only_writes_a_set_of_labels(tmp_path: Path) -> None:
    code, output = _eval(FIXTURES, "--generate", "4", "--seed", "9", "--layouts", "pipe",
                         "--generate-only", "-o", str(tmp_path))
    assert code == 0, output
    labels = sorted(tmp_path.glob("*.json"))
    assert len(labels) == 4 and not (tmp_path / "report.json").exists()
    assert all(json.loads(p.read_text(encoding="utf-8"))["layout"] == "pipe" for p in labels)


def test_usage_errors(tmp_path: Path) -> None:
    assert _eval("--mode", "oracle", "-o", str(tmp_path))[0] == 2
    code, output = _eval(str(tmp_path / "nothing"), "-o", str(tmp_path))
    assert code == 2 and "not a label" in output
