"""The review app through Flask's test client: queue, flag page, decisions and the rules re-run,
the audit trail, concurrency, export, and safety with hostile report text."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from extractor import export
from extractor.exceptions import ExtractorError
from extractor.fixtures import load_case
from extractor.review.app import create_app
from extractor.review.migrations import LATEST
from extractor.review.store import FlagRow, Store
from tests.review_support import BROKEN_TOTAL, csrf_token, make_results


@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_results(tmp_path_factory.mktemp("review"))


@pytest.fixture
def db(tmp_path: Path, results_file: Path) -> Path:
    path = tmp_path / "review.sqlite"
    store = Store(path)
    store.import_results(export.read_jsonl(results_file))
    store.close()
    return path


@pytest.fixture
def app(db: Path, tmp_path: Path) -> Flask:
    return create_app(db, fixtures_root=tmp_path, testing=True)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _flags(db: Path, **kw: Any) -> list[FlagRow]:
    store = Store(db)
    try:
        return store.queue(**{"status": None, **kw})
    finally:
        store.close()


def _flag(db: Path, rule: str, path_part: str) -> FlagRow:
    return next(f for f in _flags(db) if f.flag.rule == rule and path_part in f.report_path)


def _decide(client: FlaskClient, flag_id: int, action: str, **data: str):
    page = client.get(f"/flag/{flag_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version
    form = {"csrf_token": csrf_token(page), "version": version.group(1), "reviewer": "ann",
            action: "1", **data}
    return client.post(f"/flag/{flag_id}/decide", data=form)


def test_queue_lists_errors_first_and_filters(client: FlaskClient, db: Path) -> None:
    flags = _flags(db, status="open")
    severities = [f.flag.severity for f in flags]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert {"R1", "R2", "R3", "R4", "ambiguous"} <= {f.flag.rule for f in flags}
    page = client.get("/").get_data(as_text=True)
    assert page.index("badge error") < page.index("badge warning")
    r4 = client.get("/?rule=R4").get_data(as_text=True)
    assert "R4" in r4 and "ambiguous" not in r4.split("<tbody>")[1]
    extraction = client.get("/?kind=extraction").get_data(as_text=True).split("<tbody>")[1]
    assert "<td>ambiguous</td>" in extraction and "<td>R4</td>" not in extraction
    hongze = _flag(db, "R4", "hongze_2023")
    one = client.get(f"/?report={hongze.report_id}").get_data(as_text=True)
    assert one.count('class="flag-link"') == 2


def test_flag_page_shows_field_label_value_and_highlighted_evidence(
        client: FlaskClient, db: Path) -> None:
    flag = _flag(db, "R4", "hongze_2023")
    page = client.get(f"/flag/{flag.id}").get_data(as_text=True)
    assert "review.total" in page and "四 · 行政复议 · 总计" in page
    assert 'id="focus-value">0<' in page and "expected 11, found 0" in page
    for other in ("review.upheld", "review.corrected", "review.other", "review.pending"):
        assert other in page
    # the evidence span is marked, inside the marked row, and the page scrolls to it
    assert re.search(r'<span class="ev row" id="evidence">0</span>', page)
    assert '<span class="row">' in page


def test_correcting_a_total_clears_the_flags_it_caused(client: FlaskClient, db: Path) -> None:
    r1 = _flag(db, "R1", "hostile")
    caused = {f.id for f in _flags(db, report_id=r1.report_id)}
    assert {f.flag.rule for f in _flags(db, report_id=r1.report_id)} == {"R1", "R2", "R3"}
    resp = _decide(client, r1.id, "correct", field=BROKEN_TOTAL, value="21")
    assert resp.status_code == 302
    after = _flags(db, report_id=r1.report_id)
    assert {f.id for f in after} == caused and {f.status for f in after} == {"cleared"}
    store = Store(db)
    result = store.result(r1.report_id)
    (d,) = store.decisions(report_id=r1.report_id)
    store.close()
    assert result.fields[BROKEN_TOTAL] == 21 and result.extractors[BROKEN_TOTAL] == "review"
    assert (d.action, d.field, d.old_value, d.new_value, d.reviewer) == (
        "correct", BROKEN_TOTAL, 12, 21, "ann")
    # the cleared flag still shows its decision, and the trail lists it
    page = client.get(f"/flag/{r1.id}").get_data(as_text=True)
    assert "cleared" in page and "12 → 21" in page
    assert "12 → 21" in client.get("/decisions").get_data(as_text=True)


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "expected a whole number"), ("-3", "greater than or equal to 0"),
    ("2.5", "expected a whole number"), ("", "enter the corrected value"),
])
def test_a_bad_correction_is_refused_with_the_schema_message(
        client: FlaskClient, db: Path, value: str, message: str) -> None:
    flag = _flag(db, "R1", "hostile")
    resp = _decide(client, flag.id, "correct", field=BROKEN_TOTAL, value=value)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    store = Store(db)
    assert store.decisions() == [] and store.result(flag.report_id).fields[BROKEN_TOTAL] == 12
    store.close()


def test_source_error_needs_a_note_and_is_kept(client: FlaskClient, db: Path) -> None:
    flag = _flag(db, "R4", "hongze_2023")
    assert _decide(client, flag.id, "source_error", field="review.total").status_code == 422
    resp = _decide(client, flag.id, "source_error", field="review.total",
                   note="printed 总计 0 but 10+1+0+0 = 11")
    assert resp.status_code == 302
    assert "reviewer=ann" in resp.headers["Set-Cookie"]
    (now,) = [f for f in _flags(db) if f.id == flag.id]
    assert now.status == "decided"
    # the next page pre-fills the reviewer from the cookie
    assert 'value="ann"' in client.get(f"/flag/{flag.id}").get_data(as_text=True)


def test_accept_decides_the_flag_and_the_queue_moves_on(client: FlaskClient, db: Path) -> None:
    flag = _flag(db, "ambiguous", "004")
    resp = _decide(client, flag.id, "accept", field=flag.flag.fields[0])
    assert resp.status_code == 302
    assert f"/flag/{flag.id}" not in resp.headers["Location"]
    assert [f.status for f in _flags(db) if f.id == flag.id] == ["decided"]
    assert f'#{flag.id}<' not in client.get("/").get_data(as_text=True)
    assert f'#{flag.id}<' in client.get("/?status=decided").get_data(as_text=True)


def test_a_stale_form_gets_a_conflict_page_naming_the_other_decision(
        client: FlaskClient, db: Path, app: Flask) -> None:
    flag = _flag(db, "R4", "hongze_2023")
    page = client.get(f"/flag/{flag.id}").get_data(as_text=True)
    stale = {"csrf_token": csrf_token(page), "version": "1", "reviewer": "bob",
             "field": "review.total", "value": "11", "correct": "1"}
    other = app.test_client()
    assert _decide(other, flag.id, "source_error", field="review.total",
                   note="report is wrong").status_code == 302
    resp = client.post(f"/flag/{flag.id}/decide", data=stale)
    assert resp.status_code == 409
    text = resp.get_data(as_text=True)
    assert "not</b> saved" in text and "report is wrong" in text and "ann" in text
    store = Store(db)
    assert [d.reviewer for d in store.decisions()] == ["ann"]
    assert store.result(flag.report_id).fields["review.total"] == 0
    store.close()


def test_post_without_csrf_token_is_refused(client: FlaskClient, db: Path) -> None:
    flag = _flag(db, "R4", "hongze_2023")
    resp = client.post(f"/flag/{flag.id}/decide", data={
        "version": "1", "reviewer": "eve", "field": "review.total", "value": "11",
        "correct": "1"})
    assert resp.status_code == 400 and "CSRF" in resp.get_data(as_text=True)
    resp = client.post(f"/export/case/{flag.report_id}", data={"r1-case_id": "x"})
    assert resp.status_code == 400
    assert _flags(db, status="decided") == []


def test_hostile_report_text_is_escaped_and_headers_forbid_inline_script(
        client: FlaskClient, db: Path) -> None:
    flag = _flag(db, "R1", "hostile")
    resp = client.get(f"/flag/{flag.id}")
    page = resp.get_data(as_text=True)
    assert "&lt;script&gt;window.__pwned=1" in page and "<script>window" not in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page
    # every script is a file of ours; the CSP forbids inline script and other origins
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/review.js" defer>']
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_nothing_outside_the_package_static_folder_is_served(client: FlaskClient,
                                                              db: Path) -> None:
    assert client.get("/static/review.css").status_code == 200
    for url in ("/static/../store.py", "/static/%2e%2e/store.py", "/static//etc/passwd",
                f"/static/{db}", "/review.sqlite", "/flag/99999", "/export/case/1"):
        assert client.get(url, follow_redirects=True).status_code in (404, 405), url


def test_restart_shows_the_same_state(client: FlaskClient, db: Path, tmp_path: Path) -> None:
    flag = _flag(db, "R1", "hostile")
    _decide(client, flag.id, "correct", field=BROKEN_TOTAL, value="21")
    client.get("/")  # takes the flashed message
    before = client.get("/decisions").get_data(as_text=True)
    again = create_app(db, fixtures_root=tmp_path, testing=True).test_client()
    after = again.get("/decisions").get_data(as_text=True)
    assert after == before and "12 → 21" in after
    assert again.get("/?status=cleared").get_data(as_text=True).count('class="flag-link"') == 3


def test_reimport_keeps_decisions_and_replays_corrections(
        client: FlaskClient, db: Path, results_file: Path) -> None:
    flag = _flag(db, "R1", "hostile")
    _decide(client, flag.id, "correct", field=BROKEN_TOTAL, value="21")
    store = Store(db)
    assert store.import_results(export.read_jsonl(results_file)).unchanged == 8
    # a newer extraction of the same file (same sha256): corrections are replayed on it
    changed = [r.model_copy(update={"timings": {"read": 9.0}})
               for r in export.read_jsonl(results_file)]
    assert store.import_results(changed).updated == 8
    assert len(store.decisions()) == 1
    assert store.result(flag.report_id).fields[BROKEN_TOTAL] == 21
    assert {f.status for f in store.queue(report_id=flag.report_id, status=None)} == {"cleared"}
    store.close()


def test_decisions_are_append_only(db: Path, client: FlaskClient) -> None:
    flag = _flag(db, "R4", "hongze_2023")
    _decide(client, flag.id, "accept", field="review.total")
    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE decisions SET reviewer = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM decisions")
    con.close()


def test_store_migrations(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path).close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == LATEST
    con.execute("INSERT INTO schema_version VALUES (?)", (LATEST + 1,))
    con.commit()
    con.close()
    with pytest.raises(ExtractorError, match="newer"):
        Store(path)


def test_rule_8_runs_across_the_store(client: FlaskClient, db: Path) -> None:
    """Correcting 2023's 结转下年度 makes 2024's 上年结转 disagree: an R8 flag on 2024."""
    flag = _flag(db, "R4", "hongze_2023")
    assert not [f for f in _flags(db) if f.flag.rule == "R8"]
    store = Store(db)
    version = store.report(flag.report_id).version
    # the R4 flag's fields do not include carried_forward: decide through the store directly
    store._db.execute("UPDATE flags SET data = json_set(data, '$.fields[5]', ?) WHERE id = ?",
                      ("applications.carried_forward.total", flag.id))
    store.decide(flag.id, "correct", field="applications.carried_forward.total",
                 reviewer="ann", base_version=version, value="3")
    r8 = [f for f in store.queue(status=None) if f.flag.rule == "R8"]
    store.close()
    assert [(f.flag.fields, "hongze_2024" in f.report_path) for f in r8] == [
        (["applications.carried_over.total"], True)]


def test_export_jsonl_csv_and_fixture(client: FlaskClient, db: Path, tmp_path: Path) -> None:
    fixed = _flag(db, "R1", "hostile")
    _decide(client, fixed.id, "correct", field=BROKEN_TOTAL, value="21")
    wrong = _flag(db, "R4", "hongze_2023")
    _decide(client, wrong.id, "source_error", field="review.total", note="printed 0, sum 11")
    lines = client.get("/export/results.jsonl").get_data(as_text=True).splitlines()
    results = {Path(r["source"]["path"]).name: r for r in map(json.loads, lines)}
    assert len(results) == 8
    hostile = results["hostile_000.txt"]
    assert hostile["fields"][BROKEN_TOTAL] == 21 and hostile["flags"] == []
    assert hostile["extractors"][BROKEN_TOTAL] == "review"
    hz = results["hongze_2023.pdf"]
    assert [f["kind"] for f in hz["flags"]] == ["source", "source"]
    csv_text = client.get("/export/results.csv").get_data(as_text=True)
    header, *rows = csv_text.splitlines()
    col = header.split(",").index(BROKEN_TOTAL)
    assert next(r for r in rows if "hostile" in r).split(",")[col] == "21"
    # save as fixture: the fixture loader reads it back
    page = client.get("/export").get_data(as_text=True)
    prefix = f"r{wrong.report_id}-"
    resp = client.post(f"/export/case/{wrong.report_id}", data={
        f"{prefix}csrf_token": csrf_token(page, prefix), f"{prefix}case_id": "hongze_2023_rv",
        f"{prefix}folder": "fixtures/reviewed"})
    assert resp.status_code == 302
    case = load_case(tmp_path / "fixtures" / "reviewed" / "hongze_2023_rv.json")
    assert case.input.name == "hongze_2023.pdf" and case.input.exists()
    assert case.fields["review.total"] == 0 and case.fields["active2019.rules.made"] is None
    assert case.source_errors == [{"rule": "R4", "fields": wrong.flag.fields,
                                   "note": "printed 0, sum 11"}]
    assert "source error" in case.notes


@pytest.mark.parametrize("folder", ["../outside", "/tmp/elsewhere", "a/../../b"])
def test_fixture_folder_must_stay_inside_the_root(client: FlaskClient, db: Path,
                                                  tmp_path: Path, folder: str) -> None:
    rid = _flag(db, "R4", "hongze_2023").report_id
    page = client.get("/export").get_data(as_text=True)
    prefix = f"r{rid}-"
    resp = client.post(f"/export/case/{rid}", data={
        f"{prefix}csrf_token": csrf_token(page, prefix), f"{prefix}case_id": "x",
        f"{prefix}folder": folder}, follow_redirects=True)
    assert "Not saved" in resp.get_data(as_text=True)
    assert not list(tmp_path.parent.glob("**/x.json"))


def test_review_command_imports_then_serves(results_file: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app as cli
    from extractor.review import serve as serve_mod

    served: list[tuple[Path, str, int]] = []
    monkeypatch.setattr(serve_mod, "serve", lambda db, host, port, say: served.append(
        (db, host, port)))
    db = tmp_path / "r.sqlite"
    first = CliRunner().invoke(cli, ["review", str(results_file), "--db", str(db), "--port", "0"])
    assert first.exit_code == 0, first.output
    assert "8 new" in first.output and "flags: 6 open" in first.output
    # the store alone reopens it; the default host stays on loopback
    again = CliRunner().invoke(cli, ["review", str(db)])
    assert again.exit_code == 0 and "8 reports" in again.output
    assert served == [(db, "127.0.0.1", 0), (db, "127.0.0.1", 8765)]
