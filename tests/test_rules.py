"""The rule engine: identities, the extraction/source verdict, grounding, rule 5, 6 and 8."""

from __future__ import annotations

from decimal import Decimal

from extractor import template as tpl
from extractor.pipeline import apply_batch_rules, recheck
from extractor.reader import read
from extractor.results import Claim, ReportResult, SourceInfo
from extractor.rules import RULES, verify
from tests.layouts import app_rows, report

REVIEW = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5]  # 行政复议 total printed 0: 10+1 ≠ 0


def _text(**kw) -> str:
    rows = app_rows({"new": [5, 0, 0, 0, 0, 0], "granted": [5, 0, 0, 0, 0, 0],
                     "total": [5, 0, 0, 0, 0, 0]})
    return report(rows, "tab", **kw)


def test_rules_are_declared_with_ids_severity_and_fields() -> None:
    assert [r.id for r in RULES] == ["R1", "R2", "R3", "R4", "R7", "R9"]
    for rule in RULES:
        checks = list(rule.checks("2021"))
        assert checks and all(set(c.fields) <= set(tpl.field_ids()) for c in checks)


def test_a_report_that_does_not_add_up_is_a_source_error() -> None:
    text = _text(review=REVIEW)
    ex = read(text)
    flags = [f for f in verify(ex, text) if f.rule == "R4"]
    assert len(flags) == 1
    f = flags[0]
    assert (f.kind, f.severity, f.expected, f.found) == ("source", "error", 11, 0)
    assert set(f.fields) == {f"review.{c}" for c in ("upheld", "corrected", "other", "pending",
                                                     "total")}


def test_a_misread_value_is_an_extraction_error() -> None:
    text = _text()
    ex = read(text)
    ex.fields["applications.granted.natural_person"] = 50  # not what the text says
    flags = verify(ex, text)
    grounding = [f for f in flags if f.rule == "grounding"]
    assert grounding and grounding[0].fields == ["applications.granted.natural_person"]
    r1 = [f for f in flags if f.rule == "R1" and "applications.granted.total" in f.fields]
    assert r1 and r1[0].kind == "extraction"


def test_a_value_without_evidence_or_far_from_its_row_is_suspected() -> None:
    text = _text() + "附记：" + "文字" * 300 + "共办理 2377 件。\n"
    ex = read(text)
    ex.fields["applications.denied.state_secret.natural_person"] = 7
    ex.evidence.pop("applications.denied.state_secret.natural_person")
    ex.fields["active.licensing"] = 2377  # printed, but only in prose far from 行政许可
    at = text.index("2377")
    far = ex.evidence["active.licensing"].model_copy(
        update={"start": at, "end": at + 4, "text": "2377"})
    ex.evidence["active.licensing"] = far
    msgs = {f.fields[0]: f.message for f in verify(ex, text) if f.rule == "grounding"}
    assert "no evidence" in msgs["applications.denied.state_secret.natural_person"]
    assert "hallucination" in msgs["active.licensing"]


def test_negative_count_breaks_rule_5() -> None:
    text = _text()
    ex = read(text)
    ex.fields["active.punishment"] = -3
    r5 = [f for f in verify(ex, text) if f.rule == "R5"]
    assert r5 and r5[0].fields == ["active.punishment"] and r5[0].severity == "error"


def test_rule_9_and_rule_7_are_warnings() -> None:
    text = _text().replace("行政规范性文件\t0\t0\t0", "行政规范性文件\t5\t0\t2")
    ex = read(text)
    ex.fields["meta.published"] = __import__("datetime").date(2023, 6, 1)
    flags = {f.rule: f for f in verify(ex, text)}
    assert flags["R9"].severity == "warning" and flags["R9"].kind == "source"
    assert flags["R7"].severity == "warning"


def test_rule_6_claims() -> None:
    text = _text() + "\n共受理申请 6 件，其中予以公开 5 件。发布信息 355 条，其中 4 条、284 条。\n"
    ex = read(text)
    ex.claims = [
        Claim(quote="共受理申请 6 件", value=6, cell="applications.new.total"),
        Claim(quote="发布信息 355 条", value=355,
              parts=[Claim(quote="4 条", value=4), Claim(quote="284 条", value=284)]),
    ]
    r6 = [f for f in verify(ex, text) if f.rule == "R6"]
    assert len(r6) == 2 and all(f.severity == "warning" and f.kind == "source" for f in r6)
    assert r6[0].found == "6" and r6[0].expected == "5"
    assert r6[1].expected == "288" and r6[1].quotes[0] == "发布信息 355 条"


def _result(agency: str, year: int, carried_over: int, carried_forward: int) -> ReportResult:
    fields = {f: 0 for f in tpl.field_ids("2021")}
    fields.update({"meta.agency": agency, "meta.year": year,
                   "applications.carried_over.total": carried_over,
                   "applications.carried_forward.total": carried_forward})
    return ReportResult(source=SourceInfo(path=f"{agency}{year}"), template="2021", fields=fields)


def test_rule_8_across_years_of_one_agency() -> None:
    batch = [_result("淮安市洪泽区人民政府", 2024, 3, 0), _result("洪泽区人民政府", 2023, 0, 2),
             _result("别的局", 2024, 9, 0)]
    apply_batch_rules(batch)
    r8 = [f for f in batch[0].flags if f.rule == "R8"]
    assert len(r8) == 1 and r8[0].expected == 2 and r8[0].found == 3
    assert not batch[1].flags and not batch[2].flags


def test_recheck_clears_a_flag_once_the_value_is_corrected() -> None:
    from extractor.normalise import normalise
    from extractor.pipeline import build_result

    text = _text(review=REVIEW)
    nt = normalise(text)
    result = build_result(SourceInfo(path="x"), read(nt.text), nt)
    assert any(f.rule == "R4" for f in result.flags)
    result.fields["review.total"] = 11
    # the reviewer's corrected value is not what is printed: grounding says so, R4 is satisfied
    after = recheck(result)
    assert not any(f.rule == "R4" for f in after.flags)
    assert Decimal(after.fields["review.total"]) == 11


def test_a_reviewed_value_is_grounded_by_the_reviewer() -> None:
    text = _text()
    ex = read(text)
    ex.fields["applications.granted.natural_person"] = 50  # the text says 5
    assert any(f.rule == "grounding" for f in verify(ex, text))
    ex.extractors["applications.granted.natural_person"] = "review"
    assert not any(f.rule == "grounding" for f in verify(ex, text))
