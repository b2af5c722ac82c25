"""The eval's metrics on tiny hand-made cases whose right numbers are known."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.evaluation import compare as cmp
from extractor.evaluation import metrics as mx
from extractor.evaluation import thresholds as th
from extractor.fixtures import REPO, Case
from extractor.results import Evidence, Flag, ReportResult, SourceInfo

ROW = [f"applications.granted.{c}" for c in
       ("natural_person", "commercial", "research", "social_welfare", "legal_service",
        "other_org", "total")]
A, B, C, D = "review.upheld", "review.corrected", "review.other", "review.pending"


def _case(fields: dict, cid: str = "c1") -> Case:
    return Case(id=cid, input=Path("x.txt"), template="2021", fields=fields)


def _result(text: str, values: dict, flags: list[Flag] = (), status: str = "ok",
            evidence: dict | None = None, timings: dict | None = None) -> ReportResult:
    """A result whose evidence points at the first occurrence of each value in `text`."""
    ev = {}
    for fid, v in values.items():
        if v is None:
            continue
        at = text.find(str(v))
        ev[fid] = Evidence(start=max(at, 0), end=max(at, 0) + len(str(v)), text=str(v))
    ev.update(evidence or {})
    return ReportResult(source=SourceInfo(path="x.txt"), status=status, fields=values,
                        evidence=ev, flags=list(flags), text=text, timings=timings or {})


def _flag(rule: str, fields: list[str], severity: str = "error", **kw) -> Flag:
    return Flag(rule=rule, severity=severity, kind="source", fields=fields, message=rule, **kw)


def test_each_status_and_silent_errors() -> None:
    # a right; b wrong but flagged; c spurious (label has none) and unflagged; d missing.
    case = _case({A: 5, B: 3, C: None, D: 7})
    result = _result("5 4 2", {A: 5, B: 4, C: 2, D: None},
                     flags=[_flag("R4", [B], severity="warning")])
    cs = mx.score_case(mx.EvalCase(case, "tab", []), result, fields=[A, B, C, D])
    status = {o.field: o.status for o in cs.fields}
    assert status == {A: "correct", B: "wrong", C: "spurious", D: "missing"}
    assert [o.field for o in cs.fields if o.silent] == [C]  # B is flagged; D is not a value
    m = mx.overall([cs]).metrics()
    assert m["accuracy"] == 0.25
    assert (m["wrong"], m["missing"], m["spurious"], m["silent_errors"]) == (1, 1, 1, 1)
    assert m["exact_rate"] == 0.0


def test_a_value_not_in_the_source_is_spurious_even_where_the_label_has_one() -> None:
    case = _case({A: 5, B: 3})
    bad = Evidence(start=0, end=1, text="9")  # the text holds no 9: invented
    result = _result("5 3", {A: 9, B: 3}, evidence={A: bad, B: Evidence(start=2, end=3,
                                                                       text="3")})
    cs = mx.score_case(mx.EvalCase(case, "tab", []), result, fields=[A, B])
    assert [o.status for o in cs.fields] == ["spurious", "correct"]
    assert cs.fields[0].silent and not cs.fields[0].grounded
    # a right value without any evidence is still right, but counted as ungrounded
    result = _result("5 3", {A: 5, B: 3})
    result.evidence.pop(B)
    m = mx.overall([mx.score_case(mx.EvalCase(case, "tab", []), result, fields=[A, B])]).metrics()
    assert (m["accuracy"], m["ungrounded"]) == (1.0, 1)


def test_blank_cells_and_the_form_need_no_printed_evidence() -> None:
    case = _case({A: 0, "meta.template": "2021"})
    blank = Evidence(start=3, end=3, text="", cell="blank")
    result = _result("abc", {A: 0, "meta.template": "2021"}, evidence={A: blank})
    cs = mx.score_case(mx.EvalCase(case, "tab", []), result, fields=[A, "meta.template"])
    assert all(o.grounded and o.status == "correct" for o in cs.fields)


def test_flag_recall_and_precision() -> None:
    row = frozenset(ROW)
    expected = [mx.Expected("R1", row, "changed_cell"),
                mx.Expected("R4", frozenset({A, B, C, D, "review.total"}), "wrong_total"),
                mx.Expected("R6", frozenset(), "narrative", quote="发布信息 355 条，其中：4 条")]
    values = dict.fromkeys(ROW, 1) | {A: 0, B: 0, C: 0, D: 0, "review.total": 1}
    flags = [
        _flag("R1", list(reversed(ROW))),  # same fields, any order: catches the first
        _flag("R3", ["applications.total.research"]),  # on a right field, nothing expected
        _flag("R6", [], severity="warning", quotes=["发布信息355条"]),  # quote, spaces aside
        _flag("ambiguous", [A], severity="warning"),  # a warning: not counted for precision
    ]
    case = _case(values | {"applications.total.research": 0})
    result = _result("1 0", values | {"applications.total.research": 0}, flags=flags)
    cs = mx.score_case(mx.EvalCase(case, "tab", expected), result,
                       fields=[*ROW, A, B, C, D, "review.total", "applications.total.research"])
    assert [ok for _, ok in cs.expected] == [True, False, True]
    m = mx.overall([cs]).metrics()
    assert (m["expected_flags"], m["caught_flags"]) == (3, 2)
    assert m["arith_flag_recall"] == 0.5 and m["narrative_flag_recall"] == 1.0
    assert (m["raised_flags"], m["useful_flags"]) == (3, 2)  # the R3 is a false alarm
    assert m["flag_precision"] == pytest.approx(2 / 3)
    assert m["warnings_per_report"] == 2


def test_an_arithmetic_flag_on_an_unplaceable_column_is_caught_in_its_table_only() -> None:
    # The report dropped the row's empty cells, so the reader put the lone "2" in the first
    # column and flagged the row ambiguous: rule 3 fails on natural_person, not on total.
    total_col = frozenset(f"applications.{r}.total" for r in ("granted", "total"))
    first_col = [f"applications.{r}.natural_person" for r in ("granted", "total")]
    expected = [mx.Expected("R3", total_col, "wrong_total")]
    values = dict.fromkeys([*ROW, *first_col], 0)
    case = _case(values)

    def score(flags: list[Flag]) -> mx.CaseScore:
        return mx.score_case(mx.EvalCase(case, "pipe_dropped", expected),
                             _result("2", values, flags=flags), fields=list(values))

    r3 = _flag("R3", first_col)
    guess = _flag("ambiguous", ROW, severity="warning")
    review_r3 = _flag("R3", [A])  # not rule 3's table: never a catch
    assert [ok for _, ok in score([r3]).expected] == [False]  # no ambiguity said: a miss
    assert [ok for _, ok in score([review_r3, guess]).expected] == [False]
    cs = score([r3, guess])
    assert [ok for _, ok in cs.expected] == [True] and cs.unplaced_catches == 1
    m = mx.overall([cs]).metrics()
    assert (m["arith_flag_recall"], m["arith_caught_unplaced"]) == (1.0, 1)
    exact = score([_flag("R3", sorted(total_col)), guess])
    assert exact.unplaced_catches == 0 and exact.expected[0][1]


def test_a_flag_on_a_misread_field_is_useful_even_when_nothing_was_expected() -> None:
    case = _case({A: 5})
    result = _result("6", {A: 6}, flags=[_flag("grounding", [A])])
    cs = mx.score_case(mx.EvalCase(case, "tab", []), result, fields=[A])
    assert cs.raised[0][1] is True and not cs.fields[0].silent


def test_tallies_per_layout_section_and_field() -> None:
    good = mx.score_case(mx.EvalCase(_case({A: 1, "meta.year": 2023}, "g"), "tab", []),
                         _result("1 2023", {A: 1, "meta.year": 2023}, timings={"read": 0.1}),
                         seconds=2.0, fields=[A, "meta.year"])
    bad = mx.score_case(mx.EvalCase(_case({A: 1, "meta.year": 2023}, "b"), "pipe", []),
                        _result("2 2023", {A: 2, "meta.year": 2023}), seconds=4.0,
                        fields=[A, "meta.year"])
    total = mx.overall([good, bad]).metrics()
    assert total["accuracy"] == 0.75 and total["exact_rate"] == 0.5
    assert total["silent_errors"] == 1 and total["seconds_mean"] == 3.0
    layouts = mx.ordered(mx.tally_by([good, bad], "layout"), ["pipe", "tab"])
    assert list(layouts) == ["pipe", "tab"]
    assert layouts["tab"]["accuracy"] == 1.0 and layouts["pipe"]["accuracy"] == 0.5
    sections = mx.tally_by([good, bad], "section")
    assert sections["review"].metrics()["accuracy"] == 0.5
    assert sections["meta"].metrics()["accuracy"] == 1.0
    assert mx.tally_by([good, bad], "field")[A].metrics()["wrong"] == 1
    assert total["flag_recall"] is None  # nothing expected: no recall to speak of


def test_an_error_result_misses_every_field_with_a_value() -> None:
    case = _case({A: 1, B: None})
    result = ReportResult(source=SourceInfo(path="x"), status="error")
    cs = mx.score_case(mx.EvalCase(case, "tab", []), result, fields=[A, B])
    m = mx.overall([cs]).metrics()
    assert (m["missing"], m["correct"], m["failed"], m["exact_rate"]) == (1, 1, 1, 0.0)


def test_tokens_are_read_where_present_and_absence_is_tolerated() -> None:
    assert mx.tokens_of(_result("", {}, timings={"read": 1.0})) is None
    assert mx.tokens_of(_result("", {}, timings={"tokens": 1200})) == 1200
    assert mx.tokens_of(_result("", {}, timings={"tokens_in": 1000, "tokens_out": 200})) == 1200
    r = _result("", {})
    r.usage = {"calls": 1, "prompt_tokens": 555, "completion_tokens": 113}  # what LLM modes record
    assert mx.tokens_of(r) == 668


def test_scored_fields_are_the_form_plus_whatever_the_result_filled() -> None:
    case = _case({})
    result = _result("", {"active2019.rules.made": 3})
    fields = mx.scored_fields(case, result)
    assert "active2019.rules.made" in fields and "active2019.rules.published" not in fields
    assert "active.rules.issued" in fields


def test_fixture_labels_give_expected_flags() -> None:
    hongze = mx.load_eval_case(REPO / "fixtures" / "cases" / "hongze_2023.json")
    assert hongze.layout == "real_pdf" and not hongze.generated
    assert [(e.rule, e.origin) for e in hongze.expected] == [("R4", "labelled")] * 2
    seed = mx.load_eval_case(REPO / "fixtures" / "cases" / "seed_000.json")
    assert seed.layout == "real_text"
    assert [(e.rule, e.category) for e in seed.expected] == [("R6", "narrative")]
    assert "355" in (seed.expected[0].quote or "")


def test_thresholds() -> None:
    report = {"overall": {"accuracy": 0.98, "silent_errors": 3, "arith_flag_recall": None},
              "layouts": {"tab": {"arith_flag_recall": 0.5}}}
    checks = th.check(report, {"min_accuracy": 0.99, "max_silent_errors": 3,
                               "min_arith_flag_recall": 1.0,
                               "layouts": {"tab": {"min_arith_flag_recall": 1.0},
                                           "docx": {"min_accuracy": 1.0}}})
    got = {(c["scope"], c["threshold"]): c["ok"] for c in checks}
    assert got == {("overall", "min_accuracy"): False, ("overall", "max_silent_errors"): True,
                   ("overall", "min_arith_flag_recall"): True,  # nothing expected: nothing missed
                   ("tab", "min_arith_flag_recall"): False}  # docx is not in this run


def test_thresholds_file(tmp_path: Path) -> None:
    f = tmp_path / "t.toml"
    f.write_text("[template]\nmin_accuracy = 0.9\n[template.layouts.tab]\nmax_silent_errors = 0"
                 "\n[hybrid]\nmin_acuracy = 1\n", encoding="utf-8")
    assert th.load(f, "template") == {"min_accuracy": 0.9,
                                      "layouts": {"tab": {"max_silent_errors": 0}}}
    assert th.load(f, "llm") == {}
    with pytest.raises(ValueError, match="min_acuracy"):
        th.load(f, "hybrid")


def _report(acc: float, errors: list[tuple[str, str]]) -> dict:
    return {"mode": "template", "created": "t", "overall": {"accuracy": acc, "silent_errors": 1},
            "layouts": {"tab": {"accuracy": acc}},
            "fields": {A: {"accuracy": acc, "silent_errors": 0}},
            "reports": [{"id": "c1", "errors": [{"field": f, "gold": 1, "got": 2,
                                                 "flagged": k == "flagged"} for f, k in errors]}]}


def test_compare_says_what_got_better_or_worse() -> None:
    a = _report(0.5, [(A, "silent"), (B, "flagged")])
    b = _report(0.75, [(B, "flagged"), (C, "silent")])
    diff = cmp.compare(a, b)
    overall = {p["metric"]: p["verdict"] for p in diff["overall"]}
    assert overall["accuracy"] == "better" and overall["silent_errors"] == "same"
    assert [(f["field"], f["verdict"]) for f in diff["fields"]] == [(A, "better")]
    assert [e["field"] for e in diff["fixed"]] == [A]
    assert [e["field"] for e in diff["broken"]] == [C]
    assert cmp.verdict("silent_errors", 1, 3) == "worse"
    assert cmp.verdict("seconds_mean", 2.0, 1.0) == "better"
