"""The generator of messy layouts: deterministic from a seed, labels in the fixture shape that
satisfy rules 1–4 except where an error was injected, layouts that read back through the
pipeline, and every injected arithmetic error flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor import schema
from extractor import template as tpl
from extractor.evaluation import metrics as mx
from extractor.evaluation.files import TEMPLATE_DOCX
from extractor.evaluation.generator import LAYOUTS, MIX, generate, mix_of
from extractor.evaluation.inject import ARITHMETIC
from extractor.evaluation.runner import build_report, extract_cases
from extractor.evaluation.values import make_consistent, typed, violations
from extractor.fixtures import compare, load_case, load_cases

BASES = load_cases()
# Layouts the template reader reads back exactly today. The others (pipe_dropped, digits) hide
# where cells belong: the reader flags its guesses, and the eval keeps them visible.
READS_BACK = ["tab", "tab_shifted", "pipe", "pdf_text", "html_gbk", "docx", "fullwidth",
              "web_noise", "form2019"]
if not TEMPLATE_DOCX.exists():
    READS_BACK.remove("docx")
NO_ERRORS: dict[str, float] = {}
ONLY_ARITHMETIC = dict.fromkeys(ARITHMETIC, 1 / len(ARITHMETIC))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_set_other_seed_other_set(tmp_path: Path) -> None:
    layouts = [n for n in LAYOUTS if n in READS_BACK or n != "docx"]
    generate(BASES, 2 * len(layouts), 5, tmp_path / "a", layouts)
    generate(BASES, 2 * len(layouts), 5, tmp_path / "b", layouts)
    generate(BASES, 2 * len(layouts), 6, tmp_path / "c", layouts)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a.keys() == b.keys()
    for name in a:
        if name.endswith(".json"):  # labels name their own input path: compare the rest
            la, lb = json.loads(a[name]), json.loads(b[name])
            assert la.pop("input") != lb.pop("input") and la == lb, name
        else:
            assert a[name] == b[name], name
    assert sum(a[n] != c.get(n) for n in a) > len(a) // 2


def test_regenerating_replaces_the_set_and_a_foreign_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    generate(BASES, 6, 1, out, ["tab"])
    generate(BASES, 3, 2, out, ["tab"])
    assert len(list(out.glob("*.json"))) == 3
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(BASES, 2, 1, tmp_path / "mine", ["tab"])
    assert (tmp_path / "mine" / "notes.txt").exists()


@pytest.fixture(scope="module")
def mixed_set(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    names = [n for n in LAYOUTS if n != "docx" or "docx" in READS_BACK]
    return generate(BASES, 6 * len(names), 11, tmp_path_factory.mktemp("mixed"), names)


def test_labels_are_fixtures_whose_only_errors_are_the_injected_ones(mixed_set) -> None:
    kinds = set()
    for path in mixed_set:
        case = load_case(path)
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert case.input.exists() and raw["layout"] in LAYOUTS
        assert list(raw["fields"]) == list(tpl.field_ids())  # every id once, template order
        assert schema.field_errors({k: v for k, v in raw["fields"].items() if v is not None}) == {}
        broken = {(v.rule, v.fields) for v in violations(typed(raw["fields"]))}
        expected = {(e["rule"], frozenset(e["fields"])) for e in raw["expected_flags"]
                    if e["rule"] != "R6"}
        assert broken == expected, path.name
        kind = (raw["injected"] or {}).get("kind", "none")
        kinds.add(kind)
        assert bool(broken) == (kind in ARITHMETIC), path.name
        assert {(e["rule"], frozenset(e["fields"])) for e in raw["source_errors"]} == expected
        if kind == "narrative":
            quote = raw["narrative_mismatches"][0]["quote"]
            assert [e["rule"] for e in raw["expected_flags"]] == ["R6"]
            if case.input.suffix in (".txt", ".md"):  # PDF-like text wraps lines
                assert quote in case.input.read_text(encoding="utf-8").replace("\n", "")
        for fid in raw["cells"]:  # blank / placeholder cells are zeros
            assert raw["fields"][fid] == 0
    assert kinds == {"none", *ARITHMETIC, "narrative"}


def test_2019_form_labels(mixed_set) -> None:
    for path in (p for p in mixed_set if p.name.endswith("form2019.json")):
        f = load_case(path).fields
        assert load_case(path).template == "2019" and f["meta.year"] in (2019, 2020)
        assert all(f[x] is None for x in tpl.ACTIVE.field_ids())
        assert all(f[x] is not None for x in tpl.ACTIVE_2019.field_ids())
        assert f["applications.other.no_correction.total"] is None


def test_consistent_values_keep_rules_1_to_4() -> None:
    for case in BASES:  # hongze_2023 prints two R4 errors: made consistent, they are gone
        assert violations(make_consistent(typed(case.fields))) == []


def _eval(paths: list[Path]) -> tuple[dict, list[mx.CaseScore]]:
    runs = extract_cases([mx.load_eval_case(p) for p in paths], "template")
    return build_report(runs, "template")


@pytest.mark.parametrize("layout", READS_BACK)
def test_layout_reads_back_exactly(layout: str, tmp_path: Path) -> None:
    paths = generate(BASES, 4, 21, tmp_path, [layout], mix=NO_ERRORS)
    for path in paths:
        case = load_case(path)
        from extractor.pipeline import extract_file

        wrong = compare(case, extract_file(case.input))
        assert wrong == [], (path.name, wrong[:3])


def test_every_injected_arithmetic_error_is_flagged(tmp_path: Path) -> None:
    paths = generate(BASES, 5 * len(READS_BACK), 3, tmp_path, READS_BACK, mix=ONLY_ARITHMETIC)
    report, scores = _eval(paths)
    o = report["overall"]
    assert o["arith_expected"] >= len(paths)  # each error breaks at least one identity
    missed = [(r["id"], r["missed_flags"]) for r in report["reports"] if r["missed_flags"]]
    assert o["arith_flag_recall"] == 1.0, missed
    assert o["accuracy"] == 1.0  # the wrong numbers are read as printed
    assert {cs.injected for cs in scores} == set(ARITHMETIC)


def test_a_set_can_inject_chosen_kinds_only(tmp_path: Path) -> None:
    paths = generate(BASES, 6, 2, tmp_path, ["tab"], mix=mix_of(["narrative"]))
    labels = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    assert {lb["injected"]["kind"] for lb in labels} == {"narrative"}
    assert all(lb["narrative_mismatches"] for lb in labels)
    assert mix_of(None) == MIX
    with pytest.raises(ValueError, match=r"unknown error kinds.*narrative"):
        mix_of(["narative"])


def test_the_eval_survives_layouts_the_reader_gets_wrong(tmp_path: Path) -> None:
    # Whatever the reader does with them (today: misplaced cells, a crash on digit runs), every
    # case is scored and each layout appears in the report.
    names = [n for n in LAYOUTS if n not in READS_BACK and n != "docx"]
    paths = generate(BASES, 3 * len(names), 8, tmp_path, names)
    report, scores = _eval(paths)
    assert len(report["reports"]) == len(paths)
    assert set(names) <= set(report["layouts"])
    for cs in scores:
        assert cs.fields and all(o.status in ("correct", "wrong", "missing", "spurious")
                                 for o in cs.fields)
