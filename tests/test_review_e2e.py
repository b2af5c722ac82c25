"""The review page in real headless Chromium (Debian's, driven by Playwright): a reviewer
corrects a total, marks a source error, accepts a warning, meets a conflict, exports, and after
a restart of the app finds every decision. Screenshots of each page go to /tmp/review_*.png."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor import export
from extractor.fixtures import load_case
from extractor.review.app import create_app
from extractor.review.store import FlagRow, Store
from tests.review_support import BROKEN_TOTAL, make_results

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("/tmp")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (`make setup` installs it)")


class Server:
    """The review app on a free loopback port, in a thread; stop() ends it like Ctrl+C."""

    def __init__(self, db: Path, root: Path) -> None:
        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", 0, create_app(db, fixtures_root=root),
                                   threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "review.sqlite"
    store = Store(path)
    store.import_results(export.read_jsonl(make_results(tmp_path)))
    store.close()
    return path


def _flag(db: Path, rule: str, path_part: str, field: str | None = None) -> FlagRow:
    store = Store(db)
    try:
        return next(f for f in store.queue(status=None) if f.flag.rule == rule
                    and path_part in f.report_path and (field is None or field in f.flag.fields))
    finally:
        store.close()


def test_review_correct_source_error_conflict_export_restart(browser, db: Path,
                                                             tmp_path: Path) -> None:
    from playwright.sync_api import expect

    server = Server(db, tmp_path)
    dialogs: list[str] = []
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(15000)
    try:
        # the queue: errors first
        page.goto(server.url + "/")
        expect(page.locator("table.queue tbody tr").first).to_have_class("error open")
        expect(page.locator("table.queue tbody tr.warning")).to_have_count(1)
        page.screenshot(path=str(SHOTS / "review_queue.png"), full_page=True)
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        expect(page.locator("#flag-status")).to_have_text("open")

        # a flag of the hostile report: the script is shown as text and never runs
        r1 = _flag(db, "R1", "hostile")
        page.goto(f"{server.url}/flag/{r1.id}?field={BROKEN_TOTAL}")
        expect(page.locator("#focus-label")).to_contain_text("(七)总计 · 总计")
        expect(page.locator("#evidence")).to_have_text("12")
        expect(page.locator("#evidence")).to_be_in_viewport()
        expect(page.locator("#text")).to_contain_text('<script>window.__pwned=1;alert("xss")')
        assert page.evaluate("window.__pwned") is None and dialogs == []
        page.screenshot(path=str(SHOTS / "review_flag.png"))

        # correct it from the keyboard: c focuses the value, Enter submits the correction
        page.fill("#reviewer", "ann")
        page.locator("#reviewer").press("Escape")
        page.keyboard.press("c")
        page.keyboard.type("21")
        page.keyboard.press("Enter")
        expect(page.locator(".flash")).to_contain_text(
            "Corrected applications.total.total: 12 → 21 — the rules now pass")
        page.goto(f"{server.url}/?report={r1.report_id}&status=all")
        expect(page.locator("table.queue tbody tr.cleared")).to_have_count(3)

        # a genuine source error: s focuses the note, Ctrl+Enter marks it; the name is remembered
        r4 = _flag(db, "R4", "hongze_2023", "review.total")
        page.goto(f"{server.url}/flag/{r4.id}")
        expect(page.locator("#reviewer")).to_have_value("ann")
        page.keyboard.press("s")
        page.keyboard.type("printed 总计 0 but 10+1+0+0 = 11")
        page.keyboard.press("Control+Enter")
        expect(page.locator(".flash")).to_contain_text("as a source error")

        # an ambiguity warning accepted with a
        amb = _flag(db, "ambiguous", "004")
        page.goto(f"{server.url}/flag/{amb.id}")
        page.keyboard.press("a")
        expect(page.locator(".flash")).to_contain_text("Accepted")

        # two reviewers on one flag: the later, stale form gets the conflict page
        other = _flag(db, "R4", "hongze_2023", "litigation_after_review.total")
        page.goto(f"{server.url}/flag/{other.id}")
        bob = browser.new_context().new_page()
        bob.goto(f"{server.url}/flag/{other.id}")
        bob.fill("#reviewer", "bob")
        bob.fill("#note", "复议后起诉 总计 printed 0, parts sum to 5")
        bob.click("#btn-source")
        expect(bob.locator(".flash")).to_contain_text("source error")
        bob.context.close()
        page.fill("#value", "5")
        page.click("#btn-correct")
        expect(page.locator("h1")).to_have_text("Not saved: someone decided first")
        expect(page.locator("#others")).to_contain_text("bob")
        expect(page.locator("#others")).to_contain_text("parts sum to 5")
        page.screenshot(path=str(SHOTS / "review_conflict.png"), full_page=True)

        # export: the corrected JSONL, and the reviewed report saved as a fixture
        page.goto(server.url + "/export")
        with page.expect_download() as dl:
            page.click("#dl-jsonl")
        lines = Path(dl.value.path()).read_text(encoding="utf-8").splitlines()
        by_name = {Path(r["source"]["path"]).name: r for r in map(json.loads, lines)}
        assert by_name["hostile_000.txt"]["fields"][BROKEN_TOTAL] == 21
        assert by_name["hostile_000.txt"]["extractors"][BROKEN_TOTAL] == "review"
        row = page.locator("#reports tr", has_text="hongze_2023.pdf")
        row.locator("input[type=submit]").click()
        expect(page.locator(".flash")).to_contain_text("Saved")
        page.screenshot(path=str(SHOTS / "review_export.png"), full_page=True)
        case = load_case(next((tmp_path / "fixtures" / "reviewed").glob("*.json")))
        assert {e["note"] for e in case.source_errors} == {
            "printed 总计 0 but 10+1+0+0 = 11", "复议后起诉 总计 printed 0, parts sum to 5"}
    finally:
        ctx.close()
        server.stop()

    # restart: a new app instance on the same store shows every decision
    server = Server(db, tmp_path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(server.url + "/decisions")
        trail = page.locator("#decisions tbody tr")
        expect(trail).to_have_count(4)
        for text in ("12 → 21", "printed 总计 0 but 10+1+0+0 = 11", "bob", "accept"):
            expect(page.locator("#decisions")).to_contain_text(text)
        page.screenshot(path=str(SHOTS / "review_decisions.png"), full_page=True)
        page.goto(f"{server.url}/flag/{r1.id}")
        expect(page.locator("#flag-status")).to_have_text("cleared")
        expect(page.locator("#history")).to_contain_text("ann")
        page.goto(server.url + "/?status=decided")
        expect(page.locator("table.queue tbody tr")).to_have_count(3)
    finally:
        page.close()
        server.stop()
