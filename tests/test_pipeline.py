"""A batch of bad inputs: each gives a clear error record or a partial result with flags, none
crashes the batch or loses another document's result."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractor.pipeline import extract_paths
from tests.layouts import app_rows, report

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "000_dce5945d427a3daf.txt"


@pytest.fixture
def batch(tmp_path: Path) -> dict[str, Path]:
    good = report(app_rows({"new": [3, 0, 0, 0, 0, 0], "granted": [3, 0, 0, 0, 0, 0],
                            "total": [3, 0, 0, 0, 0, 0]}), "tab")
    files = {
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "binary.txt",
        "not_report": tmp_path / "novel.txt",
        "cut_off": tmp_path / "cut.txt",
        "huge": tmp_path / "huge.txt",
        "gbk_html": tmp_path / "page.html",
        "no_text_pdf": tmp_path / "scan.pdf",
        "good": tmp_path / "good.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["not_report"].write_text("春江潮水连海平，海上明月共潮生。\n" * 50, encoding="utf-8")
    files["cut_off"].write_text(good[: good.index("(五)不予处理")], encoding="utf-8")
    with files["huge"].open("wb") as f:  # 50 MB of text that is not a report
        f.write(("无关的文字 123\n" * 2_800_000).encode("utf-8")[: 50 * 2**20])
    html = ("<html><head><meta charset='gbk'><script>alert(1)</script></head><body>"
            + "".join(f"<p>{line}</p>" for line in good.splitlines()) + "</body></html>")
    files["gbk_html"].write_bytes(html.encode("gbk"))
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(str(files["no_text_pdf"]))
    files["good"].write_text(good, encoding="utf-8")
    return files


def test_bad_inputs_do_not_stop_the_batch(batch: dict[str, Path]) -> None:
    results = extract_paths(list(batch.values()))
    by = {name: r for name, r in zip(batch, results, strict=True)}
    reasons = {name: (r.error.reason if r.error else r.status) for name, r in by.items()}
    assert reasons == {
        "empty": "empty", "binary": "binary", "not_report": "not_a_report",
        "cut_off": "partial", "huge": "too_large", "gbk_html": "ok",
        "no_text_pdf": "no_text_layer", "good": "ok",
    }
    for name, r in by.items():
        if r.error:  # the message names the file
            assert str(batch[name]) in r.error.message, r.error.message
    assert by["good"].fields["applications.new.total"] == 3
    assert by["gbk_html"].fields["applications.new.total"] == 3
    assert by["gbk_html"].source.encoding in ("gb18030", "gbk")
    assert "alert(1)" not in by["gbk_html"].text
    cut = by["cut_off"]
    assert cut.fields["applications.new.total"] == 3
    assert cut.fields["applications.total.total"] is None
    assert any(f.rule == "missing" and f.kind == "source" for f in cut.flags)


def test_a_crash_inside_an_extractor_is_one_error_record(tmp_path: Path) -> None:
    class Broken:
        name = "broken"

        def extract(self, text: str):
            raise ZeroDivisionError("boom")

    p = tmp_path / "a.txt"
    p.write_text("x", encoding="utf-8")
    q = tmp_path / "b.txt"
    q.write_text("y", encoding="utf-8")
    results = extract_paths([p, q], Broken())
    assert [r.error.reason for r in results] == ["internal", "internal"]
    assert "ZeroDivisionError" in results[0].error.message and str(p) in results[0].error.message


@pytest.mark.skipif(not SEED.exists(), reason="../shared not beside the clone")
def test_evidence_points_into_normalised_and_original_text() -> None:
    (r,) = extract_paths([SEED])
    original = SEED.read_text(encoding="utf-8")
    for fid, ev in r.evidence.items():
        assert r.text[ev.start:ev.end] == ev.text, fid
        if ev.cell == "number":
            assert original[ev.orig_start:ev.orig_end] == ev.text, fid
