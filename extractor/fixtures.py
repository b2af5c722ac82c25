"""Hand-labelled cases (fixtures/cases/*.json, protocol in fixtures/PROTOCOL.md) and the
field-by-field comparison of a result against its label."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from . import template as tpl
from .exceptions import ExtractorError
from .results import ReportResult

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    id: str
    input: Path
    template: str
    fields: dict[str, Any]
    cells: dict[str, str] = field(default_factory=dict)
    source_errors: list[dict[str, Any]] = field(default_factory=list)
    narrative_mismatches: list[dict[str, Any]] = field(default_factory=list)
    notes: str = ""
    path: Path | None = None


def load_case(path: str | Path) -> Case:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExtractorError(f"{path}: not a readable fixture ({exc})") from None
    unknown = set(data.get("fields", {})) - set(tpl.field_ids())
    if unknown:
        raise ExtractorError(f"{path}: unknown field ids {sorted(unknown)[:3]}")
    inp = Path(data["input"])
    return Case(id=data["id"], input=inp if inp.is_absolute() else REPO / inp,
                template=data["template"], fields=data["fields"], cells=data.get("cells", {}),
                source_errors=data.get("source_errors", []),
                narrative_mismatches=data.get("narrative_mismatches", []),
                notes=data.get("notes", ""), path=path)


def load_cases(folder: str | Path = REPO / "fixtures" / "cases") -> list[Case]:
    return [load_case(p) for p in sorted(Path(folder).glob("*.json"))]


@dataclass(frozen=True)
class Mismatch:
    field: str
    gold: Any
    got: Any

    @property
    def kind(self) -> str:
        """wrong (both present, differ), missing (gold has a value, we have none), spurious
        (we have a value where the label has none)."""
        if self.got is None:
            return "missing"
        if self.gold is None:
            return "spurious"
        return "wrong"


def compare(case: Case, result: ReportResult) -> list[Mismatch]:
    out = []
    for fid in tpl.field_ids():
        gold = schema.coerce(fid, case.fields.get(fid))
        got = schema.coerce(fid, result.fields.get(fid))
        if gold != got:
            out.append(Mismatch(fid, gold, got))
    return out
