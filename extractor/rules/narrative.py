"""Rule 6: the numeric claims of the prose against the tables and against their own parts.

Claims come from an extractor that reads prose (the LLM one); this module only checks them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..results import Claim, Flag


def _num(v: int | str) -> Decimal | None:
    try:
        return Decimal(str(v))
    except ArithmeticError:
        return None


def check_claims(claims: list[Claim], fields: Mapping[str, Any], text: str) -> list[Flag]:
    flags: list[Flag] = []
    for claim in claims:
        value = _num(claim.value)
        grounded = claim.quote.replace(" ", "") in text.replace(" ", "").replace("\n", "")
        kind = "source" if grounded else "extraction"
        if claim.cell and value is not None and fields.get(claim.cell) is not None:
            cell_value = fields[claim.cell]
            if Decimal(str(cell_value)) != value:
                flags.append(Flag(
                    rule="R6", severity="warning", kind=kind, fields=[claim.cell],
                    message=f"the narrative says {claim.value} ({claim.quote!r}); "
                            f"the table says {cell_value}",
                    expected=str(cell_value), found=str(claim.value), quotes=[claim.quote]))
        parts = [p for p in claim.parts if _num(p.value) is not None]
        if value is not None and len(parts) >= 2:  # one "part" is a restatement, not a list
            total = sum((_num(p.value) or Decimal(0)) for p in parts)
            if total != value:
                approx = " (the total is approximate: 余)" if claim.approximate else ""
                flags.append(Flag(
                    rule="R6", severity="warning", kind=kind, fields=[],
                    message=f"the narrative total {claim.value} disagrees with the sum of the "
                            f"{len(parts)} parts it lists after 其中: {total}{approx}",
                    expected=str(total), found=str(claim.value),
                    quotes=[claim.quote, *(p.quote for p in parts)]))
    return flags
