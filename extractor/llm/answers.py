"""The shapes the model answers in: compact, one section at a time, built from the template.

A table answer has one key per row — the row's label as reports print it, so a small model finds
it — and as value the row's numbers copied exactly as printed ("19 0 0 0 0 0 19", "6 6",
"801000081"). The model segments; the reader's placement and the rules assign the columns, so a
model never has to guess where a dropped cell was.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, create_model

from .. import template as tpl


class _Answer(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


def row_key(row: tpl.Row) -> str:
    """The short label a report prints for a row (its first key, or its label without
    numbering when the key is a pattern)."""
    key = row.keys[0]
    if re.search(r"[\\()?!|*+\[\]]", key):
        key = re.sub(rf"^{tpl.NUMBERING}\s*", "", row.label)
        key = re.sub(r"^\d+\.", "", key)
    return key


def _field_name(row: tpl.Row) -> str:
    """The answer key: the printed label itself where it is a valid identifier (CJK letters
    are), so the schema the model is constrained by says 本年新收, not `new`."""
    key = row_key(row)
    return key if key.isidentifier() else row.id.replace(".", "__")


@cache
def rows_answer(table_id: str) -> type[BaseModel]:
    table = tpl.table_of(table_id)
    fields = {_field_name(row): (str, Field(default="")) for row in table.rows}
    return create_model(f"{table.id.title()}Rows", __base__=_Answer, **fields)


def row_strings(answer: BaseModel, table: tpl.Table) -> dict[str, str]:
    """Row id → the numbers the model copied for it."""
    return {row.id: getattr(answer, _field_name(row)) or "" for row in table.rows}


class ReviewAnswer(_Answer):
    numbers: str = Field(default="", description="the 15 numbers of the table, in printed order")


class HeaderAnswer(_Answer):
    agency: str = Field(description="机关名称, as written in the title")
    year: int = Field(description="报告年度, the year reported on")
    published: str = Field(default="", description="the date printed on the report, YYYY-MM-DD, "
                                                    "or empty")


class ClaimItem(_Answer):
    quote: str = Field(description="the exact words that state the number, with the number")
    number: int


class ClaimsAnswer(_Answer):
    """Flat and short: which parts belong to which total is read from the text (the parts
    follow 其中), so a small model need not nest."""

    claims: list[ClaimItem] = Field(default_factory=list)
