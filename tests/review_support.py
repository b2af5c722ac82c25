"""Test inputs for the review page, made at test time with the real pipeline: the seeds, the
Hongze PDFs (two genuine source errors in 2023) and a copy of seed 000 whose printed 总计 is
wrong (R1, R2, R3 fail; correcting it to 21 clears all three) and whose prose carries script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor import export
from extractor.pipeline import extract_paths

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_000 = SHARED / "seeds" / "000_dce5945d427a3daf.txt"
HOSTILE = '<script>window.__pwned=1;alert("xss")</script><img src=x onerror="window.__pwned=2">'
BROKEN_TOTAL = "applications.total.total"


def hostile_report(folder: Path) -> Path:
    text = SEED_000.read_text(encoding="utf-8")
    row = "(七) 总计\t21\t0\t0\t0\t0\t0\t{}\t"
    broken = text.replace(row.format(21), row.format(12), 1)
    assert broken != text, "seed 000 changed: update the test input"
    broken = broken.replace("(五) 监督保障。", f"(五) 监督保障。{HOSTILE} ", 1)
    path = folder / "hostile_000.txt"
    path.write_text(broken, encoding="utf-8")
    return path


def make_results(folder: Path) -> Path:
    """results.jsonl for the seeds, the Hongze PDFs and the hostile report."""
    if not SEED_000.exists():
        pytest.skip(f"{SHARED} not present (../shared beside the clone)")
    inputs = [*sorted((SHARED / "seeds").glob("*.txt")),
              *sorted((SHARED / "reports").glob("hongze_*.pdf")), hostile_report(folder)]
    out = folder / "results.jsonl"
    with out.open("w", encoding="utf-8") as f:
        export.write_jsonl(extract_paths(inputs), f)
    return out


def csrf_token(html: str, prefix: str = "") -> str:
    m = re.search(rf'name="{re.escape(prefix)}csrf_token" type="hidden" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)
