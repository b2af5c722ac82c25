"""The shapes the model answers in: compact, one section at a time.

A table answer is an array: the numbers of each row, top to bottom, copied exactly as printed
("19 0 0 0 0 0 19", "6 6", "801000081"). That is what a small model does well — copy lines in
order — where naming 25 rows by label made it skip most of them. Each copy is located in the
report by characters and belongs to the row whose label stands before it; the reader's placement
and the rules assign the columns, so a model never has to guess where a dropped cell was.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Answer(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class RowsAnswer(_Answer):
    """A table: the numbers of each row it prints, top to bottom, as printed."""

    rows: list[str] = Field(default_factory=list,
                            description="one string per row: its numbers, as printed")


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
